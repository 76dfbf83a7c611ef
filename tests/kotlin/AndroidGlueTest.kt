// The Android glue (android/src/main/kotlin) compiled against Robolectric's android-all jar;
// its platform-neutral parts run here on the JVM: BiometricPrompt error mapping, the
// prompt bridge (completion, timeout, main-thread refusal), the device-credential bridge behind
// the DeviceOwnerCheck hook, and the StateFlow session wrapper driven by a real WalletCore.
import android.hardware.biometrics.BiometricPrompt
import io.imwallet.*
import io.imwallet.android.AndroidBootClock
import io.imwallet.android.BiometricErrors
import io.imwallet.android.DeviceCredentialBridge
import io.imwallet.android.PromptBridge
import io.imwallet.android.WalletSession
import kotlinx.coroutines.runBlocking
import org.junit.Test
import org.junit.runner.JUnitCore
import java.nio.file.Files
import kotlin.concurrent.thread
import kotlin.system.exitProcess
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs

class AndroidGlueTest {
    @Test fun promptErrorsMapToTypedOutcomes() {
        assertIs<KeyStoreException.Cancelled>(BiometricErrors.fromPromptError(BiometricPrompt.BIOMETRIC_ERROR_USER_CANCELED, null))
        assertIs<KeyStoreException.Cancelled>(BiometricErrors.fromPromptError(BiometricPrompt.BIOMETRIC_ERROR_NEGATIVE_BUTTON, null))
        assertIs<KeyStoreException.Lockout>(BiometricErrors.fromPromptError(BiometricPrompt.BIOMETRIC_ERROR_LOCKOUT_PERMANENT, "x"))
        assertIs<KeyStoreException.NotEnrolled>(BiometricErrors.fromPromptError(BiometricPrompt.BIOMETRIC_ERROR_NO_BIOMETRICS, null))
        assertIs<KeyStoreException.Unavailable>(BiometricErrors.fromPromptError(BiometricPrompt.BIOMETRIC_ERROR_HW_UNAVAILABLE, null))
        val other = BiometricErrors.fromPromptError(9999, "vendor")
        assertIs<KeyStoreException.Other>(other)
        assertEquals("biometric error 9999: vendor", other.reason)
    }

    @Test fun bridgeWaitsForTheAsyncCallback() {
        val bridge = PromptBridge<ByteArray>({ false })
        val got = bridge.await { b -> thread { Thread.sleep(50); b.succeed(byteArrayOf(1, 2)) } }
        assertEquals(listOf<Byte>(1, 2), got.toList())
        val failing = PromptBridge<ByteArray>({ false })
        assertFailsWith<KeyStoreException.Lockout> { failing.await { b -> thread { b.fail(KeyStoreException.Lockout()) } } }
        val slow = PromptBridge<ByteArray>({ false }, timeoutSeconds = 1)
        assertFailsWith<KeyStoreException.Cancelled> { slow.await { } }
        val onMain = PromptBridge<ByteArray>({ true })
        assertFailsWith<KeyStoreException.Other> { onMain.await { it.succeed(byteArrayOf()) } }
    }

    @Test fun bootClockIdentifiesTheBootAndCountsFromIt() {
        var ms = 90_500L
        val clock = AndroidBootClock({ 7 }, { ms }, { 1_800_000_000_000L })
        assertEquals("android-boot-7", clock.bootId())
        assertEquals(90uL, clock.sinceBootSecs())
        ms += 31_000
        assertEquals(121uL, clock.sinceBootSecs())
        // No BOOT_COUNT: the boot's wall-clock start stands in.
        val fallback = AndroidBootClock({ null }, { 60_000L }, { 1_800_000_060_000L })
        assertEquals("android-boot-at-${1_800_000_000_000L / 60_000}", fallback.bootId())
        assertFailsWith<WalletException.HookFailed> { AndroidBootClock({ null }, { 10L }, { 0L }).bootId() }
    }

    @Test fun theLimiterMeasuresDelaysOnTheBootClock() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("imwallet-android-boot")
        var boot = 1
        var ms = 1_000_000L
        val clock = AndroidBootClock({ boot }, { ms })
        val config = CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never)
        var core = WalletCore(config, null, null, null, clock)
        core.createAccount("Bo", PW, 12u, Language.ENGLISH)
        core.lock()
        repeat(5) { assertFailsWith<WalletException.InvalidCredentials> { core.unlock("wrong wrong wrong".toByteArray()) } }
        ms += 25_000
        assertEquals(5uL, core.attemptStatus(null).retryAfterSecs)
        core.close()
        // The phone restarts: the delay restarts in full (it is never skipped).
        boot = 2; ms = 5_000L
        core = WalletCore(config, null, null, null, clock)
        assertEquals(30uL, core.attemptStatus(null).retryAfterSecs)
        ms += 30_000
        assertIs<SessionState.Unlocked>(core.unlock(PW))
        core.close()
        dir.toFile().deleteRecursively()
    }

    @Test fun deviceCredentialBridgeWaitsForTheActivityResult() {
        val bridge = DeviceCredentialBridge({ false })
        assertEquals(true, bridge.await { thread { Thread.sleep(50); bridge.complete(true) } })
        assertEquals(false, bridge.await { thread { bridge.complete(false); bridge.complete(true) } }, "first answer wins")
        bridge.complete(true) // nothing pending: ignored
        val slow = DeviceCredentialBridge({ false }, timeoutSeconds = 1)
        assertEquals(false, slow.await { }, "no answer in time is no confirmation")
        assertFailsWith<WalletException.HookFailed> { DeviceCredentialBridge({ true }).await { } }
        assertFailsWith<WalletException.HookFailed> { bridge.await { throw IllegalStateException("no activity") } }
    }

    @Test fun deviceOwnerHookAuthorizesResetOfAnUnbackedWallet() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("imwallet-android-owner")
        val bridge = DeviceCredentialBridge({ false })
        var answer = false
        val owner = object : DeviceOwnerCheck {
            override fun canConfirmDeviceOwner() = true
            override fun confirmDeviceOwner(reason: String) = bridge.await { thread { bridge.complete(answer) } }
        }
        val core = WalletCore(CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), null, null, null, deviceOwner = owner)
        core.createAccount("Ann", PW, 12u, Language.ENGLISH)
        core.lock()
        val plan = core.prepareErase()
        assertEquals(true, plan.authorizationNeeded && plan.deviceOwnerCheckAvailable)
        val byOwner = EraseProofs(listOf(), true)
        assertFailsWith<WalletException.AuthorizationRequired> { core.eraseAllData(plan.phraseToType, byOwner) }
        answer = true
        assertEquals(1uL, core.eraseAllData(plan.phraseToType, byOwner).accountsRemoved)
        core.close()
        dir.toFile().deleteRecursively()
    }

    @Test fun stateFlowFollowsTheCore() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("imwallet-android")
        val session = WalletSession(SessionState.NoAccount)
        val core = WalletCore(CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), null, session, null)
        core.createAccount("Ann", PW, 12u, Language.ENGLISH)
        assertIs<SessionState.Unlocked>(session.state.value)
        core.lock()
        assertIs<SessionState.Locked>(session.state.value)
        core.close()
        dir.toFile().deleteRecursively()
    }
}

fun main() {
    val r = JUnitCore.runClasses(AndroidGlueTest::class.java)
    r.failures.forEach { println("FAIL ${it.testHeader}: ${it.trace}") }
    println("android-glue: ${r.runCount - r.failureCount} passed, ${r.failureCount} failed")
    exitProcess(if (r.wasSuccessful() && r.runCount > 0) 0 else 1)
}
