//! The attempt limiter under attack, through the public API: another account's success, the
//! device-wide ceiling, the clock set back then restored, a restart with the clock set forward,
//! a reboot, and what the UI is told.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::*;
use imwallet_core::clock::ManualClock;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::wallet::Language;
use imwallet_core::Error;

const WRONG: &[u8] = b"wrong wrong wrong";

fn is_wrong(e: &Error) -> bool {
    matches!(e, Error::InvalidCredentials { .. })
}

fn rig_with_victim(dir: &std::path::Path, clock: Arc<ManualClock>) -> Rig {
    let r = open_with(dir, clock, KdfProfile::InsecureFastForTests);
    r.core.create_account("Victim", PW, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    r
}

#[test]
fn another_accounts_success_does_not_reset_the_victims_counter() {
    let dir = tempfile::tempdir().unwrap();
    let r = rig_with_victim(dir.path(), Arc::new(ManualClock::new(1_800_000_000)));
    // The attacker adds an account whose password they know.
    r.core.create_account("Mallory", PW2, 12, Language::English).unwrap();
    let mut evaluated = 0;
    for _round in 0..3 {
        for _ in 0..4 {
            match r.core.login("Victim", WRONG, None) {
                Err(e) if is_wrong(&e) => evaluated += 1,
                Err(Error::TooManyAttempts { .. }) => {}
                other => panic!("{other:?}"),
            }
        }
        r.core.login("Mallory", PW2, None).unwrap();
    }
    assert_eq!(evaluated, 5, "only the free attempts reach the KDF; then the victim's delay holds");
    assert!(matches!(r.core.login("Victim", PW, None), Err(Error::TooManyAttempts { .. })), "even the right password waits");
}

#[test]
fn a_device_wide_ceiling_that_only_time_lowers() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    let r = open_with(dir.path(), clock.clone(), KdfProfile::InsecureFastForTests);
    for n in 0..6 {
        r.core.create_account(&format!("Acct{n}"), PW, 12, Language::English).unwrap();
    }
    // 4 failures on each of 5 accounts: no account reaches its own delay, the device reaches 20.
    for n in 0..5 {
        for _ in 0..4 {
            assert!(is_wrong(&r.core.login(&format!("Acct{n}"), WRONG, None).unwrap_err()));
        }
    }
    assert_eq!(r.core.login("Acct5", PW, None), Err(Error::TooManyAttempts { retry_after_secs: 3600 }), "the longest delay for everyone");
    clock.advance(3601);
    r.core.login("Acct5", PW, None).unwrap();
    assert!(is_wrong(&r.core.login("Acct0", WRONG, None).unwrap_err()));
    assert_eq!(r.core.login("Acct5", PW, None), Err(Error::TooManyAttempts { retry_after_secs: 3600 }), "a success did not lower it");
    clock.advance(86_400 + 3601);
    r.core.login("Acct5", PW, None).unwrap();
    r.core.login("Acct1", PW, None).unwrap();
}

#[test]
fn clock_set_back_then_restored_does_not_shorten_the_delay() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    let r = rig_with_victim(dir.path(), clock.clone());
    for _ in 0..5 {
        assert!(is_wrong(&r.core.login("Victim", WRONG, None).unwrap_err()));
    }
    clock.shift_wall(-100_000);
    assert!(matches!(r.core.login("Victim", PW, None), Err(Error::TooManyAttempts { .. })));
    // The app is killed and started again with the clock restored.
    drop(r);
    clock.shift_wall(100_000);
    let r = open_with(dir.path(), clock.clone(), KdfProfile::InsecureFastForTests);
    assert_eq!(r.core.login("Victim", PW, None), Err(Error::TooManyAttempts { retry_after_secs: 30 }));
    clock.advance(31);
    r.core.login("Victim", PW, None).unwrap();
}

#[test]
fn restart_with_the_clock_set_forward_on_the_same_boot_keeps_the_delay() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    {
        let r = rig_with_victim(dir.path(), clock.clone());
        for _ in 0..6 {
            let _ = r.core.login("Victim", WRONG, None);
        }
        clock.advance(31);
        assert!(is_wrong(&r.core.login("Victim", WRONG, None).unwrap_err()));
    }
    clock.shift_wall(86_400 * 30);
    let r = open_with(dir.path(), clock.clone(), KdfProfile::InsecureFastForTests);
    assert_eq!(r.core.login("Victim", PW, None), Err(Error::TooManyAttempts { retry_after_secs: 60 }), "restart + clock forward");
}

#[test]
fn a_new_boot_restarts_the_delay_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    {
        let r = rig_with_victim(dir.path(), clock.clone());
        for _ in 0..5 {
            let _ = r.core.login("Victim", WRONG, None);
        }
        clock.advance(25);
        assert_eq!(r.core.retry_after_secs().unwrap(), 5);
    }
    clock.reboot();
    clock.shift_wall(86_400);
    let r = open_with(dir.path(), clock.clone(), KdfProfile::InsecureFastForTests);
    assert_eq!(r.core.login("Victim", PW, None), Err(Error::TooManyAttempts { retry_after_secs: 30 }));
    clock.advance(30);
    r.core.login("Victim", PW, None).unwrap();
}

#[test]
fn the_ui_is_told_attempts_left_and_the_delay() {
    let dir = tempfile::tempdir().unwrap();
    let r = rig_with_victim(dir.path(), Arc::new(ManualClock::new(1_800_000_000)));
    let status = r.core.attempt_status(Some("victim")).unwrap();
    assert_eq!((status.attempts_left, status.retry_after_secs), (5, 0));
    let mut seen = Vec::new();
    for _ in 0..5 {
        match r.core.unlock(WRONG).unwrap_err() {
            Error::InvalidCredentials { attempts_left, retry_after_secs } => seen.push((attempts_left, retry_after_secs)),
            e => panic!("{e}"),
        }
    }
    assert_eq!(seen, [(4, 0), (3, 0), (2, 0), (1, 0), (0, 30)]);
    let e = Error::InvalidCredentials { attempts_left: 0, retry_after_secs: 30 };
    assert_eq!(e.to_string(), "wrong account name or password; try again in 30 s");
    let status = r.core.attempt_status(None).unwrap();
    assert_eq!((status.attempts_left, status.retry_after_secs), (0, 30));
}

#[test]
fn unknown_names_share_one_bucket_that_no_success_clears() {
    let dir = tempfile::tempdir().unwrap();
    let r = rig_with_victim(dir.path(), Arc::new(ManualClock::new(1_800_000_000)));
    for n in 0..5 {
        assert!(is_wrong(&r.core.login(&format!("Nobody{n}"), WRONG, None).unwrap_err()));
    }
    assert!(matches!(r.core.login("Someone else", WRONG, None), Err(Error::TooManyAttempts { .. })));
    r.core.login("Victim", PW, None).unwrap();
    assert!(matches!(r.core.login("Nobody0", WRONG, None), Err(Error::TooManyAttempts { .. })), "a success elsewhere clears nothing");
    assert_eq!(r.core.attempt_status(Some("Victim")).unwrap().attempts_left, 5);
}
