"""The second factor on login (issue 19) through the Python bindings: an authenticator app (a
stdlib RFC 6238 implementation, checked against the RFC's test vectors, that scans the core's
otpauth:// URI), one-time recovery codes, and the app-verified code with a scripted app server
(`FakeAppServer`, like the Rust `MemoryAppCodeVerifier`).

The bindings have no wall-clock hook, so "after a clock set back" is shown the way the core
defends it: a code of an earlier step — one the ±1 window alone would still accept — is refused
once a later step was used."""
import asyncio
import base64
import gc
import hashlib
import hmac
import struct
import threading
import time
import urllib.parse

import pytest
import imwallet as iw
from conftest import PW, PW2, device_for


def run(coro):
    return asyncio.run(coro)


def totp(secret, t, digits=6, digest=hashlib.sha1, step=30):
    """RFC 6238 (HOTP of the time step, RFC 4226 dynamic truncation)."""
    mac = hmac.new(secret, struct.pack(">Q", int(t) // step), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


class Authenticator:
    """An authenticator app: scans the otpauth:// URI, shows the code of the moment."""

    def __init__(self, uri):
        parsed = urllib.parse.urlparse(bytes(uri).decode())
        assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
        params = urllib.parse.parse_qs(parsed.query)
        assert params["algorithm"] == ["SHA1"] and params["digits"] == ["6"] and params["period"] == ["30"]
        b32 = params["secret"][0]
        self.secret = base64.b32decode(b32 + "=" * (-len(b32) % 8))
        self.label = urllib.parse.unquote(parsed.path.lstrip("/"))

    def code(self, offset=0):
        return totp(self.secret, time.time() + offset).encode()


class FakeAppServer(iw.AppCodeVerifier):
    """The app's server: one code per account at a time, used up when accepted; `script` holds
    the next calls' failures (exception instances)."""

    def __init__(self):
        self.codes = {}
        self.script = []
        self.calls = 0
        self._lock = threading.Lock()

    def send(self, account_id, code):
        with self._lock:
            self.codes[account_id] = code

    def verify_code(self, account_id, code):
        with self._lock:
            self.calls += 1
            if self.script:
                raise self.script.pop(0)
            if self.codes.get(account_id) == bytes(code):
                del self.codes[account_id]
                return True
            return False


def open_core(path, server=None, unlock_policy=False):
    cfg = iw.CoreConfig(data_dir=str(path), kdf_profile=iw.KdfProfile.INSECURE_FAST_FOR_TESTS, auto_lock=iw.AutoLock.NEVER(),
                        unlock_needs_second_factor=unlock_policy)
    return iw.WalletCore(cfg, None, None, None, device_keys=device_for(path), app_code_verifier=server)


def factor(core):
    return core.accounts()[0].second_factor


def logout(core):
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=False, keep_global_caches=True, remove_wallet=False))
    run(core.logout(plan.token, iw.LogoutConfirmation(typed_account_name=None, password=None, use_biometrics=False)))


def with_totp(core, name="Ann"):
    run(core.create_account(name, PW, 12, iw.Language.ENGLISH))
    enrollment = run(core.begin_totp_enrollment(PW))
    app = Authenticator(enrollment.otpauth_uri)
    codes = core.confirm_totp_enrollment(app.code())
    return app, codes


@pytest.fixture
def core(tmp_path):
    return open_core(tmp_path)


def test_the_suites_authenticator_meets_the_rfc_6238_vectors():
    sha1 = b"12345678901234567890"
    sha256 = b"12345678901234567890123456789012"
    sha512 = b"1234567890123456789012345678901234567890123456789012345678901234"
    vectors = [
        (59, "94287082", "46119246", "90693936"),
        (1111111109, "07081804", "68084774", "25091201"),
        (1111111111, "14050471", "67062674", "99943326"),
        (1234567890, "89005924", "91819424", "93441116"),
        (2000000000, "69279037", "90698825", "38618901"),
        (20000000000, "65353130", "77737706", "47863826"),
    ]
    for t, c1, c256, c512 in vectors:
        assert totp(sha1, t, 8) == c1
        assert totp(sha256, t, 8, hashlib.sha256) == c256
        assert totp(sha512, t, 8, hashlib.sha512) == c512


def test_enrollment_needs_the_password_and_a_valid_code(core):
    run(core.create_account("Ann: main", PW, 12, iw.Language.ENGLISH))
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.begin_totp_enrollment(PW2))
    enrollment = run(core.begin_totp_enrollment(PW, issuer="My Wallet"))
    assert "redacted" in repr(enrollment) and bytes(enrollment.secret_base32).decode() not in repr(enrollment)
    app = Authenticator(enrollment.otpauth_uri)
    assert app.label == "My Wallet:Ann: main" and len(app.secret) == 20
    status = core.second_factor_status()
    assert status.totp_enrollment_pending and status.method is None
    wrong = str((int(app.code()) + 500000) % 1000000).zfill(6).encode()
    with pytest.raises(iw.WalletError.SecondFactorCodeRejected):
        core.confirm_totp_enrollment(wrong)
    assert factor(core) is None, "a wrong code does not turn it on"
    codes = core.confirm_totp_enrollment(app.code())
    assert len(codes.codes) == 10 and len(set(bytes(c) for c in codes.codes)) == 10
    assert "redacted" in repr(codes) and bytes(codes.codes[0]).decode() not in repr(codes)
    assert factor(core) == iw.SecondFactorMethod.TOTP
    assert core.second_factor_status().recovery_codes_left == 10
    assert "second_factor_enabled" in [e.kind for e in core.security_events(10)]


def test_login_needs_the_code_and_a_code_works_once(core):
    app, codes = with_totp(core)
    logout(core)
    left = core.attempt_status("Ann").attempts_left
    with pytest.raises(iw.WalletError.InvalidCredentials) as missing:
        run(core.login("Ann", PW))
    assert missing.value.attempts_left == left - 1, "a missing code counts"
    # The enrollment used this step's code: the app's next one (inside the ±1 window).
    code = app.code(30)
    wrong = str((int(code) + 500000) % 1000000).zfill(6).encode()
    with pytest.raises(iw.WalletError.InvalidCredentials) as bad:
        run(core.login("Ann", PW, iw.SecondFactor.TOTP(code=wrong)))
    assert bad.value.attempts_left == left - 2, "a wrong code counts"
    assert run(core.login("Ann", PW, iw.SecondFactor.TOTP(code=code))).state.is_unlocked()
    logout(core)
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.login("Ann", PW, iw.SecondFactor.TOTP(code=code)))
    # The current step's code — earlier than the one just used, and inside the ±1 window (what
    # setting the clock back brings in): refused, its step is not after the last one used.
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.login("Ann", PW, iw.SecondFactor.TOTP(code=app.code())))
    assert core.state().is_logged_out()
    # Unlocking a locked session needs no code (the app's policy is off).
    run(core.login("Ann", PW, iw.SecondFactor.RECOVERY_CODE(code=codes.codes[0])))
    core.lock()
    assert run(core.unlock(PW)).state.is_unlocked()


def test_a_wrong_code_and_a_wrong_password_look_the_same(tmp_path):
    a, b = open_core(tmp_path / "a"), open_core(tmp_path / "b")
    app_a, _ = with_totp(a, "Eve")
    app_b, _ = with_totp(b, "Eve")
    logout(a)
    logout(b)
    for _ in range(6):
        wrong = lambda app: str((int(app.code()) + 500000) % 1000000).zfill(6).encode()  # noqa: E731
        with pytest.raises(iw.WalletError) as ea:
            run(a.login("Eve", PW2, iw.SecondFactor.TOTP(code=wrong(app_a))))
        with pytest.raises(iw.WalletError) as eb:
            run(b.login("Eve", PW, iw.SecondFactor.TOTP(code=wrong(app_b))))
        assert type(ea.value) is type(eb.value)
        assert str(ea.value) == str(eb.value)
        assert a.attempt_status("Eve") == b.attempt_status("Eve")
        strip = lambda evs: [(e.kind, e.account_name, e.detail) for e in evs]  # noqa: E731
        assert strip(a.security_events(3)) == strip(b.security_events(3))
    assert isinstance(ea.value, iw.WalletError.TooManyAttempts)


def test_a_recovery_code_works_once(core):
    _, codes = with_totp(core)
    logout(core)
    typed = bytes(codes.codes[2]).decode().lower().replace("-", " ").encode()
    assert run(core.login("Ann", PW, iw.SecondFactor.RECOVERY_CODE(code=typed))).state.is_unlocked()
    assert core.second_factor_status().recovery_codes_left == 9
    assert "recovery_code_used" in [e.kind for e in core.security_events(5)]
    logout(core)
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.login("Ann", PW, iw.SecondFactor.RECOVERY_CODE(code=typed)))


def test_turning_it_off_needs_the_password_and_a_factor(core):
    app, codes = with_totp(core)
    rc = iw.SecondFactor.RECOVERY_CODE(code=codes.codes[0])
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.disable_second_factor(PW2, rc))
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.disable_second_factor(PW, iw.SecondFactor.RECOVERY_CODE(code=b"AAAAA-AAAAA")))
    assert factor(core) == iw.SecondFactorMethod.TOTP
    fresh = run(core.regenerate_recovery_codes(PW, rc))
    assert len(fresh.codes) == 10
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.disable_second_factor(PW, iw.SecondFactor.RECOVERY_CODE(code=codes.codes[1])))  # old set
    run(core.disable_second_factor(PW, iw.SecondFactor.RECOVERY_CODE(code=fresh.codes[0])))
    assert factor(core) is None
    assert "second_factor_disabled" in [e.kind for e in core.security_events(5)]
    logout(core)
    assert run(core.login("Ann", PW)).state.is_unlocked()


def test_the_app_verified_code_and_the_unlock_policy(tmp_path):
    server = FakeAppServer()
    core = open_core(tmp_path, server, unlock_policy=True)
    account_id = run(core.create_account("Hal", PW, 12, iw.Language.ENGLISH)).account.id
    server.send(account_id, b"481516")
    with pytest.raises(iw.WalletError.SecondFactorCodeRejected):
        run(core.enable_app_verified_factor(PW, b"000000"))
    codes = run(core.enable_app_verified_factor(PW, b"481516"))
    assert factor(core) == iw.SecondFactorMethod.APP_VERIFIED
    core.lock()
    # The app's policy: the unlock needs it too.
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.unlock(PW))
    server.send(account_id, b"2342")
    assert run(core.unlock(PW, iw.SecondFactor.APP_VERIFIED(code=b"2342"))).state.is_unlocked()
    logout(core)
    server.script.append(iw.AppCodeError.Unavailable("no network"))
    with pytest.raises(iw.WalletError.SecondFactorUnavailable) as e:
        run(core.login("Hal", PW, iw.SecondFactor.APP_VERIFIED(code=b"1")))
    assert "no network" in e.value.reason
    del e
    server.script.append(RuntimeError("host bug"))
    with pytest.raises(iw.WalletError.SecondFactorUnavailable):
        run(core.login("Hal", PW, iw.SecondFactor.APP_VERIFIED(code=b"1")))
    # The server is asked whatever the password; a yes never replaces the password.
    calls = server.calls
    server.send(account_id, b"777")
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.login("Hal", PW2, iw.SecondFactor.APP_VERIFIED(code=b"777")))
    assert server.calls == calls + 1
    server.send(account_id, b"778")
    assert run(core.login("Hal", PW, iw.SecondFactor.APP_VERIFIED(code=b"778"))).state.is_unlocked()
    logout(core)
    assert run(core.login("Hal", PW, iw.SecondFactor.RECOVERY_CODE(code=codes.codes[0]))).state.is_unlocked()
    del core
    gc.collect()


def test_factor_values_print_redacted():
    f = iw.SecondFactor.TOTP(code=b"123456")
    assert "123456" not in repr(f) and "redacted" in repr(f)
