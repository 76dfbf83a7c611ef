// The real flows through the Swift bindings (XCTest on Linux): create, back up, log out with
// warnings, log back in, auto-lock, limiter, wallet removal, bad inputs, and Swift
// implementations of the hooks (including ones that throw). The rigs run bound to an in-memory
// phone's device keys (FakeDeviceKeys).
import Foundation
import XCTest
import ImWallet

let PW = Data("correct horse battery staple 42".utf8)
let PW2 = Data("another fine passphrase, 2026!".utf8)

struct ProbeError: Error {}

/// A scripted probe: starts known and safe; `nil` = cannot tell; `boom` makes every question throw.
final class FakeEnv: EnvironmentProbe, @unchecked Sendable {
    var net: NetworkKind = .privateWifi
    var screenLock: Bool? = true
    var root: Bool? = false
    var debugger: Bool? = false
    var emu: Bool? = false
    var boom = false
    private func answer<T>(_ v: T) throws -> T {
        if boom { throw ProbeError() }
        return v
    }
    func network() throws -> NetworkKind { try answer(net) }
    func screenLockSet() throws -> Bool? { try answer(screenLock) }
    func rooted() throws -> Bool? { try answer(root) }
    func debuggerAttached() throws -> Bool? { try answer(debugger) }
    func emulator() throws -> Bool? { try answer(emu) }
}

final class Recorder: SessionListener, @unchecked Sendable {
    private let lock = NSLock()
    private var _states: [SessionState] = []
    private var _events: [String] = []
    var states: [SessionState] { lock.lock(); defer { lock.unlock() }; return _states }
    var events: [String] { lock.lock(); defer { lock.unlock() }; return _events }
    func onStateChanged(state: SessionState) throws { lock.lock(); _states.append(state); lock.unlock() }
    func onSecurityEvent(event: SecurityEvent) throws { lock.lock(); _events.append(event.kind); lock.unlock() }
}

final class Exploding: SessionListener, @unchecked Sendable {
    func onStateChanged(state: SessionState) throws { throw ProbeError() }
    func onSecurityEvent(event: SecurityEvent) throws { throw ProbeError() }
}

func confirm(_ name: String? = nil, _ password: Data? = nil, bio: Bool = false) -> LogoutConfirmation {
    LogoutConfirmation(typedAccountName: name, password: password, useBiometrics: bio)
}

/// Behaves like the iOS Keychain with `.biometryCurrentSet`: scripted outcomes, enrollment changes.
final class FakeKeyStore: SecureKeyStore, @unchecked Sendable {
    private let lock = NSLock()
    var entries: [String: Data] = [:]
    var invalidated: Set<String> = []
    var script: [Error] = []
    var prompts: [String] = []
    func store(alias: String, secret: Data) throws { lock.lock(); defer { lock.unlock() }; invalidated.remove(alias); entries[alias] = secret }
    func load(alias: String, prompt: BiometricPrompt) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        prompts.append(prompt.reason)
        if !script.isEmpty { throw script.removeFirst() }
        if invalidated.contains(alias) { throw KeyStoreError.KeyInvalidated }
        guard let s = entries[alias] else { throw KeyStoreError.NotFound }
        return s
    }
    func delete(alias: String) throws { lock.lock(); defer { lock.unlock() }; entries[alias] = nil }
    func list() throws -> [String] { lock.lock(); defer { lock.unlock() }; return entries.keys.sorted() }
    func deleteAll() throws { lock.lock(); defer { lock.unlock() }; entries.removeAll() }
}

/// One phone's device key store for the tests. swift-crypto cannot be fetched on the project
/// machines (and Foundation on Linux has no AES), so this fake does not encrypt: it keeps each
/// wrapped secret in memory under (alias, random 32-byte handle) and hands out the handle as the
/// "wrapped" blob. That is enough for a fake because the real stores never let the key out either:
/// the blob the core stores on disk reveals nothing, a new instance (a new phone) opens nothing
/// (NotFound), a handle under another alias or a replaced key is WrongKey, and deleting an alias
/// forgets its secrets (crypto-shredding). `unavailable` plays a phone before its first unlock.
final class FakeDeviceKeys: DeviceKeyStore, @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [String: [Data: Data]] = [:]
    var unavailable = false

    private func gate() throws {
        if unavailable { throw DeviceKeyError.Unavailable(reason: "the device is locked (before the first unlock)") }
    }

    func createKey(alias: String) throws {
        lock.lock(); defer { lock.unlock() }
        try gate()
        keys[alias] = [:]
    }

    func wrap(alias: String, plaintext: Data) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        try gate()
        guard keys[alias] != nil else { throw DeviceKeyError.NotFound }
        var rng = SystemRandomNumberGenerator()
        let handle = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        keys[alias]![handle] = plaintext
        return handle
    }

    func unwrap(alias: String, wrapped: Data) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        try gate()
        guard let secrets = keys[alias] else { throw DeviceKeyError.NotFound }
        guard let s = secrets[wrapped] else { throw DeviceKeyError.WrongKey }
        return s
    }

    func deleteKey(alias: String) throws {
        lock.lock(); defer { lock.unlock() }
        try gate()
        keys[alias] = nil
    }

    func list() throws -> [String] {
        lock.lock(); defer { lock.unlock() }
        try gate()
        return keys.keys.filter { $0.hasPrefix("imwallet.dev.") }.sorted()
    }

    /// What the phone holds (for assertions; no gate).
    var aliases: [String] { lock.lock(); defer { lock.unlock() }; return keys.keys.sorted() }
}

private final class Phones: @unchecked Sendable {
    static let shared = Phones()
    private let lock = NSLock()
    private var byDir: [String: FakeDeviceKeys] = [:]
    func phone(_ dir: URL) -> FakeDeviceKeys {
        lock.lock(); defer { lock.unlock() }
        if let p = byDir[dir.path] { return p }
        let p = FakeDeviceKeys()
        byDir[dir.path] = p
        return p
    }
}

/// The phone a data directory lives on: the same fake for every open of `dir`.
func deviceFor(_ dir: URL) -> FakeDeviceKeys { Phones.shared.phone(dir) }

func words(_ phrase: Data) -> [String] {
    String(decoding: phrase, as: UTF8.self).split(whereSeparator: { $0.isWhitespace }).map(String.init)
}

/// Fails if any printed form of `value` contains `secret` as text, bytes or hex.
func assertRedacted(_ value: Any, _ secret: Data, file: StaticString = #filePath, line: UInt = #line) {
    let forms = [String(decoding: secret, as: UTF8.self), "\(Array(secret))", secret.map { String(format: "%02x", $0) }.joined()]
    for shown in [String(describing: value), String(reflecting: value), "\(value)"] {
        for f in forms { XCTAssertFalse(shown.contains(f), "secret visible in: \(shown)", file: file, line: line) }
        XCTAssertTrue(shown.contains("redacted"), "expected a redaction marker in: \(shown)", file: file, line: line)
    }
}

func isUnlocked(_ s: SessionState) -> Bool { if case .unlocked = s { return true }; return false }
func isUnlocked(_ o: UnlockOutcome) -> Bool { isUnlocked(o.state) }
func isLocked(_ s: SessionState) -> Bool { if case .locked = s { return true }; return false }

final class WalletFlowsTests: XCTestCase {
    var dir: URL!
    let env = FakeEnv()
    let rec = Recorder()
    var core: WalletCore!

    func config() -> CoreConfig {
        CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never)
    }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-\(UUID().uuidString)")
        core = try WalletCore(config: config(), environment: env, listener: rec, keyStore: nil, deviceKeys: deviceFor(dir))
    }

    override func tearDownWithError() throws {
        core = nil
        try? FileManager.default.removeItem(at: dir)
    }

    func confirmBackup(_ phrase: Data) async throws {
        let w = words(phrase)
        let positions = try await core.backupChallenge(proof: .none)
        try core.confirmBackup(words: positions.map { Data(w[Int($0) - 1].utf8) })
    }

    func testCreateBackupLogoutWithWarningsAndLogBackIn() async throws {
        XCTAssertEqual(core.state(), .noAccount)
        let created = try await core.createAccount(name: "Alice", password: PW, words: 12, language: .english)
        XCTAssertEqual(words(created.phrase).count, 12)
        XCTAssertTrue(isUnlocked(core.state()))
        let sig = try await core.signMessage(index: 0, message: Data("hello".utf8))
        XCTAssertEqual(sig.count, 65)
        XCTAssertEqual(try recoverPersonalSigner(message: Data("hello".utf8), signature: sig), created.account.address)

        env.net = .publicWifi
        env.root = true
        var plan = try core.prepareLogout(options: LogoutOptions(clearCaches: true, keepGlobalCaches: true, removeWallet: false))
        XCTAssertEqual(plan.warnings, [.notBackedUp, .insecureNetwork, .untrustedDevice])
        try await confirmBackup(created.phrase)
        env.net = .privateWifi
        env.root = false
        plan = try core.prepareLogout(options: LogoutOptions(clearCaches: true, keepGlobalCaches: true, removeWallet: false))
        XCTAssertEqual(plan.warnings, [])
        let report = try await core.logout(token: plan.token, confirmation: confirm())
        XCTAssertTrue(report.keysWiped && report.sessionEnded && !report.walletRemoved)
        XCTAssertEqual(core.state(), .loggedOut)
        let again = try await core.logout(token: plan.token, confirmation: confirm())
        XCTAssertEqual(again, report)
        do {
            _ = try await core.signMessage(index: 0, message: Data([1]))
            XCTFail("signed without a session")
        } catch WalletError.NotLoggedIn {}
        let relogged = try await core.login(accountName: "ALICE", password: PW)
        XCTAssertTrue(isUnlocked(relogged))
        XCTAssertEqual(try core.addresses(count: 1), [created.account.address])
        XCTAssertTrue(rec.events.contains("logged_out"))
        XCTAssertTrue(rec.states.contains(.loggedOut))
    }

    func testSecretsAreRedactedWhenPrinted() async throws {
        let created = try await core.createAccount(name: "Red", password: PW, words: 12, language: .english)
        XCTAssertEqual(words(created.phrase).count, 12)
        assertRedacted(created, created.phrase)
        XCTAssertTrue(String(describing: created).contains("Red"))
        assertRedacted(AuthProof.password(password: PW), PW)
        let c = confirm("Red", PW)
        assertRedacted(c, PW)
        XCTAssertTrue(String(describing: c).contains("Red"))
    }

    func testLockUnlockRestart() async throws {
        _ = try await core.createAccount(name: "Bob", password: PW, words: 15, language: .czech)
        XCTAssertTrue(isLocked(try core.lock()))
        do {
            _ = try await core.signDigest(index: 0, digest: Data(count: 32))
            XCTFail("signed while locked")
        } catch WalletError.Locked {}
        do {
            _ = try await core.unlock(password: Data("wrong wrong wrong".utf8))
            XCTFail("wrong password accepted")
        } catch WalletError.InvalidCredentials {}
        let unlocked = try await core.unlock(password: PW)
        XCTAssertTrue(isUnlocked(unlocked))
        core = nil  // release the directory before reopening it
        core = try WalletCore(config: config(), environment: nil, listener: nil, keyStore: nil, deviceKeys: deviceFor(dir))
        XCTAssertTrue(isLocked(core.state()))
    }

    func testAutoLockWithShortTimeout() async throws {
        _ = try await core.createAccount(name: "Cy", password: PW, words: 12, language: .english)
        try await core.setAutoLock(setting: .afterSeconds(seconds: 1), proof: .password(password: PW))
        try await Task.sleep(nanoseconds: 2_000_000_000)
        XCTAssertTrue(isLocked(core.state()))
        XCTAssertTrue(rec.events.contains("locked_automatically"))
        do { try await core.setAutoLock(setting: .never, proof: .password(password: PW)); XCTFail("locked") } catch WalletError.Locked {}
    }

    func testLimiter() async throws {
        _ = try await core.createAccount(name: "Dee", password: PW, words: 12, language: .english)
        for _ in 0..<5 {
            do { _ = try await core.login(accountName: "Dee", password: Data("wrong wrong wrong".utf8)); XCTFail() } catch WalletError.InvalidCredentials {}
        }
        do {
            _ = try await core.login(accountName: "Dee", password: PW)
            XCTFail("limiter bypassed")
        } catch let WalletError.TooManyAttempts(retryAfterSecs, _) {
            XCTAssertEqual(retryAfterSecs, 30)
        }
    }

    func testLogoutWithWalletRemoval() async throws {
        _ = try await core.createAccount(name: "Eve", password: PW, words: 12, language: .english)
        let plan = try core.prepareLogout(options: LogoutOptions(clearCaches: true, keepGlobalCaches: false, removeWallet: true))
        XCTAssertEqual(plan.confirmation, .typeAccountName)
        XCTAssertTrue(plan.actions.contains(.removeWallet))
        XCTAssertEqual(plan.authorization, .password)
        do {
            _ = try await core.logout(token: plan.token, confirmation: confirm("bob", PW))
            XCTFail("wrong name accepted")
        } catch WalletError.ConfirmationRequired {}
        do {
            _ = try await core.logout(token: plan.token, confirmation: confirm("eve"))
            XCTFail("removal without the password")
        } catch WalletError.AuthorizationRequired {}
        let removed = try await core.logout(token: plan.token, confirmation: confirm("eve", PW))
        XCTAssertTrue(removed.walletRemoved)
        XCTAssertEqual(core.state(), .noAccount)
    }

    func testBadInputsAndThrowingHooks() async throws {
        do {
            _ = try checkMnemonic(phrase: Data("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandn about".utf8))
            XCTFail()
        } catch let WalletError.MnemonicUnknownWord(position, suggestions, _) {
            XCTAssertEqual(position, 11)
            XCTAssertTrue(suggestions.contains("abandon"))
        }
        do {
            _ = try await core.createAccount(name: "Fay", password: Data("password1".utf8), words: 12, language: .english)
            XCTFail()
        } catch let WalletError.WeakPassword(kind, _) {
            XCTAssertEqual(kind, "PasswordTooWeak")
        }
        _ = try await core.createAccount(name: "Gus", password: PW, words: 12, language: .english)
        env.boom = true
        XCTAssertFalse(try core.prepareLogout(options: LogoutOptions(clearCaches: true, keepGlobalCaches: true, removeWallet: false)).warnings.contains(.insecureNetwork))
        core.setListener(listener: Exploding())
        XCTAssertTrue(isLocked(try core.lock()))
        let unlocked = try await core.unlock(password: PW)
        XCTAssertTrue(isUnlocked(unlocked))
    }
}

final class BiometricTests: XCTestCase {
    var dir: URL!
    let ks = FakeKeyStore()
    var core: WalletCore!

    override func setUp() async throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-bio-\(UUID().uuidString)")
        core = try WalletCore(config: CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never),
                              environment: nil, listener: nil, keyStore: ks, deviceKeys: deviceFor(dir))
        _ = try await core.createAccount(name: "Bea", password: PW, words: 12, language: .english)
        try await core.enableBiometricUnlock(password: PW)
        _ = try core.lock()
    }

    override func tearDownWithError() throws {
        core = nil
        try? FileManager.default.removeItem(at: dir)
    }

    func testPromptTextsComeFromTheShell() async throws {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-prompts-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: d) }
        let texts = PromptTexts(unlockTitle: "imwallet entsperren", unlockReason: "{account} entsperren",
                                confirmTitle: "Bestätigen", confirmReason: "Bestätigen: {action}")
        let c = try WalletCore(config: CoreConfig(dataDir: d.path, kdfProfile: .insecureFastForTests, autoLock: .never),
                               environment: nil, listener: nil, keyStore: ks, promptTexts: texts)
        _ = try await c.createAccount(name: "Jürgen", password: PW, words: 12, language: .english)
        try await c.enableBiometricUnlock(password: PW)
        _ = try c.lock()
        let s = try await c.unlockWithBiometrics()
        XCTAssertTrue(isUnlocked(s))
        XCTAssertEqual(ks.prompts.last, "Jürgen entsperren")
        XCTAssertEqual(defaultPromptTexts().unlockTitle, "Unlock imwallet")
    }

    func testFaceIdUnlockIsCryptoBound() async throws {
        let s = try await core.unlockWithBiometrics()
        XCTAssertTrue(isUnlocked(s))
        XCTAssertEqual(ks.prompts.last, "Unlock Bea")
        _ = try core.lock()
        ks.entries[ks.entries.keys.first!] = Data(repeating: 7, count: 32)
        do { _ = try await core.unlockWithBiometrics(); XCTFail() } catch WalletError.BiometricInvalidated {}
        XCTAssertFalse(try core.accounts().first!.biometricEnabled)
    }

    func testEveryOutcomeIsTyped() async throws {
        ks.script = [KeyStoreError.Cancelled]
        do { _ = try await core.unlockWithBiometrics(); XCTFail() } catch WalletError.BiometricCancelled {}
        ks.script = [KeyStoreError.Lockout]
        do { _ = try await core.unlockWithBiometrics(); XCTFail() } catch WalletError.BiometricLockout {}
        ks.script = [KeyStoreError.NotEnrolled]
        do { _ = try await core.unlockWithBiometrics(); XCTFail() } catch WalletError.BiometricNotEnrolled {}
        ks.script = [ProbeError()]
        do { _ = try await core.unlockWithBiometrics(); XCTFail() } catch WalletError.HookFailed {}
        XCTAssertTrue(isLocked(core.state()))
        ks.invalidated = Set(ks.entries.keys)
        do { _ = try await core.unlockWithBiometrics(); XCTFail() } catch WalletError.BiometricInvalidated {}
        XCTAssertTrue(ks.entries.isEmpty)
        let s = try await core.unlock(password: PW)
        XCTAssertTrue(isUnlocked(s))
    }

    func testGatesAndLogoutRemovesBiometricPath() async throws {
        _ = try await core.unlockWithBiometrics()
        try await core.setGatePolicy(action: .revealPhrase, policy: GatePolicy(gate: .biometric, freshWithinSecs: nil), proof: .password(password: PW))
        let phrase = try await core.revealPhrase(proof: .none)
        XCTAssertEqual(words(phrase).count, 12)
        let plan = try core.prepareLogout(options: LogoutOptions(clearCaches: true, keepGlobalCaches: true, removeWallet: false))
        XCTAssertTrue(plan.actions.contains(.removeBiometricUnlock))
        let report = try await core.logout(token: plan.token, confirmation: confirm())
        XCTAssertTrue(report.biometricRemoved)
        XCTAssertTrue(ks.entries.isEmpty)
        do { _ = try await core.unlockWithBiometrics(); XCTFail() } catch WalletError.NotLoggedIn {}
    }
}
