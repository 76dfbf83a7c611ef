// Lifecycle wiring: one Application.ActivityLifecycleCallbacks that tells the core when the app
// goes to the background and comes back (the core decides whether that locks: `Immediate`, or a
// timeout that ran out while away), reports user activity (touches and keys) so the idle
// auto-lock restarts, and sets FLAG_SECURE on every screen that shows the recovery phrase (no
// screenshots, no recents thumbnail). The reports go to the core in order on one background
// thread: a core call may wait for a running transaction (a logout, an erase), which must never
// hold up the main thread. Framework APIs only; run under Robolectric in tests/robolectric.
//
//     class WalletApp : Application() {
//         override fun onCreate() { super.onCreate(); WalletLifecycle(CoreCalls(core)).install(this) }
//     }
//     class PhraseActivity : Activity(), ShowsRecoveryPhrase { … }
package io.imwallet.android

import android.app.Activity
import android.app.Application
import android.os.Bundle
import android.view.KeyEvent
import android.view.MotionEvent
import android.view.Window
import android.view.WindowManager
import io.imwallet.android.flows.LifecycleCalls
import java.util.concurrent.Executor
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicBoolean

/** Marks an Activity that shows the recovery phrase (or another secret): it gets FLAG_SECURE. */
interface ShowsRecoveryPhrase

class WalletLifecycle(
    private val calls: LifecycleCalls,
    /**
     * A failed report, for the app's log: a `WalletException` (the core could not write its
     * state), or an `IllegalStateException` once the core was closed. Never thrown: an uncaught
     * exception on the report thread would end the process.
     */
    private val onError: (Exception) -> Unit = {},
    /** Runs the reports in order, off the main thread. */
    private val reports: Executor = Executors.newSingleThreadExecutor { r -> Thread(r, "imwallet-lifecycle").apply { isDaemon = true } },
) : Application.ActivityLifecycleCallbacks {
    private var started = 0
    private var inBackground = false
    private val touchPending = AtomicBoolean(false)

    fun install(application: Application) = application.registerActivityLifecycleCallbacks(this)

    override fun onActivityCreated(activity: Activity, savedInstanceState: Bundle?) {
        if (activity is ShowsRecoveryPhrase) activity.window.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
        val window = activity.window
        val inner = window.callback
        if (inner !is TouchReporter) window.callback = TouchReporter(inner, ::touched)
    }

    override fun onActivityStarted(activity: Activity) {
        started++
        if (started == 1 && inBackground) {
            inBackground = false
            report { calls.appForegrounded() }
        }
    }

    override fun onActivityStopped(activity: Activity) {
        started = (started - 1).coerceAtLeast(0)
        // A rotation stops and restarts the Activity: not a trip to the background.
        if (started == 0 && !activity.isChangingConfigurations) {
            inBackground = true
            report { calls.appBackgrounded() }
        }
    }

    override fun onActivityResumed(activity: Activity) {}
    override fun onActivityPaused(activity: Activity) {}
    override fun onActivitySaveInstanceState(activity: Activity, outState: Bundle) {}
    override fun onActivityDestroyed(activity: Activity) {}

    /** Touches come in bursts: one report waits at a time. */
    private fun touched() {
        if (touchPending.compareAndSet(false, true)) report { touchPending.set(false); calls.touch() }
    }

    private fun report(call: () -> Unit) = reports.execute {
        try {
            call()
        } catch (e: Exception) {
            onError(e)
        }
    }
}

/** The Activity's window callback, plus a report of each touch-down and key-down. */
private class TouchReporter(private val inner: Window.Callback, private val onActivity: () -> Unit) : Window.Callback by inner {
    override fun dispatchTouchEvent(event: MotionEvent): Boolean {
        if (event.actionMasked == MotionEvent.ACTION_DOWN) onActivity()
        return inner.dispatchTouchEvent(event)
    }

    override fun dispatchKeyEvent(event: KeyEvent): Boolean {
        if (event.action == KeyEvent.ACTION_DOWN) onActivity()
        return inner.dispatchKeyEvent(event)
    }
}
