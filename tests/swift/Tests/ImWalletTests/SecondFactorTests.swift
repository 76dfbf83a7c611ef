// The second factor on login (issue 19) through the Swift bindings on Linux: an authenticator app
// that scans the core's otpauth:// URI, recovery codes, the app-verified code with a scripted app
// server (FakeAppServer) and the iOS glue's BackendAppCodeVerifier end to end.
//
// Foundation on Linux has no HMAC and swift-crypto cannot be fetched here, so the suite's
// authenticator computes HMAC-SHA1 with the small reference SHA-1 below (FIPS 180-4), held to the
// FIPS/RFC 2202 vectors and to RFC 6238's SHA-1 vectors before it is trusted. It is the test's
// stand-in for an authenticator app, never product code. The bindings have no wall-clock hook:
// "after a clock set back" is shown the way the core defends it — a code of an earlier step, which
// the ±1 window alone would accept, is refused once a later step was used.
import Foundation
import XCTest
import ImWallet
import ImWalletIOS

enum TestSHA1 {
    static func hash(_ message: Data) -> Data {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var m = [UInt8](message)
        let bitLength = UInt64(m.count) * 8
        m.append(0x80)
        while m.count % 64 != 56 { m.append(0) }
        for i in (0..<8).reversed() { m.append(UInt8((bitLength >> (UInt64(i) * 8)) & 0xff)) }
        func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
        for chunk in stride(from: 0, to: m.count, by: 64) {
            var w = [UInt32](repeating: 0, count: 80)
            for i in 0..<16 {
                w[i] = (0..<4).reduce(UInt32(0)) { ($0 << 8) | UInt32(m[chunk + i * 4 + $1]) }
            }
            for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32)
                switch i {
                case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
                }
                let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, rotl(b, 30), a, t)
            }
            h = [h[0] &+ a, h[1] &+ b, h[2] &+ c, h[3] &+ d, h[4] &+ e]
        }
        return Data(h.flatMap { v in (0..<4).map { UInt8((v >> (24 - UInt32($0) * 8)) & 0xff) } })
    }

    static func hmac(key: Data, _ message: Data) -> Data {
        var k = key.count > 64 ? hash(key) : key
        k.append(Data(count: 64 - k.count))
        let ipad = Data(k.map { $0 ^ 0x36 }), opad = Data(k.map { $0 ^ 0x5c })
        return hash(opad + hash(ipad + message))
    }
}

/// RFC 6238 with HMAC-SHA1: the code of `unix` seconds.
func totp(_ secret: Data, _ unix: Int64, digits: Int = 6) -> String {
    var counter = UInt64(unix / 30).bigEndian
    let mac = TestSHA1.hmac(key: secret, Data(bytes: &counter, count: 8))
    let o = Int(mac[mac.count - 1] & 0x0f)
    let v = (UInt32(mac[o] & 0x7f) << 24) | (UInt32(mac[o + 1]) << 16) | (UInt32(mac[o + 2]) << 8) | UInt32(mac[o + 3])
    let s = String(v % UInt32(pow(10.0, Double(digits))))
    return String(repeating: "0", count: digits - s.count) + s
}

func base32Decode(_ text: String) -> Data {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    var (buffer, bits, out) = (UInt32(0), 0, Data())
    for c in text where c != "=" {
        buffer = (buffer << 5) | UInt32(alphabet.firstIndex(of: c)!)
        bits += 5
        if bits >= 8 { out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff)); bits -= 8 }
    }
    return out
}

/// An authenticator app: the secret and label it took from a scanned otpauth:// URI.
struct Authenticator {
    let secret: Data
    let label: String

    init(_ uri: Data) {
        let parts = URLComponents(string: String(decoding: uri, as: UTF8.self))!
        XCTAssertEqual(parts.scheme, "otpauth")
        XCTAssertEqual(parts.host, "totp")
        let q = Dictionary(uniqueKeysWithValues: parts.queryItems!.map { ($0.name, $0.value ?? "") })
        XCTAssertEqual(q["algorithm"], "SHA1")
        XCTAssertEqual(q["digits"], "6")
        XCTAssertEqual(q["period"], "30")
        secret = base32Decode(q["secret"]!)
        label = String(parts.path.dropFirst())
    }

    func code(_ offset: Int64 = 0) -> Data { Data(totp(secret, Int64(Date().timeIntervalSince1970) + offset).utf8) }
}

func wrong(_ code: Data) -> Data {
    let n = (Int(String(decoding: code, as: UTF8.self))! + 500_000) % 1_000_000
    let s = String(n)
    return Data((String(repeating: "0", count: 6 - s.count) + s).utf8)
}

/// The app's server: one code per account at a time, used up when accepted; `script` fails calls.
final class FakeAppServer: AppCodeVerifier, VerificationCodeBackend, @unchecked Sendable {
    private let lock = NSLock()
    private var codes: [String: Data] = [:]
    private var _script: [Error] = []
    private(set) var calls = 0
    var hang = false

    func send(_ accountId: String, _ code: String) { lock.lock(); codes[accountId] = Data(code.utf8); lock.unlock() }
    func script(_ e: Error) { lock.lock(); _script.append(e); lock.unlock() }

    func verifyCode(accountId: String, code: Data) throws -> Bool {
        lock.lock()
        calls += 1
        if !_script.isEmpty { let e = _script.removeFirst(); lock.unlock(); throw e }
        let hangNow = hang
        let ok = codes[accountId] == code
        if ok { codes[accountId] = nil }
        lock.unlock()
        if hangNow { Thread.sleep(forTimeInterval: 5) }
        return ok
    }
}

final class SecondFactorTests: XCTestCase {
    var dir: URL!
    let server = FakeAppServer()
    var core: WalletCore!

    func open(unlockPolicy: Bool = false, verifier: AppCodeVerifier? = nil, at: URL? = nil) throws -> WalletCore {
        let d = at ?? dir!
        return try WalletCore(config: CoreConfig(dataDir: d.path, kdfProfile: .insecureFastForTests, autoLock: .never, unlockNeedsSecondFactor: unlockPolicy),
                              environment: nil, listener: nil, keyStore: nil, deviceKeys: deviceFor(d), appCodeVerifier: verifier ?? server)
    }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-2fa-\(UUID().uuidString)")
        core = try open()
    }

    override func tearDownWithError() throws {
        core = nil
        try? FileManager.default.removeItem(at: dir)
    }

    func method(_ c: WalletCore? = nil) throws -> SecondFactorMethod? { try (c ?? core).accounts()[0].secondFactor }

    func logout(_ c: WalletCore? = nil) async throws {
        let c = c ?? core!
        let plan = try c.prepareLogout(options: LogoutOptions(clearCaches: false, keepGlobalCaches: true, removeWallet: false))
        _ = try await c.logout(token: plan.token, confirmation: confirm())
    }

    func withTotp(_ c: WalletCore? = nil, _ name: String = "Ann") async throws -> (Authenticator, RecoveryCodes) {
        let c = c ?? core!
        _ = try await c.createAccount(name: name, password: PW, words: 12, language: .english)
        let app = Authenticator(try await c.beginTotpEnrollment(password: PW).otpauthUri)
        return (app, try c.confirmTotpEnrollment(code: app.code()))
    }

    func attemptsLeft(_ e: Error?) -> UInt32? {
        if case let WalletError.InvalidCredentials(left, _, _) = e! { return left }
        return nil
    }

    func testTheSuitesAuthenticatorMeetsItsVectors() {
        // FIPS 180 / RFC 3174 SHA-1, RFC 2202 HMAC-SHA1 (test cases 1 and 2), RFC 6238 SHA-1.
        XCTAssertEqual(TestSHA1.hash(Data("abc".utf8)).map { String(format: "%02x", $0) }.joined(), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(TestSHA1.hash(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).map { String(format: "%02x", $0) }.joined(),
                       "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        XCTAssertEqual(TestSHA1.hmac(key: Data(repeating: 0x0b, count: 20), Data("Hi There".utf8)).map { String(format: "%02x", $0) }.joined(),
                       "b617318655057264e28bc0b6fb378c8ef146be00")
        XCTAssertEqual(TestSHA1.hmac(key: Data("Jefe".utf8), Data("what do ya want for nothing?".utf8)).map { String(format: "%02x", $0) }.joined(),
                       "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        let secret = Data("12345678901234567890".utf8)
        for (t, code) in [(Int64(59), "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
                          (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130")] {
            XCTAssertEqual(totp(secret, t, digits: 8), code, "at \(t)")
        }
    }

    func testEnrollmentNeedsThePasswordAndAValidCode() async throws {
        _ = try await core.createAccount(name: "Ann: main", password: PW, words: 12, language: .english)
        var e = await thrownBy { try await self.core.beginTotpEnrollment(password: PW2) }
        guard case WalletError.InvalidCredentials = e! else { return XCTFail("\(String(describing: e))") }
        let enrollment = try await core.beginTotpEnrollment(password: PW, issuer: "My Wallet")
        assertRedacted(enrollment, enrollment.secretBase32)
        let app = Authenticator(enrollment.otpauthUri)
        XCTAssertEqual(app.label, "My Wallet:Ann: main")
        XCTAssertEqual(app.secret.count, 20)
        XCTAssertTrue(try core.secondFactorStatus().totpEnrollmentPending)
        e = await thrownBy { try self.core.confirmTotpEnrollment(code: wrong(app.code())) }
        guard case WalletError.SecondFactorCodeRejected = e! else { return XCTFail("\(String(describing: e))") }
        XCTAssertNil(try method(), "a wrong code does not turn it on")
        let codes = try core.confirmTotpEnrollment(code: app.code())
        XCTAssertEqual(Set(codes.codes).count, 10)
        assertRedacted(codes, codes.codes[0])
        XCTAssertEqual(try method(), .totp)
        XCTAssertEqual(try core.secondFactorStatus().recoveryCodesLeft, 10)
        XCTAssertTrue(try core.securityEvents(limit: 10).map(\.kind).contains("second_factor_enabled"))
    }

    func testLoginNeedsTheCodeAndACodeWorksOnce() async throws {
        let (app, codes) = try await withTotp()
        try await logout()
        let left = try core.attemptStatus(accountName: "Ann").attemptsLeft
        var e = await thrownBy { try await self.core.login(accountName: "Ann", password: PW) }
        XCTAssertEqual(attemptsLeft(e), left - 1, "a missing code counts")
        // The enrollment used this step's code: the app's next one (inside the ±1 window).
        let code = app.code(30)
        e = await thrownBy { try await self.core.login(accountName: "Ann", password: PW, factor: .totp(code: wrong(code))) }
        XCTAssertEqual(attemptsLeft(e), left - 2, "a wrong code counts")
        do { let s = try await core.login(accountName: "Ann", password: PW, factor: .totp(code: code)); XCTAssertTrue(isUnlocked(s)) }
        try await logout()
        e = await thrownBy { try await self.core.login(accountName: "Ann", password: PW, factor: .totp(code: code)) }
        XCTAssertNotNil(attemptsLeft(e), "replayed: \(String(describing: e))")
        // The current step's code: earlier than the one used, inside the window (what setting the
        // clock back brings in): refused.
        e = await thrownBy { try await self.core.login(accountName: "Ann", password: PW, factor: .totp(code: app.code())) }
        XCTAssertNotNil(attemptsLeft(e), "an earlier step: \(String(describing: e))")
        // A recovery code works once; a locked session unlocks with the password (policy off).
        do { let s = try await core.login(accountName: "Ann", password: PW, factor: .recoveryCode(code: codes.codes[0])); XCTAssertTrue(isUnlocked(s)) }
        _ = try core.lock()
        do { let s = try await core.unlock(password: PW); XCTAssertTrue(isUnlocked(s)) }
        try await logout()
        e = await thrownBy { try await self.core.login(accountName: "Ann", password: PW, factor: .recoveryCode(code: codes.codes[0])) }
        XCTAssertNotNil(attemptsLeft(e), "used up")
    }

    func testAWrongCodeAndAWrongPasswordLookTheSame() async throws {
        let otherDir = FileManager.default.temporaryDirectory.appendingPathComponent("imwallet-swift-2fa-b-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: otherDir) }
        let b = try open(at: otherDir)
        let (appA, _) = try await withTotp(core, "Eve")
        let (appB, _) = try await withTotp(b, "Eve")
        try await logout()
        try await logout(b)
        for _ in 0..<6 {
            let ea = await thrownBy { try await self.core.login(accountName: "Eve", password: PW2, factor: .totp(code: wrong(appA.code()))) }
            let eb = await thrownBy { try await b.login(accountName: "Eve", password: PW, factor: .totp(code: wrong(appB.code()))) }
            XCTAssertEqual(String(describing: ea!), String(describing: eb!))
            XCTAssertEqual(try core.attemptStatus(accountName: "Eve"), try b.attemptStatus(accountName: "Eve"))
            XCTAssertEqual(try core.securityEvents(limit: 3).map { "\($0.kind) \($0.detail)" }, try b.securityEvents(limit: 3).map { "\($0.kind) \($0.detail)" })
        }
    }

    func testTurningItOffNeedsThePasswordAndAFactor() async throws {
        let (_, codes) = try await withTotp()
        var e = await thrownBy { try await self.core.disableSecondFactor(password: PW2, factor: .recoveryCode(code: codes.codes[0])) }
        XCTAssertNotNil(attemptsLeft(e))
        e = await thrownBy { try await self.core.disableSecondFactor(password: PW, factor: .recoveryCode(code: Data("AAAAA-AAAAA".utf8))) }
        XCTAssertNotNil(attemptsLeft(e))
        XCTAssertEqual(try method(), .totp)
        let fresh = try await core.regenerateRecoveryCodes(password: PW, factor: .recoveryCode(code: codes.codes[0]))
        e = await thrownBy { try await self.core.disableSecondFactor(password: PW, factor: .recoveryCode(code: codes.codes[1])) }
        XCTAssertNotNil(attemptsLeft(e), "the old set no longer works")
        try await core.disableSecondFactor(password: PW, factor: .recoveryCode(code: fresh.codes[0]))
        XCTAssertNil(try method())
        try await logout()
        do { let s = try await core.login(accountName: "Ann", password: PW); XCTAssertTrue(isUnlocked(s)) }
    }

    func testTheAppVerifiedCodeThroughTheIOSGlue() async throws {
        core = nil
        let verifier = BackendAppCodeVerifier(backend: server, timeout: 1, isMainThread: { false })
        core = try open(unlockPolicy: true, verifier: verifier)
        let id = try await core.createAccount(name: "Hal", password: PW, words: 12, language: .english).account.id
        server.send(id, "481516")
        var e = await thrownBy { try await self.core.enableAppVerifiedFactor(password: PW, code: Data("000000".utf8)) }
        guard case WalletError.SecondFactorCodeRejected = e! else { return XCTFail("\(String(describing: e))") }
        let codes = try await core.enableAppVerifiedFactor(password: PW, code: Data("481516".utf8))
        XCTAssertEqual(try method(), .appVerified)
        _ = try core.lock()
        // The app's policy: unlocking needs it too.
        e = await thrownBy { try await self.core.unlock(password: PW) }
        XCTAssertNotNil(attemptsLeft(e))
        server.send(id, "2342")
        do { let s = try await core.unlock(password: PW, factor: .appVerified(code: Data("2342".utf8))); XCTAssertTrue(isUnlocked(s)) }
        try await logout()
        server.script(URLError(.notConnectedToInternet))
        e = await thrownBy { try await self.core.login(accountName: "Hal", password: PW, factor: .appVerified(code: Data("1".utf8))) }
        guard case WalletError.SecondFactorUnavailable = e! else { return XCTFail("\(String(describing: e))") }
        server.hang = true
        e = await thrownBy { try await self.core.login(accountName: "Hal", password: PW, factor: .appVerified(code: Data("1".utf8))) }
        guard case let WalletError.SecondFactorUnavailable(reason) = e!, reason.contains("in time") else { return XCTFail("\(String(describing: e))") }
        server.hang = false
        // Asked whatever the password; a yes never replaces the password.
        let calls = server.calls
        server.send(id, "777")
        e = await thrownBy { try await self.core.login(accountName: "Hal", password: PW2, factor: .appVerified(code: Data("777".utf8))) }
        XCTAssertNotNil(attemptsLeft(e))
        XCTAssertEqual(server.calls, calls + 1)
        server.send(id, "778")
        do { let s = try await core.login(accountName: "Hal", password: PW, factor: .appVerified(code: Data("778".utf8))); XCTAssertTrue(isUnlocked(s)) }
        try await logout()
        do { let s = try await core.login(accountName: "Hal", password: PW, factor: .recoveryCode(code: codes.codes[0])); XCTAssertTrue(isUnlocked(s)) }
    }

    func testTheGlueRefusesTheMainThreadAndMapsErrors() {
        let v = BackendAppCodeVerifier(backend: server, isMainThread: { true })
        XCTAssertThrowsError(try v.verifyCode(accountId: "a", code: Data("1".utf8))) {
            guard case AppCodeError.Other = $0 else { return XCTFail("\($0)") }
        }
        struct HostBug: Error {}
        guard case AppCodeError.Other = BackendAppCodeVerifier.map(HostBug()) else { return XCTFail() }
        guard case AppCodeError.Unavailable = BackendAppCodeVerifier.map(URLError(.timedOut)) else { return XCTFail() }
        guard case AppCodeError.Unavailable = BackendAppCodeVerifier.map(AppCodeError.Unavailable(reason: "x")) else { return XCTFail() }
    }

    func testFactorValuesPrintRedacted() {
        let f = SecondFactor.totp(code: Data("123456".utf8))
        XCTAssertFalse(String(describing: f).contains("123456"))
    }
}
