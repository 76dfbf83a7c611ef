//! Logout that clears 10k cache rows and 1k cache files (goal ≤ 50 ms), and erase-all-data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::cache::{CacheKind, CacheScope};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, WalletCore};

const PW: &[u8] = b"correct horse battery staple 42";

fn fill(w: &WalletCore, rows: usize, files: usize) {
    let scope = CacheScope::Account(w.state().account().map(|a| a.id.clone()).unwrap_or_default());
    let kinds = [CacheKind::Balances, CacheKind::TransactionHistory, CacheKind::DappConnections, CacheKind::Prices];
    for i in 0..rows {
        w.cache_put(&kinds[i % 4], &scope, &format!("key-{i}"), &[i as u8; 96], None).unwrap();
    }
    let images = CacheKind::parse("images").unwrap();
    for i in 0..files {
        w.cache_put_file(&images, &scope, &format!("img-{i}.png"), &[7u8; 2048]).unwrap();
    }
}

fn logout_clearing_caches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    let w = WalletCore::open(config, Hooks { key_store: Arc::new(MemoryKeyStore::new()), ..Hooks::default() }).unwrap();
    w.create_account("Bench", PW, 12, Language::English).unwrap();
    w.register_file_cache("images").unwrap();
    let mut g = c.benchmark_group("cache");
    g.sample_size(10);
    g.bench_function("logout_clearing_10k_rows_1k_files", |b| {
        b.iter_batched(
            || {
                w.login("Bench", PW, None).unwrap();
                fill(&w, 10_000, 1_000);
                w.prepare_logout(LogoutOptions::default()).unwrap()
            },
            |plan| {
                let r = w.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
                assert_eq!(r.cache_entries_cleared, 11_000);
                black_box(r)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, logout_clearing_caches);
criterion_main!(benches);
