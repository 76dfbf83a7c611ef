//! Issue 12, "No way around the password": each test performs the attack through the public
//! API, the way an app (or someone holding the phone) would, and checks that it is stopped.
//!
//! 1. the backup check is no oracle for the recovery phrase;
//! 2. gates and auto-lock are per account (another account cannot relax them);
//! 3. changing a setting needs an unlocked session and a proof made in that call;
//! 4. a raw digest needs the strictest signing gate;
//! 5. "reset app" needs the password of each wallet that is not backed up (or the device owner).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use common::*;
use imwallet_core::auth::gates::{AuthProof, Gate, GatePolicy, GatedAction};
use imwallet_core::engine::{EraseProofs, ERASE_PHRASE};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::wallet::eip712::TypedData;
use imwallet_core::wallet::Language;
use imwallet_core::Error;

const MAIL: &str = r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"}],"Mail":[{"name":"contents","type":"string"}]},
"primaryType":"Mail","domain":{"name":"Ether Mail"},"message":{"contents":"Hello, Bob!"}}"#;

fn logout(r: &Rig) {
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
}

/// The oracle attack: for each challenge, submit every word of the list in every slot and
/// read which positions were right. Returns the words learnt (position → word) and the calls.
fn backup_oracle_attack(r: &Rig, budget: usize) -> (BTreeMap<u32, String>, usize) {
    let list = Language::English.word_list();
    let mut learnt = BTreeMap::new();
    let mut calls = 0;
    'outer: while calls < budget {
        let Ok(positions) = r.core.backup_challenge(AuthProof::None) else { break };
        calls += 1;
        for w in list.iter() {
            let typed: Vec<&[u8]> = positions.iter().map(|_| w.as_bytes()).collect();
            calls += 1;
            match r.core.confirm_backup(&typed) {
                Ok(()) => break 'outer,
                Err(e @ Error::BackupMismatch) => {
                    // Whatever the error tells about positions is the oracle.
                    let shown = e.to_string();
                    for p in &positions {
                        let named = shown.split(|c: char| !c.is_ascii_digit()).any(|n| n == p.to_string());
                        if shown.contains("positions") && !named {
                            learnt.insert(*p, (*w).to_string());
                        }
                    }
                    if positions.iter().all(|p| learnt.contains_key(p)) {
                        continue 'outer;
                    }
                }
                Err(_) => continue 'outer,
            }
            if calls >= budget {
                break 'outer;
            }
        }
    }
    (learnt, calls)
}

#[test]
fn attack_1_backup_confirmation_is_no_oracle_for_the_phrase() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let created = r.core.create_account("Eve", PW, 12, Language::English).unwrap();
    let words = phrase_words(created.phrase.expose());
    let (learnt, calls) = backup_oracle_attack(&r, 20_000);
    let right = learnt.iter().filter(|(p, w)| words[**p as usize - 1] == **w).count();
    assert_eq!(right, 0, "the backup check leaked {right} word(s) of the phrase in {calls} calls");
    assert!(calls < 100, "the attack was stopped early, not after {calls} calls");
}

#[test]
fn attack_1_a_failed_answer_discards_the_challenge_and_three_need_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let created = r.core.create_account("Eve", PW, 12, Language::English).unwrap();
    let words = phrase_words(created.phrase.expose());
    let junk: [&[u8]; 3] = [b"zzz", b"zzz", b"zzz"];
    for _ in 0..3 {
        r.core.backup_challenge(AuthProof::None).unwrap();
        let e = r.core.confirm_backup(&junk).unwrap_err();
        assert_eq!(e, Error::BackupMismatch);
        assert!(!e.to_string().chars().any(|c| c.is_ascii_digit()), "a mismatch names no position: {e}");
        assert_eq!(r.core.confirm_backup(&junk).unwrap_err(), Error::NoBackupChallenge, "the challenge is discarded");
    }
    assert!(
        matches!(r.core.backup_challenge(AuthProof::None), Err(Error::AuthorizationRequired { .. })),
        "after 3 failed answers a new challenge needs the RevealPhrase gate"
    );
    // A restart does not reset the count.
    drop(r);
    let r = open(dir.path());
    r.core.unlock(PW).unwrap();
    assert!(matches!(r.core.backup_challenge(AuthProof::None), Err(Error::AuthorizationRequired { .. })), "persisted per account");
    assert!(matches!(r.core.backup_challenge(AuthProof::Password(PW2)).unwrap_err(), Error::InvalidCredentials { .. }));
    // With the gate passed, a check can still succeed, and a success resets the count.
    let pos = r.core.backup_challenge(AuthProof::Password(PW)).unwrap();
    let typed: Vec<&[u8]> = pos.iter().map(|p| words[*p as usize - 1].as_bytes()).collect();
    r.core.confirm_backup(&typed).unwrap();
    assert!(r.core.accounts().unwrap()[0].backed_up);
    let id = r.core.accounts().unwrap()[0].id.clone();
    drop(r);
    let store = store(dir.path());
    assert_eq!(imwallet_core::store::accounts::backup_failures(store.conn(), &id).unwrap(), 0);
}

#[test]
fn attack_1_a_backed_up_wallet_needs_the_reveal_gate_for_a_challenge() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let junk = b"test test test test test test test test test test test junk";
    r.core.import_account("Imported", junk, None, PW).unwrap();
    assert!(matches!(r.core.backup_challenge(AuthProof::None), Err(Error::AuthorizationRequired { .. })));
    assert_eq!(r.core.backup_challenge(AuthProof::Password(PW)).unwrap().len(), 3, "the gate passed");
    // A cached grant is used up by the call it was given for: the next check needs it again.
    assert!(matches!(r.core.backup_challenge(AuthProof::None), Err(Error::AuthorizationRequired { .. })));
}

#[test]
fn attack_2_another_account_cannot_lower_the_victims_gates_or_auto_lock() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Victim", PW, 12, Language::English).unwrap();
    r.core.set_auto_lock(AutoLock::AfterSeconds(60), AuthProof::Password(PW)).unwrap();
    logout(&r);
    // The attacker makes an account of their own and relaxes everything with its password.
    r.core.create_account("Mallory", PW2, 12, Language::English).unwrap();
    let none = GatePolicy { gate: Gate::None, fresh_within_secs: None };
    r.core.set_gate_policy(GatedAction::RevealPhrase, none, AuthProof::Password(PW2)).unwrap();
    r.core.set_auto_lock(AutoLock::Never, AuthProof::Password(PW2)).unwrap();
    logout(&r);
    r.core.login("Victim", PW, None).unwrap();
    assert_eq!(r.core.gate_policy(GatedAction::RevealPhrase).gate, Gate::Password, "the victim's gate is the victim's");
    assert!(matches!(r.core.reveal_phrase(AuthProof::None), Err(Error::AuthorizationRequired { .. })));
    assert_eq!(r.core.auto_lock(), AutoLock::AfterSeconds(60), "the victim's auto-lock is the victim's");
}

#[test]
fn attack_3_a_cached_grant_cannot_change_a_gate() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Owner", PW, 12, Language::English).unwrap();
    let windowed = GatePolicy { gate: Gate::Password, fresh_within_secs: Some(300) };
    r.core.set_gate_policy(GatedAction::SignMessage, windowed, AuthProof::Password(PW)).unwrap();
    r.core.set_gate_policy(GatedAction::ChangeSettings, windowed, AuthProof::Password(PW)).unwrap();
    r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).unwrap();
    r.core.authorize(GatedAction::ChangeSettings, AuthProof::Password(PW)).unwrap();
    // The owner looks away; within the window someone relaxes signing with no proof.
    let none = GatePolicy { gate: Gate::None, fresh_within_secs: None };
    assert!(matches!(r.core.set_gate_policy(GatedAction::SignMessage, none, AuthProof::None), Err(Error::AuthorizationRequired { .. })));
    assert_eq!(r.core.gate_policy(GatedAction::SignMessage), windowed);
}

#[test]
fn attack_3_auto_lock_cannot_be_turned_off_from_the_lock_screen() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Owner", PW, 12, Language::English).unwrap();
    r.core.set_auto_lock(AutoLock::AfterSeconds(60), AuthProof::Password(PW)).unwrap();
    r.core.lock().unwrap();
    assert_eq!(r.core.set_auto_lock(AutoLock::Never, AuthProof::Password(PW)).unwrap_err(), Error::Locked);
    assert_eq!(r.core.auto_lock(), AutoLock::AfterSeconds(60));
}

#[test]
fn attack_4_a_raw_digest_does_not_dodge_the_typed_data_gate() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Owner", PW, 12, Language::English).unwrap();
    let strict = GatePolicy { gate: Gate::Password, fresh_within_secs: None };
    r.core.set_gate_policy(GatedAction::SignTypedData, strict, AuthProof::Password(PW)).unwrap();
    assert!(matches!(r.core.sign_typed_data(0, MAIL), Err(Error::AuthorizationRequired { .. })));
    // Hash locally, sign the digest.
    let digest = TypedData::from_json(MAIL).unwrap().signing_hash().unwrap();
    assert!(matches!(r.core.sign_digest(0, &digest), Err(Error::AuthorizationRequired { .. })), "sign_digest obeys the typed-data gate");
}

#[test]
fn attack_5_reset_app_from_the_lock_screen_keeps_an_unbacked_wallet() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Eve", PW, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    let e = r.core.erase_all_data(ERASE_PHRASE, &EraseProofs::default());
    assert!(matches!(e, Err(Error::AuthorizationRequired { .. })), "{e:?}");
    assert_eq!(r.core.accounts().unwrap().len(), 1, "the wallet is still there");
}

#[test]
fn attack_2_settings_are_per_account_and_go_with_the_account() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let mal = r.core.create_account("Mallory", PW2, 12, Language::English).unwrap().account.id;
    let windowed = GatePolicy { gate: Gate::BiometricOrPassword, fresh_within_secs: Some(30) };
    r.core.set_gate_policy(GatedAction::SignMessage, windowed, AuthProof::Password(PW2)).unwrap();
    r.core.set_auto_lock(AutoLock::Immediate, AuthProof::Password(PW2)).unwrap();
    r.core.create_account("Newcomer", PW, 12, Language::English).unwrap();
    assert_eq!(r.core.gate_policy(GatedAction::SignMessage), GatedAction::SignMessage.default_policy(), "a new account has the defaults");
    assert_eq!(r.core.auto_lock(), AutoLock::Never, "the configured default (the rig's)");
    logout(&r);
    assert_eq!(r.core.auto_lock(), AutoLock::Never, "no session: the default");
    r.core.login("Mallory", PW2, None).unwrap();
    assert_eq!(r.core.auto_lock(), AutoLock::Immediate, "login brings the account's setting");
    assert_eq!(r.core.gate_policy(GatedAction::SignMessage), windowed);
    let plan = r.core.prepare_logout(LogoutOptions { remove_wallet: true, ..LogoutOptions::default() }).unwrap();
    let confirm = LogoutConfirmation {
        typed_account_name: Some("Mallory".into()),
        password: Some(imwallet_core::vault::SecretBytes::from_slice(PW2)),
        ..Default::default()
    };
    r.core.logout(&plan.token, &confirm).unwrap();
    drop(r);
    let store = store(dir.path());
    assert_eq!(imwallet_core::store::account_settings::count_for(store.conn(), &mal).unwrap(), 0, "removed with the account");
}

#[test]
fn attack_2_device_wide_settings_of_an_old_database_become_each_accounts() {
    let dir = tempfile::tempdir().unwrap();
    // Made by a build before device keys (unbound), then put back to schema v2.
    let id = {
        let r = open_unbound(dir.path());
        r.core.create_account("Old", PW, 12, Language::English).unwrap().account.id
    };
    // Put the database back to schema v2 with a device-wide stricter signing gate.
    {
        let conn = rusqlite::Connection::open(dir.path().join(imwallet_core::store::DB_FILE)).unwrap();
        conn.execute_batch(
            "DROP TABLE dapp_connections; DROP TABLE dapp_revocations; DROP TABLE second_factor; DROP TABLE recovery_codes;
             DROP TABLE device_wraps; DROP TABLE device_pending; ALTER TABLE events DROP COLUMN seal_scope; ALTER TABLE accounts DROP COLUMN hw_salt;
             DROP TABLE attempt_buckets; DROP TABLE attempt_failures;
             DROP TABLE account_settings; ALTER TABLE accounts DROP COLUMN backup_failures;
             INSERT INTO settings (key, value) VALUES ('gate.sign_message', 'password:-'), ('auto_lock', '45');
             PRAGMA user_version = 2;",
        )
        .unwrap();
    }
    let r = open(dir.path());
    r.core.unlock(PW).unwrap();
    assert_eq!(r.core.gate_policy(GatedAction::SignMessage).gate, Gate::Password, "kept as the account's own");
    assert_eq!(r.core.auto_lock(), AutoLock::AfterSeconds(45));
    drop(r);
    let store = store(dir.path());
    // The two migrated settings, and what the unlock recorded for ADR 0015: the rehearsal (3
    // values) and when the password was set (derived from the log for an older account).
    assert_eq!(imwallet_core::store::account_settings::count_for(store.conn(), &id).unwrap(), 6);
    assert_eq!(store.setting("gate.sign_message").unwrap(), None, "no device-wide gate left");
}

#[test]
fn attack_3_settings_need_a_proof_the_current_gates_accept() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Owner", PW, 12, Language::English).unwrap();
    // Even with every gate at None, a change needs a proof made in the call.
    let bio = GatePolicy { gate: Gate::Biometric, fresh_within_secs: None };
    assert!(matches!(r.core.set_gate_policy(GatedAction::Logout, bio, AuthProof::None), Err(Error::AuthorizationRequired { .. })));
    assert!(matches!(r.core.set_auto_lock(AutoLock::Never, AuthProof::None), Err(Error::AuthorizationRequired { .. })));
    assert!(matches!(r.core.set_auto_lock(AutoLock::Never, AuthProof::Password(PW2)).unwrap_err(), Error::InvalidCredentials { .. }));
    // A wrong kind of proof for the current gate: reveal needs the password, not biometrics.
    r.core.enable_biometric_unlock(PW).unwrap();
    let none = GatePolicy { gate: Gate::None, fresh_within_secs: None };
    assert!(matches!(
        r.core.set_gate_policy(GatedAction::RevealPhrase, none, AuthProof::Biometric),
        Err(Error::AuthorizationRequired { .. })
    ));
    r.core.set_auto_lock(AutoLock::Never, AuthProof::Biometric).unwrap();
    r.core.set_gate_policy(GatedAction::Logout, bio, AuthProof::Biometric).unwrap();
    r.core.lock().unwrap();
    assert_eq!(r.core.set_gate_policy(GatedAction::Logout, none, AuthProof::Password(PW)).unwrap_err(), Error::Locked);
}

#[test]
fn attack_4_the_strictest_signing_policy_governs_raw_digests() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Owner", PW, 12, Language::English).unwrap();
    r.core.sign_digest(0, &[7; 32]).unwrap();
    // Strict message gate: digests follow it too.
    let strict = GatePolicy { gate: Gate::Password, fresh_within_secs: None };
    r.core.set_gate_policy(GatedAction::SignMessage, strict, AuthProof::Password(PW)).unwrap();
    assert!(matches!(r.core.sign_digest(0, &[7; 32]), Err(Error::AuthorizationRequired { .. })));
    // A message approval never pays for a digest (it may be a transaction's signing hash):
    // only a `SignTransaction` authorization the strictest policy accepts counts, once.
    r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).unwrap();
    assert!(matches!(r.core.sign_digest(0, &[7; 32]), Err(Error::AuthorizationRequired { .. })), "a message grant is not enough");
    r.core.set_gate_policy(GatedAction::SignTransaction, strict, AuthProof::Password(PW)).unwrap();
    r.core.authorize(GatedAction::SignTransaction, AuthProof::Password(PW)).unwrap();
    r.core.sign_digest(0, &[7; 32]).unwrap();
    assert!(matches!(r.core.sign_digest(0, &[7; 32]), Err(Error::AuthorizationRequired { .. })), "single use");
    // Transactions windowed (60 s), message single-use: the strictest is password, single use.
    let windowed = GatePolicy { gate: Gate::Password, fresh_within_secs: Some(60) };
    r.core.set_gate_policy(GatedAction::SignTransaction, windowed, AuthProof::Password(PW)).unwrap();
    r.core.authorize(GatedAction::SignTransaction, AuthProof::Password(PW)).unwrap();
    r.core.sign_digest(0, &[7; 32]).unwrap();
    assert!(matches!(r.core.sign_digest(0, &[7; 32]), Err(Error::AuthorizationRequired { .. })), "used up under the strictest policy");
    // Both windowed: the shortest window applies.
    let long = GatePolicy { gate: Gate::Password, fresh_within_secs: Some(600) };
    r.core.set_gate_policy(GatedAction::SignMessage, long, AuthProof::Password(PW)).unwrap();
    r.core.authorize(GatedAction::SignTransaction, AuthProof::Password(PW)).unwrap();
    r.core.sign_digest(0, &[7; 32]).unwrap();
    r.core.sign_digest(0, &[7; 32]).unwrap();
    r.clock.advance(61);
    assert!(matches!(r.core.sign_digest(0, &[7; 32]), Err(Error::AuthorizationRequired { .. })), "60 s window, not 600 s");
}

#[test]
fn attack_5_erase_needs_each_unbacked_wallets_password_or_the_device_owner() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Eve", PW, 12, Language::English).unwrap();
    r.core.import_account("Backed", b"test test test test test test test test test test test junk", None, PW2).unwrap();
    r.core.create_account("Fay", PW2, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    let plan = r.core.prepare_erase().unwrap();
    assert_eq!(plan.not_backed_up, ["Eve", "Fay"]);
    assert!(plan.authorization_needed && plan.device_owner_check_available);
    // Missing one password, a wrong one, an unknown name: nothing happens.
    let e = r.core.erase_all_data(ERASE_PHRASE, &erase_with_passwords(&[("Eve", PW)])).unwrap_err();
    assert!(matches!(&e, Error::AuthorizationRequired { accepted, .. } if accepted.contains("Fay")), "{e:?}");
    assert!(matches!(
        r.core.erase_all_data(ERASE_PHRASE, &erase_with_passwords(&[("Eve", PW), ("Fay", PW)])).unwrap_err(),
        Error::InvalidCredentials { .. }
    ));
    assert!(matches!(
        r.core.erase_all_data(ERASE_PHRASE, &erase_with_passwords(&[("Eve", PW), ("Fay", PW2), ("Nobody", PW)])),
        Err(Error::InvalidArgument { .. })
    ));
    // The device owner says no, or the hook fails.
    *r.owner.answer.lock().unwrap() = Ok(false);
    let owner = EraseProofs { use_device_owner: true, ..Default::default() };
    assert!(matches!(r.core.erase_all_data(ERASE_PHRASE, &owner), Err(Error::AuthorizationRequired { .. })));
    *r.owner.answer.lock().unwrap() = Err(imwallet_core::auth::hooks::HookError { message: "screen crashed".into() });
    assert!(matches!(r.core.erase_all_data(ERASE_PHRASE, &owner), Err(Error::HookFailed { .. })));
    assert_eq!(r.core.accounts().unwrap().len(), 3, "nothing was erased");
    // The passwords of the unbacked wallets (not the backed-up one's) do it, from the lock screen.
    let report = r.core.erase_all_data(ERASE_PHRASE, &erase_with_passwords(&[("eve", PW), ("FAY", PW2)])).unwrap();
    assert_eq!(report.accounts_removed, 3);
}

#[test]
fn attack_5_device_owner_check_or_nothing_when_everything_is_backed_up() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Eve", PW, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    let owner = EraseProofs { use_device_owner: true, ..Default::default() };
    r.core.erase_all_data(ERASE_PHRASE, &owner).unwrap();
    assert_eq!(r.owner.asked.lock().unwrap().len(), 1);
    assert!(r.core.accounts().unwrap().is_empty());
    // Backed-up wallets keep the password-free reset (a forgotten password must not block it).
    r.core.import_account("Backed", b"test test test test test test test test test test test junk", None, PW).unwrap();
    r.core.lock().unwrap();
    let plan = r.core.prepare_erase().unwrap();
    assert!(!plan.authorization_needed);
    r.core.erase_all_data(ERASE_PHRASE, &EraseProofs::default()).unwrap();
    assert_eq!(r.owner.asked.lock().unwrap().len(), 1, "not asked when nothing is at stake");
}
