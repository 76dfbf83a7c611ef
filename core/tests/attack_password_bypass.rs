//! Attack round 12 on "No way around the password" (issue 12, ADR 0006): the public API only.
//!
//! Tests named `finding_*` fail on the code under attack (each shows a way around the
//! configured proof); tests named `held_*` are attacks that were stopped, kept as regressions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Barrier;

use common::*;
use imwallet_core::auth::gates::{AuthProof, Gate, GatePolicy, GatedAction};
use imwallet_core::engine::{EraseProofs, ERASE_PHRASE};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::sign::personal_message_digest;
use imwallet_core::wallet::Language;
use imwallet_core::Error;

fn pol(gate: Gate, w: Option<u32>) -> GatePolicy {
    GatePolicy { gate, fresh_within_secs: w }
}

fn remove_wallet(r: &Rig, name: &str, pw: &[u8]) {
    let plan = r.core.prepare_logout(LogoutOptions { remove_wallet: true, ..LogoutOptions::default() }).unwrap();
    let c = LogoutConfirmation {
        password: Some(SecretBytes::new(pw.to_vec())),
        typed_account_name: Some(name.to_string()),
        ..LogoutConfirmation::default()
    };
    r.core.logout(&plan.token, &c).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------

/// The user wants every message signature confirmed with a fingerprint (`SignMessage:
/// Biometric`, e.g. because the password may have been seen over their shoulder) and typed data
/// with the password. `GatePolicy::strictest` ranks `Password` above `Biometric` and keeps only
/// the password gate for raw digests, so the password alone signs the EIP-191 digest of any
/// message: a signature `sign_message` would only give after a biometric prompt. The two gates
/// accept disjoint proofs; the strictest policy for their union is "both" (or refuse), as ADR
/// 0006 already decides for settings changes.
#[test]
fn finding_password_alone_signs_a_message_digest_whose_gate_is_biometric_only() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Owner", PW, 12, Language::English).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.set_gate_policy(GatedAction::SignMessage, pol(Gate::Biometric, None), AuthProof::Password(PW)).unwrap();
    r.core.set_gate_policy(GatedAction::SignTypedData, pol(Gate::Password, None), AuthProof::Password(PW)).unwrap();
    // Biometric-only for messages: the password is refused for SignMessage itself.
    assert!(matches!(r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)), Err(Error::AuthorizationRequired { .. })));
    let prompts_before = r.ks.prompts().len();

    // The attacker knows the password, not the fingerprint.
    r.core.authorize(GatedAction::SignTypedData, AuthProof::Password(PW)).unwrap();
    let msg = b"Transfer ownership of vault 0xabc to Mallory";
    let digest = personal_message_digest(msg);
    let got = r.core.sign_digest(0, &digest);
    let prompted = r.ks.prompts().len() > prompts_before;
    assert!(
        matches!(got, Err(Error::AuthorizationRequired { .. })) || prompted,
        "a message digest was signed with the password only, no biometric prompt, while SignMessage is Biometric-only: {got:?}"
    );
}

/// Same hole, the other way round: typed data gated `Biometric`, messages `Password`. The
/// password proves the message gate and the digest of the typed data gets signed.
#[test]
fn finding_password_alone_signs_a_typed_data_digest_whose_gate_is_biometric_only() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Owner", PW, 12, Language::English).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.set_gate_policy(GatedAction::SignTypedData, pol(Gate::Biometric, Some(300)), AuthProof::Password(PW)).unwrap();
    r.core.set_gate_policy(GatedAction::SignMessage, pol(Gate::Password, Some(300)), AuthProof::Password(PW)).unwrap();
    assert!(matches!(r.core.authorize(GatedAction::SignTypedData, AuthProof::Password(PW)), Err(Error::AuthorizationRequired { .. })));
    let prompts_before = r.ks.prompts().len();
    r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).unwrap();
    let permit_digest = [0x42u8; 32]; // the EIP-712 hash of, say, a Permit2 approval
    let got = r.core.sign_digest(0, &permit_digest);
    let prompted = r.ks.prompts().len() > prompts_before;
    assert!(
        matches!(got, Err(Error::AuthorizationRequired { .. })) || prompted,
        "a typed-data digest was signed with the password only while SignTypedData is Biometric-only: {got:?}"
    );
}

/// security.md: "a device without a screen lock has no device-owner check
/// (`device_owner_check_available` is false): only the wallets' passwords authorize erasing an
/// unbacked wallet there." The core never asks `can_confirm_device_owner` before trusting
/// `confirm_device_owner`: a bridge that answers `true` when there is no credential to check
/// (e.g. Android returns no Keyguard intent and the glue treats "nothing to confirm" as
/// success) erases the unbacked wallet from the lock screen with no password.
#[test]
fn finding_erase_trusts_the_device_owner_hook_when_it_says_no_check_is_available() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Victim", PW, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    *r.owner.secure.lock().unwrap() = false;
    *r.owner.answer.lock().unwrap() = Ok(true);
    let plan = r.core.prepare_erase().unwrap();
    assert!(plan.authorization_needed);
    assert!(!plan.device_owner_check_available, "the plan says: only passwords here");
    let got = r.core.erase_all_data(ERASE_PHRASE, &by_owner());
    assert!(
        matches!(got, Err(Error::AuthorizationRequired { .. })),
        "the unbacked wallet was erased through a device-owner check the device does not have: {got:?}"
    );
    assert_eq!(r.core.accounts().unwrap().len(), 1);
}

/// "A wrong answer discards the challenge": one challenge, one answer. The challenge is read,
/// compared and only then discarded, with nothing holding it in between, so answers sent
/// together are all judged against the same positions (each one a yes/no on three words),
/// beyond the three free failures and with no `RevealPhrase` gate on the later ones.
#[test]
fn finding_concurrent_answers_all_checked_against_one_backup_challenge() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Victim", PW, 12, Language::English).unwrap();
    let mut judged_max = 0;
    for _round in 0..300 {
        // After three failures a new challenge needs the reveal gate: the test gives the password
        // to get many challenges; what it measures is answers per challenge.
        let _positions = r.core.backup_challenge(AuthProof::Password(PW)).unwrap();
        const N: usize = 8;
        let barrier = Barrier::new(N);
        let judged = std::thread::scope(|s| {
            let hs: Vec<_> = (0..N)
                .map(|i| {
                    let (core, barrier) = (&r.core, &barrier);
                    s.spawn(move || {
                        let w = ["abandon", "ability", "able", "about", "above", "absent", "absorb", "abstract"][i];
                        let typed: Vec<&[u8]> = vec![w.as_bytes(); 3];
                        barrier.wait();
                        core.confirm_backup(&typed)
                    })
                })
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).filter(|r| matches!(r, Err(Error::BackupMismatch) | Ok(()))).count()
        });
        judged_max = judged_max.max(judged);
        if judged > 1 {
            break;
        }
    }
    assert!(judged_max <= 1, "{judged_max} answers were judged against one backup challenge");
}

/// A freshness window of 0 s is accepted by `set_gate_policy` and means "reuse while
/// `now - t <= 0`": with a whole-second monotonic clock, one password entry authorizes any
/// number of signatures until the second turns (here, with the clock at rest, forever). The
/// user who picked "0 s" meant "every time"; it is looser than no window.
#[test]
fn finding_window_zero_makes_one_authorization_reusable() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Owner", PW, 12, Language::English).unwrap();
    // Fixed: a 0 s window is refused (no window is the "every time" policy).
    assert!(matches!(
        r.core.set_gate_policy(GatedAction::SignMessage, pol(Gate::Password, Some(0)), AuthProof::Password(PW)),
        Err(Error::InvalidArgument { .. })
    ));
    r.core.set_gate_policy(GatedAction::SignMessage, pol(Gate::Password, None), AuthProof::Password(PW)).unwrap();
    r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).unwrap();
    r.core.sign_message(0, b"first").unwrap();
    let mut extra = 0;
    for i in 0..50 {
        if r.core.sign_message(0, format!("drain {i}").as_bytes()).is_ok() {
            extra += 1;
        }
    }
    assert_eq!(extra, 0, "a 0-second window let one password entry sign {} more messages", extra);
}

// ---------------------------------------------------------------------------------------------
// Attacks that held (regressions)
// ---------------------------------------------------------------------------------------------

/// Wrong word counts, empty words, unicode look-alikes: the count is not bypassed and nothing
/// in the error names a word or a position.
#[test]
fn held_confirm_backup_odd_inputs_leak_nothing_and_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let created = r.core.create_account("Victim", PW, 12, Language::English).unwrap();
    let words = phrase_words(created.phrase.expose());
    let pos = r.core.backup_challenge(AuthProof::None).unwrap();
    // A second wallet with another phrase: an error that tells nothing about the phrase is the
    // same text for both. (A substring search for the phrase's words is not a sound check:
    // "expected 3 words" contains the BIP39 words "expect" and "word", and Debug prints the
    // field name `reason`, itself a BIP39 word; it failed for about one phrase in twenty.)
    let other_dir = tempfile::tempdir().unwrap();
    let other = open(other_dir.path());
    other.core.create_account("Other", PW, 12, Language::English).unwrap();
    other.core.backup_challenge(AuthProof::None).unwrap();
    for bad in [vec![], vec![&b""[..]], vec![b"a"; 2], vec![b"a"; 4], vec![b"a"; 12]] {
        let e = r.core.confirm_backup(&bad).unwrap_err();
        let e_other = other.core.confirm_backup(&bad).unwrap_err();
        assert_eq!(format!("{e} {e:?}"), format!("{e_other} {e_other:?}"), "the error depends on the phrase");
        let shown = e.to_string();
        let tokens: Vec<&str> = shown.split(|c: char| !c.is_alphanumeric()).collect();
        assert!(words.iter().all(|w| !tokens.contains(&w.as_str())), "{shown}");
    }
    // Unicode variants of the right words count as the right words, not as a bypass.
    let fullwidth: Vec<String> =
        pos.iter().map(|p| words[*p as usize - 1].chars().map(|c| char::from_u32(c as u32 - 0x61 + 0xFF41).unwrap()).collect()).collect();
    let typed: Vec<&[u8]> = fullwidth.iter().map(|s| s.as_bytes()).collect();
    let got = r.core.confirm_backup(&typed);
    assert!(matches!(got, Ok(()) | Err(Error::BackupMismatch)), "{got:?}");
    // Three wrong answers (with restarts and lock/unlock between them), then the gate.
    drop(r);
    let r = open(dir.path());
    r.core.unlock(PW).unwrap();
    let _ = r.core.backup_challenge(AuthProof::None);
    for _ in 0..3 {
        if r.core.backup_challenge(AuthProof::None).is_err() {
            break;
        }
        let _ = r.core.confirm_backup(&[b"zoo", b"zoo", b"zoo"]);
        r.core.lock().unwrap();
        r.core.unlock(PW).unwrap();
    }
    assert!(matches!(r.core.backup_challenge(AuthProof::None), Err(Error::AuthorizationRequired { .. })));
    for e in r.rec.events.lock().unwrap().iter() {
        let t = format!("{e:?}");
        assert!(words.iter().filter(|w| w.len() > 3).all(|w| !t.contains(&format!(" {w} "))), "{t}");
    }
}

/// Another account's session can neither answer nor use up the victim's challenge, and the
/// victim's failures do not move with the login.
#[test]
fn held_backup_challenge_is_the_sessions_own() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let v = r.core.create_account("Victim", PW, 12, Language::English).unwrap();
    let vw = phrase_words(v.phrase.expose());
    let pos = r.core.backup_challenge(AuthProof::None).unwrap();
    r.core.create_account("Mallory", PW2, 12, Language::English).unwrap();
    let typed: Vec<&[u8]> = pos.iter().map(|p| vw[*p as usize - 1].as_bytes()).collect();
    // Mallory answers with the victim's words for the victim's positions: judged against Mallory.
    assert!(matches!(r.core.confirm_backup(&typed), Err(Error::NoBackupChallenge | Error::BackupMismatch)));
    r.core.login("Victim", PW, None).unwrap();
    assert!(r.core.accounts().unwrap().iter().any(|a| a.name == "Victim"));
    r.core.confirm_backup(&typed).unwrap();
}

/// With the freshness window of a signing gate, `authorize(SignMessage)` cannot stand in for a
/// reveal/export/settings change, and changing settings ignores every grant.
#[test]
fn held_grants_do_not_cross_actions() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Owner", PW, 12, Language::English).unwrap();
    r.core.set_gate_policy(GatedAction::SignMessage, pol(Gate::Password, Some(86_400)), AuthProof::Password(PW)).unwrap();
    r.core.set_gate_policy(GatedAction::ChangeSettings, pol(Gate::Password, Some(86_400)), AuthProof::Password(PW)).unwrap();
    r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).unwrap();
    r.core.authorize(GatedAction::ChangeSettings, AuthProof::Password(PW)).unwrap();
    assert!(r.core.reveal_phrase(AuthProof::None).is_err());
    assert!(r
        .core
        .export_keystore(AuthProof::None, 0, b"x", imwallet_core::vault::keystore::ExportKdf::Scrypt { log_n: 10, r: 8, p: 1 })
        .is_err());
    assert!(r.core.set_gate_policy(GatedAction::RevealPhrase, pol(Gate::None, None), AuthProof::None).is_err());
    assert!(r.core.set_auto_lock(AutoLock::Never, AuthProof::None).is_err());
    assert!(matches!(
        r.core.set_gate_policy(GatedAction::SignMessage, pol(Gate::Password, Some(86_401)), AuthProof::Password(PW)),
        Err(Error::InvalidArgument { .. })
    ));
    // A biometric proof cannot change a Password ChangeSettings gate, nor lower it.
    r.core.enable_biometric_unlock(PW).unwrap();
    assert!(r.core.set_gate_policy(GatedAction::ChangeSettings, pol(Gate::None, None), AuthProof::Biometric).is_err());
    assert!(r.core.set_gate_policy(GatedAction::SignMessage, pol(Gate::None, None), AuthProof::Biometric).is_err());
    assert!(r.core.set_auto_lock(AutoLock::Never, AuthProof::Biometric).is_err());
    assert_eq!(r.core.gate_policy(GatedAction::ChangeSettings).gate, Gate::Password);
}

/// Erase proofs: duplicate and case-variant names, the backed-up account's password for the
/// unbacked one, a denying owner, an account added after prepare_erase.
#[test]
fn held_erase_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Unbacked", PW, 12, Language::English).unwrap();
    let backed = r.core.create_account("Backed", PW2, 12, Language::English).unwrap();
    let bw = phrase_words(backed.phrase.expose());
    let pos = r.core.backup_challenge(AuthProof::None).unwrap();
    let typed: Vec<&[u8]> = pos.iter().map(|p| bw[*p as usize - 1].as_bytes()).collect();
    r.core.confirm_backup(&typed).unwrap();
    r.core.lock().unwrap();
    let tries: Vec<EraseProofs> = vec![
        erase_with_passwords(&[("UNBACKED", PW2)]),
        erase_with_passwords(&[("Backed", PW2)]),
        erase_with_passwords(&[("unbacked", PW2), ("Unbacked", PW)]),
        erase_with_passwords(&[("Unbacked ", PW2)]),
        EraseProofs { use_device_owner: false, ..Default::default() },
    ];
    for p in &tries {
        assert!(r.core.erase_all_data(ERASE_PHRASE, p).is_err(), "{p:?}");
    }
    *r.owner.answer.lock().unwrap() = Ok(false);
    assert!(r.core.erase_all_data(ERASE_PHRASE, &by_owner()).is_err());
    assert_eq!(r.core.accounts().unwrap().len(), 2);
}

/// All backed up: the lock screen erases with no proof (by design); other apps' key-store
/// entries survive; settings of a removed account never come back for a new one of that name.
#[test]
fn held_erase_scope_and_settings_do_not_resurface() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow";
    r.core.import_account("Alice", phrase.as_bytes(), None, PW).unwrap();
    r.core.set_gate_policy(GatedAction::RevealPhrase, pol(Gate::None, None), AuthProof::Password(PW)).unwrap();
    r.core.set_auto_lock(AutoLock::Immediate, AuthProof::Password(PW)).unwrap();
    remove_wallet(&r, "Alice", PW);
    r.core.import_account("alice", phrase.as_bytes(), None, PW2).unwrap();
    assert_eq!(r.core.gate_policy(GatedAction::RevealPhrase).gate, Gate::Password);
    assert_ne!(r.core.auto_lock(), AutoLock::Immediate);
    use imwallet_core::auth::keystore::SecureKeyStore;
    r.ks.store("other.app.key", b"s").unwrap();
    r.core.lock().unwrap();
    r.core.erase_all_data(ERASE_PHRASE, &EraseProofs::default()).unwrap();
    assert!(r.ks.contains("other.app.key"));
    assert!(r.core.accounts().unwrap().is_empty());
}
