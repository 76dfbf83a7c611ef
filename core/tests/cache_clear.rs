//! Cache registry and clear data: TTL, usage, clearing by scope with canary scans of the data
//! directory, logout clearing, reset app, orphan purge after an OS wipe, damaged directories.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use std::path::Path;

use common::*;
use imwallet_core::auth::gates::AuthProof;
use imwallet_core::auth::keystore::SecureKeyStore;
use imwallet_core::cache::{CacheKind, CacheScope, ClearScope};
use imwallet_core::events::EventKind;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::session::SessionState;
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::Language;
use imwallet_core::{Error, WalletCore};

/// Occurrences of `needle` in every file under `dir` (database, WAL, SHM, cache folders).
fn scan(dir: &Path, needle: &[u8]) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            n += scan(&p, needle);
        } else if let Ok(b) = std::fs::read(&p) {
            n += b.windows(needle.len()).filter(|w| *w == needle).count();
        }
    }
    n
}

fn account(r: &Rig) -> CacheScope {
    CacheScope::Account(r.core.state().account().unwrap().id.clone())
}

#[test]
fn put_get_ttl_delete_and_usage() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Cam", PW, 12, Language::English).unwrap();
    let acct = account(&r);
    r.core.cache_put(&CacheKind::Balances, &acct, "eth", b"1.5", None).unwrap();
    r.core.cache_put(&CacheKind::Prices, &CacheScope::Global, "eth-usd", b"3000", Some(60)).unwrap();
    assert_eq!(r.core.cache_get(&CacheKind::Balances, &acct, "eth").unwrap().as_deref(), Some(&b"1.5"[..]));
    r.clock.advance(61);
    assert_eq!(r.core.cache_get(&CacheKind::Prices, &CacheScope::Global, "eth-usd").unwrap(), None, "expired");
    assert!(r.core.cache_delete(&CacheKind::Balances, &acct, "eth").unwrap());
    assert!(!r.core.cache_delete(&CacheKind::Balances, &acct, "eth").unwrap());
    assert!(matches!(
        r.core.cache_put(&CacheKind::Balances, &CacheScope::Account("nope".into()), "k", b"v", None),
        Err(Error::AccountNotFound)
    ));
    assert!(matches!(r.core.cache_put(&CacheKind::Balances, &acct, "", b"v", None), Err(Error::InvalidArgument { .. })));
    let images = CacheKind::parse("images").unwrap();
    assert!(matches!(r.core.cache_put_file(&images, &acct, "a.png", b"x"), Err(Error::InvalidArgument { .. })), "not registered");
    r.core.register_file_cache("images").unwrap();
    assert!(matches!(r.core.cache_put_file(&images, &acct, "../evil", b"x"), Err(Error::InvalidArgument { .. })));
    r.core.cache_put_file(&images, &acct, "a.png", &[1u8; 100]).unwrap();
    r.core.cache_put_file(&images, &CacheScope::Global, "logo.png", &[2u8; 50]).unwrap();
    r.core.cache_put(&CacheKind::TransactionHistory, &acct, "tx1", &[0u8; 10], None).unwrap();
    let usage = r.core.cache_usage().unwrap();
    let get = |k: &CacheKind| usage.iter().find(|u| &u.kind == k).unwrap().clone();
    assert_eq!((get(&images).files, get(&images).bytes), (2, 150));
    // Database entries count what they take on disk: the value sealed under the account's device
    // key (more than its 10 bytes) and the key as a keyed hash.
    let history = get(&CacheKind::TransactionHistory);
    assert_eq!(history.entries, 1);
    assert!(history.bytes > 13, "{}", history.bytes);
    assert!(matches!(CacheKind::parse("Bad Name"), Err(Error::InvalidArgument { .. })));
}

#[test]
fn clearing_is_real_deletion_canary_scan() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Cat", PW, 12, Language::English).unwrap();
    let acct = account(&r);
    let images = CacheKind::Files(r.core.register_file_cache("images").unwrap().file_name().unwrap().to_string_lossy().into_owned());
    let canary = b"CANARY-7f3a9c-balance-secret";
    for (i, k) in CacheKind::BUILT_IN.iter().enumerate() {
        r.core.cache_put(k, &acct, &format!("k{i}"), canary, None).unwrap();
        r.core.cache_put(k, &CacheScope::Global, &format!("g{i}"), canary, None).unwrap();
    }
    r.core.cache_put_file(&images, &acct, "nft.png", canary).unwrap();
    // Control: every value reads back; in the files only the shell's own cache file holds it in
    // clear (files in the cache folders are the shell's, out of the sealing's scope).
    assert_eq!(r.core.cache_get(&CacheKind::BUILT_IN[0], &acct, "k0").unwrap().as_deref(), Some(&canary[..]));
    assert_eq!(scan(dir.path(), canary), 1, "database values are sealed under device keys");
    let report = r.core.clear_cache(&ClearScope::All).unwrap();
    assert_eq!(report.entries_removed, 10);
    assert_eq!(report.files_removed, 1);
    assert!(report.bytes_freed >= (canary.len() * 11) as u64);
    assert_eq!(scan(dir.path(), canary), 0, "no cleared value survives in db, wal, shm or cache folders");
    assert!(std::fs::read_dir(dir.path().join("cache/images")).map(|mut d| d.next().is_none()).unwrap_or(true), "folder emptied");
    assert!(r.core.security_events(5).unwrap().iter().any(|e| e.kind == EventKind::CachesCleared));
}

#[test]
fn clear_by_kind_and_by_account() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Dan", PW, 12, Language::English).unwrap();
    let a = account(&r);
    r.core.create_account("Dot", PW, 12, Language::English).unwrap();
    let b = account(&r);
    for s in [&a, &b] {
        r.core.cache_put(&CacheKind::Balances, s, "eth", b"1", None).unwrap();
        r.core.cache_put(&CacheKind::DappConnections, s, "uniswap", b"ok", None).unwrap();
    }
    assert_eq!(r.core.clear_cache(&ClearScope::Kinds(vec![CacheKind::DappConnections])).unwrap().entries_removed, 2);
    let CacheScope::Account(a_id) = a.clone() else { unreachable!() };
    assert_eq!(r.core.clear_cache(&ClearScope::Account(a_id)).unwrap().entries_removed, 1);
    assert!(r.core.cache_get(&CacheKind::Balances, &a, "eth").unwrap().is_none());
    assert!(r.core.cache_get(&CacheKind::Balances, &b, "eth").unwrap().is_some());
}

#[test]
fn logout_clears_the_accounts_caches_and_keeps_public_global_ones_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Eli", PW, 12, Language::English).unwrap();
    let a = account(&r);
    r.core.register_file_cache("images").unwrap();
    let images = CacheKind::parse("images").unwrap();
    r.core.cache_put(&CacheKind::Balances, &a, "eth", b"BALANCE-CANARY-1", None).unwrap();
    r.core.cache_put(&CacheKind::TokenMetadata, &CacheScope::Global, "usdc", b"USD Coin", None).unwrap();
    r.core.cache_put(&CacheKind::TransactionHistory, &CacheScope::Global, "recent", b"HISTORY-CANARY-2", None).unwrap();
    r.core.cache_put_file(&images, &a, "avatar.png", b"AVATAR-CANARY-3").unwrap();
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    let report = r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert_eq!(report.cache_entries_cleared, 3, "2 rows + 1 file");
    assert!(report.cache_bytes_freed > 0);
    assert_eq!(r.core.cache_get(&CacheKind::TokenMetadata, &CacheScope::Global, "usdc").unwrap().as_deref(), Some(&b"USD Coin"[..]));
    for c in [&b"BALANCE-CANARY-1"[..], b"HISTORY-CANARY-2", b"AVATAR-CANARY-3"] {
        assert_eq!(scan(dir.path(), c), 0);
    }
    r.core.login("Eli", PW, None).unwrap();
    let plan = r.core.prepare_logout(LogoutOptions { keep_global_caches: false, ..LogoutOptions::default() }).unwrap();
    r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert!(r.core.cache_get(&CacheKind::TokenMetadata, &CacheScope::Global, "usdc").unwrap().is_none());
    // Keeping caches keeps them; removing the wallet clears its caches regardless.
    r.core.login("Eli", PW, None).unwrap();
    r.core.cache_put(&CacheKind::Balances, &a, "eth", b"KEPT-CANARY-4", None).unwrap();
    let keep = LogoutOptions { clear_caches: false, ..LogoutOptions::default() };
    let plan = r.core.prepare_logout(keep).unwrap();
    r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert!(r.core.cache_get(&CacheKind::Balances, &a, "eth").unwrap().is_some());
    r.core.login("Eli", PW, None).unwrap();
    let plan = r.core.prepare_logout(LogoutOptions { clear_caches: false, remove_wallet: true, ..LogoutOptions::default() }).unwrap();
    let c =
        LogoutConfirmation { typed_account_name: Some("Eli".into()), password: Some(SecretBytes::from_slice(PW)), use_biometrics: false };
    r.core.logout(&plan.token, &c).unwrap();
    // The account is gone, so its scope is refused; its rows went with it.
    assert_eq!(r.core.cache_get(&CacheKind::Balances, &a, "eth"), Err(Error::AccountNotFound));
    assert_eq!(scan(dir.path(), b"KEPT-CANARY-4"), 0);
}

#[test]
fn erase_all_data_leaves_nothing_and_starts_clean() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let created = r.core.create_account("Fin", PW, 12, Language::English).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.register_file_cache("images").unwrap();
    r.core.cache_put_file(&CacheKind::parse("images").unwrap(), &account(&r), "x.png", b"ERASE-CANARY-FILE").unwrap();
    r.core.cache_put(&CacheKind::Balances, &account(&r), "eth", b"ERASE-CANARY-ROW", None).unwrap();
    r.core.set_auto_lock(imwallet_core::session::autolock::AutoLock::AfterSeconds(30), AuthProof::Password(PW)).unwrap();
    let address = created.account.address.clone();
    r.core.create_account("Gil", PW, 12, Language::English).unwrap();
    let plan = r.core.prepare_erase().unwrap();
    assert_eq!(plan.account_names, ["Fin", "Gil"]);
    assert_eq!(plan.not_backed_up, ["Fin", "Gil"]);
    assert!(plan.authorization_needed && plan.device_owner_check_available);
    let proofs = erase_with_passwords(&[("Fin", PW), ("gil", PW)]);
    assert!(matches!(r.core.erase_all_data("erase", &proofs), Err(Error::ConfirmationRequired { .. })));
    assert_eq!(r.core.accounts().unwrap().len(), 2, "nothing happened");
    let report = r.core.erase_all_data(&plan.phrase_to_type, &proofs).unwrap();
    assert_eq!(report.accounts_removed, 2);
    assert_eq!(report.caches.entries_removed, 1);
    assert_eq!(report.caches.files_removed, 1);
    assert_eq!(r.core.state(), SessionState::NoAccount);
    assert!(r.core.accounts().unwrap().is_empty());
    assert!(r.ks.list().unwrap().is_empty(), "every key-store entry in the namespace is gone");
    let ev = r.core.security_events(10).unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].kind, EventKind::DataErased);
    assert_eq!(r.core.auto_lock(), imwallet_core::session::autolock::AutoLock::Never, "settings back to defaults");
    for c in [&b"ERASE-CANARY-FILE"[..], b"ERASE-CANARY-ROW", address.as_bytes(), b"Fin"] {
        assert_eq!(scan(dir.path(), c), 0, "{}", String::from_utf8_lossy(c));
    }
    assert!(matches!(r.core.login("Fin", PW, None).unwrap_err(), Error::InvalidCredentials { .. }));
    drop(r);
    let r = open(dir.path());
    assert_eq!(r.core.state(), SessionState::NoAccount);
    r.core.create_account("Fin", PW, 12, Language::English).unwrap();
}

#[test]
fn os_wiped_app_data_purges_key_store_orphans() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Hal", PW, 12, Language::English).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    let ks = r.ks.clone();
    ks.store("someone-else.key", b"not ours").unwrap();
    drop(r);
    // "Clear storage" / reinstall: files gone, Keychain/Keystore entries survive.
    std::fs::remove_dir_all(dir.path()).unwrap();
    let hooks =
        imwallet_core::Hooks { key_store: ks.clone(), device_keys: Some(device_for(dir.path())), ..imwallet_core::Hooks::default() };
    let config = imwallet_core::Config {
        kdf_profile: imwallet_core::vault::kdf::KdfProfile::InsecureFastForTests,
        ..imwallet_core::Config::new(dir.path())
    };
    let core = WalletCore::open(config, hooks).unwrap();
    assert_eq!(core.state(), SessionState::NoAccount);
    assert_eq!(ks.list().unwrap(), ["someone-else.key"], "our orphan purged, foreign entries untouched");
    assert!(core.security_events(5).unwrap().iter().any(|e| e.kind == EventKind::OrphansPurged));
}

#[test]
fn damaged_directories_give_typed_errors_and_a_way_forward() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path()).core.create_account("Ivy", PW, 12, Language::English).unwrap());
    std::fs::remove_file(dir.path().join("imwallet.db")).unwrap();
    std::fs::write(dir.path().join("imwallet.db-wal"), vec![0u8; 4096]).unwrap();
    let err = WalletCore::open(imwallet_core::Config::new(dir.path()), imwallet_core::Hooks::default()).err().unwrap();
    assert!(matches!(err, Error::DataDirectoryDamaged { .. }), "{err:?}");
    assert!(err.to_string().contains("quarantine_damaged_data"));
    let q = WalletCore::quarantine_damaged_data(dir.path()).unwrap();
    assert!(q.join("imwallet.db-wal").exists(), "moved aside, not deleted");
    assert_eq!(open(dir.path()).core.state(), SessionState::NoAccount);

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("imwallet.db"), b"this is not sqlite at all, it is garbage of some length........").unwrap();
    assert!(matches!(
        WalletCore::open(imwallet_core::Config::new(dir.path()), imwallet_core::Hooks::default()),
        Err(Error::DatabaseCorrupt { .. })
    ));
    WalletCore::quarantine_damaged_data(dir.path()).unwrap();
    assert_eq!(open(dir.path()).core.state(), SessionState::NoAccount);
    let _ = AuthProof::None;
}
