// Issue 20 (ADR 0015) through the Kotlin bindings: the environment policy (each outcome for each
// action with a scripted probe; a throwing probe is unknown, never safe), the password rehearsal
// (after the 30th biometric unlock, after 14 days on a scripted boot clock), the password-age flag
// and the activity summary a login/unlock returns.
import io.imwallet.*
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test
import java.nio.file.Files
import java.nio.file.Path
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

const val DAY = 86_400uL

/** The phone's time since boot, moved by the test (the safety periods count on it). */
class FakeBootClock : BootClock {
    @Volatile var secs = 1_000uL
    override fun bootId() = "kt-boot-1"
    override fun sinceBootSecs(): ULong = secs
}

/** The default safety config with `rules` replacing their cells. */
fun safety(vararg rules: RiskRule): SafetyConfig {
    val d = defaultSafetyConfig()
    val keys = rules.map { it.action to it.risk }.toSet()
    return d.copy(environmentRules = d.environmentRules.filter { (it.action to it.risk) !in keys } + rules)
}

class SafetyRig(val dir: Path, cfg: SafetyConfig? = null) : AutoCloseable {
    val env = FakeEnv()
    val rec = Recorder()
    val ks = FakeKeyStore()
    val hk = FakeHardwareKey()
    val clock = FakeBootClock()
    val core = WalletCore(
        CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never, safety = cfg),
        env, rec, ks, bootClock = clock, deviceKeys = deviceFor(dir), hardwareKey = hk,
    )
    override fun close() { core.close(); dir.toFile().deleteRecursively() }
}

/** Runs `action` on the unlocked "Ada"; login/unlock return their outcome's warnings. */
suspend fun act(core: WalletCore, action: SensitiveAction): List<RiskFinding>? {
    when (action) {
        SensitiveAction.LOGIN -> return core.login("Ada", PW).warnings
        SensitiveAction.UNLOCK -> return core.unlock(PW).warnings
        SensitiveAction.REVEAL_PHRASE -> core.revealPhrase(AuthProof.Password(PW))
        SensitiveAction.EXPORT_KEYSTORE -> core.exportKeystore(AuthProof.Password(PW), 0u, "export pw".toByteArray())
        SensitiveAction.SIGN -> core.signMessage(0u, "hello".toByteArray())
        SensitiveAction.ENABLE_BIOMETRICS -> core.enableBiometricUnlock(PW)
        SensitiveAction.DISABLE_SECOND_FACTOR -> core.disableHardwareKey(PW)
    }
    return null
}

class SafetyAdviceTest {
    private val rigs = mutableListOf<SafetyRig>()
    private fun rig(cfg: SafetyConfig? = null): SafetyRig {
        val dir = Files.createTempDirectory("imwallet-kt-safety")
        // A configuration the core refuses throws from the constructor: the directory goes too.
        return try { SafetyRig(dir, cfg).also { rigs += it } } catch (e: Throwable) { dir.toFile().deleteRecursively(); throw e }
    }

    @After fun close() { rigs.forEach { it.close() } }

    @Test fun eachOutcomeForEachAction() = runBlocking<Unit> {
        for (action in SensitiveAction.values()) for (outcome in RiskOutcome.values()) {
            val unknown = if (outcome == RiskOutcome.REFUSE) RiskOutcome.WARN else outcome
            val r = rig(safety(RiskRule(action, EnvironmentRisk.ROOTED, outcome, unknown)))
            r.core.createAccount("Ada", PW, 12u, Language.ENGLISH)
            if (action == SensitiveAction.UNLOCK) r.core.lock()
            if (action == SensitiveAction.DISABLE_SECOND_FACTOR) r.core.enableHardwareKey(PW)
            r.env.root = true
            val what = "$action under $outcome"
            val rooted = RiskFinding(EnvironmentRisk.ROOTED, true)
            when (outcome) {
                RiskOutcome.REFUSE -> {
                    val e = assertFailsWith<WalletException.EnvironmentRefused>(what) { act(r.core, action) }
                    assertEquals(Triple(action, EnvironmentRisk.ROOTED, true), Triple(e.action, e.risk, e.known), what)
                    assertTrue("environment_refused" in r.rec.events, what)
                }
                RiskOutcome.WARN -> {
                    val w = act(r.core, action)
                    if (w != null) assertEquals(listOf(rooted), w, what)
                    assertTrue("environment_warning" in r.rec.events, what)
                }
                RiskOutcome.ALLOW -> {
                    val w = act(r.core, action)
                    assertTrue(w.isNullOrEmpty(), what)
                    assertFalse("environment_warning" in r.rec.events, what)
                }
            }
        }
    }

    @Test fun aThrowingProbeIsUnknownNeverSafe() = runBlocking<Unit> {
        val r = rig()
        r.core.createAccount("Ada", PW, 12u, Language.ENGLISH)
        r.env.boom = true
        val check = r.core.environmentCheck(SensitiveAction.REVEAL_PHRASE)
        assertEquals(NetworkKind.UNKNOWN, check.report.network)
        assertNull(check.report.debuggerAttached)
        assertTrue(RiskFinding(EnvironmentRisk.DEBUGGER_ATTACHED, false) in check.warnings, "refused when present: still a warning when unknown")
        r.core.revealPhrase(AuthProof.Password(PW))
        assertTrue("environment_warning" in r.rec.events)
        val strict = rig(safety(RiskRule(SensitiveAction.REVEAL_PHRASE, EnvironmentRisk.DEBUGGER_ATTACHED, RiskOutcome.REFUSE, RiskOutcome.REFUSE)))
        strict.core.createAccount("Bo", PW, 12u, Language.ENGLISH)
        strict.env.boom = true
        val e = assertFailsWith<WalletException.EnvironmentRefused> { strict.core.revealPhrase(AuthProof.Password(PW)) }
        assertEquals(EnvironmentRisk.DEBUGGER_ATTACHED, e.risk)
        assertFalse(e.known)
        assertFailsWith<WalletException.InvalidInput> {
            rig(safety(RiskRule(SensitiveAction.SIGN, EnvironmentRisk.DEBUGGER_ATTACHED, RiskOutcome.REFUSE, RiskOutcome.ALLOW)))
        }
    }

    private suspend fun bioRig(): SafetyRig {
        val r = rig()
        r.core.createAccount("Bea", PW, 12u, Language.ENGLISH)
        r.core.enableBiometricUnlock(PW)
        r.core.lock()
        return r
    }

    @Test fun rehearsalAfterThe30thBiometricUnlock() = runBlocking<Unit> {
        val r = bioRig()
        for (n in 1..30) {
            val out = r.core.unlockWithBiometrics()
            assertEquals(n == 30, out.passwordRehearsalDue, "after unlock $n")
            r.core.lock()
        }
        val prompts = r.ks.prompts.size
        val e = assertFailsWith<WalletException.PasswordRehearsalDue> { r.core.unlockWithBiometrics() }
        assertEquals(30u, e.biometricUnlocks)
        assertEquals(prompts, r.ks.prompts.size, "refused before the prompt")
        assertTrue(r.core.passwordStatus().passwordRehearsalDue)
        assertFalse(r.core.unlock(PW).passwordRehearsalDue)
        r.core.lock()
        r.core.unlockWithBiometrics()
    }

    @Test fun rehearsalAfter14Days() = runBlocking<Unit> {
        val r = bioRig()
        r.clock.secs += 14uL * DAY - 60uL
        r.core.unlockWithBiometrics()
        r.core.lock()
        r.clock.secs += 60uL
        val e = assertFailsWith<WalletException.PasswordRehearsalDue> { r.core.unlockWithBiometrics() }
        assertEquals(14u, e.daysSincePassword)
        r.core.unlock(PW)
        assertFalse(r.core.passwordStatus().passwordRehearsalDue)
    }

    @Test fun passwordAgeFlag() = runBlocking<Unit> {
        val r = rig(defaultSafetyConfig().copy(passwordReminderDays = 180u))
        r.core.createAccount("Ada", PW, 12u, Language.ENGLISH)
        r.core.lock()
        r.clock.secs += 179uL * DAY
        var out = r.core.unlock(PW)
        assertEquals(179u to false, out.passwordAgeDays to out.passwordChangeDue)
        r.core.lock()
        r.clock.secs += DAY
        out = r.core.unlock(PW)
        assertEquals(180u to true, out.passwordAgeDays to out.passwordChangeDue)
        assertEquals(1, r.rec.events.count { it == "password_change_due" })
        r.core.changePassword(PW, PW2)
        assertFalse(r.core.passwordStatus().passwordChangeDue)
        assertEquals(0u, r.core.passwordStatus().passwordAgeDays)
    }

    @Test fun activityAfterFailedAttemptsABiometricInvalidationAndAGateChange() = runBlocking<Unit> {
        val r = rig()
        r.core.createAccount("Ada", PW, 12u, Language.ENGLISH)
        r.core.enableBiometricUnlock(PW)
        r.core.setGatePolicy(GatedAction.SIGN_MESSAGE, GatePolicy(Gate.PASSWORD, null), AuthProof.Password(PW))
        r.core.lock()
        repeat(2) { assertFailsWith<WalletException.InvalidCredentials> { r.core.unlock("wrong wrong wrong".toByteArray()) } }
        r.ks.invalidated += r.ks.entries.keys
        assertFailsWith<WalletException.BiometricInvalidated> { r.core.unlockWithBiometrics() }
        val a = r.core.unlock(PW).activity
        assertEquals(2u, a.failedAttempts)
        assertEquals(
            listOf(
                ActivityCategory.BIOMETRIC_CHANGE to "biometric_enabled",
                ActivityCategory.SETTINGS_CHANGED to "gate_changed",
                ActivityCategory.FAILED_ATTEMPT to "login_failed",
                ActivityCategory.FAILED_ATTEMPT to "login_failed",
                ActivityCategory.BIOMETRIC_CHANGE to "biometric_invalidated",
            ),
            a.items.map { it.category to it.event.kind },
        )
        assertTrue(a.items.all { it.event.atUnix >= (a.sinceUnix ?: Long.MAX_VALUE) })
        assertTrue("activity_reported" in r.rec.events)
        r.core.lock()
        assertTrue(r.core.unlock(PW).activity.items.isEmpty())
    }
}
