// The Android SecureKeyStore: an AES-256-GCM key in the Android Keystore per alias, created with
// setUserAuthenticationRequired(true) + setInvalidatedByBiometricEnrollment(true), used only
// through BiometricPrompt with a CryptoObject. The biometric secret the core asks to keep is
// stored encrypted under that key in app-private SharedPreferences; the Keystore releases the
// key only after a successful biometric authentication, and a new enrollment invalidates it
// (KeyPermanentlyInvalidatedException → KeyInvalidated).
package io.imwallet.android

import android.content.Context
import android.content.SharedPreferences
import android.hardware.biometrics.BiometricPrompt
import android.os.CancellationSignal
import android.os.Looper
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.util.Base64
import io.imwallet.KeyStoreException
import io.imwallet.SecureKeyStore
import java.security.KeyStore
import java.util.concurrent.Executor
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

class KeystoreBiometricStore(
    private val context: Context,
    private val mainExecutor: Executor,
    private val namespace: String = "imwallet",
) : SecureKeyStore {
    private val prefs: SharedPreferences = context.getSharedPreferences("$namespace.biometric", Context.MODE_PRIVATE)
    private val keyStore: KeyStore = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }
    private fun keyAlias(alias: String) = "$namespace:$alias"
    private fun isMain() = Looper.myLooper() == Looper.getMainLooper()

    private fun newKey(alias: String): SecretKey {
        val spec = KeyGenParameterSpec.Builder(keyAlias(alias), KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setUserAuthenticationRequired(true)
            .setInvalidatedByBiometricEnrollment(true)
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore").run { init(spec); generateKey() }
    }

    private fun authenticate(cipher: Cipher, title: String, reason: String): Cipher =
        PromptBridge<Cipher>(::isMain).await { bridge ->
            val prompt = BiometricPrompt.Builder(context)
                .setTitle(title)
                .setDescription(reason)
                .setNegativeButton("Use password", mainExecutor) { _, _ -> bridge.fail(KeyStoreException.Cancelled()) }
                .build()
            mainExecutor.execute {
                prompt.authenticate(BiometricPrompt.CryptoObject(cipher), CancellationSignal(), mainExecutor,
                    object : BiometricPrompt.AuthenticationCallback() {
                        override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) {
                            val c = result.cryptoObject?.cipher
                            if (c == null) bridge.fail(KeyStoreException.Other("no crypto object")) else bridge.succeed(c)
                        }
                        override fun onAuthenticationError(code: Int, message: CharSequence?) {
                            bridge.fail(BiometricErrors.fromPromptError(code, message))
                        }
                    })
            }
        }

    override fun store(alias: String, secret: ByteArray) {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        try {
            cipher.init(Cipher.ENCRYPT_MODE, newKey(alias))
        } catch (e: Exception) {
            throw KeyStoreException.Unavailable()
        }
        val c = authenticate(cipher, "Enable fingerprint unlock", "Confirm to turn on biometric unlock")
        val ct = c.doFinal(secret)
        prefs.edit()
            .putString("$alias.iv", Base64.encodeToString(c.iv, Base64.NO_WRAP))
            .putString("$alias.ct", Base64.encodeToString(ct, Base64.NO_WRAP))
            .apply()
    }

    override fun load(alias: String, prompt: io.imwallet.BiometricPrompt): ByteArray {
        val iv = prefs.getString("$alias.iv", null) ?: throw KeyStoreException.NotFound()
        val ct = prefs.getString("$alias.ct", null) ?: throw KeyStoreException.NotFound()
        val key = keyStore.getKey(keyAlias(alias), null) as? SecretKey ?: throw KeyStoreException.KeyInvalidated()
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, Base64.decode(iv, Base64.NO_WRAP)))
        } catch (e: KeyPermanentlyInvalidatedException) {
            throw KeyStoreException.KeyInvalidated()
        }
        val c = authenticate(cipher, prompt.title, prompt.reason)
        return c.doFinal(Base64.decode(ct, Base64.NO_WRAP))
    }

    override fun delete(alias: String) {
        if (keyStore.containsAlias(keyAlias(alias))) keyStore.deleteEntry(keyAlias(alias))
        prefs.edit().remove("$alias.iv").remove("$alias.ct").apply()
    }

    override fun list(): List<String> =
        prefs.all.keys.filter { it.endsWith(".ct") }.map { it.removeSuffix(".ct") }.sorted()

    override fun deleteAll() {
        list().forEach { delete(it) }
        keyStore.aliases().toList().filter { it.startsWith("$namespace:") }.forEach { keyStore.deleteEntry(it) }
    }
}
