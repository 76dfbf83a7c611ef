// The "Log out" moment as a view model: plan → warnings → confirmation → report. It holds no
// policy: what logout will do, the warnings, what confirming needs (a tap or the typed account
// name, a password or biometrics) and every refusal come from the core; the flow only carries
// them to the screen. Plain Kotlin with coroutines and StateFlow: no Android class, so it runs
// on the JVM against the real core (tests/kotlin/ShellFlowsTest.kt).
package io.imwallet.android.flows

import io.imwallet.LogoutConfirmation
import io.imwallet.LogoutOptions
import io.imwallet.LogoutPlan
import io.imwallet.LogoutReport
import io.imwallet.WalletException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withContext

sealed interface LogoutState {
    /** Nothing asked yet. */
    data object Idle : LogoutState

    /** Asking the core for a plan. */
    data object Planning : LogoutState

    /**
     * The core's plan: `plan.actions`, `plan.warnings`, `plan.confirmation` (a tap or the typed
     * account name) and `plan.authorization` (the Logout/RemoveWallet gate). `problem` is the
     * core's reason for refusing the last confirmation (or for replacing an expired plan).
     */
    data class Confirming(val plan: LogoutPlan, val problem: String? = null) : LogoutState

    /** The core is carrying the plan out (it may show the biometric prompt). */
    data object LoggingOut : LogoutState

    /** What the core did. */
    data class Done(val report: LogoutReport) : LogoutState

    /** The core could not make a plan (e.g. nobody is logged in): its reason. */
    data class Failed(val reason: String) : LogoutState
}

/**
 * Call its methods from the main thread; `scope` is the screen's (cancel it when the screen
 * goes), `io` runs the blocking core calls.
 */
class LogoutFlow(
    private val calls: LogoutCalls,
    scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow<LogoutState>(LogoutState.Idle)
    val state: StateFlow<LogoutState> = _state.asStateFlow()
    private val work = OneAtATime(scope)

    /** The user tapped "Log out" (or changed an option on the logout screen): asks for a plan. */
    fun start(options: LogoutOptions) {
        work.launch { plan(options, problem = null) }
    }

    /**
     * The user confirmed. `typedAccountName` when the plan asks for it, `password` (wiped here
     * once the core has it) or `useBiometrics` when `plan.authorization` asks for a proof.
     */
    fun confirm(typedAccountName: String? = null, password: ByteArray? = null, useBiometrics: Boolean = false) {
        val confirming = _state.value as? LogoutState.Confirming
        if (confirming == null) { password?.fill(0); return }
        work.launch(password) {
            _state.value = LogoutState.LoggingOut
            try {
                val confirmation = LogoutConfirmation(typedAccountName, password, useBiometrics)
                val report = wiping(password) { calls.logout(confirming.plan.token, confirmation) }
                _state.value = LogoutState.Done(report)
            } catch (e: WalletException.LogoutTokenExpired) {
                plan(confirming.plan.options, e.reason)
            } catch (e: WalletException.LogoutTokenInvalid) {
                plan(confirming.plan.options, e.reason)
            } catch (e: WalletException.SessionChanged) {
                plan(confirming.plan.options, e.reason)
            } catch (e: WalletException) {
                _state.value = LogoutState.Confirming(confirming.plan, e.reason)
            }
        }
    }

    /** The user backed out of the logout screen. */
    fun cancel() {
        if (!work.busy) _state.value = LogoutState.Idle
    }

    private suspend fun plan(options: LogoutOptions, problem: String?) {
        _state.value = LogoutState.Planning
        _state.value = try {
            LogoutState.Confirming(withContext(io) { calls.prepareLogout(options) }, problem)
        } catch (e: WalletException) {
            LogoutState.Failed(e.reason)
        }
    }
}
