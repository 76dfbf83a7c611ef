// Caches, "reset app", orphan purge after the OS wiped the app, and damaged-database recovery
// through the Swift bindings, with canary scans of the data directory.
import Foundation
import XCTest
import ImWallet

func scan(_ dir: URL, _ needle: Data) -> Int {
    guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return 0 }
    var n = 0
    for case let url as URL in e {
        guard let d = try? Data(contentsOf: url) else { continue }
        var start = d.startIndex
        while let r = d.range(of: needle, in: start..<d.endIndex) { n += 1; start = r.upperBound }
    }
    return n
}

final class ClearDataTests: XCTestCase {
    var dir: URL!
    let ks = FakeKeyStore()

    func open() throws -> WalletCore {
        try WalletCore(config: CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never), environment: nil, listener: nil, keyStore: ks,
                       deviceKeys: deviceFor(dir))
    }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-clear-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testCachesAreReallyDeleted() async throws {
        let core = try open()
        _ = try await core.createAccount(name: "Cam", password: PW, words: 12, language: .english)
        try core.cachePut(kind: "balances", scope: .currentAccount, key: "eth", value: Data("CANARY-swift-balance".utf8), ttlSecs: nil)
        _ = try core.registerFileCache(kind: "images")
        _ = try core.cachePutFile(kind: "images", scope: .currentAccount, fileName: "a.png", bytes: Data("CANARY-swift-image".utf8))
        // The database value is sealed under the device keys; the file is the shell's own, in clear.
        XCTAssertEqual(scan(dir, Data("CANARY-swift-balance".utf8)), 0)
        XCTAssertEqual(scan(dir, Data("CANARY-swift-image".utf8)), 1)
        let report = try core.clearCache(scope: .all)
        XCTAssertEqual(report.entriesRemoved, 1)
        XCTAssertEqual(report.filesRemoved, 1)
        XCTAssertEqual(scan(dir, Data("CANARY-swift".utf8)), 0)
    }

    func testResetAppAndReinstallOrphans() async throws {
        var core: WalletCore! = try open()
        _ = try await core.createAccount(name: "Dee", password: PW, words: 12, language: .english)
        try await core.enableBiometricUnlock(password: PW)
        let plan = try core.prepareErase()
        XCTAssertEqual(plan.notBackedUp, ["Dee"])
        let none = EraseProofs(passwords: [], useDeviceOwner: false)
        do { _ = try await core.eraseAllData(typedPhrase: "nope", proofs: none); XCTFail("phrase") } catch WalletError.ConfirmationRequired {}
        XCTAssertTrue(plan.authorizationNeeded)
        do { _ = try await core.eraseAllData(typedPhrase: plan.phraseToType, proofs: none); XCTFail("unbacked") } catch WalletError.AuthorizationRequired {}
        let proofs = EraseProofs(passwords: [ErasePassword(accountName: "Dee", password: PW)], useDeviceOwner: false)
        let erased = try await core.eraseAllData(typedPhrase: plan.phraseToType, proofs: proofs)
        XCTAssertEqual(erased.accountsRemoved, 1)
        XCTAssertEqual(core.state(), .noAccount)
        XCTAssertTrue(ks.entries.isEmpty)
        // Reinstall on iOS: files gone, Keychain items survive — the core purges the orphans.
        _ = try await core.createAccount(name: "Eli", password: PW, words: 12, language: .english)
        try await core.enableBiometricUnlock(password: PW)
        XCTAssertThrowsError(try open()) { e in  // one owner per data directory
            guard case WalletError.DataDirectoryInUse = e else { return XCTFail("\(e)") }
        }
        core = nil  // the old instance is released here
        try FileManager.default.removeItem(at: dir)
        core = try open()
        XCTAssertEqual(core.state(), .noAccount)
        XCTAssertTrue(ks.entries.isEmpty)
        XCTAssertTrue(try core.securityEvents(limit: 5).contains { $0.kind == "orphans_purged" })
    }

    func testDamagedDatabaseHasAWayForward() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(String(repeating: "garbage", count: 20).utf8).write(to: dir.appendingPathComponent("imwallet.db"))
        XCTAssertThrowsError(try open()) { e in
            guard case let WalletError.StorageFailed(kind, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(kind, "DatabaseCorrupt")
        }
        _ = try quarantineDamagedData(dataDir: dir.path)
        XCTAssertEqual(try open().state(), .noAccount)
    }
}
