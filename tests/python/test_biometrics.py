"""Biometric unlock and gates through the Python bindings, with a Python key store that
behaves like the platforms (cancel, lockout, enrollment change, exceptions)."""
import asyncio

import pytest
import imwallet as iw
from conftest import PW, confirm


def run(coro):
    return asyncio.run(coro)


def setup_bio(core):
    run(core.create_account("Bea", PW, 12, iw.Language.ENGLISH))
    run(core.enable_biometric_unlock(PW))
    core.lock()


def test_enable_unlock_disable(bio):
    core, ks, rec = bio
    run(core.create_account("Bea", PW, 12, iw.Language.ENGLISH))
    with pytest.raises(iw.WalletError.InvalidCredentials):
        run(core.enable_biometric_unlock(b"not the password"))
    run(core.enable_biometric_unlock(PW))
    assert len(ks.entries) == 1 and core.accounts()[0].biometric_enabled
    core.lock()
    assert run(core.unlock_with_biometrics()).state.is_unlocked()
    assert ks.prompts[-1] == "Unlock Bea"
    assert "biometric_unlock" in rec.events
    run(core.disable_biometric_unlock())
    assert ks.entries == {} and not core.accounts()[0].biometric_enabled


def test_prompt_texts_come_from_the_shell(tmp_path):
    """The shell supplies the prompt texts in the user's language; English is the default."""
    from conftest import FakeKeyStore, config
    assert iw.default_prompt_texts().unlock_title == "Unlock imwallet"
    ks = FakeKeyStore()
    texts = iw.PromptTexts(unlock_title="Déverrouiller imwallet", unlock_reason="Déverrouiller {account}",
                           confirm_title="Confirmez", confirm_reason="Confirmer : {action}")
    core = iw.WalletCore(config(tmp_path), None, None, ks, prompt_texts=texts)
    run(core.create_account("Zoé", PW, 12, iw.Language.FRENCH))
    run(core.enable_biometric_unlock(PW))
    core.lock()
    assert run(core.unlock_with_biometrics()).state.is_unlocked()
    assert ks.prompts[-1] == "Déverrouiller Zoé"
    run(core.set_gate_policy(iw.GatedAction.REVEAL_PHRASE, iw.GatePolicy(gate=iw.Gate.BIOMETRIC, fresh_within_secs=None),
                             iw.AuthProof.PASSWORD(password=PW)))
    run(core.reveal_phrase(iw.AuthProof.BIOMETRIC()))
    assert ks.prompts[-1] == "Confirmer : reveal phrase"


@pytest.mark.parametrize("outcome,error", [
    (iw.KeyStoreError.Cancelled(), iw.WalletError.BiometricCancelled),
    (iw.KeyStoreError.Lockout(), iw.WalletError.BiometricLockout),
    (iw.KeyStoreError.NotEnrolled(), iw.WalletError.BiometricNotEnrolled),
    (iw.KeyStoreError.Unavailable(), iw.WalletError.BiometricUnavailable),
    (RuntimeError("the host crashed"), iw.WalletError.HookFailed),
])
def test_every_outcome_is_typed_and_changes_nothing(bio, outcome, error):
    core, ks, _ = bio
    setup_bio(core)
    ks.script.append(outcome)
    with pytest.raises(error):
        run(core.unlock_with_biometrics())
    assert core.state().is_locked()
    assert core.accounts()[0].biometric_enabled
    assert run(core.unlock_with_biometrics()).state.is_unlocked()


def test_enrollment_change_and_wrong_secret_disable_biometrics(bio):
    core, ks, rec = bio
    setup_bio(core)
    ks.enroll_new_fingerprint()
    with pytest.raises(iw.WalletError.BiometricInvalidated):
        run(core.unlock_with_biometrics())
    assert not core.accounts()[0].biometric_enabled and ks.entries == {}
    assert "biometric_invalidated" in rec.events
    with pytest.raises(iw.WalletError.BiometricNotEnabled):
        run(core.unlock_with_biometrics())
    run(core.unlock(PW))
    run(core.enable_biometric_unlock(PW))
    core.lock()
    alias = next(iter(ks.entries))
    ks.entries[alias] = b"\x01" * 32
    with pytest.raises(iw.WalletError.BiometricInvalidated):
        run(core.unlock_with_biometrics())


def test_limiter_is_unaffected(bio):
    core, ks, _ = bio
    setup_bio(core)
    for _ in range(3):
        with pytest.raises(iw.WalletError.InvalidCredentials):
            run(core.unlock(b"wrong wrong wrong"))
    assert run(core.unlock_with_biometrics()).state.is_unlocked()
    core.lock()
    for _ in range(2):
        with pytest.raises(iw.WalletError.InvalidCredentials):
            run(core.unlock(b"wrong wrong wrong"))
    with pytest.raises(iw.WalletError.TooManyAttempts):
        run(core.unlock_with_biometrics())


def test_gates_with_and_without_freshness(bio):
    core, ks, _ = bio
    setup_bio(core)
    run(core.unlock_with_biometrics())
    assert core.gate_policy(iw.GatedAction.REVEAL_PHRASE) == iw.GatePolicy(gate=iw.Gate.PASSWORD, fresh_within_secs=None)
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.reveal_phrase(iw.AuthProof.BIOMETRIC()))
    run(core.set_gate_policy(iw.GatedAction.REVEAL_PHRASE, iw.GatePolicy(gate=iw.Gate.BIOMETRIC, fresh_within_secs=None), iw.AuthProof.PASSWORD(password=PW)))
    phrase = run(core.reveal_phrase(iw.AuthProof.NONE()))
    assert len(phrase.split()) == 12
    strict = iw.GatePolicy(gate=iw.Gate.PASSWORD, fresh_within_secs=300)
    with pytest.raises(iw.WalletError.AuthorizationRequired):
        run(core.set_gate_policy(iw.GatedAction.SIGN_MESSAGE, strict, iw.AuthProof.NONE()))
    run(core.set_gate_policy(iw.GatedAction.SIGN_MESSAGE, strict, iw.AuthProof.BIOMETRIC()))
    with pytest.raises(iw.WalletError.AuthorizationRequired) as e:
        run(core.sign_message(0, b"x"))
    assert e.value.accepted == "the wallet password"
    run(core.authorize(iw.GatedAction.SIGN_MESSAGE, iw.AuthProof.PASSWORD(password=PW)))
    run(core.sign_message(0, b"x"))
    run(core.sign_message(0, b"y"))  # within the window


def test_logout_removes_the_biometric_path(bio):
    core, ks, _ = bio
    setup_bio(core)
    plan = core.prepare_logout(iw.LogoutOptions(clear_caches=True, keep_global_caches=True, remove_wallet=False))
    assert iw.LogoutAction.REMOVE_BIOMETRIC_UNLOCK in plan.actions
    report = run(core.logout(plan.token, confirm()))
    assert report.biometric_removed and ks.entries == {}
    with pytest.raises(iw.WalletError.NotLoggedIn):
        run(core.unlock_with_biometrics())
