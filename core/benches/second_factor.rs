//! Second-factor benchmarks (issue 19, ADR 0014): the TOTP window check, the recovery-code check
//! over ten stored hashes, and a login with the fast test KDF with and without a TOTP code — the
//! factor's whole cost on top of the login (Argon2 is the same for both).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use imwallet_core::auth::recovery_codes::{self, CodeKey};
use imwallet_core::auth::second_factor::SecondFactor;
use imwallet_core::auth::totp;
use imwallet_core::clock::{Clock, ManualClock};
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, WalletCore};

const PW: &[u8] = b"correct horse battery staple 42";

fn checks(c: &mut Criterion) {
    let mut g = c.benchmark_group("second_factor");
    let secret = [7u8; 20];
    g.bench_function("totp_check_window_of_3", |b| {
        b.iter(|| black_box(totp::matching_step(&secret, b"123456", 1_800_000_000, None).unwrap()))
    });
    let vault_key = SecretBytes::from_slice(&[9u8; 32]);
    let key = CodeKey::derive(&vault_key, "account").unwrap();
    let (shown, hashes) = recovery_codes::generate(&key).unwrap();
    let stored: Vec<(i64, Vec<u8>)> = hashes.into_iter().enumerate().map(|(i, h)| (i as i64, h)).collect();
    g.bench_function("recovery_code_check_of_10", |b| {
        b.iter(|| {
            let k = CodeKey::derive(&vault_key, "account").unwrap();
            black_box(recovery_codes::find(&k, shown[9].expose(), &stored).unwrap())
        })
    });
    g.finish();
}

fn login_overhead(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(1_800_000_010));
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        safety: Default::default(),
        unlock_needs_second_factor: false,
    };
    let w = WalletCore::open(config, Hooks { clock: clock.clone(), boot_clock: clock.clone(), ..Hooks::default() }).unwrap();
    w.create_account("Plain", PW, 12, Language::English).unwrap();
    w.create_account("Totp", PW, 12, Language::English).unwrap();
    let e = w.begin_totp_enrollment(PW, "bench").unwrap();
    let uri = e.otpauth_uri.expose_str().unwrap().to_string();
    let b32 = uri.split("secret=").nth(1).unwrap().split('&').next().unwrap().to_string();
    let secret = totp_rs::Secret::try_from_base32(&b32).unwrap().as_bytes().to_vec();
    let code_now = |clock: &ManualClock| totp::code_at(&secret, clock.now_unix() as u64).unwrap().to_string();
    w.confirm_totp_enrollment(code_now(&clock).as_bytes()).unwrap();
    let logout = |w: &WalletCore| {
        let plan = w.prepare_logout(LogoutOptions::default()).unwrap();
        w.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    };
    let mut g = c.benchmark_group("second_factor_login");
    g.bench_function("login_fast_kdf_password_only", |b| {
        b.iter_batched(|| logout(&w), |_| black_box(w.login("Plain", PW, None).unwrap()), BatchSize::PerIteration)
    });
    g.bench_function("login_fast_kdf_with_totp", |b| {
        b.iter_batched(
            || {
                logout(&w);
                clock.advance(30); // a fresh step each time (a code works once)
                SecondFactor::totp(code_now(&clock).as_bytes())
            },
            |f| black_box(w.login("Totp", PW, Some(&f)).unwrap()),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, checks, login_overhead);
criterion_main!(benches);
