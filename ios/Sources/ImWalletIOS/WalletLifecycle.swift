// Lifecycle wiring: tells the core when the app goes to the background and comes back (the core
// decides whether that locks), and covers the screen while the app is inactive so the app
// switcher's snapshot shows no balance or phrase. The reports go to the core in order on one
// background queue: a core call may wait for a running transaction (a logout, an erase), which
// must never hold up the main thread. Platform-neutral: it listens on a
// NotificationCenter for notification names it is given, so it is compiled and tested on Linux;
// UIKitLifecycle.swift (Apple only) passes UIApplication's names and draws the cover.
import Foundation
import ImWallet

public final class WalletLifecycle: @unchecked Sendable {
    private let calls: LifecycleCalls
    private let center: NotificationCenter
    private let onError: (Error) -> Void
    private var tokens: [NSObjectProtocol] = []
    private let reports: OperationQueue = {
        let q = OperationQueue()
        q.maxConcurrentOperationCount = 1
        q.name = "imwallet-lifecycle"
        return q
    }()
    private let lock = NSLock()
    private var touchPending = false

    /// Reports `background` as `appBackgrounded()` and `foreground` as `appForegrounded()`.
    /// On iOS use `WalletLifecycle(calls:)` (UIApplication's notifications).
    public init(calls: LifecycleCalls, center: NotificationCenter = .default,
                background: Notification.Name, foreground: Notification.Name,
                onError: @escaping (Error) -> Void = { _ in }) {
        self.calls = calls
        self.center = center
        self.onError = onError
        tokens.append(center.addObserver(forName: background, object: nil, queue: reports) { [weak self] _ in
            self?.report { _ = try $0.appBackgrounded() }
        })
        tokens.append(center.addObserver(forName: foreground, object: nil, queue: reports) { [weak self] _ in
            self?.report { _ = try $0.appForegrounded() }
        })
    }

    deinit { tokens.forEach { center.removeObserver($0) } }

    /// User activity (a touch): restarts the idle auto-lock. Touches come in bursts: one report
    /// waits at a time.
    public func touch() {
        lock.lock()
        let first = !touchPending
        touchPending = true
        lock.unlock()
        guard first else { return }
        reports.addOperation { [weak self] in
            guard let self else { return }
            self.lock.lock(); self.touchPending = false; self.lock.unlock()
            self.calls.touch()
        }
    }

    /// Waits until every report sent so far reached the core.
    public func flush() { reports.waitUntilAllOperationsAreFinished() }

    private func report(_ call: (LifecycleCalls) throws -> Void) {
        do { try call(calls) } catch { onError(error) }
    }
}

/// Shows a cover while the app is inactive (the app switcher takes its snapshot then) and takes
/// it away when the app is active again. `show`/`hide` draw it (UIKit: a view over the window).
public final class PrivacyCover: @unchecked Sendable {
    private let center: NotificationCenter
    private var tokens: [NSObjectProtocol] = []
    private let lock = NSLock()
    private var shown = false

    public init(center: NotificationCenter = .default, inactive: Notification.Name, active: Notification.Name,
                show: @escaping () -> Void, hide: @escaping () -> Void) {
        self.center = center
        tokens.append(center.addObserver(forName: inactive, object: nil, queue: nil) { [weak self] _ in
            if self?.flip(to: true) == true { show() }
        })
        tokens.append(center.addObserver(forName: active, object: nil, queue: nil) { [weak self] _ in
            if self?.flip(to: false) == true { hide() }
        })
    }

    deinit { tokens.forEach { center.removeObserver($0) } }

    public var isShown: Bool { lock.lock(); defer { lock.unlock() }; return shown }

    /// True when the cover changes (shown twice is drawn once).
    private func flip(to on: Bool) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if shown == on { return false }
        shown = on
        return true
    }
}
