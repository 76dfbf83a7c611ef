// The Android glue (android/src/main/kotlin) compiled against Robolectric's android-all jar;
// its platform-neutral parts run here on the JVM: BiometricPrompt error mapping, the
// prompt bridge (completion, timeout, main-thread refusal), the device-credential bridge behind
// the DeviceOwnerCheck hook, the StateFlow session wrapper driven by a real WalletCore, and the
// Keystore device keys (blob framing, alias filtering, error mapping, StrongBox fallback, and the
// real KeystoreDeviceKeys class on a JCE key source in place of the AndroidKeyStore provider).
import android.hardware.biometrics.BiometricPrompt
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import io.imwallet.*
import io.imwallet.android.AndroidBootClock
import io.imwallet.android.BiometricErrors
import io.imwallet.android.DeviceCredentialBridge
import io.imwallet.android.DeviceKeyAliases
import io.imwallet.android.DeviceKeyBlob
import io.imwallet.android.DeviceKeyErrors
import io.imwallet.android.DeviceKeySource
import io.imwallet.android.KeystoreDeviceKeys
import io.imwallet.android.PromptBridge
import io.imwallet.android.StrongBoxFallback
import io.imwallet.android.WalletSession
import kotlinx.coroutines.runBlocking
import org.junit.Test
import org.junit.runner.JUnitCore
import java.nio.file.Files
import kotlin.concurrent.thread
import kotlin.system.exitProcess
import java.security.ProviderException
import java.security.UnrecoverableKeyException
import java.util.concurrent.ConcurrentHashMap
import javax.crypto.AEADBadTagException
import javax.crypto.IllegalBlockSizeException
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue
import android.security.KeyStoreException as KeystoreFailure

/** The Keystore's role played by JCE: AES-256 keys in memory, plus whatever other entries the app's Keystore holds. */
class JceKeySource(vararg foreign: String) : DeviceKeySource {
    val keys = ConcurrentHashMap<String, SecretKey>()
    @Volatile var failWith: Exception? = null
    init { foreign.forEach { keys[it] = newKey() } }
    private fun newKey() = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    private fun check() { failWith?.let { throw it } }
    override fun generate(alias: String) { check(); keys[alias] = newKey() }
    override fun find(alias: String): SecretKey? { check(); return keys[alias] }
    override fun delete(alias: String) { check(); keys.remove(alias) }
    override fun aliases(): List<String> { check(); return keys.keys.toList() }
}

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

class KeystoreDeviceKeysTest {
    private val alias = "imwallet.dev.a.0123abcd"

    @Test fun blobFramingAndAliasFiltering() {
        val iv = ByteArray(12) { 1 }
        val sealed = ByteArray(48) { 2 }
        val blob = DeviceKeyBlob.frame(iv, sealed)
        assertEquals(60, blob.size)
        val (i, s) = DeviceKeyBlob.parse(blob)!!
        assertContentEquals(iv, i); assertContentEquals(sealed, s)
        assertNull(DeviceKeyBlob.parse(ByteArray(27)), "shorter than an IV and a tag")
        assertIs<DeviceKeyException.Other>(assertFailsWith<DeviceKeyException> { DeviceKeyBlob.frame(ByteArray(16), sealed) })
        val listed = listOf("imwallet:bio.1", "imwallet.dev.b", "other.lib.key", "imwallet.dev.", "imwallet.dev.a", "imwallet.dev.a")
        assertEquals(listOf("imwallet.dev.a", "imwallet.dev.b"), DeviceKeyAliases.filter(listed))
    }

    @Test fun keystoreFailuresMapToTypedOutcomes() {
        fun map(e: Throwable, sdk: Int = 34) = DeviceKeyErrors.map(e, sdk)
        fun <T : Throwable> T.causedBy(c: Throwable): T = apply { initCause(c) }
        assertIs<DeviceKeyException.WrongKey>(map(AEADBadTagException("mac check in GCM failed")))
        assertIs<DeviceKeyException.WrongKey>(map(KeyPermanentlyInvalidatedException()))
        assertIs<DeviceKeyException.WrongKey>(map(ProviderException("failed", KeyPermanentlyInvalidatedException())))
        assertIs<DeviceKeyException.Unavailable>(map(UserNotAuthenticatedException()))
        assertIs<DeviceKeyException.Unavailable>(map(IllegalBlockSizeException()), "doFinal refused while locked")
        // Keystore2's own codes (API 33+), wherever they sit in the cause chain.
        assertIs<DeviceKeyException.NotFound>(map(ProviderException("op", KeystoreFailure(7, "KEY_NOT_FOUND"))))
        assertIs<DeviceKeyException.WrongKey>(map(KeystoreFailure(8, "VALUE_CORRUPTED")))
        assertIs<DeviceKeyException.Unavailable>(map(IllegalBlockSizeException().causedBy(KeystoreFailure(2, "LOCKED"))))
        assertIs<DeviceKeyException.Unavailable>(map(KeystoreFailure(3, "UNINITIALIZED")))
        assertIs<DeviceKeyException.Unavailable>(map(KeystoreFailure(-28, "busy")), "transient: retry")
        assertIs<DeviceKeyException.Other>(map(KeystoreFailure(-30, "unsupported")))
        // Before API 33 the class is never touched; the wrapper decides, and never says "lost".
        assertIs<DeviceKeyException.Unavailable>(map(ProviderException("op", KeystoreFailure(7, "x")), sdk = 28))
        assertIs<DeviceKeyException.Unavailable>(map(java.security.KeyStoreException("not loaded")))
        assertIs<DeviceKeyException.Unavailable>(map(UnrecoverableKeyException("locked")))
        val other = map(IllegalStateException("boom"))
        assertIs<DeviceKeyException.Other>(other)
        assertEquals("IllegalStateException: boom", other.reason)
        val typed = DeviceKeyException.NotFound()
        assertTrue(map(typed) === typed)
    }

    @Test fun strongBoxFallsBackOnlyWhenMissing() {
        val calls = mutableListOf<Boolean>()
        assertTrue(StrongBoxFallback.generate(true) { calls += it })
        assertEquals(listOf(true), calls)
        calls.clear()
        assertFalse(StrongBoxFallback.generate(true) { calls += it; if (it) throw StrongBoxUnavailableException() })
        assertEquals(listOf(true, false), calls)
        calls.clear()
        assertFalse(StrongBoxFallback.generate(false) { calls += it })
        assertEquals(listOf(false), calls)
        // Any other StrongBox failure is not papered over with a weaker key.
        assertFailsWith<ProviderException> { StrongBoxFallback.generate(true) { if (it) throw ProviderException("busy") } }
    }

    @Test fun wrapUnwrapAndTypedOutcomes() {
        val source = JceKeySource("imwallet:bio.x", "some.other.key")
        val keys = KeystoreDeviceKeys(source) { 34 }
        assertFailsWith<DeviceKeyException.NotFound> { keys.wrap(alias, ByteArray(32)) }
        keys.createKey(alias)
        val secret = ByteArray(32) { (it * 7).toByte() }
        val input = secret.copyOf()
        val blob = keys.wrap(alias, input)
        assertTrue(input.all { it == 0.toByte() }, "the plaintext handed in is wiped")
        assertEquals(12 + 32 + 16, blob.size)
        assertContentEquals(secret, keys.unwrap(alias, blob))
        assertFalse(keys.wrap(alias, secret.copyOf()).contentEquals(blob), "a fresh IV every time")
        blob[blob.size - 1] = (blob[blob.size - 1].toInt() xor 1).toByte()
        assertFailsWith<DeviceKeyException.WrongKey> { keys.unwrap(alias, blob) }
        assertFailsWith<DeviceKeyException.WrongKey> { keys.unwrap(alias, ByteArray(20)) }
        val other = "imwallet.dev.a.other"
        keys.createKey(other)
        val good = keys.wrap(alias, secret.copyOf())
        assertFailsWith<DeviceKeyException.WrongKey> { keys.unwrap(other, good) }  // the alias is the associated data
        assertEquals(listOf(alias, other), keys.list(), "only the app's device keys")
        assertFailsWith<DeviceKeyException.Other> { keys.createKey("imwallet:bio.y") }
        keys.deleteKey(other)
        keys.deleteKey(other)  // a missing key is not an error
        assertFailsWith<DeviceKeyException.NotFound> { keys.unwrap(other, good) }
        source.failWith = UnrecoverableKeyException("keystore locked")
        assertFailsWith<DeviceKeyException.Unavailable> { keys.unwrap(alias, good) }
        source.failWith = IllegalStateException("vendor bug")
        assertFailsWith<DeviceKeyException.Other> { keys.list() }
        source.failWith = null
        assertContentEquals(secret, keys.unwrap(alias, good))
    }

    @Test fun walletSessionOpensBoundToThisPhone() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("imwallet-android-device")
        val config = CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never)
        val phone = KeystoreDeviceKeys(JceKeySource()) { 34 }
        var opened = WalletSession.open(config, deviceKeys = phone)
        assertIs<SessionState.NoAccount>(opened.session.state.value)
        opened.core.createAccount("Ann", PW, 12u, Language.ENGLISH)
        assertIs<SessionState.Unlocked>(opened.session.state.value)
        assertTrue(phone.list().size >= 2, "the device scope and the wallet's key")
        opened.core.close()
        assertFailsWith<WalletException.DeviceKeyUnavailable> { WalletCore(config, null, null, null) }
        assertFailsWith<WalletException.DeviceKeyLost> { WalletSession.open(config, deviceKeys = KeystoreDeviceKeys(JceKeySource()) { 34 }) }
        opened = WalletSession.open(config, deviceKeys = phone)
        assertIs<SessionState.Locked>(opened.session.state.value)
        assertIs<SessionState.Unlocked>(opened.core.unlock(PW))
        opened.core.close()
        dir.toFile().deleteRecursively()
    }
}

fun main() {
    val r = JUnitCore.runClasses(AndroidGlueTest::class.java, KeystoreDeviceKeysTest::class.java)
    r.failures.forEach { println("FAIL ${it.testHeader}: ${it.trace}") }
    println("android-glue: ${r.runCount - r.failureCount} passed, ${r.failureCount} failed")
    exitProcess(if (r.wasSuccessful() && r.runCount > 0) 0 else 1)
}
