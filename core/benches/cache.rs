//! Logout as a shell sees it (issue 21): 10 000 cache rows, 1 000 cache files and 20 dapp
//! connections revoked through a fake hook, on a directory bound to device keys (every shell
//! passes one), goal ≤ 50 ms. Beside it, the bench as it was before issue 21 (an unbound store,
//! no dapps) and the parts that explain the gap to the figure measured through the Python
//! bindings (`tests/bench_logout.py`, docs/performance.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use imwallet_core::auth::device_keys::MemoryDeviceKeys;
use imwallet_core::auth::hooks::{ConnectionHook, HookError};
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::cache::{CacheKind, CacheScope};
use imwallet_core::connections::{NewConnection, RejectedRequest, Revocation};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions, LogoutPlan};
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, WalletCore};

const PW: &[u8] = b"correct horse battery staple 42";

/// A WalletConnect client that accepts every disconnection at once.
#[derive(Default)]
struct CountingDapps(AtomicUsize);

impl ConnectionHook for CountingDapps {
    fn disconnect(&self, _: Revocation) -> Result<(), HookError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
    fn request_rejected(&self, _: RejectedRequest) -> Result<(), HookError> {
        Ok(())
    }
}

fn fill(w: &WalletCore, rows: usize, files: usize, dapps: usize) {
    let scope = CacheScope::Account(w.state().account().map(|a| a.id.clone()).unwrap_or_default());
    let kinds = [CacheKind::Balances, CacheKind::TransactionHistory, CacheKind::DappConnections, CacheKind::Prices];
    for i in 0..rows {
        w.cache_put(&kinds[i % 4], &scope, &format!("key-{i}"), &[i as u8; 96], None).unwrap();
    }
    let images = CacheKind::parse("images").unwrap();
    for i in 0..files {
        w.cache_put_file(&images, &scope, &format!("img-{i}.png"), &[7u8; 2048]).unwrap();
    }
    let address = w.addresses(1).unwrap().remove(0);
    for i in 0..dapps {
        let c = NewConnection {
            id: format!("wc-topic-{i:04}"),
            origin: format!("https://dapp{i}.example"),
            name: format!("Dapp {i}"),
            accounts: vec![address.clone()],
            chains: vec![1, 137],
            permissions: vec!["personal_sign".into(), "eth_sendTransaction".into()],
        };
        w.add_connection(c).unwrap();
    }
}

/// A core on a fresh directory: bound to an in-memory device (as every shell is) or unbound
/// (the bench before issue 21).
fn open_on(dir: &std::path::Path, device: Option<Arc<MemoryDeviceKeys>>, dapps: Arc<CountingDapps>) -> WalletCore {
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    let hooks = Hooks {
        key_store: Arc::new(MemoryKeyStore::new()),
        device_keys: device.map(|d| d as _),
        connections: Some(dapps),
        ..Hooks::default()
    };
    WalletCore::open(config, hooks).unwrap()
}

struct Case {
    name: &'static str,
    bound: bool,
    dapps: usize,
    /// Close the filled core before copying: the fill happened in an earlier app session, so
    /// its WAL frames are already in the main file and the logout's scrub moves only its own.
    restart: bool,
}

/// Copies a data directory (database, WAL, cache files).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type().unwrap().is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

fn logout(c: &mut Criterion) {
    let cases = [
        // The shell's logout, goal ≤ 50 ms: device-bound, 20 dapps through the hook, the fill's
        // WAL frames (up to the 1,000-page auto-checkpoint) still to checkpoint.
        Case { name: "logout_shell_10k_rows_1k_files_20_dapps", bound: true, dapps: 20, restart: false },
        // The same after an app restart (the fill's frames already in the main file).
        Case { name: "logout_shell_after_restart", bound: true, dapps: 20, restart: true },
        // The bench as it was (unbound: no sealed values, shorter rows; no dapps).
        Case { name: "logout_clearing_10k_rows_1k_files", bound: false, dapps: 0, restart: false },
    ];
    let mut g = c.benchmark_group("cache");
    g.sample_size(20).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_millis(1)).measurement_time(Duration::from_secs(1));
    for case in cases {
        // Filled once (10,000 committed puts take seconds); each iteration logs out of a copy
        // on the same device.
        let device = case.bound.then(|| Arc::new(MemoryDeviceKeys::new()));
        let template = tempfile::tempdir().unwrap();
        let mut keep = Some(open_on(template.path(), device.clone(), Arc::default()));
        if let Some(w) = &keep {
            w.create_account("Bench", PW, 12, Language::English).unwrap();
            w.register_file_cache("images").unwrap();
            fill(w, 10_000, 1_000, case.dapps);
        }
        if case.restart {
            keep = None;
        }
        g.bench_function(case.name, |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().unwrap();
                    copy_dir(template.path(), dir.path());
                    // Written long before the logout, as a shell's caches are: no dirty pages of
                    // the copy left for the logout's fsyncs to wait for (ext4 ordered mode).
                    let _ = std::process::Command::new("sync").status();
                    let hook = Arc::new(CountingDapps::default());
                    let w = open_on(dir.path(), device.clone(), hook.clone());
                    w.unlock(PW).unwrap();
                    let plan: LogoutPlan = w.prepare_logout(LogoutOptions::default()).unwrap();
                    // The user reads the plan and taps "Log out" (the core checkpoints meanwhile).
                    std::thread::sleep(Duration::from_millis(300));
                    (dir, w, plan, hook)
                },
                |(dir, w, plan, hook)| {
                    let r = w.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
                    assert_eq!(r.cache_entries_cleared, 11_000);
                    assert_eq!(r.dapps_disconnected.len(), case.dapps);
                    assert_eq!(hook.0.load(Ordering::Relaxed), case.dapps);
                    black_box((r, dir, w))
                },
                BatchSize::PerIteration,
            )
        });
        drop(keep);
    }
    g.finish();
}

criterion_group!(benches, logout);
criterion_main!(benches);
