//! KDF parameter upgrades without lock-outs (ADR 0010): an account created with an older,
//! cheaper default still opens after the default was raised, and its next successful password
//! login or unlock re-wraps the vault key under the new default — parameters, salt and wrap
//! change in one transaction, the old wrap is gone from every file, and later logins use the new
//! parameters. Parameters below the floor are still refused. The upgrade's own KDF runs outside
//! the locks: a session change or a password change meanwhile makes it skip (test-hooks races).
//!
//! `InsecureFastForTestsPreviousDefault` plays the old build (new accounts at the floor, p = 1),
//! `InsecureFastForTests` the updated one (p = 4).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use imwallet_core::clock::ManualClock;
use imwallet_core::session::SessionState;
use imwallet_core::vault::kdf::{KdfParams, KdfProfile};
use imwallet_core::wallet::Language;
use imwallet_core::Error;

const OLD: KdfProfile = KdfProfile::InsecureFastForTestsPreviousDefault;
const NEW: KdfProfile = KdfProfile::InsecureFastForTests;

/// (parameters, salt, password wrap) of the only account.
fn stored(dir: &Path) -> (KdfParams, Vec<u8>, Vec<u8>) {
    rusqlite::Connection::open(dir.join("imwallet.db"))
        .unwrap()
        .query_row("SELECT kdf_m_kib, kdf_t, kdf_p, kdf_salt, password_wrap FROM accounts", [], |r| {
            Ok((KdfParams { m_kib: r.get(0)?, t: r.get(1)?, p: r.get(2)? }, r.get(3)?, r.get(4)?))
        })
        .unwrap()
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(1_800_000_000))
}

/// A directory holding one account ("Old") made by the old build, logged out.
fn old_account() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = open_with(dir.path(), clock(), OLD);
    r.core.create_account("Old", PW, 12, Language::English).unwrap();
    r.core.lock().unwrap();
    assert_eq!(stored(dir.path()).0, OLD.params());
    assert_ne!(OLD.params(), NEW.params(), "the test needs a raised default");
    dir
}

#[test]
fn an_old_default_account_logs_in_and_is_upgraded_once() {
    let dir = old_account();
    let (_, old_salt, old_wrap) = stored(dir.path());
    assert!(occurrences(dir.path(), &old_wrap) >= 1, "control: the scan finds the current wrap");

    let r = open_with(dir.path(), clock(), NEW);
    let st = r.core.login("Old", PW, None).unwrap();
    assert!(st.is_unlocked());
    let (params, salt, wrap) = stored(dir.path());
    assert_eq!(params, NEW.params(), "upgraded to the new default");
    assert_ne!(salt, old_salt, "a fresh salt");
    assert_ne!(wrap, old_wrap);
    assert_eq!(occurrences(dir.path(), &old_wrap), 0, "the old wrap lingers in a file of the data directory");

    // Later logins and unlocks use the new parameters and change nothing.
    r.core.lock().unwrap();
    r.core.unlock(PW).unwrap();
    r.core.login("Old", PW, None).unwrap();
    assert_eq!(stored(dir.path()), (params, salt, wrap), "no second upgrade");
    assert!(matches!(r.core.login("Old", PW2, None).unwrap_err(), Error::InvalidCredentials { .. }));
    // The keys are the account's own: signing works and the address is unchanged.
    let address = r.core.accounts().unwrap()[0].address.clone();
    assert_eq!(r.core.addresses(1).unwrap(), vec![address]);
    drop(r);

    // An old build still opens the upgraded account (above its floor, below the ceiling).
    let r = open_with(dir.path(), clock(), OLD);
    r.core.login("Old", PW, None).unwrap();
}

#[test]
fn unlocking_a_locked_session_upgrades_too() {
    let dir = old_account();
    let r = open_with(dir.path(), clock(), NEW);
    assert!(matches!(r.core.state(), SessionState::Locked { .. }));
    r.core.unlock(PW).unwrap();
    assert_eq!(stored(dir.path()).0, NEW.params());
}

#[test]
fn a_wrong_password_or_a_biometric_unlock_does_not_upgrade() {
    let dir = old_account();
    let before = stored(dir.path());
    let r = open_with(dir.path(), clock(), NEW);
    assert!(matches!(r.core.unlock(PW2).unwrap_err(), Error::InvalidCredentials { .. }));
    assert!(matches!(r.core.login("Old", PW2, None).unwrap_err(), Error::InvalidCredentials { .. }));
    assert_eq!(stored(dir.path()), before);
    drop(r);
    // Biometrics release the vault key without the password: nothing to re-wrap with.
    let r = open_with(dir.path(), clock(), OLD);
    r.core.unlock(PW).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.lock().unwrap();
    let before = stored(dir.path());
    let ks = r.ks.clone();
    drop(r);
    let r = open_full(dir.path(), clock(), NEW, ks);
    r.core.unlock_with_biometrics().unwrap();
    assert_eq!(stored(dir.path()), before);
    r.core.lock().unwrap();
    r.core.unlock(PW).unwrap();
    assert_eq!(stored(dir.path()).0, NEW.params(), "the next password unlock upgrades");
    r.core.lock().unwrap();
    r.core.unlock_with_biometrics().unwrap();
}

#[test]
fn a_password_change_writes_the_new_default() {
    let dir = old_account();
    let r = open_with(dir.path(), clock(), NEW);
    r.core.change_password(PW, PW2).unwrap();
    assert_eq!(stored(dir.path()).0, NEW.params());
    r.core.login("Old", PW2, None).unwrap();
}

#[test]
fn parameters_below_the_floor_are_still_refused() {
    for (column, value) in [("kdf_p", 0), ("kdf_t", 0), ("kdf_m_kib", 128)] {
        let dir = tempfile::tempdir().unwrap();
        {
            let r = open(dir.path());
            r.core.create_account("Weak", PW, 12, Language::English).unwrap();
        }
        rusqlite::Connection::open(dir.path().join("imwallet.db"))
            .unwrap()
            .execute(&format!("UPDATE accounts SET {column} = ?1"), [value])
            .unwrap();
        let before = stored(dir.path());
        for profile in [NEW, OLD] {
            let r = open_with(dir.path(), clock(), profile);
            assert!(matches!(r.core.login("Weak", PW, None).unwrap_err(), Error::KdfParamsTooWeak), "{column} = {value}, {profile:?}");
            assert!(matches!(r.core.unlock(PW).unwrap_err(), Error::KdfParamsTooWeak), "{column} = {value}, {profile:?}");
        }
        assert_eq!(stored(dir.path()), before, "a refused row is never re-wrapped");
    }
}

#[test]
fn production_still_refuses_test_profile_accounts() {
    let dir = old_account();
    let r = open_with(dir.path(), clock(), KdfProfile::Production);
    assert!(matches!(r.core.login("Old", PW, None).unwrap_err(), Error::KdfParamsTooWeak));
}

#[cfg(feature = "test-hooks")]
mod races {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::mpsc::{channel, Receiver, Sender};
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;

    /// Stops the `n`-th KDF result (1-based, counted from now) before it is applied; the login's
    /// own KDF is the first, the upgrade's the second.
    struct Stop {
        arrived: Receiver<()>,
        release: Sender<()>,
    }

    fn stop_at(r: &Rig, n: u32) -> Stop {
        let count = AtomicU32::new(0);
        let (arrived_tx, arrived) = channel();
        let (release, release_rx) = channel::<()>();
        let release_rx = Mutex::new(release_rx);
        r.core.set_after_kdf_hook(Some(Arc::new(move || {
            if count.fetch_add(1, Ordering::SeqCst) + 1 == n {
                let _ = arrived_tx.send(());
                let _ = release_rx.lock().unwrap().recv_timeout(Duration::from_secs(30));
            }
        })));
        Stop { arrived, release }
    }

    /// Logs in on another thread, runs `meanwhile` while the upgrade's KDF result waits, and
    /// returns the login's result.
    fn login_with_upgrade_race(r: &Arc<Rig>, meanwhile: impl FnOnce(&Rig)) -> imwallet_core::Result<SessionState> {
        let stop = stop_at(r, 2);
        let rr = r.clone();
        let h = std::thread::spawn(move || rr.core.login("Old", PW, None));
        stop.arrived.recv_timeout(Duration::from_secs(30)).expect("the upgrade KDF never ran");
        meanwhile(r);
        stop.release.send(()).unwrap();
        let result = h.join().unwrap();
        r.core.set_after_kdf_hook(None);
        result.map(|o| o.state)
    }

    #[test]
    fn a_lock_during_the_upgrade_kdf_skips_it_until_the_next_login() {
        let dir = old_account();
        let before = stored(dir.path());
        let r = Arc::new(open_with(dir.path(), clock(), NEW));
        let st = login_with_upgrade_race(&r, |r| drop(r.core.lock().unwrap()));
        assert!(matches!(st.unwrap(), SessionState::Locked { .. }), "the login succeeded, then the lock won");
        assert_eq!(stored(dir.path()), before, "skipped: the session changed");
        assert_eq!(r.core.live_unlocked_keys(), 0);
        r.core.unlock(PW).unwrap();
        assert_eq!(stored(dir.path()).0, NEW.params(), "done on the next unlock");
    }

    #[test]
    fn a_password_change_during_the_upgrade_kdf_is_never_overwritten() {
        let dir = old_account();
        let r = Arc::new(open_with(dir.path(), clock(), NEW));
        let st = login_with_upgrade_race(&r, |r| r.core.change_password(PW, PW2).unwrap());
        assert!(st.unwrap().is_unlocked());
        let (params, ..) = stored(dir.path());
        assert_eq!(params, NEW.params(), "written by the password change");
        r.core.lock().unwrap();
        assert!(matches!(r.core.unlock(PW).unwrap_err(), Error::InvalidCredentials { .. }), "the old password must not come back");
        r.core.unlock(PW2).unwrap();
    }

    #[test]
    fn a_logout_that_removes_the_wallet_during_the_upgrade_kdf_leaves_nothing() {
        use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
        let dir = old_account();
        let r = Arc::new(open_with(dir.path(), clock(), NEW));
        let st = login_with_upgrade_race(&r, |r| {
            let plan = r.core.prepare_logout(LogoutOptions { remove_wallet: true, ..LogoutOptions::default() }).unwrap();
            let password = Some(imwallet_core::vault::SecretBytes::from_slice(PW));
            let confirmation = LogoutConfirmation { typed_account_name: Some("Old".into()), password, use_biometrics: false };
            r.core.logout(&plan.token, &confirmation).unwrap();
        });
        assert_eq!(st.unwrap(), SessionState::NoAccount);
        assert!(r.core.accounts().unwrap().is_empty());
    }
}
