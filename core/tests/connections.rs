//! Dapp connections, pending requests and the clipboard through lock, logout, wallet removal,
//! erase and reopen (issue 21).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::dapp_rig::*;
use common::*;
use imwallet_core::connections::clipboard::{ClipKind, ClipboardClearReason};
use imwallet_core::connections::{NewSigningRequest, RejectReason, RequestPayload, RequestResult, RevocationStatus};
use imwallet_core::events::EventKind;
use imwallet_core::session::logout::{LogoutAction, LogoutConfirmation, LogoutOptions};
use imwallet_core::session::SessionState;
use imwallet_core::Error;

/// "Tess" unlocked with three connections.
fn three(dir: &std::path::Path, dapps: Arc<FakeDapps>) -> DappRig {
    let d = open_dapps_with(dir, dapps, Arc::default());
    d.r.core.import_account("Tess", JUNK, None, PW).unwrap();
    for (id, name) in [("t1", "Swapper"), ("t2", "Lender"), ("t3", "Gallery")] {
        d.r.core.add_connection(connection(id, name, &[ADDR0.to_string()])).unwrap();
    }
    d
}

fn logout(d: &DappRig, remove: bool) -> imwallet_core::session::logout::LogoutReport {
    let plan = d.r.core.prepare_logout(LogoutOptions { remove_wallet: remove, ..LogoutOptions::default() }).unwrap();
    let c = LogoutConfirmation {
        typed_account_name: Some("Tess".into()),
        password: remove.then(|| imwallet_core::vault::SecretBytes::from_slice(PW)),
        use_biometrics: false,
    };
    d.r.core.logout(&plan.token, &c).unwrap()
}

fn events(d: &DappRig, kind: EventKind) -> usize {
    d.r.rec.events.lock().unwrap().iter().filter(|e| e.kind == kind).count()
}

#[test]
fn connections_survive_a_lock_and_are_listed_per_account() {
    let dir = tempfile::tempdir().unwrap();
    let d = three(dir.path(), Arc::default());
    let listed = d.r.core.connections().unwrap();
    assert_eq!(listed.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Swapper", "Lender", "Gallery"]);
    assert_eq!(listed[0].accounts, vec![ADDR0.to_string()]);
    assert_eq!(listed[0].origin, "https://swapper.example");
    d.r.core.lock().unwrap();
    assert_eq!(d.r.core.connections().unwrap().len(), 3, "readable while locked");
    d.r.core.unlock(PW).unwrap();
    assert_eq!(d.r.core.connections().unwrap().len(), 3);
    assert!(d.dapps.ids().is_empty(), "a lock disconnects nothing by default");
    d.r.clock.advance(60);
    d.r.core.touch_connection("t2").unwrap();
    let t2 = d.r.core.connections().unwrap().into_iter().find(|c| c.id == "t2").unwrap();
    assert_eq!(t2.last_used_at_unix, t2.created_at_unix + 60);
    assert_eq!(events(&d, EventKind::DappConnected), 3);
}

#[test]
fn logout_plans_and_revokes_each_connection_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = three(dir.path(), Arc::default());
    let plan = d.r.core.prepare_logout(LogoutOptions::default()).unwrap();
    assert!(plan.actions.contains(&LogoutAction::DisconnectDapps));
    assert_eq!(plan.dapps_to_disconnect, ["Swapper", "Lender", "Gallery"]);
    let report = d.r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert_eq!(report.dapps_disconnected.len(), 3);
    assert!(report.dapps_disconnected.iter().all(|r| r.status == RevocationStatus::Requested));
    assert_eq!(report.revocations_pending, 0);
    let mut ids = d.dapps.ids();
    ids.sort();
    assert_eq!(ids, ["t1", "t2", "t3"], "the hook is called exactly once per connection");
    assert!(d.dapps.disconnected.lock().unwrap().iter().all(|r| r.reason == "logout"));
    assert_eq!(events(&d, EventKind::DappDisconnected), 3);
    assert!(d.r.core.pending_revocations().unwrap().is_empty());
    // Logging in again: nothing left connected, and retrying calls nothing.
    d.r.core.login("Tess", PW, None).unwrap();
    assert!(d.r.core.connections().unwrap().is_empty());
    assert!(d.r.core.retry_revocations().is_empty());
    assert_eq!(d.dapps.ids().len(), 3);
}

#[test]
fn a_failing_hook_leaves_pending_revocations_completed_on_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let failing = Arc::new(FakeDapps::default());
    *failing.fail.lock().unwrap() = true;
    {
        let d = three(dir.path(), failing.clone());
        let report = logout(&d, false);
        assert_eq!(report.session_ended, true);
        assert!(report.dapps_disconnected.iter().all(|r| r.status == RevocationStatus::Pending));
        assert_eq!(report.revocations_pending, 3);
        assert_eq!(events(&d, EventKind::DappDisconnectFailed), 3);
        assert_eq!(d.r.core.pending_revocations().unwrap().len(), 3);
        assert_eq!(d.r.core.state(), SessionState::LoggedOut);
    }
    // The next start of the app, its relay reachable again.
    let d = open_dapps(dir.path());
    let mut ids = d.dapps.ids();
    ids.sort();
    assert_eq!(ids, ["t1", "t2", "t3"]);
    assert!(d.r.core.pending_revocations().unwrap().is_empty());
    assert_eq!(events(&d, EventKind::DappDisconnected), 3);
    drop(d);
    assert!(open_dapps(dir.path()).dapps.ids().is_empty(), "done once: not asked again");
}

#[test]
fn a_removed_wallet_still_gets_its_dapps_disconnected_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let failing = Arc::new(FakeDapps::default());
    *failing.fail.lock().unwrap() = true;
    {
        let d = three(dir.path(), failing);
        let report = logout(&d, true);
        assert!(report.wallet_removed && report.wallet_data_shredded);
        assert_eq!(report.revocations_pending, 3);
    }
    // The wallet's key is shredded; the revocations were sealed under the device's.
    let d = open_dapps(dir.path());
    assert_eq!(d.dapps.ids().len(), 3);
    assert!(d.dapps.disconnected.lock().unwrap().iter().all(|r| r.reason == "remove_wallet" && !r.name.is_empty()));
}

#[test]
fn pending_requests_are_rejected_on_lock_and_logout() {
    let dir = tempfile::tempdir().unwrap();
    let d = three(dir.path(), Arc::default());
    let a = d.r.core.submit_request(message_request("t1", ADDR0, 1)).unwrap();
    let b = d.r.core.submit_request(message_request("t2", &ADDR0.to_lowercase(), 1)).unwrap();
    assert_eq!(b.account, ADDR0, "the granted address, checksummed");
    assert_eq!(d.r.core.pending_requests().iter().map(|r| r.id).collect::<Vec<_>>(), vec![a.id, b.id]);
    d.r.core.lock().unwrap();
    let rejected = d.dapps.rejected.lock().unwrap().clone();
    assert_eq!(
        rejected.iter().map(|r| (r.request_id, r.reason)).collect::<Vec<_>>(),
        [(a.id, RejectReason::Locked), (b.id, RejectReason::Locked)]
    );
    assert!(d.r.core.pending_requests().is_empty());
    assert_eq!(d.r.core.connections().unwrap().len(), 3, "connections stay");
    d.r.core.unlock(PW).unwrap();
    let c = d.r.core.submit_request(message_request("t3", ADDR0, 1)).unwrap();
    let plan = d.r.core.prepare_logout(LogoutOptions::default()).unwrap();
    assert!(plan.actions.contains(&LogoutAction::RejectPendingRequests));
    let report = d.r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert_eq!(report.requests_rejected, 1);
    let last = d.dapps.rejected.lock().unwrap().last().cloned().unwrap();
    assert_eq!((last.request_id, last.reason, last.code), (c.id, RejectReason::LoggedOut, 4900));
}

#[test]
fn a_user_rejection_and_an_approved_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let d = three(dir.path(), Arc::default());
    let m = d.r.core.submit_request(message_request("t1", ADDR0, 1)).unwrap();
    let r = d.r.core.reject_request(m.id).unwrap();
    assert_eq!((r.reason, r.code), (RejectReason::UserRejected, 4001));
    assert!(d.dapps.rejected.lock().unwrap().is_empty(), "the caller answers a user rejection");
    let tx = NewSigningRequest {
        connection_id: "t1".into(),
        account: ADDR0.into(),
        chain_id: 1,
        payload: RequestPayload::Transaction { json: SEND.into() },
    };
    let q = d.r.core.submit_request(tx).unwrap();
    let ok = d.r.core.approve_request(q.id).unwrap();
    let RequestResult::Transaction(signed) = ok.result else { panic!("a signed transaction") };
    assert_eq!(signed.sender, ADDR0);
    assert_eq!(signed.summary.chain_id, 1);
    assert!(d.r.core.pending_requests().is_empty());
}

#[test]
fn the_app_may_disconnect_on_lock() {
    let dir = tempfile::tempdir().unwrap();
    let d = three(dir.path(), Arc::default());
    assert!(!d.r.core.disconnect_on_lock().unwrap());
    d.r.core.set_disconnect_on_lock(true).unwrap();
    d.r.core.lock().unwrap();
    assert_eq!(d.dapps.ids().len(), 3);
    assert!(d.dapps.disconnected.lock().unwrap().iter().all(|r| r.reason == "lock"));
    assert!(d.r.core.connections().unwrap().is_empty());
}

#[test]
fn revoking_one_connection() {
    let dir = tempfile::tempdir().unwrap();
    let d = three(dir.path(), Arc::default());
    let r = d.r.core.revoke_connection("t2").unwrap();
    assert_eq!((r.name.as_str(), r.status), ("Lender", RevocationStatus::Requested));
    assert_eq!(d.r.core.connections().unwrap().iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["t1", "t3"]);
    assert_eq!(d.r.core.revoke_connection("t2").unwrap_err(), Error::ConnectionNotFound);
    assert_eq!(d.r.core.revoke_all_connections().unwrap().len(), 2);
    assert_eq!(d.dapps.ids(), ["t2", "t1", "t3"]);
}

#[test]
fn the_clipboard_hook_is_told_to_clear() {
    let dir = tempfile::tempdir().unwrap();
    let d = three(dir.path(), Arc::default());
    assert_eq!(d.r.core.clipboard_copied(ClipKind::Phrase), 20);
    assert_eq!(d.r.core.clipboard_copied(ClipKind::Address), 120, "a newer copy replaces the phrase");
    d.r.core.lock().unwrap();
    assert_eq!(*d.clip.cleared.lock().unwrap(), [ClipboardClearReason::Locked]);
    d.r.core.lock().unwrap();
    assert_eq!(d.clip.cleared.lock().unwrap().len(), 1, "nothing outstanding: not cleared twice");
    // After a timeout (the app chose 1 s for private keys).
    assert!(d.r.core.set_clipboard_timeout(ClipKind::PrivateKey, 61).is_err(), "secrets: at most 60 s");
    d.r.core.set_clipboard_timeout(ClipKind::PrivateKey, 1).unwrap();
    assert_eq!(d.r.core.clipboard_copied(ClipKind::PrivateKey), 1);
    let start = Instant::now();
    while d.clip.cleared.lock().unwrap().len() < 2 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(d.clip.cleared.lock().unwrap().last(), Some(&ClipboardClearReason::Timeout));
    assert!(start.elapsed() >= Duration::from_millis(900));
    // On logout, reported.
    d.r.core.unlock(PW).unwrap();
    d.r.core.clipboard_copied(ClipKind::Signature);
    let plan = d.r.core.prepare_logout(LogoutOptions::default()).unwrap();
    assert!(plan.actions.contains(&LogoutAction::ClearClipboard));
    let report = d.r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert!(report.clipboard_cleared);
    assert_eq!(d.clip.cleared.lock().unwrap().last(), Some(&ClipboardClearReason::LoggedOut));
}

#[test]
fn connections_of_an_unbound_directory_are_sealed_when_it_is_bound() {
    let dir = tempfile::tempdir().unwrap();
    {
        let r = open_unbound(dir.path());
        r.core.import_account("Tess", JUNK, None, PW).unwrap();
        r.core.add_connection(connection("plain-1", "Oldapp", &[ADDR0.to_string()])).unwrap();
    }
    let d = open_dapps(dir.path());
    let c = d.r.core.connections().unwrap();
    assert_eq!((c.len(), c[0].name.as_str()), (1, "Oldapp"));
    d.r.core.lock().unwrap();
    assert_eq!(occurrences(dir.path(), b"Oldapp"), 0, "sealed, and the plaintext pages scrubbed");
}

#[test]
fn erase_disconnects_every_wallets_dapps() {
    let dir = tempfile::tempdir().unwrap();
    let d = three(dir.path(), Arc::default());
    d.r.core.erase_all_data(imwallet_core::engine::ERASE_PHRASE, &erase_with_passwords(&[("Tess", PW)])).unwrap();
    let mut ids = d.dapps.ids();
    ids.sort();
    assert_eq!(ids, ["t1", "t2", "t3"]);
    assert!(d.r.core.pending_revocations().unwrap().is_empty());
}
