//! Logout: plans and warnings, confirmation, idempotence, logging back in, wallet removal with
//! secure deletion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use common::*;
use imwallet_core::auth::hooks::NetworkKind;
use imwallet_core::events::EventKind;
use imwallet_core::session::logout::{ConfirmationNeeded, LogoutAction, LogoutConfirmation, LogoutOptions, LogoutWarning};
use imwallet_core::session::SessionState;
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::Language;
use imwallet_core::Error;

fn confirm_backup(r: &Rig, phrase: &[u8]) {
    let words = phrase_words(phrase);
    let pos = r.core.backup_challenge(imwallet_core::auth::gates::AuthProof::None).unwrap();
    let typed: Vec<Vec<u8>> = pos.iter().map(|p| words[*p as usize - 1].clone().into_bytes()).collect();
    let refs: Vec<&[u8]> = typed.iter().map(|w| w.as_slice()).collect();
    r.core.confirm_backup(&refs).unwrap();
}

#[test]
fn plan_warns_about_backup_network_and_device() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    assert_eq!(r.core.prepare_logout(LogoutOptions::default()).unwrap_err(), Error::NotLoggedIn);
    let c = r.core.create_account("Kim", PW, 12, Language::English).unwrap();
    *r.env.network.lock().unwrap() = NetworkKind::PublicWifi;
    *r.env.rooted.lock().unwrap() = Some(true);
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    assert_eq!(plan.account.name, "Kim");
    assert_eq!(plan.warnings, [LogoutWarning::NotBackedUp, LogoutWarning::InsecureNetwork, LogoutWarning::UntrustedDevice]);
    assert_eq!(plan.actions, [LogoutAction::WipeKeysFromMemory, LogoutAction::EndSession, LogoutAction::ClearAccountCaches]);
    assert_eq!(plan.confirmation, ConfirmationNeeded::Tap);
    assert_eq!(plan.expires_in_secs, 120);
    *r.env.network.lock().unwrap() = NetworkKind::PrivateWifi;
    *r.env.rooted.lock().unwrap() = Some(false);
    confirm_backup(&r, c.phrase.expose());
    assert!(r.core.prepare_logout(LogoutOptions::default()).unwrap().warnings.is_empty());
    // A failing probe is treated as unknown, not as an error.
    *r.env.fail.lock().unwrap() = true;
    assert!(r.core.prepare_logout(LogoutOptions::default()).is_ok());
    let opts = LogoutOptions { clear_caches: true, keep_global_caches: false, remove_wallet: true };
    let plan = r.core.prepare_logout(opts).unwrap();
    assert!(plan.actions.contains(&LogoutAction::ClearGlobalCaches) && plan.actions.contains(&LogoutAction::RemoveWallet));
    assert_eq!(plan.warnings, [LogoutWarning::WalletWillBeRemoved]);
    assert_eq!(plan.confirmation, ConfirmationNeeded::Tap, "backed up: a tap is enough");
}

#[test]
fn logout_wipes_ends_session_is_idempotent_and_login_works_again() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let c = r.core.create_account("Lee", PW, 12, Language::English).unwrap();
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    let report = r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert!(report.keys_wiped && report.session_ended && !report.wallet_removed);
    assert_eq!(report.warnings_acknowledged, [LogoutWarning::NotBackedUp]);
    assert_eq!(r.core.state(), SessionState::LoggedOut);
    assert_eq!(r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap(), report, "same token: same report");
    assert_eq!(r.core.logout("not-a-token", &LogoutConfirmation::default()).unwrap_err(), Error::LogoutTokenInvalid);
    assert_eq!(r.core.sign_message(0, b"x").unwrap_err(), Error::NotLoggedIn);
    assert_eq!(r.core.unlock(PW).unwrap_err(), Error::NotLoggedIn, "a logged-out account needs name + password");
    assert_eq!(r.core.addresses(1).unwrap_err(), Error::NotLoggedIn);
    // The vault stays: log back in.
    r.core.login("Lee", PW, None).unwrap();
    assert_eq!(r.core.addresses(1).unwrap()[0], c.account.address);
    assert!(r.core.security_events(10).unwrap().iter().any(|e| e.kind == EventKind::LoggedOut));
    // Restart after logout stays logged out.
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    drop(r);
    assert_eq!(open(dir.path()).core.state(), SessionState::LoggedOut);
}

#[test]
fn a_plan_dies_with_its_session() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Mo", PW, 12, Language::English).unwrap();
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    r.core.create_account("Ned", PW, 12, Language::English).unwrap();
    assert_eq!(r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap_err(), Error::LogoutTokenInvalid);
}

#[test]
fn removing_an_unbacked_wallet_needs_the_typed_name_and_deletes_it_securely() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Kept", PW, 12, Language::English).unwrap();
    r.core.create_account("Zed Wallet", PW, 12, Language::English).unwrap();
    let zed = r.core.accounts().unwrap().into_iter().find(|a| a.name == "Zed Wallet").unwrap().id;
    let vault: Vec<u8> = rusqlite::Connection::open(dir.path().join("imwallet.db"))
        .unwrap()
        .query_row("SELECT vault_blob FROM accounts WHERE id = ?1", [&zed], |r| r.get(0))
        .unwrap();
    let opts = LogoutOptions { remove_wallet: true, ..LogoutOptions::default() };
    let plan = r.core.prepare_logout(opts).unwrap();
    assert_eq!(plan.confirmation, ConfirmationNeeded::TypeAccountName);
    assert!(plan.warnings.contains(&LogoutWarning::NotBackedUp) && plan.warnings.contains(&LogoutWarning::WalletWillBeRemoved));
    let wrong =
        LogoutConfirmation { typed_account_name: Some("Zed".into()), password: Some(SecretBytes::from_slice(PW)), use_biometrics: false };
    assert!(matches!(r.core.logout(&plan.token, &wrong), Err(Error::ConfirmationRequired { .. })));
    assert!(r.core.state().is_unlocked(), "nothing happened");
    let no_password = LogoutConfirmation { typed_account_name: Some(" zed wallet ".into()), ..Default::default() };
    assert!(
        matches!(r.core.logout(&plan.token, &no_password), Err(Error::AuthorizationRequired { .. })),
        "removal needs the password by default"
    );
    let right = LogoutConfirmation {
        typed_account_name: Some(" zed wallet ".into()),
        password: Some(SecretBytes::from_slice(PW)),
        use_biometrics: false,
    };
    let report = r.core.logout(&plan.token, &right).unwrap();
    assert!(report.wallet_removed);
    assert_eq!(r.core.state(), SessionState::LoggedOut);
    assert_eq!(r.core.accounts().unwrap().len(), 1);
    assert!(matches!(r.core.login("Zed Wallet", PW, None).unwrap_err(), Error::InvalidCredentials { .. }));
    // Secure delete: the sealed vault bytes are gone from every database file.
    for f in ["imwallet.db", "imwallet.db-wal", "imwallet.db-shm"] {
        if let Ok(bytes) = std::fs::read(dir.path().join(f)) {
            assert!(!bytes.windows(vault.len()).any(|w| w == vault.as_slice()), "vault blob still in {f}");
            assert!(!bytes.windows(24).any(|w| w == &vault[..24]), "vault nonce still in {f}");
        }
    }
    // The last wallet removed: back to NoAccount.
    r.core.login("Kept", PW, None).unwrap();
    let plan = r.core.prepare_logout(opts).unwrap();
    r.core
        .logout(
            &plan.token,
            &LogoutConfirmation {
                typed_account_name: Some("kept".into()),
                password: Some(SecretBytes::from_slice(PW)),
                use_biometrics: false,
            },
        )
        .unwrap();
    assert_eq!(r.core.state(), SessionState::NoAccount);
}

#[test]
fn logout_from_locked_and_back_in() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Uma", PW, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert_eq!(r.core.state(), SessionState::LoggedOut);
    assert!(r.core.login("Uma", PW, None).unwrap().is_unlocked());
}
