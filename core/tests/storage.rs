//! Storage edge cases: newer schema, damaged file, tampered KDF parameters, fast profile
//! refused by production, tampered vault.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use std::sync::Arc;

use common::*;
use imwallet_core::auth::keystore::SecureKeyStore;
use imwallet_core::clock::ManualClock;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Error, Hooks, WalletCore};

fn db(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("imwallet.db")).unwrap()
}

#[test]
fn newer_schema_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path()));
    db(dir.path()).pragma_update(None, "user_version", 99).unwrap();
    let err = WalletCore::open(Config::new(dir.path()), Hooks::default()).err().unwrap();
    assert!(matches!(err, Error::SchemaTooNew { found: 99, .. }), "{err:?}");
}

#[test]
fn damaged_database_file_is_a_typed_error_and_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("imwallet.db"), vec![0x42u8; 8192]).unwrap();
    let err = WalletCore::open(Config::new(dir.path()), Hooks::default()).err().unwrap();
    assert!(matches!(err, Error::DatabaseCorrupt { .. }), "{err:?}");
    assert_eq!(std::fs::read(dir.path().join("imwallet.db")).unwrap(), vec![0x42u8; 8192]);
}

#[test]
fn tampered_kdf_parameters_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Ola", PW, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    db(dir.path()).execute("UPDATE accounts SET kdf_m_kib = 8", []).unwrap();
    assert_eq!(r.core.unlock(PW).unwrap_err(), Error::KdfParamsTooWeak);
    db(dir.path()).execute("UPDATE accounts SET kdf_m_kib = 256, kdf_t = 100", []).unwrap();
    assert_eq!(r.core.unlock(PW).unwrap_err(), Error::VaultCorrupted, "absurd cost refused, not run");
}

#[test]
fn production_profile_refuses_fast_test_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    drop(
        open_with(dir.path(), clock.clone(), KdfProfile::InsecureFastForTests)
            .core
            .create_account("Pat", PW, 12, Language::English)
            .unwrap(),
    );
    let prod = open_with(dir.path(), clock, KdfProfile::Production);
    assert_eq!(prod.core.unlock(PW).unwrap_err(), Error::KdfParamsTooWeak);
    assert_eq!(prod.core.login("Pat", PW, None).unwrap_err(), Error::KdfParamsTooWeak);
}

#[test]
fn production_profile_works_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    let r = open_with(dir.path(), clock, KdfProfile::Production);
    r.core.create_account("Quinn", PW, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    r.core.unlock(PW).unwrap();
    let m: u32 = db(dir.path()).query_row("SELECT kdf_m_kib FROM accounts", [], |r| r.get(0)).unwrap();
    assert_eq!(m, 65536);
}

#[test]
fn a_vault_blob_moved_to_another_account_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Ray", PW, 12, Language::English).unwrap();
    r.core.create_account("Sam", PW, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    let id = |name: &str| r.core.accounts().unwrap().into_iter().find(|a| a.name == name).unwrap().id;
    let (ray, sam) = (id("Ray"), id("Sam"));
    let c = db(dir.path());
    // The vault alone, then the vault with the (device-sealed) password wrap.
    let v: Vec<u8> = c.query_row("SELECT vault_blob FROM accounts WHERE id = ?1", [&ray], |r| r.get(0)).unwrap();
    c.execute("UPDATE accounts SET vault_blob = ?1 WHERE id = ?2", rusqlite::params![v, sam]).unwrap();
    assert!(r.core.unlock(PW).is_err(), "AAD binds the vault to its account");
    assert!(!r.core.state().is_unlocked());
    let w: Vec<u8> = c.query_row("SELECT password_wrap FROM accounts WHERE id = ?1", [&ray], |r| r.get(0)).unwrap();
    c.execute("UPDATE accounts SET password_wrap = ?1 WHERE id = ?2", rusqlite::params![w, sam]).unwrap();
    assert!(r.core.unlock(PW).is_err(), "AAD binds the password wrap to its account");
    assert!(!r.core.state().is_unlocked());
}

/// A journal entry in the first release's format (untyped JSON, no version) still recovers:
/// its platform key is deleted, its cache files cleared and the entry closed on the next open.
#[test]
fn a_journal_entry_of_the_previous_format_still_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Old", PW, 12, Language::English).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    let id = r.core.state().account().unwrap().id.clone();
    let alias = r.ks.list().unwrap().into_iter().find(|a| a.starts_with(&format!("imwallet.bio.{id}."))).unwrap();
    assert!(r.ks.contains(&alias));
    let ks = r.ks.clone();
    drop(r);
    let payload = format!(r#"{{"biometric_alias":"{alias}","clear_files_account":"{id}","clear_files_global":false,"scrub":true}}"#);
    db(dir.path())
        .execute("INSERT INTO journal (op, account_id, payload, created_at) VALUES ('logout', ?1, ?2, 0)", [&id, &payload])
        .unwrap();
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: imwallet_core::session::autolock::AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    let hooks = Hooks {
        key_store: ks.clone(),
        clock: Arc::new(ManualClock::new(1_800_000_000)),
        device_keys: Some(device_for(dir.path())),
        ..Hooks::default()
    };
    let core = WalletCore::open(config, hooks).unwrap();
    assert!(!ks.contains(&alias), "the platform key named by the old entry was deleted");
    drop(core);
    let left: i64 = db(dir.path()).query_row("SELECT COUNT(*) FROM journal", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0, "the old entry was completed and closed");
}
