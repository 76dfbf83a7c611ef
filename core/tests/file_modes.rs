//! Private files: after every operation that writes to the data directory, every folder in it
//! (and the directory itself) is 0700 and every file — `imwallet.db`, `-wal`, `-shm`, cache
//! files — 0600, whatever the umask; a directory left with looser modes is repaired on open.
#![cfg(unix)]
// Test helpers outside #[test] functions unwrap too (incl. the shared rig in common/).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::*;
use imwallet_core::cache::{CacheKind, CacheScope};
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::wallet::Language;

/// Every entry under `dir` (and `dir`) whose mode is not 0700 (folder) or 0600 (file).
fn loose(dir: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    let m = std::fs::symlink_metadata(dir).unwrap();
    let mode = m.permissions().mode() & 0o7777;
    let want = if m.is_dir() { 0o700 } else { 0o600 };
    if mode != want {
        bad.push(format!("{} is {mode:o}", dir.display()));
    }
    if m.is_dir() {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            bad.extend(loose(&e.path()));
        }
    }
    bad
}

fn assert_private(dir: &Path, after: &str) {
    let bad = loose(dir);
    assert!(bad.is_empty(), "after {after}: {bad:#?}");
}

/// The process umask (Linux `/proc`), to prove what the child test ran under.
fn umask() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("Umask:")).map(|s| s.trim().to_string())
}

#[test]
fn every_file_is_private_after_create_put_logout_and_password_change() {
    if let Ok(want) = std::env::var("IMWALLET_TEST_UMASK") {
        assert_eq!(umask().as_deref(), Some(want.as_str()), "the child runs under the requested umask");
    }
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("apps").join("wallet");
    let r = open(&data);
    assert_private(&data, "open");
    r.core.create_account("Ada", PW, 12, Language::English).unwrap();
    assert!(data.join("imwallet.db-wal").exists() && data.join("imwallet.db-shm").exists(), "the WAL files are checked too");
    assert_private(&data, "create account");
    let acct = CacheScope::Account(r.core.state().account().unwrap().id.clone());
    r.core.register_file_cache("images").unwrap();
    let images = CacheKind::parse("images").unwrap();
    r.core.cache_put_file(&images, &acct, "a.png", b"png").unwrap();
    r.core.cache_put_file(&images, &CacheScope::Global, "g.png", b"png").unwrap();
    r.core.cache_file_dir(&CacheKind::parse("images").unwrap(), &acct).unwrap();
    r.core.cache_put(&CacheKind::Balances, &acct, "eth", b"1", None).unwrap();
    assert_private(&data, "cache put file");
    r.core.change_password(PW, PW2).unwrap();
    assert_private(&data, "change password");
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert_private(&data, "logout");
    r.core.login("Ada", PW2, None).unwrap();
    assert_private(&data, "login");
    drop(r);
    assert_private(&data, "close");
    let r = open(&data);
    r.core.login("Ada", PW2, None).unwrap();
    assert_private(&data, "reopen");
}

#[test]
fn an_existing_data_dir_with_loose_modes_is_repaired_on_open() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("wallet");
    let r = open(&data);
    r.core.create_account("Bea", PW, 12, Language::English).unwrap();
    r.core.register_file_cache("images").unwrap();
    let acct = CacheScope::Account(r.core.state().account().unwrap().id.clone());
    r.core.cache_put_file(&CacheKind::parse("images").unwrap(), &acct, "a.png", b"png").unwrap();
    drop(r);
    // What an older version (or a shell writing into its cache folder) left behind.
    let set = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    let acct_dir = data.join("cache/images").join(match &acct {
        CacheScope::Account(id) => id.as_str(),
        CacheScope::Global => unreachable!(),
    });
    std::fs::write(acct_dir.join("shell-written.png"), b"png").unwrap();
    for d in [data.clone(), data.join("cache"), data.join("cache/images"), acct_dir.clone()] {
        set(&d, 0o755);
    }
    for f in [data.join("imwallet.db"), acct_dir.join("a.png"), acct_dir.join("shell-written.png")] {
        set(&f, 0o644);
    }
    assert!(!loose(&data).is_empty());
    let r = open(&data);
    assert_private(&data, "reopening a loose directory");
    r.core.login("Bea", PW, None).unwrap();
}

/// The umask is process-wide, so the first test runs again in a child process started by
/// `sh` with `umask 000`: the modes must not come from the umask.
#[test]
fn modes_do_not_depend_on_the_umask() {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg("umask 000 && exec \"$0\" \"$@\"")
        .arg(&exe)
        .args(["--exact", "every_file_is_private_after_create_put_logout_and_password_change", "--test-threads=1"])
        .env("IMWALLET_TEST_UMASK", "0000")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "child under umask 000 failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed"), "the child ran the test:\n{stdout}");
}
