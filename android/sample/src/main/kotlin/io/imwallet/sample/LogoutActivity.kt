// Sample: the "Log out" screen on LogoutFlow. Tap "Log out" → the core's plan (what it will do,
// the warnings, what confirming needs) → "Confirm log out" → the core's report.
package io.imwallet.sample

import android.app.Activity
import android.os.Bundle
import android.view.View
import io.imwallet.ConfirmationNeeded
import io.imwallet.Gate
import io.imwallet.LogoutAction
import io.imwallet.LogoutOptions
import io.imwallet.LogoutReport
import io.imwallet.LogoutWarning
import io.imwallet.android.flows.LogoutFlow
import io.imwallet.android.flows.LogoutState
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch

class LogoutActivity : Activity() {
    private lateinit var scope: CoroutineScope
    private lateinit var flow: LogoutFlow

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        scope = screenScope()
        flow = LogoutFlow(wallet, scope)
        val s = Screen(this)
        s.text("Log out")
        val clearCaches = s.check("Clear this account's cached data", checked = true)
        val removeWallet = s.check("Remove the wallet from this device")
        fun options() = LogoutOptions(clearCaches = clearCaches.isChecked, keepGlobalCaches = true, removeWallet = removeWallet.isChecked)
        val logOut = s.button("Log out") { flow.start(options()) }
        // A changed option while the plan shows: ask the core for the new plan.
        listOf(clearCaches, removeWallet).forEach { box ->
            box.setOnCheckedChangeListener { _, _ -> if (flow.state.value is LogoutState.Confirming) flow.start(options()) }
        }
        val plan = s.section()
        val actions = plan.text()
        val warnings = plan.text()
        val typedName = plan.field("Type the account name")
        val password = plan.field("Password", secret = true)
        val confirm = plan.button("Confirm log out") {
            val confirming = flow.state.value as? LogoutState.Confirming ?: return@button
            val gate = confirming.plan.authorization
            val pw = if (password.visibility == View.VISIBLE && password.text.isNotEmpty()) password.takeSecret() else null
            flow.confirm(
                typedAccountName = typedName.text.toString().takeIf { typedName.visibility == View.VISIBLE },
                password = pw,
                useBiometrics = pw == null && (gate == Gate.BIOMETRIC || gate == Gate.BIOMETRIC_OR_PASSWORD),
            )
        }
        plan.button("Cancel") { flow.cancel() }
        val status = s.text()
        setContentView(s.root)

        scope.launch {
            flow.state.collect { st ->
                plan.view.shown(st is LogoutState.Confirming)
                logOut.shown(st is LogoutState.Idle || st is LogoutState.Failed)
                status.text = when (st) {
                    LogoutState.Idle -> ""
                    LogoutState.Planning -> "Checking what logging out will do…"
                    is LogoutState.Confirming -> st.problem ?: ""
                    LogoutState.LoggingOut -> "Logging out…"
                    is LogoutState.Done -> describe(st.report)
                    is LogoutState.Failed -> st.reason
                }
                if (st is LogoutState.Confirming) {
                    actions.text = "This will: " + st.plan.actions.joinToString("; ") { describe(it) }
                    warnings.text = st.plan.warnings.joinToString("\n") { "⚠ " + describe(it) }
                    warnings.shown(st.plan.warnings.isNotEmpty())
                    typedName.shown(st.plan.confirmation == ConfirmationNeeded.TYPE_ACCOUNT_NAME)
                    typedName.hint = "Type \"${st.plan.account.name}\" to confirm"
                    password.shown(st.plan.authorization == Gate.PASSWORD || st.plan.authorization == Gate.BIOMETRIC_OR_PASSWORD)
                    confirm.text = if (st.plan.authorization == Gate.BIOMETRIC) "Confirm with fingerprint" else "Confirm log out"
                }
            }
        }
    }

    override fun onDestroy() {
        scope.cancel()
        super.onDestroy()
    }

    companion object {
        fun describe(a: LogoutAction) = when (a) {
            LogoutAction.WIPE_KEYS_FROM_MEMORY -> "wipe the keys from memory"
            LogoutAction.END_SESSION -> "end the session"
            LogoutAction.REMOVE_BIOMETRIC_UNLOCK -> "turn fingerprint unlock off"
            LogoutAction.CLEAR_ACCOUNT_CACHES -> "clear this account's cached data"
            LogoutAction.CLEAR_GLOBAL_CACHES -> "clear shared cached data"
            LogoutAction.REMOVE_WALLET -> "remove the wallet from this device"
            LogoutAction.DISCONNECT_DAPPS -> "disconnect the connected apps"
            LogoutAction.REJECT_PENDING_REQUESTS -> "reject the requests waiting for approval"
            LogoutAction.CLEAR_CLIPBOARD -> "clear what the wallet copied"
        }

        fun describe(w: LogoutWarning) = when (w) {
            LogoutWarning.NOT_BACKED_UP -> "Your recovery phrase is not backed up: without it this wallet cannot be restored."
            LogoutWarning.INSECURE_NETWORK -> "You are on a public Wi-Fi network."
            LogoutWarning.UNTRUSTED_DEVICE -> "This device looks rooted or a debugger is attached."
            LogoutWarning.WALLET_WILL_BE_REMOVED -> "The wallet will be deleted from this device."
        }

        fun describe(r: LogoutReport) = buildString {
            append("Logged out of ${r.account.name}.")
            if (r.keysWiped) append(" Keys wiped from memory.")
            if (r.biometricRemoved) append(" Fingerprint unlock turned off.")
            append(" ${r.cacheEntriesCleared} cached entries cleared.")
            if (r.walletRemoved) append(" Wallet removed from this device.")
        }
    }
}
