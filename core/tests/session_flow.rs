//! The session state machine end to end: create, lock, unlock, restart, keys gated by state,
//! backup, reveal, password change, events.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use common::*;
use imwallet_core::auth::gates::AuthProof;
use imwallet_core::events::EventKind;
use imwallet_core::session::SessionState;
use imwallet_core::vault::keystore::ExportKdf;
use imwallet_core::wallet::sign::{personal_message_digest, recover};
use imwallet_core::wallet::Language;
use imwallet_core::Error;

#[test]
fn fresh_device_has_no_account() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    assert_eq!(r.core.state(), SessionState::NoAccount);
    assert_eq!(r.core.lock().unwrap(), SessionState::NoAccount, "lock is a no-op without a session");
    assert_eq!(r.core.unlock(PW).unwrap_err(), Error::NotLoggedIn);
    assert_eq!(r.core.addresses(1).unwrap_err(), Error::NotLoggedIn);
    assert_eq!(r.core.sign_message(0, b"x").unwrap_err(), Error::NotLoggedIn);
}

#[test]
fn create_lock_unlock_and_key_gating() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let created = r.core.create_account("Alice", PW, 12, Language::English).unwrap();
    assert_eq!(phrase_words(created.phrase.expose()).len(), 12);
    assert!(!created.account.backed_up && created.account.has_recovery_phrase);
    assert!(matches!(r.core.state(), SessionState::Unlocked { ref account } if account.name == "Alice"));
    let addr = created.account.address.clone();
    assert!(addr.starts_with("0x") && addr.len() == 42);

    let sig = r.core.sign_message(0, b"hello").unwrap();
    assert_eq!(recover(&personal_message_digest(b"hello"), &sig).unwrap().to_checksum(), addr);

    assert!(matches!(r.core.lock().unwrap(), SessionState::Locked { .. }));
    assert_eq!(r.core.sign_message(0, b"hello").unwrap_err(), Error::Locked);
    assert_eq!(r.core.sign_digest(0, &[1; 32]).unwrap_err(), Error::Locked);
    assert_eq!(r.core.addresses(3).unwrap()[0], addr, "cached addresses are readable while locked");
    assert_eq!(r.core.addresses(50).unwrap_err(), Error::Locked, "deriving new ones needs keys");
    assert_eq!(r.core.reveal_phrase(AuthProof::Password(PW)).unwrap_err(), Error::Locked);
    assert_eq!(r.core.export_keystore(AuthProof::Password(PW), 0, b"x", ExportKdf::LIGHT).unwrap_err(), Error::Locked);

    assert!(matches!(r.core.unlock(b"wrong password!!").unwrap_err(), Error::InvalidCredentials { .. }));
    assert!(r.core.unlock(PW).unwrap().is_unlocked());
    assert_eq!(r.core.addresses(50).unwrap().len(), 50);
    assert_eq!(r.core.sign_digest(0, &[1; 31]).unwrap_err(), Error::InvalidArgument { reason: "a digest is exactly 32 bytes".into() });

    let states = r.rec.states.lock().unwrap().clone();
    let kinds: Vec<&str> = states
        .iter()
        .map(|s| match s {
            SessionState::NoAccount => "none",
            SessionState::LoggedOut => "out",
            SessionState::Locked { .. } => "locked",
            SessionState::Unlocked { .. } => "unlocked",
        })
        .collect();
    assert_eq!(kinds, ["unlocked", "locked", "unlocked"], "the listener hears every transition");
}

#[test]
fn restart_comes_back_locked_and_accounts_persist() {
    let dir = tempfile::tempdir().unwrap();
    let addr = {
        let r = open(dir.path());
        r.core.create_account("Bob", PW, 24, Language::Japanese).unwrap().account.address
    };
    let r = open(dir.path());
    assert!(matches!(r.core.state(), SessionState::Locked { ref account } if account.name == "Bob"));
    assert_eq!(r.core.accounts().unwrap()[0].address, addr);
    r.core.unlock(PW).unwrap();
    assert_eq!(r.core.addresses(1).unwrap()[0], addr);
}

#[test]
fn names_are_validated_and_unique_case_insensitively() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Ålice", PW, 12, Language::English).unwrap();
    assert_eq!(r.core.create_account("ÅLICE", PW, 12, Language::English).unwrap_err(), Error::AccountNameTaken);
    assert!(matches!(r.core.create_account("", PW, 12, Language::English), Err(Error::InvalidAccountName { .. })));
    assert!(matches!(r.core.create_account(&"n".repeat(65), PW, 12, Language::English), Err(Error::InvalidAccountName { .. })));
    assert_eq!(r.core.create_account("Carol", b"short", 12, Language::English).unwrap_err(), Error::PasswordTooShort { min: 8 });
    assert!(matches!(r.core.create_account("Carol", b"password1", 12, Language::English), Err(Error::PasswordTooWeak { .. })));
    assert!(matches!(r.core.create_account("Carol", PW, 11, Language::English), Err(Error::UnsupportedWordCount { .. })));
    r.core.create_account("钱包 🦊", PW, 12, Language::SimplifiedChinese).unwrap();
    assert_eq!(r.core.accounts().unwrap().len(), 2);
}

#[test]
fn import_phrase_and_keystore() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let junk = b"test test test test test test test test test test test junk";
    let a = r.core.import_account("Dev", junk, None, PW).unwrap();
    assert_eq!(a.address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    assert!(a.backed_up, "the user already holds an imported phrase");
    let b = r.core.import_account("Dev2", junk, Some("TREZOR".as_bytes()), PW).unwrap();
    assert_ne!(b.address, a.address, "a passphrase gives another wallet");
    assert!(matches!(r.core.import_account("Bad", b"test test", None, PW), Err(Error::MnemonicWordCount { got: 2 })));
    assert!(matches!(r.core.import_account("Bad", &[0xff, 0xfe], None, PW), Err(Error::InvalidArgument { .. })));
    // The same wallet under a second name is refused (phrase, or its keystore), naming the
    // account it already is; the check runs before the KDF.
    let dup = r.core.import_account("Dev3", junk, None, PW).unwrap_err();
    assert_eq!(dup, Error::WalletAlreadyOnDevice { account: "Dev".into() });
    let same = r.core.export_keystore(AuthProof::Password(PW), 0, b"ks-pass", ExportKdf::Pbkdf2 { rounds: 1000 }).unwrap();
    let dup = r.core.import_keystore("FromFile", &same, b"ks-pass", PW).unwrap_err();
    assert_eq!(dup, Error::WalletAlreadyOnDevice { account: "Dev2".into() });
    // Another key of the same phrase (index 1) is another wallet.
    let second = r.core.addresses(2).unwrap()[1].clone();
    let json = r.core.export_keystore(AuthProof::Password(PW), 1, b"ks-pass", ExportKdf::Pbkdf2 { rounds: 1000 }).unwrap();
    let k = r.core.import_keystore("FromFile", &json, b"ks-pass", PW).unwrap();
    assert_eq!(k.address, second);
    assert!(!k.has_recovery_phrase);
    assert_eq!(r.core.backup_challenge(AuthProof::None).unwrap_err(), Error::NoRecoveryPhrase);
    assert_eq!(r.core.reveal_phrase(AuthProof::Password(PW)).unwrap_err(), Error::NoRecoveryPhrase);
    assert!(matches!(r.core.sign_message(1, b"x"), Err(Error::InvalidArgument { .. })));
    assert_eq!(r.core.import_keystore("Other", &json, b"nope", PW).unwrap_err(), Error::KeystoreWrongPassword);
}

#[test]
fn backup_confirmation_reveal_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let created = r.core.create_account("Eve", PW, 12, Language::Spanish).unwrap();
    let words = phrase_words(created.phrase.expose());
    assert_eq!(r.core.confirm_backup(&[b"a", b"b", b"c"]).unwrap_err(), Error::NoBackupChallenge);
    let pos = r.core.backup_challenge(AuthProof::None).unwrap();
    assert_eq!(pos.len(), 3);
    assert!(pos.iter().all(|p| (1..=12).contains(p)));
    let right: Vec<Vec<u8>> = pos.iter().map(|p| words[*p as usize - 1].to_uppercase().into_bytes()).collect();
    let mut wrong = right.clone();
    wrong[1] = b"nope".to_vec();
    fn refs(v: &[Vec<u8>]) -> Vec<&[u8]> {
        v.iter().map(|w| w.as_slice()).collect()
    }
    assert_eq!(r.core.confirm_backup(&refs(&wrong)).unwrap_err(), Error::BackupMismatch);
    assert_eq!(r.core.confirm_backup(&refs(&right)).unwrap_err(), Error::NoBackupChallenge, "a failed answer discards the challenge");
    let pos = r.core.backup_challenge(AuthProof::None).unwrap();
    let right: Vec<Vec<u8>> = pos.iter().map(|p| words[*p as usize - 1].to_uppercase().into_bytes()).collect();
    r.core.confirm_backup(&refs(&right)).unwrap();
    assert!(r.core.accounts().unwrap()[0].backed_up);

    assert!(matches!(r.core.reveal_phrase(AuthProof::Password(b"not the password")).unwrap_err(), Error::InvalidCredentials { .. }));
    assert_eq!(r.core.reveal_phrase(AuthProof::Password(PW)).unwrap(), created.phrase);
    let json = r.core.export_keystore(AuthProof::Password(PW), 2, b"file-pass", ExportKdf::Pbkdf2 { rounds: 1000 }).unwrap();
    let key = imwallet_core::vault::keystore::import(&json, b"file-pass").unwrap();
    assert_eq!(key.address().to_checksum(), r.core.addresses(3).unwrap()[2]);
    let kinds: Vec<EventKind> = r.core.security_events(20).unwrap().iter().map(|e| e.kind).collect();
    for k in [
        EventKind::AccountCreated,
        EventKind::BackupConfirmed,
        EventKind::PhraseRevealed,
        EventKind::KeystoreExported,
        EventKind::LoginFailed,
    ] {
        assert!(kinds.contains(&k), "{k:?} in {kinds:?}");
    }
}

#[test]
fn change_password_rewraps_only() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Fay", PW, 12, Language::English).unwrap();
    let blob = |d: &std::path::Path| -> Vec<u8> {
        let c = rusqlite::Connection::open(d.join("imwallet.db")).unwrap();
        c.query_row("SELECT vault_blob FROM accounts", [], |r| r.get(0)).unwrap()
    };
    let before = blob(dir.path());
    assert!(matches!(r.core.change_password(b"wrong old password", PW2).unwrap_err(), Error::InvalidCredentials { .. }));
    assert_eq!(r.core.change_password(PW, b"weak").unwrap_err(), Error::PasswordTooShort { min: 8 });
    r.core.change_password(PW, PW2).unwrap();
    assert_eq!(blob(dir.path()), before, "the vault data is not re-encrypted");
    r.core.lock().unwrap();
    assert!(matches!(r.core.unlock(PW).unwrap_err(), Error::InvalidCredentials { .. }));
    r.core.unlock(PW2).unwrap();
    assert!(r.core.security_events(5).unwrap().iter().any(|e| e.kind == EventKind::PasswordChanged));
}

#[test]
fn login_switches_accounts_and_failed_attempts_are_summarised() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Gus", PW, 12, Language::English).unwrap();
    r.core.create_account("Hal", PW2, 12, Language::English).unwrap();
    assert!(matches!(r.core.state(), SessionState::Unlocked { ref account } if account.name == "Hal"));
    assert!(matches!(r.core.login("Gus", PW2, None).unwrap_err(), Error::InvalidCredentials { .. }));
    assert!(matches!(r.core.login("Nobody", PW, None).unwrap_err(), Error::InvalidCredentials { .. }), "unknown name: same error");
    let s = r.core.failed_attempts_summary().unwrap();
    assert_eq!(s.count, 2);
    assert!(matches!(r.core.login("gus", PW, None).unwrap().state, SessionState::Unlocked { ref account } if account.name == "Gus"));
    assert_eq!(r.core.failed_attempts_summary().unwrap().count, 0);
}
