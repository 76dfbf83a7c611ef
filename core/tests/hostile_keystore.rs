//! Issue 14: a hostile keystore v3 file costs bounded memory and time.
//!
//! Each file is imported in a child process (see `child/mod.rs`) whose peak resident set and
//! wall time are measured and bounded; a child that passes a bound is killed at once. The
//! hostile files are refused before any KDF work (ADR 0004), so the bound is the test
//! harness's own footprint plus a little. A control (geth's standard n=2^18, r=8, p=1: the
//! largest memory an accepted file may take) shows the measurement sees a real allocation and
//! that accepted files stay within the documented scrypt memory limit.
#![cfg(target_os = "linux")]
// Test code: failing loudly is the point (clippy's allow-*-in-tests misses helpers).
#![allow(clippy::unwrap_used, clippy::panic)]

mod child;

use std::time::Duration;

use child::{pbkdf2_file, scrypt_file};
use child::{Bounds, Measured};
use imwallet_core::vault::keystore::{export, import, ExportKdf};
use imwallet_core::wallet::PrivateKey;

/// Bounds for a refused file: the debug test binary's own footprint is a few MiB.
const HOSTILE: Bounds = Bounds { max_peak_mib: 32, max_wall: Duration::from_secs(5) };

/// ADR 0004: scrypt may use at most 128·r·(n+p) ≤ 264 MiB; plus the harness and the import.
const ACCEPTED_MAX: Bounds = Bounds { max_peak_mib: 264 + 32, max_wall: Duration::from_secs(120) };

/// Hostile files: each would cost gigabytes or minutes if run.
const HOSTILE_CASES: &[&str] = &[
    "scrypt-p-2^20",       // n=2 r=8 p=2^20: 128·r·p = 1 GiB (passed the old bounds)
    "scrypt-r-2^20-p-8",   // n=2 r=2^20 p=8: 128·r·n = 256 MiB + 128·r·p = 1 GiB (passed the old bounds)
    "scrypt-r-2^16-p-128", // n=2 r=2^16 p=128: 128·r·p = 1 GiB, work 2^24 (passed the old bounds)
    "scrypt-n-2^40",       // 128·r·n = 128 TiB
    "scrypt-r-4096",       // n=2^18 r=4096: 128 GiB
    "scrypt-work-p-10^6",  // n=2^18 r=1 p=10^6: 2^38 block mixes
    "scrypt-p-2^31",       // absurd p
    "pbkdf2-c-4*10^9",     // hours of HMAC
];

fn hostile_file(case: &str) -> String {
    match case {
        "scrypt-p-2^20" => scrypt_file(2, 8, 1 << 20),
        "scrypt-r-2^20-p-8" => scrypt_file(2, 1 << 20, 8),
        "scrypt-r-2^16-p-128" => scrypt_file(2, 1 << 16, 128),
        "scrypt-n-2^40" => scrypt_file(1 << 40, 8, 1),
        "scrypt-r-4096" => scrypt_file(1 << 18, 4096, 1),
        "scrypt-work-p-10^6" => scrypt_file(1 << 18, 1, 1_000_000),
        "scrypt-p-2^31" => scrypt_file(2, 1, 1 << 31),
        "pbkdf2-c-4*10^9" => pbkdf2_file(4_000_000_000),
        other => panic!("unknown case {other}"),
    }
}

/// The child side: runs the case named by the environment (no-op in a normal test run).
#[test]
fn child_entry_point() {
    child::child_main(|case| {
        if case == "accepted-geth-standard" {
            let key = PrivateKey::from_bytes(&[7u8; 32]).unwrap();
            let file = export(&key, b"pw", ExportKdf::STANDARD).unwrap();
            return child::outcome(&import(&file, b"pw"));
        }
        child::outcome(&import(&hostile_file(case), b"pw"))
    });
}

fn report(case: &str, m: &Measured) {
    eprintln!("{case:>24}: peak {:>7.1} MiB, wall {:>9.3?}, work {:?}, {:?}", m.peak_mib(), m.wall, m.work, m.outcome);
}

#[test]
fn hostile_keystore_files_cost_bounded_memory_and_time() {
    for case in HOSTILE_CASES {
        let m = child::measure(case, &HOSTILE);
        report(case, &m);
        m.assert_within(case, &HOSTILE);
        let outcome = m.outcome.as_deref().unwrap_or("");
        assert!(outcome.starts_with("Err(KeystoreParamsRefused)"), "{case}: {outcome}");
    }
}

#[test]
fn largest_accepted_scrypt_file_stays_within_the_documented_memory() {
    let case = "accepted-geth-standard";
    let m = child::measure(case, &ACCEPTED_MAX);
    report(case, &m);
    m.assert_within(case, &ACCEPTED_MAX);
    assert_eq!(m.outcome.as_deref(), Some("Ok"));
    // The measurement sees scrypt's 256 MiB: the bounds above are not vacuous.
    assert!(m.peak_kib >= 200 * 1024, "peak {:.1} MiB", m.peak_mib());
}
