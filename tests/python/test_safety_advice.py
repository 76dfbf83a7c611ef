"""Issue 20 (ADR 0015) through the Python bindings: the environment policy (each outcome for each
action with a scripted probe; a throwing probe is unknown, never safe), the password rehearsal
(after the 30th biometric unlock, after 14 days on a scripted boot clock), the password-age flag,
and the activity summary a login/unlock returns."""
import asyncio

import pytest
import imwallet as iw
from conftest import PW, PW2, Env, FakeKeyStore, Recorder, device_for
from test_hardware_key import FakeHardwareKey

DAY = 86_400
A, R = iw.SensitiveAction, iw.EnvironmentRisk
O = iw.RiskOutcome


def run(coro):
    return asyncio.run(coro)


class FakeBootClock(iw.BootClock):
    """The phone's time since boot, moved by the test (the safety periods count on it)."""

    def __init__(self):
        self.secs = 1_000

    def boot_id(self):
        return "py-boot-1"

    def since_boot_secs(self):
        return self.secs


def safety(rules=(), **periods):
    """The default config with `rules` replacing their cells and `periods` set."""
    cfg = iw.default_safety_config()
    keys = {(r.action, r.risk) for r in rules}
    cfg.environment_rules = [r for r in cfg.environment_rules if (r.action, r.risk) not in keys] + list(rules)
    for k, v in periods.items():
        setattr(cfg, k, v)
    return cfg


class Rig:
    def __init__(self, path, cfg=None):
        self.env, self.rec, self.ks = Env(), Recorder(), FakeKeyStore()
        self.hk, self.clock = FakeHardwareKey(), FakeBootClock()
        config = iw.CoreConfig(data_dir=str(path), kdf_profile=iw.KdfProfile.INSECURE_FAST_FOR_TESTS,
                               auto_lock=iw.AutoLock.NEVER(), safety=cfg)
        self.core = iw.WalletCore(config, self.env, self.rec, self.ks, boot_clock=self.clock,
                                  device_keys=device_for(path), hardware_key=self.hk)


def act(core, action):
    """Runs `action` on the unlocked 'Ada'; login/unlock return their outcome's warnings."""
    if action == A.LOGIN:
        return run(core.login("Ada", PW)).warnings
    if action == A.UNLOCK:
        return run(core.unlock(PW)).warnings
    if action == A.REVEAL_PHRASE:
        run(core.reveal_phrase(iw.AuthProof.PASSWORD(password=PW)))
    elif action == A.EXPORT_KEYSTORE:
        run(core.export_keystore(iw.AuthProof.PASSWORD(password=PW), 0, b"export pw"))
    elif action == A.SIGN:
        run(core.sign_message(0, b"hello"))
    elif action == A.ENABLE_BIOMETRICS:
        run(core.enable_biometric_unlock(PW))
    elif action == A.DISABLE_SECOND_FACTOR:
        run(core.disable_hardware_key(PW))
    return None


ACTIONS = [A.LOGIN, A.UNLOCK, A.REVEAL_PHRASE, A.EXPORT_KEYSTORE, A.SIGN, A.ENABLE_BIOMETRICS, A.DISABLE_SECOND_FACTOR]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("outcome", [O.ALLOW, O.WARN, O.REFUSE])
def test_each_outcome_for_each_action(tmp_path, action, outcome):
    unknown = O.WARN if outcome == O.REFUSE else outcome
    r = Rig(tmp_path, safety([iw.RiskRule(action=action, risk=R.ROOTED, when_present=outcome, when_unknown=unknown)]))
    run(r.core.create_account("Ada", PW, 12, iw.Language.ENGLISH))
    if action == A.UNLOCK:
        r.core.lock()
    if action == A.DISABLE_SECOND_FACTOR:
        run(r.core.enable_hardware_key(PW))
    r.env.root = True
    check = r.core.environment_check(action)
    assert check.report.rooted is True
    if outcome == O.REFUSE:
        assert check.refusals == [iw.RiskFinding(risk=R.ROOTED, known=True)]
        with pytest.raises(iw.WalletError.EnvironmentRefused) as e:
            act(r.core, action)
        assert (e.value.action, e.value.risk, e.value.known) == (action, R.ROOTED, True)
        assert "environment_refused" in r.rec.events
        return
    warnings = act(r.core, action)
    if outcome == O.WARN:
        assert check.warnings == [iw.RiskFinding(risk=R.ROOTED, known=True)]
        if warnings is not None:
            assert warnings == [iw.RiskFinding(risk=R.ROOTED, known=True)]
        assert "environment_warning" in r.rec.events
    else:
        assert check.warnings == [] and check.refusals == []
        assert warnings in (None, [])
        assert "environment_warning" not in r.rec.events


def test_a_throwing_probe_is_unknown_never_safe(tmp_path):
    r = Rig(tmp_path)
    run(r.core.create_account("Ada", PW, 12, iw.Language.ENGLISH))
    r.env.boom = True
    check = r.core.environment_check(A.REVEAL_PHRASE)
    rep = check.report
    assert rep.network == iw.NetworkKind.UNKNOWN
    assert (rep.screen_lock_set, rep.rooted, rep.debugger_attached, rep.emulator) == (None, None, None, None)
    # The debugger refuses revealing when present: unknown, it still warns (never silently allowed).
    assert iw.RiskFinding(risk=R.DEBUGGER_ATTACHED, known=False) in check.warnings
    run(r.core.reveal_phrase(iw.AuthProof.PASSWORD(password=PW)))
    assert "environment_warning" in r.rec.events
    # An app that refuses unknown too: the throwing probe refuses.
    strict = Rig(tmp_path / "strict", safety([iw.RiskRule(action=A.REVEAL_PHRASE, risk=R.DEBUGGER_ATTACHED,
                                                          when_present=O.REFUSE, when_unknown=O.REFUSE)]))
    run(strict.core.create_account("Bo", PW, 12, iw.Language.ENGLISH))
    strict.env.boom = True
    with pytest.raises(iw.WalletError.EnvironmentRefused) as e:
        run(strict.core.reveal_phrase(iw.AuthProof.PASSWORD(password=PW)))
    assert (e.value.risk, e.value.known) == (R.DEBUGGER_ATTACHED, False)


def test_a_rule_that_makes_unknown_safe_is_refused(tmp_path):
    bad = safety([iw.RiskRule(action=A.SIGN, risk=R.DEBUGGER_ATTACHED, when_present=O.REFUSE, when_unknown=O.ALLOW)])
    with pytest.raises(iw.WalletError.InvalidInput):
        Rig(tmp_path, bad)


def bio_rig(path):
    r = Rig(path)
    run(r.core.create_account("Bea", PW, 12, iw.Language.ENGLISH))
    run(r.core.enable_biometric_unlock(PW))
    r.core.lock()
    return r


def test_rehearsal_after_the_30th_biometric_unlock(tmp_path):
    r = bio_rig(tmp_path)
    for n in range(1, 31):
        out = run(r.core.unlock_with_biometrics())
        assert out.state.is_unlocked() and out.password_rehearsal_due == (n == 30)
        r.core.lock()
    prompts = len(r.ks.prompts)
    with pytest.raises(iw.WalletError.PasswordRehearsalDue) as e:
        run(r.core.unlock_with_biometrics())
    assert e.value.biometric_unlocks == 30
    assert len(r.ks.prompts) == prompts, "refused before the prompt"
    assert r.core.password_status().password_rehearsal_due
    assert not run(r.core.unlock(PW)).password_rehearsal_due
    r.core.lock()
    assert run(r.core.unlock_with_biometrics()).state.is_unlocked()


def test_rehearsal_after_14_days(tmp_path):
    r = bio_rig(tmp_path)
    r.clock.secs += 14 * DAY - 60
    run(r.core.unlock_with_biometrics())
    r.core.lock()
    r.clock.secs += 60
    with pytest.raises(iw.WalletError.PasswordRehearsalDue) as e:
        run(r.core.unlock_with_biometrics())
    assert e.value.days_since_password == 14
    status = r.core.password_status()
    assert status.password_rehearsal_due and status.days_since_password == 14
    run(r.core.unlock(PW))
    assert not r.core.password_status().password_rehearsal_due


def test_password_age_flag(tmp_path):
    r = Rig(tmp_path, safety(password_reminder_days=180))
    run(r.core.create_account("Ada", PW, 12, iw.Language.ENGLISH))
    r.core.lock()
    r.clock.secs += 179 * DAY
    out = run(r.core.unlock(PW))
    assert (out.password_age_days, out.password_change_due) == (179, False)
    r.core.lock()
    r.clock.secs += DAY
    out = run(r.core.unlock(PW))
    assert (out.password_age_days, out.password_change_due) == (180, True)
    assert r.rec.events.count("password_change_due") == 1
    assert r.core.password_status().password_change_due
    run(r.core.change_password(PW, PW2))
    status = r.core.password_status()
    assert (status.password_age_days, status.password_change_due) == (0, False)


def test_activity_summary_after_failed_attempts_a_biometric_invalidation_and_a_gate_change(tmp_path):
    r = Rig(tmp_path)
    run(r.core.create_account("Ada", PW, 12, iw.Language.ENGLISH))
    run(r.core.enable_biometric_unlock(PW))
    strict = iw.GatePolicy(gate=iw.Gate.PASSWORD, fresh_within_secs=None)
    run(r.core.set_gate_policy(iw.GatedAction.SIGN_MESSAGE, strict, iw.AuthProof.PASSWORD(password=PW)))
    r.core.lock()
    for _ in range(2):
        with pytest.raises(iw.WalletError.InvalidCredentials):
            run(r.core.unlock(b"wrong wrong wrong"))
    r.ks.enroll_new_fingerprint()
    with pytest.raises(iw.WalletError.BiometricInvalidated):
        run(r.core.unlock_with_biometrics())
    out = run(r.core.unlock(PW))
    a = out.activity
    assert a.failed_attempts == 2 and a.last_failed_at_unix is not None and a.since_unix is not None
    kinds = [(i.category, i.event.kind) for i in a.items]
    assert kinds == [
        (iw.ActivityCategory.BIOMETRIC_CHANGE, "biometric_enabled"),
        (iw.ActivityCategory.SETTINGS_CHANGED, "gate_changed"),
        (iw.ActivityCategory.FAILED_ATTEMPT, "login_failed"),
        (iw.ActivityCategory.FAILED_ATTEMPT, "login_failed"),
        (iw.ActivityCategory.BIOMETRIC_CHANGE, "biometric_invalidated"),
    ]
    assert all(i.event.at_unix >= a.since_unix for i in a.items)
    assert a.items[1].event.detail == "sign_message: none:- → password:-"
    assert "activity_reported" in r.rec.events
    r.core.lock()
    assert run(r.core.unlock(PW)).activity.items == []
