//! Issue 18, "Sign transactions, not digests", through the public API: signing through the
//! session, the `SignTransaction` gate, the declared-chain check, the `from` check, and that a
//! raw digest cannot dodge the transaction gate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use imwallet_core::auth::gates::{AuthProof, Gate, GatePolicy, GatedAction};
use imwallet_core::wallet::tx::{summarize, Transaction, TransactionKind, TransactionType};
use imwallet_core::wallet::{keccak256, sign, Signature};
use imwallet_core::Error;

const ADDR1: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

use common::tx_rig as rig;

fn password(gate: Gate) -> GatePolicy {
    GatePolicy { gate, fresh_within_secs: None }
}

/// The signature inside a signed typed transaction (the last 67 bytes: parity, r, s).
fn recover_typed(raw: &[u8], signing_hash: &[u8; 32]) -> String {
    let tail = &raw[raw.len() - 67..];
    assert_eq!((tail[1], tail[34]), (0xa0, 0xa0), "r and s are 32 bytes in these cases");
    let parity = if tail[0] == 0x80 { 0 } else { tail[0] };
    let sig = Signature { r: tail[2..34].try_into().unwrap(), s: tail[35..67].try_into().unwrap(), v: 27 + parity };
    sign::recover(signing_hash, &sig).unwrap().to_checksum()
}

#[test]
fn signs_a_1559_transfer_with_the_sessions_key() {
    let (_d, r) = rig();
    let summary = summarize(SEND, 1).unwrap();
    let signed = r.core.sign_transaction(0, SEND, 1).unwrap();
    assert_eq!(signed.summary, summary, "the screen's summary is the signed transaction's");
    assert_eq!(signed.sender, ADDR0);
    assert_eq!(signed.raw[0], 0x02);
    assert_eq!(signed.hash, format!("0x{}", hex::encode(keccak256(&signed.raw))));
    let hash: [u8; 32] = hex::decode(&summary.signing_hash[2..]).unwrap().try_into().unwrap();
    assert_eq!(recover_typed(&signed.raw, &hash), ADDR0);
    let s = &signed.summary;
    assert_eq!(
        (s.transaction_type, s.kind, s.chain_id, s.nonce, s.gas_limit),
        (TransactionType::Eip1559, TransactionKind::Transfer, 1, 0, 21000)
    );
    assert_eq!((s.value_eth.as_str(), s.value_wei.as_str()), ("1.5", "1500000000000000000"));
    assert_eq!((s.max_fee_per_gas_wei.as_deref(), s.max_priority_fee_per_gas_wei.as_deref()), (Some("30000000000"), Some("2000000000")));
    assert_eq!((s.max_fee_eth.as_str(), s.max_total_eth.as_str()), ("0.00063", "1.50063"));
    assert_eq!((s.gas_price_wei.as_ref(), s.sender.as_ref(), s.data_len), (None, None, 0));

    let other = r.core.sign_transaction(1, SEND, 1).unwrap();
    assert_eq!(other.sender, ADDR1);
    assert_eq!(recover_typed(&other.raw, &hash), ADDR1);
    // Deterministic (RFC 6979): the same request signs to the same bytes.
    assert_eq!(r.core.sign_transaction(0, SEND, 1).unwrap(), signed);
}

#[test]
fn needs_an_unlocked_session_and_validates_before_touching_it() {
    let (_d, r) = rig();
    r.core.lock().unwrap();
    assert_eq!(r.core.sign_transaction(0, SEND, 1).unwrap_err(), Error::Locked);
    assert!(matches!(r.core.sign_transaction(0, "{}", 1), Err(Error::InvalidTransaction { .. })), "input is checked first");
    let on_5 = SEND.replacen('{', r#"{"chainId":5,"#, 1);
    assert_eq!(r.core.sign_transaction(0, &on_5, 1).unwrap_err(), Error::ChainIdMismatch { expected: 1, found: 5 });
    r.core.unlock(PW).unwrap();
    r.core.sign_transaction(0, SEND, 1).unwrap();
}

#[test]
fn the_declared_chain_is_checked_and_nothing_is_signed_on_a_mismatch() {
    let (_d, r) = rig();
    let on_5 = SEND.replacen('{', r#"{"chainId":"0x5","#, 1);
    assert_eq!(r.core.sign_transaction(0, &on_5, 1).unwrap_err(), Error::ChainIdMismatch { expected: 1, found: 5 });
    assert_eq!(summarize(&on_5, 1).unwrap_err(), Error::ChainIdMismatch { expected: 1, found: 5 });
    let signed = r.core.sign_transaction(0, &on_5, 5).unwrap();
    assert_eq!(signed.summary.chain_id, 5);
    assert_eq!(&signed.raw[..5], &[0x02, 0xf8, signed.raw[2], 0x05, 0x80], "chain id 5 is the first field");
    // Without a chainId the declared chain is signed; legacy transactions carry it in v.
    let legacy = r#"{"nonce":1,"gasPrice":1000000000,"gas":21000,"to":"0x3535353535353535353535353535353535353535"}"#;
    let on_137 = r.core.sign_transaction(0, legacy, 137).unwrap();
    assert_eq!(on_137.summary.chain_id, 137);
    let v_and_rs = &on_137.raw[on_137.raw.len() - 69..];
    assert!(v_and_rs[..3] == [0x82, 0x01, 0x35] || v_and_rs[..3] == [0x82, 0x01, 0x36], "v = 137 * 2 + 35 + parity");
    for bad in [0, imwallet_core::wallet::tx::Limits::MAX_CHAIN_ID + 1, u64::MAX] {
        assert!(matches!(r.core.sign_transaction(0, SEND, bad), Err(Error::InvalidArgument { .. })), "declared {bad}");
    }
    let huge = SEND.replacen('{', r#"{"chainId":"0x10000000000000000","#, 1);
    assert!(matches!(r.core.sign_transaction(0, &huge, 1), Err(Error::InvalidTransaction { .. })));
}

#[test]
fn from_must_name_the_signing_address() {
    let (_d, r) = rig();
    let from1 = SEND.replacen('{', &format!(r#"{{"from":"{ADDR1}","#), 1);
    assert_eq!(summarize(&from1, 1).unwrap().sender.as_deref(), Some(ADDR1));
    assert_eq!(r.core.sign_transaction(0, &from1, 1).unwrap_err(), Error::SignerMismatch { expected: ADDR0.into(), found: ADDR1.into() });
    assert_eq!(r.core.sign_transaction(1, &from1, 1).unwrap().sender, ADDR1);
    let lower = SEND.replacen('{', &format!(r#"{{"from":"{}","#, ADDR0.to_lowercase()), 1);
    assert_eq!(r.core.sign_transaction(0, &lower, 1).unwrap().sender, ADDR0);
}

#[test]
fn sign_transaction_has_its_own_gate() {
    let (_d, r) = rig();
    assert!(GatedAction::ALL.contains(&GatedAction::SignTransaction));
    assert_eq!(GatedAction::SignTransaction.as_str(), "sign_transaction");
    assert_eq!(r.core.gate_policy(GatedAction::SignTransaction), password(Gate::None), "default like the other signing gates");
    r.core.set_gate_policy(GatedAction::SignTransaction, password(Gate::Password), AuthProof::Password(PW)).unwrap();
    assert_eq!(r.core.gate_policy(GatedAction::SignTransaction), password(Gate::Password));
    assert!(
        matches!(r.core.sign_transaction(0, SEND, 1), Err(Error::AuthorizationRequired { action, .. }) if action == "sign_transaction")
    );
    r.core.sign_message(0, b"messages keep their own gate").unwrap();
    assert!(
        matches!(
            r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).and_then(|_| r.core.sign_transaction(0, SEND, 1)),
            Err(Error::AuthorizationRequired { .. })
        ),
        "another action's grant does not count"
    );
    r.core.authorize(GatedAction::SignTransaction, AuthProof::Password(PW)).unwrap();
    r.core.sign_transaction(0, SEND, 1).unwrap();
    assert!(matches!(r.core.sign_transaction(0, SEND, 1), Err(Error::AuthorizationRequired { .. })), "single use");
    // A refused transaction does not use up the grant: it is refused before the gate.
    r.core.authorize(GatedAction::SignTransaction, AuthProof::Password(PW)).unwrap();
    let on_5 = SEND.replacen('{', r#"{"chainId":5,"#, 1);
    assert!(matches!(r.core.sign_transaction(0, &on_5, 1), Err(Error::ChainIdMismatch { .. })));
    r.core.sign_transaction(0, SEND, 1).unwrap();
}

#[test]
fn the_transaction_gate_is_per_account() {
    let (_d, r) = rig();
    r.core.set_gate_policy(GatedAction::SignTransaction, password(Gate::Password), AuthProof::Password(PW)).unwrap();
    r.core.create_account("Quinn", PW2, 12, imwallet_core::wallet::Language::English).unwrap();
    assert_eq!(r.core.gate_policy(GatedAction::SignTransaction), password(Gate::None));
    r.core.sign_transaction(0, SEND, 1).unwrap();
    r.core.login("Tess", PW, None).unwrap();
    assert!(matches!(r.core.sign_transaction(0, SEND, 1), Err(Error::AuthorizationRequired { .. })));
}

#[test]
fn a_biometric_transaction_gate_prompts_by_itself() {
    let (_d, r) = rig();
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.set_gate_policy(GatedAction::SignTransaction, password(Gate::Biometric), AuthProof::Password(PW)).unwrap();
    let before = r.ks.prompts().len();
    r.core.sign_transaction(0, SEND, 1).unwrap();
    assert_eq!(r.ks.prompts().len(), before + 1);
    assert!(r.ks.prompts().last().unwrap().reason.contains("sign transaction"));
    r.ks.script_next(imwallet_core::auth::keystore::KeyStoreError::Cancelled);
    assert_eq!(r.core.sign_transaction(0, SEND, 1).unwrap_err(), Error::BiometricCancelled);
}

#[test]
fn a_raw_digest_cannot_dodge_the_transaction_gate() {
    // The blind-signing path: hash the transaction yourself and call sign_digest. A digest can
    // be a transaction's signing hash, so it needs the strictest signing policy, which now
    // includes SignTransaction.
    let (_d, r) = rig();
    let hash = Transaction::from_json(SEND, 1).unwrap().signing_hash();
    r.core.sign_digest(0, &hash).unwrap();
    r.core.set_gate_policy(GatedAction::SignTransaction, password(Gate::Password), AuthProof::Password(PW)).unwrap();
    assert!(matches!(r.core.sign_digest(0, &hash), Err(Error::AuthorizationRequired { .. })));
    r.core.authorize(GatedAction::SignTransaction, AuthProof::Password(PW)).unwrap();
    r.core.sign_digest(0, &hash).unwrap();
    assert!(matches!(r.core.sign_digest(0, &hash), Err(Error::AuthorizationRequired { .. })), "single use");
}
