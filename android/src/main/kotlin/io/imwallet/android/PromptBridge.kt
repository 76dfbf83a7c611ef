// Bridges an asynchronous platform prompt to the core's synchronous key-store call. The core
// calls `SecureKeyStore.load` from its blocking pool; the prompt itself must run on the main
// thread. Calling from the main thread would deadlock, so it is refused.
package io.imwallet.android

import io.imwallet.KeyStoreException
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference

class PromptBridge<T>(private val isMainThread: () -> Boolean, private val timeoutSeconds: Long = 120) {
    private val latch = CountDownLatch(1)
    private val result = AtomicReference<Result<T>?>(null)

    /** Completes the wait with a value (first completion wins). */
    fun succeed(value: T) { if (result.compareAndSet(null, Result.success(value))) latch.countDown() }

    /** Completes the wait with a typed failure (first completion wins). */
    fun fail(error: KeyStoreException) { if (result.compareAndSet(null, Result.failure(error))) latch.countDown() }

    /** Starts the prompt via [show] and blocks until it completes, fails or times out. */
    fun await(show: (PromptBridge<T>) -> Unit): T {
        if (isMainThread()) throw KeyStoreException.Other("the key store must not be called on the main thread")
        try {
            show(this)
        } catch (e: KeyStoreException) {
            fail(e)
        } catch (e: Exception) {
            fail(KeyStoreException.Other(e.toString()))
        }
        if (!latch.await(timeoutSeconds, TimeUnit.SECONDS)) {
            fail(KeyStoreException.Cancelled())
        }
        return result.get()!!.getOrThrow()
    }
}
