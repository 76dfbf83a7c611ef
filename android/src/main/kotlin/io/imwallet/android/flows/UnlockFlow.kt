// The lock screen as a view model: biometrics first when the account has them on, the password
// as the fallback, the attempt limiter's countdown, and an invalidated biometric key sending the
// user to the password. No policy here: whether biometrics are on, how many attempts are left,
// how long the delay still runs and why a biometric unlock failed all come from the core; the
// countdown re-reads the delay from the core on every tick instead of counting by itself.
package io.imwallet.android.flows

import io.imwallet.SessionAccount
import io.imwallet.SessionState
import io.imwallet.UnlockOutcome
import io.imwallet.WalletException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withContext

/** Why the password screen shows. */
enum class PasswordCause {
    /** Biometric unlock is off for this account (or the screen asked for the password). */
    FIRST,
    BIOMETRIC_CANCELLED,
    /** The sensor is locked after too many tries (the platform's lockout). */
    BIOMETRIC_LOCKOUT,
    /** A new enrollment (or a stale key) made the core turn biometric unlock off. */
    BIOMETRIC_INVALIDATED,
    /** Not enrolled / no sensor / key store unavailable. */
    BIOMETRIC_UNAVAILABLE,
    WRONG_PASSWORD,
    /** The limiter's delay is over. */
    DELAY_OVER,
    /** Anything else the core refused with (the reason says what). */
    OTHER,
}

sealed interface UnlockState {
    data object Idle : UnlockState

    /** Nothing to unlock: logged out or no account (the login / onboarding screen's job). */
    data class NotLocked(val session: SessionState) : UnlockState

    /** The platform's biometric prompt is up. */
    data class WaitingForBiometric(val account: SessionAccount) : UnlockState

    /**
     * The password screen. `biometricAvailable`: the core has biometric unlock on for the account
     * (show "Unlock with fingerprint"); `attemptsLeft` before a delay; `reason` the core's text.
     */
    data class AskingPassword(
        val account: SessionAccount,
        val cause: PasswordCause,
        val biometricAvailable: Boolean,
        val attemptsLeft: UInt,
        val reason: String? = null,
    ) : UnlockState

    /** The core is checking the password. */
    data class Checking(val account: SessionAccount) : UnlockState

    /** The attempt limiter's delay: `retryAfterSecs` as the core reports it now. */
    data class LockedOut(val account: SessionAccount, val retryAfterSecs: ULong) : UnlockState

    data class Unlocked(val outcome: UnlockOutcome) : UnlockState

    /** The core failed in a way the lock screen cannot help with (storage, internal). */
    data class Failed(val reason: String) : UnlockState
}

/**
 * Call its methods from the main thread. `tickMillis` is how often the countdown asks the core
 * for the remaining delay.
 */
class UnlockFlow(
    private val calls: UnlockCalls,
    scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
    private val tickMillis: Long = 1_000,
) {
    private val _state = MutableStateFlow<UnlockState>(UnlockState.Idle)
    val state: StateFlow<UnlockState> = _state.asStateFlow()
    private val work = OneAtATime(scope)

    /** The lock screen shows: biometrics first when the core has them on, else the password. */
    fun start() {
        work.cancel()
        work.launch {
            guarded(null) {
                val now = withContext(io) { calls.state() }
                if (now !is SessionState.Locked) {
                    _state.value = UnlockState.NotLocked(now)
                    return@guarded
                }
                val (on, status) = withContext(io) { Pair(biometricOn(), calls.attemptStatus()) }
                when {
                    status.retryAfterSecs > 0u -> countdown(now.account, status.retryAfterSecs)
                    on -> biometric(now.account)
                    else -> _state.value = UnlockState.AskingPassword(now.account, PasswordCause.FIRST, false, status.attemptsLeft)
                }
            }
        }
    }

    /** The user tapped "Unlock with fingerprint". */
    fun useBiometrics() {
        val account = (_state.value as? UnlockState.AskingPassword)?.account ?: return
        work.launch { guarded(account) { biometric(account) } }
    }

    /** The user entered the password (wiped here once the core has it). */
    fun submitPassword(password: ByteArray) {
        val account = (_state.value as? UnlockState.AskingPassword)?.account
        if (account == null) {
            password.fill(0)
            return
        }
        work.launch(password) {
            guarded(account) {
                _state.value = UnlockState.Checking(account)
                try {
                    _state.value = UnlockState.Unlocked(wiping(password) { calls.unlock(password) })
                } catch (e: WalletException.InvalidCredentials) {
                    if (e.retryAfterSecs > 0u) countdown(account, e.retryAfterSecs)
                    else askPassword(account, PasswordCause.WRONG_PASSWORD, e.reason)
                }
            }
        }
    }

    /** Stops the countdown (the screen went away). */
    fun stop() = work.cancel()

    private suspend fun biometric(account: SessionAccount) {
        _state.value = UnlockState.WaitingForBiometric(account)
        try {
            _state.value = UnlockState.Unlocked(calls.unlockWithBiometrics())
        } catch (e: WalletException.BiometricCancelled) {
            askPassword(account, PasswordCause.BIOMETRIC_CANCELLED, e.reason)
        } catch (e: WalletException.BiometricLockout) {
            askPassword(account, PasswordCause.BIOMETRIC_LOCKOUT, e.reason)
        } catch (e: WalletException.BiometricInvalidated) {
            askPassword(account, PasswordCause.BIOMETRIC_INVALIDATED, e.reason)
        } catch (e: WalletException.BiometricNotEnabled) {
            askPassword(account, PasswordCause.FIRST, e.reason)
        } catch (e: WalletException.BiometricNotEnrolled) {
            askPassword(account, PasswordCause.BIOMETRIC_UNAVAILABLE, e.reason)
        } catch (e: WalletException.BiometricUnavailable) {
            askPassword(account, PasswordCause.BIOMETRIC_UNAVAILABLE, e.reason)
        }
    }

    /** Runs `block`; any other refusal of the core lands in a state (never an uncaught exception). */
    private suspend fun guarded(account: SessionAccount?, block: suspend () -> Unit) {
        try {
            block()
        } catch (e: WalletException) {
            try {
                settle(account, e)
            } catch (again: WalletException) {
                _state.value = UnlockState.Failed(again.reason)
            }
        }
    }

    private suspend fun settle(account: SessionAccount?, e: WalletException) {
        when {
            e is WalletException.TooManyAttempts && account != null -> countdown(account, e.retryAfterSecs)
            e is WalletException.StorageFailed || e is WalletException.Internal || account == null -> _state.value = UnlockState.Failed(e.reason)
            // The session moved under the call (auto-lock, another unlock, logout): show where it is now.
            e is WalletException.SessionChanged || e is WalletException.NotLoggedIn -> {
                val now = withContext(io) { calls.state() }
                if (now is SessionState.Locked) askPassword(now.account, PasswordCause.OTHER, e.reason)
                else _state.value = UnlockState.NotLocked(now)
            }
            else -> askPassword(account, PasswordCause.OTHER, e.reason)
        }
    }

    private suspend fun askPassword(account: SessionAccount, cause: PasswordCause, reason: String?) {
        val (on, status) = withContext(io) { Pair(biometricOn(), calls.attemptStatus()) }
        _state.value = UnlockState.AskingPassword(account, cause, on, status.attemptsLeft, reason)
    }

    private suspend fun countdown(account: SessionAccount, first: ULong) {
        var left = first
        while (left > 0u) {
            _state.value = UnlockState.LockedOut(account, left)
            delay(tickMillis)
            left = withContext(io) { calls.attemptStatus() }.retryAfterSecs
        }
        askPassword(account, PasswordCause.DELAY_OVER, null)
    }

    private fun biometricOn() = calls.sessionAccount()?.biometricEnabled == true
}
