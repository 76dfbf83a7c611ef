// Waits on a background thread for one asynchronous yes/no answer (the system's device-owner
// screen). The core calls the DeviceOwnerCheck hook from its blocking pool with no lock held;
// the screen answers on another thread. Platform-neutral (Foundation only), so it is compiled
// and tested on Linux; LADeviceOwnerCheck builds on it.
import Foundation
import ImWallet

public final class DeviceOwnerBridge: @unchecked Sendable {
    private let timeout: TimeInterval
    private let isMainThread: () -> Bool
    private let lock = NSLock()
    private var answer: Bool?
    private var semaphore: DispatchSemaphore?

    public init(timeout: TimeInterval = 120, isMainThread: @escaping () -> Bool = { Thread.isMainThread }) {
        self.timeout = timeout
        self.isMainThread = isMainThread
    }

    /// Starts the screen via `show` (which must eventually call `complete`) and blocks until it
    /// answers or the wait times out (= not confirmed). Refused on the main thread and while
    /// another check is pending.
    public func run(_ show: (DeviceOwnerBridge) throws -> Void) throws -> Bool {
        if isMainThread() { throw WalletError.HookFailed(reason: "the device-owner check must not be called on the main thread") }
        let sem = DispatchSemaphore(value: 0)
        lock.lock()
        if semaphore != nil {
            lock.unlock()
            throw WalletError.HookFailed(reason: "a device-owner check is already in progress")
        }
        semaphore = sem
        answer = nil
        lock.unlock()
        defer {
            lock.lock()
            semaphore = nil
            lock.unlock()
        }
        do {
            try show(self)
        } catch {
            throw WalletError.HookFailed(reason: "could not show the device-owner check: \(error)")
        }
        _ = sem.wait(timeout: .now() + timeout)
        lock.lock()
        defer { lock.unlock() }
        return answer == true
    }

    /// Delivers the answer of the pending check (the first answer wins; ignored when none is pending).
    public func complete(_ confirmed: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard let sem = semaphore, answer == nil else { return }
        answer = confirmed
        sem.signal()
    }
}
