//! What device-bound sealing (ADR 0011) costs: opening a data directory (one unwrap per scope),
//! listing accounts, and cache reads and writes, bound vs unbound.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use imwallet_core::auth::device_keys::{DeviceKeyStore, MemoryDeviceKeys};
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::cache::{CacheKind, CacheScope};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, WalletCore};

const PW: &[u8] = b"correct horse battery staple 42";

fn open(dir: &Path, device: Option<Arc<dyn DeviceKeyStore>>) -> WalletCore {
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    WalletCore::open(config, Hooks { key_store: Arc::new(MemoryKeyStore::new()), device_keys: device, ..Hooks::default() }).unwrap()
}

fn sealing(c: &mut Criterion) {
    let mut g = c.benchmark_group("sealing");
    g.sample_size(20);
    for bound in [false, true] {
        let label = if bound { "bound" } else { "unbound" };
        let dir = tempfile::tempdir().unwrap();
        let device: Option<Arc<dyn DeviceKeyStore>> = if bound { Some(Arc::new(MemoryDeviceKeys::new())) } else { None };
        {
            let w = open(dir.path(), device.clone());
            for i in 0..10 {
                w.create_account(&format!("Bench {i}"), PW, 12, Language::English).unwrap();
            }
        }
        g.bench_function(format!("open_10_accounts_{label}"), |b| b.iter(|| drop(black_box(open(dir.path(), device.clone())))));
        let w = open(dir.path(), device.clone());
        g.bench_function(format!("list_10_accounts_{label}"), |b| b.iter(|| black_box(w.accounts().unwrap())));
        w.login("Bench 0", PW, None).unwrap();
        let scope = CacheScope::Account(w.state().account().unwrap().id.clone());
        let value = vec![7u8; 1024];
        g.bench_function(format!("cache_put_get_1k_{label}"), |b| {
            b.iter(|| {
                w.cache_put(&CacheKind::Balances, &scope, "eth", &value, None).unwrap();
                black_box(w.cache_get(&CacheKind::Balances, &scope, "eth").unwrap())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, sealing);
criterion_main!(benches);
