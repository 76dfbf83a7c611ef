//! Attacks on the second factor (issue 19, ADR 0014), through the public API, by someone who
//! holds the phone and knows — or guesses — the password.
//!
//! * `held_*`: attacks that fail; they stay as regressions.
//! * `documented_*`: what the factor does not defend, asserted so that the documentation
//!   (ADR 0014, `docs/security.md`) stays true.

mod common;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::factor_rig::*;
use common::*;
use imwallet_core::auth::second_factor::{AppCodeError, AppCodeVerifier, SecondFactor, SecondFactorMethod};
use imwallet_core::clock::ManualClock;
use imwallet_core::events::{EventKind, SecurityEvent};
use imwallet_core::session::limiter::{AttemptStatus, FREE_ATTEMPTS};
use imwallet_core::session::SessionState;
use imwallet_core::wallet::Language;
use imwallet_core::{Error, WalletCore};

fn bad(e: &Error) -> bool {
    matches!(e, Error::InvalidCredentials { .. })
}

fn status(core: &WalletCore, name: &str) -> AttemptStatus {
    core.attempt_status(Some(name)).unwrap()
}

/// Events as an observer of the API sees them (no ids, no times).
fn seen(events: Vec<SecurityEvent>) -> Vec<(EventKind, Option<String>, String)> {
    events.into_iter().map(|e| (e.kind, e.account_name, e.detail)).collect()
}

#[test]
fn held_a_code_is_refused_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (app, _) = with_totp(&r, "Ann");
    log_out(&r.core);
    let code = app.factor(&r.clock);
    assert!(r.core.login("Ann", PW, Some(&code)).unwrap().is_unlocked());
    log_out(&r.core);
    let before = status(&r.core, "Ann");
    // Replayed within the same step, and in the next one (still inside the ±1 window).
    assert!(bad(&r.core.login("Ann", PW, Some(&code)).unwrap_err()));
    r.clock.advance(30);
    assert!(bad(&r.core.login("Ann", PW, Some(&code)).unwrap_err()));
    assert_eq!(status(&r.core, "Ann").attempts_left, before.attempts_left - 2, "each replay counted");
    assert_eq!(r.core.state(), SessionState::LoggedOut);
    // The next step's fresh code works.
    assert!(r.core.login("Ann", PW, Some(&app.factor(&r.clock))).unwrap().is_unlocked());
}

#[test]
fn held_setting_the_clock_back_does_not_bring_old_codes_back() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (app, _) = with_totp(&r, "Bo");
    log_out(&r.core);
    // A code shoulder-surfed 10 minutes ago, then the login of the owner now.
    let old = SecondFactor::totp(app.code_at(T0 + 30 - 600).as_bytes());
    let now = app.factor(&r.clock);
    assert!(r.core.login("Bo", PW, Some(&now)).unwrap().is_unlocked());
    log_out(&r.core);
    // The attacker sets the wall clock back 10 minutes: the old code is in the window again.
    r.clock.shift_wall(-600);
    assert!(bad(&r.core.login("Bo", PW, Some(&old)).unwrap_err()), "an old step, at or before the last accepted one");
    // And every code the app shows for the set-back time: at or before the last step too.
    assert!(bad(&r.core.login("Bo", PW, Some(&app.factor(&r.clock))).unwrap_err()));
    // Back on time, the next step works.
    r.clock.shift_wall(600 + 30);
    assert!(r.core.login("Bo", PW, Some(&app.factor(&r.clock))).unwrap().is_unlocked());
}

#[test]
fn held_only_the_window_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (app, _) = with_totp(&r, "Cal");
    log_out(&r.core);
    let now = T0 + 30;
    for offset in [-90i64, -60, 60, 90, 3600] {
        let f = SecondFactor::totp(app.code_at(now + offset).as_bytes());
        assert!(bad(&r.core.login("Cal", PW, Some(&f)).unwrap_err()), "offset {offset}");
        r.clock.advance(90_000); // the limiter forgets (no delay between the probes)
        r.clock.shift_wall(-90_000);
    }
    let f = SecondFactor::totp(app.code_at(now + 30).as_bytes());
    assert!(r.core.login("Cal", PW, Some(&f)).unwrap().is_unlocked(), "one step ahead: accepted");
}

#[test]
fn held_a_missing_or_wrong_factor_counts_in_the_limiter_like_a_wrong_password() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (app, _) = with_totp(&r, "Dot");
    log_out(&r.core);
    let wrong = SecondFactor::totp(wrong_code(&app.code(&r.clock)).as_bytes());
    let bogus_rc = SecondFactor::recovery_code(b"AAAAA-AAAAA");
    let tries: [Option<&SecondFactor>; 5] = [None, Some(&wrong), None, Some(&bogus_rc), Some(&wrong)];
    for (i, f) in tries.into_iter().enumerate() {
        match r.core.login("Dot", PW, f).unwrap_err() {
            Error::InvalidCredentials { attempts_left, retry_after_secs } => {
                let expect_left = FREE_ATTEMPTS - 1 - i as u32;
                assert_eq!(attempts_left, expect_left, "try {i}");
                assert_eq!(retry_after_secs > 0, expect_left == 0, "try {i}");
            }
            e => panic!("try {i}: {e:?}"),
        }
    }
    // The delay holds even for the right password and the right code.
    assert!(matches!(r.core.login("Dot", PW, Some(&app.factor(&r.clock))).unwrap_err(), Error::TooManyAttempts { .. }));
    let events = seen(r.core.security_events(20).unwrap());
    assert_eq!(events.iter().filter(|e| e.0 == EventKind::LoginFailed).count(), 5);
    assert!(events.iter().any(|e| e.0 == EventKind::DelayStarted));
}

/// Two devices in the same state; on one the attacker types a wrong password, on the other the
/// right password; both with the same wrong (or missing) code. Everything the API shows after
/// each attempt must be the same: the error, the limiter, the events, the listener, the state.
#[test]
fn held_no_oracle_between_a_wrong_password_and_a_wrong_factor() {
    for factor in [Some(()), None] {
        let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (a, b) = (open_factor(da.path()), open_factor(db.path()));
        let (app_a, _) = with_totp(&a, "Eve");
        let (app_b, _) = with_totp(&b, "Eve");
        log_out(&a.core);
        log_out(&b.core);
        let (start_a, start_b) = (a.core.security_events(100).unwrap().len(), b.core.security_events(100).unwrap().len());
        let (heard_a, heard_b) = (a.rec.events.lock().unwrap().len(), b.rec.events.lock().unwrap().len());
        for round in 0..(FREE_ATTEMPTS + 1) {
            let wa = SecondFactor::totp(wrong_code(&app_a.code(&a.clock)).as_bytes());
            let wb = SecondFactor::totp(wrong_code(&app_b.code(&b.clock)).as_bytes());
            let ea = a.core.login("Eve", PW2, factor.map(|_| &wa)).unwrap_err();
            let eb = b.core.login("Eve", PW, factor.map(|_| &wb)).unwrap_err();
            assert_eq!(ea, eb, "round {round}: the error");
            assert_eq!(ea.to_string(), eb.to_string(), "round {round}: its text");
            assert_eq!(status(&a.core, "Eve"), status(&b.core, "Eve"), "round {round}: the limiter");
            assert_eq!(a.core.failed_attempts_summary().unwrap().count, b.core.failed_attempts_summary().unwrap().count);
            assert_eq!(a.core.state(), b.core.state(), "round {round}: the state");
        }
        let ev = |c: &WalletCore, skip: usize| {
            let mut all = seen(c.security_events(100).unwrap());
            all.truncate(all.len() - skip);
            all
        };
        assert_eq!(ev(&a.core, start_a), ev(&b.core, start_b), "the security log");
        let heard = |r: &FactorRig, skip: usize| seen(r.rec.events.lock().unwrap()[skip..].to_vec());
        assert_eq!(heard(&a, heard_a), heard(&b, heard_b), "the listener");
    }
}

/// The same two paths, timed: the password check and the factor check do the same work whether
/// the password was right (interleaved samples, fastest of each, which load noise only slows).
#[test]
fn held_a_wrong_factor_takes_as_long_as_a_wrong_password() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open_factor(da.path()), open_factor(db.path()));
    let (app_a, rc_a) = with_totp(&a, "Fox");
    let (app_b, rc_b) = with_totp(&b, "Fox");
    log_out(&a.core);
    log_out(&b.core);
    let time = |r: &FactorRig, pw: &[u8], f: &SecondFactor| {
        let t = Instant::now();
        assert!(bad(&r.core.login("Fox", pw, Some(f)).unwrap_err()));
        let d = t.elapsed();
        // The limiter forgets between samples (no delay), the clock goes back to where it was.
        r.clock.advance(90_000);
        r.clock.shift_wall(-90_000);
        d
    };
    for kind in ["totp", "recovery"] {
        let (mut wrong_pw, mut wrong_factor) = (Duration::MAX, Duration::MAX);
        for _ in 0..21 {
            let (fa, fb) = match kind {
                "totp" => (
                    SecondFactor::totp(wrong_code(&app_a.code(&a.clock)).as_bytes()),
                    SecondFactor::totp(wrong_code(&app_b.code(&b.clock)).as_bytes()),
                ),
                // The other device's code: well-formed, not this account's.
                _ => (SecondFactor::RecoveryCode { code: rc_b[0].clone() }, SecondFactor::RecoveryCode { code: rc_a[0].clone() }),
            };
            wrong_pw = wrong_pw.min(time(&a, PW2, &fa));
            wrong_factor = wrong_factor.min(time(&b, PW, &fb));
        }
        let ratio = wrong_factor.as_secs_f64() / wrong_pw.as_secs_f64();
        assert!((0.5..2.0).contains(&ratio), "{kind}: wrong password {wrong_pw:?}, wrong factor {wrong_factor:?}");
    }
}

#[test]
fn held_a_recovery_code_works_once_even_when_logins_race() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (app, codes) = with_totp(&r, "Gus");
    log_out(&r.core);
    let core = Arc::new(r.core);
    for round in 0..2 {
        let factor = if round == 0 { SecondFactor::RecoveryCode { code: codes[0].clone() } } else { app.factor(&r.clock) };
        let barrier = Arc::new(Barrier::new(4));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (core, barrier, f) = (core.clone(), barrier.clone(), factor.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    core.login("Gus", PW, Some(&f))
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{factor:?}: {results:?}");
        assert!(results.iter().filter(|r| r.is_err()).all(|r| bad(r.as_ref().unwrap_err())), "{results:?}");
        log_out(&core);
        // Used up.
        assert!(bad(&core.login("Gus", PW, Some(&factor)).unwrap_err()));
        // The limiter forgets the failures (a new day).
        r.clock.advance(90_000);
    }
    let used = core.security_events(100).unwrap().into_iter().filter(|e| e.kind == EventKind::RecoveryCodeUsed).count();
    assert_eq!(used, 1);
    assert_eq!(core.second_factor_status().unwrap_err(), Error::NotLoggedIn);
}

#[test]
fn held_enrollment_without_a_valid_code_never_enables_and_brute_force_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    r.core.create_account("Hu", PW, 12, Language::English).unwrap();
    let e = r.core.begin_totp_enrollment(PW, "imwallet").unwrap();
    let app = Authenticator::scan(e.otpauth_uri.expose());
    // Someone at the unlocked phone tries codes: five, and the enrollment is gone.
    let mut tried = 0;
    for guess in 0..1000u32 {
        let code = format!("{guess:06}");
        if app.code(&r.clock) == code {
            continue;
        }
        match r.core.confirm_totp_enrollment(code.as_bytes()) {
            Err(Error::SecondFactorCodeRejected) => tried += 1,
            Err(Error::InvalidArgument { .. }) => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(tried, 5);
    assert_eq!(r.core.accounts().unwrap()[0].second_factor, None);
    // The login is unchanged: the password alone.
    log_out(&r.core);
    assert!(r.core.login("Hu", PW, None).unwrap().is_unlocked());
    // Enrollment needs an unlocked session of the account.
    r.core.lock().unwrap();
    assert_eq!(r.core.begin_totp_enrollment(PW, "imwallet").unwrap_err(), Error::Locked);
    assert_eq!(r.core.confirm_totp_enrollment(b"123456").unwrap_err(), Error::Locked);
}

#[test]
fn held_turning_it_off_needs_the_password_and_the_factor_together() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (app, codes) = with_totp(&r, "Ivy");
    let rc = SecondFactor::RecoveryCode { code: codes[0].clone() };
    // Password right, factor missing/wrong; factor right, password wrong.
    let wrong = SecondFactor::totp(wrong_code(&app.code(&r.clock)).as_bytes());
    assert!(bad(&r.core.disable_second_factor(PW, &wrong).unwrap_err()));
    assert!(bad(&r.core.disable_second_factor(PW2, &app.factor(&r.clock)).unwrap_err()));
    assert!(bad(&r.core.disable_second_factor(PW2, &rc).unwrap_err()));
    assert!(bad(&r.core.regenerate_recovery_codes(PW, &wrong).unwrap_err()));
    assert_eq!(r.core.accounts().unwrap()[0].second_factor, Some(SecondFactorMethod::Totp));
    assert_eq!(r.core.second_factor_status().unwrap().recovery_codes_left, 10, "a wrong password uses up no code");
    // Locked or logged out: nothing.
    r.core.lock().unwrap();
    assert_eq!(r.core.disable_second_factor(PW, &rc).unwrap_err(), Error::Locked);
    r.core.unlock(PW).unwrap();
    // The failures counted: the limiter ends the guessing.
    for _ in 0..5 {
        let e = r.core.disable_second_factor(PW, &wrong).unwrap_err();
        assert!(bad(&e) || matches!(e, Error::TooManyAttempts { .. }), "{e:?}");
    }
    assert!(matches!(r.core.disable_second_factor(PW, &rc).unwrap_err(), Error::TooManyAttempts { .. }));
    assert_eq!(r.core.accounts().unwrap()[0].second_factor, Some(SecondFactorMethod::Totp));
}

#[test]
fn held_codes_of_one_account_do_not_open_another() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (app_a, codes_a) = with_totp(&r, "Jan");
    let (_, _) = with_totp(&r, "Kit");
    log_out(&r.core);
    assert!(bad(&r.core.login("Kit", PW, Some(&app_a.factor(&r.clock))).unwrap_err()));
    assert!(bad(&r.core.login("Kit", PW, Some(&SecondFactor::RecoveryCode { code: codes_a[0].clone() })).unwrap_err()));
    // Jan's code is still unused.
    assert!(r.core.login("Jan", PW, Some(&SecondFactor::RecoveryCode { code: codes_a[0].clone() })).unwrap().is_unlocked());
}

/// A scripted hook that says yes to everything: a patched app, a hostile shell.
struct AlwaysYes;

impl AppCodeVerifier for AlwaysYes {
    fn verify_code(&self, _: &str, _: &[u8]) -> Result<bool, AppCodeError> {
        Ok(true)
    }
}

/// `name`'s account with the app-verified factor on, logged out, then the directory opened again
/// by an app whose hook says yes to everything.
fn reopened_with_a_yes_saying_hook(dir: &std::path::Path, name: &str) -> WalletCore {
    let r = open_factor(dir);
    let id = r.core.create_account(name, PW, 12, Language::English).unwrap().account.id;
    r.server.send(&id, b"7777");
    r.core.enable_app_verified_factor(PW, b"7777").unwrap();
    log_out(&r.core);
    drop(r);
    let clock = Arc::new(ManualClock::new(T0 + 60));
    factor_core(dir, clock, Some(Arc::new(AlwaysYes)), false).0
}

#[test]
fn held_a_yes_saying_hook_never_replaces_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let core = reopened_with_a_yes_saying_hook(dir.path(), "Lu");
    for guess in [PW2, b"".as_slice(), b"1234"] {
        assert!(bad(&core.login("Lu", guess, Some(&SecondFactor::app_verified(b"any"))).unwrap_err()));
    }
    assert_eq!(core.state(), SessionState::LoggedOut);
}

/// ADR 0014: the app-verified code is the app server's policy, not cryptography. Whoever knows
/// the password and controls the hook (a patched app) logs in without any code from the server.
#[test]
fn documented_the_app_verified_factor_is_a_policy_a_hostile_hook_skips() {
    let dir = tempfile::tempdir().unwrap();
    let core = reopened_with_a_yes_saying_hook(dir.path(), "Max");
    assert!(core.login("Max", PW, Some(&SecondFactor::app_verified(b"anything"))).unwrap().is_unlocked());
}

/// The app's server hears of every attempt with its code, whatever the password (so whether it
/// is asked says nothing about the password): a code typed with a wrong password is spent.
#[test]
fn held_the_app_server_is_asked_whatever_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let id = r.core.create_account("Ned", PW, 12, Language::English).unwrap().account.id;
    r.server.send(&id, b"1111");
    r.core.enable_app_verified_factor(PW, b"1111").unwrap();
    log_out(&r.core);
    let calls = || r.server.calls.load(std::sync::atomic::Ordering::SeqCst);
    let before = calls();
    r.server.send(&id, b"2222");
    assert!(bad(&r.core.login("Ned", PW2, Some(&SecondFactor::app_verified(b"2222"))).unwrap_err()));
    assert_eq!(calls(), before + 1, "asked with a wrong password too");
    // The server's error is the same whatever the password.
    r.server.script_next(AppCodeError::Unavailable { message: "offline".into() });
    let e1 = r.core.login("Ned", PW2, Some(&SecondFactor::app_verified(b"2222"))).unwrap_err();
    r.server.script_next(AppCodeError::Unavailable { message: "offline".into() });
    let e2 = r.core.login("Ned", PW, Some(&SecondFactor::app_verified(b"2222"))).unwrap_err();
    assert_eq!(e1, e2);
    // The code went with the wrong-password attempt (the server used it up).
    assert!(bad(&r.core.login("Ned", PW, Some(&SecondFactor::app_verified(b"2222"))).unwrap_err()));
    r.server.send(&id, b"3333");
    assert!(r.core.login("Ned", PW, Some(&SecondFactor::app_verified(b"3333"))).unwrap().is_unlocked());
}

/// ADR 0014: the factor guards logging in again; a `Locked` session (kept across restarts)
/// unlocks with the password alone unless the app's policy asks — and with biometrics always.
#[test]
fn documented_a_locked_session_unlocks_without_the_factor_unless_the_app_asks() {
    let dir = tempfile::tempdir().unwrap();
    {
        let r = open_factor(dir.path());
        with_totp(&r, "Oz");
        r.core.lock().unwrap();
        assert!(r.core.unlock(PW).unwrap().is_unlocked());
    }
    // The same directory under the app's policy: the locked session needs the factor.
    let r = open_factor_with(dir.path(), true);
    assert!(matches!(r.core.state(), SessionState::Locked { .. }));
    assert!(bad(&r.core.unlock(PW).unwrap_err()));
}

/// ADR 0014: the TOTP secret is under the vault key, which the password alone opens. Someone
/// who can change the app's files (root) and knows the password removes the factor's row and
/// logs in without a code: the factor is a check in the app, not a key. (The hardware-key
/// factor, ADR 0011, is the one that is part of the key.)
#[test]
fn documented_an_attacker_with_write_access_to_the_files_can_drop_the_check() {
    let dir = tempfile::tempdir().unwrap();
    {
        let r = open_factor(dir.path());
        with_totp(&r, "Pia");
        log_out(&r.core);
        assert!(bad(&r.core.login("Pia", PW, None).unwrap_err()));
    }
    let conn = bare_conn(dir.path());
    conn.execute("DELETE FROM second_factor", []).unwrap();
    drop(conn);
    let r = open_factor(dir.path());
    assert!(r.core.login("Pia", PW, None).unwrap().is_unlocked());
}

/// A damaged (tampered) factor row never turns the factor off: it fails closed.
#[test]
fn held_a_damaged_factor_row_fails_closed() {
    let dir = tempfile::tempdir().unwrap();
    {
        let r = open_factor(dir.path());
        with_totp(&r, "Quin");
        log_out(&r.core);
    }
    let conn = bare_conn(dir.path());
    conn.execute("UPDATE second_factor SET state = CAST(x'696d777331' || randomblob(60) AS BLOB)", []).unwrap();
    drop(conn);
    let r = open_factor(dir.path());
    let e = r.core.login("Quin", PW, None).unwrap_err();
    assert!(!matches!(r.core.state(), SessionState::Unlocked { .. }), "{e:?}");
}
