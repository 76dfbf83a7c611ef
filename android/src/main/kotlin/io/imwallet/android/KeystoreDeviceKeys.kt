// The Android DeviceKeyStore: one non-exportable AES-256-GCM key per alias in the Android
// Keystore (StrongBox when the phone has one), usable without user authentication. The core hands
// it a 32-byte secret to wrap and asks for it back when it opens the data directory; the key itself
// never leaves the Keystore, is not in any backup and does not survive a move to a new phone, so a
// copied data directory opens nothing there (DeviceKeyLost) while "not now" (DeviceKeyUnavailable)
// never loses anything.
//
// The Keystore calls sit behind DeviceKeySource; the blob framing, alias filtering, error mapping,
// the StrongBox fallback and the AES-GCM wrap itself are platform-neutral and run on the JVM
// (tests/kotlin/AndroidGlueTest.kt) with a JCE key source in place of the Keystore.
package io.imwallet.android

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import io.imwallet.DeviceKeyException
import io.imwallet.DeviceKeyStore
import java.security.KeyStore
import java.security.ProviderException
import java.security.UnrecoverableKeyException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.IllegalBlockSizeException
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import android.security.KeyStoreException as KeystoreFailure

/** The wrapped form: `iv (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes)`. */
object DeviceKeyBlob {
    const val IV_BYTES = 12
    const val TAG_BITS = 128
    private const val TAG_BYTES = TAG_BITS / 8

    fun frame(iv: ByteArray, sealed: ByteArray): ByteArray {
        if (iv.size != IV_BYTES) throw DeviceKeyException.Other("unexpected GCM IV length ${iv.size}")
        if (sealed.size < TAG_BYTES) throw DeviceKeyException.Other("GCM output shorter than its tag")
        return iv + sealed
    }

    /** The IV and the sealed part, or null when `blob` cannot be one of ours. */
    fun parse(blob: ByteArray): Pair<ByteArray, ByteArray>? {
        if (blob.size < IV_BYTES + TAG_BYTES) return null
        return blob.copyOfRange(0, IV_BYTES) to blob.copyOfRange(IV_BYTES, blob.size)
    }
}

/** The app's namespace in the Keystore (the core names every device key `imwallet.dev.…`). */
object DeviceKeyAliases {
    const val PREFIX = "imwallet.dev."

    fun isOurs(alias: String): Boolean = alias.startsWith(PREFIX) && alias.length > PREFIX.length

    /** The app's device-key aliases among everything the Keystore lists (biometric keys, other libraries' keys…). */
    fun filter(aliases: Iterable<String>): List<String> = aliases.filter(::isOurs).distinct().sorted()
}

/** Maps what the Keystore and JCE throw to the core's typed outcomes. */
object DeviceKeyErrors {
    /**
     * Only a missing key is NotFound and only a key that can never open the blob is WrongKey (both
     * make the core report the data as lost); everything that may pass is Unavailable, the rest
     * Other (which the core also treats as "retry later"). `sdkInt` guards classes added in API 33.
     */
    fun map(e: Throwable, sdkInt: Int): DeviceKeyException {
        if (e is DeviceKeyException) return e
        val chain = generateSequence(e) { it.cause }.take(16).toList()
        for (t in chain) {
            when (t) {
                is AEADBadTagException, is KeyPermanentlyInvalidatedException -> return DeviceKeyException.WrongKey()
                is UserNotAuthenticatedException -> return DeviceKeyException.Unavailable("the device must be unlocked first")
            }
            if (sdkInt >= 33) fromKeystore(t)?.let { return it }
        }
        return when {
            chain.any { it is IllegalBlockSizeException } ->
                DeviceKeyException.Unavailable("the keystore refused the operation (device locked or keystore busy): retry")
            chain.any { it is java.security.KeyStoreException || it is UnrecoverableKeyException || it is ProviderException } ->
                DeviceKeyException.Unavailable("the keystore is not available: ${describe(e)}")
            else -> DeviceKeyException.Other(describe(e))
        }
    }

    // A separate method so that the API 33 class is only resolved on API 33+.
    private fun fromKeystore(t: Throwable): DeviceKeyException? {
        if (t !is KeystoreFailure) return null
        return when (t.numericErrorCode) {
            KeystoreFailure.ERROR_KEY_DOES_NOT_EXIST -> DeviceKeyException.NotFound()
            KeystoreFailure.ERROR_KEY_CORRUPTED -> DeviceKeyException.WrongKey()
            KeystoreFailure.ERROR_USER_AUTHENTICATION_REQUIRED, KeystoreFailure.ERROR_KEYSTORE_UNINITIALIZED ->
                DeviceKeyException.Unavailable("the device must be unlocked first")
            else -> if (t.isTransientFailure) DeviceKeyException.Unavailable("the keystore is busy: retry") else DeviceKeyException.Other(describe(t))
        }
    }

    /** The exception's class and message (Keystore messages hold no key material). */
    fun describe(t: Throwable): String = "${t.javaClass.simpleName}: ${t.message ?: ""}".trimEnd(':', ' ')
}

/** Creates a key in StrongBox when asked and present, else in the TEE; returns whether StrongBox holds it. */
object StrongBoxFallback {
    fun generate(preferStrongBox: Boolean, generate: (strongBox: Boolean) -> Unit): Boolean {
        if (preferStrongBox) {
            try {
                generate(true)
                return true
            } catch (e: StrongBoxUnavailableException) {
                // No StrongBox on this phone: the TEE-backed Keystore below.
            }
        }
        generate(false)
        return false
    }
}

/** Where the keys live: the Android Keystore on a phone; a JCE stand-in in the JVM tests. */
interface DeviceKeySource {
    /** Creates a new non-exportable AES-256-GCM key under `alias`, replacing any old one. */
    fun generate(alias: String)
    /** The key, or null when there is none. */
    fun find(alias: String): SecretKey?
    /** Deletes the key (a missing key is not an error). */
    fun delete(alias: String)
    /** Every alias the source holds. */
    fun aliases(): List<String>
}

/** The Android Keystore (`AndroidKeyStore` provider), loaded on first use. */
class AndroidKeystoreSource(private val preferStrongBox: Boolean = true) : DeviceKeySource {
    private val keyStore: KeyStore by lazy { KeyStore.getInstance("AndroidKeyStore").apply { load(null) } }
    @Volatile private var noStrongBox = false

    private fun generateIn(alias: String, strongBox: Boolean) {
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setRandomizedEncryptionRequired(true) // the Keystore picks every IV
            .setUserAuthenticationRequired(false) // opened at app start, never with a prompt
            .setIsStrongBoxBacked(strongBox)
            .build()
        KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore").run {
            init(spec)
            generateKey()
        }
    }

    override fun generate(alias: String) {
        val inStrongBox = StrongBoxFallback.generate(preferStrongBox && !noStrongBox) { generateIn(alias, it) }
        if (!inStrongBox) noStrongBox = true
    }

    override fun find(alias: String): SecretKey? = keyStore.getKey(alias, null) as? SecretKey

    override fun delete(alias: String) {
        if (keyStore.containsAlias(alias)) keyStore.deleteEntry(alias)
    }

    override fun aliases(): List<String> = keyStore.aliases().toList()
}

/**
 * The hook to pass as `deviceKeys` to `WalletCore(...)` (WalletSession.open does). Needs no UI and
 * no user authentication; call it off the main thread (StrongBox operations take tens of ms).
 */
class KeystoreDeviceKeys(
    private val source: DeviceKeySource = AndroidKeystoreSource(),
    private val sdkInt: () -> Int = { Build.VERSION.SDK_INT },
) : DeviceKeyStore {

    // Every failure becomes a typed outcome, including a framework class missing on an old release.
    private inline fun <T> typed(block: () -> T): T = try {
        block()
    } catch (e: Exception) {
        throw DeviceKeyErrors.map(e, sdkInt())
    } catch (e: LinkageError) {
        throw DeviceKeyException.Other(DeviceKeyErrors.describe(e))
    }

    private fun key(alias: String): SecretKey = source.find(alias) ?: throw DeviceKeyException.NotFound()

    private fun aad(alias: String) = alias.toByteArray(Charsets.UTF_8)

    override fun createKey(alias: String) = typed {
        if (!DeviceKeyAliases.isOurs(alias)) throw DeviceKeyException.Other("not a device-key alias")
        source.generate(alias)
    }

    /** Seals `plaintext` under the alias's key (the alias as associated data); `plaintext` is wiped. */
    override fun wrap(alias: String, plaintext: ByteArray): ByteArray = try {
        typed {
            val cipher = Cipher.getInstance("AES/GCM/NoPadding")
            cipher.init(Cipher.ENCRYPT_MODE, key(alias))
            cipher.updateAAD(aad(alias))
            val sealed = cipher.doFinal(plaintext)
            DeviceKeyBlob.frame(cipher.iv, sealed)
        }
    } finally {
        plaintext.fill(0)
    }

    override fun unwrap(alias: String, wrapped: ByteArray): ByteArray = typed {
        val k = key(alias)
        val (iv, sealed) = DeviceKeyBlob.parse(wrapped) ?: throw DeviceKeyException.WrongKey()
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, k, GCMParameterSpec(DeviceKeyBlob.TAG_BITS, iv))
        cipher.updateAAD(aad(alias))
        cipher.doFinal(sealed)
    }

    override fun deleteKey(alias: String) = typed { source.delete(alias) }

    override fun list(): List<String> = typed { DeviceKeyAliases.filter(source.aliases()) }
}
