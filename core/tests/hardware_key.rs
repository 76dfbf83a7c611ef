//! Issue 17, item 6 — the hardware-key factor: the vault key's password wrap needs the password
//! **and** the security key's PRF output; a wrong key is a wrong password (same error, counted).

mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use imwallet_core::auth::hardware_key::{HardwareKey, HardwareKeyError, MemoryHardwareKey};
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::clock::ManualClock;
use imwallet_core::events::EventKind;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Error, Hooks, WalletCore};

fn open_hw(dir: &Path, hk: Option<Arc<dyn HardwareKey>>) -> WalletCore {
    open_hw_with(dir, hk, KdfProfile::InsecureFastForTests)
}

fn open_hw_with(dir: &Path, hk: Option<Arc<dyn HardwareKey>>, kdf_profile: KdfProfile) -> WalletCore {
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile,
        default_auto_lock: AutoLock::Never,
        safety: Default::default(),
        unlock_needs_second_factor: false,
    };
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    let hooks = Hooks {
        clock: clock.clone(),
        boot_clock: clock,
        key_store: Arc::new(MemoryKeyStore::new()),
        device_keys: Some(device_for(dir)),
        hardware_key: hk,
        ..Hooks::default()
    };
    WalletCore::open(config, hooks).unwrap()
}

fn with_factor(dir: &Path) -> (WalletCore, Arc<MemoryHardwareKey>, String) {
    let hk = Arc::new(MemoryHardwareKey::new());
    let core = open_hw(dir, Some(hk.clone()));
    let id = core.create_account("Hana", PW, 12, Language::English).unwrap().account.id;
    core.enable_hardware_key(PW).unwrap();
    assert!(core.accounts().unwrap()[0].hardware_key_enabled);
    core.lock().unwrap();
    (core, hk, id)
}

#[test]
fn password_and_key_together_and_neither_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (core, hk, _) = with_factor(dir.path());
    // Both: opens.
    core.unlock(PW).unwrap();
    core.lock().unwrap();
    // The right password, the key not presented: no unlock.
    hk.script_next(HardwareKeyError::Cancelled);
    assert_eq!(core.unlock(PW).unwrap_err(), Error::HardwareKeyCancelled);
    hk.script_next(HardwareKeyError::NotPresent);
    assert!(matches!(core.unlock(PW).unwrap_err(), Error::HardwareKeyUnavailable { .. }));
    assert!(!core.state().is_unlocked());
    // The key asked for on a wrong password too: the prompt says nothing about the password.
    let before = hk.prompts.load(std::sync::atomic::Ordering::SeqCst);
    assert!(matches!(core.unlock(PW2).unwrap_err(), Error::InvalidCredentials { .. }));
    assert_eq!(hk.prompts.load(std::sync::atomic::Ordering::SeqCst), before + 1);
    drop(core);
    // An app without the hook cannot open it with the password alone.
    let core = open_hw(dir.path(), None);
    assert!(matches!(core.login("Hana", PW, None).unwrap_err(), Error::HardwareKeyUnavailable { .. }));
    assert!(!core.state().is_unlocked());
}

#[test]
fn a_wrong_key_is_a_wrong_password_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (core, hk, id) = with_factor(dir.path());
    let wrong_password = core.unlock(PW2).unwrap_err();
    hk.swap_key(&id); // another security key is tapped
    let wrong_key = core.unlock(PW).unwrap_err();
    match (&wrong_password, &wrong_key) {
        (Error::InvalidCredentials { attempts_left: a, .. }, Error::InvalidCredentials { attempts_left: b, .. }) => {
            assert_eq!(*b, a - 1, "the wrong key was counted as a failed attempt")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(wrong_password.to_string().replace(char::is_numeric, ""), wrong_key.to_string().replace(char::is_numeric, ""));
    assert!(core.security_events(20).unwrap().iter().filter(|e| e.kind == EventKind::LoginFailed).count() >= 2);
}

#[test]
fn turning_it_on_and_off_needs_the_proofs_and_keeps_the_password_working() {
    let dir = tempfile::tempdir().unwrap();
    let hk = Arc::new(MemoryHardwareKey::new());
    let core = open_hw(dir.path(), Some(hk.clone()));
    core.create_account("Ivo", PW, 12, Language::English).unwrap();
    // A wrong password turns nothing on.
    assert!(matches!(core.enable_hardware_key(PW2).unwrap_err(), Error::InvalidCredentials { .. }));
    assert!(!core.accounts().unwrap()[0].hardware_key_enabled);
    // Enrollment cancelled: nothing on.
    hk.script_next(HardwareKeyError::Cancelled);
    assert_eq!(core.enable_hardware_key(PW).unwrap_err(), Error::HardwareKeyCancelled);
    assert!(!core.accounts().unwrap()[0].hardware_key_enabled);
    core.enable_hardware_key(PW).unwrap();
    assert!(matches!(core.enable_hardware_key(PW).unwrap_err(), Error::InvalidArgument { .. }), "already on");
    // A password change keeps the factor.
    core.change_password(PW, PW2).unwrap();
    core.lock().unwrap();
    hk.script_next(HardwareKeyError::Cancelled);
    assert_eq!(core.unlock(PW2).unwrap_err(), Error::HardwareKeyCancelled);
    core.unlock(PW2).unwrap();
    // Off needs the key too.
    hk.script_next(HardwareKeyError::Cancelled);
    assert_eq!(core.disable_hardware_key(PW2).unwrap_err(), Error::HardwareKeyCancelled);
    assert!(core.accounts().unwrap()[0].hardware_key_enabled);
    core.disable_hardware_key(PW2).unwrap();
    assert!(!core.accounts().unwrap()[0].hardware_key_enabled);
    drop(core);
    // The password alone now, with no hook at all.
    let core = open_hw(dir.path(), None);
    core.login("Ivo", PW2, None).unwrap();
}

/// A security key whose PRF is not a function of the salt would lock the wallet for good: it
/// is refused at enrollment.
#[test]
fn a_key_that_does_not_answer_the_same_twice_is_refused() {
    struct Flaky;
    impl HardwareKey for Flaky {
        fn enroll(&self, _: &str, _: &str) -> Result<(), HardwareKeyError> {
            Ok(())
        }
        fn prf(&self, _: &str, _: &[u8]) -> Result<SecretBytes, HardwareKeyError> {
            imwallet_core::vault::random_bytes(32).map_err(|e| HardwareKeyError::Other { message: e.to_string() })
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let core = open_hw(dir.path(), Some(Arc::new(Flaky)));
    core.create_account("Jo", PW, 12, Language::English).unwrap();
    assert!(matches!(core.enable_hardware_key(PW).unwrap_err(), Error::HookFailed { .. }));
    assert!(!core.accounts().unwrap()[0].hardware_key_enabled);
    core.lock().unwrap();
    core.unlock(PW).unwrap();
}

/// The KDF parameter upgrade after a login re-wraps under the same factor (a wrap without it
/// would lock the user out at the next login).
#[test]
fn the_kdf_upgrade_keeps_the_factor() {
    let dir = tempfile::tempdir().unwrap();
    let hk = Arc::new(MemoryHardwareKey::new());
    {
        let core = open_hw_with(dir.path(), Some(hk.clone()), KdfProfile::InsecureFastForTestsPreviousDefault);
        core.create_account("Kai", PW, 12, Language::English).unwrap();
        core.enable_hardware_key(PW).unwrap();
    }
    let core = open_hw(dir.path(), Some(hk.clone()));
    core.unlock(PW).unwrap(); // upgrades the parameters
    core.lock().unwrap();
    hk.script_next(HardwareKeyError::Cancelled);
    assert_eq!(core.unlock(PW).unwrap_err(), Error::HardwareKeyCancelled, "still needs the key");
    core.unlock(PW).unwrap();
}
