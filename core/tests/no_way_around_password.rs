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
use imwallet_core::engine::ERASE_PHRASE;
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
        let Ok(positions) = r.core.backup_challenge() else { break };
        calls += 1;
        for w in list.iter() {
            let typed: Vec<&[u8]> = positions.iter().map(|_| w.as_bytes()).collect();
            calls += 1;
            match r.core.confirm_backup(&typed) {
                Ok(()) => break 'outer,
                Err(e @ Error::BackupMismatch { .. }) => {
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
        r.core.backup_challenge().unwrap();
        let e = r.core.confirm_backup(&junk).unwrap_err();
        assert!(matches!(e, Error::BackupMismatch { .. }), "{e:?}");
        assert!(!e.to_string().chars().any(|c| c.is_ascii_digit()), "a mismatch names no position: {e}");
        assert_eq!(r.core.confirm_backup(&junk).unwrap_err(), Error::NoBackupChallenge, "the challenge is discarded");
    }
    assert!(
        matches!(r.core.backup_challenge(), Err(Error::AuthorizationRequired { .. })),
        "after 3 failed answers a new challenge needs the RevealPhrase gate"
    );
    // A restart does not reset the count.
    drop(r);
    let r = open(dir.path());
    r.core.unlock(PW).unwrap();
    assert!(matches!(r.core.backup_challenge(), Err(Error::AuthorizationRequired { .. })), "persisted per account");
    let _ = words;
}

#[test]
fn attack_1_a_backed_up_wallet_needs_the_reveal_gate_for_a_challenge() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let junk = b"test test test test test test test test test test test junk";
    r.core.import_account("Imported", junk, None, PW).unwrap();
    assert!(matches!(r.core.backup_challenge(), Err(Error::AuthorizationRequired { .. })));
}

#[test]
fn attack_2_another_account_cannot_lower_the_victims_gates_or_auto_lock() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Victim", PW, 12, Language::English).unwrap();
    r.core.set_auto_lock(AutoLock::AfterSeconds(60)).unwrap();
    logout(&r);
    // The attacker makes an account of their own and relaxes everything with its password.
    r.core.create_account("Mallory", PW2, 12, Language::English).unwrap();
    let none = GatePolicy { gate: Gate::None, fresh_within_secs: None };
    r.core.set_gate_policy(GatedAction::RevealPhrase, none, AuthProof::Password(PW2)).unwrap();
    r.core.set_auto_lock(AutoLock::Never).unwrap();
    logout(&r);
    r.core.login("Victim", PW).unwrap();
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
    assert!(matches!(
        r.core.set_gate_policy(GatedAction::SignMessage, none, AuthProof::None),
        Err(Error::AuthorizationRequired { .. })
    ));
    assert_eq!(r.core.gate_policy(GatedAction::SignMessage), windowed);
}

#[test]
fn attack_3_auto_lock_cannot_be_turned_off_from_the_lock_screen() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Owner", PW, 12, Language::English).unwrap();
    r.core.set_auto_lock(AutoLock::AfterSeconds(60)).unwrap();
    r.core.lock().unwrap();
    assert_eq!(r.core.set_auto_lock(AutoLock::Never).unwrap_err(), Error::Locked);
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
    let e = r.core.erase_all_data(ERASE_PHRASE);
    assert!(matches!(e, Err(Error::AuthorizationRequired { .. })), "{e:?}");
    assert_eq!(r.core.accounts().unwrap().len(), 1, "the wallet is still there");
}
