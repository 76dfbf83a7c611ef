//! Session benchmarks: login vs bare Argon2id with the same parameters (goal: ratio ≤ 1.03),
//! lock, logout, and a cold open of a database holding 100 accounts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::clock::SystemClock;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::vault::kdf::{self, KdfProfile};
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, WalletCore};

const PW: &[u8] = b"correct horse battery staple 42";

fn core(dir: &std::path::Path, profile: KdfProfile) -> WalletCore {
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile: profile,
        default_auto_lock: AutoLock::Never,
        safety: Default::default(),
        unlock_needs_second_factor: false,
    };
    WalletCore::open(config, Hooks { clock: Arc::new(SystemClock), ..Hooks::default() }).unwrap()
}

fn login_vs_argon2(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let w = core(dir.path(), KdfProfile::Production);
    w.create_account("Bench", PW, 12, Language::English).unwrap();
    let mut g = c.benchmark_group("login");
    g.sample_size(20);
    let params = KdfProfile::Production.params();
    g.bench_function("bare_argon2id_64MiB_t3", |b| b.iter(|| black_box(kdf::derive(PW, &[7u8; 16], params).unwrap())));
    g.bench_function("login_production", |b| b.iter(|| black_box(w.login("Bench", PW, None).unwrap())));
    g.finish();
}

fn lock_and_logout(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let w = core(dir.path(), KdfProfile::InsecureFastForTests);
    w.create_account("Bench", PW, 12, Language::English).unwrap();
    let mut g = c.benchmark_group("session");
    g.bench_function("lock", |b| {
        b.iter_batched(|| w.unlock(PW).unwrap(), |_| black_box(w.lock().unwrap()), criterion::BatchSize::PerIteration)
    });
    g.bench_function("logout", |b| {
        b.iter_batched(
            || {
                w.login("Bench", PW, None).unwrap();
                w.prepare_logout(LogoutOptions::default()).unwrap()
            },
            |plan| black_box(w.logout(&plan.token, &LogoutConfirmation::default()).unwrap()),
            criterion::BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn cold_open_100_accounts(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    {
        let w = core(dir.path(), KdfProfile::InsecureFastForTests);
        for i in 0..100 {
            w.create_account(&format!("account {i}"), PW, 12, Language::English).unwrap();
        }
    }
    let mut g = c.benchmark_group("open");
    g.bench_function("cold_open_100_accounts", |b| {
        b.iter(|| {
            let w = core(dir.path(), KdfProfile::InsecureFastForTests);
            black_box(w.accounts().unwrap().len())
        })
    });
    g.finish();
}

fn biometric_unlock(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let ks = Arc::new(MemoryKeyStore::new());
    // Rehearsal off: thousands of biometric unlocks in a row would otherwise ask for the password.
    let mut safety = imwallet_core::safety::SafetyPolicy::default();
    safety.rehearsal = imwallet_core::safety::RehearsalPolicy { after_days: None, after_biometric_unlocks: None };
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        kdf_profile: KdfProfile::Production,
        default_auto_lock: AutoLock::Never,
        safety,
        unlock_needs_second_factor: false,
    };
    let w = WalletCore::open(config, Hooks { key_store: ks, ..Hooks::default() }).unwrap();
    w.create_account("Bench", PW, 12, Language::English).unwrap();
    w.enable_biometric_unlock(PW).unwrap();
    let mut g = c.benchmark_group("biometric");
    g.bench_function("unlock_with_biometrics_fake_hook", |b| {
        b.iter_batched(|| w.lock().unwrap(), |_| black_box(w.unlock_with_biometrics().unwrap()), criterion::BatchSize::PerIteration)
    });
    g.finish();
}

criterion_group!(benches, login_vs_argon2, lock_and_logout, cold_open_100_accounts, biometric_unlock);
criterion_main!(benches);
