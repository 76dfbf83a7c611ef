//! Shared helpers for the engine tests: a core on a temp dir with the fast KDF profile, a
//! settable clock, a scripted environment and a recording listener.
#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use imwallet_core::auth::hooks::{DeviceIntegrity, DeviceOwnerCheck, EnvironmentProbe, HookError, NetworkKind, SessionListener};
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::clock::ManualClock;
use imwallet_core::events::SecurityEvent;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::SessionState;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::{Config, Hooks, WalletCore};

pub const PW: &[u8] = b"correct horse battery staple 42";
pub const PW2: &[u8] = b"another fine passphrase, 2026!";

pub struct Env {
    pub network: Mutex<NetworkKind>,
    pub integrity: Mutex<DeviceIntegrity>,
    pub fail: Mutex<bool>,
}

impl EnvironmentProbe for Env {
    fn network(&self) -> Result<NetworkKind, HookError> {
        if *self.fail.lock().unwrap() {
            return Err(HookError { message: "probe crashed".into() });
        }
        Ok(*self.network.lock().unwrap())
    }
    fn device_integrity(&self) -> Result<DeviceIntegrity, HookError> {
        Ok(*self.integrity.lock().unwrap())
    }
}

#[derive(Default)]
pub struct Recorder {
    pub states: Mutex<Vec<SessionState>>,
    pub events: Mutex<Vec<SecurityEvent>>,
}

impl SessionListener for Recorder {
    fn on_state_changed(&self, state: SessionState) -> Result<(), HookError> {
        self.states.lock().unwrap().push(state);
        Ok(())
    }
    fn on_security_event(&self, event: SecurityEvent) -> Result<(), HookError> {
        self.events.lock().unwrap().push(event);
        Ok(())
    }
}

/// A scripted device-owner check: answers `answer`, records each reason it was asked with.
pub struct Owner {
    pub secure: Mutex<bool>,
    pub answer: Mutex<Result<bool, HookError>>,
    pub asked: Mutex<Vec<String>>,
}

impl Default for Owner {
    fn default() -> Self {
        Owner { secure: Mutex::new(true), answer: Mutex::new(Ok(true)), asked: Mutex::new(Vec::new()) }
    }
}

impl DeviceOwnerCheck for Owner {
    fn can_confirm_device_owner(&self) -> Result<bool, HookError> {
        Ok(*self.secure.lock().unwrap())
    }
    fn confirm_device_owner(&self, reason: &str) -> Result<bool, HookError> {
        self.asked.lock().unwrap().push(reason.to_string());
        self.answer.lock().unwrap().clone()
    }
}

pub struct Rig {
    pub core: WalletCore,
    pub clock: Arc<ManualClock>,
    pub env: Arc<Env>,
    pub rec: Arc<Recorder>,
    pub ks: Arc<MemoryKeyStore>,
    pub owner: Arc<Owner>,
}

pub fn open_with(dir: &Path, clock: Arc<ManualClock>, profile: KdfProfile) -> Rig {
    open_full(dir, clock, profile, Arc::new(MemoryKeyStore::new()))
}

/// [`open_with`] with a given key store (one that outlives a reopen).
pub fn open_full(dir: &Path, clock: Arc<ManualClock>, profile: KdfProfile, ks: Arc<MemoryKeyStore>) -> Rig {
    let env = Arc::new(Env {
        network: Mutex::new(NetworkKind::Unknown),
        integrity: Mutex::new(DeviceIntegrity::Unknown),
        fail: Mutex::new(false),
    });
    let rec = Arc::new(Recorder::default());
    let config = Config { data_dir: dir.to_path_buf(), kdf_profile: profile, default_auto_lock: AutoLock::Never };
    let owner = Arc::new(Owner::default());
    // `..Hooks::default()` keeps the rig compiling when another hook field is added.
    #[allow(clippy::needless_update)]
    let hooks = Hooks {
        environment: env.clone(),
        listener: Some(rec.clone()),
        clock: clock.clone(),
        boot_clock: clock.clone(),
        key_store: ks.clone(),
        device_owner: Some(owner.clone()),
        ..Hooks::default()
    };
    let core = WalletCore::open(config, hooks).unwrap();
    Rig { core, clock, env, rec, ks, owner }
}

pub fn open(dir: &Path) -> Rig {
    open_with(dir, Arc::new(ManualClock::new(1_800_000_000)), KdfProfile::InsecureFastForTests)
}

pub fn phrase_words(phrase: &[u8]) -> Vec<String> {
    String::from_utf8(phrase.to_vec()).unwrap().split_whitespace().map(str::to_string).collect()
}

/// The password proofs for erasing `names` (all of them not backed up).
pub fn erase_with_passwords(names: &[(&str, &[u8])]) -> imwallet_core::engine::EraseProofs {
    imwallet_core::engine::EraseProofs {
        passwords: names.iter().map(|(n, p)| (n.to_string(), imwallet_core::vault::SecretBytes::new(p.to_vec()))).collect(),
        use_device_owner: false,
    }
}

/// Erase authorized by the device owner (the rig's `Owner` confirms by default).
pub fn by_owner() -> imwallet_core::engine::EraseProofs {
    imwallet_core::engine::EraseProofs { use_device_owner: true, ..Default::default() }
}

/// How often `needle` occurs in the files under `dir` (main database, WAL, everything).
pub fn occurrences(dir: &Path, needle: &[u8]) -> usize {
    let mut n = 0;
    for e in walk(dir) {
        let bytes = std::fs::read(&e).unwrap_or_default();
        n += bytes.windows(needle.len()).filter(|w| *w == needle).count();
    }
    n
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
