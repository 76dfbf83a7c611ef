//! Attacks through dapp connections (issue 21): a dapp asks for an account or a chain it was
//! not granted, a request outlives the lock it arrived before, a revoked connection is used
//! again, a connection of one account is used from another's session, approving skips a gate,
//! and connection names are read off the disk. Each test performs the attack through the
//! public API (recorded in docs/security.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use common::dapp_rig::*;
use common::*;
use imwallet_core::auth::gates::{AuthProof, Gate, GatePolicy, GatedAction};
use imwallet_core::connections::{NewSigningRequest, RejectReason, RequestPayload, RequestResult};
use imwallet_core::wallet::Language;
use imwallet_core::Error;

/// A rig with "Tess" (the Anvil phrase) unlocked and a connection "c1" granted address 0 on
/// chain 1.
fn connected() -> (tempfile::TempDir, DappRig) {
    let dir = tempfile::tempdir().unwrap();
    let d = open_dapps(dir.path());
    d.r.core.import_account("Tess", JUNK, None, PW).unwrap();
    d.r.core.add_connection(connection("c1", "Swapper", &[ADDR0.to_string()])).unwrap();
    (dir, d)
}

#[test]
fn a_request_for_an_account_the_dapp_was_not_granted_is_refused() {
    let (_dir, d) = connected();
    let other = d.r.core.addresses(2).unwrap()[1].clone();
    let e = d.r.core.submit_request(message_request("c1", &other, 1)).unwrap_err();
    assert!(matches!(e, Error::AccountNotGranted { ref account } if *account == other), "{e:?}");
    // Not even the wallet's: an address of someone else.
    let e = d.r.core.submit_request(message_request("c1", "0x3535353535353535353535353535353535353535", 1)).unwrap_err();
    assert!(matches!(e, Error::AccountNotGranted { .. }), "{e:?}");
    // A transaction whose `from` is another address than the one the request names.
    let tx = format!(r#"{{"from":"{other}","nonce":"0x0","gasPrice":"0x1","gas":"0x5208","to":"{ADDR0}","value":"0x1"}}"#);
    let req = NewSigningRequest {
        connection_id: "c1".into(),
        account: ADDR0.into(),
        chain_id: 1,
        payload: RequestPayload::Transaction { json: tx },
    };
    assert!(matches!(d.r.core.submit_request(req), Err(Error::SignerMismatch { .. })));
    assert!(d.r.core.pending_requests().is_empty(), "nothing was queued");
    // Granting an address the wallet does not have is refused too.
    let e = d.r.core.add_connection(connection("c2", "Evil", &["0x3535353535353535353535353535353535353535".into()])).unwrap_err();
    assert!(matches!(e, Error::AccountNotGranted { .. }), "{e:?}");
}

#[test]
fn a_request_for_a_chain_the_dapp_was_not_granted_is_refused() {
    let (_dir, d) = connected();
    let e = d.r.core.submit_request(message_request("c1", ADDR0, 137)).unwrap_err();
    assert_eq!(e, Error::ChainNotGranted { chain_id: 137 });
    // A granted chain declared, another one inside the payload.
    let tx = SEND.replace(r#""type":"0x2","#, r#""type":"0x2","chainId":"0x89","#);
    let req = NewSigningRequest {
        connection_id: "c1".into(),
        account: ADDR0.into(),
        chain_id: 1,
        payload: RequestPayload::Transaction { json: tx },
    };
    assert!(matches!(d.r.core.submit_request(req), Err(Error::ChainIdMismatch { expected: 1, found: 137 })));
    let typed = r#"{"types":{"EIP712Domain":[{"name":"chainId","type":"uint256"}],"M":[{"name":"x","type":"uint256"}]},
        "primaryType":"M","domain":{"chainId":137},"message":{"x":1}}"#;
    let req = NewSigningRequest {
        connection_id: "c1".into(),
        account: ADDR0.into(),
        chain_id: 1,
        payload: RequestPayload::TypedData { json: typed.into() },
    };
    assert!(matches!(d.r.core.submit_request(req), Err(Error::ChainIdMismatch { expected: 1, found: 137 })));
    assert!(d.r.core.pending_requests().is_empty());
}

#[test]
fn a_request_does_not_survive_a_lock() {
    let (_dir, d) = connected();
    let req = d.r.core.submit_request(message_request("c1", ADDR0, 1)).unwrap();
    d.r.core.lock().unwrap();
    d.r.core.unlock(PW).unwrap();
    // The request the user never saw approved before the lock cannot be approved after it.
    assert_eq!(d.r.core.approve_request(req.id).unwrap_err(), Error::RequestNotFound);
    assert!(d.r.core.pending_requests().is_empty());
    let rejected = d.dapps.rejected.lock().unwrap().clone();
    assert_eq!(rejected.len(), 1);
    assert_eq!((rejected[0].request_id, rejected[0].reason, rejected[0].code), (req.id, RejectReason::Locked, 4100));
    // While locked, nothing is queued at all.
    d.r.core.lock().unwrap();
    assert_eq!(d.r.core.submit_request(message_request("c1", ADDR0, 1)).unwrap_err(), Error::Locked);
}

#[test]
fn a_revoked_connection_cannot_be_used() {
    let (_dir, d) = connected();
    let req = d.r.core.submit_request(message_request("c1", ADDR0, 1)).unwrap();
    d.r.core.revoke_connection("c1").unwrap();
    assert_eq!(d.r.core.approve_request(req.id).unwrap_err(), Error::RequestNotFound, "its pending request went with it");
    assert_eq!(d.r.core.submit_request(message_request("c1", ADDR0, 1)).unwrap_err(), Error::ConnectionNotFound);
    assert_eq!(d.r.core.touch_connection("c1").unwrap_err(), Error::ConnectionNotFound);
    let rejected = d.dapps.rejected.lock().unwrap().clone();
    assert_eq!(rejected.iter().map(|r| r.reason).collect::<Vec<_>>(), vec![RejectReason::ConnectionRevoked]);
    assert_eq!(d.dapps.ids(), vec!["c1".to_string()]);
}

#[test]
fn a_connection_of_one_account_is_unknown_to_another() {
    let (_dir, d) = connected();
    d.r.core.create_account("Other", PW2, 12, Language::English).unwrap();
    // "Other" is now the session's account: "c1" belongs to Tess.
    assert_eq!(d.r.core.submit_request(message_request("c1", ADDR0, 1)).unwrap_err(), Error::ConnectionNotFound);
    assert!(d.r.core.connections().unwrap().is_empty());
    assert_eq!(d.r.core.revoke_connection("c1").unwrap_err(), Error::ConnectionNotFound);
}

#[test]
fn approving_goes_through_the_signing_gate() {
    let (_dir, d) = connected();
    let pw = GatePolicy { gate: Gate::Password, fresh_within_secs: None };
    d.r.core.set_gate_policy(GatedAction::SignMessage, pw, AuthProof::Password(PW)).unwrap();
    let req = d.r.core.submit_request(message_request("c1", ADDR0, 1)).unwrap();
    assert!(matches!(d.r.core.approve_request(req.id), Err(Error::AuthorizationRequired { .. })));
    assert_eq!(d.r.core.pending_requests().len(), 1, "a refused gate leaves the request pending");
    d.r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).unwrap();
    let ok = d.r.core.approve_request(req.id).unwrap();
    let RequestResult::Signature(sig) = ok.result else { panic!("a signature") };
    let digest = imwallet_core::wallet::sign::personal_message_digest(b"Sign in to Example");
    assert_eq!(imwallet_core::wallet::sign::recover(&digest, &sig).unwrap().to_checksum(), ADDR0);
    // Single use: the authorization was spent and the request answered.
    assert_eq!(d.r.core.approve_request(req.id).unwrap_err(), Error::RequestNotFound);
}

#[test]
fn dapp_names_and_origins_are_not_on_disk() {
    let (dir, d) = connected();
    d.r.core.add_connection(connection("wc-topic-5f2a9c", "Zebradex", &[ADDR0.to_string()])).unwrap();
    d.r.core.lock().unwrap();
    for needle in [&b"Zebradex"[..], b"zebradex.example", b"wc-topic-5f2a9c", b"Swapper"] {
        assert_eq!(occurrences(dir.path(), needle), 0, "{}", String::from_utf8_lossy(needle));
    }
    // Control: they are there, readable through the core.
    assert_eq!(d.r.core.connections().unwrap().len(), 2);
}
