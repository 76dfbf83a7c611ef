"""Device-bound keys (issue 17) through the Python bindings, with the in-memory phone of
conftest (`FakeDeviceKeys`, AES-GCM): a copied data directory opens nothing on another phone,
"unavailable" is not "lost", removal and erase crypto-shred, and nothing readable is left at rest."""
import asyncio
import gc
import hashlib
import os
import shutil
import sqlite3

import pytest
import imwallet as iw
from conftest import PW, PW2, FakeDeviceKeys, config, confirm, device_for, reopen

PHRASE = b"test test test test test test test test test test test junk"
ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def run(coro):
    return asyncio.run(coro)


def fingerprint(path):
    """Every file under `path` with a hash of its content (a database: of its rows, read without
    locks; a refused open may still bump SQLite's header counters): shows nothing was lost."""
    out = {}
    for root, _, files in os.walk(path):
        for f in files:
            p = os.path.join(root, f)
            if f.endswith(".db"):
                con = sqlite3.connect(f"file:{p}?immutable=1", uri=True)
                content = "\n".join(con.iterdump()).encode()
                con.close()
            else:
                with open(p, "rb") as fh:
                    content = fh.read()
            out[os.path.relpath(p, path)] = hashlib.sha256(content).hexdigest()
    return out


def scan(path, needle: bytes):
    """The files under `path` that contain `needle`."""
    hits = []
    for root, _, files in os.walk(path):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                if needle in fh.read():
                    hits.append(os.path.relpath(os.path.join(root, f), path))
    return hits


def account_alias(account_id):
    return f"imwallet.dev.a.{account_id}"


def test_the_fake_behaves_like_a_device_key_store():
    phone = FakeDeviceKeys()
    alias = "imwallet.dev.a.test"
    with pytest.raises(iw.DeviceKeyError.NotFound):
        phone.wrap(alias, b"\x01" * 32)
    phone.create_key(alias)
    secret = os.urandom(32)
    blob = phone.wrap(alias, secret)
    assert len(blob) == 12 + 32 + 16 and secret not in blob
    assert phone.unwrap(alias, blob) == secret
    assert phone.wrap(alias, secret) != blob, "a fresh nonce every time"
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(iw.DeviceKeyError.WrongKey):
        phone.unwrap(alias, tampered)
    with pytest.raises(iw.DeviceKeyError.WrongKey):
        phone.unwrap(alias, blob[:10])
    phone.create_key("imwallet.dev.a.other")
    with pytest.raises(iw.DeviceKeyError.WrongKey):
        phone.unwrap("imwallet.dev.a.other", blob)  # the alias is bound in as associated data
    phone.create_key(alias)  # replaced: the old blob is dead
    with pytest.raises(iw.DeviceKeyError.WrongKey):
        phone.unwrap(alias, blob)
    phone.unavailable = True
    with pytest.raises(iw.DeviceKeyError.Unavailable):
        phone.list()
    phone.unavailable = False
    phone.delete_key(alias)
    phone.delete_key(alias)  # deleting a missing key is not an error
    assert phone.list() == ["imwallet.dev.a.other"]


def test_a_copied_directory_opens_nothing_on_a_new_device(tmp_path):
    home = tmp_path / "phone"
    core = reopen(home)
    run(core.import_account("Dev", PHRASE, None, PW))
    core.cache_put("balances", iw.CacheScope.CURRENT_ACCOUNT(), "eth", b"CANARY-copied-balance", None)
    del core  # the last reference: the directory is released
    gc.collect()
    stolen = tmp_path / "copy"
    shutil.copytree(home, stolen)
    before = fingerprint(stolen)

    new_phone = FakeDeviceKeys()
    with pytest.raises(iw.WalletError.DeviceKeyLost) as e:
        reopen(stolen, device=new_phone)
    assert "recovery phrase" in e.value.reason
    # Not even the correct password gets a chance: nothing is opened, nothing is deleted.
    assert fingerprint(stolen) == before
    assert new_phone.aliases() == [], "no key was created on the new phone"
    with pytest.raises(iw.WalletError.DeviceKeyLost):
        reopen(stolen, device=new_phone)  # the same answer every time, no state change

    # The original phone still opens its directory (and the copy: it is the keys, not the path).
    core = reopen(home)
    assert run(core.login("Dev", PW)).state.is_unlocked()
    assert core.cache_get("balances", iw.CacheScope.CURRENT_ACCOUNT(), "eth") == b"CANARY-copied-balance"
    del core
    gc.collect()
    assert reopen(stolen, device=device_for(home)).accounts()[0].address == ADDRESS

    # The way forward on the new phone: quarantine, then restore from the recovery phrase.
    moved = iw.quarantine_damaged_data(str(stolen))
    assert os.path.exists(os.path.join(moved, "imwallet.db"))
    fresh = reopen(stolen, device=new_phone)
    assert fresh.state().is_no_account()
    assert run(fresh.import_account("Dev", PHRASE, None, PW2)).address == ADDRESS


def test_unavailable_is_not_lost_and_opens_once_available(tmp_path):
    phone = device_for(tmp_path)
    core = reopen(tmp_path)
    created = run(core.create_account("Una", PW, 12, iw.Language.ENGLISH))
    del core
    gc.collect()
    before = fingerprint(tmp_path)
    held = phone.aliases()

    phone.unavailable = True  # rebooted, not unlocked yet
    with pytest.raises(iw.WalletError.DeviceKeyUnavailable) as e:
        reopen(tmp_path)
    assert "first unlock" in e.value.reason
    assert fingerprint(tmp_path) == before and phone.aliases() == held, "nothing is lost or deleted"

    phone.unavailable = False
    core = reopen(tmp_path)
    assert [a.name for a in core.accounts()] == ["Una"]
    assert run(core.unlock(PW)).state.is_unlocked()
    assert core.accounts()[0].address == created.account.address

    # A new wallet while the store is unavailable is refused whole, and can be retried.
    phone.unavailable = True
    with pytest.raises(iw.WalletError.DeviceKeyUnavailable):
        run(core.create_account("Later", PW2, 12, iw.Language.ENGLISH))
    phone.unavailable = False
    assert [a.name for a in core.accounts()] == ["Una"]
    run(core.create_account("Later", PW2, 12, iw.Language.ENGLISH))
    assert sorted(a.name for a in core.accounts()) == ["Later", "Una"]


def test_removing_a_wallet_shreds_its_device_key(rig):
    core, _, _, path = rig
    phone = device_for(path)
    keep = run(core.create_account("Keep", PW2, 12, iw.Language.ENGLISH)).account
    gone = run(core.create_account("Gone", PW, 12, iw.Language.ENGLISH)).account
    assert {account_alias(keep.id), account_alias(gone.id)} <= set(phone.aliases())
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=True, remove_wallet=True))
    report = run(core.logout(plan.token, confirm("Gone", PW)))
    assert report.wallet_removed and report.wallet_data_shredded
    assert account_alias(gone.id) not in phone.aliases()
    assert account_alias(keep.id) in phone.aliases(), "the other wallet keeps its key"
    # A plain logout shreds nothing.
    run(core.login("Keep", PW2))
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=True, remove_wallet=False))
    report = run(core.logout(plan.token, confirm()))
    assert not report.wallet_removed and not report.wallet_data_shredded
    assert account_alias(keep.id) in phone.aliases()


def test_erase_deletes_every_device_key(tmp_path):
    path = tmp_path
    phone = device_for(path)
    core = reopen(path)
    run(core.create_account("Ann", PW, 12, iw.Language.ENGLISH))
    old = set(phone.aliases())
    assert len(old) >= 2  # the device scope and the wallet's
    plan = core.prepare_erase()
    proofs = iw.EraseProofs(passwords=[iw.ErasePassword(account_name="Ann", password=PW)], use_device_owner=False)
    report = run(core.erase_all_data(plan.phrase_to_type, proofs))
    assert report.accounts_removed == 1 and report.device_keys_deleted >= 2
    now = phone.aliases()
    assert not (old & set(now)), "every old key is gone"
    assert len(now) == 1 and now[0].startswith("imwallet.dev.d."), "a new device scope for what comes next"
    # The directory stays bound: a new wallet works and survives a reopen on this phone only.
    run(core.create_account("Bea", PW, 12, iw.Language.ENGLISH))
    del core
    gc.collect()
    with pytest.raises(iw.WalletError.DeviceKeyLost):
        reopen(path, device=FakeDeviceKeys())
    assert [a.name for a in reopen(path).accounts()] == ["Bea"]


def canaries(name, address, value):
    """The forms a name, an address or a value could take in a file."""
    raw = bytes.fromhex(address[2:])
    return [name.encode(), name.lower().encode(), name.encode("utf-16-le"),
            address.encode(), address.lower().encode(), address[2:].lower().encode(), raw, value]


def test_canary_scan_finds_no_name_address_or_cached_value(tmp_path):
    path = tmp_path
    core = reopen(path)
    name, value = "Zebulon Canary", b"CANARY-db-cache-value-7f3a"
    created = run(core.create_account(name, PW, 12, iw.Language.ENGLISH))
    address = created.account.address
    more = core.addresses(3)
    core.cache_put("balances", iw.CacheScope.CURRENT_ACCOUNT(), "eth", value, None)
    core.cache_put("transaction_history", iw.CacheScope.CURRENT_ACCOUNT(), address, value, None)
    core.lock()
    run(core.unlock(PW))
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=False, keep_global_caches=True, remove_wallet=False))
    run(core.logout(plan.token, confirm()))
    run(core.login(name.lower(), PW))  # login by name works from the keyed index
    assert core.cache_get("balances", iw.CacheScope.CURRENT_ACCOUNT(), "eth") == value
    assert address in more

    def check(when):
        for a in more:
            for needle in canaries(name, a, value):
                assert scan(path, needle) == [], f"{needle!r} readable at rest ({when})"

    check("while open")
    del core
    gc.collect()
    check("after closing")


def test_an_unbound_directory_moves_under_the_device_keys(tmp_path):
    unbound = iw.WalletCore(config(tmp_path), None, None, None)
    name = "Migrating Marla"
    address = run(unbound.create_account(name, PW, 12, iw.Language.ENGLISH)).account.address
    del unbound
    gc.collect()
    assert scan(tmp_path, name.encode()), "written in clear before device keys"
    core = reopen(tmp_path)
    assert core.state().is_locked()
    assert run(core.login(name, PW)).state.is_unlocked() and core.accounts()[0].address == address
    del core
    gc.collect()
    for needle in canaries(name, address, b"CANARY-none"):
        assert scan(tmp_path, needle) == [], f"{needle!r} still readable after the move"
    with pytest.raises(iw.WalletError.DeviceKeyUnavailable):
        iw.WalletCore(config(tmp_path), None, None, None)  # bound now: no key store, no open
