//! The rig of the device-key and hardware-key attack suites (`attack_device_keys.rs`,
//! `attack_hardware_key.rs`): a core on a given device store, latches between threads, raw
//! database access, and scripted device and security-key stores.
#![allow(dead_code, unused_imports)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};
use std::time::Duration;

use super::*;
use imwallet_core::auth::device_keys::{DeviceKeyError, DeviceKeyStore, MemoryDeviceKeys, DEVICE_ALIAS_PREFIX};
use imwallet_core::auth::gates::{AuthProof, Gate, GatePolicy, GatedAction};
use imwallet_core::auth::hardware_key::{HardwareKey, HardwareKeyError, MemoryHardwareKey};
use imwallet_core::auth::hooks::HookError;
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::cache::{CacheKind, CacheScope};
use imwallet_core::clock::{BootClock, ManualClock};
use imwallet_core::engine::{EraseProofs, ERASE_PHRASE};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::session::SessionState;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::vault::keystore::ExportKdf;
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Error, Hooks, WalletCore};

pub const ACC: &str = "imwallet.dev.a.";
pub const DEV: &str = "imwallet.dev.d.";

/// A one-shot gate between threads (times out after 20 s so a broken race never hangs).
#[derive(Default)]
pub struct Latch {
    pub open: Mutex<bool>,
    pub cv: Condvar,
}

impl Latch {
    pub fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.cv.notify_all();
    }
    pub fn wait(&self) -> bool {
        let g = self.open.lock().unwrap();
        let (g, _) = self.cv.wait_timeout_while(g, Duration::from_secs(20), |o| !*o).unwrap();
        *g
    }
}

pub fn thread_is(name: &str) -> bool {
    std::thread::current().name() == Some(name)
}

/// A core on `dir` with the given device key store and (optional) security key / boot clock.
pub fn core_on(
    dir: &Path,
    device: Arc<dyn DeviceKeyStore>,
    hk: Option<Arc<dyn HardwareKey>>,
    boot: Option<Arc<dyn BootClock>>,
) -> imwallet_core::Result<WalletCore> {
    core_with(dir, Some(device), hk, boot, None)
}

pub fn core_with(
    dir: &Path,
    device: Option<Arc<dyn DeviceKeyStore>>,
    hk: Option<Arc<dyn HardwareKey>>,
    boot: Option<Arc<dyn BootClock>>,
    listener: Option<Arc<Recorder>>,
) -> imwallet_core::Result<WalletCore> {
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    let hooks = Hooks {
        clock: clock.clone(),
        boot_clock: boot.unwrap_or(clock),
        key_store: Arc::new(MemoryKeyStore::new()),
        device_owner: Some(Arc::new(Owner::default())),
        device_keys: device,
        hardware_key: hk,
        listener: listener.map(|l| l as Arc<dyn imwallet_core::auth::hooks::SessionListener>),
        ..Hooks::default()
    };
    WalletCore::open(config, hooks)
}

pub fn db(dir: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(dir.join("imwallet.db")).unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c
}

pub fn all_bytes(dir: &Path) -> Vec<u8> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out)
            } else {
                out.push(p)
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.iter().flat_map(|f| std::fs::read(f).unwrap_or_default()).collect()
}

pub fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// A device key store that records every secret handed to `wrap` (the scope secrets).
#[derive(Default)]
pub struct RecordingDevice {
    pub inner: MemoryDeviceKeys,
    pub secrets: Mutex<Vec<Vec<u8>>>,
}

impl DeviceKeyStore for RecordingDevice {
    fn create_key(&self, alias: &str) -> Result<(), DeviceKeyError> {
        self.inner.create_key(alias)
    }
    fn wrap(&self, alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, DeviceKeyError> {
        self.secrets.lock().unwrap().push(plaintext.to_vec());
        self.inner.wrap(alias, plaintext)
    }
    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> Result<SecretBytes, DeviceKeyError> {
        self.inner.unwrap(alias, wrapped)
    }
    fn delete_key(&self, alias: &str) -> Result<(), DeviceKeyError> {
        self.inner.delete_key(alias)
    }
    fn list(&self) -> Result<Vec<String>, DeviceKeyError> {
        self.inner.list()
    }
}

/// A security key that can be taken away, and records every PRF output it gave.
#[derive(Default)]
pub struct ToggleKey {
    pub inner: MemoryHardwareKey,
    pub absent: AtomicBool,
    pub outputs: Mutex<Vec<Vec<u8>>>,
}

impl HardwareKey for ToggleKey {
    fn enroll(&self, account_id: &str, account_name: &str) -> Result<(), HardwareKeyError> {
        self.inner.enroll(account_id, account_name)
    }
    fn prf(&self, account_id: &str, salt: &[u8]) -> Result<SecretBytes, HardwareKeyError> {
        if self.absent.load(Ordering::SeqCst) {
            return Err(HardwareKeyError::NotPresent);
        }
        let out = self.inner.prf(account_id, salt)?;
        self.outputs.lock().unwrap().push(out.expose().to_vec());
        Ok(out)
    }
}

pub fn alias_of(dir: &Path, scope: &str) -> String {
    db(dir).query_row("SELECT alias FROM device_wraps WHERE scope = ?1", [scope], |r| r.get(0)).unwrap()
}
