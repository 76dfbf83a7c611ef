"""The real flows through the Python bindings: create, back up, log out with warnings, log
back in, auto-lock, limiter, wallet removal, bad inputs, hook failures."""
import asyncio
import gc
import time

import pytest
import imwallet as iw
from conftest import PW, PW2, confirm, reopen


def run(coro):
    return asyncio.run(coro)


def words_of(phrase: bytes):
    return phrase.decode().split()


def confirm_backup(core, phrase):
    words = words_of(phrase)
    positions = run(core.backup_challenge(iw.AuthProof.NONE()))
    core.confirm_backup([words[p - 1].encode() for p in positions])


def test_create_backup_logout_with_warnings_and_log_back_in(rig):
    core, env, rec, path = rig
    assert core.state().is_no_account()
    created = run(core.create_account("Alice", PW, 12, iw.Language.ENGLISH))
    assert isinstance(created.phrase, bytes) and len(words_of(created.phrase)) == 12
    assert core.state().is_unlocked() and core.state().account.name == "Alice"
    address = created.account.address
    sig = run(core.sign_message(0, b"hello"))
    assert len(sig) == 65 and iw.recover_personal_signer(b"hello", sig) == address

    env.net = iw.NetworkKind.PUBLIC_WIFI
    env.root = True
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=True, remove_wallet=False))
    assert plan.warnings == [iw.LogoutWarning.NOT_BACKED_UP, iw.LogoutWarning.INSECURE_NETWORK, iw.LogoutWarning.UNTRUSTED_DEVICE]
    assert plan.confirmation == iw.ConfirmationNeeded.TAP

    confirm_backup(core, created.phrase)
    env.net, env.root = iw.NetworkKind.CELLULAR, False
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=True, remove_wallet=False))
    assert plan.warnings == []
    report = run(core.logout(plan.token, confirm()))
    assert report.keys_wiped and report.session_ended and not report.wallet_removed
    assert core.state().is_logged_out()
    assert run(core.logout(plan.token, confirm())) == report, "idempotent"
    with pytest.raises(iw.WalletError.NotLoggedIn):
        run(core.sign_message(0, b"x"))

    outcome = run(core.login("alice", PW))
    assert outcome.state.is_unlocked()
    assert core.addresses(1) == [address]
    kinds = [e.kind for e in core.security_events(50)]
    for k in ["account_created", "backup_confirmed", "logged_out", "login_succeeded"]:
        assert k in kinds
    assert "logged_out" in rec.events
    assert any(s.is_logged_out() for s in rec.states)


def test_lock_unlock_restart_and_key_gating(tmp_path):
    path = tmp_path
    core = reopen(path)
    run(core.create_account("Bob", PW, 24, iw.Language.JAPANESE))
    assert core.lock().is_locked()
    with pytest.raises(iw.WalletError.Locked):
        run(core.sign_message(0, b"x"))  # (typed data is validated before the session is even looked at)
    with pytest.raises(iw.WalletError.Locked):
        run(core.reveal_phrase(iw.AuthProof.PASSWORD(password=PW)))
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.unlock(b"not my password at all"))
    assert run(core.unlock(PW)).state.is_unlocked()
    with pytest.raises(iw.WalletError.DataDirectoryInUse):
        reopen(path)  # one owner per data directory
    del core  # the last reference: the directory is released
    gc.collect()  # (exception tracebacks above hold frames that referenced it)
    again = reopen(path)
    assert again.state().is_locked(), "an active session comes back locked"
    assert run(again.unlock(PW)).state.is_unlocked()


def test_auto_lock_with_a_short_timeout(rig):
    core, _, rec, _ = rig
    run(core.create_account("Cy", PW, 12, iw.Language.ENGLISH))
    run(core.set_auto_lock(iw.AutoLock.AFTER_SECONDS(seconds=1), iw.AuthProof.PASSWORD(PW)))
    time.sleep(0.5)
    core.touch()
    time.sleep(0.6)
    assert core.state().is_unlocked()
    time.sleep(1.2)
    assert core.state().is_locked()
    assert "locked_automatically" in rec.events
    with pytest.raises(iw.WalletError.Locked):
        run(core.set_auto_lock(iw.AutoLock.IMMEDIATE(), iw.AuthProof.PASSWORD(PW)))
    run(core.unlock(PW))
    run(core.set_auto_lock(iw.AutoLock.IMMEDIATE(), iw.AuthProof.PASSWORD(PW)))
    assert core.app_backgrounded().is_locked()


def test_limiter(rig):
    core, _, _, _ = rig
    run(core.create_account("Dee", PW, 12, iw.Language.ENGLISH))
    for _ in range(5):
        with pytest.raises(iw.WalletError.InvalidCredentials):
            run(core.login("Dee", b"wrong wrong wrong"))
    with pytest.raises(iw.WalletError.TooManyAttempts) as e:
        run(core.login("Dee", PW))
    assert e.value.retry_after_secs == 30
    assert core.retry_after_secs() == 30
    assert core.failed_attempts_summary().count == 5


def test_logout_with_wallet_removal(rig):
    core, _, _, path = rig
    run(core.create_account("Eve", PW, 12, iw.Language.ENGLISH))
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=False, remove_wallet=True))
    assert plan.confirmation == iw.ConfirmationNeeded.TYPE_ACCOUNT_NAME
    assert plan.authorization == iw.Gate.PASSWORD
    assert iw.LogoutWarning.WALLET_WILL_BE_REMOVED in plan.warnings
    assert iw.LogoutAction.REMOVE_WALLET in plan.actions
    with pytest.raises(iw.WalletError.ConfirmationRequired):
        run(core.logout(plan.token, confirm("not the name", PW)))
    with pytest.raises(iw.WalletError.AuthorizationRequired) as e:
        run(core.logout(plan.token, confirm("eve")))
    assert e.value.action == "remove_wallet"
    report = run(core.logout(plan.token, confirm("eve", PW)))
    assert report.wallet_removed
    assert core.state().is_no_account()
    assert core.accounts() == []
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.login("Eve", PW))


def test_import_export_change_password(rig):
    core, _, _, _ = rig
    acct = run(core.import_account("Dev", b"test test test test test test test test test test test junk", None, PW))
    assert acct.address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    # The same wallet under a second name: refused, naming the account it already is.
    same = run(core.export_keystore(iw.AuthProof.PASSWORD(password=PW), 0, b"file password"))
    with pytest.raises(iw.WalletError.WalletAlreadyOnDevice) as e:
        run(core.import_keystore("FromFile", same, b"file password", PW2))
    assert e.value.account == "Dev"
    with pytest.raises(iw.WalletError.WalletAlreadyOnDevice):
        run(core.import_account("Dev again", b"test test test test test test test test test test test junk", None, PW2))
    second = core.addresses(2)[1]
    ks = run(core.export_keystore(iw.AuthProof.PASSWORD(password=PW), 1, b"file password"))
    other = run(core.import_keystore("FromFile", ks, b"file password", PW2))
    assert other.address == second and not other.has_recovery_phrase
    run(core.change_password(PW2, b"a brand new long passphrase 99"))
    core.lock()
    assert run(core.unlock(b"a brand new long passphrase 99")).state.is_unlocked()
    assert run(core.login("Dev", PW)).state.is_unlocked()
    phrase = run(core.reveal_phrase(iw.AuthProof.PASSWORD(password=PW)))
    assert phrase == b"test test test test test test test test test test test junk"


def test_bad_inputs_from_the_host(rig):
    core, _, _, _ = rig
    with pytest.raises(iw.WalletError.NotLoggedIn):
        core.addresses(1)
    with pytest.raises(iw.WalletError.WeakPassword) as e:
        run(core.create_account("Fay", b"password1", 12, iw.Language.ENGLISH))
    assert e.value.kind == "PasswordTooWeak"
    with pytest.raises(iw.WalletError.UnsupportedWordCount):
        run(core.create_account("Fay", PW, 13, iw.Language.ENGLISH))
    with pytest.raises(iw.WalletError.InvalidInput) as e:
        run(core.create_account("", PW, 12, iw.Language.ENGLISH))
    assert e.value.kind == "InvalidAccountName"
    with pytest.raises(iw.WalletError.MnemonicUnknownWord) as e:
        iw.check_mnemonic(b"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandn about")
    assert e.value.position == 11 and "abandon" in e.value.suggestions
    with pytest.raises(iw.WalletError.MnemonicChecksum):
        iw.check_mnemonic(b"zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo")
    with pytest.raises(iw.WalletError.InvalidInput):
        iw.check_mnemonic(b"\xff\xfe")
    info = iw.check_mnemonic("\u3000".join(words_of(iw.generate_mnemonic(12, iw.Language.JAPANESE))).encode())
    assert info.language == iw.Language.JAPANESE and info.word_count == 12
    with pytest.raises(iw.WalletError.InvalidInput) as e:
        iw.checksum_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    assert e.value.kind == "AddressChecksumMismatch"
    # A one-letter name does not forbid every password with that letter in it...
    run(core.create_account("a", b"a quiet harbour at dawn 1987", 12, iw.Language.ENGLISH))
    # ...while a password leaning on a real name is refused.
    with pytest.raises(iw.WalletError.WeakPassword) as e:
        run(core.create_account("Hildegard", b"Hildegard2024!", 12, iw.Language.ENGLISH))
    assert e.value.kind == "PasswordTooWeak"
    run(core.create_account("Gil", PW, 12, iw.Language.ENGLISH))
    with pytest.raises(iw.WalletError.AccountNameTaken):
        run(core.create_account("GIL", PW, 12, iw.Language.ENGLISH))
    with pytest.raises(iw.WalletError.InvalidInput):
        run(core.sign_typed_data(0, "not json"))
    with pytest.raises(iw.WalletError.InvalidInput):
        run(core.sign_digest(0, b"\x00" * 31))
    with pytest.raises(iw.WalletError.LogoutTokenInvalid):
        run(core.logout("nope", confirm()))
    with pytest.raises(iw.WalletError.BackupMismatch):
        run(core.backup_challenge(iw.AuthProof.NONE()))
        core.confirm_backup([b"x", b"y", b"z"])
    with pytest.raises(iw.WalletError.InvalidInput):
        run(core.set_auto_lock(iw.AutoLock.AFTER_SECONDS(seconds=0), iw.AuthProof.PASSWORD(PW)))


def test_hook_exceptions_are_contained(rig):
    core, env, _, _ = rig
    run(core.create_account("Hal", PW, 12, iw.Language.ENGLISH))
    env.boom = True
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=True, remove_wallet=False))
    assert iw.LogoutWarning.INSECURE_NETWORK not in plan.warnings

    class Exploding(iw.SessionListener):
        def on_state_changed(self, state):
            raise ValueError("listener bug")

        def on_security_event(self, event):
            raise ValueError("listener bug")

    core.set_listener(Exploding())
    assert core.lock().is_locked(), "a throwing listener does not undo the lock"
    assert run(core.unlock(PW)).state.is_unlocked()
