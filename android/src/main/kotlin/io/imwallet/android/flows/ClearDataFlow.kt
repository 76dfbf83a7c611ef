// The "Clear data" screen as a view model: cache usage → clear caches → "reset app" with the
// typed phrase. No policy here: the usage, what a clear removed, which wallets a reset loses,
// the phrase to type and what authorizes it come from the core, and the typed phrase and the
// passwords go to the core unchecked (it refuses with its reason).
package io.imwallet.android.flows

import io.imwallet.CacheUsage
import io.imwallet.ClearReport
import io.imwallet.ClearScope
import io.imwallet.ErasePassword
import io.imwallet.ErasePlan
import io.imwallet.EraseProofs
import io.imwallet.EraseReport
import io.imwallet.WalletException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withContext

sealed interface ClearDataState {
    data object Idle : ClearDataState

    /** Reading the usage. */
    data object Loading : ClearDataState

    /** The usage per cache kind; `lastClear` what the last clear removed; `problem` the core's refusal. */
    data class Ready(val usage: List<CacheUsage>, val lastClear: ClearReport? = null, val problem: String? = null) : ClearDataState

    /** The core is deleting cache rows and files. */
    data object Clearing : ClearDataState

    /**
     * "Reset app" asked for: `plan.accountNames` are erased, `plan.notBackedUp` are lost for good,
     * `plan.phraseToType` must be typed, and when `plan.authorizationNeeded` their passwords (or
     * the device-owner check when `plan.deviceOwnerCheckAvailable`) authorize it.
     */
    data class ConfirmingReset(val plan: ErasePlan, val problem: String? = null) : ClearDataState

    /** The core is erasing (it may show the device-owner screen). */
    data object Erasing : ClearDataState

    /** What the reset erased: the app now starts as new. */
    data class ResetDone(val report: EraseReport) : ClearDataState

    data class Failed(val reason: String) : ClearDataState
}

/** Call its methods from the main thread; `io` runs the blocking core calls. */
class ClearDataFlow(
    private val calls: ClearDataCalls,
    scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow<ClearDataState>(ClearDataState.Idle)
    val state: StateFlow<ClearDataState> = _state.asStateFlow()
    private val work = OneAtATime(scope)

    /** The screen shows: reads the usage. */
    fun load() {
        work.launch {
            _state.value = ClearDataState.Loading
            _state.value = try {
                ClearDataState.Ready(withContext(io) { calls.cacheUsage() })
            } catch (e: WalletException) {
                ClearDataState.Failed(e.reason)
            }
        }
    }

    /** "Clear cache" (every kind by default). */
    fun clearCaches(scope: ClearScope = ClearScope.All) {
        work.launch {
            _state.value = ClearDataState.Clearing
            _state.value = try {
                val report = withContext(io) { calls.clearCache(scope) }
                ClearDataState.Ready(withContext(io) { calls.cacheUsage() }, lastClear = report)
            } catch (e: WalletException) {
                usageWith(e.reason)
            }
        }
    }

    /** "Reset app": asks the core what it will erase and what confirming needs. */
    fun startReset() {
        work.launch {
            _state.value = try {
                ClearDataState.ConfirmingReset(withContext(io) { calls.prepareErase() })
            } catch (e: WalletException) {
                usageWith(e.reason)
            }
        }
    }

    /**
     * The user typed `typedPhrase` and, for the wallets in `plan.notBackedUp`, gave their
     * `passwords` (account name → password, wiped here) or chose the device-owner check.
     */
    fun reset(typedPhrase: String, passwords: Map<String, ByteArray> = emptyMap(), useDeviceOwner: Boolean = false) {
        val confirming = _state.value as? ClearDataState.ConfirmingReset
        val secrets = passwords.values.toTypedArray()
        if (confirming == null) {
            secrets.forEach { it.fill(0) }
            return
        }
        work.launch(*secrets) {
            _state.value = ClearDataState.Erasing
            try {
                val proofs = EraseProofs(passwords.map { (name, pw) -> ErasePassword(name, pw) }, useDeviceOwner)
                _state.value = ClearDataState.ResetDone(wiping(*secrets) { calls.eraseAllData(typedPhrase, proofs) })
            } catch (e: WalletException) {
                // Refused (wrong phrase, a password missing or wrong): the core's reason, on a fresh plan.
                _state.value = try {
                    ClearDataState.ConfirmingReset(withContext(io) { calls.prepareErase() }, e.reason)
                } catch (again: WalletException) {
                    ClearDataState.Failed(again.reason)
                }
            }
        }
    }

    /** Back from the reset confirmation to the usage. */
    fun cancelReset() {
        if (_state.value is ClearDataState.ConfirmingReset) load()
    }

    private suspend fun usageWith(problem: String): ClearDataState = try {
        ClearDataState.Ready(withContext(io) { calls.cacheUsage() }, problem = problem)
    } catch (e: WalletException) {
        ClearDataState.Failed(e.reason)
    }
}
