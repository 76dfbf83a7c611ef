// The real flows through the Kotlin bindings on the JVM (JNA + JUnit4 + coroutines):
// create, back up, log out with warnings, log back in, auto-lock, limiter, wallet removal,
// bad inputs, Kotlin implementations of the hooks (including ones that throw), and device-bound
// keys (a copied directory on a new phone, unavailable vs lost, crypto-shredding). The rigs run
// bound to an in-memory phone (FakeDeviceKeys).
import io.imwallet.*
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Before
import org.junit.Test
import org.junit.runner.JUnitCore
import java.nio.file.Files
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import kotlin.system.exitProcess
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertTrue
import kotlin.test.assertFalse

val PW = "correct horse battery staple 42".toByteArray()
val PW2 = "another fine passphrase, 2026!".toByteArray()

/** A scripted probe: starts known and safe; `null` = cannot tell; `boom` makes every question throw. */
class FakeEnv : EnvironmentProbe {
    @Volatile var net = NetworkKind.PRIVATE_WIFI
    @Volatile var screenLock: Boolean? = true
    @Volatile var root: Boolean? = false
    @Volatile var debugger: Boolean? = false
    @Volatile var emu: Boolean? = false
    @Volatile var boom = false
    private fun <T> answer(v: T): T { if (boom) throw IllegalStateException("probe exploded"); return v }
    override fun network(): NetworkKind = answer(net)
    override fun screenLockSet(): Boolean? = answer(screenLock)
    override fun rooted(): Boolean? = answer(root)
    override fun debuggerAttached(): Boolean? = answer(debugger)
    override fun emulator(): Boolean? = answer(emu)
}

class Recorder : SessionListener {
    val states: MutableList<SessionState> = Collections.synchronizedList(mutableListOf())
    val events: MutableList<String> = Collections.synchronizedList(mutableListOf())
    override fun onStateChanged(state: SessionState) { states += state }
    override fun onSecurityEvent(event: SecurityEvent) { events += event.kind }
}

fun confirm(name: String? = null, password: ByteArray? = null, bio: Boolean = false) = LogoutConfirmation(name, password, bio)

/** Behaves like Android Keystore + BiometricPrompt: scripted outcomes, enrollment changes. */
class FakeKeyStore : SecureKeyStore {
    val entries = java.util.concurrent.ConcurrentHashMap<String, ByteArray>()
    val invalidated: MutableSet<String> = Collections.synchronizedSet(mutableSetOf())
    val script: MutableList<Exception> = Collections.synchronizedList(mutableListOf())
    val prompts: MutableList<String> = Collections.synchronizedList(mutableListOf())
    override fun store(alias: String, secret: ByteArray) { invalidated.remove(alias); entries[alias] = secret.copyOf() }
    override fun load(alias: String, prompt: BiometricPrompt): ByteArray {
        prompts += prompt.reason
        if (script.isNotEmpty()) throw script.removeAt(0)
        if (alias in invalidated) throw KeyStoreException.KeyInvalidated()
        return entries[alias]?.copyOf() ?: throw KeyStoreException.NotFound()
    }
    override fun delete(alias: String) { entries.remove(alias) }
    override fun list(): List<String> = entries.keys.sorted()
    override fun deleteAll() { entries.clear() }
}

/**
 * One phone's device key store, like the Rust `MemoryDeviceKeys`: a random AES-256 key per alias
 * that never leaves this object (as it never leaves the Keystore), wrap = AES-GCM with a fresh IV
 * and the alias as associated data (`iv ‖ ciphertext ‖ tag`). A new instance is a new phone;
 * `unavailable` plays a phone before its first unlock.
 */
class FakeDeviceKeys : DeviceKeyStore {
    private val keys = ConcurrentHashMap<String, SecretKey>()
    @Volatile var unavailable = false

    private fun gate() { if (unavailable) throw DeviceKeyException.Unavailable("the device is locked (before the first unlock)") }
    private fun key(alias: String) = keys[alias] ?: throw DeviceKeyException.NotFound()
    private fun gcm() = Cipher.getInstance("AES/GCM/NoPadding")

    override fun createKey(alias: String) { gate(); keys[alias] = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey() }
    override fun wrap(alias: String, plaintext: ByteArray): ByteArray {
        gate()
        val c = gcm().apply { init(Cipher.ENCRYPT_MODE, key(alias)); updateAAD(alias.toByteArray()) }
        return c.iv + c.doFinal(plaintext)
    }
    override fun unwrap(alias: String, wrapped: ByteArray): ByteArray {
        gate()
        val k = key(alias)
        if (wrapped.size < 12 + 16) throw DeviceKeyException.WrongKey()
        val c = gcm().apply { init(Cipher.DECRYPT_MODE, k, GCMParameterSpec(128, wrapped, 0, 12)); updateAAD(alias.toByteArray()) }
        return try { c.doFinal(wrapped, 12, wrapped.size - 12) } catch (e: AEADBadTagException) { throw DeviceKeyException.WrongKey() }
    }
    override fun deleteKey(alias: String) { gate(); keys.remove(alias) }
    override fun list(): List<String> { gate(); return keys.keys.filter { it.startsWith("imwallet.dev.") }.sorted() }
    /** What the phone holds (for assertions; no gate). */
    fun aliases(): List<String> = keys.keys.sorted()
}

private val phones = ConcurrentHashMap<String, FakeDeviceKeys>()

/** The phone a data directory lives on: the same fake for every open of `dir`. */
fun deviceFor(dir: Any): FakeDeviceKeys = phones.getOrPut(dir.toString()) { FakeDeviceKeys() }

/** Fails if `shown` contains `secret` as text, as a byte list or as hex. */
fun assertRedacted(shown: String, secret: ByteArray) {
    val forms = listOf(String(secret, Charsets.UTF_8), secret.contentToString(), secret.joinToString("") { "%02x".format(it) })
    for (f in forms) assertFalse(f in shown, "secret visible in: $shown")
    assertTrue("redacted" in shown, "expected a redaction marker in: $shown")
}

fun words(phrase: ByteArray) = String(phrase, Charsets.UTF_8).split(Regex("\\s+"))

class WalletFlowsTest {
    private lateinit var dir: java.nio.file.Path
    private val env = FakeEnv()
    private val rec = Recorder()
    private lateinit var core: WalletCore

    private fun config() = CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never)

    @Before fun open() {
        dir = Files.createTempDirectory("imwallet-kt")
        core = WalletCore(config(), env, rec, null, deviceKeys = deviceFor(dir))
    }

    @After fun close() {
        core.close()
        dir.toFile().deleteRecursively()
    }

    private suspend fun confirmBackup(phrase: ByteArray) {
        val w = words(phrase)
        val positions = core.backupChallenge(AuthProof.None)
        core.confirmBackup(positions.map { w[it.toInt() - 1].toByteArray() })
    }

    @Test fun createBackupLogoutWithWarningsAndLogBackIn() = runBlocking<Unit> {
        assertIs<SessionState.NoAccount>(core.state())
        val created = core.createAccount("Alice", PW, 12u, Language.ENGLISH)
        assertEquals(12, words(created.phrase).size)
        val state = core.state()
        assertIs<SessionState.Unlocked>(state)
        assertEquals("Alice", state.account.name)
        val sig = core.signMessage(0u, "hello".toByteArray())
        assertEquals(65, sig.size)
        assertEquals(created.account.address, recoverPersonalSigner("hello".toByteArray(), sig))

        env.net = NetworkKind.PUBLIC_WIFI
        env.debugger = true
        var plan = core.prepareLogout(LogoutOptions(true, true, false))
        assertEquals(listOf(LogoutWarning.NOT_BACKED_UP, LogoutWarning.INSECURE_NETWORK, LogoutWarning.UNTRUSTED_DEVICE), plan.warnings)
        confirmBackup(created.phrase)
        created.phrase.fill(0)
        env.net = NetworkKind.VPN; env.debugger = false
        plan = core.prepareLogout(LogoutOptions(true, true, false))
        assertTrue(plan.warnings.isEmpty())
        assertEquals(ConfirmationNeeded.TAP, plan.confirmation)
        val report = core.logout(plan.token, confirm())
        assertTrue(report.keysWiped && report.sessionEnded && !report.walletRemoved)
        assertIs<SessionState.LoggedOut>(core.state())
        assertEquals(report, core.logout(plan.token, confirm()))
        assertFailsWith<WalletException.NotLoggedIn> { core.signMessage(0u, byteArrayOf(1)) }

        assertIs<SessionState.Unlocked>(core.login("alice", PW).state)
        assertEquals(listOf(created.account.address), core.addresses(1u))
        assertTrue("logged_out" in rec.events && "backup_confirmed" in rec.events)
        assertTrue(rec.states.any { it is SessionState.LoggedOut })
    }

    @Test fun lockUnlockRestartAndKeyGating() = runBlocking<Unit> {
        core.createAccount("Bob", PW, 24u, Language.KOREAN)
        assertIs<SessionState.Locked>(core.lock())
        assertFailsWith<WalletException.Locked> { core.signDigest(0u, ByteArray(32)) }
        assertFailsWith<WalletException.InvalidCredentials> { core.unlock("wrong wrong wrong".toByteArray()) }
        assertIs<SessionState.Unlocked>(core.unlock(PW).state)
        core.close()
        core = WalletCore(config(), null, null, null, deviceKeys = deviceFor(dir))
        assertIs<SessionState.Locked>(core.state())
    }

    @Test fun autoLockWithShortTimeout() = runBlocking<Unit> {
        core.createAccount("Cy", PW, 12u, Language.ENGLISH)
        core.setAutoLock(AutoLock.AfterSeconds(1u), AuthProof.Password(PW))
        Thread.sleep(2000)
        assertIs<SessionState.Locked>(core.state())
        assertTrue("locked_automatically" in rec.events)
        assertFailsWith<WalletException.Locked> { core.setAutoLock(AutoLock.Never, AuthProof.Password(PW)) }
        core.unlock(PW)
        assertFailsWith<WalletException.AuthorizationRequired> { core.setAutoLock(AutoLock.Never, AuthProof.None) }
        core.setAutoLock(AutoLock.Immediate, AuthProof.Password(PW))
        assertIs<SessionState.Locked>(core.appBackgrounded())
    }

    @Test fun limiterHoldsUnderParallelCoroutines() = runBlocking<Unit> {
        core.createAccount("Dee", PW, 12u, Language.ENGLISH)
        val results = (1..10).map {
            async(Dispatchers.Default) { runCatching { core.login("Dee", "wrong wrong wrong".toByteArray()) }.exceptionOrNull() }
        }.awaitAll()
        assertEquals(5, results.count { it is WalletException.InvalidCredentials })
        assertEquals(5, results.count { it is WalletException.TooManyAttempts })
        val e = assertFailsWith<WalletException.TooManyAttempts> { core.login("Dee", PW) }
        // The first delay (30 s) counts down in real seconds: a loaded machine may see 29.
        assertTrue(e.retryAfterSecs in 29uL..30uL, "retry after ${e.retryAfterSecs} s")
    }

    @Test fun logoutWithWalletRemoval() = runBlocking<Unit> {
        core.createAccount("Eve", PW, 12u, Language.ENGLISH)
        val plan = core.prepareLogout(LogoutOptions(true, false, true))
        assertEquals(ConfirmationNeeded.TYPE_ACCOUNT_NAME, plan.confirmation)
        assertTrue(LogoutAction.REMOVE_WALLET in plan.actions)
        assertFailsWith<WalletException.ConfirmationRequired> { core.logout(plan.token, confirm("someone", PW)) }
        assertEquals(Gate.PASSWORD, plan.authorization)
        assertFailsWith<WalletException.AuthorizationRequired> { core.logout(plan.token, confirm("EVE")) }
        assertTrue(core.logout(plan.token, confirm("EVE", PW)).walletRemoved)
        assertIs<SessionState.NoAccount>(core.state())
        assertFailsWith<WalletException.InvalidCredentials> { core.login("Eve", PW) }
    }

    @Test fun badInputsAreTyped() = runBlocking<Unit> {
        val weak = assertFailsWith<WalletException.WeakPassword> { core.createAccount("Fay", "password1".toByteArray(), 12u, Language.ENGLISH) }
        assertEquals("PasswordTooWeak", weak.kind)
        assertFailsWith<WalletException.UnsupportedWordCount> { core.createAccount("Fay", PW, 13u, Language.ENGLISH) }
        val typo = assertFailsWith<WalletException.MnemonicUnknownWord> {
            checkMnemonic("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandn about".toByteArray())
        }
        assertEquals(11u, typo.position)
        assertTrue("abandon" in typo.suggestions)
        assertFailsWith<WalletException.MnemonicChecksum> { checkMnemonic("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo".toByteArray()) }
        assertFailsWith<WalletException.KeystoreRejected> { core.importKeystore("K", "{}", PW, PW2) }
        assertFailsWith<WalletException.LogoutTokenInvalid> { core.logout("nope", confirm()) }
        assertFailsWith<WalletException.NotLoggedIn> { core.prepareLogout(LogoutOptions(true, true, false)) }
    }

    @Test fun hostExceptionsInHooksAreContained() = runBlocking<Unit> {
        core.createAccount("Gus", PW, 12u, Language.ENGLISH)
        env.boom = true
        assertFalse(LogoutWarning.INSECURE_NETWORK in core.prepareLogout(LogoutOptions(true, true, false)).warnings)
        core.setListener(object : SessionListener {
            override fun onStateChanged(state: SessionState) = throw RuntimeException("listener bug")
            override fun onSecurityEvent(event: SecurityEvent) = throw RuntimeException("listener bug")
        })
        assertIs<SessionState.Locked>(core.lock())
        assertIs<SessionState.Unlocked>(core.unlock(PW).state)
    }

    @Test fun secretsAreRedactedInToString() = runBlocking<Unit> {
        val created = core.createAccount("Red", PW, 12u, Language.ENGLISH)
        assertEquals(12, words(created.phrase).size)
        assertRedacted(created.toString(), created.phrase)
        assertTrue("Red" in created.toString(), "non-secret fields stay visible")
        val proof = AuthProof.Password(PW)
        assertRedacted(proof.toString(), PW)
        val c = confirm("Red", PW)
        assertRedacted(c.toString(), PW)
        assertTrue("Red" in c.toString())
        val all = listOf(created, proof, c).toString()
        assertRedacted(all, PW)
        assertRedacted(all, created.phrase)
        assertRedacted("$created", created.phrase)
    }

    @Test fun importExportAndChangePassword() = runBlocking<Unit> {
        val a = core.importAccount("Dev", "test test test test test test test test test test test junk".toByteArray(), null, PW)
        assertEquals("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", a.address)
        // The same wallet under a second name is refused, naming the account it already is.
        val same = core.exportKeystore(AuthProof.Password(PW), 0u, "file password".toByteArray())
        val dup = assertFailsWith<WalletException.WalletAlreadyOnDevice> {
            core.importKeystore("FromFile", same, "file password".toByteArray(), PW2)
        }
        assertEquals("Dev", dup.account)
        val second = core.addresses(2u)[1]
        val ks = core.exportKeystore(AuthProof.Password(PW), 1u, "file password".toByteArray())
        val b = core.importKeystore("FromFile", ks, "file password".toByteArray(), PW2)
        assertEquals(second, b.address)
        core.changePassword(PW2, "a brand new long passphrase 99".toByteArray())
        core.lock()
        assertIs<SessionState.Unlocked>(core.unlock("a brand new long passphrase 99".toByteArray()).state)
    }
}

class BiometricTest {
    private val dir = Files.createTempDirectory("imwallet-kt-bio")
    private val ks = FakeKeyStore()
    private val rec = Recorder()
    private val core = WalletCore(CoreConfig(dir.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), null, rec, ks, deviceKeys = deviceFor(dir))

    @After fun close() { core.close(); dir.toFile().deleteRecursively() }

    private suspend fun setup() {
        core.createAccount("Bea", PW, 12u, Language.ENGLISH)
        core.enableBiometricUnlock(PW)
        core.lock()
    }

    @Test fun promptTextsComeFromTheShell() = runBlocking<Unit> {
        val d = Files.createTempDirectory("imwallet-kt-prompts")
        val texts = PromptTexts("Desbloquear imwallet", "Desbloquear {account}", "Confirma", "Confirmar: {action}")
        val c = WalletCore(CoreConfig(d.toString(), KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), null, null, ks, promptTexts = texts)
        try {
            c.createAccount("Inés", PW, 12u, Language.SPANISH)
            c.enableBiometricUnlock(PW)
            c.lock()
            assertIs<SessionState.Unlocked>(c.unlockWithBiometrics().state)
            assertEquals("Desbloquear Inés", ks.prompts.last())
            assertEquals("Unlock imwallet", defaultPromptTexts().unlockTitle)
        } finally { c.close(); d.toFile().deleteRecursively() }
    }

    @Test fun fingerprintUnlockIsCryptoBound() = runBlocking<Unit> {
        setup()
        assertIs<SessionState.Unlocked>(core.unlockWithBiometrics().state)
        assertEquals("Unlock Bea", ks.prompts.last())
        core.lock()
        val alias = ks.entries.keys.first()
        ks.entries[alias] = ByteArray(32) { 7 }
        assertFailsWith<WalletException.BiometricInvalidated> { core.unlockWithBiometrics() }
        assertFalse(core.accounts().first().biometricEnabled)
        assertIs<SessionState.Unlocked>(core.unlock(PW).state)
    }

    @Test fun everyOutcomeIsTyped() = runBlocking<Unit> {
        setup()
        ks.script += KeyStoreException.Cancelled()
        assertFailsWith<WalletException.BiometricCancelled> { core.unlockWithBiometrics() }
        ks.script += KeyStoreException.Lockout()
        assertFailsWith<WalletException.BiometricLockout> { core.unlockWithBiometrics() }
        ks.script += KeyStoreException.NotEnrolled()
        assertFailsWith<WalletException.BiometricNotEnrolled> { core.unlockWithBiometrics() }
        ks.script += KeyStoreException.Unavailable()
        assertFailsWith<WalletException.BiometricUnavailable> { core.unlockWithBiometrics() }
        ks.script += IllegalStateException("host bug")
        assertFailsWith<WalletException.HookFailed> { core.unlockWithBiometrics() }
        assertIs<SessionState.Locked>(core.state())
        assertTrue(core.accounts().first().biometricEnabled)
        ks.invalidated += ks.entries.keys
        assertFailsWith<WalletException.BiometricInvalidated> { core.unlockWithBiometrics() }
        assertTrue(ks.entries.isEmpty())
        assertTrue("biometric_invalidated" in rec.events)
    }

    @Test fun gatesAndLimiter() = runBlocking<Unit> {
        setup()
        repeat(3) { assertFailsWith<WalletException.InvalidCredentials> { core.unlock("wrong wrong wrong".toByteArray()) } }
        assertIs<SessionState.Unlocked>(core.unlockWithBiometrics().state)
        core.setGatePolicy(GatedAction.REVEAL_PHRASE, GatePolicy(Gate.BIOMETRIC, null), AuthProof.Password(PW))
        assertEquals(12, words(core.revealPhrase(AuthProof.None)).size)
        assertFailsWith<WalletException.AuthorizationRequired> {
            core.setGatePolicy(GatedAction.SIGN_MESSAGE, GatePolicy(Gate.PASSWORD, 60u), AuthProof.None)
        }
        core.setGatePolicy(GatedAction.SIGN_MESSAGE, GatePolicy(Gate.PASSWORD, 60u), AuthProof.Password(PW))
        assertFailsWith<WalletException.AuthorizationRequired> { core.signMessage(0u, byteArrayOf(1)) }
        core.authorize(GatedAction.SIGN_MESSAGE, AuthProof.Password(PW))
        core.signMessage(0u, byteArrayOf(1))
        val report = core.logout(core.prepareLogout(LogoutOptions(true, true, false)).token, confirm())
        assertTrue(report.biometricRemoved && ks.entries.isEmpty())
        assertFailsWith<WalletException.NotLoggedIn> { core.unlockWithBiometrics() }
    }
}

/** Occurrences of `needle` in every file under `dir`. */
fun scan(dir: java.io.File, needle: ByteArray): Int = dir.walkTopDown().filter { it.isFile }.sumOf { f ->
    val b = f.readBytes(); var n = 0
    for (i in 0..b.size - needle.size) if ((needle.indices).all { b[i + it] == needle[it] }) n++
    n
}

class ClearDataTest {
    private val dir = Files.createTempDirectory("imwallet-kt-clear").toFile()
    private val ks = FakeKeyStore()
    private fun open() = WalletCore(CoreConfig(dir.path, KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), null, null, ks, deviceKeys = deviceFor(dir))
    private var core = open()

    @After fun close() { core.close(); dir.deleteRecursively() }

    @Test fun cachesAreReallyDeleted() = runBlocking<Unit> {
        core.createAccount("Cam", PW, 12u, Language.ENGLISH)
        core.cachePut("balances", CacheScope.CurrentAccount, "eth", "CANARY-kt-balance".toByteArray(), null)
        core.registerFileCache("images")
        core.cachePutFile("images", CacheScope.CurrentAccount, "a.png", "CANARY-kt-image".toByteArray())
        // The database value is sealed under the device keys; the file is the shell's own, in clear.
        assertEquals(0, scan(dir, "CANARY-kt-balance".toByteArray()))
        assertEquals(1, scan(dir, "CANARY-kt-image".toByteArray()))
        val usage = core.cacheUsage().associateBy { it.kind }
        assertEquals(1uL, usage.getValue("balances").entries)
        val report = core.clearCache(ClearScope.All)
        assertEquals(1uL, report.entriesRemoved); assertEquals(1uL, report.filesRemoved)
        assertEquals(0, scan(dir, "CANARY-kt".toByteArray()))
    }

    @Test fun resetAppAndOrphanPurge() = runBlocking<Unit> {
        core.createAccount("Dee", PW, 12u, Language.ENGLISH)
        core.enableBiometricUnlock(PW)
        val plan = core.prepareErase()
        assertEquals(listOf("Dee"), plan.notBackedUp)
        val none = EraseProofs(listOf(), false)
        assertFailsWith<WalletException.ConfirmationRequired> { core.eraseAllData("nope", none) }
        assertTrue(plan.authorizationNeeded)
        assertFailsWith<WalletException.AuthorizationRequired> { core.eraseAllData(plan.phraseToType, none) }
        val proofs = EraseProofs(listOf(ErasePassword("Dee", PW)), false)
        assertEquals(1uL, core.eraseAllData(plan.phraseToType, proofs).accountsRemoved)
        assertIs<SessionState.NoAccount>(core.state())
        assertTrue(ks.entries.isEmpty())
        // The OS wiped the files but the Keystore kept an entry: purged on the next open.
        core.createAccount("Eli", PW, 12u, Language.ENGLISH)
        core.enableBiometricUnlock(PW)
        core.close()
        dir.deleteRecursively()
        core = open()
        assertIs<SessionState.NoAccount>(core.state())
        assertTrue(ks.entries.isEmpty())
        assertTrue(core.securityEvents(5u).any { it.kind == "orphans_purged" })
    }

    @Test fun damagedDatabaseHasAWayForward() {
        core.close()
        java.io.File(dir, "imwallet.db").writeText("garbage".repeat(20))
        val e = assertFailsWith<WalletException.StorageFailed> { open() }
        assertEquals("DatabaseCorrupt", e.kind)
        quarantineDamagedData(dir.path)
        core = open()
        assertIs<SessionState.NoAccount>(core.state())
    }
}

class DeviceKeysTest {
    private val root = Files.createTempDirectory("imwallet-kt-device").toFile()
    private val home = java.io.File(root, "phone")
    private fun open(dir: java.io.File, device: DeviceKeyStore? = deviceFor(dir)) =
        WalletCore(CoreConfig(dir.path, KdfProfile.INSECURE_FAST_FOR_TESTS, AutoLock.Never), null, null, null, deviceKeys = device)
    private fun aliasOf(account: AccountInfo) = "imwallet.dev.a.${account.id}"

    @After fun cleanup() { root.deleteRecursively() }

    @Test fun aCopiedDirectoryOpensNothingOnANewPhone() = runBlocking<Unit> {
        var core = open(home)
        val created = core.createAccount("Kim", PW, 12u, Language.ENGLISH)
        core.close()
        val copy = java.io.File(root, "copy")
        home.copyRecursively(copy)
        val newPhone = FakeDeviceKeys()
        val lost = assertFailsWith<WalletException.DeviceKeyLost> { open(copy, newPhone) }
        assertTrue("recovery phrase" in lost.reason)
        assertTrue(newPhone.aliases().isEmpty(), "nothing was created on the new phone")
        assertFailsWith<WalletException.DeviceKeyUnavailable> { open(copy, null) }
        // The original phone still opens it, with the password.
        core = open(home)
        assertIs<SessionState.Unlocked>(core.unlock(PW).state)
        assertEquals(created.account.address, core.accounts().single().address)
        core.close()
        // The way forward on the new phone: quarantine, then restore from the phrase.
        quarantineDamagedData(copy.path)
        core = open(copy, newPhone)
        assertIs<SessionState.NoAccount>(core.state())
        assertEquals(created.account.address, core.importAccount("Kim", created.phrase, null, PW2).address)
        core.close()
    }

    @Test fun unavailableIsNotLost() = runBlocking<Unit> {
        var core = open(home)
        core.createAccount("Una", PW, 12u, Language.ENGLISH)
        core.close()
        val phone = deviceFor(home)
        val held = phone.aliases()
        phone.unavailable = true
        val e = assertFailsWith<WalletException.DeviceKeyUnavailable> { open(home) }
        assertTrue("first unlock" in e.reason)
        assertEquals(held, phone.aliases())
        phone.unavailable = false
        core = open(home)
        assertEquals(listOf("Una"), core.accounts().map { it.name })
        assertIs<SessionState.Unlocked>(core.unlock(PW).state)
        core.close()
    }

    @Test fun removingAWalletShredsItsDeviceKey() = runBlocking<Unit> {
        val core = open(home)
        val phone = deviceFor(home)
        val keep = core.createAccount("Keep", PW2, 12u, Language.ENGLISH).account
        val gone = core.createAccount("Gone", PW, 12u, Language.ENGLISH).account
        assertTrue(aliasOf(keep) in phone.aliases() && aliasOf(gone) in phone.aliases())
        val plan = core.prepareLogout(LogoutOptions(true, true, true))
        val report = core.logout(plan.token, confirm("Gone", PW))
        assertTrue(report.walletRemoved && report.walletDataShredded)
        assertFalse(aliasOf(gone) in phone.aliases())
        assertTrue(aliasOf(keep) in phone.aliases())
        core.close()
    }

    @Test fun eraseDeletesEveryDeviceKey() = runBlocking<Unit> {
        val core = open(home)
        val phone = deviceFor(home)
        core.createAccount("Ann", PW, 12u, Language.ENGLISH)
        val old = phone.aliases().toSet()
        val plan = core.prepareErase()
        val report = core.eraseAllData(plan.phraseToType, EraseProofs(listOf(ErasePassword("Ann", PW)), false))
        assertTrue(report.deviceKeysDeleted >= 2u, "deleted ${report.deviceKeysDeleted}")
        assertTrue(phone.aliases().none { it in old })
        assertEquals(1, phone.aliases().size, "a new device scope for what comes next")
        core.close()
    }
}

fun main() {
    val r = JUnitCore.runClasses(
        WalletFlowsTest::class.java, BiometricTest::class.java, ClearDataTest::class.java, DeviceKeysTest::class.java, TransactionsTest::class.java,
        SafetyAdviceTest::class.java, ConnectionsTest::class.java,
    )
    r.failures.forEach { println("FAIL ${it.testHeader}: ${it.trace}") }
    println("kotlin: ${r.runCount - r.failureCount} passed, ${r.failureCount} failed")
    exitProcess(if (r.wasSuccessful() && r.runCount > 0) 0 else 1)
}
