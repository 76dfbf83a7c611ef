// The iOS glue's platform-neutral parts on Linux: Keychain/LocalAuthentication status mapping
// and the AsyncStream session wrapper driven by a real WalletCore.
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
}
