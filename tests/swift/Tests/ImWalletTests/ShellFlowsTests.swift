// The iOS shell's flows (ios/Sources/ImWalletIOS/Flows) on Linux against the real core with fake
// hooks, like the Android view-model tests: LogoutFlow (plan → warnings → confirmation → report,
// refusals, a plan the core forgot), UnlockFlow (biometrics first, cancelled / invalidated →
// password, wrong password, the limiter's countdown read from the core on a hand-moved boot
// clock), ClearDataFlow (usage → clear → reset with the typed phrase and the unbacked wallet's
// password), the states as an AsyncStream, and the lifecycle wiring and privacy cover driven by
// notifications.
import Foundation
import XCTest
import ImWallet
import ImWalletIOS

/// Seconds since boot, moved by the test (the limiter measures its delays on them).
final class HandSeconds: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64 = 1000
    var now: UInt64 { lock.lock(); defer { lock.unlock() }; return value }
    func advance(_ by: UInt64) { lock.lock(); value += by; lock.unlock() }
}

/// One wallet directory and the real core on it.
final class ShellRig {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-shell-\(UUID().uuidString)")
    let env = FakeEnv()
    let keyStore = FakeKeyStore()
    let seconds = HandSeconds()
    let core: WalletCore
    let calls: CoreCalls

    init() throws {
        let secs = seconds
        let clock = SystemBootClock(bootIdentity: { "boot-1" }, secondsSinceBoot: { secs.now })
        core = try WalletCore(config: CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never),
                              environment: env, listener: nil, keyStore: keyStore, bootClock: clock, deviceKeys: deviceFor(dir))
        calls = CoreCalls(core: core)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }
}

/// Waits (at most 20 s) until `check` holds for the flow's state.
func eventually<S>(_ state: @escaping () -> S, _ what: String, file: StaticString = #filePath, line: UInt = #line,
                   _ check: (S) -> Bool) async -> S {
    let end = Date().addingTimeInterval(20)
    while Date() < end {
        let s = state()
        if check(s) { return s }
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    XCTFail("waited 20 s for \(what); the flow shows \(state())", file: file, line: line)
    return state()
}

final class LogoutFlowTests: XCTestCase {
    func testPlanWarningsConfirmationReportAsAStream() async throws {
        let rig = try ShellRig()
        _ = try await rig.core.createAccount(name: "Ann", password: PW, words: 12, language: .english)
        try rig.core.cachePut(kind: "balances", scope: .currentAccount, key: "eth", value: Data("1".utf8), ttlSecs: nil)
        rig.env.net = .publicWifi
        let flow = LogoutFlow(calls: rig.calls)
        let updates = flow.stateUpdates()
        let collected = Task { () -> [LogoutState] in
            var seen: [LogoutState] = []
            for await s in updates {
                seen.append(s)
                if case .done = s { break }
            }
            return seen
        }
        await flow.start(options: LogoutOptions(clearCaches: true, keepGlobalCaches: true, removeWallet: false))
        guard case .confirming(let plan, nil) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(plan.warnings, [.notBackedUp, .insecureNetwork])
        XCTAssertEqual(plan.actions, try rig.core.prepareLogout(options: plan.options).actions)
        XCTAssertEqual(plan.confirmation, .tap)
        XCTAssertTrue(isUnlocked(rig.core.state()), "nothing happens before the confirmation")
        await flow.confirm()
        guard case .done(let report) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertTrue(report.keysWiped && report.sessionEnded)
        XCTAssertEqual(report.cacheEntriesCleared, 1)
        XCTAssertEqual(rig.core.state(), .loggedOut)
        // The stream saw every step, in order.
        let seen = await collected.value
        XCTAssertEqual(seen.first, .idle)
        XCTAssertEqual(seen.dropFirst().first, .planning)
        XCTAssertTrue(seen.contains(.loggingOut))
        XCTAssertEqual(seen.last, .done(report: report))
    }

    func testRemovingAnUnbackedWalletTakesTheTypedNameAndThePassword() async throws {
        let rig = try ShellRig()
        _ = try await rig.core.createAccount(name: "Ann", password: PW, words: 12, language: .english)
        let flow = LogoutFlow(calls: rig.calls)
        await flow.start(options: LogoutOptions(clearCaches: true, keepGlobalCaches: true, removeWallet: true))
        guard case .confirming(let plan, _) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(plan.confirmation, .typeAccountName)
        XCTAssertEqual(plan.authorization, .password)
        await flow.confirm(typedAccountName: "Bob", password: PW)
        guard case .confirming(let same, let problem?) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(same.token, plan.token)
        XCTAssertTrue(problem.contains("type the account name"), problem)
        XCTAssertTrue(isUnlocked(rig.core.state()))
        await flow.confirm(typedAccountName: "Ann", password: Data("not the password at all".utf8))
        guard case .confirming(_, let wrong?) = flow.state, wrong != problem else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(try rig.core.attemptStatus(accountName: nil).attemptsLeft, 4)
        await flow.confirm(typedAccountName: "ann", password: PW)
        guard case .done(let report) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertTrue(report.walletRemoved)
        XCTAssertEqual(rig.core.state(), .noAccount)
    }

    func testAPlanTheCoreForgotIsReplacedWithItsReason() async throws {
        let rig = try ShellRig()
        _ = try await rig.core.createAccount(name: "Ann", password: PW, words: 12, language: .english)
        let flow = LogoutFlow(calls: rig.calls)
        await flow.start(options: LogoutOptions(clearCaches: false, keepGlobalCaches: true, removeWallet: false))
        guard case .confirming(let first, _) = flow.state else { return XCTFail("\(flow.state)") }
        _ = try rig.core.lock()   // auto-lock between the plan and the tap: the core drops its plans
        await flow.confirm()
        guard case .confirming(let again, _?) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertNotEqual(again.token, first.token)
        await flow.confirm()
        guard case .done = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(rig.core.state(), .loggedOut)
    }

    func testNobodyLoggedInIsTheCoresRefusal() async throws {
        let rig = try ShellRig()
        let flow = LogoutFlow(calls: rig.calls)
        await flow.start(options: LogoutOptions(clearCaches: true, keepGlobalCaches: true, removeWallet: false))
        guard case .failed(let reason) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertFalse(reason.isEmpty)
        await flow.confirm()   // nothing to confirm: ignored
        XCTAssertEqual(flow.state, .failed(reason: reason))
    }
}

final class UnlockFlowTests: XCTestCase {
    func locked(_ rig: ShellRig, biometric: Bool) async throws {
        _ = try await rig.core.createAccount(name: "Bea", password: PW, words: 12, language: .english)
        if biometric { try await rig.core.enableBiometricUnlock(password: PW) }
        _ = try rig.core.lock()
    }

    func askingPassword(_ s: UnlockState) -> (cause: PasswordCause, biometric: Bool, left: UInt32)? {
        if case .askingPassword(_, let cause, let bio, let left, _) = s { return (cause, bio, left) }
        return nil
    }

    func testBiometricsFirstWhenTheCoreHasThemOn() async throws {
        let rig = try ShellRig()
        try await locked(rig, biometric: true)
        let flow = UnlockFlow(calls: rig.calls)
        await flow.start()
        guard case .unlocked(let outcome) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertTrue(isUnlocked(outcome.state))
        XCTAssertEqual(rig.keyStore.prompts, ["Unlock Bea"])
        XCTAssertTrue(isUnlocked(rig.core.state()))
    }

    func testPasswordFirstWhenTheyAreOff() async throws {
        let rig = try ShellRig()
        try await locked(rig, biometric: false)
        let flow = UnlockFlow(calls: rig.calls)
        await flow.start()
        let ask = try XCTUnwrap(askingPassword(flow.state))
        XCTAssertEqual(ask.cause, .first)
        XCTAssertFalse(ask.biometric)
        XCTAssertEqual(ask.left, 5)
        XCTAssertTrue(rig.keyStore.prompts.isEmpty)
    }

    func testCancelledPromptFallsBackToThePassword() async throws {
        let rig = try ShellRig()
        try await locked(rig, biometric: true)
        rig.keyStore.script = [KeyStoreError.Cancelled]
        let flow = UnlockFlow(calls: rig.calls)
        await flow.start()
        let ask = try XCTUnwrap(askingPassword(flow.state))
        XCTAssertEqual(ask.cause, .biometricCancelled)
        XCTAssertTrue(ask.biometric, "still on: the user may try the sensor again")
        await flow.submitPassword(Data("wrong wrong wrong".utf8))
        let wrong = try XCTUnwrap(askingPassword(flow.state))
        XCTAssertEqual(wrong.cause, .wrongPassword)
        XCTAssertEqual(wrong.left, 4)
        XCTAssertEqual(try rig.core.attemptStatus(accountName: nil).attemptsLeft, wrong.left)
        await flow.useBiometrics()
        guard case .unlocked = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertTrue(isUnlocked(rig.core.state()))
    }

    func testInvalidatedKeySendsToThePasswordAndTheCoreTurnsBiometricsOff() async throws {
        let rig = try ShellRig()
        try await locked(rig, biometric: true)
        rig.keyStore.invalidated = Set(rig.keyStore.entries.keys)
        let flow = UnlockFlow(calls: rig.calls)
        await flow.start()
        let ask = try XCTUnwrap(askingPassword(flow.state))
        XCTAssertEqual(ask.cause, .biometricInvalidated)
        XCTAssertFalse(ask.biometric)
        XCTAssertFalse(try rig.core.accounts()[0].biometricEnabled)
        await flow.submitPassword(PW)
        guard case .unlocked = flow.state else { return XCTFail("\(flow.state)") }
    }

    func testTheCountdownIsTheCoresDelay() async throws {
        let rig = try ShellRig()
        try await locked(rig, biometric: false)
        let flow = UnlockFlow(calls: rig.calls, tickNanos: 20_000_000)
        await flow.start()
        for left in (1...4).reversed() {
            await flow.submitPassword(Data("wrong wrong wrong".utf8))
            XCTAssertEqual(askingPassword(flow.state)?.left, UInt32(left))
        }
        await flow.submitPassword(Data("wrong wrong wrong".utf8))
        XCTAssertEqual(flow.state, .lockedOut(account: SessionAccount(id: try rig.calls.sessionAccount()!.id, name: "Bea"), retryAfterSecs: 30))
        // The delay runs on the core's clock: the countdown follows it, it does not count by itself.
        rig.seconds.advance(29)
        _ = await eventually({ flow.state }, "1 s left") { if case .lockedOut(_, 1) = $0 { return true }; return false }
        await flow.submitPassword(PW)   // ignored during the delay
        rig.seconds.advance(1)
        let over = await eventually({ flow.state }, "the delay over") { self.askingPassword($0) != nil }
        XCTAssertEqual(askingPassword(over)?.cause, .delayOver)
        XCTAssertTrue(isLocked(rig.core.state()))
        await flow.submitPassword(PW)
        guard case .unlocked = flow.state else { return XCTFail("\(flow.state)") }
        // A lock screen opened during a delay starts with the countdown.
        _ = try rig.core.lock()
        for _ in 0..<5 { _ = try? await rig.core.unlock(password: Data("wrong wrong wrong".utf8)) }
        await flow.start()
        guard case .lockedOut(_, let secs) = flow.state, secs > 0 else { return XCTFail("\(flow.state)") }
        flow.stop()
    }

    func testNothingToUnlockWhenThereIsNoAccount() async throws {
        let rig = try ShellRig()
        let flow = UnlockFlow(calls: rig.calls)
        await flow.start()
        XCTAssertEqual(flow.state, .notLocked(session: .noAccount))
    }
}

final class ClearDataFlowTests: XCTestCase {
    func testUsageClearAndItsReport() async throws {
        let rig = try ShellRig()
        _ = try await rig.core.createAccount(name: "Cy", password: PW, words: 12, language: .english)
        try rig.core.cachePut(kind: "balances", scope: .currentAccount, key: "eth", value: Data("12".utf8), ttlSecs: nil)
        try rig.core.cachePut(kind: "prices", scope: .global, key: "eth", value: Data("3000".utf8), ttlSecs: nil)
        let flow = ClearDataFlow(calls: rig.calls)
        await flow.load()
        guard case .ready(let usage, nil, nil) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(usage, try rig.core.cacheUsage())
        XCTAssertEqual(usage.reduce(0) { $0 + $1.entries }, 2)
        await flow.clearCaches()
        guard case .ready(let after, let report?, nil) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(report.entriesRemoved, 2)
        XCTAssertEqual(after.reduce(0) { $0 + $1.entries }, 0)
    }

    func testResetNeedsThePhraseAndTheUnbackedWalletsPassword() async throws {
        let rig = try ShellRig()
        _ = try await rig.core.createAccount(name: "Cy", password: PW, words: 12, language: .english)
        let flow = ClearDataFlow(calls: rig.calls)
        await flow.load()
        await flow.startReset()
        guard case .confirmingReset(let plan, nil) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(plan.notBackedUp, ["Cy"])
        XCTAssertTrue(plan.authorizationNeeded)
        await flow.reset(typedPhrase: "erase all data", passwords: ["Cy": PW])
        guard case .confirmingReset(_, let wrongPhrase?) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(try rig.core.accounts().count, 1)
        await flow.reset(typedPhrase: plan.phraseToType)
        guard case .confirmingReset(_, let noPassword?) = flow.state, noPassword != wrongPhrase else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(try rig.core.accounts().count, 1)
        await flow.reset(typedPhrase: plan.phraseToType, passwords: ["Cy": PW])
        guard case .resetDone(let report) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(report.accountsRemoved, 1)
        XCTAssertEqual(rig.core.state(), .noAccount)
    }

    func testABackedUpWalletResetsWithThePhraseAlone() async throws {
        let rig = try ShellRig()
        let created = try await rig.core.createAccount(name: "Di", password: PW, words: 12, language: .english)
        let w = words(created.phrase)
        let positions = try await rig.core.backupChallenge(proof: .none)
        try rig.core.confirmBackup(words: positions.map { Data(w[Int($0) - 1].utf8) })
        let flow = ClearDataFlow(calls: rig.calls)
        await flow.startReset()
        guard case .confirmingReset(let plan, _) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertFalse(plan.authorizationNeeded)
        await flow.reset(typedPhrase: plan.phraseToType)
        guard case .resetDone(let report) = flow.state else { return XCTFail("\(flow.state)") }
        XCTAssertEqual(report.accountsRemoved, 1)
    }
}

/// Every lifecycle report, passed on to the real core.
final class ReportedCalls: LifecycleCalls, @unchecked Sendable {
    private let inner: CoreCalls
    private let lock = NSLock()
    private var _reports: [String] = []
    var reports: [String] { lock.lock(); defer { lock.unlock() }; return _reports }
    init(_ inner: CoreCalls) { self.inner = inner }
    private func note(_ r: String) { lock.lock(); _reports.append(r); lock.unlock() }
    func appBackgrounded() throws -> SessionState { note("background"); return try inner.appBackgrounded() }
    func appForegrounded() throws -> SessionState { note("foreground"); return try inner.appForegrounded() }
    func touch() { note("touch"); inner.touch() }
}

final class LifecycleTests: XCTestCase {
    let background = Notification.Name("test.background")
    let foreground = Notification.Name("test.foreground")

    func testBackgroundLocksWhenTheCoreSaysSo() async throws {
        let rig = try ShellRig()
        _ = try await rig.core.createAccount(name: "Dee", password: PW, words: 12, language: .english)
        try await rig.core.setAutoLock(setting: .immediate, proof: .password(password: PW))
        let center = NotificationCenter()
        let reported = ReportedCalls(rig.calls)
        var lifecycle: WalletLifecycle? = WalletLifecycle(calls: reported, center: center, background: background, foreground: foreground)
        XCTAssertTrue(isUnlocked(rig.core.state()))
        center.post(name: background, object: nil)
        lifecycle?.flush()
        XCTAssertTrue(isLocked(rig.core.state()))
        center.post(name: foreground, object: nil)
        lifecycle?.touch()
        lifecycle?.flush()
        XCTAssertEqual(reported.reports, ["background", "foreground", "touch"])
        lifecycle = nil   // gone: no more reports
        center.post(name: background, object: nil)
        try await Task.sleep(nanoseconds: 50_000_000)
        XCTAssertEqual(reported.reports.count, 3)
        XCTAssertNil(lifecycle)
    }

    func testAFailedReportGoesToOnError() throws {
        final class Failing: LifecycleCalls, @unchecked Sendable {
            func appBackgrounded() throws -> SessionState { throw WalletError.StorageFailed(kind: "Storage", reason: "disk full") }
            func appForegrounded() throws -> SessionState { .noAccount }
            func touch() {}
        }
        let center = NotificationCenter()
        var errors: [String] = []
        let lifecycle = WalletLifecycle(calls: Failing(), center: center, background: background, foreground: foreground) { errors.append(reasonText($0)) }
        center.post(name: background, object: nil)
        lifecycle.flush()
        XCTAssertEqual(errors, ["disk full"])
    }

    func testThePrivacyCoverShowsWhileInactive() {
        let center = NotificationCenter()
        let inactive = Notification.Name("test.inactive"), active = Notification.Name("test.active")
        var drawn: [String] = []
        let cover = PrivacyCover(center: center, inactive: inactive, active: active, show: { drawn.append("show") }, hide: { drawn.append("hide") })
        center.post(name: inactive, object: nil)
        XCTAssertTrue(cover.isShown)
        center.post(name: inactive, object: nil)   // already shown: drawn once
        center.post(name: active, object: nil)
        XCTAssertFalse(cover.isShown)
        center.post(name: active, object: nil)
        XCTAssertEqual(drawn, ["show", "hide"])
    }
}

func reasonText(_ error: Error) -> String { (error as? WalletError)?.reason ?? "\(error)" }
