"""The hardware-key factor (issue 17, item 6) through the Python bindings, with a scripted
security key (`FakeHardwareKey`, like the Rust `MemoryHardwareKey`): the password and the key
together open the wallet, neither alone; a wrong key is a wrong password (same error, counted);
turning the factor on and off needs the proofs; `AccountInfo.hardware_key_enabled` follows."""
import asyncio
import gc
import hashlib
import hmac
import os
import re
import threading

import pytest
import imwallet as iw
from conftest import PW, PW2, config, device_for


def run(coro):
    return asyncio.run(coro)


class FakeHardwareKey(iw.HardwareKey):
    """A FIDO2 key with PRF, scripted: one random secret per account (a new one at every
    enrollment), PRF = HMAC-SHA256(secret, salt). `script` holds the next calls' failures (an
    exception instance each); `swap` plays another key being tapped."""

    def __init__(self):
        self._secrets = {}
        self.script = []
        self.prompts = 0
        self._lock = threading.Lock()

    def _scripted(self):
        with self._lock:
            self.prompts += 1
            if self.script:
                raise self.script.pop(0)

    def swap(self, account_id):
        with self._lock:
            self._secrets[account_id] = os.urandom(32)

    def enroll(self, account_id, account_name):
        self._scripted()
        self.swap(account_id)

    def prf(self, account_id, salt):
        self._scripted()
        with self._lock:
            secret = self._secrets.get(account_id)
        if secret is None:
            raise iw.HardwareKeyError.NotPresent()
        return hmac.new(secret, bytes(salt), hashlib.sha256).digest()


def open_core(path, key):
    return iw.WalletCore(config(path), None, None, None, device_keys=device_for(path), hardware_key=key)


@pytest.fixture
def hw(tmp_path):
    """A key and a data directory (each test opens the core itself, so that it can drop it)."""
    return FakeHardwareKey(), tmp_path


def enabled(core):
    return core.accounts()[0].hardware_key_enabled


def with_factor(core):
    account_id = run(core.create_account("Hana", PW, 12, iw.Language.ENGLISH)).account.id
    run(core.enable_hardware_key(PW))
    assert enabled(core)
    core.lock()
    return account_id


def test_the_fake_is_a_deterministic_prf():
    key = FakeHardwareKey()
    key.enroll("a", "A")
    salt = bytes(range(32))
    out = key.prf("a", salt)
    assert len(out) == 32 and key.prf("a", salt) == out
    assert key.prf("a", bytes(32)) != out, "another salt, another output"
    key.swap("a")
    assert key.prf("a", salt) != out, "another key, another output"
    with pytest.raises(iw.HardwareKeyError.NotPresent):
        key.prf("nobody", salt)


def test_enabling_needs_the_password_and_the_key(hw):
    key, path = hw
    core = open_core(path, key)
    run(core.create_account("Ivo", PW, 12, iw.Language.ENGLISH))
    assert not enabled(core)
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.enable_hardware_key(PW2))
    assert not enabled(core) and key.prompts == 0, "a wrong password never reaches the key"
    key.script.append(iw.HardwareKeyError.Cancelled())
    with pytest.raises(iw.WalletError.HardwareKeyCancelled):
        run(core.enable_hardware_key(PW))
    assert not enabled(core)
    run(core.enable_hardware_key(PW))
    assert enabled(core)
    assert "hardware_key_enabled" in [e.kind for e in core.security_events(10)]
    with pytest.raises(iw.WalletError.InvalidInput):
        run(core.enable_hardware_key(PW))  # already on


def test_password_and_key_together_unlock_and_neither_alone(hw):
    key, path = hw
    core = open_core(path, key)
    with_factor(core)
    assert run(core.unlock(PW)).state.is_unlocked()
    core.lock()
    key.script.append(iw.HardwareKeyError.Cancelled())
    with pytest.raises(iw.WalletError.HardwareKeyCancelled):
        run(core.unlock(PW))
    assert core.state().is_locked()
    key.script.append(iw.HardwareKeyError.NotPresent())
    with pytest.raises(iw.WalletError.HardwareKeyUnavailable):
        run(core.unlock(PW))
    key.script.append(iw.HardwareKeyError.Other("this key has no PRF"))
    with pytest.raises(iw.WalletError.HardwareKeyUnavailable) as e:
        run(core.unlock(PW))
    assert "no PRF" in e.value.reason
    del e  # its traceback holds the core
    key.script.append(RuntimeError("host bug"))
    with pytest.raises(iw.WalletError.HardwareKeyUnavailable):
        run(core.unlock(PW))
    assert core.state().is_locked()
    del core
    gc.collect()
    # An app without the hook cannot open it with the password alone.
    core = open_core(path, None)
    with pytest.raises(iw.WalletError.HardwareKeyUnavailable):
        run(core.login("Hana", PW))
    assert core.state().is_locked()


def test_a_swapped_key_is_a_wrong_password_and_counts(hw):
    key, path = hw
    core = open_core(path, key)
    account_id = with_factor(core)
    with pytest.raises(iw.WalletError.InvalidCredentials) as wrong_password:
        run(core.unlock(PW2))
    key.swap(account_id)  # another security key is tapped
    with pytest.raises(iw.WalletError.InvalidCredentials) as wrong_key:
        run(core.unlock(PW))
    assert wrong_key.value.attempts_left == wrong_password.value.attempts_left - 1, "the wrong key was counted"
    strip = lambda s: re.sub(r"[0-9]", "", s)  # noqa: E731
    assert strip(wrong_key.value.reason) == strip(wrong_password.value.reason), "indistinguishable"
    assert core.state().is_locked()
    assert sum(e.kind == "login_failed" for e in core.security_events(20)) >= 2


def test_disabling_needs_both_and_the_password_alone_works_after(hw):
    key, path = hw
    core = open_core(path, key)
    with_factor(core)
    run(core.unlock(PW))
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.disable_hardware_key(PW2))
    assert enabled(core)
    key.script.append(iw.HardwareKeyError.Cancelled())
    with pytest.raises(iw.WalletError.HardwareKeyCancelled):
        run(core.disable_hardware_key(PW))
    assert enabled(core)
    run(core.disable_hardware_key(PW))
    assert not enabled(core)
    assert "hardware_key_disabled" in [e.kind for e in core.security_events(10)]
    with pytest.raises(iw.WalletError.InvalidInput):
        run(core.disable_hardware_key(PW))  # not on
    del core
    gc.collect()
    core = open_core(path, None)
    assert run(core.login("Hana", PW)).state.is_unlocked()
    assert not enabled(core)


def test_enabling_without_a_hook_is_typed(tmp_path):
    core = open_core(tmp_path, None)
    run(core.create_account("Jo", PW, 12, iw.Language.ENGLISH))
    with pytest.raises(iw.WalletError.HardwareKeyUnavailable):
        run(core.enable_hardware_key(PW))
    assert not enabled(core)
