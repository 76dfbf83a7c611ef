//! KDF benchmarks at production parameters (m = 64 MiB, t = 3): one lane against four lanes on
//! the rayon pool (goal: p = 4 ≤ 0.6 × p = 1 on the 2-core project machine), and a production
//! login (whose KDF is all of it). Slow: not part of the test run. Run with
//! `cargo bench -p imwallet-core --bench kdf`; the side-by-side table with the C peers
//! (argon2-cffi, libsodium) is `tests/bench_kdf_peers.py` (docs/performance.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::vault::kdf::{self, KdfParams, KdfProfile};
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, WalletCore};

const PW: &[u8] = b"correct horse battery staple 42";
const SALT: &[u8] = b"imwallet/salt/16";

fn lanes(c: &mut Criterion) {
    let mut g = c.benchmark_group("kdf");
    g.sample_size(20);
    let prod = KdfProfile::Production.params();
    for p in [1, 4] {
        let params = KdfParams { p, ..prod };
        g.bench_function(format!("argon2id_64MiB_t3_p{p}"), |b| b.iter(|| black_box(kdf::derive(PW, SALT, params).unwrap())));
    }
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        kdf_profile: KdfProfile::Production,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    let w = WalletCore::open(config, Hooks::default()).unwrap();
    w.create_account("Bench", PW, 12, Language::English).unwrap();
    g.bench_function(format!("login_production_p{}", prod.p), |b| b.iter(|| black_box(w.login("Bench", PW, None).unwrap())));
    g.finish();
}

criterion_group!(benches, lanes);
criterion_main!(benches);
