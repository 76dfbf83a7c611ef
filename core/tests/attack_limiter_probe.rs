//! Probes: weird boot clocks + restarts + wall-clock shifts never give more than 5
//! evaluated wrong guesses on one account before a delay.
#![allow(clippy::unwrap_used, clippy::panic)]
mod common;
use common::*;
use imwallet_core::auth::hooks::HookError;
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::clock::{BootClock, ManualClock};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Error, Hooks, WalletCore};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

struct Weird {
    n: AtomicU64,
    mode: u64,
}
impl BootClock for Weird {
    fn boot_id(&self) -> Result<String, HookError> {
        let i = self.n.fetch_add(1, Ordering::SeqCst);
        match self.mode {
            0 if i % 2 == 0 => Err(HookError { message: "x".into() }),
            1 => Ok(format!("b{i}")),
            _ => Ok("same".into()),
        }
    }
    fn since_boot_secs(&self) -> Result<u64, HookError> {
        let i = self.n.load(Ordering::SeqCst);
        Ok(match self.mode {
            2 => {
                if i % 2 == 0 {
                    u64::MAX
                } else {
                    0
                }
            }
            3 => 1_000_000u64.saturating_sub(i * 100_000),
            _ => i,
        })
    }
}

fn open_weird(dir: &std::path::Path, clock: Arc<ManualClock>, boot: Arc<dyn BootClock>) -> WalletCore {
    let env = Arc::new(Env::safe());
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    WalletCore::open(
        config,
        Hooks {
            environment: env,
            listener: None,
            clock: clock.clone(),
            boot_clock: boot,
            device_owner: None,
            key_store: Arc::new(MemoryKeyStore::new()),
            device_keys: Some(device_for(dir)),
            hardware_key: None,
            prompts: Default::default(),
            app_codes: None,
            connections: None,
            clipboard: None,
        },
    )
    .unwrap()
}

/// Held: a failing hook, a boot id changing on every call, a clock going backwards.
#[test]
fn weird_boot_clocks_and_restarts_give_no_extra_guesses() {
    run_modes(&[0, 1, 3]);
}

/// FINDING: a hook whose `since_boot_secs` returns `Ok(u64::MAX)` (e.g. a platform `-1`
/// "unknown" sentinel reinterpreted as unsigned) is not treated as a failing hook: the reading
/// makes every anchor look > 24 h old, so buckets forget their failures and the device-wide
/// window is pruned. ADR 0002: "A failing hook falls back ... (stricter, never looser)".
#[test]
fn a_boot_clock_reporting_u64_max_does_not_wipe_the_limiter() {
    run_modes(&[2]);
}

fn run_modes(modes: &[u64]) {
    for &mode in modes {
        let tmp = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(1_800_000_000));
        {
            let rig = open_with(tmp.path(), clock.clone(), KdfProfile::InsecureFastForTests);
            rig.core.create_account("Alice", PW, 12, Language::English).unwrap();
            rig.core.lock().unwrap();
        }
        let mut evaluated = 0;
        for round in 0..40 {
            let boot: Arc<dyn BootClock> = Arc::new(Weird { n: AtomicU64::new(round * 7), mode });
            let core = open_weird(tmp.path(), clock.clone(), boot);
            for _ in 0..3 {
                match core.login("alice", b"wrong password guess 123", None) {
                    Err(Error::InvalidCredentials { .. }) => evaluated += 1,
                    Err(Error::TooManyAttempts { .. }) => {}
                    other => panic!("{other:?}"),
                }
                clock.shift_wall(3600);
            }
            drop(core);
        }
        assert!(evaluated <= 5, "mode {mode}: {evaluated} wrong guesses evaluated with no real time passing");
    }
}
