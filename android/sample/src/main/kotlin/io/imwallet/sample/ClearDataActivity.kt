// Sample: the "Clear data" screen on ClearDataFlow. The core's cache usage, "Clear cache" with
// its report, and "Reset app": the wallets it erases, those lost for good, the phrase to type
// and the passwords (or the screen lock) that authorize it.
package io.imwallet.sample

import android.app.Activity
import android.os.Bundle
import android.widget.EditText
import io.imwallet.CacheUsage
import io.imwallet.android.flows.ClearDataFlow
import io.imwallet.android.flows.ClearDataState
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch

class ClearDataActivity : Activity() {
    private lateinit var scope: CoroutineScope
    private lateinit var flow: ClearDataFlow

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        scope = screenScope()
        flow = ClearDataFlow(wallet, scope)
        val s = Screen(this)
        s.text("Storage")
        val usageArea = s.section()
        val usage = usageArea.text()
        usageArea.button("Clear cache") { flow.clearCaches() }
        usageArea.button("Reset app") { flow.startReset() }
        val reset = s.section()
        val erases = reset.text()
        val lost = reset.text()
        val typed = reset.field("Type the phrase shown above")
        val passwords = reset.section()
        val passwordFields = mutableMapOf<String, EditText>()
        val screenLock = reset.check("Confirm with the screen lock instead")
        reset.button("Erase everything") {
            val pws = passwordFields.filterValues { it.text.isNotEmpty() }.mapValues { (_, f) -> f.takeSecret() }
            flow.reset(typed.text.toString(), pws, useDeviceOwner = screenLock.isChecked)
        }
        reset.button("Cancel") { flow.cancelReset() }
        val status = s.text()
        setContentView(s.root)

        scope.launch {
            flow.state.collect { st ->
                usageArea.view.shown(st is ClearDataState.Ready)
                reset.view.shown(st is ClearDataState.ConfirmingReset)
                status.text = when (st) {
                    ClearDataState.Idle, ClearDataState.Loading -> ""
                    ClearDataState.Clearing -> "Clearing…"
                    ClearDataState.Erasing -> "Erasing…"
                    is ClearDataState.Ready -> st.problem ?: st.lastClear?.let {
                        "Cleared ${it.entriesRemoved} entries and ${it.filesRemoved} files (${it.bytesFreed} bytes)"
                    } ?: ""
                    is ClearDataState.ConfirmingReset -> st.problem ?: ""
                    is ClearDataState.ResetDone -> "Erased ${st.report.accountsRemoved} wallets. The app starts as new."
                    is ClearDataState.Failed -> st.reason
                }
                if (st is ClearDataState.Ready) usage.text = describe(st.usage)
                if (st is ClearDataState.ConfirmingReset) {
                    val plan = st.plan
                    erases.text = "Erases every wallet on this device: ${plan.accountNames.joinToString(", ")}"
                    lost.text = "Not backed up — lost for good: ${plan.notBackedUp.joinToString(", ")}"
                    lost.shown(plan.notBackedUp.isNotEmpty())
                    typed.hint = "Type \"${plan.phraseToType}\" to confirm"
                    passwords.clear()
                    passwordFields.clear()
                    if (plan.authorizationNeeded) plan.notBackedUp.forEach { name ->
                        passwordFields[name] = passwords.field("Password of $name", secret = true)
                    }
                    screenLock.shown(plan.authorizationNeeded && plan.deviceOwnerCheckAvailable)
                }
            }
        }
        flow.load()
    }

    override fun onDestroy() {
        scope.cancel()
        super.onDestroy()
    }

    companion object {
        fun describe(usage: List<CacheUsage>): String =
            if (usage.isEmpty()) "No cached data"
            else usage.joinToString("\n") { "${it.kind}: ${it.entries} entries, ${it.files} files, ${it.bytes} bytes" }
    }
}
