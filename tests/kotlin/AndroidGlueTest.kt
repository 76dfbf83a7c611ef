// The Android glue (android/src/main/kotlin) compiled against Robolectric's android-all jar;
// its platform-neutral parts run here on the JVM: BiometricPrompt error mapping, the
// prompt bridge (completion, timeout, main-thread refusal), the device-credential bridge behind
// the DeviceOwnerCheck hook, the StateFlow session wrapper driven by a real WalletCore, and the
// Keystore device keys (blob framing, alias filtering, error mapping, StrongBox fallback, and the
// real KeystoreDeviceKeys class on a JCE key source in place of the AndroidKeyStore provider), and
// the FIDO2 security key (WebAuthn JSON, response parsing, Credential Manager error mapping, the
// wait, and Fido2HardwareKey end to end on an emulated authenticator behind the CredentialBridge),
// the app-verified second factor (BackendAppCodeVerifier: error mapping, the bounded wait off
// the main thread, the typed code wiped, end to end against the real core), and the environment
// probe (network classification, root/emulator/debugger signals, a throwing source read as
// unknown by a real core).
import android.hardware.biometrics.BiometricPrompt
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import io.imwallet.*
import android.net.wifi.WifiInfo
import io.imwallet.android.AndroidBootClock
import io.imwallet.android.BackendAppCodeVerifier
import io.imwallet.android.VerificationCodeBackend
import io.imwallet.android.AndroidEnvironmentProbe
import io.imwallet.android.BuildFacts
import io.imwallet.android.EmulatorSignals
import io.imwallet.android.NetworkClassifier
import io.imwallet.android.NetworkFacts
import io.imwallet.android.RootSignals
import io.imwallet.android.TracerPid
import io.imwallet.android.BiometricErrors
import io.imwallet.android.CredentialBridge
import io.imwallet.android.CredentialIdStore
import io.imwallet.android.CredentialOutcome
import io.imwallet.android.CredentialReply
import io.imwallet.android.CredentialWait
import io.imwallet.android.Fido2Errors
import io.imwallet.android.Fido2HardwareKey
import io.imwallet.android.RelyingParty
import io.imwallet.android.SharedPreferencesCredentialIds
import io.imwallet.android.WebAuthnJson
import io.imwallet.android.DeviceCredentialBridge
import io.imwallet.android.DappConnections
import io.imwallet.android.DappTarget
import io.imwallet.android.WALLET_CLIP_LABEL
import io.imwallet.android.isWalletClip
import io.imwallet.android.DeviceKeyAliases
import io.imwallet.android.DeviceKeyBlob
import io.imwallet.android.DeviceKeyErrors
import io.imwallet.android.DeviceKeySource
import io.imwallet.android.KeystoreDeviceKeys
import io.imwallet.android.PromptBridge
import io.imwallet.android.StrongBoxFallback
import io.imwallet.android.WalletSession
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.Test
import org.junit.runner.JUnitCore
import java.nio.file.Files
import kotlin.concurrent.thread
import kotlin.system.exitProcess
import java.security.ProviderException
import java.security.UnrecoverableKeyException
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import javax.crypto.AEADBadTagException
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
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
        assertIs<SessionState.Unlocked>(core.unlock(PW).state)
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

class DappGlueTest {
    private fun rev(id: String, origin: String) = Revocation(id, "acct", origin, "Dapp", "logout")

    @Test fun revocationsGoToWalletConnectOrTheBrowser() {
        assertEquals(DappTarget.WalletConnect("7f3a"), DappTarget.of(rev("7f3a", "https://app.uniswap.org")))
        assertEquals(DappTarget.Browser("https://opensea.io"), DappTarget.of(rev("https://opensea.io", "https://opensea.io")))
        val topics = mutableListOf<String>()
        val origins = mutableListOf<String>()
        val hook = DappConnections({ topics.add(it) }, {}, { origins.add(it) })
        hook.disconnect(rev("7f3a", "https://app.uniswap.org"))
        hook.disconnect(rev("https://opensea.io", "https://opensea.io"))
        assertEquals(listOf("7f3a"), topics)
        assertEquals(listOf("https://opensea.io"), origins)
        val failing = DappConnections({ throw IllegalStateException("not initialized") }, {}, {})
        assertFailsWith<WalletException.HookFailed> { failing.disconnect(rev("t", "https://x")) }
    }

    @Test fun onlyTheWalletsClipIsCleared() {
        assertTrue(isWalletClip(WALLET_CLIP_LABEL, true))
        assertFalse(isWalletClip("notes", true))
        assertTrue(isWalletClip(null, false), "unreadable in the background: cleared")
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
        assertIs<SessionState.Unlocked>(opened.core.unlock(PW).state)
        opened.core.close()
        dir.toFile().deleteRecursively()
    }
}

/** Base64url as the WebAuthn JSON forms use it (no padding). */
fun b64(bytes: ByteArray): String = WebAuthnJson.encode(bytes)

fun randomBytes(n: Int) = ByteArray(n).also { java.security.SecureRandom().nextBytes(it) }

/**
 * Credential Manager and a FIDO2 security key with `hmac-secret`, behind the bridge the Activity
 * implements: it reads the request JSON like the platform does and answers on another thread.
 * PRF = HMAC-SHA256(credential secret, SHA-256("WebAuthn PRF" ‖ 0x00 ‖ salt)), the WebAuthn
 * salt hashing. `script` replaces the next answers; `silent` never answers; `swapKey` plays
 * another key that answers for the same credential id with another secret.
 */
class EmulatedSecurityKey(private val rpId: String) : CredentialBridge {
    private val credentials = ConcurrentHashMap<String, ByteArray>()
    val requests: MutableList<JSONObject> = Collections.synchronizedList(mutableListOf())
    val script: MutableList<CredentialOutcome> = Collections.synchronizedList(mutableListOf())
    @Volatile var silent = false
    @Volatile var prfSupported = true
    @Volatile var cancels = 0

    private fun answer(reply: CredentialReply, outcome: () -> CredentialOutcome) {
        if (silent) return
        thread { Thread.sleep(5); reply.complete(if (script.isNotEmpty()) script.removeAt(0) else outcome()) }
    }

    override fun create(requestJson: String, reply: CredentialReply) {
        val req = JSONObject(requestJson).also { requests += it }
        answer(reply) {
            if (req.getJSONObject("rp").getString("id") != rpId) return@answer CredentialOutcome.Failure("x/androidx.credentials.TYPE_SECURITY_ERROR", "rp")
            val id = randomBytes(16)
            credentials[b64(id)] = randomBytes(32)
            val ext = JSONObject().put("prf", JSONObject().put("enabled", prfSupported))
            CredentialOutcome.Response(JSONObject().put("id", b64(id)).put("rawId", b64(id)).put("type", "public-key")
                .put("authenticatorAttachment", "cross-platform")
                .put("response", JSONObject().put("clientDataJSON", "e30").put("attestationObject", "o2NmbXRkbm9uZQ"))
                .put("clientExtensionResults", ext).toString())
        }
    }

    override fun get(requestJson: String, reply: CredentialReply) {
        val req = JSONObject(requestJson).also { requests += it }
        answer(reply) {
            val id = req.getJSONArray("allowCredentials").getJSONObject(0).getString("id")
            val secret = credentials[id]
                ?: return@answer CredentialOutcome.Failure("androidx.credentials.TYPE_GET_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION/androidx.credentials.TYPE_NOT_ALLOWED_ERROR", "no matching credential")
            val ext = JSONObject()
            if (prfSupported) {
                val salt = WebAuthnJson.decode(req.getJSONObject("extensions").getJSONObject("prf").getJSONObject("eval").getString("first"))!!
                val hashed = java.security.MessageDigest.getInstance("SHA-256").digest("WebAuthn PRF".toByteArray() + byteArrayOf(0) + salt)
                val out = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(secret, "HmacSHA256")) }.doFinal(hashed)
                ext.put("prf", JSONObject().put("results", JSONObject().put("first", b64(out))))
            }
            CredentialOutcome.Response(JSONObject().put("id", id).put("rawId", id).put("type", "public-key")
                .put("response", JSONObject().put("clientDataJSON", "e30").put("authenticatorData", "AA").put("signature", "AA"))
                .put("clientExtensionResults", ext).toString())
        }
    }

    override fun cancel() { cancels++ }

    fun swapKey() { credentials.replaceAll { _, _ -> randomBytes(32) } }
    fun forgetCredentials() { credentials.clear() }
}

class MemoryCredentialIds : CredentialIdStore {
    val ids = ConcurrentHashMap<String, ByteArray>()
    override fun get(accountId: String) = ids[accountId]?.copyOf()
    override fun put(accountId: String, credentialId: ByteArray) { ids[accountId] = credentialId.copyOf() }
    override fun remove(accountId: String) { ids.remove(accountId) }
}

/** The smallest SharedPreferences: strings only, `commit` answers `commits`. */
class MemoryPrefs(@Volatile var commits: Boolean = true) : android.content.SharedPreferences {
    val map = ConcurrentHashMap<String, String>()
    override fun getAll(): Map<String, *> = map.toMap()
    override fun getString(key: String, defValue: String?) = map[key] ?: defValue
    override fun getStringSet(key: String, defValues: Set<String>?) = defValues
    override fun getInt(key: String, defValue: Int) = defValue
    override fun getLong(key: String, defValue: Long) = defValue
    override fun getFloat(key: String, defValue: Float) = defValue
    override fun getBoolean(key: String, defValue: Boolean) = defValue
    override fun contains(key: String) = map.containsKey(key)
    override fun registerOnSharedPreferenceChangeListener(l: android.content.SharedPreferences.OnSharedPreferenceChangeListener?) {}
    override fun unregisterOnSharedPreferenceChangeListener(l: android.content.SharedPreferences.OnSharedPreferenceChangeListener?) {}
    override fun edit(): android.content.SharedPreferences.Editor = object : android.content.SharedPreferences.Editor {
        val puts = mutableMapOf<String, String?>()
        override fun putString(key: String, value: String?) = apply { puts[key] = value }
        override fun putStringSet(key: String, values: Set<String>?) = this
        override fun putInt(key: String, value: Int) = this
        override fun putLong(key: String, value: Long) = this
        override fun putFloat(key: String, value: Float) = this
        override fun putBoolean(key: String, value: Boolean) = this
        override fun remove(key: String) = apply { puts[key] = null }
        override fun clear() = this
        override fun commit(): Boolean {
            if (!commits) return false
            puts.forEach { (k, v) -> if (v == null) map.remove(k) else map[k] = v }
            return true
        }
        override fun apply() { commit() }
    }
}

class Fido2HardwareKeyTest {
    private val rp = RelyingParty("wallet.example.com", "imwallet")
    private val domPrefix = "androidx.credentials.TYPE_GET_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION/androidx.credentials."

    @Test fun creationOptionsAskASecurityKeyForAPrfCredential() {
        val challenge = randomBytes(32)
        val o = JSONObject(WebAuthnJson.creationOptions(rp, "acc-1234", "Hana", challenge, 120_000))
        assertContentEquals(challenge, WebAuthnJson.decode(o.getString("challenge")))
        assertEquals("wallet.example.com", o.getJSONObject("rp").getString("id"))
        assertEquals("imwallet", o.getJSONObject("rp").getString("name"))
        val user = o.getJSONObject("user")
        assertContentEquals("acc-1234".toByteArray(), WebAuthnJson.decode(user.getString("id")), "user id = the account id's bytes")
        assertEquals("Hana", user.getString("name"))
        assertEquals("Hana", user.getString("displayName"))
        val sel = o.getJSONObject("authenticatorSelection")
        assertEquals("cross-platform", sel.getString("authenticatorAttachment"))
        assertEquals("discouraged", sel.getString("residentKey"))
        assertFalse(sel.getBoolean("requireResidentKey"))
        assertEquals("discouraged", sel.getString("userVerification"))
        assertEquals(0, o.getJSONObject("extensions").getJSONObject("prf").length(), "prf: {}")
        val algs = o.getJSONArray("pubKeyCredParams")
        assertEquals(listOf(-7, -8, -257), (0 until algs.length()).map { algs.getJSONObject(it).getInt("alg") })
        assertEquals(120_000L, o.getLong("timeout"))
        assertEquals("none", o.getString("attestation"))
        assertFalse('=' in o.getString("challenge") || '+' in o.getString("challenge") || '/' in o.getString("challenge"), "base64url, unpadded")
    }

    @Test fun requestOptionsEvaluateThePrfOfTheAccountsCredential() {
        val id = randomBytes(40)
        val salt = ByteArray(32) { (it * 9).toByte() }
        val o = JSONObject(WebAuthnJson.requestOptions("wallet.example.com", id, salt, randomBytes(32), 60_000))
        assertEquals("wallet.example.com", o.getString("rpId"))
        val allow = o.getJSONArray("allowCredentials")
        assertEquals(1, allow.length())
        assertEquals("public-key", allow.getJSONObject(0).getString("type"))
        assertContentEquals(id, WebAuthnJson.decode(allow.getJSONObject(0).getString("id")))
        assertEquals(b64(salt), o.getJSONObject("extensions").getJSONObject("prf").getJSONObject("eval").getString("first"))
        assertEquals("discouraged", o.getString("userVerification"), "the same UV as at enrollment, always")
        assertEquals(60_000L, o.getLong("timeout"))
    }

    private fun registration(id: String? = "AQID", enabled: Boolean? = true, attachment: String = "cross-platform"): String {
        val o = JSONObject().put("type", "public-key").put("authenticatorAttachment", attachment)
        if (id != null) o.put("id", id).put("rawId", id)
        val ext = JSONObject()
        if (enabled != null) ext.put("prf", JSONObject().put("enabled", enabled))
        return o.put("clientExtensionResults", ext).toString()
    }

    private fun assertion(id: String = "AQID", first: String? = b64(ByteArray(32) { 5 })): String {
        val prf = if (first == null) JSONObject() else JSONObject().put("prf", JSONObject().put("results", JSONObject().put("first", first)))
        return JSONObject().put("id", id).put("rawId", id).put("clientExtensionResults", prf).toString()
    }

    private inline fun <reified T : HardwareKeyException> fails(block: () -> Unit): T = assertFailsWith<T> { block() }

    @Test fun responsesAreParsedStrictly() {
        assertContentEquals(byteArrayOf(1, 2, 3), WebAuthnJson.registeredCredentialId(registration()))
        assertContentEquals(byteArrayOf(1, 2, 3), WebAuthnJson.registeredCredentialId(registration(enabled = null)), "no PRF report: checked by the first prf call")
        assertContentEquals(byteArrayOf(1, 2, 3), WebAuthnJson.registeredCredentialId(JSONObject().put("id", "AQID").toString()), "id when rawId is missing")
        assertTrue("PRF" in fails<HardwareKeyException.Other> { WebAuthnJson.registeredCredentialId(registration(enabled = false)) }.reason)
        assertTrue("security key" in fails<HardwareKeyException.Other> { WebAuthnJson.registeredCredentialId(registration(attachment = "platform")) }.reason)
        fails<HardwareKeyException.Other> { WebAuthnJson.registeredCredentialId(registration(id = null)) }
        fails<HardwareKeyException.Other> { WebAuthnJson.registeredCredentialId(registration(id = "not base64!")) }
        assertTrue("malformed" in fails<HardwareKeyException.Other> { WebAuthnJson.registeredCredentialId("{not json") }.reason)

        val id = byteArrayOf(1, 2, 3)
        assertContentEquals(ByteArray(32) { 5 }, WebAuthnJson.prfOutput(assertion(), id))
        assertTrue("PRF" in fails<HardwareKeyException.Other> { WebAuthnJson.prfOutput(assertion(first = null), id) }.reason)
        assertTrue("31 bytes" in fails<HardwareKeyException.Other> { WebAuthnJson.prfOutput(assertion(first = b64(ByteArray(31))), id) }.reason)
        assertTrue("64 bytes" in fails<HardwareKeyException.Other> { WebAuthnJson.prfOutput(assertion(first = b64(ByteArray(64))), id) }.reason)
        fails<HardwareKeyException.Other> { WebAuthnJson.prfOutput(assertion(first = "***"), id) }
        assertTrue("another credential" in fails<HardwareKeyException.Other> { WebAuthnJson.prfOutput(assertion(id = "BAUG"), id) }.reason)
        fails<HardwareKeyException.Other> { WebAuthnJson.prfOutput("[]", id) }
        // Padded base64url is accepted too.
        assertContentEquals(byteArrayOf(1, 2), WebAuthnJson.decode("AQI="))
    }

    @Test fun credentialManagerErrorsMapToTypedOutcomes() {
        fun map(type: String, msg: String? = null) = Fido2Errors.map(type, msg)
        // The framework's own constants (API 34) and their androidx twins.
        assertIs<HardwareKeyException.Cancelled>(map(android.credentials.CreateCredentialException.TYPE_USER_CANCELED))
        assertIs<HardwareKeyException.Cancelled>(map(android.credentials.GetCredentialException.TYPE_USER_CANCELED))
        assertIs<HardwareKeyException.NotPresent>(map(android.credentials.GetCredentialException.TYPE_NO_CREDENTIAL))
        assertIs<HardwareKeyException.NotPresent>(map(android.credentials.GetCredentialException.TYPE_INTERRUPTED))
        assertIs<HardwareKeyException.Other>(map(android.credentials.CreateCredentialException.TYPE_NO_CREATE_OPTIONS))
        // WebAuthn DOM errors.
        assertIs<HardwareKeyException.NotPresent>(map(domPrefix + "TYPE_NOT_ALLOWED_ERROR", "timed out or no key"))
        assertIs<HardwareKeyException.NotPresent>(map(domPrefix + "TYPE_TIMEOUT_ERROR"))
        assertIs<HardwareKeyException.Cancelled>(map(domPrefix + "TYPE_ABORT_ERROR"))
        assertEquals(WebAuthnJson.PRF_UNSUPPORTED, (map(domPrefix + "TYPE_NOT_SUPPORTED_ERROR") as HardwareKeyException.Other).reason)
        assertTrue("Digital Asset Links" in (map(domPrefix + "TYPE_SECURITY_ERROR", "rp id") as HardwareKeyException.Other).reason)
        assertIs<HardwareKeyException.Other>(map("androidx.credentials.TYPE_CREATE_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION/androidx.credentials.TYPE_INVALID_STATE_ERROR"))
        assertTrue("Google Play" in (map("androidx.credentials.TYPE_GET_CREDENTIAL_PROVIDER_CONFIGURATION_EXCEPTION") as HardwareKeyException.Other).reason)
        val unknown = map("com.vendor.WEIRD", "x".repeat(1000)) as HardwareKeyException.Other
        assertTrue("WEIRD" in unknown.reason && unknown.reason.length < 300, "short and says what it was")
        assertIs<HardwareKeyException.NotPresent>(map(CredentialWait.TIMED_OUT), "our own wait timing out")
    }

    @Test fun theWaitIsBoundedTypedAndOffTheMainThread() {
        val wait = CredentialWait({ false }, 1)
        val ok = wait.await({ r -> thread { Thread.sleep(20); r.complete(CredentialOutcome.Response("{}")); r.complete(CredentialOutcome.Failure("late", null)) } })
        assertIs<CredentialOutcome.Response>(ok, "first answer wins")
        var cancelled = false
        val late = wait.await({ }, { cancelled = true })
        assertIs<CredentialOutcome.Failure>(late)
        assertIs<HardwareKeyException.NotPresent>(Fido2Errors.map(late.type, late.message))
        assertTrue(cancelled, "the screen is dismissed after the timeout")
        assertTrue("IllegalStateException" in assertFailsWith<HardwareKeyException.Other> { wait.await({ throw IllegalStateException("no activity") }) }.reason)
        assertFailsWith<HardwareKeyException.Other> { CredentialWait({ true }, 1).await({ it.complete(CredentialOutcome.Response("{}")) }) }
    }

    @Test fun credentialIdsPersistInSharedPreferences() {
        val prefs = MemoryPrefs()
        val store = SharedPreferencesCredentialIds(prefs)
        assertNull(store.get("a"))
        val id = randomBytes(48)
        store.put("a", id)
        assertContentEquals(id, store.get("a"))
        assertEquals(b64(id), prefs.map["credential.a"], "base64url text, no secret in it")
        store.remove("a")
        assertNull(store.get("a"))
        prefs.commits = false
        assertFailsWith<HardwareKeyException.Other> { store.put("b", id) }
    }

    @Test fun fido2HardwareKeyEndToEndWithTheRealCore() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("imwallet-android-fido2")
        val config = CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never)
        val phone = KeystoreDeviceKeys(JceKeySource()) { 34 }
        val authenticator = EmulatedSecurityKey(rp.id)
        val ids = MemoryCredentialIds()
        val key = Fido2HardwareKey(rp, authenticator, ids, timeoutSeconds = 30, isMainThread = { false })
        var opened = WalletSession.open(config, deviceKeys = phone, hardwareKey = key)
        val core = opened.core
        val account = core.createAccount("Hana", PW, 12u, Language.ENGLISH).account
        core.enableHardwareKey(PW)
        assertTrue(core.accounts().single().hardwareKeyEnabled)
        val registered = ids.get(account.id)!!
        assertEquals(authenticator.requests.first().getJSONObject("user").getString("id"), b64(account.id.toByteArray()))
        core.lock()
        assertIs<SessionState.Unlocked>(core.unlock(PW).state)
        assertEquals(b64(registered), authenticator.requests.last().getJSONArray("allowCredentials").getJSONObject(0).getString("id"))
        core.lock()
        // The user dismisses the sheet: typed, nothing opens.
        authenticator.script += CredentialOutcome.Failure(android.credentials.GetCredentialException.TYPE_USER_CANCELED, null)
        assertFailsWith<WalletException.HardwareKeyCancelled> { core.unlock(PW) }
        assertIs<SessionState.Locked>(opened.session.state.value)
        // Another key that does not know the credential: the platform finds none.
        authenticator.script += CredentialOutcome.Failure(domPrefix + "TYPE_NOT_ALLOWED_ERROR", "no credential")
        assertFailsWith<WalletException.HardwareKeyUnavailable> { core.unlock(PW) }
        // A key that answers with another secret: a wrong password, counted.
        val before = assertFailsWith<WalletException.InvalidCredentials> { core.unlock(PW2) }.attemptsLeft
        authenticator.swapKey()
        assertEquals(before - 1u, assertFailsWith<WalletException.InvalidCredentials> { core.unlock(PW) }.attemptsLeft)
        assertIs<SessionState.Locked>(core.state())
        core.close()
        // The credential id is gone (app data cleared): a clear reason, and the phrase is the way back.
        ids.ids.clear()
        opened = WalletSession.open(config, deviceKeys = phone, hardwareKey = key)
        val e = assertFailsWith<WalletException.HardwareKeyUnavailable> { opened.core.unlock(PW) }
        assertTrue("no security key is registered" in e.reason)
        opened.core.close()
        dir.toFile().deleteRecursively()
    }

    @Test fun enrollingAKeyWithoutPrfIsRefusedAndNothingTurnsOn() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("imwallet-android-fido2-noprf")
        val authenticator = EmulatedSecurityKey(rp.id).apply { prfSupported = false }
        val key = Fido2HardwareKey(rp, authenticator, MemoryCredentialIds(), isMainThread = { false })
        val opened = WalletSession.open(CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never),
            deviceKeys = KeystoreDeviceKeys(JceKeySource()) { 34 }, hardwareKey = key)
        opened.core.createAccount("Ivo", PW, 12u, Language.ENGLISH)
        val e = assertFailsWith<WalletException.HardwareKeyUnavailable> { opened.core.enableHardwareKey(PW) }
        assertTrue("PRF" in e.reason)
        assertFalse(opened.core.accounts().single().hardwareKeyEnabled)
        // A rp id the platform refuses: a clear reason too.
        val wrongRp = Fido2HardwareKey(RelyingParty("other.example", "x"), authenticator, MemoryCredentialIds(), isMainThread = { false })
        assertTrue("Digital Asset Links" in assertFailsWith<HardwareKeyException.Other> { wrongRp.enroll("a", "A") }.reason)
        opened.core.close()
        dir.toFile().deleteRecursively()
    }
}

class BackendAppCodeVerifierTest {
    /** The app's server behind its client: codes per account, used up when accepted. */
    class Backend : VerificationCodeBackend {
        val codes = java.util.concurrent.ConcurrentHashMap<String, String>()
        var fail: Exception? = null
        var hang = false
        val seen = java.util.Collections.synchronizedList(mutableListOf<ByteArray>())
        override fun verifyCode(accountId: String, code: ByteArray): Boolean {
            seen += code
            fail?.let { throw it }
            if (hang) Thread.sleep(10_000)
            return codes.remove(accountId, String(code, Charsets.UTF_8))
        }
    }

    @Test fun answersAndFailuresAreTyped() {
        val backend = Backend()
        val v = BackendAppCodeVerifier(backend, timeoutSeconds = 1, isMainThread = { false })
        backend.codes["a"] = "1234"
        val typed = "1234".toByteArray()
        assertTrue(v.verifyCode("a", typed))
        assertTrue(typed.all { it == 0.toByte() }, "the typed code is wiped")
        assertTrue(backend.seen.last().all { it == 0.toByte() }, "so is the backend's copy, once it returned")
        assertFalse(v.verifyCode("a", "1234".toByteArray()), "used up")
        backend.fail = java.net.UnknownHostException("api.example")
        assertFailsWith<AppCodeException.Unavailable> { v.verifyCode("a", "1".toByteArray()) }
        backend.fail = java.net.SocketTimeoutException()
        assertFailsWith<AppCodeException.Unavailable> { v.verifyCode("a", "1".toByteArray()) }
        backend.fail = IllegalStateException("bug")
        val other = assertFailsWith<AppCodeException.Other> { v.verifyCode("a", "1".toByteArray()) }
        assertFalse("bug" in other.reason, "a host message is not passed on")
        backend.fail = null
        backend.hang = true
        val t0 = System.nanoTime()
        assertFailsWith<AppCodeException.Unavailable> { v.verifyCode("a", "1".toByteArray()) }
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "bounded by the timeout")
        val main = BackendAppCodeVerifier(backend, isMainThread = { true })
        assertFailsWith<AppCodeException.Other> { main.verifyCode("a", "1".toByteArray()) }
    }

    @Test fun endToEndWithTheRealCore() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("imwallet-android-appcode")
        val backend = Backend()
        val verifier = BackendAppCodeVerifier(backend, timeoutSeconds = 5, isMainThread = { false })
        val opened = WalletSession.open(
            CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never),
            deviceKeys = KeystoreDeviceKeys(JceKeySource()) { 34 },
            appCodeVerifier = verifier,
        )
        val core = opened.core
        val id = core.createAccount("Hal", PW, 12u, Language.ENGLISH).account.id
        backend.codes[id] = "481516"
        val codes = core.enableAppVerifiedFactor(PW, "481516".toByteArray())
        assertEquals(SecondFactorMethod.APP_VERIFIED, core.accounts().single().secondFactor)
        core.logout(core.prepareLogout(LogoutOptions(false, true, false)).token, LogoutConfirmation(null, null, false))
        assertFailsWith<WalletException.InvalidCredentials> { core.login("Hal", PW) }
        backend.codes[id] = "2342"
        assertIs<SessionState.Unlocked>(core.login("Hal", PW, SecondFactor.AppVerified("2342".toByteArray())).state)
        assertIs<SessionState.Unlocked>(opened.session.state.value)
        core.logout(core.prepareLogout(LogoutOptions(false, true, false)).token, LogoutConfirmation(null, null, false))
        backend.fail = java.io.IOException("offline")
        assertFailsWith<WalletException.SecondFactorUnavailable> { core.login("Hal", PW, SecondFactor.AppVerified("1".toByteArray())) }
        backend.fail = null
        assertIs<SessionState.Unlocked>(core.login("Hal", PW, SecondFactor.RecoveryCode(codes.codes[0])).state)
        core.close()
        dir.toFile().deleteRecursively()
    }
}

/** The environment probe's platform-neutral parts, and the probe driving a real core. */
class AndroidEnvironmentProbeTest {
    @Test fun networkCapabilitiesMapToTheNetworkKind() {
        fun wifi(type: Int?, portal: Boolean = false) = NetworkFacts(connected = true, wifi = true, captivePortal = portal, wifiSecurityType = type)
        assertEquals(NetworkKind.UNKNOWN, NetworkClassifier.classify(null))
        assertEquals(NetworkKind.OFFLINE, NetworkClassifier.classify(NetworkFacts(connected = false)))
        assertEquals(NetworkKind.VPN, NetworkClassifier.classify(NetworkFacts(connected = true, vpn = true, wifi = true, wifiSecurityType = WifiInfo.SECURITY_TYPE_OPEN)))
        assertEquals(NetworkKind.CELLULAR, NetworkClassifier.classify(NetworkFacts(connected = true, cellular = true)))
        assertEquals(NetworkKind.PUBLIC_WIFI, NetworkClassifier.classify(wifi(WifiInfo.SECURITY_TYPE_OPEN)))
        assertEquals(NetworkKind.PUBLIC_WIFI, NetworkClassifier.classify(wifi(WifiInfo.SECURITY_TYPE_OWE)))
        assertEquals(NetworkKind.PUBLIC_WIFI, NetworkClassifier.classify(wifi(WifiInfo.SECURITY_TYPE_WEP)))
        assertEquals(NetworkKind.PUBLIC_WIFI, NetworkClassifier.classify(wifi(WifiInfo.SECURITY_TYPE_SAE, portal = true)), "a captive portal is a hotspot")
        assertEquals(NetworkKind.PRIVATE_WIFI, NetworkClassifier.classify(wifi(WifiInfo.SECURITY_TYPE_PSK)))
        assertEquals(NetworkKind.PRIVATE_WIFI, NetworkClassifier.classify(wifi(WifiInfo.SECURITY_TYPE_SAE)))
        assertEquals(NetworkKind.WIFI_SECURITY_UNKNOWN, NetworkClassifier.classify(wifi(null)), "API < 31")
        assertEquals(NetworkKind.WIFI_SECURITY_UNKNOWN, NetworkClassifier.classify(wifi(WifiInfo.SECURITY_TYPE_UNKNOWN)))
        assertEquals(NetworkKind.UNKNOWN, NetworkClassifier.classify(NetworkFacts(connected = true)), "ethernet, bluetooth: cannot tell")
    }

    @Test fun rootEmulatorAndDebuggerSignals() {
        assertTrue(RootSignals.rooted("release-keys,test-keys", { false }, { false }))
        assertTrue(RootSignals.rooted("release-keys", { it == "/system/xbin/su" }, { false }))
        assertTrue(RootSignals.rooted(null, { false }, { it == "com.topjohnwu.magisk" }))
        assertFalse(RootSignals.rooted("release-keys", { false }, { false }))
        val pixel = BuildFacts("google/husky/husky:14/UQ1A/1:user/release-keys", "Pixel 8 Pro", "Google", "google", "husky", "husky", "husky")
        assertFalse(EmulatorSignals.emulator(pixel))
        assertTrue(EmulatorSignals.emulator(pixel.copy(fingerprint = "google/sdk_gphone64_x86_64/emu64xa:14/UE1A/1:userdebug/dev-keys", product = "sdk_gphone64_x86_64", hardware = "ranchu")))
        assertTrue(EmulatorSignals.emulator(pixel.copy(manufacturer = "Genymotion")))
        assertEquals(0, TracerPid.of("Name:\tapp\nTracerPid:\t0\n"))
        assertEquals(4242, TracerPid.of("State:\tS\nTracerPid:\t4242\n"))
        assertNull(TracerPid.of("Name: x"))
    }

    @Test fun aThrowingSourceIsUnknownToTheCoreAndPolicyOutcomesApply() = runBlocking<Unit> {
        val dir = Files.createTempDirectory("imwallet-android-env")
        var debugger: () -> Boolean? = { throw SecurityException("no /proc access") }
        var secure: Boolean? = true
        val probe = AndroidEnvironmentProbe(
            { NetworkFacts(connected = true, wifi = true, wifiSecurityType = WifiInfo.SECURITY_TYPE_OPEN) },
            { secure }, { false }, { debugger() }, { false },
        )
        val core = WalletCore(CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), probe, null, null)
        core.createAccount("Eli", PW, 12u, Language.ENGLISH)
        val check = core.environmentCheck(SensitiveAction.REVEAL_PHRASE)
        assertEquals(NetworkKind.PUBLIC_WIFI, check.report.network)
        assertNull(check.report.debuggerAttached, "a throwing source is unknown")
        assertTrue(RiskFinding(EnvironmentRisk.DEBUGGER_ATTACHED, false) in check.warnings)
        assertTrue(RiskFinding(EnvironmentRisk.PUBLIC_WIFI, true) in check.warnings)
        assertTrue(check.refusals.isEmpty())
        debugger = { true }
        val e = assertFailsWith<WalletException.EnvironmentRefused> { core.revealPhrase(AuthProof.Password(PW)) }
        assertEquals(EnvironmentRisk.DEBUGGER_ATTACHED, e.risk)
        debugger = { false }
        secure = false
        assertEquals(EnvironmentRisk.NO_SCREEN_LOCK, assertFailsWith<WalletException.EnvironmentRefused> { core.enableBiometricUnlock(PW) }.risk)
        core.close()
        dir.toFile().deleteRecursively()
    }
}

fun main() {
    val r = JUnitCore.runClasses(
        AndroidGlueTest::class.java, DappGlueTest::class.java, KeystoreDeviceKeysTest::class.java, Fido2HardwareKeyTest::class.java,
        BackendAppCodeVerifierTest::class.java, AndroidEnvironmentProbeTest::class.java,
    )
    r.failures.forEach { println("FAIL ${it.testHeader}: ${it.trace}") }
    println("android-glue: ${r.runCount - r.failureCount} passed, ${r.failureCount} failed")
    exitProcess(if (r.wasSuccessful() && r.runCount > 0) 0 else 1)
}
