// The hardware-key factor (issue 17, item 6) through the Kotlin bindings on the JVM, with a
// scripted security key (FakeHardwareKey, like the Rust `MemoryHardwareKey`): the password and the
// key together open the wallet, neither alone; a wrong key is a wrong password (same error,
// counted); turning the factor on and off needs the proofs; AccountInfo follows.
// Compiled with WalletFlowsTest.kt (PW, PW2, deviceFor) and run by its own main.
import io.imwallet.*
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test
import org.junit.runner.JUnitCore
import java.nio.file.Files
import java.security.SecureRandom
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import kotlin.system.exitProcess
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertTrue

/**
 * A security key with the PRF extension, scripted: one random secret per account (a new one at
 * every enrollment), PRF = HMAC-SHA256(secret, salt). `script` makes the next calls fail;
 * `swap` plays another key being tapped.
 */
class FakeHardwareKey : HardwareKey {
    private val secrets = ConcurrentHashMap<String, ByteArray>()
    val script: MutableList<Exception> = Collections.synchronizedList(mutableListOf())
    @Volatile var prompts = 0

    private fun scripted() {
        prompts++
        if (script.isNotEmpty()) throw script.removeAt(0)
    }

    fun swap(accountId: String) { secrets[accountId] = ByteArray(32).also { SecureRandom().nextBytes(it) } }

    override fun enroll(accountId: String, accountName: String) { scripted(); swap(accountId) }

    override fun prf(accountId: String, salt: ByteArray): ByteArray {
        scripted()
        val secret = secrets[accountId] ?: throw HardwareKeyException.NotPresent()
        return Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(secret, "HmacSHA256")) }.doFinal(salt)
    }
}

class HardwareKeyTest {
    private val dir = Files.createTempDirectory("imwallet-kt-hw")
    private val key = FakeHardwareKey()
    private fun open(hk: HardwareKey? = key) =
        WalletCore(CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), null, null, null, deviceKeys = deviceFor(dir), hardwareKey = hk)
    private var core = open()

    @After fun close() { core.close(); dir.toFile().deleteRecursively() }

    private fun enabled() = core.accounts().single().hardwareKeyEnabled

    /** An account with the factor on, locked. */
    private suspend fun withFactor(): String {
        val id = core.createAccount("Hana", PW, 12u, Language.ENGLISH).account.id
        core.enableHardwareKey(PW)
        assertTrue(enabled())
        core.lock()
        return id
    }

    /**
     * Turning the factor on (`on`) or off with `toggle`: a wrong password or a dismissed key
     * changes nothing (turning it on, a wrong password never reaches the key); the right proofs
     * flip it and log `event`; a second call is refused as invalid input.
     */
    private suspend fun toggleNeedsBothProofs(on: Boolean, event: String, toggle: suspend (ByteArray) -> Unit) {
        val prompts = key.prompts
        assertFailsWith<WalletException.InvalidCredentials> { toggle(PW2) }
        assertEquals(!on, enabled())
        if (on) assertEquals(prompts, key.prompts, "a wrong password never reaches the key")
        key.script += HardwareKeyException.Cancelled()
        assertFailsWith<WalletException.HardwareKeyCancelled> { toggle(PW) }
        assertEquals(!on, enabled())
        toggle(PW)
        assertEquals(on, enabled())
        assertTrue(event in core.securityEvents(10u).map { it.kind })
        assertFailsWith<WalletException.InvalidInput> { toggle(PW) }
    }

    @Test fun theFakeIsADeterministicPrf() {
        key.enroll("a", "A")
        val salt = ByteArray(32) { it.toByte() }
        val out = key.prf("a", salt)
        assertEquals(32, out.size)
        assertContentEquals(out, key.prf("a", salt))
        assertFalse(out.contentEquals(key.prf("a", ByteArray(32))), "another salt, another output")
        key.swap("a")
        assertFalse(out.contentEquals(key.prf("a", salt)), "another key, another output")
        assertFailsWith<HardwareKeyException.NotPresent> { key.prf("nobody", salt) }
    }

    @Test fun enablingNeedsThePasswordAndTheKey() = runBlocking<Unit> {
        core.createAccount("Ivo", PW, 12u, Language.ENGLISH)
        assertFalse(enabled())
        toggleNeedsBothProofs(on = true, event = "hardware_key_enabled") { core.enableHardwareKey(it) }
    }

    @Test fun passwordAndKeyTogetherUnlock() = runBlocking<Unit> {
        withFactor()
        assertIs<SessionState.Unlocked>(core.unlock(PW).state)
        core.lock()
        key.script += HardwareKeyException.Cancelled()
        assertFailsWith<WalletException.HardwareKeyCancelled> { core.unlock(PW) }
        assertIs<SessionState.Locked>(core.state())
        key.script += HardwareKeyException.NotPresent()
        assertFailsWith<WalletException.HardwareKeyUnavailable> { core.unlock(PW) }
        key.script += HardwareKeyException.Other("the key has no PRF")
        val other = assertFailsWith<WalletException.HardwareKeyUnavailable> { core.unlock(PW) }
        assertTrue("no PRF" in other.reason)
        key.script += IllegalStateException("host bug")
        assertFailsWith<WalletException.HardwareKeyUnavailable> { core.unlock(PW) }
        assertIs<SessionState.Locked>(core.state())
        core.close()
        // An app without the hook cannot open it with the password alone.
        core = open(null)
        assertFailsWith<WalletException.HardwareKeyUnavailable> { core.login("Hana", PW) }
        assertIs<SessionState.Locked>(core.state())
    }

    @Test fun aSwappedKeyIsAWrongPasswordAndCounts() = runBlocking<Unit> {
        val id = withFactor()
        val wrongPassword = assertFailsWith<WalletException.InvalidCredentials> { core.unlock(PW2) }
        key.swap(id)
        val wrongKey = assertFailsWith<WalletException.InvalidCredentials> { core.unlock(PW) }
        assertEquals(wrongPassword.attemptsLeft - 1u, wrongKey.attemptsLeft, "the wrong key was counted")
        assertEquals(wrongPassword.reason.replace(Regex("[0-9]"), ""), wrongKey.reason.replace(Regex("[0-9]"), ""))
        assertIs<SessionState.Locked>(core.state())
        assertTrue(core.securityEvents(20u).count { it.kind == "login_failed" } >= 2)
    }

    @Test fun disablingNeedsBothAndThePasswordAloneWorksAfter() = runBlocking<Unit> {
        withFactor()
        core.unlock(PW)
        toggleNeedsBothProofs(on = false, event = "hardware_key_disabled") { core.disableHardwareKey(it) }
        core.close()
        core = open(null)
        assertIs<SessionState.Unlocked>(core.login("Hana", PW).state)
        assertFalse(enabled())
    }
}

fun main() {
    val r = JUnitCore.runClasses(HardwareKeyTest::class.java)
    r.failures.forEach { println("FAIL ${it.testHeader}: ${it.trace}") }
    println("kotlin-hardware-key: ${r.runCount - r.failureCount} passed, ${r.failureCount} failed")
    exitProcess(if (r.wasSuccessful() && r.runCount > 0) 0 else 1)
}
