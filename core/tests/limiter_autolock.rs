//! Brute-force limiter (restart, clock set back, parallel calls) and auto-lock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use imwallet_core::auth::gates::AuthProof;
use imwallet_core::clock::ManualClock;
use imwallet_core::events::EventKind;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::SessionState;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::wallet::Language;
use imwallet_core::Error;

fn fail_n(r: &Rig, n: usize) {
    for _ in 0..n {
        assert!(matches!(r.core.login("Ivy", b"wrong wrong wrong", None).unwrap_err(), Error::InvalidCredentials { .. }));
    }
}

#[test]
fn five_failures_then_growing_delays_and_success_resets() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Ivy", PW, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    fail_n(&r, 5);
    assert_eq!(
        r.core.login("Ivy", PW, None).unwrap_err(),
        Error::TooManyAttempts { retry_after_secs: 30 },
        "even the right password waits"
    );
    assert_eq!(r.core.retry_after_secs().unwrap(), 30);
    assert!(r.core.security_events(10).unwrap().iter().any(|e| e.kind == EventKind::DelayStarted));
    r.clock.advance(31);
    fail_n(&r, 1);
    assert_eq!(r.core.login("Ivy", PW, None).unwrap_err(), Error::TooManyAttempts { retry_after_secs: 60 });
    r.clock.advance(61);
    fail_n(&r, 1);
    assert_eq!(r.core.unlock(PW).unwrap_err(), Error::TooManyAttempts { retry_after_secs: 300 }, "unlock shares the limiter");
    r.clock.advance(301);
    r.core.login("Ivy", PW, None).unwrap();
    assert_eq!(r.core.retry_after_secs().unwrap(), 0);
    fail_n(&r, 4);
    r.core.login("Ivy", PW, None).unwrap();
}

#[test]
fn restart_does_not_reset_the_counter() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    {
        let r = open_with(dir.path(), clock.clone(), KdfProfile::InsecureFastForTests);
        r.core.create_account("Ivy", PW, 12, Language::English).unwrap();
        fail_n(&r, 5);
    }
    let r = open_with(dir.path(), clock.clone(), KdfProfile::InsecureFastForTests);
    assert!(matches!(r.core.login("Ivy", PW, None), Err(Error::TooManyAttempts { .. })));
    assert!(matches!(r.core.unlock(PW), Err(Error::TooManyAttempts { .. })));
}

#[test]
fn clock_set_back_restarts_the_delay_instead_of_bypassing_it() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Ivy", PW, 12, Language::English).unwrap();
    fail_n(&r, 5);
    r.clock.shift_wall(-86_400 * 365);
    assert_eq!(r.core.login("Ivy", PW, None).unwrap_err(), Error::TooManyAttempts { retry_after_secs: 30 });
    r.clock.advance(10);
    assert_eq!(r.core.login("Ivy", PW, None).unwrap_err(), Error::TooManyAttempts { retry_after_secs: 20 });
    // Wall clock forward within the process: the monotonic guard still holds the delay.
    r.clock.shift_wall(86_400);
    assert!(matches!(r.core.login("Ivy", PW, None), Err(Error::TooManyAttempts { .. })));
}

#[test]
fn parallel_attempts_cannot_exceed_the_free_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let r = Arc::new(open(dir.path()));
    r.core.create_account("Ivy", PW, 12, Language::English).unwrap();
    let handles: Vec<_> = (0..16)
        .map(|_| {
            let r = r.clone();
            std::thread::spawn(move || r.core.login("Ivy", b"wrong wrong wrong", None).unwrap_err())
        })
        .collect();
    let errs: Vec<Error> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let ran_kdf = errs.iter().filter(|e| matches!(e, Error::InvalidCredentials { .. })).count();
    assert_eq!(ran_kdf, 5, "{errs:?}");
    assert_eq!(errs.iter().filter(|e| matches!(e, Error::TooManyAttempts { .. })).count(), 11);
}

#[test]
fn auto_lock_after_idle_timeout_and_touch_keeps_alive() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Jo", PW, 12, Language::English).unwrap();
    r.core.set_auto_lock(AutoLock::AfterSeconds(1), AuthProof::Password(PW)).unwrap();
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(400));
        r.core.touch();
    }
    assert!(r.core.state().is_unlocked(), "activity keeps the session open");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(matches!(r.core.state(), SessionState::Locked { .. }));
    assert!(r.core.security_events(5).unwrap().iter().any(|e| e.kind == EventKind::LockedAutomatically));
    assert_eq!(r.core.sign_message(0, b"x").unwrap_err(), Error::Locked);
    // The setting persists.
    drop(r);
    let r = open(dir.path());
    assert_eq!(r.core.auto_lock(), AutoLock::AfterSeconds(1));
    assert!(matches!(r.core.set_auto_lock(AutoLock::AfterSeconds(0), AuthProof::Password(PW)), Err(Error::InvalidArgument { .. })));
    assert_eq!(r.core.set_auto_lock(AutoLock::Never, AuthProof::Password(PW)).unwrap_err(), Error::Locked);
}

#[test]
fn background_and_foreground() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Jo", PW, 12, Language::English).unwrap();
    r.core.set_auto_lock(AutoLock::Immediate, AuthProof::Password(PW)).unwrap();
    assert!(matches!(r.core.app_backgrounded().unwrap(), SessionState::Locked { .. }));
    assert_eq!(r.core.unlock(PW), Err(imwallet_core::Error::SessionChanged), "no unlock in the background under Immediate");
    assert!(r.core.app_foregrounded().unwrap() != SessionState::NoAccount);
    r.core.unlock(PW).unwrap();
    r.core.set_auto_lock(AutoLock::AfterSeconds(60), AuthProof::Password(PW)).unwrap();
    r.core.app_backgrounded().unwrap();
    assert!(r.core.state().is_unlocked());
    r.clock.advance(30);
    assert!(r.core.app_foregrounded().unwrap().is_unlocked(), "back within the timeout");
    r.core.app_backgrounded().unwrap();
    r.clock.advance(61);
    assert!(matches!(r.core.app_foregrounded().unwrap(), SessionState::Locked { .. }), "timeout passed while suspended");
    assert_eq!(r.core.set_auto_lock(AutoLock::Never, AuthProof::Password(PW)).unwrap_err(), Error::Locked, "not from the lock screen");
    r.core.unlock(PW).unwrap();
    r.core.set_auto_lock(AutoLock::Never, AuthProof::Password(PW)).unwrap();
    r.core.app_backgrounded().unwrap();
    r.clock.advance(100_000);
    assert!(r.core.app_foregrounded().unwrap().is_unlocked());
}
