//! Reviewer's attacks on issue 18 (transaction signing) through the public API of
//! `imwallet_core`. `finding_*` tests assert a promise that is broken today (they fail);
//! `held_*` tests are attacks that held and stay as regressions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use imwallet_core::auth::gates::{AuthProof, Gate, GatePolicy, GatedAction};
use imwallet_core::wallet::tx::{summarize, Limits, SignedTransaction, Transaction, TransactionKind, TransactionType};
use imwallet_core::wallet::{keccak256, sign, PrivateKey, Signature};
use imwallet_core::Error;

const TO: &str = "0x3535353535353535353535353535353535353535";
/// Mixed-case EIP-55 recipient (ADDR1 of the rig).
const TO_MIXED: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

use common::tx_rig as rig;

fn pw_gate(gate: Gate, window: Option<u32>) -> GatePolicy {
    GatePolicy { gate, fresh_within_secs: window }
}

/// The error families a transaction request may fail with.
fn typed(e: &Error) -> bool {
    matches!(e, Error::InvalidTransaction { .. } | Error::TransactionTooLarge { .. } | Error::ChainIdMismatch { .. })
}

fn refused(json: &str, chain: u64) {
    match Transaction::from_json(json, chain) {
        Ok(tx) => panic!("accepted: {json}\n→ {:?}", tx.summary()),
        Err(e) => assert!(typed(&e), "untyped {e:?} for {json}"),
    }
}

fn hash_of(json: &str, chain: u64) -> [u8; 32] {
    Transaction::from_json(json, chain).unwrap_or_else(|e| panic!("{e:?} for {json}")).signing_hash()
}

// ---------------------------------------------------------------------------------------------
// A minimal RLP reader over alloy-rlp's Header (independent of the product's encoder).

fn rlp_items(mut buf: &[u8]) -> Vec<Vec<u8>> {
    let h = alloy_rlp::Header::decode(&mut buf).unwrap();
    assert!(h.list);
    assert_eq!(buf.len(), h.payload_length, "no trailing bytes");
    let mut out = Vec::new();
    while !buf.is_empty() {
        let before = buf;
        let h = alloy_rlp::Header::decode(&mut buf).unwrap();
        let hl = before.len() - buf.len();
        out.push(before[..hl + h.payload_length].to_vec());
        buf = &buf[h.payload_length..];
    }
    out
}

/// The payload of an RLP string item (panics on a list).
fn rlp_str(item: &[u8]) -> Vec<u8> {
    let mut b = item;
    let h = alloy_rlp::Header::decode(&mut b).unwrap();
    assert!(!h.list);
    b[..h.payload_length].to_vec()
}

fn be_u64(b: &[u8]) -> u64 {
    assert!(b.len() <= 8 && b.first() != Some(&0), "canonical integer");
    b.iter().fold(0u64, |a, x| (a << 8) | u64::from(*x))
}

/// secp256k1 n / 2, big-endian.
const HALF_N: [u8; 32] = hex_literal("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0");

const fn hex_literal(s: &str) -> [u8; 32] {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        let hi = (b[2 * i] as char).to_digit(16).unwrap() as u8;
        let lo = (b[2 * i + 1] as char).to_digit(16).unwrap() as u8;
        out[i] = hi << 4 | lo;
        i += 1;
    }
    out
}

fn pad32(b: &[u8]) -> [u8; 32] {
    assert!(b.len() <= 32 && b.first() != Some(&0), "r/s canonical (no leading zero)");
    let mut out = [0u8; 32];
    out[32 - b.len()..].copy_from_slice(b);
    out
}

/// Decodes a signed transaction independently, checks the signature (low-s, parity, chain in
/// v) and the summary's facts against the decoded fields; returns the recovered signer.
fn verify_signed(signed: &SignedTransaction) -> String {
    let raw = &signed.raw;
    let s = &signed.summary;
    assert_eq!(signed.hash, format!("0x{}", hex::encode(keccak256(raw))));
    assert_eq!(signed.raw_hex, format!("0x{}", hex::encode(raw)));
    let (ty, body) = if raw[0] < 0x7f { (raw[0], &raw[1..]) } else { (0u8, &raw[..]) };
    let f = rlp_items(body);
    let (chain, nonce, fees, gas, rest, sig) = match ty {
        0 => {
            assert_eq!(f.len(), 9);
            let v = be_u64(&rlp_str(&f[6]));
            let chain = (v - 35) / 2;
            let parity = ((v - 35) % 2) as u8;
            assert!(v >= 37, "EIP-155 v");
            // The signing payload: the 6 fields + chain id, 0, 0.
            let mut payload_fields: Vec<u8> = f[..6].concat();
            payload_fields.extend(alloy_rlp::encode(chain));
            payload_fields.extend([0x80, 0x80]);
            let mut payload = Vec::new();
            alloy_rlp::Header { list: true, payload_length: payload_fields.len() }.encode(&mut payload);
            payload.extend(payload_fields);
            (
                chain,
                be_u64(&rlp_str(&f[0])),
                vec![rlp_str(&f[1])],
                be_u64(&rlp_str(&f[2])),
                f[3..6].to_vec(),
                (payload, parity, &f[7], &f[8]),
            )
        }
        1 | 2 => {
            let n = if ty == 1 { 11 } else { 12 };
            assert_eq!(f.len(), n);
            let yp = rlp_str(&f[n - 3]);
            assert!(yp.is_empty() || yp == [1], "yParity is 0 (empty) or 1, got {yp:?}");
            let parity = if yp.is_empty() { 0 } else { 1 };
            let mut payload = vec![ty];
            let fields: Vec<u8> = f[..n - 3].concat();
            alloy_rlp::Header { list: true, payload_length: fields.len() }.encode(&mut payload);
            payload.extend(fields);
            let nfee = if ty == 1 { 1 } else { 2 };
            let fees: Vec<Vec<u8>> = f[2..2 + nfee].iter().map(|x| rlp_str(x)).collect();
            let gas = be_u64(&rlp_str(&f[2 + nfee]));
            (
                be_u64(&rlp_str(&f[0])),
                be_u64(&rlp_str(&f[1])),
                fees,
                gas,
                f[3 + nfee..6 + nfee].to_vec(),
                (payload, parity, &f[n - 2], &f[n - 1]),
            )
        }
        t => panic!("unexpected type {t}"),
    };
    let (payload, parity, r, ss) = sig;
    let hash = keccak256(&payload);
    assert_eq!(s.signing_hash, format!("0x{}", hex::encode(hash)), "summary's signing hash is the decoded payload's");
    let sig = Signature { r: pad32(&rlp_str(r)), s: pad32(&rlp_str(ss)), v: 27 + parity };
    assert!(sig.s <= HALF_N, "low-s");
    assert_eq!(s.chain_id, chain);
    assert_eq!(s.nonce, nonce);
    assert_eq!(s.gas_limit, gas);
    let to = rlp_str(&rest[0]);
    let value = rlp_str(&rest[1]);
    let data = rlp_str(&rest[2]);
    match &s.to {
        Some(a) => assert_eq!(a.to_lowercase(), format!("0x{}", hex::encode(&to))),
        None => assert!(to.is_empty()),
    }
    assert_eq!(s.kind == TransactionKind::ContractCreation, to.is_empty());
    assert_eq!(s.kind == TransactionKind::Transfer, !to.is_empty() && data.is_empty());
    assert_eq!(s.data_len as usize, data.len());
    assert!(value.first() != Some(&0));
    assert_eq!(s.value_wei, ruint::aliases::U256::from_be_slice(&value).to_string());
    let fee = |b: &Vec<u8>| {
        assert!(b.first() != Some(&0));
        ruint::aliases::U256::from_be_slice(b).to_string()
    };
    match s.transaction_type {
        TransactionType::Legacy | TransactionType::Eip2930 => assert_eq!(s.gas_price_wei.as_ref(), Some(&fee(&fees[0]))),
        TransactionType::Eip1559 => {
            assert_eq!(s.max_priority_fee_per_gas_wei.as_ref(), Some(&fee(&fees[0])));
            assert_eq!(s.max_fee_per_gas_wei.as_ref(), Some(&fee(&fees[1])));
        }
    }
    assert_eq!(s.transaction_type.clone() as u8, ty, "type");
    sign::recover(&hash, &sig).unwrap().to_checksum()
}

// =============================================================================================
// 1. What is signed is what the summary shows.

#[test]
fn held_duplicate_keys_aliases_and_unicode_escaped_keys_are_refused() {
    let base = r#""nonce":0,"gasPrice":1,"gas":21000"#;
    for dup in [
        format!(r#"{{{base},"to":"{TO}","to":"{TO_MIXED}"}}"#),
        format!(r#"{{{base},"to":"{TO}","value":1,"value":2}}"#),
        format!(r#"{{{base},"to":"{TO}","chainId":5,"chainId":1}}"#),
        format!(r#"{{{base},"to":"{TO}","gasLimit":30000}}"#),
        format!(r#"{{{base},"to":"{TO}","data":"0x","input":"0xa9059cbb"}}"#),
        format!(r#"{{{base},"to":"{TO}","input":"0x","input":"0xa9059cbb"}}"#),
        format!(r#"{{{base},"to":"{TO}","\u0074o":"{TO_MIXED}"}}"#),
        format!(r#"{{{base},"to":"{TO}","value":1,"\u0076alue":"0xffff"}}"#),
        format!(r#"{{{base},"to":"{TO}","type":0,"type":2}}"#),
        format!(r#"{{{base},"to":"{TO}","accessList":[],"accessList":[]}}"#),
        format!(r#"{{{base},"to":"{TO}","nonce":1}}"#),
        format!(r#"{{{base},"to":"{TO}","accessList":[{{"address":"{TO}","address":"{TO_MIXED}","storageKeys":[]}}]}}"#),
        // Case variants and near-misses are unknown fields.
        format!(r#"{{{base},"To":"{TO}"}}"#),
        format!(r#"{{{base},"to":"{TO}","Value":1}}"#),
        format!(r#"{{{base},"to":"{TO}","chainID":5}}"#),
        format!(r#"{{{base},"to":"{TO}","chain_id":5}}"#),
        format!(r#"{{{base},"to":"{TO}","value ":1}}"#),
        format!(r#"{{{base},"to":"{TO}","v":27,"r":"0x1","s":"0x1"}}"#),
        format!(r#"{{{base},"to":"{TO}"}} {{"to":"{TO_MIXED}"}}"#),
        format!(r#"[{{{base},"to":"{TO}"}}]"#),
    ] {
        refused(&dup, 1);
    }
    // The escaped key on its own is the same key, and signs the same bytes.
    assert_eq!(hash_of(&format!(r#"{{{base},"\u0074o":"{TO}"}}"#), 1), hash_of(&format!(r#"{{{base},"to":"{TO}"}}"#), 1));
}

#[test]
fn held_quantity_spellings_sign_the_same_bytes_and_odd_numbers_are_refused() {
    let one_eth = [
        r#""1000000000000000000""#,
        "1000000000000000000",
        r#""0xde0b6b3a7640000""#,
        r#""0XDE0B6B3A7640000""#,
        r#""0x0000000de0b6b3a7640000""#,
        r#""0001000000000000000000""#,
    ];
    let t = |v: &str| format!(r#"{{"nonce":0,"gasPrice":1,"gas":21000,"to":"{TO}","value":{v}}}"#);
    let h = hash_of(&t(one_eth[0]), 1);
    for v in one_eth {
        assert_eq!(hash_of(&t(v), 1), h, "{v}");
        let s = summarize(&t(v), 1).unwrap();
        assert_eq!((s.value_eth.as_str(), s.value_wei.as_str()), ("1", "1000000000000000000"));
    }
    // "10" is decimal ten, never hex 0x10: the summary says so.
    assert_eq!(summarize(&t(r#""10""#), 1).unwrap().value_wei, "10");
    for v in [
        "-1",
        "-0",
        "1.0",
        "1e18",
        "1E3",
        "0.5",
        "18446744073709551616",
        "1000000000000000000000",
        r#""-1""#,
        r#""+1""#,
        r#""1.5""#,
        r#""1e18""#,
        r#"" 1""#,
        r#""1 ""#,
        r#""0x""#,
        r#""0x-1""#,
        r#""0x 1""#,
        r#""0x1_0""#,
        r#""""#,
        r#""١""#, // Arabic-Indic digit one
        r#""\u0031\u0000""#,
        r#""0b1""#,
        r#""0o7""#,
        "true",
        "[1]",
        r#"{"value":1}"#,
        // > 2^256 - 1 in both spellings, and 65 hex digits.
        r#""115792089237316195423570985008687907853269984665640564039457584007913129639936""#,
        r#""0x10000000000000000000000000000000000000000000000000000000000000000""#,
    ] {
        refused(&t(v), 1);
    }
    // 2^256 - 1 is accepted (no fee) and displayed exactly.
    let max = r#""0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff""#;
    refused(&t(max), 1); // + gas × price overflows
    let zero_fee = format!(r#"{{"nonce":0,"gasPrice":0,"gas":21000,"to":"{TO}","value":{max}}}"#);
    let s = summarize(&zero_fee, 1).unwrap();
    assert_eq!(s.value_wei, "115792089237316195423570985008687907853269984665640564039457584007913129639935");
    // Fees at the 2^128 - 1 bound and just over it.
    let fee = |p: &str| format!(r#"{{"nonce":0,"gasPrice":{p},"gas":21000,"to":"{TO}"}}"#);
    assert_eq!(summarize(&fee(r#""0xffffffffffffffffffffffffffffffff""#), 1).unwrap().gas_price_wei.unwrap(), u128::MAX.to_string());
    refused(&fee(r#""0x100000000000000000000000000000000""#), 1);
}

#[test]
fn held_recipient_spellings() {
    let t = |to: &str| format!(r#"{{"nonce":0,"gasPrice":1,"gas":53000,{to}"data":"0x6000"}}"#);
    // Missing and null are both a creation (documented); "" and garbage are refused.
    let creation = hash_of(&t(""), 1);
    assert_eq!(hash_of(&t(r#""to":null,"#), 1), creation);
    assert_eq!(summarize(&t(r#""to":null,"#), 1).unwrap().kind, TransactionKind::ContractCreation);
    for bad in [
        r#""to":"","#,
        r#""to":"0x","#,
        r#""to":"0x00","#,
        r#""to":0,"#,
        r#""to":false,"#,
        r#""to":[],"#,
        r#""to":{},"#,
        r#""to":"3535353535353535353535353535353535353535","#,
        r#""to":"0x353535353535353535353535353535353535353535","#, // 21 bytes
        r#""to":"0x70997970c51812dc3A010C7d01b50e0d17dc79C8","#,   // bad checksum
        r#""to":"0x3535353535353535353535353535353535353535\u0000","#,
        r#""to":"0x353535353535353535353535353535353535353g","#,
    ] {
        refused(&t(bad), 1);
    }
    // Lower/upper case of a checksummed address: the same recipient, shown EIP-55.
    for spelled in [TO_MIXED.to_lowercase(), format!("0x{}", TO_MIXED[2..].to_uppercase()), TO_MIXED.to_string()] {
        let s = summarize(&t(&format!(r#""to":"{spelled}","#)), 1).unwrap();
        assert_eq!(s.to.as_deref(), Some(TO_MIXED));
        assert_eq!(s.kind, TransactionKind::ContractCall);
    }
    // The zero address is a transfer to 0x0…0, never a creation.
    let zero = format!(r#"{{"nonce":0,"gasPrice":1,"gas":21000,"to":"0x0000000000000000000000000000000000000000"}}"#);
    let s = summarize(&zero, 1).unwrap();
    assert_eq!((s.kind, s.to.as_deref()), (TransactionKind::Transfer, Some("0x0000000000000000000000000000000000000000")));
    assert_ne!(
        hash_of(&zero.replace(r#""to":"0x0000000000000000000000000000000000000000""#, r#""to":null,"data":"0x00""#), 1),
        hash_of(&zero, 1)
    );
}

#[test]
fn held_type_must_match_the_fields() {
    let to = format!(r#""to":"{TO}""#);
    for bad in [
        format!(r#"{{"type":0,"nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#),
        format!(r#"{{"type":"0x0","nonce":0,"gasPrice":1,"gas":21000,{to},"accessList":[]}}"#),
        format!(r#"{{"type":1,"nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#),
        format!(r#"{{"type":2,"nonce":0,"gasPrice":1,"gas":21000,{to}}}"#),
        format!(r#"{{"type":2,"nonce":0,"gasPrice":1,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#),
        format!(r#"{{"nonce":0,"gasPrice":1,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#),
        format!(r#"{{"nonce":0,"gasPrice":1,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#),
        format!(r#"{{"type":2,"nonce":0,"maxFeePerGas":2,"gas":21000,{to}}}"#),
        format!(r#"{{"type":2,"nonce":0,"maxFeePerGas":1,"maxPriorityFeePerGas":2,"gas":21000,{to}}}"#),
        format!(r#"{{"type":"0x3","nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#),
        format!(r#"{{"type":"0x4","nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#),
        format!(r#"{{"type":2.0,"nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#),
        format!(r#"{{"type":"0x102","nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#),
        format!(r#"{{"type":"0x10000000000000002","nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#),
        format!(r#"{{"type":-2,"nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#),
        format!(r#"{{"type":"legacy","nonce":0,"gasPrice":1,"gas":21000,{to}}}"#),
        format!(r#"{{"type":"0x7e","nonce":0,"gasPrice":1,"gas":21000,{to}}}"#),
    ] {
        refused(&bad, 1);
    }
    // Inferred or spelled, the envelope shown is the envelope signed (the type byte).
    for (json, ty) in [
        (format!(r#"{{"nonce":0,"gasPrice":1,"gas":21000,{to}}}"#), TransactionType::Legacy),
        (format!(r#"{{"type":null,"nonce":0,"gasPrice":1,"gas":21000,{to},"accessList":null}}"#), TransactionType::Legacy),
        (format!(r#"{{"nonce":0,"gasPrice":1,"gas":21000,{to},"accessList":[]}}"#), TransactionType::Eip2930),
        (format!(r#"{{"type":"0x01","nonce":0,"gasPrice":1,"gas":21000,{to}}}"#), TransactionType::Eip2930),
        (format!(r#"{{"type":"2","nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#), TransactionType::Eip1559),
        (format!(r#"{{"nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,{to}}}"#), TransactionType::Eip1559),
    ] {
        let tx = Transaction::from_json(&json, 1).unwrap();
        assert_eq!(tx.summary().transaction_type, ty, "{json}");
        let payload = tx.signing_payload();
        match ty.type_byte() {
            Some(b) => assert_eq!(payload[0], b),
            None => assert!(payload[0] >= 0xc0),
        }
    }
}

#[test]
fn held_access_list_shapes() {
    let t = |al: &str| format!(r#"{{"type":1,"nonce":0,"gasPrice":1,"gas":21000,"to":"{TO}","accessList":{al}}}"#);
    let key = format!("0x{}", "11".repeat(32));
    for bad in [
        "{}".to_string(),
        "1".to_string(),
        r#""0x""#.to_string(),
        format!(r#"[{{"address":"{TO}"}}]"#),
        format!(r#"[{{"address":"{TO}","storageKeys":null}}]"#),
        format!(r#"[{{"address":"{TO}","storageKeys":{{}}}}]"#),
        format!(r#"[{{"address":"{TO}","storageKeys":["0x11"]}}]"#),
        format!(r#"[{{"address":"{TO}","storageKeys":["0x{}"]}}]"#, "1".repeat(63)),
        format!(r#"[{{"address":"{TO}","storageKeys":["0x{}"]}}]"#, "1".repeat(65)),
        format!(r#"[{{"address":"{TO}","storageKeys":["{}"]}}]"#, "1".repeat(66)),
        format!(r#"[{{"address":"{TO}","storageKeys":[17]}}]"#),
        format!(r#"[{{"address":"{TO}","storageKeys":[["{key}"]]}}]"#),
        format!(r#"[{{"storageKeys":[]}}]"#),
        format!(r#"[{{"address":null,"storageKeys":[]}}]"#),
        format!(r#"[{{"address":"{TO}","storageKeys":[],"extra":1}}]"#),
        format!(r#"[{{"address":"{TO}","storage_keys":[]}}]"#),
        format!(r#"[null]"#),
    ] {
        refused(&t(&bad), 1);
    }
    // Duplicate addresses and keys are valid in the protocol: counted as given.
    let dup = format!(r#"[{{"address":"{TO}","storageKeys":["{key}","{key}"]}},{{"address":"{TO}","storageKeys":[]}}]"#);
    let s = summarize(&t(&dup), 1).unwrap();
    assert_eq!((s.access_list_addresses, s.access_list_storage_keys), (2, 2));
    // Limits exactly at and just over.
    let many = |n: usize, keys: usize| {
        let item = format!(r#"{{"address":"{TO}","storageKeys":[{}]}}"#, vec![format!("\"{key}\""); keys].join(","));
        format!("[{}]", vec![item; n].join(","))
    };
    assert_eq!(summarize(&t(&many(256, 4)), 1).unwrap().access_list_storage_keys, 1024);
    refused(&t(&many(257, 0)), 1);
    refused(&t(&many(256, 5)), 1);
}

/// serde's derived `Deserialize` also takes a struct as a JSON *array* of its fields in
/// declaration order: the whole request and each access-list item may be positional arrays,
/// an undocumented shape (docs/api.md: an object; unknown fields refused). A shell, proxy or
/// policy layer that looks at the request as an object (e.g. a blocklist on `to`, a value cap)
/// sees no fields at all, while the core signs a full transfer. The summary is still right.
#[test]
fn fixed_positional_array_requests_are_refused() {
    // type, chainId, nonce, gas, gasPrice, maxFeePerGas, maxPriorityFeePerGas, from, to, value, data, accessList
    let positional = format!(r#"[null,null,0,21000,1,null,null,null,"{TO}","1000000000000000000",null,null]"#);
    let as_array_item =
        format!(r#"{{"type":1,"nonce":0,"gasPrice":1,"gas":21000,"to":"{TO}","accessList":[["{TO}",["0x{}"]]]}}"#, "11".repeat(32));
    let mut accepted = Vec::new();
    for json in [&positional, &as_array_item] {
        if let Ok(s) = summarize(json, 1) {
            accepted.push(format!("{json}\n  → {} wei to {:?} ({:?})", s.value_wei, s.to, s.kind));
        }
    }
    assert!(accepted.is_empty(), "undocumented positional shapes accepted:\n{}", accepted.join("\n"));
}

// =============================================================================================
// 2. The chain check.

#[test]
fn held_chain_id_spellings_and_out_of_range_values() {
    let t = |c: &str| SEND.replacen('{', &format!(r#"{{"chainId":{c},"#), 1);
    let on_1 = hash_of(SEND, 1);
    for same in ["1", r#""1""#, r#""0x1""#, r#""0x01""#, r#""0X1""#, r#""001""#, "null"] {
        assert_eq!(hash_of(&t(same), 1), on_1, "{same}");
    }
    for (c, found) in [
        ("0", 0u64),
        (r#""0x0""#, 0),
        ("5", 5),
        (r#""0x10""#, 16), // hex, not decimal 10
        ("9223372036854775808", 1 << 63),
        ("18446744073709551615", u64::MAX),
        (r#""0xffffffffffffffff""#, u64::MAX),
        (r#""0x0000000000000000000000000000000000000000000000000000000000000005""#, 5),
    ] {
        assert_eq!(Transaction::from_json(&t(c), 1).unwrap_err(), Error::ChainIdMismatch { expected: 1, found }, "{c}");
    }
    // Values whose low 64 bits equal the declared chain: refused, never truncated.
    for c in [
        r#""0x10000000000000001""#,
        r#""18446744073709551617""#,
        r#""0x0100000000000000000000000000000000000000000000000000000000000001""#,
        "18446744073709551617",
        "1.0",
        "-1",
        "true",
        r#""""#,
        r#""0x""#,
        "[1]",
    ] {
        refused(&t(c), 1);
    }
    // The declared chain is range-checked; a JSON chain id can never be above it.
    for bad in [0, Limits::MAX_CHAIN_ID + 1, 1 << 63, u64::MAX] {
        assert!(matches!(Transaction::from_json(SEND, bad), Err(Error::InvalidArgument { .. })));
        assert!(matches!(summarize(SEND, bad), Err(Error::InvalidArgument { .. })));
    }
    // At the top of the range, legacy v = 2c + 35 + parity still fits and decodes to c.
    let key = PrivateKey::from_bytes(&[7; 32]).unwrap();
    let legacy = format!(r#"{{"nonce":0,"gasPrice":1,"gas":21000,"to":"{TO}"}}"#);
    for c in [1, 56, 137, 1337, 11155111, u64::from(u32::MAX), Limits::MAX_CHAIN_ID] {
        let signed = Transaction::from_json(&legacy, c).unwrap().sign(&key).unwrap();
        assert_eq!(verify_signed(&signed), key.address().to_checksum());
        assert_eq!(signed.summary.chain_id, c);
    }
}

#[test]
fn held_no_pre_eip155_signature_and_no_chainless_path() {
    // A legacy request always carries the chain in v; the unsigned payload has 9 fields.
    let legacy = format!(r#"{{"type":"0x0","nonce":0,"gasPrice":1,"gas":21000,"to":"{TO}"}}"#);
    let tx = Transaction::from_json(&legacy, 1).unwrap();
    assert_eq!(rlp_items(&tx.signing_payload()).len(), 9);
    let key = PrivateKey::from_bytes(&[7; 32]).unwrap();
    let raw = tx.sign(&key).unwrap().raw;
    let v = be_u64(&rlp_str(&rlp_items(&raw)[6]));
    assert!(v == 37 || v == 38, "v = {v}");
}

// =============================================================================================
// 3. The gate.

/// A password typed to approve a *message* (`authorize(SignMessage)`) is spent by
/// `sign_digest` on a transaction's signing hash while the account's `SignTransaction` gate
/// demands the password for every transaction: one message approval = one blind transaction.
#[test]
fn fixed_sign_digest_no_longer_spends_a_sign_message_grant_on_a_transaction() {
    let (_d, r) = rig();
    for a in [GatedAction::SignMessage, GatedAction::SignTransaction] {
        r.core.set_gate_policy(a, pw_gate(Gate::Password, None), AuthProof::Password(PW)).unwrap();
    }
    let tx = Transaction::from_json(SEND, 1).unwrap();
    // The user approves a message signature.
    r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).unwrap();
    // sign_transaction rightly refuses that grant ...
    assert!(matches!(r.core.sign_transaction(0, SEND, 1), Err(Error::AuthorizationRequired { .. })));
    // ... but the same transaction, hashed by the caller, is signed with it.
    let got = r.core.sign_digest(0, &tx.signing_hash());
    if let Ok(sig) = &got {
        assert_eq!(sign::recover(&tx.signing_hash(), sig).unwrap().to_checksum(), ADDR0, "a valid signature of the transaction");
    }
    assert!(
        matches!(got, Err(Error::AuthorizationRequired { .. })),
        "a SignMessage grant paid for a transaction signature under a password-every-time SignTransaction gate: {got:?}"
    );
}

/// Same with a windowed message grant: within the SignMessage window, raw digests of
/// transactions are signed repeatedly... but only once per grant when SignTransaction has no
/// window (the grant is used up). Here SignTransaction also has a (shorter) window: any number
/// of transactions may be signed through `sign_digest` on the strength of a message approval.
#[test]
fn fixed_a_windowed_sign_message_grant_no_longer_signs_transaction_digests() {
    let (_d, r) = rig();
    r.core.set_gate_policy(GatedAction::SignMessage, pw_gate(Gate::Password, Some(600)), AuthProof::Password(PW)).unwrap();
    r.core.set_gate_policy(GatedAction::SignTransaction, pw_gate(Gate::Password, Some(60)), AuthProof::Password(PW)).unwrap();
    r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).unwrap();
    assert!(matches!(r.core.sign_transaction(0, SEND, 1), Err(Error::AuthorizationRequired { .. })), "no SignTransaction grant");
    let mut signed = 0;
    for nonce in 0..5 {
        let json = SEND.replace(r#""nonce":"0x0""#, &format!(r#""nonce":{nonce}"#));
        if r.core.sign_digest(0, &Transaction::from_json(&json, 1).unwrap().signing_hash()).is_ok() {
            signed += 1;
        }
    }
    assert_eq!(signed, 0, "{signed} transactions signed via sign_digest with only a SignMessage grant");
}

#[test]
fn held_other_signing_paths_and_grants_do_not_open_sign_transaction() {
    let (_d, r) = rig();
    r.core.set_gate_policy(GatedAction::SignTransaction, pw_gate(Gate::Password, None), AuthProof::Password(PW)).unwrap();
    let hash = Transaction::from_json(SEND, 1).unwrap().signing_hash();
    for a in GatedAction::ALL {
        if a == GatedAction::SignTransaction {
            continue;
        }
        let _ = r.core.authorize(a, AuthProof::Password(PW));
        assert!(matches!(r.core.sign_transaction(0, SEND, 1), Err(Error::AuthorizationRequired { .. })), "after authorize({a:?})");
    }
    // SignMessage and SignTypedData default to None: sign_digest still needs the password.
    assert!(matches!(r.core.sign_digest(0, &hash), Err(Error::AuthorizationRequired { .. })));
    // sign_message never signs the raw hash (EIP-191 prefix).
    let m = r.core.sign_message(0, &hash).unwrap();
    assert_ne!(sign::recover(&hash, &m).ok().map(|a| a.to_checksum()), Some(ADDR0.to_string()));
    // A digest of the wrong length is refused, not padded.
    assert!(matches!(r.core.sign_digest(0, &hash[..31]), Err(Error::InvalidArgument { .. })));
    // Granted once, used once — and a refused request does not spend it.
    r.core.authorize(GatedAction::SignTransaction, AuthProof::Password(PW)).unwrap();
    assert!(r.core.sign_transaction(0, "{", 1).is_err());
    r.core.sign_transaction(0, SEND, 1).unwrap();
    assert!(r.core.sign_transaction(0, SEND, 1).is_err());
}

/// Many threads sign while another turns the gate on: once `set_gate_policy` has returned, no
/// `sign_transaction` that *starts* afterwards succeeds without a grant.
#[test]
fn held_gate_change_races_with_signers() {
    let (_d, r) = rig();
    let core = &r.core;
    let gated = AtomicBool::new(false);
    let stop = AtomicBool::new(false);
    let breaches = AtomicUsize::new(0);
    let ok_before = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for t in 0..3u32 {
            let (gated, stop, breaches, ok_before) = (&gated, &stop, &breaches, &ok_before);
            sc.spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let was_gated = gated.load(Ordering::SeqCst);
                    let res = match t {
                        0 | 1 => core.sign_transaction(t, SEND, 1).map(|_| ()),
                        _ => core.sign_digest(0, &[9; 32]).map(|_| ()),
                    };
                    match res {
                        Ok(()) if was_gated => {
                            breaches.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(()) => {
                            ok_before.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(Error::AuthorizationRequired { .. }) => {}
                        Err(e) => panic!("{e:?}"),
                    }
                }
            });
        }
        while ok_before.load(Ordering::SeqCst) < 3 {
            std::thread::sleep(Duration::from_millis(5));
        }
        core.set_gate_policy(GatedAction::SignTransaction, pw_gate(Gate::Password, None), AuthProof::Password(PW)).unwrap();
        gated.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(800));
        stop.store(true, Ordering::SeqCst);
    });
    assert_eq!(breaches.load(Ordering::SeqCst), 0);
}

// =============================================================================================
// 4. Hostile input: typed errors, bounded work.

#[test]
fn held_hostile_inputs_are_typed_errors_in_bounded_time() {
    let mib = Limits::MAX_JSON_BYTES;
    let pad = |prefix: &str, fill: &str, suffix: &str| {
        let n = (mib - prefix.len() - suffix.len()) / fill.len();
        format!("{prefix}{}{suffix}", fill.repeat(n))
    };
    let cases: Vec<(&str, String)> = vec![
        ("deep array in from", pad(r#"{"from":"#, "[", "")),
        ("deep array closed", format!(r#"{{"from":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000))),
        ("deep object", format!(r#"{{"to":{}1{}}}"#, r#"{"a":"#.repeat(50_000), "}".repeat(50_000))),
        ("1 MiB whitespace", pad("{", " ", "}")),
        ("1 MiB string in to", pad(r#"{"to":""#, "a", r#""}"#)),
        ("1 MiB hex value", pad(r#"{"value":"0x"#, "f", r#""}"#)),
        ("1 MiB decimal value", pad(r#"{"value":""#, "9", r#""}"#)),
        ("1 MiB hex data", pad(r#"{"data":"0x"#, "ab", r#""}"#)),
        (
            "odd data at the limit",
            format!(r#"{{"nonce":0,"gasPrice":1,"gas":21000,"to":"{TO}","data":"0x{}1"}}"#, "ab".repeat(Limits::MAX_DATA_BYTES)),
        ),
        (
            "data one byte over",
            format!(r#"{{"nonce":0,"gasPrice":1,"gas":21000,"to":"{TO}","data":"0x{}"}}"#, "ab".repeat(Limits::MAX_DATA_BYTES + 1)),
        ),
        ("many storage keys as zeros", pad(r#"{"accessList":[{"address":"0x","storageKeys":[0"#, ",0", "]}]}")),
        ("many access list items", pad(r#"{"accessList":[{"address":0,"storageKeys":[]}"#, r#",{"address":0,"storageKeys":[]}"#, "]}")),
        ("many numbers", pad(r#"{"value":[0"#, ",0", "]}")),
        ("just over 1 MiB", format!(r#"{{"nonce":0,"data":"{}"}}"#, " ".repeat(mib))),
        ("unicode escapes", pad(r#"{"to":""#, r"\u0030", r#""}"#)),
        ("lone surrogate", r#"{"to":"\ud800"}"#.to_string()),
        ("nul", "{\"to\":\"\0\"}".to_string()),
        ("empty", String::new()),
        ("null", "null".to_string()),
        ("BOM", format!("\u{feff}{SEND}")),
    ];
    for (label, json) in cases {
        let t = Instant::now();
        let r = std::panic::catch_unwind(|| Transaction::from_json(&json, 1).map(|_| ()));
        let elapsed = t.elapsed();
        match r {
            Ok(Ok(())) => panic!("{label}: accepted"),
            Ok(Err(e)) => assert!(typed(&e), "{label}: untyped {e:?}"),
            Err(_) => panic!("{label}: panicked"),
        }
        assert!(elapsed < Duration::from_secs(2), "{label}: {elapsed:?}");
    }
    // The largest accepted request: signs in bounded time and bytes.
    let big = format!(
        r#"{{"type":2,"nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":1000000000,"data":"0x{}","accessList":[{}]}}"#,
        "ab".repeat(Limits::MAX_DATA_BYTES),
        vec![
            format!(
                r#"{{"address":"{TO}","storageKeys":["0x{}","0x{}","0x{}","0x{}"]}}"#,
                "1".repeat(64),
                "2".repeat(64),
                "3".repeat(64),
                "4".repeat(64)
            );
            256
        ]
        .join(",")
    );
    assert!(big.len() <= mib);
    let t = Instant::now();
    let key = PrivateKey::from_bytes(&[7; 32]).unwrap();
    let signed = Transaction::from_json(&big, 1).unwrap().sign(&key).unwrap();
    assert!(t.elapsed() < Duration::from_secs(2));
    assert_eq!(signed.summary.kind, TransactionKind::ContractCreation);
    assert_eq!(verify_signed(&signed), key.address().to_checksum());
}

/// Byte-level mutations of valid requests (flip, delete, duplicate a span) under
/// `catch_unwind`: never a panic; whatever is accepted verifies independently.
#[test]
fn held_byte_mutations_never_panic_and_accepted_ones_verify() {
    let key = PrivateKey::from_bytes(&[7; 32]).unwrap();
    let seeds = [
        SEND.to_string(),
        format!(
            r#"{{"type":"0x1","chainId":"0x1","nonce":"0x7","gasPrice":"0x1","gas":"0x7530","to":"{TO_MIXED}","value":"0x10","data":"0xa9059cbb00","accessList":[{{"address":"{TO}","storageKeys":["0x{}"]}}]}}"#,
            "0".repeat(64)
        ),
        format!(r#"{{"nonce":3,"gasPrice":"20000000000","gasLimit":"0x186a0","input":"0x6080604052","value":"0x0"}}"#),
    ];
    let mut state = 0x2545F4914F6CDD1Du64;
    let mut rnd = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let alphabet = b"0123456789abcdefxX\"{}[],:-.eE+ nul\\";
    let mut accepted = 0;
    for i in 0..20_000 {
        let mut b = seeds[i % seeds.len()].clone().into_bytes();
        for _ in 0..1 + rnd(3) {
            let p = rnd(b.len());
            match rnd(3) {
                0 => b[p] = alphabet[rnd(alphabet.len())],
                1 => {
                    b.remove(p);
                }
                _ => {
                    let e = (p + rnd(12)).min(b.len());
                    let span = b[p..e].to_vec();
                    b.splice(p..p, span);
                }
            }
        }
        let text = String::from_utf8_lossy(&b).into_owned();
        let r = std::panic::catch_unwind(|| Transaction::from_json(&text, 1).map(|tx| tx.sign(&key).unwrap()));
        match r {
            Err(_) => panic!("panic on {text}"),
            Ok(Err(e)) => assert!(typed(&e), "{e:?} for {text}"),
            Ok(Ok(signed)) => {
                accepted += 1;
                assert_eq!(signed.summary, summarize(&text, 1).unwrap());
                assert_eq!(verify_signed(&signed), key.address().to_checksum(), "{text}");
            }
        }
    }
    assert!(accepted > 100, "mutations kept some valid requests ({accepted})");
}

// =============================================================================================
// 5. Signatures: canonical, v/yParity right, recover to the account; eth-account cross-check.

#[test]
fn held_signatures_canonical_and_recover_through_the_engine() {
    let (_d, r) = rig();
    let requests = [
        SEND.to_string(),
        format!(r#"{{"nonce":9,"gasPrice":"0x4a817c800","gas":21000,"to":"{TO}","value":"0x0"}}"#),
        format!(
            r#"{{"type":1,"nonce":1,"gasPrice":1,"gas":60000,"to":"{TO}","data":"0xa9059cbb","accessList":[{{"address":"{TO}","storageKeys":["0x{}"]}}]}}"#,
            "00".repeat(32)
        ),
        format!(r#"{{"type":2,"nonce":2,"maxFeePerGas":2,"maxPriorityFeePerGas":2,"gas":90000,"data":"0x6000"}}"#),
    ];
    let mut parities = std::collections::HashSet::new();
    for (i, json) in requests.iter().enumerate() {
        for nonce in 0..12u64 {
            let json = json.replacen('{', &format!(r#"{{"from":"{ADDR0}","#), 1);
            let json = if nonce == 0 { json } else { json.replacen("\"nonce\":", &format!("\"nonce\":{nonce},\"_\":"), 1) };
            let json = json.replace(r#","_":"0x0""#, "").replace(r#","_":9"#, "").replace(r#","_":1"#, "").replace(r#","_":2"#, "");
            let signed = r.core.sign_transaction(0, &json, 137).unwrap_or_else(|e| panic!("{i}/{nonce}: {e:?} {json}"));
            assert_eq!(verify_signed(&signed), ADDR0);
            assert_eq!(signed.sender, ADDR0);
            parities.insert((signed.summary.transaction_type as u8, signed.summary.signing_hash.clone()));
        }
    }
    assert!(parities.len() >= 40);
}

/// eth-account (independent): recovers every signed transaction to our key and builds the
/// byte-identical transaction from the summary's fields — all three envelopes, creations,
/// access lists, extreme values and signatures whose r or s has leading zero bytes.
#[test]
fn held_eth_account_agrees_byte_for_byte() {
    let python = "/var/cache/imwallet/venv/bin/python";
    if !std::path::Path::new(python).exists() {
        eprintln!("skipped: no venv");
        return;
    }
    let key = PrivateKey::from_bytes(&[7; 32]).unwrap();
    let key_hex = "07".repeat(32);
    let key_hex = key_hex.as_str();
    let big = r#""0xffffffffffffffffffffffffffffffff""#;
    let mut requests = vec![
        (format!(r#"{{"nonce":0,"gasPrice":{big},"gas":21000,"to":"{TO}","value":"0x0"}}"#), 1u64),
        (
            format!(r#"{{"nonce":"18446744073709551614","gasPrice":0,"gas":1000000000,"to":"{TO_MIXED}","value":"0xfffffffffff"}}"#),
            Limits::MAX_CHAIN_ID,
        ),
        (format!(r#"{{"nonce":1,"gasPrice":1,"gas":60000,"data":"0x6080"}}"#), 56),
        (format!(r#"{{"type":1,"nonce":127,"gasPrice":128,"gas":21000,"to":"{TO}","accessList":[]}}"#), 1),
        (
            format!(
                r#"{{"type":1,"nonce":128,"gasPrice":255,"gas":65535,"data":"0x00","accessList":[{{"address":"{TO_MIXED}","storageKeys":["0x{}","0x{}"]}},{{"address":"{TO}","storageKeys":[]}}]}}"#,
                "00".repeat(32),
                "ff".repeat(32)
            ),
            11155111,
        ),
        (format!(r#"{{"type":2,"nonce":0,"maxFeePerGas":{big},"maxPriorityFeePerGas":{big},"gas":21000,"to":"{TO}","value":"1"}}"#), 10),
        (
            format!(
                r#"{{"type":2,"nonce":5,"maxFeePerGas":0,"maxPriorityFeePerGas":0,"gas":100000,"data":"0x{}","accessList":[{{"address":"{TO}","storageKeys":["0x{}"]}}]}}"#,
                "5b".repeat(300),
                "01".repeat(32)
            ),
            8453,
        ),
        (
            format!(
                r#"{{"type":2,"nonce":6,"maxFeePerGas":3,"maxPriorityFeePerGas":1,"gas":21000,"to":"{TO}","value":"0x0de0b6b3a7640000","data":"0x{}"}}"#,
                "00".repeat(56)
            ),
            u64::from(u32::MAX),
        ),
    ];
    // Signatures with a leading zero byte in r or s (r/s must be minimal RLP integers).
    let (mut zr, mut zs) = (0, 0);
    for nonce in 0..3000u64 {
        for (ty, fees) in [(0, r#""gasPrice":7"#), (2, r#""maxFeePerGas":7,"maxPriorityFeePerGas":7"#)] {
            let json = format!(r#"{{"type":{ty},"nonce":{nonce},{fees},"gas":21000,"to":"{TO}"}}"#);
            let signed = Transaction::from_json(&json, 1).unwrap().sign(&key).unwrap();
            let _ = signed;
            let tx = Transaction::from_json(&json, 1).unwrap();
            let sig = sign::sign_digest(&key, &tx.signing_hash()).unwrap();
            if sig.r[0] == 0 && zr < 3 {
                zr += 1;
                requests.push((json, 1));
            } else if sig.s[0] == 0 && zs < 3 {
                zs += 1;
                requests.push((json, 1));
            }
        }
    }
    assert!(zr > 0 && zs > 0, "found leading-zero signatures ({zr}, {zs})");
    let mut lines = String::new();
    for (json, chain) in &requests {
        let signed = Transaction::from_json(json, *chain).unwrap().sign(&key).unwrap();
        assert_eq!(verify_signed(&signed), key.address().to_checksum(), "{json}");
        let s = &signed.summary;
        let tx = Transaction::from_json(json, *chain).unwrap();
        let al: Vec<serde_json::Value> = tx
            .access_list()
            .iter()
            .map(|i| serde_json::json!({"address": i.address.to_checksum(), "storageKeys": i.storage_keys.iter().map(|k| format!("0x{}", hex::encode(k))).collect::<Vec<_>>()}))
            .collect();
        let line = serde_json::json!({
            "raw": signed.raw_hex, "sender": signed.sender, "type": s.transaction_type as u8, "chainId": s.chain_id,
            "nonce": s.nonce, "gas": s.gas_limit, "to": s.to, "value": s.value_wei, "data": format!("0x{}", hex::encode(tx.data())),
            "gasPrice": s.gas_price_wei, "maxFeePerGas": s.max_fee_per_gas_wei, "maxPriorityFeePerGas": s.max_priority_fee_per_gas_wei,
            "accessList": al, "hash": signed.hash,
        });
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    let script = r#"
import sys, json
from eth_account import Account
from eth_utils import keccak
import rlp
key = sys.argv[1]
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
bad = 0
for line in sys.stdin:
    t = json.loads(line)
    raw = bytes.fromhex(t["raw"][2:])
    assert Account.recover_transaction(raw) == t["sender"], t
    typed = raw[0] < 0x7f
    f = rlp.decode(raw[1:] if typed else raw)
    r, s = int.from_bytes(f[-2], "big"), int.from_bytes(f[-1], "big")
    assert s <= N // 2, "high s"
    d = {"nonce": t["nonce"], "gas": t["gas"], "value": int(t["value"]), "data": t["data"], "chainId": t["chainId"]}
    if t["to"]: d["to"] = t["to"]
    if t["type"] == 0:
        d["gasPrice"] = int(t["gasPrice"])
    elif t["type"] == 1:
        d.update(type=1, gasPrice=int(t["gasPrice"]), accessList=t["accessList"])
    else:
        d.update(type=2, maxFeePerGas=int(t["maxFeePerGas"]), maxPriorityFeePerGas=int(t["maxPriorityFeePerGas"]), accessList=t["accessList"])
    theirs = Account.sign_transaction(d, key)
    if bytes(theirs.raw_transaction) != raw or "0x" + keccak(raw).hex() != t["hash"]:
        bad += 1
        print("MISMATCH", t["type"], t["nonce"], "\n ours  ", raw.hex(), "\n theirs", bytes(theirs.raw_transaction).hex(), file=sys.stderr)
print("checked", bad)
sys.exit(1 if bad else 0)
"#;
    let mut child = std::process::Command::new(python)
        .args(["-c", script, key_hex])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(lines.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "eth-account disagrees:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "checked 0");
}
