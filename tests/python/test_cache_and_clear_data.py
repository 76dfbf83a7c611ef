"""Caches, logout clearing, "reset app" and recovery after the OS wiped the app's data,
through the Python bindings — with canary scans of the data directory."""
import asyncio
import os
import shutil

import pytest
import imwallet as iw
from conftest import PW, FakeKeyStore, config, confirm


def run(coro):
    return asyncio.run(coro)


def scan(path, needle: bytes) -> int:
    n = 0
    for root, _, files in os.walk(path):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                n += fh.read().count(needle)
    return n


def test_cache_put_get_usage_and_real_clearing(rig):
    core, _, _, path = rig
    run(core.create_account("Cam", PW, 12, iw.Language.ENGLISH))
    me = iw.CacheScope.CURRENT_ACCOUNT()
    core.cache_put("balances", me, "eth", b"CANARY-balance-42", None)
    core.cache_put("token_metadata", iw.CacheScope.GLOBAL(), "usdc", b"USD Coin", 3600)
    assert core.cache_get("balances", me, "eth") == b"CANARY-balance-42"
    folder = core.register_file_cache("images")
    assert os.path.isdir(folder)
    core.cache_put_file("images", me, "nft.png", b"CANARY-image-bytes")
    usage = {u.kind: u for u in core.cache_usage()}
    assert usage["balances"].entries == 1 and usage["images"].files == 1
    # The database value is sealed under the device keys; the file is the shell's own, in clear.
    assert scan(path, b"CANARY-balance") == 0 and scan(path, b"CANARY-image") == 1
    report = core.clear_cache(iw.ClearScope.ALL())
    assert report.entries_removed == 2 and report.files_removed == 1 and report.bytes_freed > 0
    assert scan(path, b"CANARY-") == 0
    with pytest.raises(iw.WalletError.InvalidInput):
        core.cache_put("Not A Kind!", me, "k", b"v", None)
    with pytest.raises(iw.WalletError.InvalidInput):
        core.cache_put_file("images", me, "../escape", b"x")


def test_logout_clears_account_caches_keeps_public_global(rig):
    core, _, _, path = rig
    run(core.create_account("Dan", PW, 12, iw.Language.ENGLISH))
    me = iw.CacheScope.CURRENT_ACCOUNT()
    core.cache_put("transaction_history", me, "recent", b"CANARY-history", None)
    core.cache_put("token_metadata", iw.CacheScope.GLOBAL(), "usdc", b"USD Coin", None)
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=True, remove_wallet=False))
    report = run(core.logout(plan.token, confirm()))
    assert report.cache_entries_cleared == 1
    assert core.cache_get("token_metadata", iw.CacheScope.GLOBAL(), "usdc") == b"USD Coin"
    assert scan(path, b"CANARY-history") == 0


def test_reset_app_erases_everything(bio, tmp_path):
    core, ks, _ = bio
    run(core.create_account("Eve", PW, 12, iw.Language.ENGLISH))
    run(core.enable_biometric_unlock(PW))
    core.cache_put("balances", iw.CacheScope.CURRENT_ACCOUNT(), "eth", b"CANARY-erase", None)
    plan = core.prepare_erase()
    assert plan.not_backed_up == ["Eve"] and plan.phrase_to_type == "ERASE ALL DATA"
    with pytest.raises(iw.WalletError.ConfirmationRequired):
        run(core.erase_all_data("yes", iw.EraseProofs(passwords=[], use_device_owner=False)))
    assert plan.authorization_needed and not plan.device_owner_check_available
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.erase_all_data(plan.phrase_to_type, iw.EraseProofs(passwords=[], use_device_owner=False)))
    proofs = iw.EraseProofs(passwords=[iw.ErasePassword(account_name="Eve", password=PW)], use_device_owner=False)
    assert "correct horse" not in repr(proofs) and "correct horse" not in str(proofs.passwords[0])
    report = run(core.erase_all_data(plan.phrase_to_type, proofs))
    assert report.accounts_removed == 1 and report.caches.entries_removed == 1
    assert core.state().is_no_account() and ks.entries == {}
    assert [e.kind for e in core.security_events(10)] == ["data_erased"]
    assert scan(tmp_path, b"CANARY-erase") == 0 and scan(tmp_path, b"Eve") == 0


def test_recovery_after_the_os_wiped_the_app(tmp_path):
    ks = FakeKeyStore()
    core = iw.WalletCore(config(tmp_path), None, None, ks)
    run(core.create_account("Fay", PW, 12, iw.Language.ENGLISH))
    run(core.enable_biometric_unlock(PW))
    del core
    shutil.rmtree(tmp_path)
    fresh = iw.WalletCore(config(tmp_path), None, None, ks)
    assert fresh.state().is_no_account()
    assert ks.entries == {}, "orphaned key-store entries are purged"
    assert "orphans_purged" in [e.kind for e in fresh.security_events(5)]


def test_damaged_directory_is_a_typed_error_with_a_way_forward(tmp_path):
    (tmp_path / "imwallet.db").write_bytes(b"garbage, not a database" * 10)
    with pytest.raises(iw.WalletError.StorageFailed) as e:
        iw.WalletCore(config(tmp_path), None, None, None)
    assert e.value.kind == "DatabaseCorrupt"
    moved = iw.quarantine_damaged_data(str(tmp_path))
    assert os.path.exists(os.path.join(moved, "imwallet.db"))
    assert iw.WalletCore(config(tmp_path), None, None, None).state().is_no_account()
