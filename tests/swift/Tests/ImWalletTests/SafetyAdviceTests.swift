// Issue 20 (ADR 0015) through the Swift bindings: the environment policy (each outcome for each
// action with a scripted probe; a throwing probe is unknown, never safe), the password rehearsal
// (after the 30th biometric unlock, after 14 days on a scripted boot clock), the password-age flag,
// the activity summary a login/unlock returns, and the iOS probe's platform-neutral mapping.
import Foundation
import XCTest
import ImWallet
import ImWalletIOS

let DAY: UInt64 = 86_400

/// The phone's time since boot, moved by the test (the safety periods count on it).
final class FakeBootClock: BootClock, @unchecked Sendable {
    private let lock = NSLock()
    private var _secs: UInt64 = 1_000
    var secs: UInt64 {
        get { lock.lock(); defer { lock.unlock() }; return _secs }
        set { lock.lock(); _secs = newValue; lock.unlock() }
    }
    func bootId() throws -> String { "swift-boot-1" }
    func sinceBootSecs() throws -> UInt64 { secs }
}

/// The default safety config with `rules` replacing their cells.
func safety(_ rules: [RiskRule]) -> SafetyConfig {
    var cfg = defaultSafetyConfig()
    cfg.environmentRules = cfg.environmentRules.filter { r in !rules.contains { $0.action == r.action && $0.risk == r.risk } } + rules
    return cfg
}

final class SafetyRig {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-safety-\(UUID().uuidString)")
    let env = FakeEnv()
    let rec = Recorder()
    let ks = FakeKeyStore()
    let hk = FakeHardwareKey()
    let clock = FakeBootClock()
    var core: WalletCore!

    init(_ cfg: SafetyConfig? = nil, environment: EnvironmentProbe? = nil) throws {
        let config = CoreConfig(dataDir: dir.path, kdfProfile: .insecureFastForTests, autoLock: .never, safety: cfg)
        core = try WalletCore(config: config, environment: environment ?? env, listener: rec, keyStore: ks, bootClock: clock,
                              deviceKeys: deviceFor(dir), hardwareKey: hk)
    }

    deinit {
        core = nil
        try? FileManager.default.removeItem(at: dir)
    }
}

/// Runs `action` on the unlocked "Ada"; login/unlock return their outcome's warnings.
func act(_ core: WalletCore, _ action: SensitiveAction) async throws -> [RiskFinding]? {
    switch action {
    case .login: return try await core.login(accountName: "Ada", password: PW).warnings
    case .unlock: return try await core.unlock(password: PW).warnings
    case .revealPhrase: _ = try await core.revealPhrase(proof: .password(password: PW))
    case .exportKeystore: _ = try await core.exportKeystore(proof: .password(password: PW), index: 0, keystorePassword: Data("export pw".utf8))
    case .sign: _ = try await core.signMessage(index: 0, message: Data("hello".utf8))
    case .enableBiometrics: try await core.enableBiometricUnlock(password: PW)
    case .disableSecondFactor: try await core.disableHardwareKey(password: PW)
    }
    return nil
}

final class SafetyAdviceTests: XCTestCase {
    let actions: [SensitiveAction] = [.login, .unlock, .revealPhrase, .exportKeystore, .sign, .enableBiometrics, .disableSecondFactor]

    func testEachOutcomeForEachAction() async throws {
        for action in actions {
            for outcome in [RiskOutcome.allow, .warn, .refuse] {
                let unknown: RiskOutcome = outcome == .refuse ? .warn : outcome
                let r = try SafetyRig(safety([RiskRule(action: action, risk: .rooted, whenPresent: outcome, whenUnknown: unknown)]))
                _ = try await r.core.createAccount(name: "Ada", password: PW, words: 12, language: .english)
                if action == .unlock { _ = try r.core.lock() }
                if action == .disableSecondFactor { try await r.core.enableHardwareKey(password: PW) }
                r.env.root = true
                let what = "\(action) under \(outcome)"
                let rooted = RiskFinding(risk: .rooted, known: true)
                switch outcome {
                case .refuse:
                    do {
                        _ = try await act(r.core, action)
                        XCTFail("\(what): went ahead")
                    } catch WalletError.EnvironmentRefused(let a, let risk, let known, _) {
                        XCTAssertEqual(a, action, what)
                        XCTAssertEqual(risk, .rooted, what)
                        XCTAssertTrue(known, what)
                    }
                    XCTAssertTrue(r.rec.events.contains("environment_refused"), what)
                case .warn:
                    let w = try await act(r.core, action)
                    if let w { XCTAssertEqual(w, [rooted], what) }
                    XCTAssertTrue(r.rec.events.contains("environment_warning"), what)
                case .allow:
                    let w = try await act(r.core, action)
                    XCTAssertTrue(w?.isEmpty ?? true, what)
                    XCTAssertFalse(r.rec.events.contains("environment_warning"), what)
                }
            }
        }
    }

    func testAThrowingProbeIsUnknownNeverSafe() async throws {
        let r = try SafetyRig()
        _ = try await r.core.createAccount(name: "Ada", password: PW, words: 12, language: .english)
        r.env.boom = true
        let check = r.core.environmentCheck(action: .revealPhrase)
        XCTAssertEqual(check.report.network, .unknown)
        XCTAssertNil(check.report.debuggerAttached)
        XCTAssertTrue(check.warnings.contains(RiskFinding(risk: .debuggerAttached, known: false)))
        _ = try await r.core.revealPhrase(proof: .password(password: PW))
        XCTAssertTrue(r.rec.events.contains("environment_warning"))
        let strict = try SafetyRig(safety([RiskRule(action: .revealPhrase, risk: .debuggerAttached, whenPresent: .refuse, whenUnknown: .refuse)]))
        _ = try await strict.core.createAccount(name: "Bo", password: PW, words: 12, language: .english)
        strict.env.boom = true
        do {
            _ = try await strict.core.revealPhrase(proof: .password(password: PW))
            XCTFail("revealed")
        } catch WalletError.EnvironmentRefused(_, let risk, let known, _) {
            XCTAssertEqual(risk, .debuggerAttached)
            XCTAssertFalse(known)
        }
        XCTAssertThrowsError(try SafetyRig(safety([RiskRule(action: .sign, risk: .debuggerAttached, whenPresent: .refuse, whenUnknown: .allow)])))
    }

    func testTheIOSProbeMapsThePlatformAndAThrowingSourceIsUnknown() async throws {
        XCTAssertEqual(PathFacts(satisfied: false).kind, .offline)
        XCTAssertEqual(PathFacts(satisfied: true, wifi: true).kind, .wifiSecurityUnknown, "iOS reports no Wi-Fi security")
        XCTAssertEqual(PathFacts(satisfied: true, wifi: true, vpn: true).kind, .vpn)
        XCTAssertEqual(PathFacts(satisfied: true, cellular: true).kind, .cellular)
        XCTAssertEqual(PathFacts(satisfied: true, wiredEthernet: true).kind, .unknown)
        XCTAssertTrue(VPNSignals.vpn(scopedInterfaces: ["en0", "utun3"]))
        XCTAssertFalse(VPNSignals.vpn(scopedInterfaces: ["en0", "pdp_ip0"]))
        XCTAssertEqual(PasscodeStatus.screenLockSet(canEvaluate: true, errorCode: nil), true)
        XCTAssertEqual(PasscodeStatus.screenLockSet(canEvaluate: false, errorCode: PasscodeStatus.laPasscodeNotSet), false)
        XCTAssertNil(PasscodeStatus.screenLockSet(canEvaluate: false, errorCode: -6))
        XCTAssertTrue(JailbreakSignals.jailbroken(exists: { $0 == "/var/jb" }, canWriteOutsideSandbox: { false }))
        XCTAssertTrue(JailbreakSignals.jailbroken(exists: { _ in false }, canWriteOutsideSandbox: { true }))
        XCTAssertFalse(JailbreakSignals.jailbroken(exists: { _ in false }, canWriteOutsideSandbox: { false }))
        XCTAssertEqual(TracerPid.of("Name:\tx\nTracerPid:\t77\n"), 77)
        // The platform probe here (Linux): no debugger, and no phone facts to guess.
        let platform = IOSEnvironmentProbe()
        XCTAssertEqual(try platform.debuggerAttached(), false)
        XCTAssertNil(try platform.rooted())

        struct Denied: Error {}
        var secure: Bool? = true
        let probe = IOSEnvironmentProbe(network: { PathFacts(satisfied: true, wifi: true) }, screenLock: { secure },
                                        jailbroken: { throw Denied() }, debugger: { false }, simulator: { false })
        let r = try SafetyRig(environment: probe)
        _ = try await r.core.createAccount(name: "Ida", password: PW, words: 12, language: .english)
        let check = r.core.environmentCheck(action: .revealPhrase)
        XCTAssertEqual(check.report.network, .wifiSecurityUnknown)
        XCTAssertNil(check.report.rooted, "a throwing source is unknown")
        XCTAssertEqual(Set(check.warnings.map(\.risk)), [.publicWifi, .rooted])
        XCTAssertTrue(check.warnings.allSatisfy { !$0.known })
        secure = false
        do {
            try await r.core.enableBiometricUnlock(password: PW)
            XCTFail("enabled without a screen lock")
        } catch WalletError.EnvironmentRefused(_, let risk, _, _) {
            XCTAssertEqual(risk, .noScreenLock)
        }
    }

    private func bioRig() async throws -> SafetyRig {
        let r = try SafetyRig()
        _ = try await r.core.createAccount(name: "Bea", password: PW, words: 12, language: .english)
        try await r.core.enableBiometricUnlock(password: PW)
        _ = try r.core.lock()
        return r
    }

    func testRehearsalAfterThe30thBiometricUnlock() async throws {
        let r = try await bioRig()
        for n in 1...30 {
            let out = try await r.core.unlockWithBiometrics()
            XCTAssertEqual(out.passwordRehearsalDue, n == 30, "after unlock \(n)")
            _ = try r.core.lock()
        }
        let prompts = r.ks.prompts.count
        do {
            _ = try await r.core.unlockWithBiometrics()
            XCTFail("the 31st biometric unlock went through")
        } catch WalletError.PasswordRehearsalDue(let unlocks, _, _) {
            XCTAssertEqual(unlocks, 30)
        }
        XCTAssertEqual(r.ks.prompts.count, prompts, "refused before the prompt")
        XCTAssertTrue(try r.core.passwordStatus().passwordRehearsalDue)
        let byPassword = try await r.core.unlock(password: PW)
        XCTAssertFalse(byPassword.passwordRehearsalDue)
        _ = try r.core.lock()
        let again = try await r.core.unlockWithBiometrics()
        XCTAssertTrue(isUnlocked(again))
    }

    func testRehearsalAfter14Days() async throws {
        let r = try await bioRig()
        r.clock.secs += 14 * DAY - 60
        _ = try await r.core.unlockWithBiometrics()
        _ = try r.core.lock()
        r.clock.secs += 60
        do {
            _ = try await r.core.unlockWithBiometrics()
            XCTFail("no rehearsal after 14 days")
        } catch WalletError.PasswordRehearsalDue(_, let days, _) {
            XCTAssertEqual(days, 14)
        }
        _ = try await r.core.unlock(password: PW)
        XCTAssertFalse(try r.core.passwordStatus().passwordRehearsalDue)
    }

    func testPasswordAgeFlag() async throws {
        var cfg = defaultSafetyConfig()
        cfg.passwordReminderDays = 180
        let r = try SafetyRig(cfg)
        _ = try await r.core.createAccount(name: "Ada", password: PW, words: 12, language: .english)
        _ = try r.core.lock()
        r.clock.secs += 179 * DAY
        var out = try await r.core.unlock(password: PW)
        XCTAssertEqual(out.passwordAgeDays, 179)
        XCTAssertFalse(out.passwordChangeDue)
        _ = try r.core.lock()
        r.clock.secs += DAY
        out = try await r.core.unlock(password: PW)
        XCTAssertEqual(out.passwordAgeDays, 180)
        XCTAssertTrue(out.passwordChangeDue)
        XCTAssertEqual(r.rec.events.filter { $0 == "password_change_due" }.count, 1)
        try await r.core.changePassword(oldPassword: PW, newPassword: PW2)
        XCTAssertFalse(try r.core.passwordStatus().passwordChangeDue)
        XCTAssertEqual(try r.core.passwordStatus().passwordAgeDays, 0)
    }

    func testActivityAfterFailedAttemptsABiometricInvalidationAndAGateChange() async throws {
        let r = try SafetyRig()
        _ = try await r.core.createAccount(name: "Ada", password: PW, words: 12, language: .english)
        try await r.core.enableBiometricUnlock(password: PW)
        try await r.core.setGatePolicy(action: .signMessage, policy: GatePolicy(gate: .password, freshWithinSecs: nil), proof: .password(password: PW))
        _ = try r.core.lock()
        for _ in 0..<2 {
            do { _ = try await r.core.unlock(password: Data("wrong wrong wrong".utf8)); XCTFail("accepted") } catch WalletError.InvalidCredentials {}
        }
        r.ks.invalidated = Set(r.ks.entries.keys)
        do { _ = try await r.core.unlockWithBiometrics(); XCTFail("unlocked") } catch WalletError.BiometricInvalidated {}
        let a = try await r.core.unlock(password: PW).activity
        XCTAssertEqual(a.failedAttempts, 2)
        XCTAssertEqual(a.items.map { "\($0.category):\($0.event.kind)" }, [
            "\(ActivityCategory.biometricChange):biometric_enabled",
            "\(ActivityCategory.settingsChanged):gate_changed",
            "\(ActivityCategory.failedAttempt):login_failed",
            "\(ActivityCategory.failedAttempt):login_failed",
            "\(ActivityCategory.biometricChange):biometric_invalidated",
        ])
        XCTAssertTrue(a.items.allSatisfy { $0.event.atUnix >= (a.sinceUnix ?? .max) })
        XCTAssertTrue(r.rec.events.contains("activity_reported"))
        _ = try r.core.lock()
        let next = try await r.core.unlock(password: PW)
        XCTAssertTrue(next.activity.items.isEmpty)
    }
}
