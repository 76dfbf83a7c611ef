// A SessionListener exposing the core's state as an AsyncStream for SwiftUI (`for await`),
// plus the latest value. Platform-neutral: compiled and tested on Linux.
import Foundation
import ImWallet

public final class SessionStream: SessionListener, @unchecked Sendable {
    private let lock = NSLock()
    private var latest: SessionState
    private var continuations: [UUID: AsyncStream<SessionState>.Continuation] = [:]

    public init(initial: SessionState) { latest = initial }

    public var state: SessionState { lock.lock(); defer { lock.unlock() }; return latest }

    /// Every state from now on, starting with the current one.
    public func states() -> AsyncStream<SessionState> {
        AsyncStream { c in
            let id = UUID()
            lock.lock()
            continuations[id] = c
            let now = latest
            lock.unlock()
            c.yield(now)
            c.onTermination = { [weak self] _ in
                self?.lock.lock(); self?.continuations[id] = nil; self?.lock.unlock()
            }
        }
    }

    public func onStateChanged(state: SessionState) throws {
        lock.lock()
        latest = state
        let cs = Array(continuations.values)
        lock.unlock()
        for c in cs { c.yield(state) }
    }

    public func onSecurityEvent(event: SecurityEvent) throws {}
}
