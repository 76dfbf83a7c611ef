// The Android shell's view models (android/src/main/kotlin/io/imwallet/android/flows) on the JVM,
// against the real core (JNA + the host library) with fake hooks: LogoutFlow (plan → warnings →
// confirmation → report, refusals, a plan the core no longer knows), UnlockFlow (biometrics
// first, cancel / invalidated → password, wrong password, the limiter's countdown read from the
// core on a fake boot clock) and ClearDataFlow (usage → clear → reset with the typed phrase and
// the passwords of unbacked wallets). Each state is checked against what the core says.
import io.imwallet.*
import io.imwallet.android.flows.ClearDataFlow
import io.imwallet.android.flows.ClearDataState
import io.imwallet.android.flows.CoreCalls
import io.imwallet.android.flows.LogoutFlow
import io.imwallet.android.flows.LogoutState
import io.imwallet.android.flows.PasswordCause
import io.imwallet.android.flows.UnlockFlow
import io.imwallet.android.flows.UnlockState
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.After
import org.junit.Test
import org.junit.runner.JUnitCore
import java.nio.file.Files
import java.util.concurrent.Executors
import kotlin.system.exitProcess
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotEquals
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

/** A boot clock the test moves by hand (the limiter measures its delays on it). */
class HandClock : BootClock {
    @Volatile var secs = 1_000uL
    override fun bootId() = "boot-1"
    override fun sinceBootSecs() = secs
}

/** One wallet directory, the real core on it, and a single "main" thread for the flows. */
class Rig(env: EnvironmentProbe? = null, keyStore: SecureKeyStore? = null, clock: BootClock? = null) : AutoCloseable {
    val dir = Files.createTempDirectory("imwallet-kt-shell")
    val core = WalletCore(CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), env, null, keyStore, clock, deviceKeys = deviceFor(dir))
    val calls = CoreCalls(core)
    private val main = Executors.newSingleThreadExecutor { r -> Thread(r, "main") }
    private val mainDispatcher = main.asCoroutineDispatcher()
    val scope = CoroutineScope(SupervisorJob() + mainDispatcher)

    /** Runs a tap on the "main" thread, as the flows require (and as a screen calls them). */
    fun ui(tap: () -> Unit) = runBlocking(mainDispatcher) { tap() }

    override fun close() {
        scope.cancel(); main.shutdownNow(); core.close(); dir.toFile().deleteRecursively()
    }
}

/** Waits (at most 20 s) for the first state that is a `T` and passes `check`. */
suspend inline fun <reified T> StateFlow<*>.until(crossinline check: (T) -> Boolean = { true }): T =
    withTimeoutOrNull(20_000) { first { it is T && check(it) } } as T?
        ?: throw AssertionError("waited 20 s for a ${T::class.simpleName}; the flow shows $value")

fun zeroed(b: ByteArray) = b.all { it == 0.toByte() }

class LogoutFlowTest {
    private val env = FakeEnv()
    private val rig = Rig(env)
    private val core = rig.core
    private val flow = LogoutFlow(rig.calls, rig.scope)

    @After fun close() = rig.close()

    @Test fun planWarningsConfirmationReport() = runBlocking<Unit> {
        core.createAccount("Ann", PW, 12u, Language.ENGLISH)
        core.cachePut("balances", CacheScope.CurrentAccount, "eth", "1".toByteArray(), null)
        env.net = NetworkKind.PUBLIC_WIFI
        rig.ui { flow.start(LogoutOptions(clearCaches = true, keepGlobalCaches = true, removeWallet = false)) }
        val plan = flow.state.until<LogoutState.Confirming>().plan
        // The warnings and actions are the core's, as it plans them now.
        assertEquals(listOf(LogoutWarning.NOT_BACKED_UP, LogoutWarning.INSECURE_NETWORK), plan.warnings)
        assertEquals(core.prepareLogout(plan.options).actions, plan.actions)
        assertEquals(ConfirmationNeeded.TAP, plan.confirmation)
        assertIs<SessionState.Unlocked>(core.state(), "nothing happens before the confirmation")
        rig.ui { flow.confirm() }
        val report = flow.state.until<LogoutState.Done>().report
        assertTrue(report.keysWiped && report.sessionEnded)
        assertEquals(1uL, report.cacheEntriesCleared)
        assertEquals(plan.warnings, report.warningsAcknowledged)
        assertIs<SessionState.LoggedOut>(core.state())
    }

    @Test fun removingAnUnbackedWalletTakesTheTypedNameAndThePassword() = runBlocking<Unit> {
        core.createAccount("Ann", PW, 12u, Language.ENGLISH)
        rig.ui { flow.start(LogoutOptions(clearCaches = true, keepGlobalCaches = true, removeWallet = true)) }
        val plan = flow.state.until<LogoutState.Confirming>().plan
        assertEquals(ConfirmationNeeded.TYPE_ACCOUNT_NAME, plan.confirmation)
        assertEquals(Gate.PASSWORD, plan.authorization)
        assertTrue(LogoutWarning.WALLET_WILL_BE_REMOVED in plan.warnings)
        // A wrong name: the core refuses, the flow shows its reason on the same plan, the password is wiped.
        val pw1 = PW.copyOf()
        rig.ui { flow.confirm("Bob", pw1) }
        val refused = flow.state.until<LogoutState.Confirming> { it.problem != null }
        assertEquals(plan.token, refused.plan.token)
        assertTrue("type the account name" in refused.problem!!, refused.problem)
        assertTrue(zeroed(pw1))
        assertIs<SessionState.Unlocked>(core.state())
        // A wrong password: refused by the core's gate (counted by its limiter).
        rig.ui { flow.confirm("Ann", "not the password at all".toByteArray()) }
        val wrong = flow.state.until<LogoutState.Confirming> { it.problem != null && it.problem != refused.problem }
        assertEquals(4u, core.attemptStatus(null).attemptsLeft)
        assertNotNull(wrong.problem)
        rig.ui { flow.confirm("ann", PW.copyOf()) }
        val report = flow.state.until<LogoutState.Done>().report
        assertTrue(report.walletRemoved)
        assertIs<SessionState.NoAccount>(core.state())
    }

    @Test fun aPlanTheCoreForgotIsReplacedWithItsReason() = runBlocking<Unit> {
        core.createAccount("Ann", PW, 12u, Language.ENGLISH)
        rig.ui { flow.start(LogoutOptions(clearCaches = false, keepGlobalCaches = true, removeWallet = false)) }
        val first = flow.state.until<LogoutState.Confirming>().plan
        core.lock() // auto-lock between the plan and the tap: the core drops its plans
        rig.ui { flow.confirm() }
        val again = flow.state.until<LogoutState.Confirming> { it.problem != null }
        assertNotEquals(first.token, again.plan.token)
        assertIs<SessionState.Locked>(core.state())
        rig.ui { flow.confirm() }
        assertTrue(flow.state.until<LogoutState.Done>().report.sessionEnded)
        assertIs<SessionState.LoggedOut>(core.state())
    }

    @Test fun nobodyLoggedInIsTheCoresRefusal() = runBlocking<Unit> {
        rig.ui { flow.start(LogoutOptions(clearCaches = true, keepGlobalCaches = true, removeWallet = false)) }
        val failed = flow.state.until<LogoutState.Failed>()
        assertTrue(failed.reason.isNotBlank())
        // Nothing to confirm: ignored, and the password is wiped all the same.
        val pw = PW.copyOf()
        rig.ui { flow.confirm(password = pw) }
        assertTrue(zeroed(pw))
        assertIs<LogoutState.Failed>(flow.state.value)
    }
}

class UnlockFlowTest {
    private val ks = FakeKeyStore()
    private val clock = HandClock()
    private val rig = Rig(keyStore = ks, clock = clock)
    private val core = rig.core
    private val flow = UnlockFlow(rig.calls, rig.scope, tickMillis = 20)

    @After fun close() = rig.close()

    private suspend fun locked(biometric: Boolean) {
        core.createAccount("Bea", PW, 12u, Language.ENGLISH)
        if (biometric) core.enableBiometricUnlock(PW)
        core.lock()
    }

    @Test fun biometricsFirstWhenTheCoreHasThemOn() = runBlocking<Unit> {
        locked(biometric = true)
        rig.ui { flow.start() }
        assertIs<SessionState.Unlocked>(flow.state.until<UnlockState.Unlocked>().outcome.state)
        assertEquals(listOf("Unlock Bea"), ks.prompts)
        assertIs<SessionState.Unlocked>(core.state())
    }

    @Test fun passwordFirstWhenTheyAreOff() = runBlocking<Unit> {
        locked(biometric = false)
        rig.ui { flow.start() }
        val ask = flow.state.until<UnlockState.AskingPassword>()
        assertEquals(PasswordCause.FIRST, ask.cause)
        assertFalse(ask.biometricAvailable)
        assertEquals(5u, ask.attemptsLeft)
        assertTrue(ks.prompts.isEmpty(), "no prompt for an account without biometric unlock")
    }

    @Test fun cancelledPromptFallsBackToThePassword() = runBlocking<Unit> {
        locked(biometric = true)
        ks.script += KeyStoreException.Cancelled()
        rig.ui { flow.start() }
        val ask = flow.state.until<UnlockState.AskingPassword>()
        assertEquals(PasswordCause.BIOMETRIC_CANCELLED, ask.cause)
        assertTrue(ask.biometricAvailable, "still on: the user may try the sensor again")
        val wrong = "wrong wrong wrong".toByteArray()
        rig.ui { flow.submitPassword(wrong) }
        val again = flow.state.until<UnlockState.AskingPassword> { it.cause == PasswordCause.WRONG_PASSWORD }
        assertEquals(4u, again.attemptsLeft)
        assertEquals(core.attemptStatus(null).attemptsLeft, again.attemptsLeft)
        assertTrue(zeroed(wrong), "the flow wipes the password it was given")
        // The sensor again, from the password screen: works now.
        rig.ui { flow.useBiometrics() }
        flow.state.until<UnlockState.Unlocked>()
        assertIs<SessionState.Unlocked>(core.state())
    }

    @Test fun invalidatedKeySendsToThePasswordAndTheCoreTurnsBiometricsOff() = runBlocking<Unit> {
        locked(biometric = true)
        ks.invalidated += ks.entries.keys
        rig.ui { flow.start() }
        val ask = flow.state.until<UnlockState.AskingPassword>()
        assertEquals(PasswordCause.BIOMETRIC_INVALIDATED, ask.cause)
        assertFalse(ask.biometricAvailable)
        assertFalse(core.accounts().single().biometricEnabled)
        rig.ui { flow.submitPassword(PW.copyOf()) }
        flow.state.until<UnlockState.Unlocked>()
        assertIs<SessionState.Unlocked>(core.state())
    }

    @Test fun theCountdownIsTheCoresDelay() = runBlocking<Unit> {
        locked(biometric = false)
        rig.ui { flow.start() }
        flow.state.until<UnlockState.AskingPassword>()
        repeat(4) { i ->
            rig.ui { flow.submitPassword("wrong wrong wrong".toByteArray()) }
            flow.state.until<UnlockState.AskingPassword> { it.cause == PasswordCause.WRONG_PASSWORD && it.attemptsLeft == (4 - i).toUInt() }
        }
        rig.ui { flow.submitPassword("wrong wrong wrong".toByteArray()) }
        val out = flow.state.until<UnlockState.LockedOut>()
        assertEquals(30uL, out.retryAfterSecs)
        // The delay runs on the core's clock: the countdown follows it, it does not count by itself.
        clock.secs += 29u
        assertEquals(1uL, flow.state.until<UnlockState.LockedOut> { it.retryAfterSecs == 1uL }.retryAfterSecs)
        rig.ui { flow.submitPassword(PW.copyOf()) } // ignored during the delay
        clock.secs += 1u
        val over = flow.state.until<UnlockState.AskingPassword>()
        assertEquals(PasswordCause.DELAY_OVER, over.cause)
        assertIs<SessionState.Locked>(core.state())
        rig.ui { flow.submitPassword(PW.copyOf()) }
        flow.state.until<UnlockState.Unlocked>()
        // A restarted lock screen during a delay starts with the countdown.
        core.lock()
        repeat(5) { runCatching { core.unlock("wrong wrong wrong".toByteArray()) } }
        rig.ui { flow.start() }
        assertTrue(flow.state.until<UnlockState.LockedOut>().retryAfterSecs > 0uL)
        rig.ui { flow.stop() }
    }

    @Test fun nothingToUnlockWhenLoggedOut() = runBlocking<Unit> {
        rig.ui { flow.start() }
        assertIs<SessionState.NoAccount>(flow.state.until<UnlockState.NotLocked>().session)
    }
}

class ClearDataFlowTest {
    private val rig = Rig()
    private val core = rig.core
    private val flow = ClearDataFlow(rig.calls, rig.scope)

    @After fun close() = rig.close()

    @Test fun usageClearAndItsReport() = runBlocking<Unit> {
        core.createAccount("Cy", PW, 12u, Language.ENGLISH)
        core.cachePut("balances", CacheScope.CurrentAccount, "eth", "12".toByteArray(), null)
        core.cachePut("prices", CacheScope.Global, "eth", "3000".toByteArray(), null)
        rig.ui { flow.load() }
        val ready = flow.state.until<ClearDataState.Ready>()
        assertEquals(core.cacheUsage(), ready.usage)
        assertEquals(2uL, ready.usage.sumOf { it.entries })
        rig.ui { flow.clearCaches() }
        val after = flow.state.until<ClearDataState.Ready> { it.lastClear != null }
        assertEquals(2uL, after.lastClear!!.entriesRemoved)
        assertEquals(0uL, after.usage.sumOf { it.entries })
        assertEquals(null, core.cacheGet("balances", CacheScope.CurrentAccount, "eth"))
    }

    @Test fun resetNeedsThePhraseAndTheUnbackedWalletsPassword() = runBlocking<Unit> {
        core.createAccount("Cy", PW, 12u, Language.ENGLISH)
        rig.ui { flow.load() }
        flow.state.until<ClearDataState.Ready>()
        rig.ui { flow.startReset() }
        val plan = flow.state.until<ClearDataState.ConfirmingReset>().plan
        assertEquals(listOf("Cy"), plan.notBackedUp)
        assertTrue(plan.authorizationNeeded)
        // A wrong phrase: the core refuses; nothing is erased.
        rig.ui { flow.reset("erase all data", mapOf("Cy" to PW.copyOf())) }
        val wrongPhrase = flow.state.until<ClearDataState.ConfirmingReset> { it.problem != null }
        assertEquals(1, core.accounts().size)
        // The phrase without the password of the unbacked wallet: refused too.
        rig.ui { flow.reset(plan.phraseToType) }
        flow.state.until<ClearDataState.ConfirmingReset> { it.problem != null && it.problem != wrongPhrase.problem }
        assertEquals(1, core.accounts().size)
        val pw = PW.copyOf()
        rig.ui { flow.reset(plan.phraseToType, mapOf("Cy" to pw)) }
        val done = flow.state.until<ClearDataState.ResetDone>()
        assertEquals(1uL, done.report.accountsRemoved)
        assertTrue(zeroed(pw))
        assertIs<SessionState.NoAccount>(core.state())
        assertTrue(core.accounts().isEmpty())
    }

    @Test fun aBackedUpWalletResetsWithThePhraseAlone() = runBlocking<Unit> {
        val created = core.createAccount("Di", PW, 12u, Language.ENGLISH)
        val w = words(created.phrase)
        core.confirmBackup(core.backupChallenge(AuthProof.None).map { w[it.toInt() - 1].toByteArray() })
        rig.ui { flow.load() }
        flow.state.until<ClearDataState.Ready>()
        rig.ui { flow.startReset() }
        val plan = flow.state.until<ClearDataState.ConfirmingReset>().plan
        assertFalse(plan.authorizationNeeded)
        rig.ui { flow.reset(plan.phraseToType) }
        assertEquals(1uL, flow.state.until<ClearDataState.ResetDone>().report.accountsRemoved)
        assertContentEquals(listOf(), core.accounts())
    }
}

fun main() {
    val r = JUnitCore.runClasses(LogoutFlowTest::class.java, UnlockFlowTest::class.java, ClearDataFlowTest::class.java)
    r.failures.forEach { println("FAIL ${it.testHeader}: ${it.trace}") }
    println("shell-flows: ${r.runCount - r.failureCount} passed, ${r.failureCount} failed")
    exitProcess(if (r.wasSuccessful() && r.runCount > 0) 0 else 1)
}
