// Issue 21 through the Swift bindings: dapp connections survive a lock and are revoked on logout
// (the hook once per connection, the report right), a failing hook leaves revocations that
// complete on the next open, a lock rejects pending signing requests, ungranted accounts and
// chains are refused, the clipboard hook is told to clear.
import Foundation
import XCTest
import ImWalletIOS
import ImWallet

let ADDR0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

/// The shell's WalletConnect side: records calls; fails while `fail`.
final class FakeDapps: ConnectionHook, @unchecked Sendable {
    private let lock = NSLock()
    var fail: Bool
    private(set) var disconnected: [Revocation] = []
    private(set) var rejected: [RejectedRequest] = []
    init(fail: Bool = false) { self.fail = fail }
    func disconnect(revocation: Revocation) throws {
        if fail { throw WalletError.HookFailed(reason: "relay unreachable") }
        lock.lock(); disconnected.append(revocation); lock.unlock()
    }
    func requestRejected(rejection: RejectedRequest) throws { lock.lock(); rejected.append(rejection); lock.unlock() }
    var ids: [String] { lock.lock(); defer { lock.unlock() }; return disconnected.map { $0.connectionId }.sorted() }
}

final class FakeClipboard: ClipboardHook, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var cleared: [ClipboardClearReason] = []
    func clear(reason: ClipboardClearReason) throws { lock.lock(); cleared.append(reason); lock.unlock() }
}

final class ConnectionsTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-dapps-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func open(_ dapps: FakeDapps, _ clip: FakeClipboard = FakeClipboard()) throws -> WalletCore {
        try WalletCore(config: CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never),
                       environment: nil, listener: nil, keyStore: nil, connectionHook: dapps, clipboard: clip)
    }

    func connection(_ id: String, _ name: String) -> NewConnection {
        NewConnection(id: id, origin: "https://\(name.lowercased()).example", name: name, accounts: [ADDR0], chains: [1], permissions: [])
    }

    func message(_ id: String, account: String = ADDR0, chain: UInt64 = 1) -> NewSigningRequest {
        NewSigningRequest(connectionId: id, account: account, chainId: chain, payload: .personalSign(message: Data("Sign in".utf8)))
    }

    func three(_ core: WalletCore) async throws {
        _ = try await core.importAccount(name: "Tess", phrase: JUNK, passphrase: nil, password: PW)
        for (id, name) in [("t1", "Swapper"), ("t2", "Lender"), ("t3", "Gallery")] { _ = try core.addConnection(connection: connection(id, name)) }
    }

    func logout(_ core: WalletCore) async throws -> LogoutReport {
        let plan = try core.prepareLogout(options: LogoutOptions(clearCaches: true, keepGlobalCaches: true, removeWallet: false))
        XCTAssertTrue(plan.actions.contains(.disconnectDapps))
        XCTAssertEqual(plan.dappsToDisconnect, ["Swapper", "Lender", "Gallery"])
        return try await core.logout(token: plan.token, confirmation: LogoutConfirmation(typedAccountName: nil, password: nil, useBiometrics: false))
    }

    func testConnectionsSurviveLockAndLogoutRevokesEachOnce() async throws {
        let dapps = FakeDapps()
        let core = try open(dapps)
        try await three(core)
        _ = try core.lock()
        XCTAssertEqual(try core.connections().count, 3)
        XCTAssertEqual(dapps.ids, [])
        _ = try await core.unlock(password: PW)
        let report = try await logout(core)
        XCTAssertEqual(report.dappsDisconnected.map { $0.status }, [.requested, .requested, .requested])
        XCTAssertEqual(report.revocationsPending, 0)
        XCTAssertEqual(dapps.ids, ["t1", "t2", "t3"])
    }

    func testAFailingHookLeavesPendingRevocationsCompletedOnTheNextOpen() async throws {
        do {
            let core = try open(FakeDapps(fail: true))
            try await three(core)
            let report = try await logout(core)
            XCTAssertEqual(report.dappsDisconnected.map { $0.status }, [.pending, .pending, .pending])
            XCTAssertEqual(report.revocationsPending, 3)
        }
        let dapps = FakeDapps()
        let again = try open(dapps)
        XCTAssertEqual(dapps.ids, ["t1", "t2", "t3"])
        XCTAssertEqual(try again.pendingRevocations(), [])
    }

    func testPendingRequestsAreRejectedOnLockAndUngrantedOnesRefused() async throws {
        let dapps = FakeDapps()
        let core = try open(dapps)
        try await three(core)
        let other = try core.addresses(count: 2)[1]
        do { _ = try await core.submitRequest(request: message("t1", account: other)); XCTFail("queued for an ungranted account") }
        catch WalletError.AccountNotGranted(let account, _) { XCTAssertEqual(account, other) }
        do { _ = try await core.submitRequest(request: message("t1", chain: 137)); XCTFail("queued for an ungranted chain") }
        catch WalletError.ChainNotGranted(let chainId, _) { XCTAssertEqual(chainId, 137) }
        let req = try await core.submitRequest(request: message("t1"))
        _ = try core.lock()
        XCTAssertEqual(dapps.rejected.map { $0.requestId }, [req.id])
        XCTAssertEqual(dapps.rejected.map { $0.reason }, [.locked])
        _ = try await core.unlock(password: PW)
        do { _ = try await core.approveRequest(id: req.id); XCTFail("a request survived the lock") } catch WalletError.RequestNotFound {}
        let ok = try await core.approveRequest(id: try await core.submitRequest(request: message("t2")).id)
        XCTAssertEqual(try recoverPersonalSigner(message: Data("Sign in".utf8), signature: ok.signature!), ADDR0)
    }

    func testTheClipboardHookIsToldToClear() async throws {
        let clip = FakeClipboard()
        let core = try open(FakeDapps(), clip)
        try await three(core)
        XCTAssertEqual(core.clipboardCopied(kind: .phrase), 20)
        _ = try core.lock()
        XCTAssertEqual(clip.cleared, [.locked])
        _ = try await core.unlock(password: PW)
        _ = core.clipboardCopied(kind: .privateKey)
        let report = try await logout(core)
        XCTAssertTrue(report.clipboardCleared)
        XCTAssertEqual(clip.cleared.last, .loggedOut)
    }
}

final class DappGlueTests: XCTestCase {
    func rev(_ id: String, _ origin: String) -> Revocation {
        Revocation(connectionId: id, accountId: "a", origin: origin, name: "Dapp", reason: "logout")
    }

    func testRevocationsGoToWalletConnectOrTheBrowser() throws {
        XCTAssertEqual(DappTarget.of(rev("7f3a", "https://app.uniswap.org")), .walletConnect(topic: "7f3a"))
        XCTAssertEqual(DappTarget.of(rev("https://opensea.io", "https://opensea.io")), .browser(origin: "https://opensea.io"))
        var topics: [String] = [], origins: [String] = []
        let hook = DappConnections(disconnectSession: { topics.append($0) }, answerRejected: { _ in }, clearOrigin: { origins.append($0) })
        try hook.disconnect(revocation: rev("7f3a", "https://app.uniswap.org"))
        try hook.disconnect(revocation: rev("https://opensea.io", "https://opensea.io"))
        XCTAssertEqual(topics, ["7f3a"])
        XCTAssertEqual(origins, ["https://opensea.io"])
        struct NotReady: Error {}
        let failing = DappConnections(disconnectSession: { _ in throw NotReady() }, answerRejected: { _ in }, clearOrigin: { _ in })
        XCTAssertThrowsError(try failing.disconnect(revocation: rev("t", "https://x")))
    }

    func testOnlyTheWalletsCopyIsCleared() {
        let o = ClipboardOwnership()
        o.copied(changeCount: 7)
        XCTAssertFalse(o.takeIfOurs(changeCount: 8), "the user copied something else since")
        o.copied(changeCount: 9)
        XCTAssertTrue(o.takeIfOurs(changeCount: 9))
        XCTAssertFalse(o.takeIfOurs(changeCount: 9), "cleared once")
    }
}
