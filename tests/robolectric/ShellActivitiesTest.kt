// The sample Activities (android/sample) under Robolectric: real framework views, the real flows
// and the real core (JNA + the host library) behind them, a user who taps. Robolectric cannot
// model the Android Keystore provider or the biometric prompt, so the key store is a fake behind
// the same SecureKeyStore interface as KeystoreBiometricStore ([Sensor]: the prompt stays up
// until the test answers it, like a user); the device keys are the shipped KeystoreDeviceKeys on
// a JCE key source (as in AndroidGlueTest), the environment probe and the boot clock are fakes.
// Also the lifecycle wiring: background/foreground reported to the core, touches reported,
// FLAG_SECURE on a phrase screen. (In a package: Robolectric cannot name an Application class
// of the default package.)
package io.imwallet.robolectric

import android.app.Activity
import android.app.Application
import android.os.Bundle
import android.os.Looper
import android.os.SystemClock
import android.view.MotionEvent
import android.view.View
import android.view.ViewGroup
import android.view.WindowManager
import android.widget.Button
import android.widget.CheckBox
import android.widget.EditText
import android.widget.TextView
import io.imwallet.*
import io.imwallet.android.DeviceKeySource
import io.imwallet.android.KeystoreDeviceKeys
import io.imwallet.android.ShowsRecoveryPhrase
import io.imwallet.android.WalletLifecycle
import io.imwallet.android.flows.CoreCalls
import io.imwallet.android.flows.LifecycleCalls
import io.imwallet.sample.ClearDataActivity
import io.imwallet.sample.LogoutActivity
import io.imwallet.sample.UnlockActivity
import io.imwallet.sample.WalletHost
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test
import org.junit.runner.JUnitCore
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.android.controller.ActivityController
import org.robolectric.annotation.Config
import java.nio.file.Files
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import kotlin.system.exitProcess
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertTrue

val PW = "correct horse battery staple 42".toByteArray()

/** What the environment probe reports (the platform probe is issue 20's). */
class FakeEnv : EnvironmentProbe {
    @Volatile var net = NetworkKind.UNKNOWN
    override fun network() = net
    override fun deviceIntegrity() = DeviceIntegrity.UNKNOWN
}

/** A boot clock the test moves by hand (the limiter measures its delays on it). */
class HandClock : BootClock {
    @Volatile var secs = 1_000uL
    override fun bootId() = "boot-1"
    override fun sinceBootSecs() = secs
}

/** The Keystore's role played by JCE (AES-256 keys in memory) under the shipped KeystoreDeviceKeys. */
class JceKeySource : DeviceKeySource {
    private val keys = ConcurrentHashMap<String, SecretKey>()
    override fun generate(alias: String) { keys[alias] = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey() }
    override fun find(alias: String): SecretKey? = keys[alias]
    override fun delete(alias: String) { keys.remove(alias) }
    override fun aliases(): List<String> = keys.keys.toList()
}

/**
 * The biometric key store with its prompt played by the test: `load` shows the "prompt" (sets
 * [prompted]) and blocks the core's worker thread until [answer] — exactly where
 * KeystoreBiometricStore blocks on BiometricPrompt. Stands in for the Android Keystore provider
 * and BiometricPrompt, which Robolectric cannot run.
 */
class Sensor : SecureKeyStore {
    enum class Answer { MATCH, CANCEL, ENROLLMENT_CHANGED }

    private val entries = ConcurrentHashMap<String, ByteArray>()
    private val answers = LinkedBlockingQueue<Answer>()
    val prompts: MutableList<String> = Collections.synchronizedList(mutableListOf())
    @Volatile var prompted = false
        private set

    fun answer(a: Answer) = answers.put(a)

    override fun store(alias: String, secret: ByteArray) { entries[alias] = secret.copyOf() }
    override fun load(alias: String, prompt: BiometricPrompt): ByteArray {
        prompts += prompt.reason
        prompted = true
        try {
            return when (answers.poll(30, TimeUnit.SECONDS)) {
                Answer.MATCH -> entries[alias]?.copyOf() ?: throw KeyStoreException.NotFound()
                Answer.CANCEL, null -> throw KeyStoreException.Cancelled()
                Answer.ENROLLMENT_CHANGED -> throw KeyStoreException.KeyInvalidated()
            }
        } finally {
            prompted = false
        }
    }
    override fun delete(alias: String) { entries.remove(alias) }
    override fun list(): List<String> = entries.keys.sorted()
    override fun deleteAll() = entries.clear()
}

/** Every lifecycle report, passed on to the real core. */
class ReportedCalls(private val inner: CoreCalls) : LifecycleCalls {
    val reports: MutableList<String> = Collections.synchronizedList(mutableListOf())
    override fun appBackgrounded(): SessionState { reports += "background"; return inner.appBackgrounded() }
    override fun appForegrounded(): SessionState { reports += "foreground"; return inner.appForegrounded() }
    override fun touch() { reports += "touch"; inner.touch() }
}

/** The test's Application: a real core on a temporary directory, with fakes for the platform. */
class TestWalletApp : Application(), WalletHost {
    val dir = Files.createTempDirectory("imwallet-robolectric")
    val env = FakeEnv()
    val sensor = Sensor()
    val clock = HandClock()
    lateinit var core: WalletCore
    lateinit var reported: ReportedCalls
    override lateinit var wallet: CoreCalls

    override fun onCreate() {
        super.onCreate()
        core = WalletCore(CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), env, null, sensor, clock, deviceKeys = KeystoreDeviceKeys(JceKeySource()) { 34 })
        wallet = CoreCalls(core)
        reported = ReportedCalls(wallet)
        WalletLifecycle(reported).install(this)
    }

    fun close() { core.close(); dir.toFile().deleteRecursively() }
}

/** A screen that shows the recovery phrase. */
class PhraseActivity : Activity(), ShowsRecoveryPhrase {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(TextView(this).apply { text = "abandon ability able …" })
    }
}

// ---- what a user sees and does ------------------------------------------------------------------

fun View.all(): List<View> = if (this is ViewGroup) listOf(this) + (0 until childCount).flatMap { getChildAt(it).all() } else listOf(this)

/** A view the user can see: itself and every parent visible. */
fun View.seen(): Boolean = visibility == View.VISIBLE && (parent as? View)?.seen() ?: true

fun Activity.views(): List<View> = window.decorView.all().filter { it.seen() }

/** Every text on screen (labels, buttons, field hints), one per line. */
fun Activity.screen(): String = views().filterIsInstance<TextView>().flatMap { listOf(it.text.toString(), (it as? EditText)?.hint?.toString() ?: "") }
    .filter { it.isNotBlank() }.joinToString("\n")

fun Activity.button(label: String): Button = views().filterIsInstance<Button>().firstOrNull { it.text.toString() == label && it !is CheckBox }
    ?: throw AssertionError("no button \"$label\" on screen:\n${screen()}")

fun Activity.tap(label: String) = assertTrue(button(label).performClick())

fun Activity.field(hint: String): EditText = views().filterIsInstance<EditText>().firstOrNull { hint in (it.hint?.toString() ?: "") }
    ?: throw AssertionError("no field \"$hint\" on screen:\n${screen()}")

fun Activity.type(hint: String, text: String) = field(hint).setText(text)

/** Runs the main looper (the flows resume on it) until `text` is on screen; 20 s at most. */
fun Activity.waitFor(text: String): String {
    val end = System.currentTimeMillis() + 20_000
    while (System.currentTimeMillis() < end) {
        shadowOf(Looper.getMainLooper()).idle()
        if (text in screen()) return screen()
        Thread.sleep(10)
    }
    throw AssertionError("waited 20 s for \"$text\"; the screen shows:\n${screen()}")
}

fun waitUntil(what: String, check: () -> Boolean) {
    val end = System.currentTimeMillis() + 20_000
    while (!check()) {
        if (System.currentTimeMillis() > end) throw AssertionError("waited 20 s for $what")
        shadowOf(Looper.getMainLooper()).idle()
        Thread.sleep(10)
    }
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [34], manifest = Config.NONE, application = TestWalletApp::class)
abstract class ScreenTest {
    val app get() = RuntimeEnvironment.getApplication() as TestWalletApp
    val core get() = app.core
    private val opened = mutableListOf<ActivityController<*>>()

    fun <A : Activity> launch(type: Class<A>): A = Robolectric.buildActivity(type).also { opened += it }.setup().get()

    @After fun close() {
        opened.forEach { runCatching { it.pause().stop().destroy() } }
        shadowOf(Looper.getMainLooper()).idle()
        app.close()
    }
}

class LogoutActivityTest : ScreenTest() {
    @Test fun tapLogOutSeeTheWarningsConfirmAndGetTheReport() {
        runBlocking { core.createAccount("Ann", PW, 12u, Language.ENGLISH) }
        core.cachePut("balances", CacheScope.CurrentAccount, "eth", "1".toByteArray(), null)
        app.env.net = NetworkKind.PUBLIC_WIFI
        val a = launch(LogoutActivity::class.java)
        a.tap("Log out")
        val shown = a.waitFor("Confirm log out")
        assertTrue("Your recovery phrase is not backed up" in shown, shown)
        assertTrue("public Wi-Fi" in shown, shown)
        assertTrue("This will: wipe the keys from memory; end the session; clear this account's cached data" in shown, shown)
        assertIs<SessionState.Unlocked>(core.state(), "nothing happens before the confirmation")
        a.tap("Confirm log out")
        val report = a.waitFor("Logged out of Ann.")
        assertTrue("Keys wiped from memory. 1 cached entries cleared." in report, report)
        assertIs<SessionState.LoggedOut>(core.state())
        assertEquals(0uL, core.cacheUsage().sumOf { it.entries })
    }

    @Test fun removingAnUnbackedWalletAsksForItsNameAndPassword() {
        runBlocking { core.createAccount("Ann", PW, 12u, Language.ENGLISH) }
        val a = launch(LogoutActivity::class.java)
        a.views().filterIsInstance<CheckBox>().single { it.text.startsWith("Remove the wallet") }.performClick()
        a.tap("Log out")
        val shown = a.waitFor("Type \"Ann\" to confirm")
        assertTrue("The wallet will be deleted from this device." in shown, shown)
        a.type("to confirm", "Bob")
        a.type("Password", String(PW))
        a.tap("Confirm log out")
        a.waitFor("type the account name")
        assertEquals("", a.field("Password").text.toString(), "the password left the field")
        assertIs<SessionState.Unlocked>(core.state())
        a.type("to confirm", "Ann")
        a.type("Password", String(PW))
        a.tap("Confirm log out")
        assertTrue("Wallet removed from this device." in a.waitFor("Logged out of Ann."))
        assertIs<SessionState.NoAccount>(core.state())
    }
}

class UnlockActivityTest : ScreenTest() {
    private fun lockedWithFingerprint() = runBlocking {
        core.createAccount("Bea", PW, 12u, Language.ENGLISH)
        core.enableBiometricUnlock(PW)
        core.lock()
    }

    @Test fun theFingerprintMatches() {
        lockedWithFingerprint()
        val a = launch(UnlockActivity::class.java)
        waitUntil("the prompt") { app.sensor.prompted }
        assertTrue("Touch the fingerprint sensor" in a.waitFor("Locked: Bea"))
        app.sensor.answer(Sensor.Answer.MATCH)
        a.waitFor("Unlocked")
        assertIs<SessionState.Unlocked>(core.state())
        assertEquals(listOf("Unlock Bea"), app.sensor.prompts)
    }

    @Test fun cancelledThenTapUnlockWithFingerprint() {
        lockedWithFingerprint()
        val a = launch(UnlockActivity::class.java)
        waitUntil("the prompt") { app.sensor.prompted }
        app.sensor.answer(Sensor.Answer.CANCEL)
        a.waitFor("Fingerprint cancelled. Enter your password (5 attempts left)")
        assertIs<SessionState.Locked>(core.state())
        a.tap("Unlock with fingerprint")
        waitUntil("the prompt again") { app.sensor.prompted }
        app.sensor.answer(Sensor.Answer.MATCH)
        a.waitFor("Unlocked")
        assertIs<SessionState.Unlocked>(core.state())
    }

    @Test fun invalidatedSendsToThePassword() {
        lockedWithFingerprint()
        val a = launch(UnlockActivity::class.java)
        waitUntil("the prompt") { app.sensor.prompted }
        app.sensor.answer(Sensor.Answer.ENROLLMENT_CHANGED)
        val shown = a.waitFor("Your fingerprints changed")
        assertFalse("Unlock with fingerprint" in shown, "the core turned biometric unlock off:\n$shown")
        assertFalse(core.accounts().single().biometricEnabled)
        a.type("Password", String(PW))
        a.tap("Unlock")
        a.waitFor("Unlocked")
        assertIs<SessionState.Unlocked>(core.state())
    }

    @Test fun wrongPasswordsThenTheCountdown() {
        runBlocking { core.createAccount("Cal", PW, 12u, Language.ENGLISH); core.lock() }
        val a = launch(UnlockActivity::class.java)
        a.waitFor("Enter your password (5 attempts left)")
        for (left in 4 downTo 1) {
            a.type("Password", "wrong wrong wrong")
            a.tap("Unlock")
            a.waitFor("Wrong password ($left attempts left)")
        }
        a.type("Password", "wrong wrong wrong")
        a.tap("Unlock")
        a.waitFor("Too many attempts. Try again in 30 s")
        app.clock.secs += 12u
        a.waitFor("Try again in 18 s")
        app.clock.secs += 18u
        a.waitFor("You can try again")
        a.type("Password", String(PW))
        a.tap("Unlock")
        a.waitFor("Unlocked")
        assertIs<SessionState.Unlocked>(core.state())
    }
}

class ClearDataActivityTest : ScreenTest() {
    @Test fun usageThenClearCache() {
        runBlocking { core.createAccount("Cy", PW, 12u, Language.ENGLISH) }
        core.cachePut("balances", CacheScope.CurrentAccount, "eth", "12".toByteArray(), null)
        core.cachePut("prices", CacheScope.Global, "eth", "3000".toByteArray(), null)
        val a = launch(ClearDataActivity::class.java)
        val shown = a.waitFor("balances: 1 entries")
        assertTrue("prices: 1 entries" in shown, shown)
        a.tap("Clear cache")
        a.waitFor("Cleared 2 entries")
        assertEquals(0uL, core.cacheUsage().sumOf { it.entries })
    }

    @Test fun resetAppWithTheTypedPhraseAndThePassword() {
        runBlocking { core.createAccount("Cy", PW, 12u, Language.ENGLISH) }
        val a = launch(ClearDataActivity::class.java)
        a.waitFor("Reset app")
        a.tap("Reset app")
        val shown = a.waitFor("Not backed up — lost for good: Cy")
        assertTrue("Type \"ERASE ALL DATA\" to confirm" in shown, shown)
        a.type("to confirm", "erase everything")
        a.type("Password of Cy", String(PW))
        a.tap("Erase everything")
        a.waitFor("to erase every wallet and setting on this device")  // the core's refusal
        assertEquals(1, core.accounts().size)
        a.type("to confirm", "ERASE ALL DATA")
        a.type("Password of Cy", String(PW))
        a.tap("Erase everything")
        a.waitFor("Erased 1 wallets. The app starts as new.")
        assertIs<SessionState.NoAccount>(core.state())
    }
}

class LifecycleTest : ScreenTest() {
    @Test fun backgroundLocksWhenTheCoreSaysSo() {
        runBlocking {
            core.createAccount("Dee", PW, 12u, Language.ENGLISH)
            core.setAutoLock(AutoLock.Immediate, AuthProof.Password(PW.copyOf()))
        }
        val c = Robolectric.buildActivity(LogoutActivity::class.java).setup()
        assertIs<SessionState.Unlocked>(core.state())
        c.pause().stop()
        assertEquals(listOf("background"), app.reported.reports)
        assertIs<SessionState.Locked>(core.state())
        c.restart().start().resume()
        assertEquals(listOf("background", "foreground"), app.reported.reports)
        c.pause().stop().destroy()
    }

    @Test fun aRotationIsNotABackground() {
        runBlocking { core.createAccount("Dee", PW, 12u, Language.ENGLISH) }
        val c = Robolectric.buildActivity(LogoutActivity::class.java).setup()
        c.recreate()
        assertFalse("background" in app.reported.reports, "${app.reported.reports}")
        c.pause().stop().destroy()
    }

    @Test fun touchesAreReported() {
        val a = launch(LogoutActivity::class.java)
        val now = SystemClock.uptimeMillis()
        a.window.decorView.dispatchTouchEvent(MotionEvent.obtain(now, now, MotionEvent.ACTION_DOWN, 10f, 10f, 0))
        a.window.decorView.dispatchTouchEvent(MotionEvent.obtain(now, now, MotionEvent.ACTION_UP, 10f, 10f, 0))
        assertEquals(listOf("touch"), app.reported.reports)
    }

    @Test fun phraseScreensAreSecure() {
        val phrase = launch(PhraseActivity::class.java)
        assertTrue(phrase.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE != 0)
        val logout = launch(LogoutActivity::class.java)
        assertEquals(0, logout.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE)
    }
}

fun main() {
    val r = JUnitCore.runClasses(LogoutActivityTest::class.java, UnlockActivityTest::class.java, ClearDataActivityTest::class.java, LifecycleTest::class.java)
    r.failures.forEach { println("FAIL ${it.testHeader}: ${it.trace}") }
    println("robolectric: ${r.runCount - r.failureCount} passed, ${r.failureCount} failed")
    exitProcess(if (r.wasSuccessful() && r.runCount > 0) 0 else 1)
}
