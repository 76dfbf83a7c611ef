// The iOS SecureKeyStore: one generic-password Keychain item per alias, protected by
// SecAccessControl `.biometryCurrentSet` (a new Face ID / Touch ID enrollment makes the item
// unreadable) and `kSecAttrAccessibleWhenUnlockedThisDeviceOnly` (no backup, no migration).
// Reading it shows the system biometric prompt. Apple frameworks cannot be compiled on the
// project machines; the status mapping it relies on (KeychainStatus) is tested on Linux.
#if canImport(LocalAuthentication) && canImport(Security)
import Foundation
import LocalAuthentication
import Security
import ImWallet

public final class KeychainBiometricStore: SecureKeyStore, @unchecked Sendable {
    private let service: String

    public init(service: String = "io.imwallet.biometric") { self.service = service }

    private func query(_ alias: String) -> [String: Any] {
        [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service, kSecAttrAccount as String: alias]
    }

    public func store(alias: String, secret: Data) throws {
        var error: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(nil, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, .biometryCurrentSet, &error) else {
            throw KeyStoreError.Unavailable
        }
        SecItemDelete(query(alias) as CFDictionary)
        var item = query(alias)
        item[kSecValueData as String] = secret
        item[kSecAttrAccessControl as String] = access
        if let e = KeychainStatus.outcome(status: SecItemAdd(item as CFDictionary, nil)) { throw e }
    }

    public func load(alias: String, prompt: BiometricPrompt) throws -> Data {
        let context = LAContext()
        context.localizedReason = prompt.reason
        var q = query(alias)
        q[kSecReturnData as String] = true
        q[kSecUseAuthenticationContext as String] = context
        q[kSecUseOperationPrompt as String] = prompt.reason
        var out: CFTypeRef?
        let status = SecItemCopyMatching(q as CFDictionary, &out)
        if status == KeychainStatus.itemNotFound {
            // `.biometryCurrentSet` items vanish from reads after an enrollment change.
            var probe = query(alias)
            probe[kSecUseAuthenticationUI as String] = kSecUseAuthenticationUIFail
            throw SecItemCopyMatching(probe as CFDictionary, nil) == KeychainStatus.interactionNotAllowed ? KeyStoreError.KeyInvalidated : KeyStoreError.NotFound
        }
        if let e = KeychainStatus.outcome(status: status) { throw e }
        guard let data = out as? Data else { throw KeyStoreError.Other(reason: "no data") }
        return data
    }

    public func delete(alias: String) throws {
        let s = SecItemDelete(query(alias) as CFDictionary)
        if s != KeychainStatus.itemNotFound, let e = KeychainStatus.outcome(status: s) { throw e }
    }

    public func list() throws -> [String] {
        var q: [String: Any] = [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service,
                                kSecReturnAttributes as String: true, kSecMatchLimit as String: kSecMatchLimitAll,
                                kSecUseAuthenticationUI as String: kSecUseAuthenticationUISkip]
        var out: CFTypeRef?
        let s = SecItemCopyMatching(q as CFDictionary, &out)
        if s == KeychainStatus.itemNotFound { return [] }
        if let e = KeychainStatus.outcome(status: s) { throw e }
        q.removeAll()
        return ((out as? [[String: Any]]) ?? []).compactMap { $0[kSecAttrAccount as String] as? String }.sorted()
    }

    public func deleteAll() throws {
        let s = SecItemDelete([kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service] as CFDictionary)
        if s != KeychainStatus.itemNotFound, let e = KeychainStatus.outcome(status: s) { throw e }
    }
}
#endif
