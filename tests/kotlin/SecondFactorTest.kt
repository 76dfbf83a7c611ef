// The second factor on login (issue 19) through the Kotlin bindings on the JVM: an authenticator
// app (javax.crypto HMAC, RFC 6238, checked against the RFC's vectors) that scans the core's
// otpauth:// URI, one-time recovery codes, and the app-verified code with a scripted app server
// (FakeAppServer, like the Rust MemoryAppCodeVerifier). Compiled with WalletFlowsTest.kt (PW,
// PW2, deviceFor) and run by its own main.
//
// The bindings have no wall-clock hook: "after a clock set back" is shown the way the core
// defends it — a code of an earlier step, which the ±1 window alone would accept, is refused
// once a later step was used.
import io.imwallet.*
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Test
import org.junit.runner.JUnitCore
import java.net.URI
import java.net.URLDecoder
import java.nio.ByteBuffer
import java.nio.file.Files
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import kotlin.system.exitProcess
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** RFC 6238 TOTP: HOTP (RFC 4226 dynamic truncation) of the 30 s time step. */
fun totp(secret: ByteArray, unixSeconds: Long, digits: Int = 6, algorithm: String = "HmacSHA1"): String {
    val mac = Mac.getInstance(algorithm).apply { init(SecretKeySpec(secret, algorithm)) }
    val h = mac.doFinal(ByteBuffer.allocate(8).putLong(unixSeconds / 30).array())
    val o = h.last().toInt() and 0x0f
    val v = ((h[o].toInt() and 0x7f) shl 24) or ((h[o + 1].toInt() and 0xff) shl 16) or ((h[o + 2].toInt() and 0xff) shl 8) or (h[o + 3].toInt() and 0xff)
    var m = 1
    repeat(digits) { m *= 10 }
    return (v % m).toString().padStart(digits, '0')
}

fun base32Decode(text: String): ByteArray {
    val alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    var buffer = 0
    var bits = 0
    val out = java.io.ByteArrayOutputStream()
    for (c in text.trimEnd('=')) {
        buffer = (buffer shl 5) or alphabet.indexOf(c).also { require(it >= 0) { "not base32: $c" } }
        bits += 5
        if (bits >= 8) {
            out.write((buffer shr (bits - 8)) and 0xff)
            bits -= 8
        }
    }
    return out.toByteArray()
}

/** An authenticator app: scans the URI, shows the code of the moment (`offset` seconds away). */
class Authenticator(uri: ByteArray) {
    val secret: ByteArray
    val label: String

    init {
        val u = URI(String(uri, Charsets.UTF_8))
        assertEquals("otpauth", u.scheme)
        assertEquals("totp", u.host)
        val params = u.rawQuery.split("&").associate { it.substringBefore("=") to URLDecoder.decode(it.substringAfter("="), "UTF-8") }
        assertEquals("SHA1", params["algorithm"])
        assertEquals("6", params["digits"])
        assertEquals("30", params["period"])
        secret = base32Decode(params.getValue("secret"))
        label = URLDecoder.decode(u.rawPath.removePrefix("/"), "UTF-8")
    }

    fun code(offset: Long = 0) = totp(secret, System.currentTimeMillis() / 1000 + offset).toByteArray()
}

fun wrong(code: ByteArray) = ((String(code).toInt() + 500000) % 1000000).toString().padStart(6, '0').toByteArray()

/** The app's server: one code per account at a time, used up when accepted; `script` fails calls. */
class FakeAppServer : AppCodeVerifier {
    val codes = ConcurrentHashMap<String, String>()
    val script: MutableList<Exception> = java.util.Collections.synchronizedList(mutableListOf())
    val calls = AtomicInteger()

    override fun verifyCode(accountId: String, code: ByteArray): Boolean {
        calls.incrementAndGet()
        if (script.isNotEmpty()) throw script.removeAt(0)
        return codes.remove(accountId, String(code, Charsets.UTF_8))
    }
}

class SecondFactorTest {
    private val dir = Files.createTempDirectory("imwallet-kt-2fa")
    private val server = FakeAppServer()
    private var core = open()

    private fun open(unlockPolicy: Boolean = false, at: java.nio.file.Path = dir) = WalletCore(
        CoreConfig(at.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never, unlockNeedsSecondFactor = unlockPolicy),
        null, null, null, deviceKeys = deviceFor(at), appCodeVerifier = server,
    )

    @After fun close() { core.close(); dir.toFile().deleteRecursively() }

    private fun method() = core.accounts().single().secondFactor

    private suspend fun logout() {
        val plan = core.prepareLogout(LogoutOptions(clearCaches = false, keepGlobalCaches = true, removeWallet = false))
        core.logout(plan.token, confirm())
    }

    private suspend fun withTotp(c: WalletCore = core, name: String = "Ann"): Pair<Authenticator, RecoveryCodes> {
        c.createAccount(name, PW, 12u, Language.ENGLISH)
        val app = Authenticator(c.beginTotpEnrollment(PW).otpauthUri)
        return app to c.confirmTotpEnrollment(app.code())
    }

    @Test fun theSuitesAuthenticatorMeetsTheRfc6238Vectors() {
        val sha1 = "12345678901234567890".toByteArray()
        val sha256 = "12345678901234567890123456789012".toByteArray()
        val sha512 = "1234567890123456789012345678901234567890123456789012345678901234".toByteArray()
        val vectors = listOf(
            listOf(59L, "94287082", "46119246", "90693936"),
            listOf(1111111109L, "07081804", "68084774", "25091201"),
            listOf(1111111111L, "14050471", "67062674", "99943326"),
            listOf(1234567890L, "89005924", "91819424", "93441116"),
            listOf(2000000000L, "69279037", "90698825", "38618901"),
            listOf(20000000000L, "65353130", "77737706", "47863826"),
        )
        for (v in vectors) {
            val t = v[0] as Long
            assertEquals(v[1], totp(sha1, t, 8))
            assertEquals(v[2], totp(sha256, t, 8, "HmacSHA256"))
            assertEquals(v[3], totp(sha512, t, 8, "HmacSHA512"))
        }
    }

    @Test fun enrollmentNeedsThePasswordAndAValidCode() = runBlocking<Unit> {
        core.createAccount("Ann: main", PW, 12u, Language.ENGLISH)
        assertFailsWith<WalletException.InvalidCredentials> { core.beginTotpEnrollment(PW2) }
        val e = core.beginTotpEnrollment(PW, "My Wallet")
        assertRedacted(e.toString(), e.secretBase32)
        val app = Authenticator(e.otpauthUri)
        assertEquals("My Wallet:Ann: main", app.label)
        assertEquals(20, app.secret.size)
        assertTrue(core.secondFactorStatus().totpEnrollmentPending)
        assertFailsWith<WalletException.SecondFactorCodeRejected> { core.confirmTotpEnrollment(wrong(app.code())) }
        assertNull(method(), "a wrong code does not turn it on")
        val codes = core.confirmTotpEnrollment(app.code())
        assertEquals(10, codes.codes.size)
        assertEquals(10, codes.codes.map { String(it) }.toSet().size)
        assertRedacted(codes.toString(), codes.codes[0])
        assertEquals(SecondFactorMethod.TOTP, method())
        assertEquals(10u, core.secondFactorStatus().recoveryCodesLeft)
        assertTrue("second_factor_enabled" in core.securityEvents(10u).map { it.kind })
    }

    @Test fun loginNeedsTheCodeAndACodeWorksOnce() = runBlocking<Unit> {
        val (app, codes) = withTotp()
        logout()
        val left = core.attemptStatus("Ann").attemptsLeft
        assertEquals(left - 1u, assertFailsWith<WalletException.InvalidCredentials> { core.login("Ann", PW) }.attemptsLeft, "a missing code counts")
        // The enrollment used this step's code: the app's next one (inside the ±1 window).
        val code = app.code(30)
        assertEquals(left - 2u, assertFailsWith<WalletException.InvalidCredentials> { core.login("Ann", PW, SecondFactor.Totp(wrong(code))) }.attemptsLeft)
        assertIs<SessionState.Unlocked>(core.login("Ann", PW, SecondFactor.Totp(code)).state)
        logout()
        assertFailsWith<WalletException.InvalidCredentials> { core.login("Ann", PW, SecondFactor.Totp(code)) }
        // The current step's code: earlier than the one used, inside the window (what setting
        // the clock back brings in): refused.
        assertFailsWith<WalletException.InvalidCredentials> { core.login("Ann", PW, SecondFactor.Totp(app.code())) }
        assertIs<SessionState.LoggedOut>(core.state())
        // A recovery code works once; a locked session unlocks with the password (policy off).
        assertIs<SessionState.Unlocked>(core.login("Ann", PW, SecondFactor.RecoveryCode(codes.codes[0])).state)
        assertEquals(9u, core.secondFactorStatus().recoveryCodesLeft)
        core.lock()
        assertIs<SessionState.Unlocked>(core.unlock(PW).state)
        logout()
        assertFailsWith<WalletException.InvalidCredentials> { core.login("Ann", PW, SecondFactor.RecoveryCode(codes.codes[0])) }
    }

    @Test fun aWrongCodeAndAWrongPasswordLookTheSame() = runBlocking<Unit> {
        val other = Files.createTempDirectory("imwallet-kt-2fa-b")
        val b = open(at = other)
        val (appA, _) = withTotp(core, "Eve")
        val (appB, _) = withTotp(b, "Eve")
        logout()
        b.logout(b.prepareLogout(LogoutOptions(false, true, false)).token, confirm())
        repeat(6) {
            val ea = runCatching { core.login("Eve", PW2, SecondFactor.Totp(wrong(appA.code()))) }.exceptionOrNull()!!
            val eb = runCatching { b.login("Eve", PW, SecondFactor.Totp(wrong(appB.code()))) }.exceptionOrNull()!!
            assertEquals(ea::class, eb::class)
            assertEquals(ea.message, eb.message)
            assertEquals(core.attemptStatus("Eve"), b.attemptStatus("Eve"))
            assertEquals(core.securityEvents(3u).map { it.kind to it.detail }, b.securityEvents(3u).map { it.kind to it.detail })
        }
        assertIs<WalletException.TooManyAttempts>(runCatching { b.login("Eve", PW, SecondFactor.Totp(appB.code())) }.exceptionOrNull())
        b.close()
        other.toFile().deleteRecursively()
    }

    @Test fun turningItOffNeedsThePasswordAndAFactor() = runBlocking<Unit> {
        val (_, codes) = withTotp()
        val rc = SecondFactor.RecoveryCode(codes.codes[0])
        assertFailsWith<WalletException.InvalidCredentials> { core.disableSecondFactor(PW2, rc) }
        assertFailsWith<WalletException.InvalidCredentials> { core.disableSecondFactor(PW, SecondFactor.RecoveryCode("AAAAA-AAAAA".toByteArray())) }
        assertEquals(SecondFactorMethod.TOTP, method())
        val fresh = core.regenerateRecoveryCodes(PW, rc)
        assertFailsWith<WalletException.InvalidCredentials> { core.disableSecondFactor(PW, SecondFactor.RecoveryCode(codes.codes[1])) }
        core.disableSecondFactor(PW, SecondFactor.RecoveryCode(fresh.codes[0]))
        assertNull(method())
        assertTrue("second_factor_disabled" in core.securityEvents(5u).map { it.kind })
        logout()
        assertIs<SessionState.Unlocked>(core.login("Ann", PW).state)
    }

    @Test fun theAppVerifiedCodeAndTheUnlockPolicy() = runBlocking<Unit> {
        core.close()
        core = open(unlockPolicy = true)
        val id = core.createAccount("Hal", PW, 12u, Language.ENGLISH).account.id
        server.codes[id] = "481516"
        assertFailsWith<WalletException.SecondFactorCodeRejected> { core.enableAppVerifiedFactor(PW, "000000".toByteArray()) }
        val codes = core.enableAppVerifiedFactor(PW, "481516".toByteArray())
        assertEquals(SecondFactorMethod.APP_VERIFIED, method())
        core.lock()
        assertFailsWith<WalletException.InvalidCredentials> { core.unlock(PW) }
        server.codes[id] = "2342"
        assertIs<SessionState.Unlocked>(core.unlock(PW, SecondFactor.AppVerified("2342".toByteArray())).state)
        logout()
        server.script += AppCodeException.Unavailable("no network")
        val e = assertFailsWith<WalletException.SecondFactorUnavailable> { core.login("Hal", PW, SecondFactor.AppVerified("1".toByteArray())) }
        assertTrue("no network" in e.reason)
        server.script += IllegalStateException("host bug")
        assertFailsWith<WalletException.SecondFactorUnavailable> { core.login("Hal", PW, SecondFactor.AppVerified("1".toByteArray())) }
        // Asked whatever the password; a yes never replaces it.
        val calls = server.calls.get()
        server.codes[id] = "777"
        assertFailsWith<WalletException.InvalidCredentials> { core.login("Hal", PW2, SecondFactor.AppVerified("777".toByteArray())) }
        assertEquals(calls + 1, server.calls.get())
        server.codes[id] = "778"
        assertIs<SessionState.Unlocked>(core.login("Hal", PW, SecondFactor.AppVerified("778".toByteArray())).state)
        logout()
        assertIs<SessionState.Unlocked>(core.login("Hal", PW, SecondFactor.RecoveryCode(codes.codes[0])).state)
    }

    @Test fun factorValuesPrintRedacted() {
        val f = SecondFactor.Totp("123456".toByteArray())
        assertFalse("123456" in f.toString())
    }
}

fun main() {
    val r = JUnitCore.runClasses(SecondFactorTest::class.java)
    r.failures.forEach { println("FAIL ${it.testHeader}: ${it.trace}") }
    println("kotlin-second-factor: ${r.runCount - r.failureCount} passed, ${r.failureCount} failed")
    exitProcess(if (r.wasSuccessful() && r.runCount > 0) 0 else 1)
}
