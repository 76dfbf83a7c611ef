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
import android.os.Looper
import android.os.SystemClock
import android.view.MotionEvent
import android.view.WindowManager
import android.widget.CheckBox
import io.imwallet.*
import io.imwallet.sample.ClearDataActivity
import io.imwallet.sample.LogoutActivity
import io.imwallet.sample.UnlockActivity
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
import kotlin.system.exitProcess
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertTrue

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
        waitUntil("the background report") { app.reported.reports == listOf("background") }
        assertIs<SessionState.Locked>(core.state())
        c.restart().start().resume()
        waitUntil("the foreground report") { app.reported.reports == listOf("background", "foreground") }
        c.pause().stop().destroy()
    }

    @Test fun aRotationIsNotABackground() {
        runBlocking { core.createAccount("Dee", PW, 12u, Language.ENGLISH) }
        val c = Robolectric.buildActivity(LogoutActivity::class.java).setup()
        c.recreate()
        c.pause().stop()   // then a real trip to the background: the only report
        waitUntil("the background report") { "background" in app.reported.reports }
        assertEquals(listOf("background"), app.reported.reports)
        c.destroy()
    }

    @Test fun touchesAreReported() {
        val a = launch(LogoutActivity::class.java)
        val now = SystemClock.uptimeMillis()
        a.window.decorView.dispatchTouchEvent(MotionEvent.obtain(now, now, MotionEvent.ACTION_DOWN, 10f, 10f, 0))
        a.window.decorView.dispatchTouchEvent(MotionEvent.obtain(now, now, MotionEvent.ACTION_UP, 10f, 10f, 0))
        waitUntil("the touch report") { app.reported.reports == listOf("touch") }
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
