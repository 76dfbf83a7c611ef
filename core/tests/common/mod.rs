//! Shared helpers for the engine tests: a core on a temp dir with the fast KDF profile, a
//! settable clock, a scripted environment and a recording listener.
#![allow(dead_code)]

pub mod dapp_rig;
pub mod device_rig;
pub mod factor_rig;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use imwallet_core::auth::device_keys::{DeviceKeyStore, FileDeviceKeys, MemoryDeviceKeys};
use imwallet_core::auth::hooks::{DeviceOwnerCheck, EnvironmentProbe, HookError, NetworkKind, SessionListener};
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::clock::ManualClock;
use imwallet_core::events::SecurityEvent;
use imwallet_core::safety::SafetyPolicy;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::SessionState;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::{Config, Hooks, WalletCore};

pub const PW: &[u8] = b"correct horse battery staple 42";
pub const PW2: &[u8] = b"another fine passphrase, 2026!";

/// A scripted environment probe. The rigs start it *known and safe* (secured Wi-Fi, a screen
/// lock, not rooted, no debugger, no emulator) so the environment policy stays silent in tests
/// about other things; `fail` makes every question throw.
pub struct Env {
    pub network: Mutex<NetworkKind>,
    pub screen_lock: Mutex<Option<bool>>,
    pub rooted: Mutex<Option<bool>>,
    pub debugger: Mutex<Option<bool>>,
    pub emulator: Mutex<Option<bool>>,
    pub fail: Mutex<bool>,
}

impl Env {
    pub fn safe() -> Env {
        Env {
            network: Mutex::new(NetworkKind::PrivateWifi),
            screen_lock: Mutex::new(Some(true)),
            rooted: Mutex::new(Some(false)),
            debugger: Mutex::new(Some(false)),
            emulator: Mutex::new(Some(false)),
            fail: Mutex::new(false),
        }
    }

    /// Every answer "cannot tell" (what `UnknownEnvironment` says).
    pub fn set_unknown(&self) {
        *self.network.lock().unwrap() = NetworkKind::Unknown;
        for v in [&self.screen_lock, &self.rooted, &self.debugger, &self.emulator] {
            *v.lock().unwrap() = None;
        }
    }

    fn answer<T: Copy>(&self, v: &Mutex<T>) -> Result<T, HookError> {
        if *self.fail.lock().unwrap() {
            return Err(HookError { message: "probe crashed".into() });
        }
        Ok(*v.lock().unwrap())
    }
}

impl EnvironmentProbe for Env {
    fn network(&self) -> Result<NetworkKind, HookError> {
        self.answer(&self.network)
    }
    fn screen_lock_set(&self) -> Result<Option<bool>, HookError> {
        self.answer(&self.screen_lock)
    }
    fn rooted(&self) -> Result<Option<bool>, HookError> {
        self.answer(&self.rooted)
    }
    fn debugger_attached(&self) -> Result<Option<bool>, HookError> {
        self.answer(&self.debugger)
    }
    fn emulator(&self) -> Result<Option<bool>, HookError> {
        self.answer(&self.emulator)
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

/// The phone a data directory lives on: one in-memory device key store per directory, kept for
/// the whole test process, so a reopen is the same device. A test that moves a directory to a
/// "new phone" passes a fresh [`MemoryDeviceKeys`] to [`open_on_device`].
pub fn device_for(dir: &Path) -> Arc<MemoryDeviceKeys> {
    static DEVICES: OnceLock<Mutex<HashMap<PathBuf, Arc<MemoryDeviceKeys>>>> = OnceLock::new();
    let map = DEVICES.get_or_init(Default::default);
    map.lock().unwrap().entry(dir.to_path_buf()).or_insert_with(|| Arc::new(MemoryDeviceKeys::new())).clone()
}

pub struct Rig {
    pub core: WalletCore,
    /// The in-memory phone the rig runs on (unused by [`open_on_files`]).
    pub device: Arc<MemoryDeviceKeys>,
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
    try_open_on(dir, clock, profile, ks, device_for(dir)).unwrap()
}

/// The directory opened on another phone (`device`), or the error that gives.
pub fn open_on_device(dir: &Path, device: Arc<MemoryDeviceKeys>) -> imwallet_core::Result<Rig> {
    try_open_on(dir, Arc::new(ManualClock::new(1_800_000_000)), KdfProfile::InsecureFastForTests, Arc::new(MemoryKeyStore::new()), device)
}

/// Where the crash and kill child processes keep their device keys: a key-file store beside
/// the data directory (shared by the parent test and its children; removed by [`KeysDir`]).
pub fn keys_dir_of(dir: &Path) -> PathBuf {
    PathBuf::from(format!("{}-device-keys", dir.display()))
}

/// Removes a data directory's key-file folder when dropped.
pub struct KeysDir(pub PathBuf);

impl Drop for KeysDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// [`open`] on the key-file device of [`keys_dir_of`] (shared with child processes).
pub fn open_on_files(dir: &Path) -> Rig {
    open_on_files_with(dir, KdfProfile::InsecureFastForTests)
}

/// [`open_on_files`] with a KDF profile.
pub fn open_on_files_with(dir: &Path, profile: KdfProfile) -> Rig {
    let files: Arc<dyn DeviceKeyStore> = Arc::new(FileDeviceKeys::new(keys_dir_of(dir)));
    let (clock, ks) = (Arc::new(ManualClock::new(1_800_000_000)), Arc::new(MemoryKeyStore::new()));
    try_open_with(dir, clock, profile, ks, Arc::new(MemoryDeviceKeys::new()), Some(files)).unwrap()
}

/// [`open_on_files`] with a dapp-connection hook (crash tests).
pub fn open_on_files_with_dapps(dir: &Path, dapps: Arc<dyn imwallet_core::auth::hooks::ConnectionHook>) -> Rig {
    let files: Arc<dyn DeviceKeyStore> = Arc::new(FileDeviceKeys::new(keys_dir_of(dir)));
    let (clock, ks) = (Arc::new(ManualClock::new(1_800_000_000)), Arc::new(MemoryKeyStore::new()));
    try_open_full(
        dir,
        clock,
        KdfProfile::InsecureFastForTests,
        ks,
        Arc::new(MemoryDeviceKeys::new()),
        Some(files),
        SafetyPolicy::default(),
        move |h| Hooks { connections: Some(dapps), ..h },
    )
    .unwrap()
}

/// A core with no device key store: an *unbound* directory, as every build before device keys
/// wrote it (migration tests).
pub fn open_unbound(dir: &Path) -> Rig {
    let (clock, ks) = (Arc::new(ManualClock::new(1_800_000_000)), Arc::new(MemoryKeyStore::new()));
    try_open_with(dir, clock, KdfProfile::InsecureFastForTests, ks, Arc::new(MemoryDeviceKeys::new()), None).unwrap()
}

/// The directory's store without a core, its sealed values readable (this process's device).
pub fn store(dir: &Path) -> imwallet_core::store::Store {
    imwallet_core::engine::open_store(dir, Some(&*device_for(dir))).unwrap()
}

/// A bare connection to the directory's database with its sealed values readable.
pub fn bare_conn(dir: &Path) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(dir.join(imwallet_core::store::DB_FILE)).unwrap();
    imwallet_core::engine::attach_device_keys(&c, &*device_for(dir)).unwrap();
    c
}

fn try_open_on(
    dir: &Path,
    clock: Arc<ManualClock>,
    profile: KdfProfile,
    ks: Arc<MemoryKeyStore>,
    device: Arc<MemoryDeviceKeys>,
) -> imwallet_core::Result<Rig> {
    let dk: Arc<dyn DeviceKeyStore> = device.clone();
    try_open_with(dir, clock, profile, ks, device, Some(dk))
}

fn try_open_with(
    dir: &Path,
    clock: Arc<ManualClock>,
    profile: KdfProfile,
    ks: Arc<MemoryKeyStore>,
    device: Arc<MemoryDeviceKeys>,
    dk: Option<Arc<dyn DeviceKeyStore>>,
) -> imwallet_core::Result<Rig> {
    try_open_full(dir, clock, profile, ks, device, dk, SafetyPolicy::default(), |h| h)
}

/// A rig whose core runs under `safety` (environment policy, rehearsal, reminder).
pub fn open_with_safety(dir: &Path, clock: Arc<ManualClock>, ks: Arc<MemoryKeyStore>, safety: SafetyPolicy) -> imwallet_core::Result<Rig> {
    let device = device_for(dir);
    let dk: Arc<dyn DeviceKeyStore> = device.clone();
    try_open_full(dir, clock, KdfProfile::InsecureFastForTests, ks, device, Some(dk), safety, |h| h)
}

/// [`open`] with more hooks set by `extra` (the dapp and clipboard hooks of `dapp_rig`).
pub fn open_extra(dir: &Path, extra: impl FnOnce(Hooks) -> Hooks) -> Rig {
    let device = device_for(dir);
    let dk: Arc<dyn DeviceKeyStore> = device.clone();
    let (clock, ks) = (Arc::new(ManualClock::new(1_800_000_000)), Arc::new(MemoryKeyStore::new()));
    try_open_full(dir, clock, KdfProfile::InsecureFastForTests, ks, device, Some(dk), SafetyPolicy::default(), extra).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn try_open_full(
    dir: &Path,
    clock: Arc<ManualClock>,
    profile: KdfProfile,
    ks: Arc<MemoryKeyStore>,
    device: Arc<MemoryDeviceKeys>,
    dk: Option<Arc<dyn DeviceKeyStore>>,
    safety: SafetyPolicy,
    extra: impl FnOnce(Hooks) -> Hooks,
) -> imwallet_core::Result<Rig> {
    let env = Arc::new(Env::safe());
    let rec = Arc::new(Recorder::default());
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile: profile,
        default_auto_lock: AutoLock::Never,
        safety,
        unlock_needs_second_factor: false,
    };
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
        device_keys: dk,
        ..Hooks::default()
    };
    let core = WalletCore::open(config, extra(hooks))?;
    Ok(Rig { core, device, clock, env, rec, ks, owner })
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

/// The Hardhat/Anvil test phrase: address 0 is [`ADDR0`].
pub const JUNK: &[u8] = b"test test test test test test test test test test test junk";
pub const ADDR0: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/// An EIP-1559 transfer of 1.5 ETH (no chain id in the JSON: the declared one).
pub const SEND: &str = r#"{"type":"0x2","nonce":"0x0","maxFeePerGas":"0x6fc23ac00","maxPriorityFeePerGas":"0x77359400","gas":"0x5208",
  "to":"0x3535353535353535353535353535353535353535","value":"1500000000000000000"}"#;

/// A core with "Tess" imported from [`JUNK`] (unlocked).
pub fn tx_rig() -> (tempfile::TempDir, Rig) {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.import_account("Tess", JUNK, None, PW).unwrap();
    (dir, r)
}
