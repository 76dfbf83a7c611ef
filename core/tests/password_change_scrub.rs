//! After a password change the old password's wrap of the vault key is gone from every file of
//! the data directory (main file, WAL, free pages): whoever learns the old password later must
//! not find a copy it opens.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use imwallet_core::wallet::Language;

#[test]
fn the_old_wrap_is_gone_from_every_file_after_a_password_change() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Wes", PW, 12, Language::English).unwrap();
    let id = r.core.state().account().unwrap().id.clone();
    let read_wrap = || -> Vec<u8> {
        rusqlite::Connection::open(dir.path().join("imwallet.db"))
            .unwrap()
            .query_row("SELECT password_wrap FROM accounts WHERE id = ?1", [&id], |r| r.get(0))
            .unwrap()
    };
    let old = read_wrap();
    assert!(occurrences(dir.path(), &old) >= 1, "control: the scan finds the current wrap");
    r.core.change_password(PW, PW2).unwrap();
    assert_ne!(read_wrap(), old);
    assert_eq!(occurrences(dir.path(), &old), 0, "the old wrap lingers in a file of the data directory");
    r.core.lock().unwrap();
    r.core.unlock(PW2).unwrap();
}
