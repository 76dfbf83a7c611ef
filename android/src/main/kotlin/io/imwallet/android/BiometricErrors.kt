// Maps android.hardware.biometrics.BiometricPrompt error codes to the core's typed key-store
// outcomes. Pure logic: compiled against android-all and unit-tested on the JVM.
package io.imwallet.android

import android.hardware.biometrics.BiometricPrompt
import io.imwallet.KeyStoreException

object BiometricErrors {
    /** The typed outcome for a BiometricPrompt `onAuthenticationError` code. */
    fun fromPromptError(code: Int, message: CharSequence?): KeyStoreException = when (code) {
        BiometricPrompt.BIOMETRIC_ERROR_USER_CANCELED,
        BiometricPrompt.BIOMETRIC_ERROR_CANCELED,
        BiometricPrompt.BIOMETRIC_ERROR_NEGATIVE_BUTTON,
        BiometricPrompt.BIOMETRIC_ERROR_TIMEOUT -> KeyStoreException.Cancelled()
        BiometricPrompt.BIOMETRIC_ERROR_LOCKOUT,
        BiometricPrompt.BIOMETRIC_ERROR_LOCKOUT_PERMANENT -> KeyStoreException.Lockout()
        BiometricPrompt.BIOMETRIC_ERROR_NO_BIOMETRICS -> KeyStoreException.NotEnrolled()
        BiometricPrompt.BIOMETRIC_ERROR_HW_UNAVAILABLE,
        BiometricPrompt.BIOMETRIC_ERROR_HW_NOT_PRESENT,
        BiometricPrompt.BIOMETRIC_ERROR_NO_SPACE,
        BiometricPrompt.BIOMETRIC_ERROR_UNABLE_TO_PROCESS -> KeyStoreException.Unavailable()
        else -> KeyStoreException.Other("biometric error $code: ${message ?: ""}")
    }
}
