// The hardware-key factor (issue 17, item 6) through the Swift bindings on Linux, with a scripted
// security key (FakeHardwareKey): the password and the key together open the wallet, neither
// alone; a wrong key is a wrong password (same error, counted); turning the factor on and off
// needs the proofs; AccountInfo.hardwareKeyEnabled follows.
import Foundation
import XCTest
import ImWallet

/// A FIDO2 key with the PRF extension, for the Linux tests. swift-crypto cannot be fetched on the
/// project machines and Foundation on Linux has no HMAC, so this fake does not compute
/// HMAC-SHA256(secret, salt) like the Rust `MemoryHardwareKey`: it keeps a table keyed by
/// (account, salt) that holds random 32 bytes, filled on first use. Seen from outside that is a
/// PRF — the same salt gives the same output for as long as the key stays the same, another salt
/// or another key (a new enrollment, `swap`) gives unrelated bytes — and that is all the core
/// relies on. `script` holds the next calls' failures.
final class FakeHardwareKey: HardwareKey, @unchecked Sendable {
    private let lock = NSLock()
    private var outputs: [String: [Data: Data]] = [:]
    private var _script: [Error] = []
    private var _prompts = 0

    var prompts: Int { lock.lock(); defer { lock.unlock() }; return _prompts }
    func script(_ e: Error) { lock.lock(); _script.append(e); lock.unlock() }

    private func scripted() throws {
        lock.lock(); defer { lock.unlock() }
        _prompts += 1
        if !_script.isEmpty { throw _script.removeFirst() }
    }

    /// Another key is tapped for `accountId` from now on.
    func swap(_ accountId: String) { lock.lock(); outputs[accountId] = [:]; lock.unlock() }

    func enroll(accountId: String, accountName: String) throws {
        try scripted()
        swap(accountId)
    }

    func prf(accountId: String, salt: Data) throws -> Data {
        try scripted()
        lock.lock(); defer { lock.unlock() }
        guard var table = outputs[accountId] else { throw HardwareKeyError.NotPresent }
        if let out = table[salt] { return out }
        var rng = SystemRandomNumberGenerator()
        let out = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        table[salt] = out
        outputs[accountId] = table
        return out
    }
}

/// The error `body` threw, nil when it returned.
func thrownBy<T>(_ body: () async throws -> T) async -> Error? {
    do { _ = try await body(); return nil } catch { return error }
}

final class HardwareKeyTests: XCTestCase {
    var dir: URL!
    let key = FakeHardwareKey()
    var core: WalletCore!

    func open(_ hook: HardwareKey?) throws -> WalletCore {
        try WalletCore(config: CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never),
                       environment: nil, listener: nil, keyStore: nil, deviceKeys: deviceFor(dir), hardwareKey: hook)
    }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-hw-\(UUID().uuidString)")
        core = try open(key)
    }

    override func tearDownWithError() throws {
        core = nil
        try? FileManager.default.removeItem(at: dir)
    }

    func enabled() throws -> Bool { try core.accounts()[0].hardwareKeyEnabled }

    /// An account with the factor on, locked; its id.
    func withFactor() async throws -> String {
        let id = try await core.createAccount(name: "Hana", password: PW, words: 12, language: .english).account.id
        try await core.enableHardwareKey(password: PW)
        XCTAssertTrue(try enabled())
        _ = try core.lock()
        return id
    }

    /// Turning the factor on (`on`) or off with `toggle`: a wrong password or a dismissed key
    /// changes nothing (turning it on, a wrong password never reaches the key); the right proofs
    /// flip it and log `event`; a second call is refused as invalid input.
    func toggleNeedsBothProofs(on: Bool, event: String, _ toggle: @escaping (Data) async throws -> Void) async throws {
        let prompts = key.prompts
        var e = await thrownBy { try await toggle(PW2) }
        guard case WalletError.InvalidCredentials = e! else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(try enabled(), !on)
        if on { XCTAssertEqual(key.prompts, prompts, "a wrong password never reaches the key") }
        key.script(HardwareKeyError.Cancelled)
        e = await thrownBy { try await toggle(PW) }
        guard case WalletError.HardwareKeyCancelled = e! else { return XCTFail("\(String(describing: e))") }
        XCTAssertEqual(try enabled(), !on)
        try await toggle(PW)
        XCTAssertEqual(try enabled(), on)
        XCTAssertTrue(try core.securityEvents(limit: 10).map(\.kind).contains(event))
        e = await thrownBy { try await toggle(PW) }
        guard case WalletError.InvalidInput = e! else { return XCTFail("a second time: \(String(describing: e))") }
    }

    func testTheFakeIsADeterministicPrf() throws {
        try key.enroll(accountId: "a", accountName: "A")
        let salt = Data((0..<32).map { UInt8($0) })
        let out = try key.prf(accountId: "a", salt: salt)
        XCTAssertEqual(out.count, 32)
        XCTAssertEqual(try key.prf(accountId: "a", salt: salt), out)
        XCTAssertNotEqual(try key.prf(accountId: "a", salt: Data(count: 32)), out, "another salt, another output")
        key.swap("a")
        XCTAssertNotEqual(try key.prf(accountId: "a", salt: salt), out, "another key, another output")
        XCTAssertThrowsError(try key.prf(accountId: "nobody", salt: salt)) { XCTAssertEqual($0 as? HardwareKeyError, .NotPresent) }
    }

    func testEnablingNeedsThePasswordAndTheKey() async throws {
        _ = try await core.createAccount(name: "Ivo", password: PW, words: 12, language: .english)
        XCTAssertFalse(try enabled())
        try await toggleNeedsBothProofs(on: true, event: "hardware_key_enabled") { try await self.core.enableHardwareKey(password: $0) }
    }

    func testPasswordAndKeyTogetherUnlockAndNeitherAlone() async throws {
        _ = try await withFactor()
        let unlocked = try await core.unlock(password: PW)
        XCTAssertTrue(isUnlocked(unlocked))
        _ = try core.lock()
        key.script(HardwareKeyError.Cancelled)
        var e = await thrownBy { try await self.core.unlock(password: PW) }
        guard case WalletError.HardwareKeyCancelled = e! else { return XCTFail("\(String(describing: e))") }
        XCTAssertTrue(isLocked(core.state()))
        key.script(HardwareKeyError.NotPresent)
        e = await thrownBy { try await self.core.unlock(password: PW) }
        guard case WalletError.HardwareKeyUnavailable = e! else { return XCTFail("\(String(describing: e))") }
        key.script(HardwareKeyError.Other(reason: "this key has no PRF"))
        e = await thrownBy { try await self.core.unlock(password: PW) }
        guard case let WalletError.HardwareKeyUnavailable(reason) = e! else { return XCTFail("\(String(describing: e))") }
        XCTAssertTrue(reason.contains("no PRF"))
        struct HostBug: Error {}
        key.script(HostBug())
        e = await thrownBy { try await self.core.unlock(password: PW) }
        guard case WalletError.HardwareKeyUnavailable = e! else { return XCTFail("\(String(describing: e))") }
        XCTAssertTrue(isLocked(core.state()))
        // An app without the hook cannot open it with the password alone.
        core = nil
        core = try open(nil)
        e = await thrownBy { try await self.core.login(accountName: "Hana", password: PW) }
        guard case WalletError.HardwareKeyUnavailable = e! else { return XCTFail("\(String(describing: e))") }
        XCTAssertTrue(isLocked(core.state()))
    }

    func testASwappedKeyIsAWrongPasswordAndCounts() async throws {
        let id = try await withFactor()
        let wrongPassword = await thrownBy { try await self.core.unlock(password: PW2) }
        key.swap(id)  // another security key is tapped
        let wrongKey = await thrownBy { try await self.core.unlock(password: PW) }
        guard case let WalletError.InvalidCredentials(leftA, _, reasonA) = wrongPassword!,
              case let WalletError.InvalidCredentials(leftB, _, reasonB) = wrongKey! else {
            return XCTFail("\(String(describing: wrongPassword)) / \(String(describing: wrongKey))")
        }
        XCTAssertEqual(leftB, leftA - 1, "the wrong key was counted")
        XCTAssertEqual(reasonA.filter { !$0.isNumber }, reasonB.filter { !$0.isNumber }, "indistinguishable")
        XCTAssertTrue(isLocked(core.state()))
        XCTAssertGreaterThanOrEqual(try core.securityEvents(limit: 20).filter { $0.kind == "login_failed" }.count, 2)
    }

    func testDisablingNeedsBothAndThePasswordAloneWorksAfter() async throws {
        _ = try await withFactor()
        _ = try await core.unlock(password: PW)
        try await toggleNeedsBothProofs(on: false, event: "hardware_key_disabled") { try await self.core.disableHardwareKey(password: $0) }
        core = nil
        core = try open(nil)
        let unlocked = try await core.login(accountName: "Hana", password: PW)
        XCTAssertTrue(isUnlocked(unlocked))
        XCTAssertFalse(try enabled())
    }
}
