// The environment probe on Android (ADR 0015): the network from ConnectivityManager /
// NetworkCapabilities (Wi-Fi security from WifiInfo.getCurrentSecurityType, API 31+), the screen
// lock from KeyguardManager.isDeviceSecure, a debugger from Debug.isDebuggerConnected and the
// kernel's TracerPid, root and emulator from the usual signals. Each answer may be "cannot tell"
// (null / NetworkKind.UNKNOWN); a source that throws makes the core count that answer as unknown,
// never as safe. Root and emulator detection are heuristics an attacker with root can hide from:
// the policy treats their "no" as a hint, and the core never trusts the shell beyond that.
//
// The platform calls are kept in `PlatformSources`; the mapping (`NetworkClassifier`,
// `RootSignals`, `EmulatorSignals`, `TracerPid`) is plain Kotlin, tested on the JVM.
//
// Manifest: ACCESS_NETWORK_STATE (network). To see root-manager apps on API 30+, declare them in
// <queries> (RootSignals.PACKAGES); without it they look absent and only the file signals count.
package io.imwallet.android

import android.app.KeyguardManager
import android.content.Context
import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import android.net.wifi.WifiInfo
import android.os.Build
import android.os.Debug
import io.imwallet.EnvironmentProbe
import io.imwallet.NetworkKind
import java.io.File

/** What NetworkCapabilities says about the active network. */
data class NetworkFacts(
    val connected: Boolean,
    val vpn: Boolean = false,
    val wifi: Boolean = false,
    val cellular: Boolean = false,
    val captivePortal: Boolean = false,
    /** `WifiInfo.getCurrentSecurityType()` (API 31+); null: not reported. */
    val wifiSecurityType: Int? = null,
)

object NetworkClassifier {
    /** Open, WEP (broken), OWE (encrypted but anyone may join) and Passpoint/OSEN hotspots. */
    val PUBLIC_SECURITY_TYPES = setOf(
        WifiInfo.SECURITY_TYPE_OPEN,
        WifiInfo.SECURITY_TYPE_WEP,
        WifiInfo.SECURITY_TYPE_OWE,
        WifiInfo.SECURITY_TYPE_OSEN,
        WifiInfo.SECURITY_TYPE_PASSPOINT_R1_R2,
        WifiInfo.SECURITY_TYPE_PASSPOINT_R3,
    )

    fun classify(facts: NetworkFacts?): NetworkKind = when {
        facts == null -> NetworkKind.UNKNOWN
        !facts.connected -> NetworkKind.OFFLINE
        facts.vpn -> NetworkKind.VPN
        facts.wifi && facts.captivePortal -> NetworkKind.PUBLIC_WIFI
        facts.wifi -> wifi(facts.wifiSecurityType)
        facts.cellular -> NetworkKind.CELLULAR
        else -> NetworkKind.UNKNOWN
    }

    private fun wifi(securityType: Int?): NetworkKind = when {
        securityType == null || securityType < 0 -> NetworkKind.WIFI_SECURITY_UNKNOWN
        securityType in PUBLIC_SECURITY_TYPES -> NetworkKind.PUBLIC_WIFI
        else -> NetworkKind.PRIVATE_WIFI
    }
}

object RootSignals {
    val SU_PATHS = listOf(
        "/system/bin/su", "/system/xbin/su", "/sbin/su", "/system/su", "/su/bin/su", "/system/sd/xbin/su",
        "/system/bin/failsafe/su", "/data/local/su", "/data/local/bin/su", "/data/local/xbin/su", "/debug_ramdisk/su",
        "/system/app/Superuser.apk", "/data/adb/magisk", "/data/adb/ksu",
    )
    val PACKAGES = listOf(
        "com.topjohnwu.magisk", "io.github.vvb2060.magisk", "me.weishu.kernelsu", "eu.chainfire.supersu",
        "com.koushikdutta.superuser", "com.noshufou.android.su", "com.thirdparty.superuser", "com.kingroot.kinguser",
    )

    /** Test-keys build, an `su` binary or a root manager installed. */
    fun rooted(buildTags: String?, exists: (String) -> Boolean, installed: (String) -> Boolean): Boolean =
        buildTags?.contains("test-keys") == true || SU_PATHS.any(exists) || PACKAGES.any(installed)
}

/** The Build fields the emulator check reads. */
data class BuildFacts(
    val fingerprint: String,
    val model: String,
    val manufacturer: String,
    val brand: String,
    val device: String,
    val product: String,
    val hardware: String,
)

object EmulatorSignals {
    fun emulator(b: BuildFacts): Boolean =
        b.fingerprint.startsWith("generic") || b.fingerprint.startsWith("unknown") ||
            b.fingerprint.contains("emulator") || b.model.contains("google_sdk") || b.model.contains("Emulator") ||
            b.model.contains("Android SDK built for") || b.manufacturer.contains("Genymotion") ||
            (b.brand.startsWith("generic") && b.device.startsWith("generic")) ||
            b.hardware in setOf("goldfish", "ranchu", "vbox86") || b.product.startsWith("sdk") ||
            b.product.contains("emulator") || b.product.contains("simulator") || b.product.contains("vbox86p")
}

object TracerPid {
    /** `TracerPid:` of a /proc/<pid>/status text; null when absent. */
    fun of(status: String): Int? =
        status.lineSequence().firstOrNull { it.startsWith("TracerPid:") }?.substringAfter(':')?.trim()?.toIntOrNull()
}

/** The platform reads behind the probe (all on the calling thread; none shows UI). */
class PlatformSources(private val context: Context) {
    fun network(): NetworkFacts? {
        val cm = context.getSystemService(ConnectivityManager::class.java) ?: return null
        val active = cm.activeNetwork ?: return NetworkFacts(connected = false)
        val caps = cm.getNetworkCapabilities(active) ?: return null
        val wifi = caps.hasTransport(NetworkCapabilities.TRANSPORT_WIFI)
        val security = if (wifi && Build.VERSION.SDK_INT >= 31) (caps.transportInfo as? WifiInfo)?.currentSecurityType else null
        return NetworkFacts(
            connected = caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET),
            vpn = caps.hasTransport(NetworkCapabilities.TRANSPORT_VPN),
            wifi = wifi,
            cellular = caps.hasTransport(NetworkCapabilities.TRANSPORT_CELLULAR),
            captivePortal = caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_CAPTIVE_PORTAL),
            wifiSecurityType = security,
        )
    }

    fun deviceSecure(): Boolean? = context.getSystemService(KeyguardManager::class.java)?.isDeviceSecure

    fun rooted(): Boolean = RootSignals.rooted(Build.TAGS, { File(it).exists() }) { name ->
        try {
            context.packageManager.getPackageInfo(name, 0)
            true
        } catch (e: Exception) {
            false
        }
    }

    fun debugger(): Boolean =
        Debug.isDebuggerConnected() || Debug.waitingForDebugger() || (TracerPid.of(File("/proc/self/status").readText()) ?: 0) != 0

    fun emulator(): Boolean = EmulatorSignals.emulator(
        BuildFacts(Build.FINGERPRINT, Build.MODEL, Build.MANUFACTURER, Build.BRAND, Build.DEVICE, Build.PRODUCT, Build.HARDWARE),
    )
}

/**
 * The shipped probe: `WalletSession.open(config, environment = AndroidEnvironmentProbe(context), …)`.
 * The core calls it off the main thread, before each sensitive action and the logout plan.
 */
class AndroidEnvironmentProbe(
    private val networkSource: () -> NetworkFacts?,
    private val screenLockSource: () -> Boolean?,
    private val rootSource: () -> Boolean?,
    private val debuggerSource: () -> Boolean?,
    private val emulatorSource: () -> Boolean?,
) : EnvironmentProbe {
    constructor(context: Context) : this(PlatformSources(context.applicationContext))

    constructor(sources: PlatformSources) :
        this(sources::network, sources::deviceSecure, sources::rooted, sources::debugger, sources::emulator)

    override fun network(): NetworkKind = NetworkClassifier.classify(networkSource())
    override fun screenLockSet(): Boolean? = screenLockSource()
    override fun rooted(): Boolean? = rootSource()
    override fun debuggerAttached(): Boolean? = debuggerSource()
    override fun emulator(): Boolean? = emulatorSource()
}
