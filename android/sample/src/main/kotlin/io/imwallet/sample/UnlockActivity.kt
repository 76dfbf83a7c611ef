// Sample: the lock screen on UnlockFlow. Fingerprint first when the core has it on, the password
// as the fallback, the limiter's countdown, and "fingerprint changed → use your password".
package io.imwallet.sample

import android.app.Activity
import android.os.Bundle
import io.imwallet.android.flows.PasswordCause
import io.imwallet.android.flows.UnlockFlow
import io.imwallet.android.flows.UnlockState
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch

class UnlockActivity : Activity() {
    private lateinit var scope: CoroutineScope
    private lateinit var flow: UnlockFlow

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        scope = screenScope()
        flow = UnlockFlow(wallet, scope)
        val s = Screen(this)
        val title = s.text()
        val fingerprint = s.button("Unlock with fingerprint") { flow.useBiometrics() }
        val passwordArea = s.section()
        val password = passwordArea.field("Password", secret = true)
        passwordArea.button("Unlock") { flow.submitPassword(password.takeSecret()) }
        val status = s.text()
        setContentView(s.root)

        scope.launch {
            flow.state.collect { st ->
                fingerprint.shown(st is UnlockState.AskingPassword && st.biometricAvailable)
                passwordArea.view.shown(st is UnlockState.AskingPassword)
                title.text = when (st) {
                    is UnlockState.AskingPassword -> "Locked: ${st.account.name}"
                    is UnlockState.WaitingForBiometric -> "Locked: ${st.account.name}"
                    is UnlockState.LockedOut -> "Locked: ${st.account.name}"
                    is UnlockState.Checking -> "Locked: ${st.account.name}"
                    else -> ""
                }
                status.text = when (st) {
                    UnlockState.Idle -> ""
                    is UnlockState.NotLocked -> "Nothing to unlock"
                    is UnlockState.WaitingForBiometric -> "Touch the fingerprint sensor"
                    is UnlockState.Checking -> "Checking…"
                    is UnlockState.LockedOut -> "Too many attempts. Try again in ${st.retryAfterSecs} s"
                    is UnlockState.Unlocked -> "Unlocked"
                    is UnlockState.Failed -> st.reason
                    is UnlockState.AskingPassword -> describe(st)
                }
            }
        }
    }

    override fun onStart() {
        super.onStart()
        flow.start()
    }

    override fun onStop() {
        flow.stop()
        super.onStop()
    }

    override fun onDestroy() {
        scope.cancel()
        super.onDestroy()
    }

    companion object {
        fun describe(st: UnlockState.AskingPassword): String {
            val why = when (st.cause) {
                PasswordCause.FIRST -> "Enter your password"
                PasswordCause.BIOMETRIC_CANCELLED -> "Fingerprint cancelled. Enter your password"
                PasswordCause.BIOMETRIC_LOCKOUT -> "Too many fingerprint attempts. Enter your password"
                PasswordCause.BIOMETRIC_INVALIDATED -> "Your fingerprints changed, so fingerprint unlock was turned off. Enter your password"
                PasswordCause.BIOMETRIC_UNAVAILABLE -> "Fingerprint unlock is not available. Enter your password"
                PasswordCause.WRONG_PASSWORD -> "Wrong password"
                PasswordCause.DELAY_OVER -> "You can try again"
                PasswordCause.OTHER -> st.reason ?: "Enter your password"
            }
            return "$why (${st.attemptsLeft} attempts left)"
        }
    }
}
