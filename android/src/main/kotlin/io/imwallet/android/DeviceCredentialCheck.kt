// The Android DeviceOwnerCheck: the device credential (PIN, pattern or password) confirmed through
// KeyguardManager.createConfirmDeviceCredentialIntent, started by the app's Activity and answered
// in its onActivityResult. The core calls `confirmDeviceOwner` from its blocking pool with no lock
// held (e.g. "reset app" while a wallet is not backed up); the screen runs on the main thread, and
// this call waits for its result. Calling it on the main thread would deadlock, so it is refused.
package io.imwallet.android

import android.app.Activity
import android.app.KeyguardManager
import android.content.Context
import android.content.Intent
import android.os.Looper
import io.imwallet.DeviceOwnerCheck
import io.imwallet.WalletException
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference

/**
 * Waits on a background thread for one asynchronous yes/no answer (an Activity result). A timeout,
 * a second request while one is pending, or an exception while starting the screen all count as
 * "not confirmed" or a typed failure; the main thread is refused.
 */
class DeviceCredentialBridge(private val isMainThread: () -> Boolean, private val timeoutSeconds: Long = 120) {
    private val pending = AtomicReference<Pair<CountDownLatch, AtomicReference<Boolean?>>?>(null)

    /** Starts the screen via [show] and blocks until [complete] is called or the wait times out. */
    fun await(show: () -> Unit): Boolean {
        if (isMainThread()) throw WalletException.HookFailed("the device-owner check must not be called on the main thread")
        val latch = CountDownLatch(1)
        val answer = AtomicReference<Boolean?>(null)
        if (!pending.compareAndSet(null, latch to answer)) {
            throw WalletException.HookFailed("a device-owner check is already in progress")
        }
        try {
            try {
                show()
            } catch (e: Exception) {
                throw WalletException.HookFailed("could not show the device credential screen: $e")
            }
            latch.await(timeoutSeconds, TimeUnit.SECONDS)
            return answer.get() == true
        } finally {
            pending.set(null)
        }
    }

    /** Delivers the answer of the pending request (ignored when none is pending). */
    fun complete(confirmed: Boolean) {
        val p = pending.get() ?: return
        if (p.second.compareAndSet(null, confirmed)) p.first.countDown()
    }
}

/**
 * The hook to pass as `deviceOwner` to `WalletCore(...)`. Forward the Activity's
 * `onActivityResult` to [onActivityResult].
 */
class DeviceCredentialCheck(
    private val activity: Activity,
    private val requestCode: Int = REQUEST_CODE,
    private val title: String = "Confirm it's you",
) : DeviceOwnerCheck {
    private val keyguard = activity.getSystemService(Context.KEYGUARD_SERVICE) as KeyguardManager
    private val bridge = DeviceCredentialBridge({ Looper.myLooper() == Looper.getMainLooper() })

    /** True when a PIN, pattern or password is set (otherwise nothing can be confirmed). */
    override fun canConfirmDeviceOwner(): Boolean = keyguard.isDeviceSecure

    @Suppress("DEPRECATION") // the framework API that needs no AndroidX dependency
    override fun confirmDeviceOwner(reason: String): Boolean {
        if (!keyguard.isDeviceSecure) return false
        val intent: Intent = keyguard.createConfirmDeviceCredentialIntent(title, reason) ?: return false
        return bridge.await { activity.runOnUiThread { activity.startActivityForResult(intent, requestCode) } }
    }

    /** Call from `Activity.onActivityResult`; returns true when the result was this check's. */
    fun onActivityResult(requestCode: Int, resultCode: Int): Boolean {
        if (requestCode != this.requestCode) return false
        bridge.complete(resultCode == Activity.RESULT_OK)
        return true
    }

    companion object {
        const val REQUEST_CODE = 0x1d0e
    }
}
