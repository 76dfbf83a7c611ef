// Issue 21 through the Kotlin bindings: dapp connections survive a lock and are revoked on
// logout (the hook once per connection, the report right), a failing hook leaves revocations
// that complete on the next open, a lock rejects pending signing requests, ungranted accounts
// and chains are refused, the clipboard hook is told to clear.
import io.imwallet.*
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test
import java.nio.file.Files
import java.util.Collections
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/** The shell's WalletConnect side: records calls; fails while [fail]. */
class FakeDapps(@Volatile var fail: Boolean = false) : ConnectionHook {
    val disconnected: MutableList<Revocation> = Collections.synchronizedList(mutableListOf())
    val rejected: MutableList<RejectedRequest> = Collections.synchronizedList(mutableListOf())
    override fun disconnect(revocation: Revocation) {
        if (fail) throw RuntimeException("relay unreachable")
        disconnected.add(revocation)
    }
    override fun requestRejected(rejection: RejectedRequest) { rejected.add(rejection) }
    fun ids(): List<String> = synchronized(disconnected) { disconnected.map { it.connectionId }.sorted() }
}

class FakeClipboard : ClipboardHook {
    val cleared: MutableList<ClipboardClearReason> = Collections.synchronizedList(mutableListOf())
    override fun clear(reason: ClipboardClearReason) { cleared.add(reason) }
}

class ConnectionsTest {
    private val dir = Files.createTempDirectory("imwallet-kt-dapps")
    private val opened = mutableListOf<WalletCore>()

    private fun open(dapps: FakeDapps, clip: FakeClipboard = FakeClipboard()): WalletCore =
        WalletCore(CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), null, null, null,
            connectionHook = dapps, clipboard = clip).also { opened.add(it) }

    @After fun close() { opened.forEach { it.close() }; dir.toFile().deleteRecursively() }

    private fun conn(id: String, name: String) =
        NewConnection(id, "https://${name.lowercase()}.example", name, listOf(ADDR0), listOf(1uL), listOf("personal_sign"))

    private fun message(id: String, account: String = ADDR0, chain: ULong = 1uL) =
        NewSigningRequest(id, account, chain, RequestPayload.PersonalSign("Sign in".toByteArray()))

    private suspend fun three(core: WalletCore) {
        core.importAccount("Tess", JUNK.toByteArray(), null, PW)
        for ((id, name) in listOf("t1" to "Swapper", "t2" to "Lender", "t3" to "Gallery")) core.addConnection(conn(id, name))
    }

    private suspend fun logout(core: WalletCore): LogoutReport {
        val plan = core.prepareLogout(LogoutOptions(true, true, false))
        assertTrue(LogoutAction.DISCONNECT_DAPPS in plan.actions)
        assertEquals(listOf("Swapper", "Lender", "Gallery"), plan.dappsToDisconnect)
        return core.logout(plan.token, LogoutConfirmation(null, null, false))
    }

    @Test fun connectionsSurviveLockAndLogoutRevokesEachOnce() = runBlocking<Unit> {
        val dapps = FakeDapps()
        val core = open(dapps)
        three(core)
        core.lock()
        assertEquals(3, core.connections().size)
        assertEquals(emptyList(), dapps.ids())
        core.unlock(PW)
        val report = logout(core)
        assertEquals(List(3) { RevocationStatus.REQUESTED }, report.dappsDisconnected.map { it.status })
        assertEquals(0u, report.revocationsPending)
        assertEquals(listOf("t1", "t2", "t3"), dapps.ids())
    }

    @Test fun aFailingHookLeavesPendingRevocationsCompletedOnTheNextOpen() = runBlocking<Unit> {
        val core = open(FakeDapps(fail = true))
        three(core)
        val report = logout(core)
        assertEquals(List(3) { RevocationStatus.PENDING }, report.dappsDisconnected.map { it.status })
        assertEquals(3u, report.revocationsPending)
        core.close()
        val dapps = FakeDapps()
        val again = open(dapps)
        assertEquals(listOf("t1", "t2", "t3"), dapps.ids())
        assertEquals(emptyList(), again.pendingRevocations())
    }

    @Test fun pendingRequestsAreRejectedOnLockAndUngrantedOnesRefused() = runBlocking<Unit> {
        val dapps = FakeDapps()
        val core = open(dapps)
        three(core)
        val other = core.addresses(2u)[1]
        assertEquals(other, assertFailsWith<WalletException.AccountNotGranted> { core.submitRequest(message("t1", other)) }.account)
        assertEquals(137uL, assertFailsWith<WalletException.ChainNotGranted> { core.submitRequest(message("t1", chain = 137uL)) }.chainId)
        val req = core.submitRequest(message("t1"))
        core.lock()
        assertEquals(listOf(req.id to RejectReason.LOCKED), dapps.rejected.map { it.requestId to it.reason })
        assertEquals(4100, dapps.rejected[0].code)
        core.unlock(PW)
        assertFailsWith<WalletException.RequestNotFound> { core.approveRequest(req.id) }
        val ok = core.approveRequest(core.submitRequest(message("t2")).id)
        assertEquals(ADDR0, recoverPersonalSigner("Sign in".toByteArray(), ok.signature!!))
    }

    @Test fun theClipboardHookIsToldToClear() = runBlocking<Unit> {
        val clip = FakeClipboard()
        val core = open(FakeDapps(), clip)
        three(core)
        assertEquals(20uL, core.clipboardCopied(ClipKind.PHRASE))
        core.lock()
        assertEquals(listOf(ClipboardClearReason.LOCKED), clip.cleared.toList())
        core.unlock(PW)
        core.clipboardCopied(ClipKind.PRIVATE_KEY)
        val plan = core.prepareLogout(LogoutOptions(true, true, false))
        assertTrue(LogoutAction.CLEAR_CLIPBOARD in plan.actions)
        assertTrue(core.logout(plan.token, LogoutConfirmation(null, null, false)).clipboardCleared)
        assertEquals(ClipboardClearReason.LOGGED_OUT, clip.cleared.last())
    }
}
