// A SessionListener that exposes the core's state as a StateFlow for Compose/ViewModels, and
// security events as a SharedFlow. `WalletSession.open` is how the Android shell opens the data
// directory: always bound to this phone's Keystore device keys (a copy of the directory opens
// nothing elsewhere).
package io.imwallet.android

import io.imwallet.AppCodeVerifier
import io.imwallet.BootClock
import io.imwallet.CoreConfig
import io.imwallet.DeviceKeyStore
import io.imwallet.DeviceOwnerCheck
import io.imwallet.EnvironmentProbe
import io.imwallet.HardwareKey
import io.imwallet.SecureKeyStore
import io.imwallet.SecurityEvent
import io.imwallet.SessionListener
import io.imwallet.SessionState
import io.imwallet.WalletCore
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.flow.asStateFlow

class WalletSession(initial: SessionState) : SessionListener {
    private val _state = MutableStateFlow(initial)
    private val _events = MutableSharedFlow<SecurityEvent>(extraBufferCapacity = 64)

    val state: StateFlow<SessionState> = _state.asStateFlow()
    val events: SharedFlow<SecurityEvent> = _events.asSharedFlow()

    override fun onStateChanged(state: SessionState) { _state.value = state }
    override fun onSecurityEvent(event: SecurityEvent) { _events.tryEmit(event) }

    /** An open data directory and the session that follows it. */
    data class Opened(val core: WalletCore, val session: WalletSession)

    companion object {
        /**
         * Opens (creating if needed) the data directory bound to this phone's device keys. Call it
         * off the main thread. Throws `WalletException.DeviceKeyUnavailable` (show "unlock your phone
         * and retry"; nothing is lost) or `WalletException.DeviceKeyLost` (the data belongs to keys
         * that are not on this phone: offer `quarantineDamagedData` and a restore from the recovery
         * phrase) besides the usual open errors. `deviceKeys` is replaceable for tests only; it is
         * never null, so the shell never runs unbound. `hardwareKey` (a [Fido2HardwareKey]) lets
         * accounts turn on the security-key factor and unlock with it; `appCodeVerifier` (a
         * [BackendAppCodeVerifier]) checks the codes the app's server sends, for accounts with the
         * app-verified second factor (ADR 0014). `environment` (an [AndroidEnvironmentProbe])
         * answers the environment policy's questions; without it every answer is "cannot tell"
         * (the policy then warns where it would warn or refuse).
         */
        fun open(
            config: CoreConfig,
            deviceKeys: DeviceKeyStore = KeystoreDeviceKeys(),
            environment: EnvironmentProbe? = null,
            keyStore: SecureKeyStore? = null,
            bootClock: BootClock? = null,
            deviceOwner: DeviceOwnerCheck? = null,
            hardwareKey: HardwareKey? = null,
            appCodeVerifier: AppCodeVerifier? = null,
        ): Opened {
            val session = WalletSession(SessionState.NoAccount)
            val core = WalletCore(config, environment, session, keyStore, bootClock, deviceOwner, deviceKeys, hardwareKey, appCodeVerifier = appCodeVerifier)
            session.onStateChanged(core.state())
            return Opened(core, session)
        }
    }
}
