// The iOS glue's platform-neutral parts on Linux: Keychain/LocalAuthentication status mapping,
// the bridge behind the DeviceOwnerCheck hook, the AsyncStream session wrapper driven by a
// real WalletCore, and the device keys' blob framing, alias namespace, status mapping and
// `SessionStream.open` (bound to a device key store).
import Foundation
import XCTest
import ImWallet
import ImWalletIOS

final class IOSGlueTests: XCTestCase {
    func testKeychainAndLAErrorsMapToTypedOutcomes() {
        XCTAssertNil(KeychainStatus.outcome(status: KeychainStatus.success))
        XCTAssertEqual(KeychainStatus.outcome(status: KeychainStatus.userCanceled), .Cancelled)
        XCTAssertEqual(KeychainStatus.outcome(status: KeychainStatus.itemNotFound), .NotFound)
        XCTAssertEqual(KeychainStatus.outcome(status: KeychainStatus.authFailed), .Lockout)
        XCTAssertEqual(KeychainStatus.outcome(status: KeychainStatus.interactionNotAllowed), .Unavailable)
        XCTAssertEqual(KeychainStatus.outcome(status: -1), .Other(reason: "keychain status -1"))
        XCTAssertEqual(KeychainStatus.outcome(laError: KeychainStatus.laUserCancel), .Cancelled)
        XCTAssertEqual(KeychainStatus.outcome(laError: KeychainStatus.laBiometryLockout), .Lockout)
        XCTAssertEqual(KeychainStatus.outcome(laError: KeychainStatus.laBiometryNotEnrolled), .NotEnrolled)
        XCTAssertEqual(KeychainStatus.outcome(laError: KeychainStatus.laBiometryNotAvailable), .Unavailable)
    }

    func testBootClockReadsThePlatformAndRefusesToGuess() throws {
        let real = SystemBootClock()
        XCTAssertFalse(try real.bootId().isEmpty)
        XCTAssertGreaterThan(try real.sinceBootSecs(), 0)
        XCTAssertThrowsError(try SystemBootClock(bootIdentity: { nil }, secondsSinceBoot: { 1 }).bootId())
        XCTAssertThrowsError(try SystemBootClock(bootIdentity: { "b" }, secondsSinceBoot: { nil }).sinceBootSecs())
    }

    func testTheLimiterMeasuresDelaysOnTheBootClock() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-ios-boot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var boot = "boot-1"
        var secs: UInt64 = 1000
        let clock = SystemBootClock(bootIdentity: { boot }, secondsSinceBoot: { secs })
        let config = CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never)
        var core: WalletCore! = try WalletCore(config: config, environment: nil, listener: nil, keyStore: nil, bootClock: clock)
        _ = try await core.createAccount(name: "Bo", password: PW, words: 12, language: .english)
        _ = try core.lock()
        for _ in 0..<5 {
            do { _ = try await core.unlock(password: Data("wrong wrong wrong".utf8)); XCTFail("accepted") } catch WalletError.InvalidCredentials {}
        }
        secs += 25
        XCTAssertEqual(try core.attemptStatus(accountName: nil).retryAfterSecs, 5)
        core = nil
        // The device restarts: the delay restarts in full instead of being skipped.
        boot = "boot-2"; secs = 5
        core = try WalletCore(config: config, environment: nil, listener: nil, keyStore: nil, bootClock: clock)
        XCTAssertEqual(try core.attemptStatus(accountName: nil).retryAfterSecs, 30)
        secs += 30
        let unlocked = try await core.unlock(password: PW)
        XCTAssertTrue(isUnlocked(unlocked))
    }

    func testDeviceOwnerBridgeWaitsForTheAnswer() throws {
        let bridge = DeviceOwnerBridge(timeout: 5, isMainThread: { false })
        XCTAssertTrue(try bridge.run { b in DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { b.complete(true) } })
        XCTAssertFalse(try bridge.run { b in DispatchQueue.global().async { b.complete(false); b.complete(true) } })
        bridge.complete(true)  // nothing pending: ignored
        XCTAssertFalse(try DeviceOwnerBridge(timeout: 0.2, isMainThread: { false }).run { _ in }, "no answer in time")
        XCTAssertThrowsError(try DeviceOwnerBridge(isMainThread: { true }).run { _ in }) { e in
            guard case WalletError.HookFailed = e else { return XCTFail("\(e)") }
        }
        struct NoScreen: Error {}
        XCTAssertThrowsError(try bridge.run { _ in throw NoScreen() })
    }

    func testDeviceOwnerHookAuthorizesResetOfAnUnbackedWallet() async throws {
        final class Owner: DeviceOwnerCheck, @unchecked Sendable {
            let bridge = DeviceOwnerBridge(timeout: 5, isMainThread: { false })
            var answer = false
            func canConfirmDeviceOwner() throws -> Bool { true }
            func confirmDeviceOwner(reason: String) throws -> Bool {
                let a = answer
                return try bridge.run { b in DispatchQueue.global().async { b.complete(a) } }
            }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-ios-owner-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let owner = Owner()
        let core = try WalletCore(config: CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never),
                                  environment: nil, listener: nil, keyStore: nil, deviceOwner: owner)
        _ = try await core.createAccount(name: "Ann", password: PW, words: 12, language: .english)
        _ = try core.lock()
        let plan = try core.prepareErase()
        XCTAssertTrue(plan.authorizationNeeded && plan.deviceOwnerCheckAvailable)
        let byOwner = EraseProofs(passwords: [], useDeviceOwner: true)
        do { _ = try await core.eraseAllData(typedPhrase: plan.phraseToType, proofs: byOwner); XCTFail("refused") } catch WalletError.AuthorizationRequired {}
        owner.answer = true
        let report = try await core.eraseAllData(typedPhrase: plan.phraseToType, proofs: byOwner)
        XCTAssertEqual(report.accountsRemoved, 1)
    }

    func testSessionStreamFollowsTheCore() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-ios-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let session = SessionStream(initial: .noAccount)
        let core = try WalletCore(config: CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never),
                                  environment: nil, listener: session, keyStore: nil)
        var it = session.states().makeAsyncIterator()
        let first = await it.next()
        XCTAssertEqual(first, .noAccount)
        _ = try await core.createAccount(name: "Ann", password: PW, words: 12, language: .english)
        let second = await it.next()
        XCTAssertTrue(isUnlocked(second!))
        _ = try core.lock()
        let third = await it.next()
        XCTAssertTrue(isLocked(third!))
        XCTAssertTrue(isLocked(session.state))
    }

    func testDeviceKeyBlobFramingAndAliases() {
        let ecies = Data(repeating: 4, count: 65 + 32 + 16)
        let blob = DeviceKeyBlob.frame(.secureEnclave, ecies)
        XCTAssertEqual(blob.first, 1)
        XCTAssertEqual(DeviceKeyBlob.parse(blob)?.kind, .secureEnclave)
        XCTAssertEqual(DeviceKeyBlob.parse(blob)?.body, ecies)
        let gcm = Data(repeating: 9, count: 12 + 32 + 16)
        XCTAssertEqual(DeviceKeyBlob.parse(DeviceKeyBlob.frame(.keychainAES, gcm))?.body, gcm)
        XCTAssertNil(DeviceKeyBlob.parse(Data()))
        XCTAssertNil(DeviceKeyBlob.parse(Data([7]) + gcm), "unknown kind")
        XCTAssertNil(DeviceKeyBlob.parse(DeviceKeyBlob.frame(.secureEnclave, gcm)), "too short for ECIES")
        XCTAssertNil(DeviceKeyBlob.parse(DeviceKeyBlob.frame(.keychainAES, Data(count: 27))))
        let listed = ["imwallet.dev.b", "imwallet.biometric.x", "imwallet.dev.", "imwallet.dev.a", "imwallet.dev.a", "com.other"]
        XCTAssertEqual(DeviceKeyStatus.aliases(listed), ["imwallet.dev.a", "imwallet.dev.b"])
    }

    func testDeviceKeyStatusesMapToTypedOutcomes() {
        XCTAssertNil(DeviceKeyStatus.outcome(status: KeychainStatus.success))
        XCTAssertEqual(DeviceKeyStatus.outcome(status: KeychainStatus.itemNotFound), .NotFound)
        guard case .Unavailable? = DeviceKeyStatus.outcome(status: KeychainStatus.interactionNotAllowed) else {
            return XCTFail("before the first unlock is 'not now'")
        }
        guard case .Unavailable? = DeviceKeyStatus.outcome(status: KeychainStatus.notAvailable) else { return XCTFail() }
        XCTAssertEqual(DeviceKeyStatus.outcome(status: -34018), .Other(reason: "keychain status -34018"))
        // Decryption: "not now" stays "not now"; any other failure means the key cannot open the blob.
        let os = DeviceKeyStatus.osStatusDomain
        guard case .Unavailable = DeviceKeyStatus.decryptFailure(domain: os, code: Int(KeychainStatus.interactionNotAllowed)) else { return XCTFail() }
        XCTAssertEqual(DeviceKeyStatus.decryptFailure(domain: os, code: -26275), .WrongKey)  // errSecDecode
        XCTAssertEqual(DeviceKeyStatus.decryptFailure(domain: "CryptoTokenKit", code: -3), .WrongKey)
        // Encryption and key creation never claim the key is lost.
        guard case .Unavailable = DeviceKeyStatus.otherFailure(domain: os, code: Int(KeychainStatus.interactionNotAllowed)) else { return XCTFail() }
        XCTAssertEqual(DeviceKeyStatus.otherFailure(domain: os, code: Int(KeychainStatus.itemNotFound)), .Other(reason: "\(os) -25300"))
        // Only a missing Secure Enclave falls back to the Keychain AES key.
        XCTAssertTrue(DeviceKeyStatus.fallsBackToKeychain(createStatus: DeviceKeyStatus.unimplemented))
        XCTAssertFalse(DeviceKeyStatus.fallsBackToKeychain(createStatus: KeychainStatus.interactionNotAllowed))
    }

    func testSessionStreamOpensBoundToTheDevice() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-ios-device-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never)
        let phone = FakeDeviceKeys()
        var opened: OpenedWallet? = try SessionStream.open(config: config, deviceKeys: phone)
        XCTAssertEqual(opened!.session.state, .noAccount)
        _ = try await opened!.core.createAccount(name: "Ann", password: PW, words: 12, language: .english)
        XCTAssertTrue(isUnlocked(opened!.session.state))
        XCTAssertGreaterThanOrEqual(try phone.list().count, 2, "the device scope and the wallet's key")
        opened = nil
        XCTAssertThrowsError(try WalletCore(config: config, environment: nil, listener: nil, keyStore: nil)) { e in
            guard case WalletError.DeviceKeyUnavailable = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try SessionStream.open(config: config, deviceKeys: FakeDeviceKeys())) { e in
            guard case WalletError.DeviceKeyLost = e else { return XCTFail("\(e)") }
        }
        opened = try SessionStream.open(config: config, deviceKeys: phone)
        XCTAssertTrue(isLocked(opened!.session.state))
    }
}
