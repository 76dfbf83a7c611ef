// Maps Keychain OSStatus codes and LocalAuthentication error codes to the core's typed
// key-store outcomes. Platform-neutral (numeric codes), so it is compiled and tested on Linux.
import ImWallet

public enum KeychainStatus {
    public static let success: Int32 = 0
    public static let userCanceled: Int32 = -128         // errSecUserCanceled
    public static let authFailed: Int32 = -25293         // errSecAuthFailed
    public static let itemNotFound: Int32 = -25300       // errSecItemNotFound
    public static let interactionNotAllowed: Int32 = -25308  // errSecInteractionNotAllowed
    public static let notAvailable: Int32 = -25291       // errSecNotAvailable

    /// LAError codes (LocalAuthentication).
    public static let laUserCancel = -2, laSystemCancel = -4, laAppCancel = -9, laUserFallback = -3
    public static let laBiometryNotAvailable = -6, laBiometryNotEnrolled = -7, laBiometryLockout = -8

    /// The typed outcome for a Keychain status (nil = success).
    public static func outcome(status: Int32) -> KeyStoreError? {
        switch status {
        case success: return nil
        case userCanceled: return .Cancelled
        case itemNotFound: return .NotFound
        case authFailed: return .Lockout
        case interactionNotAllowed, notAvailable: return .Unavailable
        default: return .Other(reason: "keychain status \(status)")
        }
    }

    /// The typed outcome for an LAError code.
    public static func outcome(laError code: Int) -> KeyStoreError {
        switch code {
        case laUserCancel, laSystemCancel, laAppCancel, laUserFallback: return .Cancelled
        case laBiometryLockout: return .Lockout
        case laBiometryNotEnrolled: return .NotEnrolled
        case laBiometryNotAvailable: return .Unavailable
        default: return .Other(reason: "LAError \(code)")
        }
    }
}
