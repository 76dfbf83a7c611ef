// The iOS / macOS HardwareKey: a FIDO2 security key's WebAuthn PRF output (CTAP2 `hmac-secret`)
// through AuthenticationServices (`ASAuthorizationSecurityKeyPublicKeyCredentialProvider` with the
// `prf` extension of the security-key requests, iOS / iPadOS / macOS 26.4 and later; the PRF
// input/output types exist since iOS 18 / macOS 15, but only for passkeys before 26.4).
//
// Platform-neutral (Foundation only, compiled and tested on Linux): the flow itself
// (`SecurityKeyPRFFlow`: challenge, user id, credential-id bookkeeping, the wait with its timeout,
// result validation) and the mapping of `ASAuthorizationError` codes. Apple-only (below, behind
// `#if canImport(AuthenticationServices)`): `SecurityKeyPRF`, which runs the two requests with an
// `ASAuthorizationController`. Apple frameworks cannot be compiled on the project machines.
import Foundation
import ImWallet

// MARK: - Credential ids

/// Which credential each account registered on its security key. Not secret (a credential id is
/// useless without the key), but needed to ask the key for its PRF: losing it is as bad as losing
/// the key (the wallet then opens only with the recovery phrase), so keep it with the app's data.
public protocol SecurityKeyCredentialIDs: AnyObject {
    func credentialID(for accountId: String) -> Data?
    func setCredentialID(_ id: Data, for accountId: String) throws
    func removeCredentialID(for accountId: String)
}

/// `SecurityKeyCredentialIDs` in `UserDefaults` (one `Data` value per account).
public final class UserDefaultsCredentialIDs: SecurityKeyCredentialIDs, @unchecked Sendable {
    private let defaults: UserDefaults
    private let prefix: String

    public init(defaults: UserDefaults = .standard, prefix: String = "imwallet.securityKey.credential.") {
        self.defaults = defaults
        self.prefix = prefix
    }

    public func credentialID(for accountId: String) -> Data? {
        guard let id = defaults.data(forKey: prefix + accountId), !id.isEmpty else { return nil }
        return id
    }

    public func setCredentialID(_ id: Data, for accountId: String) throws {
        guard !id.isEmpty else { throw HardwareKeyError.Other(reason: "empty credential id") }
        defaults.set(id, forKey: prefix + accountId)
    }

    public func removeCredentialID(for accountId: String) { defaults.removeObject(forKey: prefix + accountId) }
}

// MARK: - Rules and error mapping

public enum SecurityKeyPRFStatus {
    /// The PRF output size (HMAC-SHA-256).
    public static let prfBytes = 32
    /// `ASAuthorizationErrorDomain`.
    public static let authorizationErrorDomain = "com.apple.AuthenticationServices.AuthorizationError"
    // ASAuthorizationError codes (ASAuthorizationError.h).
    public static let unknown = 1000
    public static let canceled = 1001
    public static let invalidResponse = 1002
    public static let notHandled = 1003
    public static let failed = 1004
    public static let notInteractive = 1005
    public static let matchedExcludedCredential = 1006

    public static let prfUnsupported =
        "this security key does not support the PRF (hmac-secret) extension: use a FIDO2 key that does"
    public static let systemTooOld =
        "this system cannot read a security key's PRF: iOS, iPadOS or macOS 26.4 or later is needed"
    public static let noCredential = "no security key is registered for this account on this device"

    /// 32 random bytes (no server checks the signature: the PRF output is what matters).
    public static func challenge() -> Data {
        var rng = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// The WebAuthn user handle: the account id's bytes.
    public static func userID(accountId: String) -> Data { Data(accountId.utf8) }

    /// The new credential's id, and whether the key said it supports PRF (nil: it did not say;
    /// the first PRF call will tell).
    public static func registered(credentialID: Data?, prfSupported: Bool?) throws -> Data {
        guard let id = credentialID, !id.isEmpty else { throw HardwareKeyError.Other(reason: "the security key returned no credential id") }
        if prfSupported == false { throw HardwareKeyError.Other(reason: prfUnsupported) }
        return id
    }

    /// The 32-byte PRF output of an assertion by `expected`.
    public static func prfOutput(credentialID: Data?, expected: Data, output: Data?) throws -> Data {
        guard credentialID == expected else {
            throw HardwareKeyError.Other(reason: "the system answered with another credential than this account's")
        }
        guard let out = output else { throw HardwareKeyError.Other(reason: prfUnsupported) }
        guard out.count == prfBytes else {
            throw HardwareKeyError.Other(reason: "the security key returned a PRF output of \(out.count) bytes, expected \(prfBytes)")
        }
        return out
    }

    /// The typed outcome of a failed authorization (`NSError` domain and code). Apple reports a
    /// dismissed sheet as `canceled`; a key that was not presented or did not answer, or that does
    /// not hold the credential, ends as `failed` or `notInteractive`.
    public static func error(domain: String, code: Int) -> HardwareKeyError {
        guard domain == authorizationErrorDomain else { return .Other(reason: "security key error \(domain) \(code)") }
        switch code {
        case canceled: return .Cancelled
        case failed, notInteractive: return .NotPresent
        case matchedExcludedCredential: return .Other(reason: "this security key already holds a credential for this account")
        case notHandled: return .Other(reason: "the request was not handled: check the app's associated domains for the relying party id")
        case invalidResponse: return .Other(reason: "the security key gave an invalid response")
        default: return .Other(reason: "security key error \(code)")
        }
    }
}

// MARK: - Waiting for the system's answer

/// Waits on a background thread for one asynchronous answer (the system sheet answers on another
/// thread). No answer in time is NotPresent (and `onTimeout` dismisses the sheet); the main thread
/// is refused; a start that throws is Other. The first answer wins.
public final class SecurityKeyWait<Value>: @unchecked Sendable {
    private let timeout: TimeInterval
    private let isMainThread: () -> Bool
    private let lock = NSLock()
    private let semaphore = DispatchSemaphore(value: 0)
    private var result: Result<Value, HardwareKeyError>?

    public init(timeout: TimeInterval, isMainThread: @escaping () -> Bool = { Thread.isMainThread }) {
        self.timeout = timeout
        self.isMainThread = isMainThread
    }

    /// Delivers the answer (ignored after the first one, or after the timeout).
    public func complete(_ answer: Result<Value, HardwareKeyError>) {
        lock.lock()
        defer { lock.unlock() }
        guard result == nil else { return }
        result = answer
        semaphore.signal()
    }

    /// Starts the request via `start` and blocks until it answers or the wait times out.
    public func run(_ start: (SecurityKeyWait<Value>) throws -> Void, onTimeout: () -> Void = {}) throws -> Value {
        if isMainThread() { throw HardwareKeyError.Other(reason: "the security key must not be asked for on the main thread") }
        do {
            try start(self)
        } catch let e as HardwareKeyError {
            complete(.failure(e))
        } catch {
            throw HardwareKeyError.Other(reason: "could not show the security key screen: \(type(of: error))")
        }
        if semaphore.wait(timeout: .now() + timeout) == .timedOut {
            complete(.failure(.NotPresent))
            onTimeout()
        }
        lock.lock()
        let answer = result
        lock.unlock()
        guard let answer else { throw HardwareKeyError.NotPresent }
        return try answer.get()
    }
}

// MARK: - The flow

/// What the platform is asked to register: a non-discoverable credential, user verification
/// discouraged, the PRF extension on.
public struct SecurityKeyRegistrationRequest: Sendable {
    public let challenge: Data
    public let userID: Data
    public let name: String
}

/// What the platform is asked to assert: the account's credential only, PRF evaluated at `salt`.
public struct SecurityKeyAssertionRequest: Sendable {
    public let challenge: Data
    public let credentialID: Data
    public let salt: Data
}

/// The platform's answer to a registration.
public struct SecurityKeyRegistration: Sendable {
    public let credentialID: Data?
    /// nil when the system did not say.
    public let prfSupported: Bool?
    public init(credentialID: Data?, prfSupported: Bool?) {
        self.credentialID = credentialID
        self.prfSupported = prfSupported
    }
}

/// The platform's answer to an assertion.
public struct SecurityKeyAssertion: Sendable {
    public let credentialID: Data?
    public let prf: Data?
    public init(credentialID: Data?, prf: Data?) {
        self.credentialID = credentialID
        self.prf = prf
    }
}

/// The HardwareKey steps around two platform calls, each of which starts one request and delivers
/// its answer to the wait (from any thread). `SecurityKeyPRF` plugs in AuthenticationServices; the
/// tests plug in an emulated authenticator. User verification is "discouraged" in both calls,
/// always: a CTAP2 key holds one PRF secret for calls with user verification and another for calls
/// without, so mixing them would change the output and lock the wallet.
public final class SecurityKeyPRFFlow: HardwareKey, @unchecked Sendable {
    public typealias Register = (SecurityKeyRegistrationRequest, SecurityKeyWait<SecurityKeyRegistration>) throws -> Void
    public typealias Assert = (SecurityKeyAssertionRequest, SecurityKeyWait<SecurityKeyAssertion>) throws -> Void

    private let credentialIDs: SecurityKeyCredentialIDs
    private let timeout: TimeInterval
    private let isMainThread: () -> Bool
    private let register: Register
    private let assert: Assert
    private let cancel: () -> Void

    public init(credentialIDs: SecurityKeyCredentialIDs, timeout: TimeInterval = 120,
                isMainThread: @escaping () -> Bool = { Thread.isMainThread },
                register: @escaping Register, assert: @escaping Assert, cancel: @escaping () -> Void = {}) {
        self.credentialIDs = credentialIDs
        self.timeout = timeout
        self.isMainThread = isMainThread
        self.register = register
        self.assert = assert
        self.cancel = cancel
    }

    // Every failure becomes a typed outcome (a host error would only say "callback failed").
    private func typed<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as HardwareKeyError {
            throw e
        } catch {
            throw HardwareKeyError.Other(reason: "security key call failed: \(type(of: error))")
        }
    }

    public func enroll(accountId: String, accountName: String) throws {
        try typed {
            let request = SecurityKeyRegistrationRequest(challenge: SecurityKeyPRFStatus.challenge(),
                                                         userID: SecurityKeyPRFStatus.userID(accountId: accountId), name: accountName)
            let wait = SecurityKeyWait<SecurityKeyRegistration>(timeout: timeout, isMainThread: isMainThread)
            let answer = try wait.run({ try register(request, $0) }, onTimeout: cancel)
            let id = try SecurityKeyPRFStatus.registered(credentialID: answer.credentialID, prfSupported: answer.prfSupported)
            try credentialIDs.setCredentialID(id, for: accountId)
        }
    }

    public func prf(accountId: String, salt: Data) throws -> Data {
        try typed {
            guard !salt.isEmpty else { throw HardwareKeyError.Other(reason: "empty PRF salt") }
            guard let id = credentialIDs.credentialID(for: accountId) else { throw HardwareKeyError.Other(reason: SecurityKeyPRFStatus.noCredential) }
            let request = SecurityKeyAssertionRequest(challenge: SecurityKeyPRFStatus.challenge(), credentialID: id, salt: salt)
            let wait = SecurityKeyWait<SecurityKeyAssertion>(timeout: timeout, isMainThread: isMainThread)
            let answer = try wait.run({ try assert(request, $0) }, onTimeout: cancel)
            return try SecurityKeyPRFStatus.prfOutput(credentialID: answer.credentialID, expected: id, output: answer.prf)
        }
    }
}

// MARK: - AuthenticationServices

#if canImport(AuthenticationServices) && (os(iOS) || os(macOS))
import AuthenticationServices
import CryptoKit

/// The hook to pass as `hardwareKey` to `WalletCore(...)` / `SessionStream.open`. `relyingPartyID`
/// is a domain listed in the app's Associated Domains (`webcredentials:`) whose
/// apple-app-site-association file lists the app; `anchor` returns the window to present the
/// "use your security key" sheet on (called on the main thread). Call the core off the main thread.
/// Needs the iOS / macOS 26.4 SDK to compile; on older systems both calls fail with
/// `HardwareKeyError.Other` (`SecurityKeyPRF.isSupported` tells the app beforehand).
public final class SecurityKeyPRF: HardwareKey, @unchecked Sendable {
    private let relyingPartyID: String
    private let anchor: () -> ASPresentationAnchor
    private var flow: SecurityKeyPRFFlow!
    private let lock = NSLock()
    private var pending: AuthorizationDelegate?

    /// Whether this system can read a security key's PRF.
    public static var isSupported: Bool {
        if #available(iOS 26.4, macOS 26.4, *) { return true }
        return false
    }

    public init(relyingPartyID: String, credentialIDs: SecurityKeyCredentialIDs = UserDefaultsCredentialIDs(),
                timeout: TimeInterval = 120, anchor: @escaping () -> ASPresentationAnchor) {
        self.relyingPartyID = relyingPartyID
        self.anchor = anchor
        self.flow = SecurityKeyPRFFlow(
            credentialIDs: credentialIDs, timeout: timeout,
            register: { [unowned self] request, wait in try self.register(request, wait) },
            assert: { [unowned self] request, wait in try self.assert(request, wait) },
            cancel: { [unowned self] in self.cancelPending() })
    }

    public func enroll(accountId: String, accountName: String) throws {
        guard Self.isSupported else { throw HardwareKeyError.Other(reason: SecurityKeyPRFStatus.systemTooOld) }
        try flow.enroll(accountId: accountId, accountName: accountName)
    }

    public func prf(accountId: String, salt: Data) throws -> Data {
        guard Self.isSupported else { throw HardwareKeyError.Other(reason: SecurityKeyPRFStatus.systemTooOld) }
        return try flow.prf(accountId: accountId, salt: salt)
    }

    private func register(_ r: SecurityKeyRegistrationRequest, _ wait: SecurityKeyWait<SecurityKeyRegistration>) throws {
        guard #available(iOS 26.4, macOS 26.4, *) else { throw HardwareKeyError.Other(reason: SecurityKeyPRFStatus.systemTooOld) }
        let provider = ASAuthorizationSecurityKeyPublicKeyCredentialProvider(relyingPartyIdentifier: relyingPartyID)
        let request = provider.createCredentialRegistrationRequest(challenge: r.challenge, displayName: r.name, name: r.name, userID: r.userID)
        request.credentialParameters = [ASAuthorizationPublicKeyCredentialParameters(algorithm: .ES256)]
        request.residentKeyPreference = .discouraged
        request.userVerificationPreference = .discouraged
        request.attestationPreference = .none
        request.prf = .checkForSupport
        perform(request) { credential in
            guard let registration = credential as? ASAuthorizationSecurityKeyPublicKeyCredentialRegistration else {
                return wait.complete(.failure(.Other(reason: "the system returned no security key registration")))
            }
            wait.complete(.success(SecurityKeyRegistration(credentialID: registration.credentialID, prfSupported: nil)))
        } failed: { wait.complete(.failure($0)) }
    }

    private func assert(_ r: SecurityKeyAssertionRequest, _ wait: SecurityKeyWait<SecurityKeyAssertion>) throws {
        guard #available(iOS 26.4, macOS 26.4, *) else { throw HardwareKeyError.Other(reason: SecurityKeyPRFStatus.systemTooOld) }
        let provider = ASAuthorizationSecurityKeyPublicKeyCredentialProvider(relyingPartyIdentifier: relyingPartyID)
        let request = provider.createCredentialAssertionRequest(challenge: r.challenge)
        request.allowedCredentials = [ASAuthorizationSecurityKeyPublicKeyCredentialDescriptor(
            credentialID: r.credentialID, transports: ASAuthorizationSecurityKeyPublicKeyCredentialDescriptor.Transport.allSupported)]
        request.userVerificationPreference = .discouraged
        request.prf = .inputValues(.init(saltInput1: r.salt))
        perform(request) { credential in
            guard let assertion = credential as? ASAuthorizationSecurityKeyPublicKeyCredentialAssertion else {
                return wait.complete(.failure(.Other(reason: "the system returned no security key assertion")))
            }
            let out = assertion.prf.map { $0.first.withUnsafeBytes { Data($0) } }
            wait.complete(.success(SecurityKeyAssertion(credentialID: assertion.credentialID, prf: out)))
        } failed: { wait.complete(.failure($0)) }
    }

    /// Runs one request on the main thread; the delegate (and through it the controller) is kept
    /// until the answer or a cancel.
    private func perform(_ request: ASAuthorizationRequest, done: @escaping (ASAuthorizationCredential) -> Void,
                         failed: @escaping (HardwareKeyError) -> Void) {
        DispatchQueue.main.async { [self] in
            let delegate = AuthorizationDelegate(anchor: anchor) { [weak self] result in
                self?.lock.lock(); self?.pending = nil; self?.lock.unlock()
                switch result {
                case let .success(credential): done(credential)
                case let .failure(error): failed(error)
                }
            }
            let controller = ASAuthorizationController(authorizationRequests: [request])
            controller.delegate = delegate
            controller.presentationContextProvider = delegate
            delegate.controller = controller
            lock.lock(); pending = delegate; lock.unlock()
            controller.performRequests()
        }
    }

    private func cancelPending() {
        DispatchQueue.main.async { [self] in
            lock.lock(); let delegate = pending; pending = nil; lock.unlock()
            if #available(iOS 16.0, macOS 13.0, *) { delegate?.controller?.cancel() }
            delegate?.controller = nil
        }
    }
}

private final class AuthorizationDelegate: NSObject, ASAuthorizationControllerDelegate, ASAuthorizationControllerPresentationContextProviding {
    private let anchor: () -> ASPresentationAnchor
    private let finish: (Result<ASAuthorizationCredential, HardwareKeyError>) -> Void
    var controller: ASAuthorizationController?

    init(anchor: @escaping () -> ASPresentationAnchor, finish: @escaping (Result<ASAuthorizationCredential, HardwareKeyError>) -> Void) {
        self.anchor = anchor
        self.finish = finish
    }

    func authorizationController(controller: ASAuthorizationController, didCompleteWithAuthorization authorization: ASAuthorization) {
        self.controller = nil
        finish(.success(authorization.credential))
    }

    func authorizationController(controller: ASAuthorizationController, didCompleteWithError error: Error) {
        self.controller = nil
        let e = error as NSError
        finish(.failure(SecurityKeyPRFStatus.error(domain: e.domain, code: e.code)))
    }

    func presentationAnchor(for controller: ASAuthorizationController) -> ASPresentationAnchor { anchor() }
}
#endif
