// The iOS ConnectionHook (issue 21): when the core revokes a dapp connection, a WalletConnect
// session is disconnected through the app's WalletConnect client (a closure: the SDK is not a
// system framework) and an in-app browser origin loses its website data (WebsiteDataCleaner, with
// WebKit); a signing request the core rejected is answered through the same client. It hands the
// work over and returns: the core calls it off the main thread, and the outcome arrives as a
// listener event. Pass it as `connectionHook` to `WalletCore(...)`. Platform-neutral: tested on Linux.
import Foundation
import ImWallet

/// What a revocation asks of the platform.
public enum DappTarget: Equatable {
    /// A WalletConnect session: disconnect its topic.
    case walletConnect(topic: String)
    /// An in-app browser permission: clear the origin's website data.
    case browser(origin: String)

    /// A connection whose id is its origin is a browser permission; anything else a topic.
    public static func of(_ r: Revocation) -> DappTarget {
        if r.connectionId == r.origin || r.connectionId.hasPrefix("https://") || r.connectionId.hasPrefix("http://") {
            return .browser(origin: r.origin)
        }
        return .walletConnect(topic: r.connectionId)
    }
}

public final class DappConnections: ConnectionHook, @unchecked Sendable {
    private let disconnectSession: (String) throws -> Void
    private let answerRejected: (RejectedRequest) throws -> Void
    private let clearOrigin: (String) throws -> Void

    /// - Parameters:
    ///   - disconnectSession: the app's WalletConnect client (`Sign.instance.disconnect(topic:)` in a Task);
    ///     throwing when it cannot even be asked leaves the revocation for the next open.
    ///   - answerRejected: sends `rejection.code` / `rejection.message` to the dapp.
    ///   - clearOrigin: clears an origin's website data (`WebsiteDataCleaner.clear` on iOS).
    public init(disconnectSession: @escaping (String) throws -> Void,
                answerRejected: @escaping (RejectedRequest) throws -> Void,
                clearOrigin: @escaping (String) throws -> Void) {
        self.disconnectSession = disconnectSession
        self.answerRejected = answerRejected
        self.clearOrigin = clearOrigin
    }

    public func disconnect(revocation: Revocation) throws {
        do {
            switch DappTarget.of(revocation) {
            case .walletConnect(let topic): try disconnectSession(topic)
            case .browser(let origin): try clearOrigin(origin)
            }
        } catch {
            throw WalletError.HookFailed(reason: "could not disconnect \(revocation.name): \(error)")
        }
    }

    public func requestRejected(rejection: RejectedRequest) throws {
        do { try answerRejected(rejection) } catch {
            throw WalletError.HookFailed(reason: "could not answer the dapp: \(error)")
        }
    }
}

/// Whether the clipboard still holds the wallet's copy: iOS bumps `UIPasteboard.changeCount` on
/// every change, so the count recorded at the copy tells. Platform-neutral: tested on Linux.
public final class ClipboardOwnership: @unchecked Sendable {
    private let lock = NSLock()
    private var ours: Int?

    public init() {}

    /// The wallet just copied; `changeCount` is the pasteboard's count after the copy.
    public func copied(changeCount: Int) { lock.lock(); ours = changeCount; lock.unlock() }

    /// Whether to clear now (the count is still the wallet's); forgets the copy either way.
    public func takeIfOurs(changeCount: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        let mine = ours == changeCount
        ours = nil
        return mine
    }
}
