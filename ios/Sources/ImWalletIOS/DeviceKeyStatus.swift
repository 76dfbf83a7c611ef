// The platform-neutral parts of KeychainDeviceKeys: the wrapped-blob framing, the alias
// namespace, and the mapping of Keychain / Security statuses to the core's typed device-key
// outcomes. Numeric codes only, so it is compiled and tested on Linux.
import Foundation
import ImWallet

/// Which kind of key sealed a blob: the first byte of every wrapped blob.
public enum DeviceKeyKind: UInt8, Sendable {
    /// A Secure Enclave P-256 key, ECIES (`eciesEncryptionCofactorVariableIVX963SHA256AESGCM`).
    case secureEnclave = 1
    /// No Secure Enclave (simulator): a random 256-bit Keychain item, AES-GCM (CryptoKit).
    case keychainAES = 2
}

/// The wrapped form: `kind (1 byte) ‖ body` — ECIES output, or AES-GCM's `nonce ‖ ciphertext ‖ tag`.
public enum DeviceKeyBlob {
    /// Shortest body that can be ours: an uncompressed P-256 point (65) + a GCM tag (16); a
    /// 12-byte nonce + a GCM tag (28).
    static func minimumBody(_ kind: DeviceKeyKind) -> Int { kind == .secureEnclave ? 65 + 16 : 12 + 16 }

    public static func frame(_ kind: DeviceKeyKind, _ body: Data) -> Data {
        var out = Data([kind.rawValue])
        out.append(body)
        return out
    }

    /// The kind and body, or nil when `blob` cannot be one of ours (the caller reports WrongKey).
    public static func parse(_ blob: Data) -> (kind: DeviceKeyKind, body: Data)? {
        guard let first = blob.first, let kind = DeviceKeyKind(rawValue: first) else { return nil }
        let body = Data(blob.dropFirst())
        return body.count >= minimumBody(kind) ? (kind, body) : nil
    }
}

public enum DeviceKeyStatus {
    /// Prefix of every device-key alias the core creates.
    public static let prefix = "imwallet.dev."
    /// errSecUnimplemented: what creating a Secure Enclave key gives where there is none.
    public static let unimplemented: Int32 = -4
    /// errSecMissingEntitlement: the app is not entitled to the Keychain (a build problem).
    public static let missingEntitlement: Int32 = -34018
    /// The Security framework's error domain (`NSOSStatusErrorDomain`).
    public static let osStatusDomain = "NSOSStatusErrorDomain"

    /// Whether `alias` is in the app's namespace.
    public static func isOurs(_ alias: String) -> Bool { alias.hasPrefix(prefix) && alias.count > prefix.count }

    /// The app's device-key aliases among everything the Keychain returned, sorted, once each.
    public static func aliases<S: Sequence>(_ all: S) -> [String] where S.Element == String {
        Array(Set(all.filter(isOurs))).sorted()
    }

    /// The typed outcome of a Keychain item call (nil = success). Before the first unlock after a
    /// reboot, `…AfterFirstUnlock…` items answer errSecInteractionNotAllowed: retry later.
    public static func outcome(status: Int32) -> DeviceKeyError? {
        switch status {
        case KeychainStatus.success: return nil
        case KeychainStatus.itemNotFound: return .NotFound
        case KeychainStatus.interactionNotAllowed: return .Unavailable(reason: "the device has not been unlocked since it started")
        case KeychainStatus.notAvailable: return .Unavailable(reason: "the keychain is not available")
        default: return .Other(reason: "keychain status \(status)")
        }
    }

    /// Creating a Secure Enclave key failed with `status`: true when there is no Secure Enclave
    /// here (the simulator), so the Keychain AES key stands in; any other failure is reported.
    public static func fallsBackToKeychain(createStatus status: Int32) -> Bool { status == unimplemented }

    /// The typed outcome of a failed decryption (a `CFError`'s domain and code): "not now" when the
    /// Security framework says so, otherwise the key does not open this blob.
    public static func decryptFailure(domain: String, code: Int) -> DeviceKeyError {
        if domain == osStatusDomain, let o = outcome(status: Int32(truncatingIfNeeded: code)), case .Unavailable = o { return o }
        return .WrongKey
    }

    /// The typed outcome of a failed encryption or key creation (never WrongKey: nothing is lost).
    public static func otherFailure(domain: String, code: Int) -> DeviceKeyError {
        if domain == osStatusDomain, let o = outcome(status: Int32(truncatingIfNeeded: code)), case .Unavailable = o { return o }
        return .Other(reason: "\(domain) \(code)")
    }
}
