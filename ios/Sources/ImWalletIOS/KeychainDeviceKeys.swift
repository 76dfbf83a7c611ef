// The iOS DeviceKeyStore. Per alias, a Secure Enclave P-256 key (`kSecAttrTokenIDSecureEnclave`,
// `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`, `.privateKeyUsage` only: no prompt, no
// user authentication) wraps the core's 32-byte secret with ECIES
// (`eciesEncryptionCofactorVariableIVX963SHA256AESGCM`); the private key never leaves the Secure
// Enclave. Where there is no Secure Enclave (the simulator) a random 256-bit generic-password item
// (`…AfterFirstUnlockThisDeviceOnly`) and CryptoKit AES-GCM stand in. `ThisDeviceOnly` items are in
// no backup and do not move to a new phone: a restored data directory opens nothing there
// (DeviceKeyLost); before the first unlock after a reboot the items answer
// errSecInteractionNotAllowed (DeviceKeyUnavailable: retry, nothing is lost).
// Apple frameworks cannot be compiled on the project machines; the framing and status mapping it
// relies on (DeviceKeyStatus) are tested on Linux.
#if canImport(Security) && canImport(CryptoKit)
import CryptoKit
import Foundation
import ImWallet
import Security

public final class KeychainDeviceKeys: DeviceKeyStore, @unchecked Sendable {
    private static let algorithm: SecKeyAlgorithm = .eciesEncryptionCofactorVariableIVX963SHA256AESGCM
    private let service: String
    private let preferSecureEnclave: Bool

    /// `service` labels the app's items; `preferSecureEnclave` is false only to test the fallback.
    public init(service: String = "io.imwallet.device", preferSecureEnclave: Bool = SecureEnclave.isAvailable) {
        self.service = service
        self.preferSecureEnclave = preferSecureEnclave
    }

    // MARK: Keychain items

    private func enclaveQuery(_ alias: String) -> [String: Any] {
        [kSecClass as String: kSecClassKey,
         kSecAttrKeyClass as String: kSecAttrKeyClassPrivate,
         kSecAttrApplicationTag as String: Data(alias.utf8),
         kSecAttrLabel as String: service]
    }

    private func itemQuery(_ alias: String) -> [String: Any] {
        [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service, kSecAttrAccount as String: alias]
    }

    private func check(_ status: OSStatus) throws {
        if let e = DeviceKeyStatus.outcome(status: status) { throw e }
    }

    private static func nsError(_ error: Unmanaged<CFError>?) -> NSError? {
        error.map { $0.takeRetainedValue() as Error as NSError }
    }

    private static func failure(_ error: Unmanaged<CFError>?, _ map: (String, Int) -> DeviceKeyError) -> DeviceKeyError {
        guard let e = nsError(error) else { return .Other(reason: "the Security framework gave no detail") }
        return map(e.domain, e.code)
    }

    /// `SecItemCopyMatching(query + extra)`: its result, nil when nothing matches, else a typed error.
    private func copyMatching(_ query: [String: Any], _ extra: [String: Any]) throws -> CFTypeRef? {
        let q = query.merging(extra) { _, new in new }
        var out: CFTypeRef?
        let s = SecItemCopyMatching(q as CFDictionary, &out)
        if s == KeychainStatus.itemNotFound { return nil }
        try check(s)
        return out
    }

    /// The Secure Enclave private key of `alias`, nil when there is none.
    private func enclaveKey(_ alias: String) throws -> SecKey? {
        guard let ref = try copyMatching(enclaveQuery(alias), [kSecReturnRef as String: true]) else { return nil }
        guard CFGetTypeID(ref) == SecKeyGetTypeID() else { throw DeviceKeyError.Other(reason: "the keychain returned no key") }
        return (ref as! SecKey)
    }

    /// The fallback AES key of `alias`, nil when there is none.
    private func keychainKey(_ alias: String) throws -> SymmetricKey? {
        guard let out = try copyMatching(itemQuery(alias), [kSecReturnData as String: true]) else { return nil }
        guard var bytes = out as? Data else { throw DeviceKeyError.Other(reason: "the keychain returned no data") }
        defer { bytes.resetBytes(in: 0..<bytes.count) }
        guard bytes.count == 32 else { throw DeviceKeyError.WrongKey }
        return SymmetricKey(data: bytes)
    }

    // MARK: DeviceKeyStore

    public func createKey(alias: String) throws {
        guard DeviceKeyStatus.isOurs(alias) else { throw DeviceKeyError.Other(reason: "not a device-key alias") }
        try deleteKey(alias: alias)  // "replacing any old one", of either kind
        if preferSecureEnclave {
            var error: Unmanaged<CFError>?
            guard let access = SecAccessControlCreateWithFlags(nil, kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly, .privateKeyUsage, &error) else {
                throw Self.failure(error, DeviceKeyStatus.otherFailure(domain:code:))
            }
            let attributes: [String: Any] = [
                kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
                kSecAttrKeySizeInBits as String: 256,
                kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
                kSecPrivateKeyAttrs as String: [
                    kSecAttrIsPermanent as String: true,
                    kSecAttrApplicationTag as String: Data(alias.utf8),
                    kSecAttrLabel as String: service,
                    kSecAttrAccessControl as String: access,
                ] as [String: Any],
            ]
            if SecKeyCreateRandomKey(attributes as CFDictionary, &error) != nil { return }
            let e = Self.nsError(error)
            // Only "no Secure Enclave here" falls back; anything else is reported, never weakened.
            guard let e, e.domain == DeviceKeyStatus.osStatusDomain,
                  DeviceKeyStatus.fallsBackToKeychain(createStatus: Int32(truncatingIfNeeded: e.code)) else {
                throw e.map { DeviceKeyStatus.otherFailure(domain: $0.domain, code: $0.code) }
                    ?? DeviceKeyError.Other(reason: "the Secure Enclave did not create a key")
            }
        }
        var bytes = Data(count: 32)
        defer { bytes.resetBytes(in: 0..<bytes.count) }
        let rs = bytes.withUnsafeMutableBytes { SecRandomCopyBytes(kSecRandomDefault, 32, $0.baseAddress!) }
        guard rs == errSecSuccess else { throw DeviceKeyError.Other(reason: "no randomness (\(rs))") }
        var item = itemQuery(alias)
        item[kSecValueData as String] = bytes
        item[kSecAttrAccessible as String] = kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly
        try check(SecItemAdd(item as CFDictionary, nil))
    }

    public func wrap(alias: String, plaintext: Data) throws -> Data {
        var plaintext = plaintext
        defer { plaintext.resetBytes(in: 0..<plaintext.count) }
        if let key = try enclaveKey(alias) {
            guard let pub = SecKeyCopyPublicKey(key), SecKeyIsAlgorithmSupported(pub, .encrypt, Self.algorithm) else {
                throw DeviceKeyError.Other(reason: "the Secure Enclave key cannot encrypt")
            }
            var error: Unmanaged<CFError>?
            guard let sealed = SecKeyCreateEncryptedData(pub, Self.algorithm, plaintext as CFData, &error) as Data? else {
                throw Self.failure(error, DeviceKeyStatus.otherFailure(domain:code:))
            }
            return DeviceKeyBlob.frame(.secureEnclave, sealed)
        }
        guard let key = try keychainKey(alias) else { throw DeviceKeyError.NotFound }
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(alias.utf8))
        } catch {
            throw DeviceKeyError.Other(reason: "AES-GCM failed")
        }
        guard let combined = box.combined else { throw DeviceKeyError.Other(reason: "AES-GCM gave no combined form") }
        return DeviceKeyBlob.frame(.keychainAES, combined)
    }

    public func unwrap(alias: String, wrapped: Data) throws -> Data {
        guard let parsed = DeviceKeyBlob.parse(wrapped) else { throw DeviceKeyError.WrongKey }
        let body = parsed.body
        switch parsed.kind {
        case .secureEnclave:
            guard let key = try enclaveKey(alias) else { throw DeviceKeyError.NotFound }
            var error: Unmanaged<CFError>?
            guard let plain = SecKeyCreateDecryptedData(key, Self.algorithm, body as CFData, &error) as Data? else {
                throw Self.failure(error, DeviceKeyStatus.decryptFailure(domain:code:))
            }
            return plain
        case .keychainAES:
            guard let key = try keychainKey(alias) else { throw DeviceKeyError.NotFound }
            do {
                return try AES.GCM.open(AES.GCM.SealedBox(combined: body), using: key, authenticating: Data(alias.utf8))
            } catch {
                throw DeviceKeyError.WrongKey
            }
        }
    }

    public func deleteKey(alias: String) throws {
        for q in [enclaveQuery(alias), itemQuery(alias)] {
            let s = SecItemDelete(q as CFDictionary)
            if s != KeychainStatus.itemNotFound { try check(s) }
        }
    }

    public func list() throws -> [String] {
        let queries: [[String: Any]] = [
            [kSecClass as String: kSecClassKey, kSecAttrKeyClass as String: kSecAttrKeyClassPrivate, kSecAttrLabel as String: service],
            [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service],
        ]
        var found: [String] = []
        for q in queries {
            let all: [String: Any] = [kSecReturnAttributes as String: true, kSecMatchLimit as String: kSecMatchLimitAll]
            guard let out = try copyMatching(q, all) else { continue }
            for attrs in (out as? [[String: Any]]) ?? [] {
                if let tag = attrs[kSecAttrApplicationTag as String] as? Data, let a = String(data: tag, encoding: .utf8) { found.append(a) }
                if let a = attrs[kSecAttrAccount as String] as? String { found.append(a) }
            }
        }
        return DeviceKeyStatus.aliases(found)
    }
}

extension SessionStream {
    /// Opens the data directory bound to this device's Keychain / Secure Enclave keys (see
    /// `open(config:deviceKeys:…)`): the app's entry point.
    public static func open(config: CoreConfig, environment: EnvironmentProbe? = nil, keyStore: SecureKeyStore? = nil,
                            bootClock: BootClock? = nil, deviceOwner: DeviceOwnerCheck? = nil,
                            hardwareKey: HardwareKey? = nil) throws -> OpenedWallet {
        try open(config: config, deviceKeys: KeychainDeviceKeys(), environment: environment, keyStore: keyStore,
                 bootClock: bootClock, deviceOwner: deviceOwner, hardwareKey: hardwareKey)
    }
}
#endif
