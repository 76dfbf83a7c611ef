"""KDF parameter upgrades through the Python bindings (ADR 0010): an account made by a build
whose default was one lane still opens after the app update, and its next password login
re-wraps it under the new default."""
import asyncio
import gc
import sqlite3

import imwallet as iw
from conftest import PW


def run(coro):
    return asyncio.run(coro)


def core_with(path, profile):
    return iw.WalletCore(iw.CoreConfig(data_dir=str(path), kdf_profile=profile, auto_lock=iw.AutoLock.NEVER()), None, None, None)


def stored(path):
    con = sqlite3.connect(str(path / "imwallet.db"))
    try:
        return con.execute("SELECT kdf_m_kib, kdf_t, kdf_p, password_wrap FROM accounts").fetchone()
    finally:
        con.close()


def test_an_old_default_account_is_upgraded_on_login(tmp_path):
    old = core_with(tmp_path, iw.KdfProfile.INSECURE_FAST_FOR_TESTS_PREVIOUS_DEFAULT)
    run(old.create_account("Ola", PW, 12, iw.Language.ENGLISH))
    old.lock()
    del old
    gc.collect()
    m, t, p, wrap = stored(tmp_path)
    assert (m, t, p) == (256, 1, 1)

    new = core_with(tmp_path, iw.KdfProfile.INSECURE_FAST_FOR_TESTS)
    assert run(new.login("Ola", PW)).state.is_unlocked()
    m2, t2, p2, wrap2 = stored(tmp_path)
    assert (m2, t2, p2) == (256, 1, 4) and wrap2 != wrap
    new.lock()
    assert run(new.unlock(PW)).state.is_unlocked()
    assert stored(tmp_path)[3] == wrap2, "upgraded once"
