// The Android AppCodeVerifier: the app-verified second factor (issue 19, ADR 0014). The app's
// server sends a code (email, SMS); the user types it with the password; the core asks this hook,
// which asks the server through the app's own client ([VerificationCodeBackend]) and answers yes,
// no, or a typed error.
//
// This is a policy of the app's server, not cryptography: the core cannot tell a real "yes" from
// a patched app's (ADR 0014). What this class adds is the plumbing every app would otherwise get
// subtly wrong: never on the main thread, a bounded wait (a hung server ends as Unavailable, not
// as a login that never returns), the typed code wiped after use, and every failure mapped to a
// typed AppCodeException (the core then says SecondFactorUnavailable, whatever the password).
// Platform-neutral apart from the main-thread check: it runs on the JVM
// (tests/kotlin/AndroidGlueTest.kt), including end to end against the real core.
package io.imwallet.android

import android.os.Looper
import io.imwallet.AppCodeException
import io.imwallet.AppCodeVerifier
import java.io.IOException
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.ThreadFactory
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException

/**
 * The app's own client for its verification endpoint (Retrofit, OkHttp, Ktor …). Called on a
 * background thread. Return true when the server accepts `code` for `accountId`'s user (and,
 * as servers should, uses it up), false when it refuses it; throw an [IOException] when the
 * server cannot be reached. The code is UTF-8 bytes of what the user typed.
 *
 * ```
 * class MyBackend(private val api: VerifyApi, private val users: UserDirectory) : VerificationCodeBackend {
 *     override fun verifyCode(accountId: String, code: ByteArray): Boolean {
 *         val response = api.verify(users.userFor(accountId), String(code, Charsets.UTF_8)).execute()
 *         return when (response.code()) { 200 -> true; 401, 403, 410 -> false; else -> throw IOException("HTTP ${response.code()}") }
 *     }
 * }
 * ```
 */
fun interface VerificationCodeBackend {
    fun verifyCode(accountId: String, code: ByteArray): Boolean
}

/**
 * The hook to pass as `appCodeVerifier` to `WalletCore(...)` / [WalletSession.open].
 * `timeoutSeconds` bounds one server call.
 */
class BackendAppCodeVerifier(
    private val backend: VerificationCodeBackend,
    private val timeoutSeconds: Long = 30,
    private val isMainThread: () -> Boolean = { Looper.myLooper() == Looper.getMainLooper() },
) : AppCodeVerifier {
    override fun verifyCode(accountId: String, code: ByteArray): Boolean {
        if (isMainThread()) throw AppCodeException.Other("the verification code must not be checked on the main thread")
        // The backend gets its own copy, wiped when it returns (even after a timeout gave up on it).
        val copy = code.copyOf()
        code.fill(0)
        val call = pool.submit<Boolean> {
            try {
                backend.verifyCode(accountId, copy)
            } finally {
                copy.fill(0)
            }
        }
        try {
            return call.get(timeoutSeconds, TimeUnit.SECONDS)
        } catch (e: TimeoutException) {
            call.cancel(true)
            throw AppCodeException.Unavailable("the verification server did not answer in time")
        } catch (e: InterruptedException) {
            call.cancel(true)
            Thread.currentThread().interrupt()
            throw AppCodeException.Unavailable("the check was interrupted")
        } catch (e: ExecutionException) {
            throw map(e.cause ?: e)
        }
    }

    companion object {
        /** A failure of the app's client as the core reports it. */
        fun map(e: Throwable): AppCodeException = when (e) {
            is AppCodeException -> e
            is IOException -> AppCodeException.Unavailable("the verification server cannot be reached (${e.javaClass.simpleName})")
            else -> AppCodeException.Other("the verification failed (${e.javaClass.simpleName})")
        }

        // Daemon threads: a call stuck in a client that ignores interrupts never keeps the app alive.
        private val pool = Executors.newCachedThreadPool(ThreadFactory { r ->
            Thread(r, "imwallet-app-code").apply { isDaemon = true }
        })
    }
}
