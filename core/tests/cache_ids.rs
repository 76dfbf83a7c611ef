//! Identifiers are not paths: hostile account ids, kind names and file names thrown at every
//! cache entry point are typed errors, and nothing outside the named cache folder is touched —
//! not the database, not another account's or the global caches, not a file outside the data
//! directory.

// Test helpers outside #[test] functions unwrap too (incl. the shared rig in common/).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use common::*;
use imwallet_core::cache::{CacheKind, CacheScope, ClearScope};
use imwallet_core::wallet::Language;
use imwallet_core::Error;
use proptest::prelude::*;

/// A data directory (nested two levels inside the temp dir) with two accounts, file and row
/// caches for each and for global, and a canary file outside the data directory.
struct World {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    canary: PathBuf,
    r: Rig,
    a: String,
    b: String,
    images: CacheKind,
}

const CANARY: &[u8] = b"outside the data dir: never deleted";

fn id_of(r: &Rig) -> String {
    r.core.state().account().unwrap().id.clone()
}

fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("apps").join("wallet");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let canary = outside.join("canary.txt");
    std::fs::write(&canary, CANARY).unwrap();
    let r = open(&data);
    r.core.create_account("Ann", PW, 12, Language::English).unwrap();
    let a = id_of(&r);
    r.core.create_account("Ben", PW, 12, Language::English).unwrap();
    let b = id_of(&r);
    r.core.register_file_cache("images").unwrap();
    let images = CacheKind::parse("images").unwrap();
    for (scope, tag) in [(CacheScope::Account(a.clone()), "a"), (CacheScope::Account(b.clone()), "b"), (CacheScope::Global, "g")] {
        r.core.cache_put_file(&images, &scope, &format!("{tag}.png"), tag.as_bytes()).unwrap();
        r.core.cache_put(&CacheKind::Balances, &scope, "eth", tag.as_bytes(), None).unwrap();
    }
    World { _tmp: tmp, data, canary, r, a, b, images }
}

impl World {
    fn file(&self, scope: &str, name: &str) -> PathBuf {
        self.data.join("cache").join("images").join(scope).join(name)
    }

    /// Everything that must survive any attack is still there.
    fn assert_intact(&self, what: &str) {
        assert!(self.data.join("imwallet.db").is_file(), "{what}: the database is gone");
        assert_eq!(std::fs::read(&self.canary).ok().as_deref(), Some(CANARY), "{what}: the canary outside the data dir was touched");
        for (scope, tag) in [(self.a.as_str(), "a"), (self.b.as_str(), "b"), ("_global", "g")] {
            let f = self.file(scope, &format!("{tag}.png"));
            assert_eq!(std::fs::read(&f).ok().as_deref(), Some(tag.as_bytes()), "{what}: {} was touched", f.display());
        }
        for (scope, tag) in
            [(CacheScope::Account(self.a.clone()), "a"), (CacheScope::Account(self.b.clone()), "b"), (CacheScope::Global, "g")]
        {
            let v = self.r.core.cache_get(&CacheKind::Balances, &scope, "eth").unwrap();
            assert_eq!(v.as_deref(), Some(tag.as_bytes()), "{what}: the {tag} row was touched");
        }
        assert_eq!(self.r.core.accounts().unwrap().len(), 2, "{what}");
    }

    fn assert_logins(&self) {
        self.r.core.login("Ann", PW, None).unwrap();
        self.r.core.login("Ben", PW, None).unwrap();
    }
}

fn refused<T: std::fmt::Debug>(what: &str, id: &str, r: imwallet_core::Result<T>) {
    match r {
        Err(Error::InvalidArgument { .. } | Error::AccountNotFound) => {}
        other => panic!("{what}({id:?}) must be a typed refusal, got {other:?}"),
    }
}

/// Account ids, scopes and kind names an attacker (or a buggy shell) might pass.
fn hostile_ids(w: &World) -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        ".",
        "..",
        "../..",
        "../../..",
        "../../../outside",
        "../../../../outside/canary.txt",
        "_global",
        "/",
        "\\",
        "..\\..",
        "a/b",
        "a\\b",
        "a\0b",
        "\0",
        "./a",
        "a/..",
        " ",
        "..\u{2215}..",
        "..\u{FF0F}..",
        "\u{2024}\u{2024}",
        "\u{2025}",
        "%2e%2e",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("a".repeat(300));
    v.push("x".repeat(5000));
    v.push(w.canary.parent().unwrap().to_string_lossy().into_owned());
    v.push(w.data.to_string_lossy().into_owned());
    v.push(format!("{}/..", w.b));
    v.push(format!("../{}", w.b));
    v.push(format!("{}/../{}", w.a, w.b));
    v.push(w.b.to_uppercase());
    v.push(format!("{} ", w.b));
    v
}

/// File names that are not plain names.
fn hostile_file_names() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        ".",
        "..",
        "../x",
        "../../../../outside/canary.txt",
        "a/b",
        "a\\b",
        "a\0b",
        "/abs",
        "x\u{2215}y",
        "x\u{FF0F}y",
        "\u{2024}\u{2024}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("n".repeat(300));
    v
}

#[test]
fn clearing_account_dot_dot_cannot_delete_the_database() {
    let w = world();
    let r = w.r.core.clear_cache(&ClearScope::Account("../..".into()));
    assert!(matches!(r, Err(Error::InvalidArgument { .. } | Error::AccountNotFound)), "got {r:?}");
    w.assert_intact("clear Account(\"../..\")");
    w.assert_logins();
}

#[test]
fn clearing_an_account_cannot_reach_outside_the_data_dir() {
    let w = world();
    let abs = w.canary.parent().unwrap().to_string_lossy().into_owned();
    for id in ["../../../../outside", abs.as_str()] {
        let r = w.r.core.clear_cache(&ClearScope::Account(id.into()));
        assert!(matches!(r, Err(Error::InvalidArgument { .. } | Error::AccountNotFound)), "{id}: got {r:?}");
        w.assert_intact(id);
    }
}

#[test]
fn clearing_an_account_cannot_hit_global_or_other_accounts() {
    let w = world();
    for id in ["", ".", "..", "_global"] {
        let r = w.r.core.clear_cache(&ClearScope::Account(id.into()));
        assert!(matches!(r, Err(Error::InvalidArgument { .. } | Error::AccountNotFound)), "{id:?}: got {r:?}");
        w.assert_intact(id);
    }
}

#[test]
fn clearing_a_hostile_file_kind_is_refused() {
    let w = world();
    for k in ["../../..", "..", ""] {
        let r = w.r.core.clear_cache(&ClearScope::Kinds(vec![CacheKind::Files(k.into())]));
        assert!(matches!(r, Err(Error::InvalidArgument { .. })), "{k:?}: got {r:?}");
        w.assert_intact(k);
    }
}

#[test]
fn an_empty_account_id_does_not_reach_the_global_rows() {
    let w = world();
    let empty = CacheScope::Account(String::new());
    refused("cache_get", "", w.r.core.cache_get(&CacheKind::Balances, &empty, "eth"));
    refused("cache_delete", "", w.r.core.cache_delete(&CacheKind::Balances, &empty, "eth"));
    w.assert_intact("empty account id");
}

#[test]
fn every_entry_point_refuses_every_hostile_identifier() {
    let w = world();
    let acct = CacheScope::Account(w.a.clone());
    for id in hostile_ids(&w) {
        let scope = CacheScope::Account(id.clone());
        let kind = CacheKind::Files(id.clone());
        refused("cache_put", &id, w.r.core.cache_put(&CacheKind::Balances, &scope, "eth", b"x", None));
        refused("cache_get", &id, w.r.core.cache_get(&CacheKind::Balances, &scope, "eth"));
        refused("cache_delete", &id, w.r.core.cache_delete(&CacheKind::Balances, &scope, "eth"));
        refused("cache_put_file(scope)", &id, w.r.core.cache_put_file(&w.images, &scope, "x.png", b"x"));
        refused("cache_put_file(kind)", &id, w.r.core.cache_put_file(&kind, &acct, "x.png", b"x"));
        refused("cache_file_dir(scope)", &id, w.r.core.cache_file_dir(&w.images, &scope));
        refused("cache_file_dir(kind)", &id, w.r.core.cache_file_dir(&kind, &CacheScope::Global));
        refused("clear_cache(account)", &id, w.r.core.clear_cache(&ClearScope::Account(id.clone())));
        refused("clear_cache(kind)", &id, w.r.core.clear_cache(&ClearScope::Kinds(vec![kind.clone()])));
        refused("register_file_cache", &id, w.r.core.register_file_cache(&id));
        refused("CacheKind::parse", &id, CacheKind::parse(&id));
        w.assert_intact(&id);
    }
    // A well-formed id of no account on this device.
    let unknown = CacheScope::Account("0123456789abcdef0123456789abcdef".into());
    assert_eq!(w.r.core.cache_put(&CacheKind::Balances, &unknown, "eth", b"x", None), Err(Error::AccountNotFound));
    assert_eq!(w.r.core.cache_get(&CacheKind::Balances, &unknown, "eth"), Err(Error::AccountNotFound));
    assert_eq!(w.r.core.cache_delete(&CacheKind::Balances, &unknown, "eth"), Err(Error::AccountNotFound));
    assert_eq!(w.r.core.cache_put_file(&w.images, &unknown, "x.png", b"x"), Err(Error::AccountNotFound));
    assert_eq!(w.r.core.cache_file_dir(&w.images, &unknown), Err(Error::AccountNotFound));
    assert_eq!(w.r.core.clear_cache(&ClearScope::Account("0123456789abcdef0123456789abcdef".into())), Err(Error::AccountNotFound));
    w.assert_intact("unknown account");
    for name in hostile_file_names() {
        refused("cache_put_file(name)", &name, w.r.core.cache_put_file(&w.images, &acct, &name, b"x"));
        w.assert_intact(&name);
    }
    w.assert_logins();
}

/// Every file under `dir` with its content (for "nothing else changed" checks).
fn snapshot(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            snapshot(&p, out);
        } else if !p.to_string_lossy().contains("imwallet.db") {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
}

fn hostile_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        '/', '\\', '.', '\0', '\u{2215}', '\u{FF0F}', '\u{2024}', '\u{2025}', '_', '-', 'a', 'A', '0', ' ', '~', ':', '%',
    ])
}

fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["", ".", "..", "../..", "../../..", "/", "_global", "../../../outside", "/tmp", "\0"])
            .prop_map(String::from),
        prop::collection::vec(hostile_char(), 0..12).prop_map(|v| v.into_iter().collect()),
        (prop::collection::vec(prop::sample::select(vec!["..", "/", "\\", "a", "_global", "outside"]), 1..8)).prop_map(|v| v.concat()),
        (1usize..3000).prop_map(|n| ".".repeat(n % 7) + &"/..".repeat(n % 5) + &"z".repeat(n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Whatever identifiers are thrown at every entry point, the database still opens, both
    /// accounts still log in, and the other accounts', global and outside files are untouched.
    #[test]
    fn hostile_identifiers_never_damage_anything(ids in prop::collection::vec(hostile_string(), 1..4)) {
        let w = world();
        let acct = CacheScope::Account(w.a.clone());
        let mut before = Vec::new();
        snapshot(&w.data, &mut before);
        before.sort();
        for id in &ids {
            let scope = CacheScope::Account(id.clone());
            let kind = CacheKind::Files(id.clone());
            let _ = w.r.core.cache_put(&CacheKind::Balances, &scope, "eth", b"x", None);
            let _ = w.r.core.cache_get(&CacheKind::Balances, &scope, "eth");
            let _ = w.r.core.cache_delete(&CacheKind::Balances, &scope, "eth");
            let _ = w.r.core.cache_put_file(&w.images, &scope, "x.png", b"x");
            let _ = w.r.core.cache_put_file(&kind, &acct, "x.png", b"x");
            // A file name that is accepted lands in the account's own folder, nowhere else.
            if let Ok(p) = w.r.core.cache_put_file(&w.images, &acct, id, b"x") {
                let own = w.data.join("cache").join("images").join(&w.a);
                prop_assert_eq!(p.parent(), Some(own.as_path()));
                prop_assert_eq!(p.file_name().and_then(|n| n.to_str()), Some(id.as_str()));
                std::fs::remove_file(&p).unwrap();
            }
            let _ = w.r.core.cache_file_dir(&w.images, &scope);
            let _ = w.r.core.cache_file_dir(&kind, &CacheScope::Global);
            let _ = w.r.core.register_file_cache(id);
            let _ = w.r.core.clear_cache(&ClearScope::Account(id.clone()));
            let _ = w.r.core.clear_cache(&ClearScope::Kinds(vec![kind.clone()]));
        }
        let mut after = Vec::new();
        snapshot(&w.data, &mut after);
        after.sort();
        prop_assert_eq!(&before, &after, "a cache file changed");
        w.assert_intact(&format!("{ids:?}"));
        w.assert_logins();
        // The database still opens in a fresh core.
        let data = w.data.clone();
        let World { _tmp, r, .. } = w;
        drop(r);
        let again = open(&data);
        prop_assert_eq!(again.core.accounts().unwrap().len(), 2);
        again.core.login("Ann", PW, None).unwrap();
    }
}
