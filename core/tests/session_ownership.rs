//! Session ownership through the public API only: a spent logout token is refused after the
//! user logged back in, a data directory has one owner (this process or another), and hooks
//! that call back into the core from their callbacks never deadlock it.

mod common;

use std::sync::{mpsc, Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use common::*;
use imwallet_core::auth::hooks::{HookError, SessionListener};
use imwallet_core::auth::keystore::{BiometricPrompt, KeyStoreError, MemoryKeyStore, SecureKeyStore};
use imwallet_core::clock::ManualClock;
use imwallet_core::events::SecurityEvent;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::session::SessionState;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Error, Hooks, WalletCore};

#[test]
fn a_spent_logout_token_is_refused_after_logging_back_in() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Ann", PW, 12, Language::English).unwrap();
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    let report = r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    // Nothing changed yet: the same token answers with the same report.
    assert_eq!(r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap(), report);
    r.core.login("Ann", PW, None).unwrap();
    assert_eq!(r.core.logout(&plan.token, &LogoutConfirmation::default()), Err(Error::LogoutTokenInvalid));
    assert!(r.core.state().is_unlocked(), "the new session is untouched");
}

#[test]
fn a_token_belongs_to_the_session_that_issued_it() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Bea", PW, 12, Language::English).unwrap();
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    r.core.lock().unwrap();
    assert_eq!(r.core.logout(&plan.token, &LogoutConfirmation::default()), Err(Error::LogoutTokenInvalid));
    // Logging out from the lock screen: a plan prepared while locked works.
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert_eq!(r.core.state(), SessionState::LoggedOut);
}

#[test]
fn a_second_open_in_this_process_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let err = WalletCore::open(Config::new(dir.path()), Hooks::default()).err();
    assert_eq!(err, Some(Error::DataDirectoryInUse { holder_pid: Some(std::process::id()) }));
    drop(r);
    assert!(open_on_device(dir.path(), device_for(dir.path())).is_ok(), "free again once closed");
    // Bound to this device's keys: a core without a device key store cannot read it.
    assert!(matches!(WalletCore::open(Config::new(dir.path()), Hooks::default()).err(), Some(Error::DeviceKeyUnavailable { .. })));
}

/// Child mode: hold the directory open until stdin closes.
#[test]
fn child_holds_directory() {
    let Ok(dir) = std::env::var("IMW_HOLD_DIR") else { return };
    let _core = WalletCore::open(Config::new(&dir), Hooks::default()).unwrap();
    println!("IMW-READY");
    let mut s = String::new();
    let _ = std::io::stdin().read_line(&mut s);
}

#[test]
fn a_second_open_from_another_process_is_refused() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_holds_directory", "--nocapture", "--test-threads=1"])
        .env("IMW_HOLD_DIR", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("IMW-READY") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "child exited early");
    }
    let err = WalletCore::open(Config::new(dir.path()), Hooks::default()).err();
    assert_eq!(err, Some(Error::DataDirectoryInUse { holder_pid: Some(child.id()) }));
    drop(child.stdin.take());
    child.wait().unwrap();
    assert!(WalletCore::open(Config::new(dir.path()), Hooks::default()).is_ok(), "released when the owner exits");
}

/// A listener that calls back into the core from every callback.
#[derive(Default)]
struct ReentrantListener {
    core: OnceLock<Weak<WalletCore>>,
    calls: Mutex<u32>,
}

impl ReentrantListener {
    fn poke(&self) {
        if let Some(c) = self.core.get().and_then(Weak::upgrade) {
            let _ = c.state();
            let _ = c.accounts();
            let _ = c.security_events(3);
            let _ = c.cache_usage();
            *self.calls.lock().unwrap() += 1;
        }
    }
}

impl SessionListener for ReentrantListener {
    fn on_state_changed(&self, _: SessionState) -> Result<(), HookError> {
        self.poke();
        Ok(())
    }
    fn on_security_event(&self, _: SecurityEvent) -> Result<(), HookError> {
        self.poke();
        Ok(())
    }
}

/// A key store that calls back into the core from every call.
struct ReentrantKeyStore {
    inner: MemoryKeyStore,
    core: OnceLock<Weak<WalletCore>>,
}

impl ReentrantKeyStore {
    fn poke(&self) {
        if let Some(c) = self.core.get().and_then(Weak::upgrade) {
            let _ = c.state();
            let _ = c.accounts();
            let _ = c.security_events(1);
        }
    }
}

impl SecureKeyStore for ReentrantKeyStore {
    fn store(&self, alias: &str, secret: &[u8]) -> Result<(), KeyStoreError> {
        self.poke();
        self.inner.store(alias, secret)
    }
    fn load(&self, alias: &str, prompt: &BiometricPrompt) -> Result<SecretBytes, KeyStoreError> {
        self.poke();
        self.inner.load(alias, prompt)
    }
    fn delete(&self, alias: &str) -> Result<(), KeyStoreError> {
        self.poke();
        self.inner.delete(alias)
    }
    fn list(&self) -> Result<Vec<String>, KeyStoreError> {
        self.inner.list()
    }
    fn delete_all(&self) -> Result<(), KeyStoreError> {
        self.poke();
        self.inner.delete_all()
    }
}

/// A device-owner check that calls back into the core (it must be called with no core lock held).
#[derive(Default)]
struct ReentrantOwner {
    core: OnceLock<Weak<WalletCore>>,
    calls: Mutex<u32>,
}

impl ReentrantOwner {
    fn poke(&self) {
        if let Some(c) = self.core.get().and_then(Weak::upgrade) {
            let _ = c.state();
            let _ = c.accounts();
            let _ = c.security_events(1);
            *self.calls.lock().unwrap() += 1;
        }
    }
}

impl imwallet_core::auth::hooks::DeviceOwnerCheck for ReentrantOwner {
    fn can_confirm_device_owner(&self) -> Result<bool, HookError> {
        self.poke();
        Ok(true)
    }
    fn confirm_device_owner(&self, _reason: &str) -> Result<bool, HookError> {
        self.poke();
        Ok(true)
    }
}

/// Runs `f` on a thread and fails the test if it does not finish in time (a deadlock).
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs)).expect("deadlock: the core did not return while a hook called back into it")
}

#[test]
fn hooks_that_call_back_into_the_core_never_deadlock() {
    let dir = tempfile::tempdir().unwrap();
    let listener = Arc::new(ReentrantListener::default());
    let ks = Arc::new(ReentrantKeyStore { inner: MemoryKeyStore::new(), core: OnceLock::new() });
    let owner = Arc::new(ReentrantOwner::default());
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    let hooks = Hooks {
        listener: Some(listener.clone()),
        key_store: ks.clone(),
        clock: Arc::new(ManualClock::new(1_800_000_000)),
        device_owner: Some(owner.clone()),
        device_keys: Some(device_for(dir.path())),
        ..Hooks::default()
    };
    let core = Arc::new(WalletCore::open(config, hooks).unwrap());
    let _ = listener.core.set(Arc::downgrade(&core));
    let _ = ks.core.set(Arc::downgrade(&core));
    let _ = owner.core.set(Arc::downgrade(&core));
    let c = core.clone();
    within(60, move || {
        c.create_account("Cy", PW, 12, Language::English).unwrap();
        c.enable_biometric_unlock(PW).unwrap();
        c.lock().unwrap();
        c.unlock_with_biometrics().unwrap();
        let plan = c.prepare_logout(LogoutOptions::default()).unwrap();
        c.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
        c.login("Cy", PW, None).unwrap();
        c.enable_biometric_unlock(PW).unwrap();
        c.disable_biometric_unlock().unwrap();
        c.enable_biometric_unlock(PW).unwrap();
        let opts = LogoutOptions { remove_wallet: true, ..LogoutOptions::default() };
        let plan = c.prepare_logout(opts).unwrap();
        let confirm =
            LogoutConfirmation { typed_account_name: Some("Cy".into()), password: Some(SecretBytes::from_slice(PW)), ..Default::default() };
        c.logout(&plan.token, &confirm).unwrap();
        c.create_account("Dee", PW, 12, Language::English).unwrap();
        assert!(c.prepare_erase().unwrap().device_owner_check_available);
        let proofs = imwallet_core::engine::EraseProofs { use_device_owner: true, ..Default::default() };
        c.erase_all_data(imwallet_core::engine::ERASE_PHRASE, &proofs).unwrap();
    });
    assert_eq!(
        *owner.calls.lock().unwrap(),
        3,
        "the device-owner hook (availability twice, confirmation once) was asked with no core lock held"
    );
    assert!(*listener.calls.lock().unwrap() > 10);
    assert_eq!(core.state(), SessionState::NoAccount);
}
