//! Issue 19 — a second factor on re-login: TOTP (RFC 6238, authenticator-app compatible),
//! one-time recovery codes and an app-verified code, through the public API. The attacks are in
//! `attack_second_factor.rs`.

mod common;

use common::factor_rig::*;
use common::*;
use imwallet_core::auth::gates::AuthProof;
use imwallet_core::auth::second_factor::{AppCodeError, SecondFactor, SecondFactorMethod};
use imwallet_core::auth::totp;
use imwallet_core::events::EventKind;
use imwallet_core::session::SessionState;
use imwallet_core::wallet::Language;
use imwallet_core::Error;
use totp_rs::Algorithm;

fn kinds(core: &imwallet_core::WalletCore) -> Vec<EventKind> {
    core.security_events(100).unwrap().into_iter().map(|e| e.kind).collect()
}

fn method(core: &imwallet_core::WalletCore) -> Option<SecondFactorMethod> {
    core.accounts().unwrap()[0].second_factor
}

#[test]
fn rfc_6238_test_vectors() {
    // RFC 6238, Appendix B: 8 digits, 30 s steps, the three HMAC variants.
    let sha1 = b"12345678901234567890".as_slice();
    let sha256 = b"12345678901234567890123456789012".as_slice();
    let sha512 = b"1234567890123456789012345678901234567890123456789012345678901234".as_slice();
    let vectors: [(u64, &str, &str, &str); 6] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ];
    for (t, c1, c256, c512) in vectors {
        assert_eq!(totp::generator(sha1, Algorithm::SHA1, 8).unwrap().generate(t).to_string(), c1, "SHA1 at {t}");
        assert_eq!(totp::generator(sha256, Algorithm::SHA256, 8).unwrap().generate(t).to_string(), c256, "SHA256 at {t}");
        assert_eq!(totp::generator(sha512, Algorithm::SHA512, 8).unwrap().generate(t).to_string(), c512, "SHA512 at {t}");
        // The account parameters (SHA-1, 6 digits) are the low six digits of the same code.
        assert_eq!(*totp::code_at(sha1, t).unwrap(), c1[2..], "6 digits at {t}");
    }
}

#[test]
fn enrollment_gives_an_authenticator_uri_and_needs_a_valid_code() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    r.core.create_account("Ann: main", PW, 12, Language::English).unwrap();
    // The password first, under the limiter.
    assert!(matches!(r.core.begin_totp_enrollment(PW2, "imwallet").unwrap_err(), Error::InvalidCredentials { .. }));
    assert!(matches!(r.core.begin_totp_enrollment(PW, "").unwrap_err(), Error::InvalidArgument { .. }));
    let e = r.core.begin_totp_enrollment(PW, "My Wallet").unwrap();
    let uri = e.otpauth_uri.expose_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/My%20Wallet:Ann%3A%20main?secret="), "{uri}");
    assert!(uri.contains(&format!("secret={}&", e.secret_base32.expose_str().unwrap())));
    assert!(format!("{e:?}").contains("redacted") && !format!("{e:?}").contains(e.secret_base32.expose_str().unwrap()));
    let app = Authenticator::scan(e.otpauth_uri.expose());
    assert_eq!(app.secret.len(), 20, "160-bit secret");
    // Pending: nothing changed for logins yet.
    let st = r.core.second_factor_status().unwrap();
    assert!(st.totp_enrollment_pending && st.method.is_none() && st.recovery_codes_left == 0);
    assert_eq!(method(&r.core), None);
    // A wrong code does not turn it on.
    let good = app.code(&r.clock);
    assert_eq!(r.core.confirm_totp_enrollment(wrong_code(&good).as_bytes()).unwrap_err(), Error::SecondFactorCodeRejected);
    assert_eq!(method(&r.core), None);
    // The app's code does, and gives ten distinct recovery codes once.
    let codes = r.core.confirm_totp_enrollment(good.as_bytes()).unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(method(&r.core), Some(SecondFactorMethod::Totp));
    let st = r.core.second_factor_status().unwrap();
    assert_eq!((st.method, st.recovery_codes_left, st.totp_enrollment_pending), (Some(SecondFactorMethod::Totp), 10, false));
    assert!(kinds(&r.core).contains(&EventKind::SecondFactorEnabled));
    // On already: no second enrollment.
    assert!(matches!(r.core.begin_totp_enrollment(PW, "imwallet").unwrap_err(), Error::InvalidArgument { .. }));
    assert!(matches!(r.core.confirm_totp_enrollment(good.as_bytes()).unwrap_err(), Error::InvalidArgument { .. }));
}

#[test]
fn five_wrong_codes_drop_a_pending_enrollment() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    r.core.create_account("Bea", PW, 12, Language::English).unwrap();
    let e = r.core.begin_totp_enrollment(PW, "imwallet").unwrap();
    let app = Authenticator::scan(e.otpauth_uri.expose());
    let good = app.code(&r.clock);
    for _ in 0..5 {
        assert_eq!(r.core.confirm_totp_enrollment(wrong_code(&good).as_bytes()).unwrap_err(), Error::SecondFactorCodeRejected);
    }
    assert!(!r.core.second_factor_status().unwrap().totp_enrollment_pending);
    assert!(matches!(r.core.confirm_totp_enrollment(good.as_bytes()).unwrap_err(), Error::InvalidArgument { .. }));
    assert_eq!(method(&r.core), None);
    // Starting again works (a new secret: the old app's codes are not it).
    let e2 = r.core.begin_totp_enrollment(PW, "imwallet").unwrap();
    assert_ne!(e2.secret_base32.expose(), e.secret_base32.expose());
    let app2 = Authenticator::scan(e2.otpauth_uri.expose());
    r.core.confirm_totp_enrollment(app2.code(&r.clock).as_bytes()).unwrap();
    assert_eq!(method(&r.core), Some(SecondFactorMethod::Totp));
}

#[test]
fn login_needs_the_code_and_unlock_does_not_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (app, _) = with_totp(&r, "Cy");
    log_out(&r.core);
    assert!(matches!(r.core.login("Cy", PW, None).unwrap_err(), Error::InvalidCredentials { .. }));
    let wrong = SecondFactor::totp(wrong_code(&app.code(&r.clock)).as_bytes());
    assert!(matches!(r.core.login("Cy", PW, Some(&wrong)).unwrap_err(), Error::InvalidCredentials { .. }));
    assert_eq!(r.core.state(), SessionState::LoggedOut);
    // "123 456" as apps show it is fine.
    let code = app.code(&r.clock);
    let spaced = SecondFactor::totp(format!("{} {}", &code[..3], &code[3..]).as_bytes());
    assert!(r.core.login("cy", PW, Some(&spaced)).unwrap().is_unlocked());
    // Lock / unlock: the password alone (the app's policy is off).
    r.core.lock().unwrap();
    assert!(r.core.unlock(PW).unwrap().is_unlocked());
    // Password proofs of an unlocked session need no code (gates, password change).
    r.core.authorize(imwallet_core::auth::gates::GatedAction::RevealPhrase, AuthProof::Password(PW)).unwrap();
    r.core.change_password(PW, PW2).unwrap();
    log_out(&r.core);
    r.clock.advance(30);
    assert!(r.core.login("Cy", PW2, Some(&app.factor(&r.clock))).unwrap().is_unlocked());
    // The factor survives a restart.
    drop(r);
    let r2 = open_factor(dir.path());
    assert_eq!(method(&r2.core), Some(SecondFactorMethod::Totp));
    assert!(matches!(r2.core.login("Cy", PW2, None).unwrap_err(), Error::InvalidCredentials { .. }));
}

#[test]
fn the_app_policy_makes_unlock_ask_for_the_factor() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor_with(dir.path(), true);
    let (app, codes) = with_totp(&r, "Dee");
    r.core.lock().unwrap();
    assert!(matches!(r.core.unlock(PW).unwrap_err(), Error::InvalidCredentials { .. }));
    let cancel = imwallet_core::Cancel::new();
    let wrong = SecondFactor::totp(wrong_code(&app.code(&r.clock)).as_bytes());
    assert!(matches!(r.core.unlock_with_factor(PW, Some(&wrong), &cancel).unwrap_err(), Error::InvalidCredentials { .. }));
    assert!(r.core.unlock_with_factor(PW, Some(&app.factor(&r.clock)), &cancel).unwrap().is_unlocked());
    r.core.lock().unwrap();
    let rc = SecondFactor::RecoveryCode { code: codes[0].clone() };
    assert!(r.core.unlock_with_factor(PW, Some(&rc), &cancel).unwrap().is_unlocked());
    // An account without a factor unlocks with the password alone under the same policy.
    r.core.create_account("Eli", PW, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    assert!(r.core.unlock(PW).unwrap().is_unlocked());
}

#[test]
fn a_recovery_code_works_once_instead_of_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (_, codes) = with_totp(&r, "Fay");
    log_out(&r.core);
    // Typed sloppily: lower case, spaces.
    let typed = codes[3].expose_str().unwrap().to_lowercase().replace('-', " ");
    let rc = SecondFactor::recovery_code(typed.as_bytes());
    assert!(r.core.login("Fay", PW, Some(&rc)).unwrap().is_unlocked());
    let used = r.core.security_events(5).unwrap().into_iter().find(|e| e.kind == EventKind::RecoveryCodeUsed).unwrap();
    assert_eq!(used.detail, "9 recovery codes left");
    assert_eq!(r.core.second_factor_status().unwrap().recovery_codes_left, 9);
    log_out(&r.core);
    assert!(matches!(r.core.login("Fay", PW, Some(&rc)).unwrap_err(), Error::InvalidCredentials { .. }), "used up");
    let other = SecondFactor::RecoveryCode { code: codes[4].clone() };
    assert!(r.core.login("Fay", PW, Some(&other)).unwrap().is_unlocked());
}

#[test]
fn turning_it_off_and_new_recovery_codes_need_the_password_and_a_factor() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (app, codes) = with_totp(&r, "Gil");
    // New codes: both proofs; the old set stops working.
    assert!(matches!(r.core.regenerate_recovery_codes(PW2, &app.factor(&r.clock)).unwrap_err(), Error::InvalidCredentials { .. }));
    let wrong = SecondFactor::totp(wrong_code(&app.code(&r.clock)).as_bytes());
    assert!(matches!(r.core.regenerate_recovery_codes(PW, &wrong).unwrap_err(), Error::InvalidCredentials { .. }));
    let fresh = r.core.regenerate_recovery_codes(PW, &app.factor(&r.clock)).unwrap();
    assert_eq!(fresh.len(), 10);
    assert!(kinds(&r.core).contains(&EventKind::RecoveryCodesRegenerated));
    log_out(&r.core);
    let old = SecondFactor::RecoveryCode { code: codes[0].clone() };
    assert!(matches!(r.core.login("Gil", PW, Some(&old)).unwrap_err(), Error::InvalidCredentials { .. }));
    let new = SecondFactor::RecoveryCode { code: fresh[0].clone() };
    assert!(r.core.login("Gil", PW, Some(&new)).unwrap().is_unlocked());
    // Off: both proofs again (a recovery code is a valid factor).
    r.clock.advance(30);
    assert!(matches!(r.core.disable_second_factor(PW2, &app.factor(&r.clock)).unwrap_err(), Error::InvalidCredentials { .. }));
    assert_eq!(method(&r.core), Some(SecondFactorMethod::Totp));
    let rc = SecondFactor::RecoveryCode { code: fresh[1].clone() };
    r.core.disable_second_factor(PW, &rc).unwrap();
    assert_eq!(method(&r.core), None);
    assert_eq!(r.core.second_factor_status().unwrap().recovery_codes_left, 0);
    assert!(kinds(&r.core).contains(&EventKind::SecondFactorDisabled));
    assert!(matches!(r.core.disable_second_factor(PW, &rc).unwrap_err(), Error::InvalidArgument { .. }), "not on");
    log_out(&r.core);
    assert!(r.core.login("Gil", PW, None).unwrap().is_unlocked(), "the password alone again");
}

#[test]
fn the_app_verified_code_asks_the_apps_server() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let id = r.core.create_account("Hal", PW, 12, Language::English).unwrap().account.id;
    // Turning it on: the password, then a code the server accepts.
    r.server.send(&id, b"481516");
    assert!(matches!(r.core.enable_app_verified_factor(PW2, b"481516").unwrap_err(), Error::InvalidCredentials { .. }));
    assert_eq!(r.core.enable_app_verified_factor(PW, b"000000").unwrap_err(), Error::SecondFactorCodeRejected);
    r.server.script_next(AppCodeError::Unavailable { message: "offline".into() });
    assert!(matches!(r.core.enable_app_verified_factor(PW, b"481516").unwrap_err(), Error::SecondFactorUnavailable { .. }));
    assert_eq!(method(&r.core), None);
    let codes = r.core.enable_app_verified_factor(PW, b"481516").unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(method(&r.core), Some(SecondFactorMethod::AppVerified));
    log_out(&r.core);
    // Login: the server's yes with the right password.
    assert!(matches!(r.core.login("Hal", PW, None).unwrap_err(), Error::InvalidCredentials { .. }));
    r.server.send(&id, b"2342");
    assert!(matches!(r.core.login("Hal", PW, Some(&SecondFactor::app_verified(b"9999"))).unwrap_err(), Error::InvalidCredentials { .. }));
    // A TOTP code is not this method's factor.
    assert!(matches!(r.core.login("Hal", PW, Some(&SecondFactor::totp(b"123456"))).unwrap_err(), Error::InvalidCredentials { .. }));
    r.server.script_next(AppCodeError::Unavailable { message: "no network".into() });
    assert_eq!(
        r.core.login("Hal", PW, Some(&SecondFactor::app_verified(b"2342"))).unwrap_err(),
        Error::SecondFactorUnavailable { reason: "no network".into() }
    );
    assert!(r.core.login("Hal", PW, Some(&SecondFactor::app_verified(b"2342"))).unwrap().is_unlocked());
    // A recovery code works instead (the server down, say).
    log_out(&r.core);
    let rc = SecondFactor::RecoveryCode { code: codes[0].clone() };
    assert!(r.core.login("Hal", PW, Some(&rc)).unwrap().is_unlocked());
    // An app without the verifier: typed, and a recovery code still works.
    log_out(&r.core);
    drop(r);
    let clock = std::sync::Arc::new(imwallet_core::clock::ManualClock::new(T0 + 600));
    let (core, _) = factor_core(dir.path(), clock, None, false);
    assert!(matches!(
        core.login("Hal", PW, Some(&SecondFactor::app_verified(b"2342"))).unwrap_err(),
        Error::SecondFactorUnavailable { .. }
    ));
    let rc = SecondFactor::RecoveryCode { code: codes[1].clone() };
    assert!(core.login("Hal", PW, Some(&rc)).unwrap().is_unlocked());
}

#[test]
fn the_secret_and_recovery_codes_never_reach_the_files_in_clear_and_go_with_the_wallet() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let e = {
        r.core.create_account("Ida", PW, 12, Language::English).unwrap();
        r.core.begin_totp_enrollment(PW, "imwallet").unwrap()
    };
    let app = Authenticator::scan(e.otpauth_uri.expose());
    let codes = r.core.confirm_totp_enrollment(app.code(&r.clock).as_bytes()).unwrap();
    let b32 = e.secret_base32.expose().to_vec();
    for needle in [app.secret.clone(), b32, codes[0].expose().to_vec(), codes[0].expose()[6..].to_vec()] {
        assert_eq!(occurrences(dir.path(), &needle), 0, "{:?} in the files", String::from_utf8_lossy(&needle));
    }
    // Even with this device's keys, the stored secret is still under the vault key.
    let conn = bare_conn(dir.path());
    let id = r.core.accounts().unwrap()[0].id.clone();
    let stored: Vec<u8> = conn
        .query_row("SELECT imw_open(account_id, '2fa_totp_secret', totp_secret) FROM second_factor WHERE account_id = ?1", [&id], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(!stored.windows(app.secret.len()).any(|w| w == app.secret.as_slice()));
    let n: u32 = conn.query_row("SELECT COUNT(*) FROM recovery_codes WHERE account_id = ?1", [&id], |r| r.get(0)).unwrap();
    assert_eq!(n, 10);
    drop(conn);
    // Removing the wallet takes both tables' rows.
    let plan = r.core.prepare_logout(imwallet_core::session::logout::LogoutOptions { remove_wallet: true, ..Default::default() }).unwrap();
    let conf = imwallet_core::session::logout::LogoutConfirmation {
        typed_account_name: Some("Ida".into()),
        password: Some(imwallet_core::vault::SecretBytes::from_slice(PW)),
        ..Default::default()
    };
    r.core.logout(&plan.token, &conf).unwrap();
    let conn = bare_conn(dir.path());
    for table in ["second_factor", "recovery_codes"] {
        let n: u32 = conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "{table}");
    }
}

#[test]
fn a_store_made_before_device_keys_seals_its_second_factor_when_bound() {
    let dir = tempfile::tempdir().unwrap();
    {
        let r = open_unbound(dir.path());
        r.core.create_account("Jo", PW, 12, Language::English).unwrap();
        r.core.begin_totp_enrollment(PW, "imwallet").unwrap();
    }
    let r = open(dir.path());
    let st_pending = {
        r.core.login("Jo", PW, None).unwrap();
        r.core.second_factor_status().unwrap()
    };
    assert!(st_pending.totp_enrollment_pending);
    let conn = bare_conn(dir.path());
    let raw: Vec<u8> = conn.query_row("SELECT method FROM second_factor", [], |r| r.get(0)).unwrap();
    assert!(raw.starts_with(b"imws1"), "sealed in place");
}

#[test]
fn the_hardware_key_and_a_second_factor_together() {
    use imwallet_core::auth::hardware_key::{HardwareKeyError, MemoryHardwareKey};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(imwallet_core::clock::ManualClock::new(T0));
    let hk = Arc::new(MemoryHardwareKey::new());
    let config = imwallet_core::Config {
        data_dir: dir.path().to_path_buf(),
        kdf_profile: imwallet_core::vault::kdf::KdfProfile::InsecureFastForTests,
        default_auto_lock: imwallet_core::session::autolock::AutoLock::Never,
        safety: Default::default(),
        unlock_needs_second_factor: false,
    };
    let hooks = imwallet_core::Hooks {
        clock: clock.clone(),
        boot_clock: clock.clone(),
        device_keys: Some(device_for(dir.path())),
        hardware_key: Some(hk.clone()),
        ..imwallet_core::Hooks::default()
    };
    let core = imwallet_core::WalletCore::open(config, hooks).unwrap();
    core.create_account("Kai", PW, 12, Language::English).unwrap();
    core.enable_hardware_key(PW).unwrap();
    let e = core.begin_totp_enrollment(PW, "imwallet").unwrap();
    let app = Authenticator::scan(e.otpauth_uri.expose());
    core.confirm_totp_enrollment(app.code(&clock).as_bytes()).unwrap();
    clock.advance(30);
    log_out(&core);
    // The code without the key: the key's error (asked whatever the password, as before).
    hk.script_next(HardwareKeyError::Cancelled);
    assert_eq!(core.login("Kai", PW, Some(&app.factor(&clock))).unwrap_err(), Error::HardwareKeyCancelled);
    // The key without the code: a wrong password.
    assert!(matches!(core.login("Kai", PW, None).unwrap_err(), Error::InvalidCredentials { .. }));
    // Both, and the password: in.
    assert!(core.login("Kai", PW, Some(&app.factor(&clock))).unwrap().is_unlocked());
}
