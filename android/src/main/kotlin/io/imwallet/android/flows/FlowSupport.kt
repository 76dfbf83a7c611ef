// Small helpers the three flows share: the core's user-facing reason out of any WalletException,
// and the guard that runs one core call at a time on the flow's scope.
package io.imwallet.android.flows

import io.imwallet.WalletException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch

/** The core's `reason` (safe to show): every WalletException case carries one. */
val WalletException.reason: String
    get() = runCatching { javaClass.getMethod("getReason").invoke(this) as String }.getOrNull() ?: (message ?: javaClass.simpleName)

/** Runs one job at a time on `scope`: a second tap while the core works is ignored. */
internal class OneAtATime(private val scope: CoroutineScope) {
    private var job: Job? = null

    val busy: Boolean get() = job?.isActive == true

    /**
     * Starts `block` unless a job is running; `secrets` are wiped when the job ends (or now, when
     * it does not start), whatever happens to it.
     */
    fun launch(vararg secrets: ByteArray?, block: suspend CoroutineScope.() -> Unit): Boolean {
        val wipe = { secrets.forEach { it?.fill(0) } }
        if (busy) {
            wipe()
            return false
        }
        job = scope.launch(block = block).apply { invokeOnCompletion { wipe() } }
        return true
    }

    /** Cancels the running job (a countdown; a core call in flight is discarded by the core). */
    fun cancel() { job?.cancel(); job = null }
}

/** Runs the core call that takes `secrets`, then wipes them (before any state is shown). */
internal inline fun <T> wiping(vararg secrets: ByteArray?, call: () -> T): T =
    try {
        call()
    } finally {
        secrets.forEach { it?.fill(0) }
    }
