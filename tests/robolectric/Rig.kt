// The Robolectric suite's rig: fakes for what Robolectric cannot model (the biometric prompt and
// the Android Keystore provider, see ShellActivitiesTest.kt), the test Application that opens the
// real core, and what a user sees and does on a screen built from framework views.
package io.imwallet.robolectric

import android.app.Activity
import android.app.Application
import android.os.Bundle
import android.os.Looper
import android.view.View
import android.view.ViewGroup
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
import io.imwallet.sample.WalletHost
import org.robolectric.Robolectric
import org.robolectric.Shadows.shadowOf
import java.nio.file.Files
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import kotlin.test.assertTrue

val PW = "correct horse battery staple 42".toByteArray()

/** What the environment probe reports (the platform probe is issue 20's). */
class FakeEnv : EnvironmentProbe {
    @Volatile var net = NetworkKind.UNKNOWN
    override fun network() = net
    // A phone with a screen lock, not rooted, no debugger, not an emulator.
    override fun screenLockSet(): Boolean? = true
    override fun rooted(): Boolean? = false
    override fun debuggerAttached(): Boolean? = false
    override fun emulator(): Boolean? = false
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

/** Every lifecycle report, passed on to the real core (and noted once the core has it). */
class ReportedCalls(private val inner: CoreCalls) : LifecycleCalls {
    val reports: MutableList<String> = Collections.synchronizedList(mutableListOf())
    override fun appBackgrounded(): SessionState = inner.appBackgrounded().also { reports += "background" }
    override fun appForegrounded(): SessionState = inner.appForegrounded().also { reports += "foreground" }
    override fun touch() { inner.touch(); reports += "touch" }
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

