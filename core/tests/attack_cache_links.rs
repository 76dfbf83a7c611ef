//! Attack (issue 13 item 1, defence in depth): `cache_put_file` must never write anything
//! outside the cache folder. Symbolic links are handled; a *hard* link planted at the file's
//! place (same power as planting a symlink there: the shell owns the folder that
//! `cache_file_dir` hands out) is written through: the database is overwritten.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::*;
use imwallet_core::cache::{CacheKind, CacheScope};
use imwallet_core::wallet::Language;

#[test]
fn cache_put_file_does_not_write_through_a_planted_hard_link_to_the_database() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("wallet");
    let rig = open(&dir);
    rig.core.create_account("Alice", PW, 12, Language::English).unwrap();
    rig.core.register_file_cache("images").unwrap();
    let kind = CacheKind::Files("images".into());
    let folder = rig.core.cache_file_dir(&kind, &CacheScope::Global).unwrap();
    let db = dir.join("imwallet.db");
    let before = std::fs::read(&db).unwrap();
    std::fs::hard_link(&db, folder.join("avatar.png")).unwrap();

    let r = rig.core.cache_put_file(&kind, &CacheScope::Global, "avatar.png", b"not a database");
    let after = std::fs::read(&db).unwrap();
    assert_eq!(
        after.len(),
        before.len(),
        "cache_put_file returned {r:?} and overwrote imwallet.db through a hard link in the cache folder \
         (now {} bytes: {:?})",
        after.len(),
        String::from_utf8_lossy(&after[..after.len().min(32)])
    );
}

#[test]
fn cache_put_file_does_not_write_through_a_hard_link_to_a_file_outside_the_data_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("wallet");
    let outside = tmp.path().join("outside.txt");
    std::fs::write(&outside, b"canary").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o644)).unwrap();
    let rig = open(&dir);
    rig.core.create_account("Alice", PW, 12, Language::English).unwrap();
    rig.core.register_file_cache("images").unwrap();
    let kind = CacheKind::Files("images".into());
    let folder = rig.core.cache_file_dir(&kind, &CacheScope::Global).unwrap();
    std::fs::hard_link(&outside, folder.join("x.bin")).unwrap();
    let r = rig.core.cache_put_file(&kind, &CacheScope::Global, "x.bin", b"overwritten");
    let mode = std::fs::metadata(&outside).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        std::fs::read(&outside).unwrap(),
        b"canary",
        "cache_put_file returned {r:?} and wrote a file outside the data directory (its mode is now {mode:o})"
    );
}
