//! Issue 20 (ADR 0015): the safety advice, enforced — each policy outcome (allow / warn /
//! refuse) for each sensitive action with a scripted probe, the activity summary a login or
//! unlock returns, password age and its reminder, and the settings events the summary reads.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use imwallet_core::auth::gates::{AuthProof, Gate, GatePolicy, GatedAction};
use imwallet_core::auth::hardware_key::{HardwareKey, MemoryHardwareKey};
use imwallet_core::auth::hooks::NetworkKind;
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::clock::{Clock, ManualClock};
use imwallet_core::events::EventKind;
use imwallet_core::safety::{
    ActivityCategory, EnvironmentPolicy, EnvironmentRisk, RiskFinding, RiskOutcome, RiskRule, SafetyPolicy, SensitiveAction,
};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::vault::keystore::ExportKdf;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Error, Hooks, WalletCore};

const DAY: i64 = 86_400;

struct HwRig {
    core: WalletCore,
    env: Arc<Env>,
    rec: Arc<Recorder>,
}

/// A core with every hook the sensitive actions need (biometrics and a security key).
fn open_hw(dir: &Path, safety: SafetyPolicy) -> HwRig {
    let env = Arc::new(Env::safe());
    let rec = Arc::new(Recorder::default());
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        safety,
        unlock_needs_second_factor: false,
    };
    let hooks = Hooks {
        environment: env.clone(),
        listener: Some(rec.clone()),
        clock: clock.clone(),
        boot_clock: clock,
        key_store: Arc::new(MemoryKeyStore::new()),
        device_keys: Some(device_for(dir)),
        hardware_key: Some(Arc::new(MemoryHardwareKey::new()) as Arc<dyn HardwareKey>),
        ..Hooks::default()
    };
    HwRig { core: WalletCore::open(config, hooks).unwrap(), env, rec }
}

/// Runs `action`; login and unlock return the warnings of their outcome.
fn run(core: &WalletCore, action: SensitiveAction) -> Result<Option<Vec<RiskFinding>>, Error> {
    Ok(match action {
        SensitiveAction::Login => Some(core.login("Ada", PW, None)?.warnings),
        SensitiveAction::Unlock => Some(core.unlock(PW)?.warnings),
        SensitiveAction::RevealPhrase => core.reveal_phrase(AuthProof::Password(PW)).map(|_| None)?,
        SensitiveAction::ExportKeystore => {
            core.export_keystore(AuthProof::Password(PW), 0, b"export pw", ExportKdf::LIGHT).map(|_| None)?
        }
        SensitiveAction::Sign => core.sign_message(0, b"hello").map(|_| None)?,
        SensitiveAction::EnableBiometrics => core.enable_biometric_unlock(PW).map(|()| None)?,
        SensitiveAction::DisableSecondFactor => core.disable_hardware_key(PW).map(|()| None)?,
    })
}

#[test]
fn each_outcome_for_each_action() {
    for action in SensitiveAction::ALL {
        for outcome in [RiskOutcome::Allow, RiskOutcome::Warn, RiskOutcome::Refuse] {
            let dir = tempfile::tempdir().unwrap();
            let rule =
                RiskRule { action, risk: EnvironmentRisk::Rooted, when_present: outcome, when_unknown: outcome.min(RiskOutcome::Warn) };
            let safety = SafetyPolicy { environment: EnvironmentPolicy::with_rules(&[rule]).unwrap(), ..Default::default() };
            let r = open_hw(dir.path(), safety);
            r.core.create_account("Ada", PW, 12, Language::English).unwrap();
            match action {
                SensitiveAction::Unlock => drop(r.core.lock().unwrap()),
                SensitiveAction::DisableSecondFactor => r.core.enable_hardware_key(PW).unwrap(),
                _ => {}
            }
            *r.env.rooted.lock().unwrap() = Some(true);
            let what = format!("{action:?} under {outcome:?}");
            let kinds = |r: &HwRig| r.rec.events.lock().unwrap().iter().map(|e| (e.kind, e.detail.clone())).collect::<Vec<_>>();
            let warned = (EventKind::EnvironmentWarning, format!("{}: rooted", action.as_str()));
            match (outcome, run(&r.core, action)) {
                (RiskOutcome::Allow, Ok(w)) => {
                    assert!(w.unwrap_or_default().is_empty(), "{what}");
                    assert!(!kinds(&r).iter().any(|(k, _)| *k == EventKind::EnvironmentWarning), "{what}");
                }
                (RiskOutcome::Warn, Ok(w)) => {
                    if let Some(w) = w {
                        assert_eq!(w, [RiskFinding { risk: EnvironmentRisk::Rooted, known: true }], "{what}");
                    }
                    assert!(kinds(&r).contains(&warned), "{what}: {:?}", kinds(&r));
                }
                (RiskOutcome::Refuse, Err(e)) => {
                    assert_eq!(e, Error::EnvironmentRefused { action, risk: EnvironmentRisk::Rooted, known: true }, "{what}");
                    assert!(kinds(&r).contains(&(EventKind::EnvironmentRefused, format!("{}: rooted", action.as_str()))), "{what}");
                }
                (_, got) => panic!("{what}: got {got:?}"),
            }
        }
    }
}

#[test]
fn the_check_shows_what_the_probe_said_and_ios_wifi_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    *r.env.network.lock().unwrap() = NetworkKind::WifiSecurityUnknown;
    let check = r.core.environment_check(SensitiveAction::ExportKeystore);
    assert_eq!(check.report.network, NetworkKind::WifiSecurityUnknown);
    assert_eq!(check.warnings, [RiskFinding { risk: EnvironmentRisk::PublicWifi, known: false }]);
    assert_eq!(check.outcome(), RiskOutcome::Warn);
    assert_eq!(r.core.environment_check(SensitiveAction::Unlock).outcome(), RiskOutcome::Allow);
    *r.env.network.lock().unwrap() = NetworkKind::Cellular;
    assert_eq!(r.core.environment_check(SensitiveAction::ExportKeystore).outcome(), RiskOutcome::Allow);
}

#[test]
fn activity_summary_after_failed_attempts_a_biometric_invalidation_and_a_gate_change() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let t0 = r.clock.now_unix();
    let ada = r.core.create_account("Ada", PW, 12, Language::English).unwrap().account;
    r.core.enable_biometric_unlock(PW).unwrap();
    let strict = GatePolicy { gate: Gate::Password, fresh_within_secs: None };
    r.core.set_gate_policy(GatedAction::SignMessage, strict, AuthProof::Password(PW)).unwrap();
    r.core.lock().unwrap();
    r.clock.advance(60);
    assert!(r.core.unlock(b"wrong wrong wrong").is_err());
    r.clock.advance(5);
    assert!(r.core.unlock(b"also wrong, again").is_err());
    r.ks.enroll_new_biometric();
    assert_eq!(r.core.unlock_with_biometrics().unwrap_err(), Error::BiometricInvalidated);
    assert!(r.core.login("Nobody", PW, None).is_err());
    r.core.create_account("Bob", PW2, 12, Language::English).unwrap();
    r.clock.advance(10);

    let out = r.core.login("Ada", PW, None).unwrap();
    assert!(out.is_unlocked() && out.warnings.is_empty());
    let a = &out.activity;
    assert_eq!(a.since_unix, Some(t0), "since Ada's creation (her last success)");
    assert_eq!(a.failed_attempts, 3, "two wrong passwords and an unknown name");
    assert_eq!(a.last_failed_at_unix, Some(t0 + 65));
    let items: Vec<(ActivityCategory, EventKind, Option<String>)> =
        a.items.iter().map(|i| (i.category, i.event.kind, i.event.account_name.clone())).collect();
    let ada_name = Some("Ada".to_string());
    assert_eq!(
        items,
        [
            (ActivityCategory::BiometricChange, EventKind::BiometricEnabled, ada_name.clone()),
            (ActivityCategory::SettingsChanged, EventKind::GateChanged, ada_name.clone()),
            (ActivityCategory::FailedAttempt, EventKind::LoginFailed, ada_name.clone()),
            (ActivityCategory::FailedAttempt, EventKind::LoginFailed, ada_name.clone()),
            (ActivityCategory::BiometricChange, EventKind::BiometricInvalidated, ada_name.clone()),
            (ActivityCategory::FailedAttempt, EventKind::LoginFailed, None),
            (ActivityCategory::AccountAdded, EventKind::AccountCreated, Some("Bob".to_string())),
        ]
    );
    let failed_at: Vec<i64> = a.items.iter().filter(|i| i.event.kind == EventKind::LoginFailed).map(|i| i.event.at_unix).collect();
    assert_eq!(failed_at, [t0 + 60, t0 + 65, t0 + 65]);
    assert_eq!(a.items[1].event.detail, "sign_message: none:- → password:-");
    // Announced: an `activity_reported` event with the counts.
    let reported = r.rec.events.lock().unwrap().iter().rev().find(|e| e.kind == EventKind::ActivityReported).cloned().unwrap();
    assert_eq!(reported.account_id.as_deref(), Some(ada.id.as_str()));
    assert_eq!(reported.detail, "biometric_change 2, settings_changed 1, failed_attempt 3, account_added 1");
    // The next unlock reports only what happened since this login.
    r.core.lock().unwrap();
    let again = r.core.unlock(PW).unwrap();
    assert!(again.activity.is_empty(), "{:?}", again.activity);
    assert!(again.activity.since_unix.is_some());
    // Bob's summary does not show Ada's own events.
    let bob = r.core.login("Bob", PW2, None).unwrap();
    assert!(bob.activity.items.iter().all(|i| i.event.account_id.as_deref() != Some(ada.id.as_str())), "{:?}", bob.activity);
}

#[test]
fn password_age_and_a_reminder_once_per_period() {
    let dir = tempfile::tempdir().unwrap();
    let safety = SafetyPolicy { password_reminder_days: Some(180), ..Default::default() };
    let r = open_with_safety(dir.path(), Arc::new(ManualClock::new(1_800_000_000)), Arc::new(MemoryKeyStore::new()), safety).unwrap();
    r.core.create_account("Ada", PW, 12, Language::English).unwrap();
    let reminders = |r: &Rig| r.rec.events.lock().unwrap().iter().filter(|e| e.kind == EventKind::PasswordChangeDue).count();
    r.clock.advance(179 * DAY);
    r.core.lock().unwrap();
    let out = r.core.unlock(PW).unwrap();
    assert_eq!((out.password_age_days, out.password_change_due), (179, false));
    r.clock.advance(DAY);
    r.core.lock().unwrap();
    let out = r.core.unlock(PW).unwrap();
    assert_eq!((out.password_age_days, out.password_change_due), (180, true));
    assert_eq!(reminders(&r), 1);
    r.core.lock().unwrap();
    assert!(r.core.unlock(PW).unwrap().password_change_due);
    assert_eq!(reminders(&r), 1, "one reminder per password");
    let status = r.core.password_status().unwrap();
    assert!(status.password_change_due && !status.password_rehearsal_due);
    assert_eq!(status.password_age_days, 180);

    r.core.change_password(PW, PW2).unwrap();
    let status = r.core.password_status().unwrap();
    assert_eq!((status.password_age_days, status.password_change_due), (0, false));
    r.clock.advance(180 * DAY);
    r.core.lock().unwrap();
    assert!(r.core.unlock(PW2).unwrap().password_change_due);
    assert_eq!(reminders(&r), 2, "a new reminder for the new password");
    // Off by default.
    let dir2 = tempfile::tempdir().unwrap();
    let d = open(dir2.path());
    d.core.create_account("Eve", PW, 12, Language::English).unwrap();
    d.clock.advance(3000 * DAY);
    assert!(!d.core.password_status().unwrap().password_change_due);
}

#[test]
fn settings_changes_are_logged_and_unlocking_an_unlocked_session_reports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Ada", PW, 12, Language::English).unwrap();
    r.core.set_auto_lock(AutoLock::AfterSeconds(60), AuthProof::Password(PW)).unwrap();
    let events = r.core.security_events(3).unwrap();
    assert!(events.iter().any(|e| e.kind == EventKind::AutoLockChanged && e.detail == "never → 60"), "{events:?}");
    let out = r.core.unlock(PW).unwrap();
    assert!(out.is_unlocked() && out.activity.is_empty() && out.warnings.is_empty());
    assert_eq!(r.core.password_status().unwrap().biometric_unlocks_since_password, Some(0));
}
