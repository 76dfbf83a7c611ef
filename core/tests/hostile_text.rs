//! Hostile text costs bounded time: a typed or pasted recovery phrase, a BIP39 passphrase and
//! typed backup words go through `nfkd_secret` (the NFKD of secret text, which orders each run of
//! combining marks by class). A run of 100,000 marks of alternating classes made that ordering
//! quadratic — 47 s for 200 KB in a debug build — when it was an insertion sort. Each case runs in
//! a child process (see `child/mod.rs`) with bounded wall time and memory; the control shows the
//! same text is accepted as NFKD input (the words before the marks still count).
#![cfg(target_os = "linux")]
// Test code: failing loudly is the point (clippy's allow-*-in-tests misses helpers).
#![allow(clippy::unwrap_used, clippy::panic)]

mod child;

use std::time::Duration;

use child::Bounds;
use imwallet_core::wallet::{Language, Mnemonic};

/// A debug build's footprint plus the text's own buffers (200 KB of input, a few MB at most).
const BOUNDS: Bounds = Bounds { max_peak_mib: 64, max_wall: Duration::from_secs(5) };

/// 100,000 marks alternating class 230 (U+0301) and class 1 (U+0334): the worst order for a
/// sort that moves one mark at a time.
fn marks() -> String {
    "\u{301}\u{334}".repeat(50_000)
}

#[test]
fn child_entry_point() {
    child::child_main(|case| match case {
        "phrase-with-100k-marks" => child::outcome(&Mnemonic::parse(&format!("{}{}", "abandon ".repeat(11), marks()))),
        "passphrase-of-100k-marks" => {
            let m = Mnemonic::generate(12, Language::English).unwrap();
            child::outcome(&m.to_seed(&format!("pass{}", marks())))
        }
        other => panic!("unknown case {other}"),
    });
}

#[test]
fn long_runs_of_combining_marks_cost_bounded_time() {
    for case in ["phrase-with-100k-marks", "passphrase-of-100k-marks"] {
        let m = child::measure(case, &BOUNDS);
        eprintln!("{case:>26}: peak {:>6.1} MiB, wall {:>9.3?}, {:?}", m.peak_mib(), m.wall, m.outcome);
        m.assert_within(case, &BOUNDS);
        let outcome = m.outcome.as_deref().unwrap_or("");
        match case {
            // The 12th "word" is "abandon" plus the marks: not a word (typed error, no panic).
            "phrase-with-100k-marks" => assert!(outcome.starts_with("Err("), "{case}: {outcome}"),
            _ => assert_eq!(outcome, "Ok", "{case}"),
        }
    }
}
