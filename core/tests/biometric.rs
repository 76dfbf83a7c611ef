//! Biometric unlock (crypto-bound), every typed key-store outcome, enrollment change, wrong
//! secret, gates with and without freshness windows, logout removing the biometric path, and
//! the password limiter being unaffected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use common::*;
use imwallet_core::auth::gates::{AuthProof, Gate, GatePolicy, GatedAction};
use imwallet_core::auth::keystore::{KeyStoreError, ALIAS_PREFIX};
use imwallet_core::events::EventKind;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::session::SessionState;
use imwallet_core::wallet::Language;
use imwallet_core::Error;

fn rig_with_bio() -> (tempfile::TempDir, Rig, String) {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let id = r.core.create_account("Bea", PW, 12, Language::English).unwrap().account.id;
    r.core.enable_biometric_unlock(PW).unwrap();
    let alias = r.ks.list().unwrap().into_iter().find(|a| a.starts_with(&format!("{ALIAS_PREFIX}{id}."))).unwrap();
    (dir, r, alias)
}

fn kinds(r: &Rig) -> Vec<EventKind> {
    r.core.security_events(50).unwrap().iter().map(|e| e.kind).collect()
}

#[test]
fn enable_needs_the_password_now_and_unlock_is_crypto_bound() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    assert_eq!(r.core.enable_biometric_unlock(PW).unwrap_err(), Error::NotLoggedIn);
    r.core.create_account("Bea", PW, 12, Language::English).unwrap();
    assert!(matches!(r.core.enable_biometric_unlock(b"not the password").unwrap_err(), Error::InvalidCredentials { .. }));
    r.core.enable_biometric_unlock(PW).unwrap();
    assert!(r.core.accounts().unwrap()[0].biometric_enabled);
    assert_eq!(r.ks.list().unwrap().len(), 1);
    r.core.lock().unwrap();
    assert!(r.core.unlock_with_biometrics().unwrap().is_unlocked());
    let prompt = r.ks.prompts().pop().unwrap();
    assert_eq!(prompt.reason, "Unlock Bea");
    assert!(kinds(&r).contains(&EventKind::BiometricEnabled) && kinds(&r).contains(&EventKind::BiometricUnlock));
    r.core.sign_message(0, b"works").unwrap();
}

use imwallet_core::auth::keystore::SecureKeyStore;

#[test]
fn cancel_lockout_and_other_outcomes_leave_everything_as_it_was() {
    let (_d, r, alias) = rig_with_bio();
    r.core.lock().unwrap();
    for (outcome, err) in [
        (KeyStoreError::Cancelled, Error::BiometricCancelled),
        (KeyStoreError::Lockout, Error::BiometricLockout),
        (KeyStoreError::NotEnrolled, Error::BiometricNotEnrolled),
        (KeyStoreError::Unavailable, Error::BiometricUnavailable),
        (KeyStoreError::Other { message: "host threw".into() }, Error::HookFailed { message: "host threw".into() }),
    ] {
        r.ks.script_next(outcome);
        assert_eq!(r.core.unlock_with_biometrics().unwrap_err(), err);
        assert!(matches!(r.core.state(), SessionState::Locked { .. }));
        assert!(r.core.accounts().unwrap()[0].biometric_enabled, "still enabled after {err:?}");
        assert!(r.ks.contains(&alias));
    }
    assert!(r.core.unlock_with_biometrics().unwrap().is_unlocked());
}

#[test]
fn enrollment_change_disables_biometrics_and_asks_for_the_password() {
    let (_d, r, alias) = rig_with_bio();
    r.core.lock().unwrap();
    r.ks.enroll_new_biometric();
    assert_eq!(r.core.unlock_with_biometrics().unwrap_err(), Error::BiometricInvalidated);
    assert!(!r.core.accounts().unwrap()[0].biometric_enabled);
    assert!(!r.ks.contains(&alias), "the stale key is deleted");
    assert!(kinds(&r).contains(&EventKind::BiometricInvalidated));
    assert_eq!(r.core.unlock_with_biometrics().unwrap_err(), Error::BiometricNotEnabled);
    assert!(r.core.unlock(PW).unwrap().is_unlocked());
    // Re-enabling after the change works again.
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.lock().unwrap();
    assert!(r.core.unlock_with_biometrics().unwrap().is_unlocked());
}

#[test]
fn a_wrong_or_stale_secret_never_unlocks() {
    let (_d, r, alias) = rig_with_bio();
    r.core.lock().unwrap();
    r.ks.tamper(&alias, &[7u8; 32]);
    assert_eq!(r.core.unlock_with_biometrics().unwrap_err(), Error::BiometricInvalidated);
    assert!(matches!(r.core.state(), SessionState::Locked { .. }));
    assert!(!r.core.accounts().unwrap()[0].biometric_enabled);
    // A short/garbage secret is refused the same way.
    r.core.unlock(PW).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.lock().unwrap();
    let alias = r.ks.list().unwrap().into_iter().next().unwrap();
    r.ks.tamper(&alias, b"yes");
    assert_eq!(r.core.unlock_with_biometrics().unwrap_err(), Error::BiometricInvalidated);
}

#[test]
fn biometrics_neither_bypass_nor_reset_the_limiter() {
    let (_d, r, _) = rig_with_bio();
    r.core.lock().unwrap();
    for _ in 0..3 {
        assert!(matches!(r.core.unlock(b"wrong wrong wrong").unwrap_err(), Error::InvalidCredentials { .. }));
    }
    assert!(r.core.unlock_with_biometrics().unwrap().is_unlocked());
    r.core.lock().unwrap();
    for _ in 0..2 {
        assert!(matches!(r.core.unlock(b"wrong wrong wrong").unwrap_err(), Error::InvalidCredentials { .. }));
    }
    assert!(matches!(r.core.unlock(PW), Err(Error::TooManyAttempts { .. })), "the biometric success did not reset the count");
    assert!(matches!(r.core.unlock_with_biometrics(), Err(Error::TooManyAttempts { .. })), "nor bypasses the delay");
    r.clock.advance(31);
    assert!(r.core.unlock_with_biometrics().unwrap().is_unlocked());
}

#[test]
fn logout_removes_the_biometric_path() {
    let (_d, r, alias) = rig_with_bio();
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    assert!(plan.actions.contains(&imwallet_core::session::logout::LogoutAction::RemoveBiometricUnlock));
    let report = r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert!(report.biometric_removed);
    assert!(!r.ks.contains(&alias));
    assert_eq!(r.core.unlock_with_biometrics().unwrap_err(), Error::NotLoggedIn);
    r.core.login("Bea", PW, None).unwrap();
    assert!(!r.core.accounts().unwrap()[0].biometric_enabled);
    r.core.lock().unwrap();
    assert_eq!(r.core.unlock_with_biometrics().unwrap_err(), Error::BiometricNotEnabled);
}

#[test]
fn disable_deletes_secret_and_wrap() {
    let (_d, r, alias) = rig_with_bio();
    r.core.disable_biometric_unlock().unwrap();
    assert!(!r.ks.contains(&alias));
    assert!(!r.core.accounts().unwrap()[0].biometric_enabled);
    assert!(kinds(&r).contains(&EventKind::BiometricDisabled));
}

#[test]
fn default_gates_and_biometric_gate_on_reveal() {
    let (_d, r, alias) = rig_with_bio();
    assert_eq!(r.core.gate_policy(GatedAction::RevealPhrase).gate, Gate::Password);
    assert_eq!(r.core.gate_policy(GatedAction::ExportKeystore).gate, Gate::Password);
    assert_eq!(r.core.gate_policy(GatedAction::RemoveWallet).gate, Gate::Password);
    assert_eq!(r.core.gate_policy(GatedAction::SignMessage).gate, Gate::None);
    assert!(matches!(r.core.reveal_phrase(AuthProof::None), Err(Error::AuthorizationRequired { .. })));
    assert!(matches!(r.core.reveal_phrase(AuthProof::Biometric), Err(Error::AuthorizationRequired { .. })), "password-only gate");
    // Relaxing needs the current gate's proof.
    let bio = GatePolicy { gate: Gate::Biometric, fresh_within_secs: None };
    assert!(matches!(r.core.set_gate_policy(GatedAction::RevealPhrase, bio, AuthProof::None), Err(Error::AuthorizationRequired { .. })));
    r.core.set_gate_policy(GatedAction::RevealPhrase, bio, AuthProof::Password(PW)).unwrap();
    r.core.reveal_phrase(AuthProof::None).unwrap();
    r.ks.script_next(KeyStoreError::Cancelled);
    assert_eq!(r.core.reveal_phrase(AuthProof::None).unwrap_err(), Error::BiometricCancelled);
    assert!(matches!(r.core.reveal_phrase(AuthProof::Password(PW)), Err(Error::AuthorizationRequired { .. })));
    // The released secret must unwrap: a tampered one fails the gate and disables biometrics.
    r.ks.tamper(&alias, &[9u8; 32]);
    assert_eq!(r.core.reveal_phrase(AuthProof::Biometric).unwrap_err(), Error::BiometricInvalidated);
    assert!(!r.core.accounts().unwrap()[0].biometric_enabled);
}

#[test]
fn password_gate_on_signing_with_and_without_a_freshness_window() {
    let (_d, r, _) = rig_with_bio();
    let single = GatePolicy { gate: Gate::Password, fresh_within_secs: None };
    assert!(matches!(r.core.set_gate_policy(GatedAction::SignMessage, single, AuthProof::None), Err(Error::AuthorizationRequired { .. })));
    r.core.set_gate_policy(GatedAction::SignMessage, single, AuthProof::Password(PW)).unwrap();
    assert!(matches!(r.core.sign_message(0, b"x"), Err(Error::AuthorizationRequired { .. })));
    assert!(matches!(
        r.core.authorize(GatedAction::SignMessage, AuthProof::Password(b"bad bad bad")).unwrap_err(),
        Error::InvalidCredentials { .. }
    ));
    r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).unwrap();
    r.core.sign_message(0, b"x").unwrap();
    assert!(matches!(r.core.sign_message(0, b"y"), Err(Error::AuthorizationRequired { .. })), "single use");

    let windowed = GatePolicy { gate: Gate::BiometricOrPassword, fresh_within_secs: Some(60) };
    r.core.set_gate_policy(GatedAction::SignTypedData, windowed, AuthProof::Password(PW)).unwrap();
    let td = r#"{"types":{"EIP712Domain":[]},"primaryType":"EIP712Domain","domain":{},"message":{}}"#;
    r.core.authorize(GatedAction::SignTypedData, AuthProof::Biometric).unwrap();
    r.core.sign_typed_data(0, td).unwrap();
    r.core.sign_typed_data(0, td).unwrap();
    r.clock.advance(61);
    let before = r.ks.prompts().len();
    r.core.sign_typed_data(0, td).unwrap();
    assert_eq!(r.ks.prompts().len(), before + 1, "window passed: the core prompted for biometrics itself");
    r.core.lock().unwrap();
    r.core.unlock(PW).unwrap();
    assert!(matches!(r.core.sign_message(0, b"z"), Err(Error::AuthorizationRequired { .. })), "locking forgets authorizations");
}

#[test]
fn wallet_removal_gate_accepts_biometrics_when_configured() {
    let (_d, r, alias) = rig_with_bio();
    let words = r.core.reveal_phrase(AuthProof::Password(PW)).unwrap();
    let w: Vec<String> = phrase_words(words.expose());
    let pos = r.core.backup_challenge(AuthProof::None).unwrap();
    let typed: Vec<Vec<u8>> = pos.iter().map(|p| w[*p as usize - 1].clone().into_bytes()).collect();
    r.core.confirm_backup(&typed.iter().map(|v| v.as_slice()).collect::<Vec<_>>()).unwrap();
    let policy = GatePolicy { gate: Gate::BiometricOrPassword, fresh_within_secs: None };
    r.core.set_gate_policy(GatedAction::RemoveWallet, policy, AuthProof::Password(PW)).unwrap();
    let plan = r.core.prepare_logout(LogoutOptions { remove_wallet: true, ..LogoutOptions::default() }).unwrap();
    assert_eq!(plan.authorization, Gate::BiometricOrPassword);
    let report = r.core.logout(&plan.token, &LogoutConfirmation { use_biometrics: true, ..Default::default() }).unwrap();
    assert!(report.wallet_removed && report.biometric_removed);
    assert!(!r.ks.contains(&alias));
    assert_eq!(r.core.state(), SessionState::NoAccount);
}
