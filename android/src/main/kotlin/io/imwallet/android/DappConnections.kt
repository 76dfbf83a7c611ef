// The Android ConnectionHook (issue 21): when the core revokes a dapp connection, a WalletConnect
// session is disconnected through the app's WalletConnect client (a callback: the SDK is not a
// framework API) and an in-app browser origin loses its site data (WebStorage, on the main
// thread); a signing request the core rejected is answered through the same client. The hook
// hands the work over and returns: the core calls it from a background thread, and the outcome
// arrives as a listener event. Pass it as `connectionHook` to `WalletCore(...)`.
package io.imwallet.android

import android.os.Handler
import android.os.Looper
import android.webkit.WebStorage
import io.imwallet.ConnectionHook
import io.imwallet.RejectedRequest
import io.imwallet.Revocation
import io.imwallet.WalletException

/** What a revocation asks of the platform. */
sealed class DappTarget {
    /** A WalletConnect session: disconnect its topic. */
    data class WalletConnect(val topic: String) : DappTarget()
    /** An in-app browser permission: clear the origin's site data. */
    data class Browser(val origin: String) : DappTarget()

    companion object {
        /** A connection whose id is its origin is a browser permission; anything else a topic. */
        fun of(r: Revocation): DappTarget =
            if (r.connectionId == r.origin || r.connectionId.startsWith("https://") || r.connectionId.startsWith("http://")) {
                Browser(r.origin)
            } else {
                WalletConnect(r.connectionId)
            }
    }
}

/**
 * @param disconnectSession the app's WalletConnect client: `SignClient.disconnect(topic)` (throws if
 *   it cannot even be asked, e.g. not initialized: the revocation is then retried on the next open).
 * @param answerRejected sends `rejection.code` / `rejection.message` to the dapp of `connectionId`.
 * @param clearOrigin clears an origin's site data; by default WebStorage.deleteOrigin on the main thread.
 */
class DappConnections(
    private val disconnectSession: (topic: String) -> Unit,
    private val answerRejected: (RejectedRequest) -> Unit,
    private val clearOrigin: (origin: String) -> Unit = { origin ->
        Handler(Looper.getMainLooper()).post { WebStorage.getInstance().deleteOrigin(origin) }
    },
) : ConnectionHook {
    override fun disconnect(revocation: Revocation) {
        try {
            when (val t = DappTarget.of(revocation)) {
                is DappTarget.WalletConnect -> disconnectSession(t.topic)
                is DappTarget.Browser -> clearOrigin(t.origin)
            }
        } catch (e: Exception) {
            throw WalletException.HookFailed("could not disconnect ${revocation.name}: $e")
        }
    }

    override fun requestRejected(rejection: RejectedRequest) {
        try {
            answerRejected(rejection)
        } catch (e: Exception) {
            throw WalletException.HookFailed("could not answer the dapp: $e")
        }
    }
}
