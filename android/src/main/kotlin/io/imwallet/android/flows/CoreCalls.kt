// Every call the shell's flows and lifecycle make into the core, in one place. The flows see
// only these interfaces (one per flow), so a change to a core signature — a new parameter, a
// richer result — is adapted in this file and nowhere else. Plain Kotlin: compiled against
// android-all and run on the JVM against the real core.
package io.imwallet.android.flows

import io.imwallet.AccountInfo
import io.imwallet.AttemptStatus
import io.imwallet.CacheUsage
import io.imwallet.ClearReport
import io.imwallet.ClearScope
import io.imwallet.ErasePlan
import io.imwallet.EraseProofs
import io.imwallet.EraseReport
import io.imwallet.LogoutConfirmation
import io.imwallet.LogoutOptions
import io.imwallet.LogoutPlan
import io.imwallet.LogoutReport
import io.imwallet.SessionState
import io.imwallet.UnlockOutcome
import io.imwallet.WalletCore


/** The calls [LogoutFlow] makes. */
interface LogoutCalls {
    /** Blocking (reads the store and asks the environment probe): called off the main thread. */
    fun prepareLogout(options: LogoutOptions): LogoutPlan
    suspend fun logout(token: String, confirmation: LogoutConfirmation): LogoutReport
}

/** The calls [UnlockFlow] makes. */
interface UnlockCalls {
    fun state(): SessionState
    /** The session's account as the core describes it (biometric unlock on or off), if any. */
    fun sessionAccount(): AccountInfo?
    /** The attempt limiter for the session's account. */
    fun attemptStatus(): AttemptStatus
    suspend fun unlockWithBiometrics(): UnlockOutcome
    suspend fun unlock(password: ByteArray): UnlockOutcome
}

/** The calls [ClearDataFlow] makes. */
interface ClearDataCalls {
    fun cacheUsage(): List<CacheUsage>
    fun clearCache(scope: ClearScope): ClearReport
    fun prepareErase(): ErasePlan
    suspend fun eraseAllData(typedPhrase: String, proofs: EraseProofs): EraseReport
}

/** The calls the lifecycle wiring ([io.imwallet.android.WalletLifecycle]) makes. */
interface LifecycleCalls {
    fun appBackgrounded(): SessionState
    fun appForegrounded(): SessionState
    fun touch()
}

/** The real core behind every flow. */
class CoreCalls(val core: WalletCore) : LogoutCalls, UnlockCalls, ClearDataCalls, LifecycleCalls {
    // ---- logout
    override fun prepareLogout(options: LogoutOptions): LogoutPlan = core.prepareLogout(options)
    override suspend fun logout(token: String, confirmation: LogoutConfirmation): LogoutReport = core.logout(token, confirmation)

    // ---- unlock
    override fun state(): SessionState = core.state()
    override fun sessionAccount(): AccountInfo? {
        val id = when (val s = core.state()) {
            is SessionState.Locked -> s.account.id
            is SessionState.Unlocked -> s.account.id
            else -> return null
        }
        return core.accounts().firstOrNull { it.id == id }
    }
    override fun attemptStatus(): AttemptStatus = core.attemptStatus(null)
    override suspend fun unlockWithBiometrics(): UnlockOutcome = core.unlockWithBiometrics()
    override suspend fun unlock(password: ByteArray): UnlockOutcome = core.unlock(password)

    // ---- clear data
    override fun cacheUsage(): List<CacheUsage> = core.cacheUsage()
    override fun clearCache(scope: ClearScope): ClearReport = core.clearCache(scope)
    override fun prepareErase(): ErasePlan = core.prepareErase()
    override suspend fun eraseAllData(typedPhrase: String, proofs: EraseProofs): EraseReport = core.eraseAllData(typedPhrase, proofs)

    // ---- lifecycle
    override fun appBackgrounded(): SessionState = core.appBackgrounded()
    override fun appForegrounded(): SessionState = core.appForegrounded()
    override fun touch() = core.touch()
}
