//! What the safety advice (ADR 0015) costs a login or unlock: a biometric unlock with every
//! check (default policy and rehearsal), the activity summary read from a sealed security log
//! (quiet, and with 1,000 events since the account's last success), the environment check, and
//! the password status.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use imwallet_core::auth::device_keys::MemoryDeviceKeys;
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::events::EventKind;
use imwallet_core::safety::{activity, ActivityItem, ActivitySummary, SafetyPolicy, SensitiveAction};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::store::events;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, WalletCore};

const PW: &[u8] = b"correct horse battery staple 42";

/// The engine's summary (`engine/safety.rs`): the previous success, the failure count, the events
/// after it chosen from their unsealed columns, only the listed ones opened.
fn summary(conn: &rusqlite::Connection, account_id: &str) -> ActivitySummary {
    let since = events::last_of(conn, account_id, &activity::SUCCESS_KINDS).unwrap();
    let after = since.map_or(0, |(id, _)| id);
    let failures = events::failures_after(conn, after, account_id).unwrap();
    let (heads, unscanned) = events::heads_after(conn, after, activity::MAX_SCANNED).unwrap();
    let (chosen, omitted) = activity::select(account_id, &heads, unscanned);
    let ids: Vec<i64> = chosen.iter().map(|(id, _)| *id).collect();
    let opened = events::by_ids(conn, &ids).unwrap();
    let items = chosen.into_iter().zip(opened).map(|((_, category), event)| ActivityItem { category, event }).collect();
    ActivitySummary::new(since.map(|(_, at)| at), failures, items, omitted)
}

fn safety(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let device = Arc::new(MemoryDeviceKeys::new());
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: SafetyPolicy::default(),
    };
    let hooks = Hooks { key_store: Arc::new(MemoryKeyStore::new()), device_keys: Some(device.clone()), ..Hooks::default() };
    let w = WalletCore::open(config, hooks).unwrap();
    let id = w.create_account("Bench", PW, 12, Language::English).unwrap().account.id;
    w.enable_biometric_unlock(PW).unwrap();

    let mut g = c.benchmark_group("safety");
    // The default rehearsal (every 30th unlock needs the password): the setup, not timed, enters
    // the password when it is due.
    let locked = || {
        w.lock().unwrap();
        if w.password_status().unwrap().password_rehearsal_due {
            w.unlock(PW).unwrap();
            w.lock().unwrap();
        }
    };
    g.bench_function("biometric_unlock_with_safety_checks", |b| {
        b.iter_batched(locked, |_| black_box(w.unlock_with_biometrics().unwrap()), criterion::BatchSize::PerIteration)
    });
    g.bench_function("environment_check", |b| b.iter(|| black_box(w.environment_check(SensitiveAction::Sign))));
    g.bench_function("password_status", |b| b.iter(|| black_box(w.password_status().unwrap())));
    drop(w);

    // Nothing since the last biometric unlock, then 1,000 sealed events of the account after it
    // (failed attempts, settings changes).
    let mut store = imwallet_core::engine::open_store(dir.path(), Some(&*device)).unwrap();
    assert!(summary(store.conn(), &id).is_empty());
    g.bench_function("activity_summary_quiet", |b| b.iter(|| black_box(summary(store.conn(), &id))));
    store
        .write(|tx| {
            for i in 0..1000 {
                let kind = if i % 2 == 0 { EventKind::LoginFailed } else { EventKind::GateChanged };
                events::record(tx, 1_800_000_000 + i, kind, Some((&id, "Bench")), "sign_message: none:- → password:-")?;
            }
            Ok(())
        })
        .unwrap();
    let busy = summary(store.conn(), &id);
    assert_eq!((busy.failed_attempts, busy.items.len()), (500, activity::MAX_ITEMS));
    g.bench_function("activity_summary_1000_sealed_events", |b| b.iter(|| black_box(summary(store.conn(), &id))));
    g.finish();
}

criterion_group!(benches, safety);
criterion_main!(benches);
