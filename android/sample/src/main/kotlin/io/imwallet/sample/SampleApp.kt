// Sample: the Application that opens the wallet once and wires the lifecycle. The platform hooks
// are the shipped ones (Keystore + BiometricPrompt, the boot clock, Keystore device keys); the
// environment probe is left out here. Not run on the project machines (the Keystore provider
// does not exist on the JVM): the Robolectric tests use their own Application with fakes.
package io.imwallet.sample

import android.app.Application
import io.imwallet.AutoLock
import io.imwallet.CoreConfig
import io.imwallet.KdfProfile
import io.imwallet.android.AndroidBootClock
import io.imwallet.android.KeystoreBiometricStore
import io.imwallet.android.WalletLifecycle
import io.imwallet.android.WalletSession
import io.imwallet.android.flows.CoreCalls

class SampleApp : Application(), WalletHost {
    lateinit var opened: WalletSession.Opened
        private set
    override val wallet: CoreCalls by lazy { CoreCalls(opened.core) }

    override fun onCreate() {
        super.onCreate()
        // Opening reads the store and the Keystore: a shipping app does it on a background
        // thread behind its splash screen; the sample keeps it in one line.
        opened = WalletSession.open(
            CoreConfig(filesDir.path, KdfProfile.PRODUCTION, AutoLock.AfterSeconds(300u)),
            keyStore = KeystoreBiometricStore(this, mainExecutor),
            bootClock = AndroidBootClock(this),
        )
        WalletLifecycle(wallet).install(this)
    }
}
