//! The keyring-backed desktop store, for real: Linux kernel keyutils (run under
//! `keyctl session -` so each run gets a fresh session keyring). Also drives biometric unlock
//! through it end to end.
#![cfg(feature = "desktop-keyring")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::PW;
use imwallet_core::auth::desktop_keyring::KeyringStore;
use imwallet_core::auth::keystore::{BiometricPrompt, KeyStoreError, SecureKeyStore};
use imwallet_core::clock::ManualClock;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Error, Hooks, WalletCore};

fn store(ns: &str, allow: Arc<AtomicBool>) -> KeyringStore {
    KeyringStore::linux_keyutils(ns, Box::new(move |_| if allow.load(Ordering::SeqCst) { Ok(()) } else { Err(KeyStoreError::Cancelled) }))
        .unwrap()
}

fn prompt() -> BiometricPrompt {
    BiometricPrompt { title: "t".into(), reason: "r".into() }
}

#[test]
fn store_load_list_delete_in_the_kernel_keyring() {
    let ns = format!("imwallet-test-{}", std::process::id());
    let allow = Arc::new(AtomicBool::new(true));
    let s = store(&ns, allow.clone());
    s.store("imwallet.bio.a", &[1u8; 32]).unwrap();
    s.store("imwallet.bio.b", &[2u8; 32]).unwrap();
    assert_eq!(s.list().unwrap(), ["imwallet.bio.a", "imwallet.bio.b"]);
    assert_eq!(s.load("imwallet.bio.a", &prompt()).unwrap().expose(), &[1u8; 32]);
    // A second handle (another process would be the same) sees the same entries.
    assert_eq!(store(&ns, allow.clone()).load("imwallet.bio.b", &prompt()).unwrap().expose(), &[2u8; 32]);
    allow.store(false, Ordering::SeqCst);
    assert_eq!(s.load("imwallet.bio.a", &prompt()).unwrap_err(), KeyStoreError::Cancelled);
    allow.store(true, Ordering::SeqCst);
    s.delete("imwallet.bio.a").unwrap();
    s.delete("imwallet.bio.a").unwrap();
    assert_eq!(s.load("imwallet.bio.a", &prompt()).unwrap_err(), KeyStoreError::NotFound);
    assert_eq!(s.list().unwrap(), ["imwallet.bio.b"]);
    s.delete_all().unwrap();
    assert!(s.list().unwrap().is_empty());
    assert_eq!(s.load("imwallet.bio.b", &prompt()).unwrap_err(), KeyStoreError::NotFound);
}

#[test]
fn biometric_unlock_through_the_keyring() {
    let ns = format!("imwallet-core-{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let allow = Arc::new(AtomicBool::new(true));
    let ks = Arc::new(store(&ns, allow.clone()));
    let config = Config {
        data_dir: dir.path().into(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    let hooks = Hooks { key_store: ks.clone(), clock: Arc::new(ManualClock::new(1_800_000_000)), ..Hooks::default() };
    let core = WalletCore::open(config, hooks).unwrap();
    core.create_account("Kay", PW, 12, Language::English).unwrap();
    core.enable_biometric_unlock(PW).unwrap();
    assert_eq!(ks.list().unwrap().len(), 1);
    core.lock().unwrap();
    allow.store(false, Ordering::SeqCst);
    assert_eq!(core.unlock_with_biometrics().unwrap_err(), Error::BiometricCancelled);
    allow.store(true, Ordering::SeqCst);
    assert!(core.unlock_with_biometrics().unwrap().is_unlocked());
    core.disable_biometric_unlock().unwrap();
    assert!(ks.list().unwrap().is_empty());
}
