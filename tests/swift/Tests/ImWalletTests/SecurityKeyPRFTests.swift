// The platform-neutral parts of SecurityKeyPRF on Linux: ASAuthorizationError mapping, result
// validation, the bounded wait, credential ids in UserDefaults, and SecurityKeyPRFFlow end to end
// with the real core on an emulated security key (AuthenticationServices itself is Apple-only).
import Foundation
import XCTest
import ImWallet
import ImWalletIOS

/// The system sheet and a FIDO2 key with PRF, behind the flow's two platform calls: it checks the
/// requests like the system would and answers on another thread. Its PRF is a table keyed by
/// (credential, salt) of random 32-byte outputs (see FakeHardwareKey). `next` replaces the next
/// answer with an error; `silent` never answers; `swapKey` plays another key answering for the
/// same credential id; `forget` plays a key that does not hold the credential.
final class EmulatedSecurityKey: @unchecked Sendable {
    private let lock = NSLock()
    private var credentials: [Data: [Data: Data]] = [:]
    private var _next: HardwareKeyError?
    var silent = false
    var prfSupported = true
    private(set) var registrations: [SecurityKeyRegistrationRequest] = []
    private(set) var assertions: [SecurityKeyAssertionRequest] = []
    private(set) var cancels = 0

    private static func random(_ n: Int) -> Data {
        var rng = SystemRandomNumberGenerator()
        return Data((0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    func next(_ e: HardwareKeyError) { lock.lock(); _next = e; lock.unlock() }
    func swapKey() { lock.lock(); for id in credentials.keys { credentials[id] = [:] }; lock.unlock() }
    func forget() { lock.lock(); credentials = [:]; lock.unlock() }

    private func answer<T>(_ wait: SecurityKeyWait<T>, _ make: @escaping () -> Result<T, HardwareKeyError>) {
        if silent { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(5)) {
            self.lock.lock()
            let scripted = self._next
            self._next = nil
            self.lock.unlock()
            wait.complete(scripted.map { .failure($0) } ?? make())
        }
    }

    func flow(_ ids: SecurityKeyCredentialIDs, timeout: TimeInterval = 30) -> SecurityKeyPRFFlow {
        SecurityKeyPRFFlow(credentialIDs: ids, timeout: timeout, isMainThread: { false },
                           register: { request, wait in
                               self.lock.lock(); self.registrations.append(request); self.lock.unlock()
                               self.answer(wait) {
                                   let id = Self.random(16)
                                   self.lock.lock(); self.credentials[id] = [:]; self.lock.unlock()
                                   return .success(SecurityKeyRegistration(credentialID: id, prfSupported: self.prfSupported))
                               }
                           },
                           assert: { request, wait in
                               self.lock.lock(); self.assertions.append(request); self.lock.unlock()
                               self.answer(wait) {
                                   self.lock.lock(); defer { self.lock.unlock() }
                                   // A key without the credential: the system reports a failed authorization.
                                   guard var table = self.credentials[request.credentialID] else {
                                       return .failure(SecurityKeyPRFStatus.error(domain: SecurityKeyPRFStatus.authorizationErrorDomain, code: SecurityKeyPRFStatus.failed))
                                   }
                                   let out = table[request.salt] ?? Self.random(32)
                                   table[request.salt] = out
                                   self.credentials[request.credentialID] = table
                                   return .success(SecurityKeyAssertion(credentialID: request.credentialID, prf: self.prfSupported ? out : nil))
                               }
                           },
                           cancel: { self.lock.lock(); self.cancels += 1; self.lock.unlock() })
    }
}

final class MemoryCredentialIDs: SecurityKeyCredentialIDs, @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [String: Data] = [:]
    func credentialID(for accountId: String) -> Data? { lock.lock(); defer { lock.unlock() }; return ids[accountId] }
    func setCredentialID(_ id: Data, for accountId: String) throws { lock.lock(); ids[accountId] = id; lock.unlock() }
    func removeCredentialID(for accountId: String) { lock.lock(); ids[accountId] = nil; lock.unlock() }
    func clear() { lock.lock(); ids = [:]; lock.unlock() }
}

final class SecurityKeyPRFTests: XCTestCase {
    let domain = SecurityKeyPRFStatus.authorizationErrorDomain

    func other(_ e: Error?) -> String? { if case let .Other(reason)? = e as? HardwareKeyError { return reason }; return nil }

    func testAuthorizationErrorsMapToTypedOutcomes() {
        XCTAssertEqual(SecurityKeyPRFStatus.error(domain: domain, code: 1001), .Cancelled)
        XCTAssertEqual(SecurityKeyPRFStatus.error(domain: domain, code: 1004), .NotPresent, "failed: no key, or not this one")
        XCTAssertEqual(SecurityKeyPRFStatus.error(domain: domain, code: 1005), .NotPresent)
        XCTAssertTrue(other(SecurityKeyPRFStatus.error(domain: domain, code: 1003))!.contains("associated domains"))
        XCTAssertTrue(other(SecurityKeyPRFStatus.error(domain: domain, code: 1006))!.contains("already holds"))
        XCTAssertTrue(other(SecurityKeyPRFStatus.error(domain: domain, code: 1002))!.contains("invalid response"))
        XCTAssertEqual(SecurityKeyPRFStatus.error(domain: domain, code: 1000), .Other(reason: "security key error 1000"))
        XCTAssertEqual(SecurityKeyPRFStatus.error(domain: "NSOSStatusErrorDomain", code: -25300),
                       .Other(reason: "security key error NSOSStatusErrorDomain -25300"), "another domain is never a cancel")
    }

    func testResultsAreValidated() throws {
        let id = Data([1, 2, 3])
        XCTAssertEqual(try SecurityKeyPRFStatus.registered(credentialID: id, prfSupported: true), id)
        XCTAssertEqual(try SecurityKeyPRFStatus.registered(credentialID: id, prfSupported: nil), id, "not said: the first PRF call tells")
        XCTAssertThrowsError(try SecurityKeyPRFStatus.registered(credentialID: id, prfSupported: false)) {
            XCTAssertEqual(self.other($0), SecurityKeyPRFStatus.prfUnsupported)
        }
        XCTAssertThrowsError(try SecurityKeyPRFStatus.registered(credentialID: nil, prfSupported: true))
        XCTAssertThrowsError(try SecurityKeyPRFStatus.registered(credentialID: Data(), prfSupported: true))
        let out = Data(repeating: 5, count: 32)
        XCTAssertEqual(try SecurityKeyPRFStatus.prfOutput(credentialID: id, expected: id, output: out), out)
        XCTAssertThrowsError(try SecurityKeyPRFStatus.prfOutput(credentialID: id, expected: id, output: nil)) {
            XCTAssertEqual(self.other($0), SecurityKeyPRFStatus.prfUnsupported)
        }
        XCTAssertThrowsError(try SecurityKeyPRFStatus.prfOutput(credentialID: id, expected: id, output: Data(count: 31))) {
            XCTAssertTrue(self.other($0)!.contains("31 bytes"))
        }
        XCTAssertThrowsError(try SecurityKeyPRFStatus.prfOutput(credentialID: Data([9]), expected: id, output: out)) {
            XCTAssertTrue(self.other($0)!.contains("another credential"))
        }
        XCTAssertEqual(SecurityKeyPRFStatus.userID(accountId: "acc-1"), Data("acc-1".utf8))
        XCTAssertEqual(SecurityKeyPRFStatus.challenge().count, 32)
        XCTAssertNotEqual(SecurityKeyPRFStatus.challenge(), SecurityKeyPRFStatus.challenge())
    }

    func testTheWaitIsBoundedTypedAndOffTheMainThread() throws {
        let ok = SecurityKeyWait<Data>(timeout: 5, isMainThread: { false })
        let got = try ok.run { w in
            DispatchQueue.global().async { w.complete(.success(Data([1]))); w.complete(.failure(.Cancelled)) }
        }
        XCTAssertEqual(got, Data([1]), "first answer wins")
        var dismissed = false
        XCTAssertThrowsError(try SecurityKeyWait<Data>(timeout: 1, isMainThread: { false }).run({ _ in }, onTimeout: { dismissed = true })) {
            XCTAssertEqual($0 as? HardwareKeyError, .NotPresent)
        }
        XCTAssertTrue(dismissed, "the sheet is dismissed after the timeout")
        XCTAssertThrowsError(try SecurityKeyWait<Data>(timeout: 1, isMainThread: { true }).run { $0.complete(.success(Data())) }) {
            XCTAssertTrue(self.other($0)!.contains("main thread"))
        }
        struct NoWindow: Error {}
        XCTAssertThrowsError(try SecurityKeyWait<Data>(timeout: 1, isMainThread: { false }).run { _ in throw NoWindow() }) {
            XCTAssertTrue(self.other($0)!.contains("NoWindow"))
        }
        XCTAssertThrowsError(try SecurityKeyWait<Data>(timeout: 1, isMainThread: { false }).run { _ in throw HardwareKeyError.Cancelled }) {
            XCTAssertEqual($0 as? HardwareKeyError, .Cancelled, "a typed start failure stays typed")
        }
    }

    func testCredentialIDsLiveInUserDefaults() throws {
        let suite = "imwallet-test-\(UUID().uuidString)"
        let defaults = try XCTUnwrap(UserDefaults(suiteName: suite))
        defer { defaults.removePersistentDomain(forName: suite) }
        let store = UserDefaultsCredentialIDs(defaults: defaults)
        XCTAssertNil(store.credentialID(for: "a"))
        let id = Data((0..<48).map { UInt8($0) })
        try store.setCredentialID(id, for: "a")
        XCTAssertEqual(store.credentialID(for: "a"), id)
        XCTAssertNil(store.credentialID(for: "b"))
        XCTAssertThrowsError(try store.setCredentialID(Data(), for: "b"))
        store.removeCredentialID(for: "a")
        XCTAssertNil(store.credentialID(for: "a"))
    }

    func testTheFlowEndToEndWithTheRealCore() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-ios-prf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never)
        let phone = FakeDeviceKeys()
        let authenticator = EmulatedSecurityKey()
        let ids = MemoryCredentialIDs()
        var opened: OpenedWallet? = try SessionStream.open(config: config, deviceKeys: phone, hardwareKey: authenticator.flow(ids))
        let core = opened!.core
        let account = try await core.createAccount(name: "Hana", password: PW, words: 12, language: .english).account
        try await core.enableHardwareKey(password: PW)
        XCTAssertTrue(try core.accounts()[0].hardwareKeyEnabled)
        let registered = try XCTUnwrap(ids.credentialID(for: account.id))
        XCTAssertEqual(authenticator.registrations.first?.userID, Data(account.id.utf8))
        XCTAssertEqual(authenticator.registrations.first?.name, "Hana")
        XCTAssertEqual(authenticator.assertions.count, 2, "the core checks the PRF twice at enrollment")
        _ = try core.lock()
        let unlocked = try await core.unlock(password: PW)
        XCTAssertTrue(isUnlocked(unlocked))
        XCTAssertEqual(authenticator.assertions.last?.credentialID, registered)
        XCTAssertEqual(authenticator.assertions.last?.salt.count, 32)
        _ = try core.lock()
        // The user dismisses the sheet.
        authenticator.next(SecurityKeyPRFStatus.error(domain: domain, code: SecurityKeyPRFStatus.canceled))
        var e = await thrownBy { try await core.unlock(password: PW) }
        guard case WalletError.HardwareKeyCancelled = e! else { return XCTFail("\(String(describing: e))") }
        XCTAssertTrue(isLocked(opened!.session.state))
        // A key that answers for the credential with another secret: a wrong password, counted.
        e = await thrownBy { try await core.unlock(password: PW2) }
        guard case let WalletError.InvalidCredentials(before, _, _) = e! else { return XCTFail("\(String(describing: e))") }
        authenticator.swapKey()
        e = await thrownBy { try await core.unlock(password: PW) }
        guard case let WalletError.InvalidCredentials(after, _, _) = e! else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(after, before - 1)
        // A key that does not hold the credential at all: "no security key was presented".
        authenticator.forget()
        e = await thrownBy { try await core.unlock(password: PW) }
        guard case WalletError.HardwareKeyUnavailable = e! else { return XCTFail("\(String(describing: e))") }
        // The credential id is gone: a clear reason (the recovery phrase is the way back).
        ids.clear()
        e = await thrownBy { try await core.unlock(password: PW) }
        guard case let WalletError.HardwareKeyUnavailable(reason) = e! else { return XCTFail("\(String(describing: e))") }
        XCTAssertTrue(reason.contains("no security key is registered"))
        XCTAssertTrue(isLocked(core.state()))
        opened = nil
    }

    func testAKeyWithoutPrfIsRefusedAndNothingTurnsOn() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-ios-noprf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let authenticator = EmulatedSecurityKey()
        authenticator.prfSupported = false
        let opened = try SessionStream.open(config: CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never),
                                            deviceKeys: FakeDeviceKeys(), hardwareKey: authenticator.flow(MemoryCredentialIDs()))
        _ = try await opened.core.createAccount(name: "Ivo", password: PW, words: 12, language: .english)
        let e = await thrownBy { try await opened.core.enableHardwareKey(password: PW) }
        guard case let WalletError.HardwareKeyUnavailable(reason) = e! else { return XCTFail("\(String(describing: e))") }
        XCTAssertTrue(reason.contains("PRF"))
        XCTAssertFalse(try opened.core.accounts()[0].hardwareKeyEnabled)
        // A silent sheet ends as NotPresent after the timeout, and is dismissed.
        let silent = EmulatedSecurityKey()
        silent.silent = true
        XCTAssertThrowsError(try silent.flow(MemoryCredentialIDs(), timeout: 1).enroll(accountId: "a", accountName: "A")) {
            XCTAssertEqual($0 as? HardwareKeyError, .NotPresent)
        }
        XCTAssertEqual(silent.cancels, 1)
    }
}
