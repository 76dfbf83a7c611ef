//! Crash consistency: a child process is aborted at every named point of create, password
//! change, KDF parameter upgrade, logout and wallet removal (and SIGKILLed at random moments of a churn loop); the
//! directory is reopened and must be consistent — never a lost wallet the user did not ask to
//! remove, never a half-written state.
#![cfg(feature = "crash-points")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use imwallet_core::session::SessionState;
use imwallet_core::wallet::Language;
use imwallet_core::Error;

/// One test at a time: a child spawned by one test inherits (until it execs) the open
/// data-directory lock of a core another test is just closing, whose reopen would then find
/// the directory still locked (`DataDirectoryInUse`) — a test-harness race, not a product one.
/// The rig on the key-file device shared with the child processes (shadows `common::open`).
fn open(dir: &Path) -> Rig {
    open_on_files(dir)
}

fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn child(dir: &Path, op: &str, crash_at: Option<&str>) -> std::process::ExitStatus {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_imwallet-crash-child"));
    cmd.arg(dir).arg(op).stdout(Stdio::null()).stderr(Stdio::null());
    if let Some(p) = crash_at {
        cmd.env("IMWALLET_CRASH_AT", p);
    }
    cmd.status().unwrap()
}

fn journal_len(dir: &Path) -> i64 {
    rusqlite::Connection::open(dir.join("imwallet.db")).unwrap().query_row("SELECT COUNT(*) FROM journal", [], |r| r.get(0)).unwrap()
}

fn seeded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    open(dir.path()).core.create_account("Crash", PW, 12, Language::English).unwrap();
    dir
}

#[test]
fn create_is_all_or_nothing() {
    let _serial = serial();
    for (point, exists) in [("create.after_kdf", false), ("create.before_commit", false), ("create.after_commit", true), ("none", true)] {
        let dir = tempfile::tempdir().unwrap();
        let _keys = KeysDir(keys_dir_of(dir.path()));
        let st = child(dir.path(), "create", Some(point));
        assert_eq!(st.success(), point == "none", "{point}");
        let r = open(dir.path());
        assert_eq!(r.core.accounts().unwrap().len(), usize::from(exists), "{point}");
        if exists {
            assert!(matches!(r.core.state(), SessionState::Locked { .. }), "{point}: a crashed session reopens locked");
            r.core.unlock(PW).unwrap();
        } else {
            assert_eq!(r.core.state(), SessionState::NoAccount, "{point}");
        }
    }
}

#[test]
fn password_change_keeps_exactly_one_working_password() {
    let _serial = serial();
    for (point, new_works) in [("password.before_commit", false), ("password.after_commit", true), ("none", true)] {
        let dir = seeded();
        let _keys = KeysDir(keys_dir_of(dir.path()));
        child(dir.path(), "password", Some(point));
        let r = open(dir.path());
        let (good, bad) = if new_works { (PW2, PW) } else { (PW, PW2) };
        assert!(matches!(r.core.login("Crash", bad, None).unwrap_err(), Error::InvalidCredentials { .. }), "{point}");
        r.core.login("Crash", good, None).unwrap();
    }
}

fn kdf_of(dir: &Path) -> (u32, u32, u32) {
    rusqlite::Connection::open(dir.join("imwallet.db"))
        .unwrap()
        .query_row("SELECT kdf_m_kib, kdf_t, kdf_p FROM accounts", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
}

#[test]
fn kdf_upgrade_keeps_the_password_working_at_every_point() {
    let _serial = serial();
    use imwallet_core::vault::kdf::KdfProfile;
    let old = KdfProfile::InsecureFastForTestsPreviousDefault.params();
    let new = KdfProfile::InsecureFastForTests.params();
    for (point, upgraded) in [("kdf_upgrade.before_commit", false), ("kdf_upgrade.after_commit", true), ("none", true)] {
        let dir = tempfile::tempdir().unwrap();
        let _keys = KeysDir(keys_dir_of(dir.path()));
        {
            // An account made by a build whose default was the floor (p = 1).
            let r = open_on_files_with(dir.path(), KdfProfile::InsecureFastForTestsPreviousDefault);
            r.core.create_account("Crash", PW, 12, Language::English).unwrap();
        }
        assert_eq!(kdf_of(dir.path()), (old.m_kib, old.t, old.p));
        // The child runs with today's default: its login upgrades (and is aborted on the way).
        let st = child(dir.path(), "login", Some(point));
        assert_eq!(st.success(), point == "none", "{point}");
        let want = if upgraded { new } else { old };
        assert_eq!(kdf_of(dir.path()), (want.m_kib, want.t, want.p), "{point}: parameters and wrap change together");
        assert_eq!(journal_len(dir.path()), 0, "{point}");
        let r = open(dir.path());
        assert!(matches!(r.core.state(), SessionState::Locked { .. }), "{point}: the login itself had committed");
        assert!(matches!(r.core.unlock(PW2).unwrap_err(), Error::InvalidCredentials { .. }), "{point}");
        r.core.unlock(PW).unwrap();
        // Whatever the crash left, the next password unlock completes the upgrade.
        assert_eq!(kdf_of(dir.path()), (new.m_kib, new.t, new.p), "{point}");
        r.core.lock().unwrap();
        r.core.unlock(PW).unwrap();
    }
}

/// Moving an unbound directory under device keys at open (issue 17): killed before its commit
/// the directory is still unbound and the next open binds it; killed after, it is bound. Either
/// way the wallet opens with its password and no name is left in clear.
#[test]
fn binding_to_device_keys_is_all_or_nothing() {
    let _serial = serial();
    for point in ["bind.before_commit", "bind.after_commit", "none"] {
        let dir = tempfile::tempdir().unwrap();
        let _keys = KeysDir(keys_dir_of(dir.path()));
        open_unbound(dir.path()).core.create_account("Crash Bound Qj", PW, 12, Language::English).unwrap();
        let st = child(dir.path(), "open", Some(point));
        assert_eq!(st.success(), point == "none", "{point}");
        let r = open(dir.path());
        assert_eq!(r.core.accounts().unwrap()[0].name, "Crash Bound Qj", "{point}");
        r.core.login("Crash Bound Qj", PW, None).unwrap();
        let db = std::fs::read(dir.path().join("imwallet.db")).unwrap();
        assert!(!db.windows(14).any(|w| w == b"Crash Bound Qj"), "{point}: the name is sealed");
        // Only the scopes the database refers to are left in the key folder.
        let files = std::fs::read_dir(keys_dir_of(dir.path())).unwrap().count();
        assert_eq!(files, 2, "{point}: device + wallet keys, orphans purged");
    }
}

#[test]
fn logout_is_rolled_back_or_completed() {
    let _serial = serial();
    for (point, done) in [("logout.before_commit", false), ("logout.after_commit", true), ("none", true)] {
        let dir = seeded();
        let _keys = KeysDir(keys_dir_of(dir.path()));
        child(dir.path(), "logout", Some(point));
        let r = open(dir.path());
        assert_eq!(journal_len(dir.path()), 0, "{point}: the journal is completed on open");
        if done {
            assert_eq!(r.core.state(), SessionState::LoggedOut, "{point}");
        } else {
            assert!(matches!(r.core.state(), SessionState::Locked { .. }), "{point}");
        }
        r.core.login("Crash", PW, None).unwrap();
    }
}

fn revoked_log(dir: &Path) -> Vec<String> {
    common::dapp_rig::revoked_log(dir)
}

/// A crash before the logout commits keeps the dapps connected (nothing was asked); a crash
/// between two revocation hook calls is completed on the next open: every dapp is asked at
/// least once (the one in flight may be asked again), nothing is left owed.
#[test]
fn dapp_revocation_survives_a_crash_in_the_middle() {
    let _serial = serial();
    for (point, logged_out) in [("logout.before_commit", false), ("revoke.after_first_hook", true), ("none", true)] {
        let dir = seeded();
        let _keys = KeysDir(keys_dir_of(dir.path()));
        let log = format!("{}-revoked.log", dir.path().display());
        let _ = std::fs::remove_file(&log);
        let st = child(dir.path(), "logout_dapps", Some(point));
        assert_eq!(st.success(), point == "none", "{point}");
        let asked_by_child = revoked_log(dir.path());
        let dapps = std::sync::Arc::new(common::dapp_rig::LogDapps(log.clone()));
        let r = open_on_files_with_dapps(dir.path(), dapps);
        let asked = revoked_log(dir.path());
        if logged_out {
            assert_eq!(r.core.state(), SessionState::LoggedOut, "{point}");
            for id in ["d1", "d2", "d3"] {
                assert!(asked.iter().any(|a| a == id), "{point}: {id} asked: {asked:?}");
            }
            if point == "revoke.after_first_hook" {
                assert_eq!(asked_by_child.len(), 1, "the child died after the first hook call");
                assert_eq!(asked.len(), 4, "{point}: the first again (at least once), then the other two: {asked:?}");
            } else {
                assert_eq!(asked.len(), 3, "{point}: {asked:?}");
            }
            assert!(r.core.pending_revocations().unwrap().is_empty(), "{point}");
        } else {
            assert!(asked.is_empty(), "{point}: nothing asked before the commit");
            assert!(matches!(r.core.state(), SessionState::Locked { .. }), "{point}");
            assert_eq!(r.core.connections().unwrap().len(), 3, "{point}: still connected");
        }
        assert_eq!(journal_len(dir.path()), 0, "{point}");
        let _ = std::fs::remove_file(&log);
    }
}

#[test]
fn wallet_removal_is_rolled_back_or_completed() {
    let _serial = serial();
    for (point, removed) in [("remove.before_commit", false), ("remove.after_commit", true), ("none", true)] {
        let dir = seeded();
        let _keys = KeysDir(keys_dir_of(dir.path()));
        child(dir.path(), "remove", Some(point));
        let r = open(dir.path());
        assert_eq!(journal_len(dir.path()), 0, "{point}");
        assert_eq!(r.core.accounts().unwrap().len(), usize::from(!removed), "{point}");
        // Crypto-shredding completes too: only the device scope's key file is left.
        let key_files = std::fs::read_dir(keys_dir_of(dir.path())).unwrap().count();
        assert_eq!(key_files, if removed { 1 } else { 2 }, "{point}");
        if removed {
            assert_eq!(r.core.state(), SessionState::NoAccount);
        } else {
            r.core.login("Crash", PW, None).unwrap();
        }
    }
}

#[test]
fn erase_is_rolled_back_or_completed() {
    let _serial = serial();
    for (point, erased) in [("erase.before_commit", false), ("erase.after_commit", true), ("none", true)] {
        let dir = seeded();
        let _keys = KeysDir(keys_dir_of(dir.path()));
        {
            let r = open(dir.path());
            r.core.login("Crash", PW, None).unwrap();
            r.core.register_file_cache("images").unwrap();
            let scope = imwallet_core::cache::CacheScope::Global;
            r.core.cache_put_file(&imwallet_core::cache::CacheKind::parse("images").unwrap(), &scope, "a.png", b"img").unwrap();
        }
        child(dir.path(), "erase", Some(point));
        let r = open(dir.path());
        assert_eq!(journal_len(dir.path()), 0, "{point}");
        assert_eq!(r.core.accounts().unwrap().len(), usize::from(!erased), "{point}");
        assert_eq!(dir.path().join("cache/images/_global/a.png").exists(), !erased, "{point}: cache files follow the database");
    }
}

#[test]
fn random_kills_during_churn_never_corrupt_or_lose_wallets() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let _keys = KeysDir(keys_dir_of(dir.path()));
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..12 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut c = Command::new(env!("CARGO_BIN_EXE_imwallet-crash-child"))
            .arg(dir.path())
            .arg("churn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20 + seed % 180));
        c.kill().unwrap();
        c.wait().unwrap();
        let r = open(dir.path());
        assert_eq!(journal_len(dir.path()), 0, "round {round}");
        if let Some(a) = r.core.state().account() {
            assert!(r.core.accounts().unwrap().iter().any(|x| x.id == a.id), "round {round}: session points at a real account");
        }
        for a in r.core.accounts().unwrap() {
            // Probing two passwords must not trip the limiter in this test.
            rusqlite::Connection::open(dir.path().join("imwallet.db"))
                .unwrap()
                .execute_batch("DELETE FROM attempt_buckets; DELETE FROM attempt_failures;")
                .unwrap();
            let ok = r.core.login(&a.name, PW2, None).is_ok() || r.core.login(&a.name, PW, None).is_ok();
            assert!(ok, "round {round}: account {} cannot be opened", a.name);
        }
    }
}
