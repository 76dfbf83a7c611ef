//! Issue 14: hostile EIP-712 payloads cost bounded time and memory and never overflow the stack.
//!
//! The big payloads run in a child process (see `child/mod.rs`) with bounded peak resident set
//! and wall time (killed when they pass either). Deep nesting runs on a thread with a small
//! stack, like a mobile app's worker thread. The caps are documented in
//! `imwallet_core::wallet::eip712::Limits`.
#![cfg(target_os = "linux")]
// Test code: failing loudly is the point (clippy's allow-*-in-tests misses helpers).
#![allow(clippy::unwrap_used, clippy::panic)]

mod child;
mod eip712_payloads;

use std::time::Duration;

use child::Bounds;
use eip712_payloads::{many_types, orders, type_string_amplification};
use imwallet_core::wallet::eip712::TypedData;
use imwallet_core::Error;
use serde_json::{json, Value};

/// Debug build (only the crypto crates are optimised): generous.
const BIG_PAYLOAD: Bounds = Bounds { max_peak_mib: 256, max_wall: Duration::from_secs(5) };

const MIB: usize = 1 << 20;

fn hash(json: &str) -> imwallet_core::Result<[u8; 32]> {
    TypedData::from_json(json)?.signing_hash()
}

/// `Err(InvalidTypedData)` whose reason mentions `what`.
fn refused(r: imwallet_core::Result<[u8; 32]>, what: &str) -> bool {
    match r {
        Err(Error::InvalidTypedData { reason }) => reason.contains(what) || panic!("reason {reason:?} does not mention {what:?}"),
        other => panic!("expected InvalidTypedData ({what}), got {other:?}"),
    }
}

/// Runs `f` on a thread with a 256 KiB stack (smaller than any platform's default).
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).unwrap().join().unwrap()
}

/// The child side: runs the case named by the environment (no-op in a normal test run).
#[test]
fn child_entry_point() {
    child::child_main(|case| {
        let payload = match case {
            "many-types" => many_types(7_996, 40_000),
            "type-string-amplification" => type_string_amplification(8_000, 1_500),
            other => panic!("unknown case {other}"),
        };
        child::outcome(&hash(&payload))
    });
}

#[test]
fn eight_thousand_types_and_forty_thousand_instances_hash_in_bounded_time() {
    let payload = many_types(7_996, 40_000);
    assert!((900_000..1_000_000).contains(&payload.len()), "{}", payload.len());
    let m = child::measure("many-types", &BIG_PAYLOAD);
    eprintln!("many-types ({} bytes): peak {:.1} MiB, wall {:?}, work {:?}, {:?}", payload.len(), m.peak_mib(), m.wall, m.work, m.outcome);
    m.assert_within("many-types", &BIG_PAYLOAD);
    assert_eq!(m.outcome.as_deref(), Some("Ok"));
}

#[test]
fn encode_type_strings_cannot_amplify_a_small_payload() {
    let payload = type_string_amplification(8_000, 1_500);
    assert!(payload.len() < MIB, "{}", payload.len());
    let m = child::measure("type-string-amplification", &BIG_PAYLOAD);
    eprintln!(
        "type-string-amplification ({} bytes): peak {:.1} MiB, wall {:?}, work {:?}, {:?}",
        payload.len(),
        m.peak_mib(),
        m.wall,
        m.work,
        m.outcome
    );
    m.assert_within("type-string-amplification", &BIG_PAYLOAD);
    assert!(m.outcome.as_deref().unwrap_or("").starts_with("Err(InvalidTypedData)"), "{:?}", m.outcome);
}

#[test]
fn payload_size_cap_accepts_a_megabyte_and_refuses_above_two_mib() {
    let ok = orders(3 * MIB / 2);
    assert!(ok.len() > 3 * MIB / 2);
    hash(&ok).unwrap();
    assert!(refused(hash(&orders(2 * MIB + 1)), "bytes"));
}

#[test]
fn type_count_cap() {
    // many_types(leaves, …) has leaves + 4 types.
    hash(&many_types(9_996, 1)).unwrap();
    assert!(refused(hash(&many_types(9_997, 1)), "types"));
}

#[test]
fn array_length_cap() {
    let payload = |n: usize| {
        json!({"types": {"EIP712Domain": [], "M": [{"name": "xs", "type": "uint8[]"}]}, "primaryType": "M", "domain": {},
               "message": {"xs": vec![0; n]}})
        .to_string()
    };
    hash(&payload(65_536)).unwrap();
    assert!(refused(hash(&payload(65_537)), "items"));
}

#[test]
fn total_items_cap_holds_for_values_built_in_memory() {
    // hash_struct takes any serde_json::Value, so the payload cap does not bound it: the item cap does.
    let json = r#"{"types":{"M":[{"name":"xs","type":"uint8[][]"}]},"primaryType":"M","domain":{},"message":{}}"#;
    let td = TypedData::from_json(json).unwrap();
    let row = Value::Array(vec![Value::from(0); 65_536]);
    let under = json!({"xs": vec![row.clone(); 15]});
    td.hash_struct("M", &under).unwrap();
    let over = json!({"xs": vec![row; 17]});
    assert!(refused(td.hash_struct("M", &over), "values"));
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    on_small_stack(|| {
        // Struct nesting: 100 levels of Node.
        let node = format!(
            r#"{{"types":{{"Node":[{{"name":"next","type":"Node"}}]}},"primaryType":"Node","domain":{{}},"message":{}{{}}{}}}"#,
            r#"{"next":"#.repeat(100),
            "}".repeat(100)
        );
        assert!(refused(hash(&node), "deep"));
        // Array nesting: uint8 with 100 dimensions.
        let arrays = format!(
            r#"{{"types":{{"M":[{{"name":"a","type":"uint8{}"}}]}},"primaryType":"M","domain":{{}},"message":{{"a":{}{}}}}}"#,
            "[]".repeat(100),
            "[".repeat(100),
            "]".repeat(100)
        );
        assert!(refused(hash(&arrays), "deep"));
        // JSON nesting far beyond anything: refused by the parser's own limit.
        let json = format!(r#"{{"types":{{}},"primaryType":"M","message":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
        assert!(refused(hash(&json), "JSON"));
        // A chain of 9,000 struct types (only the first instantiated): encodeType walks all of them.
        let mut chain = String::from(r#"{"primaryType":"T0","domain":{},"message":{"n":[]},"types":{"#);
        for i in 0..9_000 {
            chain.push_str(&format!(r#""T{i}":[{{"name":"n","type":"T{}[]"}}],"#, i + 1));
        }
        chain.push_str(r#""T9000":[{"name":"v","type":"bool"}]}}"#);
        hash(&chain).unwrap();
    });
}

#[test]
fn values_built_in_memory_deeper_than_json_allows_are_refused() {
    on_small_stack(|| {
        let td = TypedData::from_json(r#"{"types":{"Node":[{"name":"next","type":"Node"}]},"primaryType":"Node","domain":{}}"#).unwrap();
        let mut v = json!({});
        for _ in 0..1_000 {
            let mut m = serde_json::Map::new();
            m.insert("next".into(), v);
            v = Value::Object(m);
        }
        assert!(refused(td.hash_struct("Node", &v), "deep"));
        std::mem::forget(v); // dropping 1,000 levels would itself recurse; not what is under test
    });
}
