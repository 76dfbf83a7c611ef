// What the three flows share: the latest state published as an AsyncStream (each subscriber
// starts with the current state), one core call at a time, and the core's user-facing reason out
// of any WalletError.
import Foundation
import ImWallet

/// The latest state and every subscriber's stream.
public final class FlowStates<State>: @unchecked Sendable {
    private let lock = NSLock()
    private var latest: State
    private var continuations: [UUID: AsyncStream<State>.Continuation] = [:]
    private var running = false

    init(_ initial: State) { latest = initial }

    public var current: State { lock.lock(); defer { lock.unlock() }; return latest }

    /// Every state from now on, starting with the current one.
    public func stream() -> AsyncStream<State> {
        AsyncStream(bufferingPolicy: .unbounded) { c in
            let id = UUID()
            lock.lock()
            continuations[id] = c
            let now = latest
            lock.unlock()
            c.yield(now)
            c.onTermination = { [weak self] _ in
                guard let self else { return }
                self.lock.lock(); self.continuations[id] = nil; self.lock.unlock()
            }
        }
    }

    func set(_ state: State) {
        lock.lock()
        latest = state
        let cs = Array(continuations.values)
        lock.unlock()
        for c in cs { c.yield(state) }
    }

    /// Claims the flow for one core call; false while another one runs (a second tap is ignored).
    func begin() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if running { return false }
        running = true
        return true
    }

    func end() { lock.lock(); running = false; lock.unlock() }
}

extension WalletError {
    /// The core's `reason` (safe to show): every case carries one.
    public var reason: String {
        for child in Mirror(reflecting: self).children {
            if let r = child.value as? String { return r }
            for field in Mirror(reflecting: child.value).children where field.label == "reason" {
                if let r = field.value as? String { return r }
            }
        }
        return String(describing: self)
    }
}

/// The reason of any error a flow sees (a WalletError's, or the error's description).
func reasonOf(_ error: Error) -> String { (error as? WalletError)?.reason ?? String(describing: error) }
