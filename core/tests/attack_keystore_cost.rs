//! Attack (issue 14, ADR 0004): keystore files that the bounds ACCEPT but that still cost
//! more than 5 s (debug build, crypto crates at opt-level 3) or more than 300 MB.
//! Measured in a child process (VmHWM, wall time) like `hostile_keystore.rs`.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::panic)]

mod child;

use std::time::Duration;

use child::Bounds;
use child::{pbkdf2_file, scrypt_file};
use imwallet_core::vault::keystore::import;

/// The brief's bound for hostile input: 300 MB, 5 s.
const BOUND: Bounds = Bounds { max_peak_mib: 286, max_wall: Duration::from_secs(5) };
/// With `IMW_ATTACK_MEASURE=1` the children run to completion (to report the real cost).
const MEASURE: Bounds = Bounds { max_peak_mib: 3000, max_wall: Duration::from_secs(300) };

/// A small keystore with a huge unrelated field: the JSON has no size cap, and serde_json's
/// `Value` tree costs ~10x the text.
fn padded_file(mb: usize) -> String {
    let base = scrypt_file(2, 1, 1);
    let mut s = String::with_capacity(mb * 1024 * 1024 + base.len() + 16);
    s.push_str("{\"pad\":[");
    for _ in 0..mb * 1024 * 1024 / 3 {
        s.push_str("[],");
    }
    s.push_str("[]],");
    s.push_str(&base[1..]);
    s
}

fn file(case: &str) -> String {
    match case {
        // Accepted: work n·r·p = 2^24 (the limit), memory 256 MiB — 8x geth standard.
        "scrypt-n2^18-r8-p8" => scrypt_file(1 << 18, 8, 8),
        // Accepted: work 2^24 with 8 MiB.
        "scrypt-n2^16-r1-p256" => scrypt_file(1 << 16, 1, 256),
        // Accepted: the pbkdf2 ceiling.
        "pbkdf2-c10^7" => pbkdf2_file(10_000_000),
        // No payload cap: 32 MB of JSON.
        "padded-32MB" => padded_file(32),
        other => panic!("unknown case {other}"),
    }
}

#[test]
fn child_entry_point() {
    child::child_main(|case| {
        let f = file(case);
        // The text is built before the clock starts mattering for memory: report it.
        child::outcome(&import(&f, b"pw"))
    });
}

fn run(case: &str) {
    let bounds = if std::env::var("IMW_ATTACK_MEASURE").is_ok() { MEASURE } else { BOUND };
    let m = child::measure(case, &bounds);
    eprintln!("{case}: peak {:.1} MiB, wall {:?}, work {:?}, {:?}, killed {:?}", m.peak_mib(), m.wall, m.work, m.outcome, m.killed);
    m.assert_within(case, &BOUND);
}

#[test]
fn accepted_scrypt_at_the_work_limit_with_max_memory_costs_under_5s() {
    run("scrypt-n2^18-r8-p8");
}

#[test]
fn accepted_scrypt_at_the_work_limit_with_small_memory_costs_under_5s() {
    run("scrypt-n2^16-r1-p256");
}

#[test]
fn accepted_pbkdf2_at_the_round_limit_costs_under_5s() {
    run("pbkdf2-c10^7");
}

#[test]
fn a_padded_keystore_json_costs_under_300mb() {
    run("padded-32MB");
}
