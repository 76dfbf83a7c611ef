//! Issue 20 (ADR 0015), the attacks first: the environment policy, the password rehearsal and
//! the activity summary driven through the public API as an attacker would.
//!
//! * a probe that throws (or cannot tell) must never make an action the policy refuses go
//!   ahead silently: unknown is never safe;
//! * a refused environment refuses before the password is checked (no attempt counted, no
//!   prompt), on every path to the action (every signing call, biometric unlock);
//! * the rehearsal cannot be dodged by lock/unlock cycles, restarts, a clock set back or racing
//!   unlocks: its record is in the database and counted in the unlock's own transition.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use imwallet_core::auth::gates::AuthProof;
use imwallet_core::auth::hardware_key::{HardwareKey, MemoryHardwareKey};
use imwallet_core::auth::hooks::NetworkKind;
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::clock::ManualClock;
use imwallet_core::events::EventKind;
use imwallet_core::safety::{EnvironmentRisk, RiskFinding, RiskOutcome, RiskRule, SafetyPolicy, SensitiveAction};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::vault::keystore::ExportKdf;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Error, Hooks, WalletCore};

const DAY: i64 = 86_400;

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(1_800_000_000))
}

fn rig_with(dir: &Path, safety: SafetyPolicy) -> Rig {
    open_with_safety(dir, clock(), Arc::new(MemoryKeyStore::new()), safety).unwrap()
}

/// A policy whose rules for `risk` refuse every action, known or unknown.
fn strict(risk: EnvironmentRisk) -> SafetyPolicy {
    let rules: Vec<RiskRule> = SensitiveAction::ALL
        .iter()
        .map(|a| RiskRule { action: *a, risk, when_present: RiskOutcome::Refuse, when_unknown: RiskOutcome::Refuse })
        .collect();
    SafetyPolicy { environment: imwallet_core::safety::EnvironmentPolicy::with_rules(&rules).unwrap(), ..Default::default() }
}

fn kinds(r: &Rig) -> Vec<EventKind> {
    r.rec.events.lock().unwrap().iter().map(|e| e.kind).collect()
}

fn last_detail(r: &Rig, kind: EventKind) -> String {
    r.rec.events.lock().unwrap().iter().rev().find(|e| e.kind == kind).map(|e| e.detail.clone()).unwrap_or_default()
}

/// Runs `action` once on an unlocked "Ada" (with biometric unlock set up where it needs it).
fn attempt(r: &Rig, action: SensitiveAction) -> Result<(), Error> {
    match action {
        SensitiveAction::Login => r.core.login("Ada", PW, None).map(|_| ()),
        SensitiveAction::Unlock => {
            r.core.lock()?;
            r.core.unlock(PW).map(|_| ())
        }
        SensitiveAction::RevealPhrase => r.core.reveal_phrase(AuthProof::Password(PW)).map(|_| ()),
        SensitiveAction::ExportKeystore => r.core.export_keystore(AuthProof::Password(PW), 0, b"export pw", ExportKdf::LIGHT).map(|_| ()),
        SensitiveAction::Sign => r.core.sign_message(0, b"hello").map(|_| ()),
        SensitiveAction::EnableBiometrics => r.core.enable_biometric_unlock(PW),
        // Needs the factor: covered by `turning_off_the_second_factor_is_guarded`.
        SensitiveAction::DisableSecondFactor => Ok(()),
    }
}

#[test]
fn reveal_phrase_on_a_refused_environment_is_refused_before_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let r = rig_with(dir.path(), SafetyPolicy::default());
    r.core.create_account("Ada", PW, 12, Language::English).unwrap();
    *r.env.debugger.lock().unwrap() = Some(true);
    let before = r.core.attempt_status(None).unwrap();
    let err = r.core.reveal_phrase(AuthProof::Password(PW)).unwrap_err();
    assert_eq!(
        err,
        Error::EnvironmentRefused { action: SensitiveAction::RevealPhrase, risk: EnvironmentRisk::DebuggerAttached, known: true }
    );
    assert_eq!(err.to_string(), "revealing the recovery phrase is not allowed on this device now: a debugger is attached to the app");
    // Refused before the password: no attempt was counted, a wrong one says the same.
    assert_eq!(r.core.attempt_status(None).unwrap(), before);
    assert_eq!(r.core.reveal_phrase(AuthProof::Password(b"wrong wrong wrong")).unwrap_err(), err);
    assert_eq!(r.core.attempt_status(None).unwrap(), before);
    assert!(kinds(&r).contains(&EventKind::EnvironmentRefused) && !kinds(&r).contains(&EventKind::PhraseRevealed));
    assert_eq!(last_detail(&r, EventKind::EnvironmentRefused), "reveal_phrase: debugger_attached");
    // The issue's example: public Wi-Fi warns (goes ahead, logged).
    *r.env.debugger.lock().unwrap() = Some(false);
    *r.env.network.lock().unwrap() = NetworkKind::PublicWifi;
    let check = r.core.environment_check(SensitiveAction::RevealPhrase);
    assert_eq!(check.warnings, [RiskFinding { risk: EnvironmentRisk::PublicWifi, known: true }]);
    assert!(check.refusals.is_empty());
    assert_eq!(r.core.reveal_phrase(AuthProof::Password(PW)).unwrap().expose().split(|b| *b == b' ').count(), 12);
    assert_eq!(last_detail(&r, EventKind::EnvironmentWarning), "reveal_phrase: public_wifi");
}

#[test]
fn a_throwing_probe_never_makes_a_refused_action_go_ahead_silently() {
    let dir = tempfile::tempdir().unwrap();
    let r = rig_with(dir.path(), SafetyPolicy::default());
    r.core.create_account("Ada", PW, 12, Language::English).unwrap();
    *r.env.fail.lock().unwrap() = true;
    // Every action whose default refuses a present risk (the debugger for most; no screen lock
    // for enabling biometrics) goes ahead only *with* that risk reported as unknown, and logged.
    for action in [SensitiveAction::RevealPhrase, SensitiveAction::ExportKeystore, SensitiveAction::Sign, SensitiveAction::EnableBiometrics]
    {
        let check = r.core.environment_check(action);
        assert!(check.refusals.is_empty(), "{action:?}: unknown is a warning by default");
        for risk in EnvironmentRisk::ALL {
            if r.core.environment_check(action).report.risk(risk).is_some() {
                panic!("{action:?}: a throwing probe answered {risk:?}");
            }
        }
        let refused_when_present: Vec<EnvironmentRisk> = EnvironmentRisk::ALL
            .into_iter()
            .filter(|risk| imwallet_core::safety::EnvironmentPolicy::default().rule(action, *risk).when_present == RiskOutcome::Refuse)
            .collect();
        assert!(!refused_when_present.is_empty());
        for risk in &refused_when_present {
            assert!(check.warnings.contains(&RiskFinding { risk: *risk, known: false }), "{action:?} {risk:?} {check:?}");
        }
        r.rec.events.lock().unwrap().clear();
        attempt(&r, action).unwrap();
        let logged = last_detail(&r, EventKind::EnvironmentWarning);
        for risk in &refused_when_present {
            assert!(logged.contains(&format!("{} (unknown)", risk.as_str())), "{action:?}: {logged}");
        }
    }
    // Login and unlock too: the warnings come back with the result.
    let out = r.core.login("Ada", PW, None).unwrap();
    assert!(out.warnings.contains(&RiskFinding { risk: EnvironmentRisk::Rooted, known: false }), "{:?}", out.warnings);
}

#[test]
fn with_a_strict_policy_a_throwing_probe_refuses_every_action() {
    let dir = tempfile::tempdir().unwrap();
    let r = rig_with(dir.path(), strict(EnvironmentRisk::DebuggerAttached));
    r.core.create_account("Ada", PW, 12, Language::English).unwrap();
    *r.env.fail.lock().unwrap() = true;
    for action in SensitiveAction::ALL {
        if action == SensitiveAction::DisableSecondFactor {
            continue;
        }
        // Restore what the previous refused call may have left (a lock before unlock).
        *r.env.fail.lock().unwrap() = false;
        if !r.core.state().is_unlocked() {
            r.core.unlock(PW).unwrap();
        }
        *r.env.fail.lock().unwrap() = true;
        let err = attempt(&r, action).unwrap_err();
        assert_eq!(err, Error::EnvironmentRefused { action, risk: EnvironmentRisk::DebuggerAttached, known: false }, "{action:?}");
    }
}

#[test]
fn every_signing_path_is_guarded() {
    let (_dir, r) = tx_rig();
    *r.env.debugger.lock().unwrap() = Some(true);
    let refused = Error::EnvironmentRefused { action: SensitiveAction::Sign, risk: EnvironmentRisk::DebuggerAttached, known: true };
    assert_eq!(r.core.sign_message(0, b"hi").unwrap_err(), refused);
    assert_eq!(r.core.sign_digest(0, &[7u8; 32]).unwrap_err(), refused);
    let typed = r#"{"types":{"EIP712Domain":[]},"primaryType":"EIP712Domain","domain":{},"message":{}}"#;
    assert_eq!(r.core.sign_typed_data(0, typed).unwrap_err(), refused);
    assert_eq!(r.core.sign_transaction(0, SEND, 1).unwrap_err(), refused);
    *r.env.debugger.lock().unwrap() = Some(false);
    r.core.sign_transaction(0, SEND, 1).unwrap();
}

#[test]
fn enabling_biometrics_without_a_screen_lock_is_refused_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let r = rig_with(dir.path(), SafetyPolicy::default());
    r.core.create_account("Ada", PW, 12, Language::English).unwrap();
    *r.env.screen_lock.lock().unwrap() = Some(false);
    assert_eq!(
        r.core.enable_biometric_unlock(PW).unwrap_err(),
        Error::EnvironmentRefused { action: SensitiveAction::EnableBiometrics, risk: EnvironmentRisk::NoScreenLock, known: true }
    );
    assert!(!r.core.accounts().unwrap()[0].biometric_enabled);
    assert!(r.ks.prompts().is_empty());
    *r.env.screen_lock.lock().unwrap() = Some(true);
    r.core.enable_biometric_unlock(PW).unwrap();
}

#[test]
fn a_refused_login_or_biometric_unlock_counts_nothing_prompts_nothing_and_says_nothing_about_names() {
    let dir = tempfile::tempdir().unwrap();
    let r = rig_with(dir.path(), strict(EnvironmentRisk::Emulator));
    r.core.create_account("Ada", PW, 12, Language::English).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.lock().unwrap();
    *r.env.emulator.lock().unwrap() = Some(true);
    let refused = |action| Error::EnvironmentRefused { action, risk: EnvironmentRisk::Emulator, known: true };
    let status = r.core.attempt_status(Some("Ada")).unwrap();
    assert_eq!(r.core.login("Ada", b"wrong wrong wrong", None).unwrap_err(), refused(SensitiveAction::Login));
    assert_eq!(r.core.login("Nobody", PW, None).unwrap_err(), refused(SensitiveAction::Login));
    assert_eq!(r.core.attempt_status(Some("Ada")).unwrap(), status);
    let prompts = r.ks.prompts().len();
    assert_eq!(r.core.unlock_with_biometrics().unwrap_err(), refused(SensitiveAction::Unlock));
    assert_eq!(r.core.unlock(PW).unwrap_err(), refused(SensitiveAction::Unlock));
    assert_eq!(r.ks.prompts().len(), prompts, "no biometric prompt was shown");
    assert!(!r.core.state().is_unlocked());
}

/// A core on `dir` under the default policy with the scripted probe `env`, and the factor hook
/// `extra` sets (a security key, the app's code verifier).
fn factor_core(dir: &Path, env: &Arc<Env>, extra: impl FnOnce(Hooks) -> Hooks) -> WalletCore {
    let c = clock();
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: SafetyPolicy::default(),
    };
    let hooks = Hooks { environment: env.clone(), clock: c.clone(), boot_clock: c, device_keys: Some(device_for(dir)), ..Hooks::default() };
    WalletCore::open(config, extra(hooks)).unwrap()
}

#[test]
fn turning_off_the_second_factor_is_guarded() {
    let dir = tempfile::tempdir().unwrap();
    let env = Arc::new(Env::safe());
    let hk = Arc::new(MemoryHardwareKey::new());
    let core = factor_core(dir.path(), &env, |h| Hooks { hardware_key: Some(hk.clone() as Arc<dyn HardwareKey>), ..h });
    core.create_account("Hana", PW, 12, Language::English).unwrap();
    core.enable_hardware_key(PW).unwrap();
    *env.rooted.lock().unwrap() = Some(true);
    *env.debugger.lock().unwrap() = Some(true);
    assert_eq!(
        core.disable_hardware_key(PW).unwrap_err(),
        Error::EnvironmentRefused { action: SensitiveAction::DisableSecondFactor, risk: EnvironmentRisk::DebuggerAttached, known: true }
    );
    assert!(core.accounts().unwrap()[0].hardware_key_enabled);
    *env.debugger.lock().unwrap() = Some(false);
    core.disable_hardware_key(PW).unwrap();
    let events = core.security_events(5).unwrap();
    assert!(events.iter().any(|e| e.kind == EventKind::EnvironmentWarning && e.detail == "disable_second_factor: rooted"), "{events:?}");
}

/// Biometric unlock set up on "Bea" under `policy`, locked; the key store outlives reopens.
fn bio_rig(dir: &Path, ks: &Arc<MemoryKeyStore>, c: &Arc<ManualClock>) -> Rig {
    let r = open_with_safety(dir, c.clone(), ks.clone(), SafetyPolicy::default()).unwrap();
    r.core.create_account("Bea", PW, 12, Language::English).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.lock().unwrap();
    r
}

#[test]
fn rehearsal_cannot_be_dodged_by_lock_unlock_cycles_or_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let (ks, c) = (Arc::new(MemoryKeyStore::new()), clock());
    let mut r = bio_rig(dir.path(), &ks, &c);
    for n in 1..=30u32 {
        let out = r.core.unlock_with_biometrics().unwrap_or_else(|e| panic!("unlock {n}: {e}"));
        assert_eq!(out.password_rehearsal_due, n == 30, "after unlock {n}");
        r.core.lock().unwrap();
        if n % 7 == 0 {
            // The app restarts.
            drop(r);
            r = open_with_safety(dir.path(), c.clone(), ks.clone(), SafetyPolicy::default()).unwrap();
        }
    }
    let prompts = ks.prompts().len();
    let err = r.core.unlock_with_biometrics().unwrap_err();
    assert_eq!(err, Error::PasswordRehearsalDue { biometric_unlocks: Some(30), days_since_password: Some(0) });
    assert_eq!(ks.prompts().len(), prompts, "refused before the prompt");
    // Still refused after another restart, and a disabled-then-enabled state cannot be faked
    // without the password (enabling needs it, which is the rehearsal).
    drop(r);
    let r = open_with_safety(dir.path(), c.clone(), ks.clone(), SafetyPolicy::default()).unwrap();
    assert!(r.core.password_status().unwrap().password_rehearsal_due);
    assert!(matches!(r.core.unlock_with_biometrics(), Err(Error::PasswordRehearsalDue { .. })));
    assert!(kinds(&r).contains(&EventKind::PasswordRehearsalDue));
    // The password once: biometric unlock works again.
    assert!(!r.core.unlock(PW).unwrap().password_rehearsal_due);
    r.core.lock().unwrap();
    assert!(r.core.unlock_with_biometrics().unwrap().is_unlocked());
    assert_eq!(r.core.password_status().unwrap().biometric_unlocks_since_password, Some(1));
}

#[test]
fn rehearsal_after_fourteen_days_and_a_clock_set_back_does_not_undo_it() {
    let dir = tempfile::tempdir().unwrap();
    let (ks, c) = (Arc::new(MemoryKeyStore::new()), clock());
    let r = bio_rig(dir.path(), &ks, &c);
    c.advance(14 * DAY - 60);
    assert!(!r.core.unlock_with_biometrics().unwrap().password_rehearsal_due);
    r.core.lock().unwrap();
    c.advance(60);
    assert!(matches!(r.core.unlock_with_biometrics(), Err(Error::PasswordRehearsalDue { days_since_password: Some(14), .. })));
    // Setting the date back to "the day after the entry" does not make it recent again: the
    // boot clock still counts 14 days on this boot.
    c.shift_wall(-13 * DAY);
    assert!(r.core.password_status().unwrap().password_rehearsal_due);
    assert!(matches!(r.core.unlock_with_biometrics(), Err(Error::PasswordRehearsalDue { days_since_password: Some(14), .. })));
    // Setting it back before the entry, then rebooting (the boot clock starts over): still due.
    c.shift_wall(-3 * DAY);
    c.reboot();
    assert!(matches!(r.core.unlock_with_biometrics(), Err(Error::PasswordRehearsalDue { .. })));
    r.core.unlock(PW).unwrap();
    r.core.lock().unwrap();
    r.core.unlock_with_biometrics().unwrap();
}

#[test]
fn a_password_proof_for_a_gate_also_rehearses_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let (ks, c) = (Arc::new(MemoryKeyStore::new()), clock());
    let r = bio_rig(dir.path(), &ks, &c);
    c.advance(13 * DAY);
    r.core.unlock_with_biometrics().unwrap();
    r.core.reveal_phrase(AuthProof::Password(PW)).unwrap();
    r.core.lock().unwrap();
    c.advance(2 * DAY);
    let out = r.core.unlock_with_biometrics().unwrap();
    assert!(!out.password_rehearsal_due);
    // A wrong password never counts.
    r.core.lock().unwrap();
    c.advance(14 * DAY);
    assert!(r.core.unlock(b"wrong wrong wrong").is_err());
    assert!(matches!(r.core.unlock_with_biometrics(), Err(Error::PasswordRehearsalDue { .. })));
}

#[test]
fn a_policy_under_which_unknown_counts_as_safe_cannot_be_configured() {
    let dir = tempfile::tempdir().unwrap();
    let mut safety = SafetyPolicy::default();
    let bad = RiskRule {
        action: SensitiveAction::RevealPhrase,
        risk: EnvironmentRisk::DebuggerAttached,
        when_present: RiskOutcome::Refuse,
        when_unknown: RiskOutcome::Allow,
    };
    assert!(safety.environment.set(bad).is_err());
    assert!(imwallet_core::safety::EnvironmentPolicy::with_rules(&[bad]).is_err());
    safety.rehearsal.after_biometric_unlocks = Some(0);
    let opened = open_with_safety(dir.path(), clock(), Arc::new(MemoryKeyStore::new()), safety);
    assert!(matches!(opened.err(), Some(Error::InvalidArgument { .. })));
}

#[cfg(feature = "test-hooks")]
#[test]
fn racing_biometric_unlocks_cannot_take_the_count_past_the_limit() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc::channel;
    let dir = tempfile::tempdir().unwrap();
    let (ks, c) = (Arc::new(MemoryKeyStore::new()), clock());
    let mut safety = SafetyPolicy::default();
    safety.rehearsal.after_biometric_unlocks = Some(3);
    let r = open_with_safety(dir.path(), c.clone(), ks.clone(), safety).unwrap();
    r.core.create_account("Bea", PW, 12, Language::English).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.lock().unwrap();
    for _ in 0..2 {
        r.core.unlock_with_biometrics().unwrap();
        r.core.lock().unwrap();
    }
    // Unlock A passes the check at 2 of 3 and stops after its prompt; B unlocks (3) and locks.
    let (reached, go) = (channel::<()>(), channel::<()>());
    let (reached_tx, go_rx) = (std::sync::Mutex::new(reached.0), std::sync::Mutex::new(go.1));
    let first = AtomicBool::new(true);
    r.core.set_after_kdf_hook(Some(Arc::new(move || {
        if first.swap(false, Ordering::SeqCst) {
            reached_tx.lock().unwrap().send(()).unwrap();
            go_rx.lock().unwrap().recv().unwrap();
        }
    })));
    let core = Arc::new(r.core);
    let a = {
        let core = core.clone();
        std::thread::spawn(move || core.unlock_with_biometrics())
    };
    reached.1.recv().unwrap();
    core.unlock_with_biometrics().unwrap();
    core.lock().unwrap();
    go.0.send(()).unwrap();
    assert_eq!(a.join().unwrap().unwrap_err(), Error::SessionChanged);
    assert_eq!(core.password_status().unwrap().biometric_unlocks_since_password, Some(3));
    assert!(matches!(core.unlock_with_biometrics(), Err(Error::PasswordRehearsalDue { .. })));
}

/// Issues 19 and 20 together: turning off the account's second factor (`disable_second_factor`)
/// is the policy's `DisableSecondFactor` action, as turning off the security key is — refused
/// with a debugger attached, before the password and the code are checked, and a warning
/// (rooted) recorded when it goes ahead.
#[test]
fn turning_off_the_app_verified_or_totp_factor_is_guarded_too() {
    use imwallet_core::auth::second_factor::{AppCodeVerifier, MemoryAppCodeVerifier, SecondFactor, SecondFactorMethod};
    let dir = tempfile::tempdir().unwrap();
    let env = Arc::new(Env::safe());
    let server = Arc::new(MemoryAppCodeVerifier::new());
    let core = factor_core(dir.path(), &env, |h| Hooks { app_codes: Some(server.clone() as Arc<dyn AppCodeVerifier>), ..h });
    let id = core.create_account("Ida", PW, 12, Language::English).unwrap().account.id;
    server.send(&id, b"481516");
    core.enable_app_verified_factor(PW, b"481516").unwrap();
    *env.rooted.lock().unwrap() = Some(true);
    *env.debugger.lock().unwrap() = Some(true);
    server.send(&id, b"2342");
    let before = core.attempt_status(None).unwrap();
    assert_eq!(
        core.disable_second_factor(PW, &SecondFactor::app_verified(b"2342")).unwrap_err(),
        Error::EnvironmentRefused { action: SensitiveAction::DisableSecondFactor, risk: EnvironmentRisk::DebuggerAttached, known: true }
    );
    assert_eq!(core.accounts().unwrap()[0].second_factor, Some(SecondFactorMethod::AppVerified), "still on");
    assert_eq!(core.attempt_status(None).unwrap(), before, "refused before the password: no attempt counted");
    *env.debugger.lock().unwrap() = Some(false);
    core.disable_second_factor(PW, &SecondFactor::app_verified(b"2342")).unwrap();
    assert_eq!(core.accounts().unwrap()[0].second_factor, None);
    let events = core.security_events(5).unwrap();
    assert!(events.iter().any(|e| e.kind == EventKind::EnvironmentWarning && e.detail == "disable_second_factor: rooted"), "{events:?}");
}
