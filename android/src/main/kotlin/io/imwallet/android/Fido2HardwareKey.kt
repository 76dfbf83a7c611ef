// The Android HardwareKey: a FIDO2 security key's WebAuthn PRF output (CTAP2 `hmac-secret`)
// through Credential Manager. The core calls `enroll` and `prf` from its blocking pool, with no lock
// held; the screen ("touch your security key") must be started from the app's Activity on the main
// thread. So this class builds the WebAuthn JSON, hands it to a [CredentialBridge] the Activity
// implements, waits for the answer (with a timeout), parses it and maps every outcome to a typed
// HardwareKeyException. Calling it on the main thread would deadlock, so it is refused.
//
// androidx.credentials is not on Maven Central, so the bridge is an interface of this module and
// the Activity fulfils it (see [CredentialBridge]). Everything here is platform-neutral apart from
// the SharedPreferences store and the main-thread check, and runs on the JVM
// (tests/kotlin/AndroidGlueTest.kt), including end to end against the real core.
package io.imwallet.android

import android.content.Context
import android.content.SharedPreferences
import android.os.Looper
import android.util.Base64
import io.imwallet.HardwareKey
import io.imwallet.HardwareKeyException
import org.json.JSONArray
import org.json.JSONException
import org.json.JSONObject
import java.security.SecureRandom
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference

/** What the Activity reports for one Credential Manager call. */
sealed class CredentialOutcome {
    /** The platform's answer: `registrationResponseJson` or `authenticationResponseJson`. */
    class Response(val json: String) : CredentialOutcome()

    /** A `CreateCredentialException` / `GetCredentialException`: its `type` and `errorMessage`. */
    class Failure(val type: String, val message: String?) : CredentialOutcome() {
        override fun toString() = "Failure($type)"
    }
}

/** Delivers the outcome of one request. The first delivery wins; later ones are ignored. */
fun interface CredentialReply {
    fun complete(outcome: CredentialOutcome)
}

/**
 * Implemented by the app's Activity (it owns the `CredentialManager` and the screen). Both calls
 * are made on a background thread and must return at once: start the request on the main thread and
 * deliver its outcome through [CredentialReply] (from any thread). With androidx.credentials:
 *
 * ```
 * class WalletActivity : ComponentActivity(), CredentialBridge {
 *     private val credentials by lazy { CredentialManager.create(this) }
 *     private var job: Job? = null
 *
 *     override fun create(requestJson: String, reply: CredentialReply) = runOnUiThread {
 *         job = lifecycleScope.launch {
 *             try {
 *                 val r = credentials.createCredential(this@WalletActivity, CreatePublicKeyCredentialRequest(requestJson))
 *                 reply.complete(CredentialOutcome.Response((r as CreatePublicKeyCredentialResponse).registrationResponseJson))
 *             } catch (e: CreateCredentialException) {
 *                 reply.complete(CredentialOutcome.Failure(e.type, e.errorMessage?.toString()))
 *             }
 *         }
 *     }
 *
 *     override fun get(requestJson: String, reply: CredentialReply) = runOnUiThread {
 *         job = lifecycleScope.launch {
 *             try {
 *                 val r = credentials.getCredential(this@WalletActivity, GetCredentialRequest(listOf(GetPublicKeyCredentialOption(requestJson))))
 *                 val pk = r.credential as? PublicKeyCredential
 *                     ?: return@launch reply.complete(CredentialOutcome.Failure("not-a-public-key-credential", null))
 *                 reply.complete(CredentialOutcome.Response(pk.authenticationResponseJson))
 *             } catch (e: GetCredentialException) {
 *                 reply.complete(CredentialOutcome.Failure(e.type, e.errorMessage?.toString()))
 *             }
 *         }
 *     }
 *
 *     override fun cancel() = runOnUiThread { job?.cancel() }
 * }
 * ```
 *
 * The rp id must be a domain whose `/.well-known/assetlinks.json` lists the app (Digital Asset
 * Links), or Credential Manager refuses with a SecurityError. A bridge that throws, or an Activity
 * that is gone and never answers, ends as a typed error (Other, or NotPresent after the timeout).
 */
interface CredentialBridge {
    /** Starts `CredentialManager.createCredential` with `CreatePublicKeyCredentialRequest(requestJson)`. */
    fun create(requestJson: String, reply: CredentialReply)

    /** Starts `CredentialManager.getCredential` with a `GetPublicKeyCredentialOption(requestJson)`. */
    fun get(requestJson: String, reply: CredentialReply)

    /** Dismisses the pending screen (called when the wait timed out). Optional. */
    fun cancel() {}
}

/**
 * Which credential each account registered: not secret (a credential id is useless without the
 * security key), but needed to ask the key for its PRF. Losing it is as bad as losing the key
 * (the wallet opens only with the recovery phrase then), so keep it next to the data directory.
 */
interface CredentialIdStore {
    fun get(accountId: String): ByteArray?
    fun put(accountId: String, credentialId: ByteArray)
    fun remove(accountId: String)
}

/** [CredentialIdStore] in SharedPreferences (base64url values, written synchronously). */
class SharedPreferencesCredentialIds(private val prefs: SharedPreferences) : CredentialIdStore {
    constructor(context: Context, name: String = FILE) : this(context.getSharedPreferences(name, Context.MODE_PRIVATE))

    private fun key(accountId: String) = "credential.$accountId"

    override fun get(accountId: String): ByteArray? =
        prefs.getString(key(accountId), null)?.let { WebAuthnJson.decode(it) }

    override fun put(accountId: String, credentialId: ByteArray) {
        // commit(), not apply(): the core re-wraps the vault right after enroll returns.
        if (!prefs.edit().putString(key(accountId), WebAuthnJson.encode(credentialId)).commit()) {
            throw HardwareKeyException.Other("could not save the security key's credential id")
        }
    }

    override fun remove(accountId: String) {
        prefs.edit().remove(key(accountId)).commit()
    }

    companion object {
        const val FILE = "imwallet.security_keys"
    }
}

/** The app's relying party: `id` is the domain verified by Digital Asset Links, `name` is shown. */
data class RelyingParty(val id: String, val name: String)

/**
 * The WebAuthn JSON of both requests and the parsing of both answers (the JSON forms that
 * Credential Manager takes and returns; binary fields are base64url without padding).
 *
 * `userVerification` is "discouraged" in both, always: a CTAP2 key holds two PRF secrets, one for
 * calls with user verification (PIN) and one without, so mixing the two would change the output
 * and lock the wallet. Touching the key is the factor; the password is the knowledge factor.
 */
object WebAuthnJson {
    private const val B64 = Base64.URL_SAFE or Base64.NO_PADDING or Base64.NO_WRAP
    private const val USER_VERIFICATION = "discouraged"
    const val PRF_BYTES = 32

    fun encode(bytes: ByteArray): String = Base64.encodeToString(bytes, B64)

    /** Decodes base64url (padding optional); null when it is not base64url. */
    fun decode(text: String): ByteArray? = try {
        if (text.any { !(it.isLetterOrDigit() && it.code < 128) && it != '-' && it != '_' && it != '=' }) null
        else Base64.decode(text, B64)
    } catch (e: IllegalArgumentException) {
        null
    }

    /** `PublicKeyCredentialCreationOptions` for a non-discoverable credential on a security key, with PRF. */
    fun creationOptions(rp: RelyingParty, accountId: String, accountName: String, challenge: ByteArray, timeoutMs: Long): String =
        JSONObject()
            .put("challenge", encode(challenge))
            .put("rp", JSONObject().put("id", rp.id).put("name", rp.name))
            .put("user", JSONObject().put("id", encode(accountId.toByteArray(Charsets.UTF_8))).put("name", accountName).put("displayName", accountName))
            .put("pubKeyCredParams", JSONArray().put(alg(-7)).put(alg(-8)).put(alg(-257)))
            .put("timeout", timeoutMs)
            .put("attestation", "none")
            .put("authenticatorSelection", JSONObject()
                .put("authenticatorAttachment", "cross-platform")
                .put("residentKey", "discouraged")
                .put("requireResidentKey", false)
                .put("userVerification", USER_VERIFICATION))
            .put("hints", JSONArray().put("security-key"))
            .put("extensions", JSONObject().put("prf", JSONObject()))
            .toString()

    private fun alg(id: Int) = JSONObject().put("type", "public-key").put("alg", id)

    /** `PublicKeyCredentialRequestOptions` for the one credential of the account, evaluating PRF at `salt`. */
    fun requestOptions(rpId: String, credentialId: ByteArray, salt: ByteArray, challenge: ByteArray, timeoutMs: Long): String =
        JSONObject()
            .put("challenge", encode(challenge))
            .put("rpId", rpId)
            .put("allowCredentials", JSONArray().put(JSONObject().put("type", "public-key").put("id", encode(credentialId))))
            .put("timeout", timeoutMs)
            .put("userVerification", USER_VERIFICATION)
            .put("hints", JSONArray().put("security-key"))
            .put("extensions", JSONObject().put("prf", JSONObject().put("eval", JSONObject().put("first", encode(salt)))))
            .toString()

    private fun parse(json: String): JSONObject = try {
        JSONObject(json)
    } catch (e: JSONException) {
        throw HardwareKeyException.Other("malformed response from the credential manager")
    }

    private fun credentialId(o: JSONObject): ByteArray {
        val text = o.optString("rawId", "").ifEmpty { o.optString("id", "") }
        val id = decode(text)
        if (id == null || id.isEmpty()) throw HardwareKeyException.Other("malformed response from the credential manager: no credential id")
        return id
    }

    /** The new credential's id, from `registrationResponseJson`. */
    fun registeredCredentialId(json: String): ByteArray {
        val o = parse(json)
        val id = credentialId(o)
        if (o.optString("authenticatorAttachment") == "platform") {
            throw HardwareKeyException.Other("a passkey on this phone was chosen: the wallet needs a separate security key")
        }
        val prf = o.optJSONObject("clientExtensionResults")?.optJSONObject("prf")
        if (prf != null && prf.has("enabled") && !prf.optBoolean("enabled", false)) {
            throw HardwareKeyException.Other(PRF_UNSUPPORTED)
        }
        return id
    }

    /**
     * The 32-byte PRF output from `authenticationResponseJson`, for the credential `expectedId`.
     * The platform hands the output over inside that JSON string, which cannot be wiped: keep the
     * string in no field and never log it; only the returned bytes travel on (to the core).
     */
    fun prfOutput(json: String, expectedId: ByteArray): ByteArray {
        val o = parse(json)
        if (!credentialId(o).contentEquals(expectedId)) {
            throw HardwareKeyException.Other("the credential manager answered with another credential than this account's")
        }
        val first = o.optJSONObject("clientExtensionResults")?.optJSONObject("prf")?.optJSONObject("results")?.optString("first", "")
        if (first.isNullOrEmpty()) throw HardwareKeyException.Other(PRF_UNSUPPORTED)
        val out = decode(first) ?: throw HardwareKeyException.Other("malformed PRF output from the credential manager")
        if (out.size != PRF_BYTES) {
            out.fill(0)
            throw HardwareKeyException.Other("the security key returned a PRF output of ${out.size} bytes, expected $PRF_BYTES")
        }
        return out
    }

    const val PRF_UNSUPPORTED = "this security key (or this phone) does not support the PRF (hmac-secret) extension: use a FIDO2 key that does"
}

/** Maps Credential Manager exception types (androidx and framework) to typed outcomes. */
object Fido2Errors {
    /**
     * `type` is the exception's `type`: e.g. "android.credentials.GetCredentialException.TYPE_USER_CANCELED",
     * or "androidx.credentials.TYPE_GET_PUBLIC_KEY_CREDENTIAL_DOM_EXCEPTION/androidx.credentials.TYPE_NOT_ALLOWED_ERROR".
     * The platform's message is kept short and never holds key material.
     */
    fun map(type: String, message: String?): HardwareKeyException {
        val kind = type.substringAfterLast('/').substringAfterLast('.')
        val detail = message?.take(200)?.let { ": $it" } ?: ""
        return when (kind) {
            "TYPE_USER_CANCELED", "TYPE_ABORT_ERROR" -> HardwareKeyException.Cancelled()
            "TYPE_NO_CREDENTIAL", "TYPE_NOT_ALLOWED_ERROR", "TYPE_TIMEOUT_ERROR", "TYPE_INTERRUPTED", "TYPE_NETWORK_ERROR" ->
                HardwareKeyException.NotPresent()
            "TYPE_NOT_SUPPORTED_ERROR" -> HardwareKeyException.Other(WebAuthnJson.PRF_UNSUPPORTED)
            "TYPE_INVALID_STATE_ERROR" -> HardwareKeyException.Other("this security key already holds a credential for this account")
            "TYPE_SECURITY_ERROR" -> HardwareKeyException.Other("the relying party id is not verified for this app (Digital Asset Links)$detail")
            "TYPE_CONSTRAINT_ERROR" -> HardwareKeyException.Other("the security key cannot meet the request$detail")
            "TYPE_NO_CREATE_OPTIONS", "TYPE_CREATE_CREDENTIAL_PROVIDER_CONFIGURATION_EXCEPTION",
            "TYPE_GET_CREDENTIAL_PROVIDER_CONFIGURATION_EXCEPTION", "TYPE_CREATE_CREDENTIAL_UNSUPPORTED_EXCEPTION",
            "TYPE_GET_CREDENTIAL_UNSUPPORTED_EXCEPTION" ->
                HardwareKeyException.Other("this phone cannot use a security key here (Credential Manager / Google Play services missing or outdated)")
            else -> HardwareKeyException.Other("security key error ${kind.ifEmpty { "unknown" }}$detail")
        }
    }
}

/**
 * Waits on a background thread for one [CredentialReply]. No answer in time is NotPresent (the
 * pending screen is cancelled); the main thread is refused; a bridge that throws is Other.
 */
class CredentialWait(private val isMainThread: () -> Boolean, private val timeoutSeconds: Long) {
    fun await(start: (CredentialReply) -> Unit, cancel: () -> Unit = {}): CredentialOutcome {
        if (isMainThread()) throw HardwareKeyException.Other("the security key must not be asked for on the main thread")
        val latch = CountDownLatch(1)
        val result = AtomicReference<CredentialOutcome?>(null)
        val reply = CredentialReply { if (result.compareAndSet(null, it)) latch.countDown() }
        try {
            start(reply)
        } catch (e: Exception) {
            throw HardwareKeyException.Other("could not show the security key screen: ${e.javaClass.simpleName}")
        }
        if (!latch.await(timeoutSeconds, TimeUnit.SECONDS)) {
            // Late answers go nowhere: the reply only fills an empty slot, and nobody reads it now.
            result.compareAndSet(null, CredentialOutcome.Failure(TIMED_OUT, "no security key was presented in time"))
            runCatching(cancel)
        }
        return result.get()!!
    }

    companion object {
        /** The failure type of a wait that timed out (maps like a WebAuthn TimeoutError). */
        const val TIMED_OUT = "io.imwallet.TYPE_TIMEOUT_ERROR"
    }
}

/**
 * The hook to pass as `hardwareKey` to `WalletCore(...)` / `WalletSession.open`. `timeoutSeconds`
 * is both the WebAuthn timeout and how long a call waits for the bridge (plus a short grace).
 */
class Fido2HardwareKey(
    private val relyingParty: RelyingParty,
    private val bridge: CredentialBridge,
    private val credentialIds: CredentialIdStore,
    private val timeoutSeconds: Long = 120,
    private val isMainThread: () -> Boolean = { Looper.myLooper() == Looper.getMainLooper() },
    private val random: SecureRandom = SecureRandom(),
) : HardwareKey {
    private val wait = CredentialWait(isMainThread, timeoutSeconds + GRACE_SECONDS)

    private fun challenge() = ByteArray(32).also { random.nextBytes(it) }

    // Every failure becomes a typed outcome (a host exception would only say "callback failed").
    private inline fun <T> typed(block: () -> T): T = try {
        block()
    } catch (e: HardwareKeyException) {
        throw e
    } catch (e: Exception) {
        throw HardwareKeyException.Other("security key call failed: ${e.javaClass.simpleName}")
    }

    private fun responseJson(outcome: CredentialOutcome): String = when (outcome) {
        is CredentialOutcome.Response -> outcome.json
        is CredentialOutcome.Failure -> throw Fido2Errors.map(outcome.type, outcome.message)
    }

    override fun enroll(accountId: String, accountName: String) = typed {
        val json = WebAuthnJson.creationOptions(relyingParty, accountId, accountName, challenge(), timeoutSeconds * 1000)
        val outcome = wait.await({ bridge.create(json, it) }, bridge::cancel)
        credentialIds.put(accountId, WebAuthnJson.registeredCredentialId(responseJson(outcome)))
    }

    override fun prf(accountId: String, salt: ByteArray): ByteArray = typed {
        if (salt.isEmpty()) throw HardwareKeyException.Other("empty PRF salt")
        val id = credentialIds.get(accountId)
            ?: throw HardwareKeyException.Other("no security key is registered for this account on this phone")
        val json = WebAuthnJson.requestOptions(relyingParty.id, id, salt, challenge(), timeoutSeconds * 1000)
        val outcome = wait.await({ bridge.get(json, it) }, bridge::cancel)
        WebAuthnJson.prfOutput(responseJson(outcome), id)
    }

    companion object {
        const val GRACE_SECONDS = 5L
    }
}
