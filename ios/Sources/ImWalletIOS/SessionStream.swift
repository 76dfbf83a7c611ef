// A SessionListener exposing the core's state as an AsyncStream for SwiftUI (`for await`),
// plus the latest value, and `SessionStream.open`: how the app opens its data directory, always
// bound to device keys (KeychainDeviceKeys on Apple platforms). Platform-neutral: compiled and
// tested on Linux.
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

/// An open data directory and the stream that follows its session.
public struct OpenedWallet {
    public let core: WalletCore
    public let session: SessionStream
}

extension SessionStream {
    /// Opens (creating if needed) the data directory bound to `deviceKeys` (on a device:
    /// `open(config:)`, which passes `KeychainDeviceKeys()`). Call it off the main thread. Besides
    /// the usual open errors it throws `WalletError.DeviceKeyUnavailable` (show "unlock your phone
    /// and retry": nothing is lost) and `WalletError.DeviceKeyLost` (the data belongs to keys that
    /// are not on this device: offer `quarantineDamagedData` and a restore from the recovery phrase).
    /// `hardwareKey` (a `SecurityKeyPRF`) lets accounts turn on the security-key factor;
    /// `environment` (an `IOSEnvironmentProbe`) answers the environment policy's questions (without
    /// it every answer is "cannot tell").
    public static func open(config: CoreConfig, deviceKeys: DeviceKeyStore, environment: EnvironmentProbe? = nil,
                            keyStore: SecureKeyStore? = nil, bootClock: BootClock? = nil,
                            deviceOwner: DeviceOwnerCheck? = nil, hardwareKey: HardwareKey? = nil) throws -> OpenedWallet {
        let session = SessionStream(initial: .noAccount)
        let core = try WalletCore(config: config, environment: environment, listener: session, keyStore: keyStore,
                                  bootClock: bootClock, deviceOwner: deviceOwner, deviceKeys: deviceKeys, hardwareKey: hardwareKey)
        try session.onStateChanged(state: core.state())
        return OpenedWallet(core: core, session: session)
    }
}
