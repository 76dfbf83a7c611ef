// The iOS ClipboardHook (issue 21): the wallet copies through `copy`, which sets a local-only item
// that also expires by itself (UIPasteboard's expirationDate, the core's timeout), and tells the
// core; when the core says so (timeout, lock, logout) the item is removed — only if the pasteboard
// still holds the wallet's copy (ClipboardOwnership). WebsiteDataCleaner clears an origin's website
// data for DappConnections. UIKit and WebKit cannot be compiled on the project machines; the logic
// they rely on (ClipboardOwnership, DappConnections) is tested on Linux.
#if canImport(UIKit)
import Foundation
import UIKit
import UniformTypeIdentifiers
import ImWallet

public final class PasteboardClipboard: ClipboardHook, @unchecked Sendable {
    private let ownership = ClipboardOwnership()

    public init() {}

    /// Copies `text` of `kind` for the user and tells `core`; returns the seconds until it is cleared.
    @MainActor
    public func copy(_ text: String, kind: ClipKind, core: WalletCore) -> UInt64 {
        let secs = core.clipboardCopied(kind: kind)
        let board = UIPasteboard.general
        board.setItems([[UTType.plainText.identifier: text]],
                       options: [.localOnly: true, .expirationDate: Date().addingTimeInterval(TimeInterval(secs))])
        ownership.copied(changeCount: board.changeCount)
        return secs
    }

    public func clear(reason: ClipboardClearReason) throws {
        DispatchQueue.main.async { [ownership] in
            let board = UIPasteboard.general
            if ownership.takeIfOurs(changeCount: board.changeCount) { board.items = [] }
        }
    }
}
#endif

#if canImport(WebKit)
import WebKit

/// Clears the website data (cookies, storage, caches) of one origin from the default data store.
public enum WebsiteDataCleaner {
    public static func clear(origin: String) {
        guard let host = URL(string: origin)?.host else { return }
        DispatchQueue.main.async {
            let store = WKWebsiteDataStore.default()
            let types = WKWebsiteDataStore.allWebsiteDataTypes()
            store.fetchDataRecords(ofTypes: types) { records in
                let mine = records.filter { host == $0.displayName || host.hasSuffix("." + $0.displayName) }
                store.removeData(ofTypes: types, for: mine) {}
            }
        }
    }
}
#endif
