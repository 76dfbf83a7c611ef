"""Issue 12, "No way around the password": each attack is made the way an app would make it,
through the bindings, and must be stopped."""
import asyncio

import pytest
import imwallet as iw
from conftest import PW, PW2, Owner, config, confirm


def run(coro):
    return asyncio.run(coro)


def english_words():
    """The attacker's word list, collected from the library's own generator."""
    words = set()
    while len(words) < 2048:
        words.update(iw.generate_mnemonic(24, iw.Language.ENGLISH).decode().split())
    return sorted(words)


def logout(core):
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=False, keep_global_caches=True, remove_wallet=False))
    run(core.logout(plan.token, confirm()))


NONE = iw.GatePolicy(gate=iw.Gate.NONE, fresh_within_secs=None)
MAIL = ('{"types":{"EIP712Domain":[{"name":"name","type":"string"}],"Mail":[{"name":"contents","type":"string"}]},'
        '"primaryType":"Mail","domain":{"name":"Ether Mail"},"message":{"contents":"Hello, Bob!"}}')


def test_attack_1_backup_check_is_no_oracle(rig):
    core, _, _, _ = rig
    created = run(core.create_account("Eve", PW, 12, iw.Language.ENGLISH))
    phrase = created.phrase.decode().split()
    learnt, calls = {}, 0
    positions = run(core.backup_challenge(iw.AuthProof.NONE()))
    for w in english_words():
        calls += 1
        try:
            core.confirm_backup([w.encode()] * len(positions))
            break
        except iw.WalletError.BackupMismatch as e:
            wrong = getattr(e, "wrong_positions", None)
            if wrong is not None:
                learnt.update({p: w for p in positions if p not in wrong})
        except iw.WalletError:
            break
    right = [p for p, w in learnt.items() if phrase[p - 1] == w]
    assert right == [], f"the backup check leaked words at positions {right} in {calls} calls"


def test_attack_1_failed_answers_discard_the_challenge_then_need_the_gate(rig):
    core, _, _, _ = rig
    run(core.create_account("Eve", PW, 12, iw.Language.ENGLISH))
    for _ in range(3):
        run(core.backup_challenge(iw.AuthProof.NONE()))
        with pytest.raises(iw.WalletError.BackupMismatch) as e:
            core.confirm_backup([b"zzz"] * 3)
        assert not hasattr(e.value, "wrong_positions")
        with pytest.raises(iw.WalletError.NoBackupChallenge):
            core.confirm_backup([b"zzz"] * 3)
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.backup_challenge(iw.AuthProof.NONE()))
    assert len(run(core.backup_challenge(iw.AuthProof.PASSWORD(PW)))) == 3


def test_attack_2_another_account_cannot_relax_the_victims_gate(rig):
    core, _, _, _ = rig
    run(core.create_account("Victim", PW, 12, iw.Language.ENGLISH))
    logout(core)
    run(core.create_account("Mallory", PW2, 12, iw.Language.ENGLISH))
    run(core.set_gate_policy(iw.GatedAction.REVEAL_PHRASE, NONE, iw.AuthProof.PASSWORD(PW2)))
    logout(core)
    run(core.login("Victim", PW))
    assert core.gate_policy(iw.GatedAction.REVEAL_PHRASE).gate == iw.Gate.PASSWORD
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.reveal_phrase(iw.AuthProof.NONE()))


def test_attack_3_settings_need_a_proof_made_in_that_call(rig):
    core, _, _, _ = rig
    run(core.create_account("Owner", PW, 12, iw.Language.ENGLISH))
    windowed = iw.GatePolicy(gate=iw.Gate.PASSWORD, fresh_within_secs=300)
    run(core.set_gate_policy(iw.GatedAction.SIGN_MESSAGE, windowed, iw.AuthProof.PASSWORD(PW)))
    run(core.set_gate_policy(iw.GatedAction.CHANGE_SETTINGS, windowed, iw.AuthProof.PASSWORD(PW)))
    run(core.authorize(iw.GatedAction.SIGN_MESSAGE, iw.AuthProof.PASSWORD(PW)))
    run(core.authorize(iw.GatedAction.CHANGE_SETTINGS, iw.AuthProof.PASSWORD(PW)))
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.set_gate_policy(iw.GatedAction.SIGN_MESSAGE, NONE, iw.AuthProof.NONE()))
    assert core.gate_policy(iw.GatedAction.SIGN_MESSAGE) == windowed


def test_attack_3_auto_lock_cannot_be_turned_off_while_locked(rig):
    core, _, _, _ = rig
    run(core.create_account("Owner", PW, 12, iw.Language.ENGLISH))
    run(core.set_auto_lock(iw.AutoLock.AFTER_SECONDS(seconds=60), iw.AuthProof.PASSWORD(PW)))
    core.lock()
    with pytest.raises(iw.WalletError.Locked):
        run(core.set_auto_lock(iw.AutoLock.NEVER(), iw.AuthProof.PASSWORD(PW)))
    run(core.unlock(PW))
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.set_auto_lock(iw.AutoLock.NEVER(), iw.AuthProof.NONE()))
    assert core.auto_lock() == iw.AutoLock.AFTER_SECONDS(seconds=60)


def test_attack_4_raw_digest_obeys_the_typed_data_gate(rig):
    core, _, _, _ = rig
    run(core.create_account("Owner", PW, 12, iw.Language.ENGLISH))
    strict = iw.GatePolicy(gate=iw.Gate.PASSWORD, fresh_within_secs=None)
    run(core.set_gate_policy(iw.GatedAction.SIGN_TYPED_DATA, strict, iw.AuthProof.PASSWORD(PW)))
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.sign_typed_data(0, MAIL))
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.sign_digest(0, bytes(range(32))))


def test_attack_5_reset_from_the_lock_screen_keeps_an_unbacked_wallet(rig):
    core, _, _, _ = rig
    run(core.create_account("Eve", PW, 12, iw.Language.ENGLISH))
    core.lock()
    plan = core.prepare_erase()
    assert plan.authorization_needed and plan.not_backed_up == ["Eve"]
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.erase_all_data(plan.phrase_to_type, iw.EraseProofs(passwords=[], use_device_owner=False)))
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.erase_all_data(plan.phrase_to_type, iw.EraseProofs(passwords=[], use_device_owner=True)))
    wrong = iw.EraseProofs(passwords=[iw.ErasePassword(account_name="Eve", password=PW2)], use_device_owner=False)
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.erase_all_data(plan.phrase_to_type, wrong))
    assert len(core.accounts()) == 1
    right = iw.EraseProofs(passwords=[iw.ErasePassword(account_name="eve", password=PW)], use_device_owner=False)
    assert run(core.erase_all_data(plan.phrase_to_type, right)).accounts_removed == 1


def test_attack_5_device_owner_check_through_the_hook(tmp_path):
    owner = Owner(answer=False)
    core = iw.WalletCore(config(tmp_path), None, None, None, device_owner=owner)
    run(core.create_account("Eve", PW, 12, iw.Language.ENGLISH))
    core.lock()
    plan = core.prepare_erase()
    assert plan.authorization_needed and plan.device_owner_check_available
    by_owner = iw.EraseProofs(passwords=[], use_device_owner=True)
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.erase_all_data(plan.phrase_to_type, by_owner))
    owner.answer = RuntimeError("the screen crashed")
    with pytest.raises(iw.WalletError.HookFailed):
        run(core.erase_all_data(plan.phrase_to_type, by_owner))
    assert len(core.accounts()) == 1
    owner.answer = True
    assert run(core.erase_all_data(plan.phrase_to_type, by_owner)).accounts_removed == 1
    assert len(owner.asked) == 3 and "not backed up" in owner.asked[0]
