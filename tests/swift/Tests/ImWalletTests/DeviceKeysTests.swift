// Device-bound keys through the Swift bindings, on the in-memory phone of WalletFlowsTests
// (FakeDeviceKeys): a copied data directory opens nothing on a new phone, "unavailable" is not
// "lost", wallet removal and erase crypto-shred.
import Foundation
import XCTest
import ImWallet

final class DeviceKeysTests: XCTestCase {
    var root: URL!
    var home: URL { root.appendingPathComponent("phone") }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-device-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func open(_ dir: URL, on device: DeviceKeyStore?) throws -> WalletCore {
        try WalletCore(config: CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never),
                       environment: nil, listener: nil, keyStore: nil, deviceKeys: device)
    }

    func open(_ dir: URL) throws -> WalletCore { try open(dir, on: deviceFor(dir)) }

    func alias(_ account: AccountInfo) -> String { "imwallet.dev.a.\(account.id)" }

    func testACopiedDirectoryOpensNothingOnANewPhone() async throws {
        var core: WalletCore! = try open(home)
        let created = try await core.createAccount(name: "Kim", password: PW, words: 12, language: .english)
        core = nil  // the directory is released
        let copy = root.appendingPathComponent("copy")
        try FileManager.default.copyItem(at: home, to: copy)
        let newPhone = FakeDeviceKeys()
        XCTAssertThrowsError(try open(copy, on: newPhone)) { e in
            guard case let WalletError.DeviceKeyLost(reason) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(reason.contains("recovery phrase"))
        }
        XCTAssertEqual(newPhone.aliases, [], "nothing was created on the new phone")
        XCTAssertThrowsError(try open(copy, on: nil)) { e in
            guard case WalletError.DeviceKeyUnavailable = e else { return XCTFail("\(e)") }
        }
        // The original phone still opens it, with the password.
        core = try open(home)
        let unlocked = try await core.unlock(password: PW)
        XCTAssertTrue(isUnlocked(unlocked))
        XCTAssertEqual(try core.accounts().map(\.address), [created.account.address])
        core = nil
        // The way forward on the new phone: quarantine, then restore from the phrase.
        _ = try quarantineDamagedData(dataDir: copy.path)
        core = try open(copy, on: newPhone)
        XCTAssertEqual(core.state(), .noAccount)
        let restored = try await core.importAccount(name: "Kim", phrase: created.phrase, passphrase: nil, password: PW2)
        XCTAssertEqual(restored.address, created.account.address)
    }

    func testUnavailableIsNotLost() async throws {
        var core: WalletCore! = try open(home)
        _ = try await core.createAccount(name: "Una", password: PW, words: 12, language: .english)
        core = nil
        let phone = deviceFor(home)
        let held = phone.aliases
        phone.unavailable = true
        XCTAssertThrowsError(try open(home)) { e in
            guard case let WalletError.DeviceKeyUnavailable(reason) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(reason.contains("first unlock"))
        }
        XCTAssertEqual(phone.aliases, held, "nothing was deleted")
        phone.unavailable = false
        core = try open(home)
        XCTAssertEqual(try core.accounts().map(\.name), ["Una"])
        let unlocked = try await core.unlock(password: PW)
        XCTAssertTrue(isUnlocked(unlocked))
    }

    func testRemovingAWalletShredsItsDeviceKey() async throws {
        let core = try open(home)
        let phone = deviceFor(home)
        let keep = try await core.createAccount(name: "Keep", password: PW2, words: 12, language: .english).account
        let gone = try await core.createAccount(name: "Gone", password: PW, words: 12, language: .english).account
        XCTAssertTrue(phone.aliases.contains(alias(keep)) && phone.aliases.contains(alias(gone)))
        let plan = try core.prepareLogout(options: LogoutOptions(clearCaches: true, keepGlobalCaches: true, removeWallet: true))
        let report = try await core.logout(token: plan.token, confirmation: confirm("Gone", PW))
        XCTAssertTrue(report.walletRemoved && report.walletDataShredded)
        XCTAssertFalse(phone.aliases.contains(alias(gone)))
        XCTAssertTrue(phone.aliases.contains(alias(keep)))
    }

    func testEraseDeletesEveryDeviceKey() async throws {
        let core = try open(home)
        let phone = deviceFor(home)
        _ = try await core.createAccount(name: "Ann", password: PW, words: 12, language: .english)
        let old = Set(phone.aliases)
        let plan = try core.prepareErase()
        let proofs = EraseProofs(passwords: [ErasePassword(accountName: "Ann", password: PW)], useDeviceOwner: false)
        let report = try await core.eraseAllData(typedPhrase: plan.phraseToType, proofs: proofs)
        XCTAssertGreaterThanOrEqual(report.deviceKeysDeleted, 2)
        XCTAssertTrue(old.isDisjoint(with: phone.aliases))
        XCTAssertEqual(phone.aliases.count, 1, "a new device scope for what comes next")
    }
}
