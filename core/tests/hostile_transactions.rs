//! Hostile transaction requests (issue 18): every malformed, oversized, out-of-range or
//! wrong-chain request is a typed error — never a panic, never a signature — and whatever is
//! accepted signs to bytes whose hash and signer check out. A table of known-bad inputs, then
//! thousands of random and mutated requests (proptest), some through the whole engine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use imwallet_core::wallet::tx::{Limits, Transaction};
use imwallet_core::wallet::{keccak256, PrivateKey};
use imwallet_core::Error;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

const BASE: &str = r#"{"type":"0x2","chainId":"0x1","nonce":"0x1","maxFeePerGas":"0x2540be400","maxPriorityFeePerGas":"0x3b9aca00","gas":"0x5208","to":"0x3535353535353535353535353535353535353535","value":"0x1","data":"0x","accessList":[]}"#;

/// `BASE` with `field` set to `raw` (JSON text), or removed when `raw` is `None`.
fn with(field: &str, raw: Option<&str>) -> String {
    let mut v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(BASE).unwrap();
    v.remove(field);
    let mut text = serde_json::to_string(&v).unwrap();
    if let Some(raw) = raw {
        text = text.replacen('{', &format!("{{\"{field}\":{raw},"), 1);
    }
    text
}

/// The error families a transaction request may fail with.
fn typed(e: &Error) -> bool {
    matches!(e, Error::InvalidTransaction { .. } | Error::TransactionTooLarge { .. } | Error::ChainIdMismatch { .. })
}

/// Parses and, when accepted, signs: the properties every input must keep.
fn check(text: &str) -> Result<(), Error> {
    let key = PrivateKey::from_bytes(&[7; 32]).unwrap();
    match Transaction::from_json(text, 1) {
        Ok(tx) => {
            let signed = tx.sign(&key).unwrap();
            assert_eq!(signed.hash, format!("0x{}", hex::encode(keccak256(&signed.raw))));
            assert_eq!(signed.summary, tx.summary());
            assert!(signed.raw.len() <= Limits::MAX_JSON_BYTES);
            Ok(())
        }
        Err(e) => {
            assert!(typed(&e), "untyped error {e:?} for {}", &text[..text.len().min(200)]);
            assert!(e.to_string().len() < 400, "error text is bounded");
            Err(e)
        }
    }
}

fn refused(text: &str) -> Error {
    check(text).expect_err(&text[..text.len().min(300)])
}

#[test]
fn the_base_request_is_accepted() {
    check(BASE).unwrap();
}

#[test]
fn malformed_requests_are_typed_errors() {
    let mut cases: Vec<String> =
        ["", " ", "[]", "null", "1", "\"tx\"", "{", "{\"nonce\":1,}", "{}"].iter().map(|s| s.to_string()).collect();
    cases.push(BASE.replacen('{', r#"{"hash":"0x00","#, 1)); // unknown field
    cases.push(BASE.replacen('{', r#"{"nonce":"0x2","#, 1)); // duplicate field
    cases.push(BASE.replacen('{', r#"{"gasLimit":"0x5208","#, 1)); // gas and its alias
    cases.push(BASE.replacen('{', r#"{"input":"0x","#, 1)); // data and its alias
    cases.push(BASE.replacen('{', r#"{"v":"0x1b","#, 1));
    for (field, values) in [
        ("nonce", &["-1", "1.5", "1e3", "\"\"", "\"0x\"", "\"0xg\"", "\"12a\"", "\"+1\"", "\" 1\"", "\"1_000\"", "true", "{}", "[]", "\"0xffffffffffffffff\"", "\"18446744073709551616\""][..]),
        ("gas", &["0", "20999", "1000000001", "\"0x10000000000000000\"", "null"][..]),
        ("maxFeePerGas", &["\"0x100000000000000000000000000000000\"", "-5", "\"1e9\""][..]),
        ("maxPriorityFeePerGas", &["\"0x2540be401\"", "\"340282366920938463463374607431768211456\""][..]),
        ("type", &["3", "\"0x4\"", "5", "\"0x\"", "-1", "\"0x1\"", "\"0x0\""][..]),
        ("chainId", &["0", "\"0x\"", "-1", "\"0x10000000000000000\""][..]),
        ("to", &["\"0x123\"", "\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD\"", "\"0xZZAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"", "\"\"", "12", "\"3535353535353535353535353535353535353535\""][..]),
        ("value", &["\"0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"", "\"115792089237316195423570985008687907853269984665640564039457584007913129639936\"", "\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"", "1.0"][..]),
        ("data", &["\"0x123\"", "\"abcd\"", "\"0xzz\"", "12", "[1]"][..]),
        ("accessList", &["{}", "[1]", "[{}]", "[{\"address\":\"0x3535353535353535353535353535353535353535\"}]",
            "[{\"address\":\"0x3535353535353535353535353535353535353535\",\"storageKeys\":[],\"x\":1}]",
            "[{\"address\":\"0x3535353535353535353535353535353535353535\",\"storageKeys\":[\"0x01\"]}]",
            "[{\"address\":\"0x3535353535353535353535353535353535353535\",\"storageKeys\":[\"0x000000000000000000000000000000000000000000000000000000000000000001\"]}]",
            "[{\"address\":\"0x3535353535353535353535353535353535353535\",\"storageKeys\":[\"0000000000000000000000000000000000000000000000000000000000000001\"]}]",
            "[{\"address\":\"0x35\",\"storageKeys\":[]}]"][..]),
        ("from", &["\"0x35\"", "1", "\"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD\""][..]),
    ] {
        for v in values {
            cases.push(with(field, Some(v)));
        }
    }
    for field in ["nonce", "gas", "maxFeePerGas", "maxPriorityFeePerGas"] {
        cases.push(with(field, None));
    }
    // Fields of another envelope.
    cases.push(with("gasPrice", Some("1")));
    cases
        .push(r#"{"type":0,"nonce":1,"gasPrice":1,"gas":21000,"to":"0x3535353535353535353535353535353535353535","maxFeePerGas":1}"#.into());
    cases.push(r#"{"type":0,"nonce":1,"gasPrice":1,"gas":21000,"to":"0x3535353535353535353535353535353535353535","accessList":[]}"#.into());
    cases.push(r#"{"nonce":1,"gas":21000,"to":"0x3535353535353535353535353535353535353535"}"#.into()); // no fee at all
                                                                                                       // A contract creation without init code.
    cases.push(with("to", None));
    // Deep nesting never reaches the stack limit.
    cases.push(format!("{{\"data\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000)));
    for text in &cases {
        refused(text);
    }
    // value + max fee above 2^256 - 1; the same value with a zero fee is fine.
    let max = "\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"";
    assert!(refused(&with("value", Some(max))).to_string().contains("maximum fee"));
    let free = r#"{"nonce":1,"gasPrice":0,"gas":21000,"to":"0x3535353535353535353535353535353535353535","value":"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}"#;
    check(free).unwrap();
    assert_eq!(refused(&with("chainId", Some("5"))), Error::ChainIdMismatch { expected: 1, found: 5 });
}

#[test]
fn limits_are_enforced_and_documented_values_fit() {
    let data = |n: usize| with("data", Some(&format!("\"0x{}\"", "ab".repeat(n))));
    check(&data(Limits::MAX_DATA_BYTES)).unwrap();
    assert_eq!(
        refused(&data(Limits::MAX_DATA_BYTES + 1)),
        Error::TransactionTooLarge { what: "data".into(), limit: Limits::MAX_DATA_BYTES as u64 }
    );
    let big = format!("{}{}", BASE, " ".repeat(Limits::MAX_JSON_BYTES));
    assert!(matches!(refused(&big), Error::TransactionTooLarge { .. }));
    let item = |keys: usize| {
        format!(
            r#"{{"address":"0x3535353535353535353535353535353535353535","storageKeys":[{}]}}"#,
            vec![format!("\"0x{}\"", "11".repeat(32)); keys].join(",")
        )
    };
    let list = |items: Vec<String>| with("accessList", Some(&format!("[{}]", items.join(","))));
    check(&list(vec![item(0); Limits::MAX_ACCESS_LIST_ADDRESSES])).unwrap();
    assert!(matches!(refused(&list(vec![item(0); Limits::MAX_ACCESS_LIST_ADDRESSES + 1])), Error::TransactionTooLarge { .. }));
    check(&list(vec![item(Limits::MAX_ACCESS_LIST_STORAGE_KEYS)])).unwrap();
    assert!(matches!(refused(&list(vec![item(Limits::MAX_ACCESS_LIST_STORAGE_KEYS / 2 + 1); 2])), Error::TransactionTooLarge { .. }));
    for gas in [Limits::MIN_GAS_LIMIT, Limits::MAX_GAS_LIMIT] {
        check(&with("gas", Some(&gas.to_string()))).unwrap();
    }
    check(&with("nonce", Some("\"0xfffffffffffffffe\""))).unwrap();
    check(&with("maxFeePerGas", Some("\"0xffffffffffffffffffffffffffffffff\""))).unwrap();
}

fn json_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        "[0-9a-fA-FxX]{0,80}".prop_map(|s| format!("\"{s}\"")),
        "0x[0-9a-f]{0,70}".prop_map(|s| format!("\"{s}\"")),
        "[0-9]{0,90}".prop_map(|s| format!("\"{s}\"")),
        ".{0,40}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just("null".to_string()),
        Just("true".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just(r#"[{"address":"0x3535353535353535353535353535353535353535","storageKeys":["0x0000000000000000000000000000000000000000000000000000000000000000"]}]"#.to_string()),
    ]
}

const FIELDS: &[&str] = &[
    "type",
    "chainId",
    "nonce",
    "gas",
    "gasLimit",
    "gasPrice",
    "maxFeePerGas",
    "maxPriorityFeePerGas",
    "to",
    "from",
    "value",
    "data",
    "input",
    "accessList",
    "bogus",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Random bytes: a typed error (they are almost never a transaction).
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = check(&String::from_utf8_lossy(&bytes));
    }

    /// The valid base with fields replaced, added or removed at random.
    #[test]
    fn mutated_requests_are_signed_consistently_or_refused(
        edits in proptest::collection::vec((0..FIELDS.len(), proptest::option::weighted(0.8, json_value())), 1..5)
    ) {
        let mut text = BASE.to_string();
        for (f, v) in &edits {
            let mut map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
            map.remove(FIELDS[*f]);
            text = serde_json::to_string(&map).unwrap();
            if let Some(v) = v {
                if serde_json::from_str::<serde_json::Value>(v).is_ok() {
                    text = text.replacen('{', &format!("{{\"{}\":{v},", FIELDS[*f]), 1);
                }
            }
        }
        let _ = check(&text);
    }
}

/// Hostile requests through the whole engine: typed errors, the session intact, and an
/// accepted request signed by the session's key.
#[test]
fn hostile_requests_through_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let r = common::open(dir.path());
    r.core.create_account("Hal", common::PW, 12, imwallet_core::wallet::Language::English).unwrap();
    let address = r.core.addresses(1).unwrap()[0].clone();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = proptest::collection::vec((0..FIELDS.len(), json_value()), 1..3);
    for _ in 0..300 {
        let edits = strategy.new_tree(&mut runner).unwrap().current();
        let mut text = BASE.to_string();
        for (f, v) in &edits {
            if serde_json::from_str::<serde_json::Value>(v).is_ok() {
                text = text.replacen('{', &format!("{{\"{}\":{v},", FIELDS[*f]), 1);
            }
        }
        match r.core.sign_transaction(0, &text, 1) {
            Ok(s) => assert_eq!(s.sender, address),
            Err(e) => assert!(typed(&e) || matches!(e, Error::SignerMismatch { .. }), "{e:?}"),
        }
    }
    assert!(r.core.state().is_unlocked());
    r.core.sign_transaction(0, BASE, 1).unwrap();
}
