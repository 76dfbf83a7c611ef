// The iOS DeviceOwnerCheck: LocalAuthentication's `.deviceOwnerAuthentication` policy (Face ID /
// Touch ID, falling back to the device passcode). Pass it as `deviceOwner` to `WalletCore(...)`.
// Apple frameworks cannot be compiled on the project machines; the waiting logic it relies on
// (DeviceOwnerBridge) is tested on Linux.
#if canImport(LocalAuthentication)
import Foundation
import LocalAuthentication
import ImWallet

public final class LADeviceOwnerCheck: DeviceOwnerCheck, @unchecked Sendable {
    private let bridge: DeviceOwnerBridge

    public init(timeout: TimeInterval = 120) { self.bridge = DeviceOwnerBridge(timeout: timeout) }

    /// True when a passcode is set (otherwise nothing can be confirmed).
    public func canConfirmDeviceOwner() throws -> Bool {
        var error: NSError?
        return LAContext().canEvaluatePolicy(.deviceOwnerAuthentication, error: &error)
    }

    public func confirmDeviceOwner(reason: String) throws -> Bool {
        let context = LAContext()
        var error: NSError?
        guard context.canEvaluatePolicy(.deviceOwnerAuthentication, error: &error) else { return false }
        return try bridge.run { b in
            context.evaluatePolicy(.deviceOwnerAuthentication, localizedReason: reason) { ok, _ in b.complete(ok) }
        }
    }
}
#endif
