// Issue 18 through the Kotlin bindings: summarize a 1559 request for the confirmation screen,
// sign it, the SignTransaction gate, the declared-chain check and a hostile request.
import io.imwallet.*
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test
import java.nio.file.Files
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue

const val JUNK = "test test test test test test test test test test test junk"
const val ADDR0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
const val SEND_1559 = """{"type":"0x2","chainId":"0x1","nonce":"0x0","maxFeePerGas":"0x6fc23ac00","maxPriorityFeePerGas":"0x77359400",
  "gas":"0x5208","to":"0x3535353535353535353535353535353535353535","value":"1500000000000000000"}"""

class TransactionsTest {
    private val dir = Files.createTempDirectory("imwallet-kt-tx")
    private val core = WalletCore(CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), null, null, null)

    @After fun close() { core.close(); dir.toFile().deleteRecursively() }

    @Test fun signA1559TransferBehindItsGate() = runBlocking<Unit> {
        core.importAccount("Tess", JUNK.toByteArray(), null, PW)
        // The confirmation screen shows the core's summary, never its own parse.
        val s = summarizeTransaction(SEND_1559, 1uL)
        assertEquals(TransactionType.EIP1559, s.transactionType)
        assertEquals(TransactionKind.TRANSFER, s.kind)
        assertEquals(1uL, s.chainId)
        assertEquals("0x3535353535353535353535353535353535353535", s.to)
        assertEquals("1.5", s.valueEth)
        assertEquals("1500000000000000000", s.valueWei)
        assertEquals("30000000000", s.maxFeePerGasWei)
        assertEquals("2000000000", s.maxPriorityFeePerGasWei)
        assertNull(s.gasPriceWei)
        assertEquals(21000uL, s.gasLimit)
        assertEquals("0.00063", s.maxFeeEth)
        assertEquals("1.50063", s.maxTotalEth)
        assertEquals(0u, s.dataLen)

        val signed = core.signTransaction(0u, SEND_1559, 1uL)
        assertEquals(s, signed.summary)
        assertEquals(ADDR0, signed.sender)
        assertEquals(2, signed.raw[0].toInt())
        assertEquals("0x" + signed.raw.joinToString("") { "%02x".format(it) }, signed.rawHex)
        assertEquals(66, signed.hash.length)

        // Its own gate: a password policy needs an authorization, used once.
        core.setGatePolicy(GatedAction.SIGN_TRANSACTION, GatePolicy(Gate.PASSWORD, null), AuthProof.Password(PW))
        val e = assertFailsWith<WalletException.AuthorizationRequired> { core.signTransaction(0u, SEND_1559, 1uL) }
        assertEquals("sign_transaction", e.action)
        core.signMessage(0u, byteArrayOf(1))   // other actions keep their own gates
        core.authorize(GatedAction.SIGN_TRANSACTION, AuthProof.Password(PW))
        assertContentEquals(signed.raw, core.signTransaction(0u, SEND_1559, 1uL).raw)
        assertFailsWith<WalletException.AuthorizationRequired> { core.signTransaction(0u, SEND_1559, 1uL) }

        // Another chain than the app's, and a hostile request: typed, nothing signed.
        val wrong = assertFailsWith<WalletException.ChainIdMismatch> { core.signTransaction(0u, SEND_1559, 5uL) }
        assertEquals(5uL, wrong.expected)
        assertEquals(1uL, wrong.found)
        val bad = assertFailsWith<WalletException.InvalidInput> {
            summarizeTransaction(SEND_1559.replace("0x77359400", "0x6fc23ac01"), 1uL)
        }
        assertEquals("InvalidTransaction", bad.kind)
        assertTrue("maxPriorityFeePerGas" in bad.reason)
    }
}
