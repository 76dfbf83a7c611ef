// The attempt limiter's boot clock on Android: `SystemClock.elapsedRealtime()` (counts deep
// sleep, never set by the user) and `Settings.Global.BOOT_COUNT` as the boot's identity. Without
// BOOT_COUNT (API < 24, or a vendor that hides it) the boot's wall-clock start, rounded to a
// minute, stands in: a wall-clock change then looks like a new boot, which only restarts a
// delay in full — never shortens it.
package io.imwallet.android

import android.content.Context
import android.os.SystemClock
import android.provider.Settings
import io.imwallet.BootClock
import io.imwallet.WalletException

class AndroidBootClock(
    private val bootCount: () -> Int?,
    private val elapsedRealtimeMs: () -> Long = { SystemClock.elapsedRealtime() },
    private val wallClockMs: () -> Long = { System.currentTimeMillis() },
) : BootClock {
    constructor(context: Context) : this({
        try {
            Settings.Global.getInt(context.contentResolver, Settings.Global.BOOT_COUNT)
        } catch (e: Settings.SettingNotFoundException) {
            null
        }
    })

    override fun bootId(): String {
        val count = bootCount()
        if (count != null) return "android-boot-$count"
        val started = wallClockMs() - elapsedRealtimeMs()
        if (started <= 0) throw WalletException.HookFailed("no boot identity available")
        return "android-boot-at-${started / 60_000}"
    }

    override fun sinceBootSecs(): ULong {
        val ms = elapsedRealtimeMs()
        if (ms < 0) throw WalletException.HookFailed("elapsedRealtime went negative")
        return (ms / 1000).toULong()
    }
}
