//! Issue 17 — a copied data directory is worthless off the device. The attacks are made with
//! what a thief of a backup has: the files, the password (however it was learnt), no device.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use imwallet_core::auth::device_keys::{DeviceKeyStore, MemoryDeviceKeys, DEVICE_ALIAS_PREFIX};
use imwallet_core::cache::{CacheKind, CacheScope};
use imwallet_core::engine::{ErasePlan, ERASE_PHRASE};
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::vault::aead::{self, Purpose};
use imwallet_core::vault::kdf::{self, KdfParams};
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::Language;
use imwallet_core::{Error, WalletCore};

const NAME: &str = "Canary Qx7 Wallet";

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() && e.file_name() != "imwallet.lock" {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Every file under `dir`, concatenated (database, WAL, SHM, journal).
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for e in walk(dir) {
        out.extend(std::fs::read(e).unwrap_or_default());
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// A wallet with everything the issue lists as metadata: name, addresses, backup state, a gate
/// and a setting, events, cache values.
fn seeded(dir: &Path) -> (Rig, String) {
    let r = open(dir);
    let created = r.core.create_account(NAME, PW, 12, Language::English).unwrap();
    let id = created.account.id.clone();
    let scope = CacheScope::Account(id.clone());
    r.core.cache_put(&CacheKind::Balances, &scope, "eth", b"BALANCE-CANARY-91f2", None).unwrap();
    r.core.cache_put(&CacheKind::Balances, &CacheScope::Global, "prices", b"PRICE-CANARY-5e0d", None).unwrap();
    r.core
        .set_auto_lock(imwallet_core::session::autolock::AutoLock::AfterSeconds(77), imwallet_core::auth::gates::AuthProof::Password(PW))
        .unwrap();
    r.core.lock().unwrap();
    let _ = r.core.unlock(b"a wrong password, recorded as an event");
    r.core.unlock(PW).unwrap();
    let address = r.core.addresses(3).unwrap()[2].clone();
    (r, address)
}

/// The thief's offline attack on a copy: the right password, Argon2 on the copied salt, open
/// the copied password wrap. Before device keys this gave the vault key (and so the phrase).
#[test]
fn attack_the_right_password_opens_nothing_in_a_copied_directory() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = seeded(dir.path());
    drop(r);
    let conn = rusqlite::Connection::open(dir.path().join("imwallet.db")).unwrap();
    let (id, m, t, p, salt, wrap): (String, u32, u32, u32, Vec<u8>, Vec<u8>) = conn
        .query_row("SELECT id, kdf_m_kib, kdf_t, kdf_p, kdf_salt, password_wrap FROM accounts", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .unwrap();
    let pw_key = kdf::derive(PW, &salt, KdfParams { m_kib: m, t, p }).unwrap();
    let opened = aead::open(&pw_key, &id, Purpose::PasswordWrap, &wrap);
    assert!(!matches!(opened, Ok(Some(_))), "the copied password wrap opened with the password alone");
    // Nor is the name there to pick the target by.
    let name: Option<Vec<u8>> = conn.query_row("SELECT CAST(name AS BLOB) FROM accounts", [], |r| r.get(0)).unwrap();
    assert!(!contains(&name.unwrap_or_default(), NAME.as_bytes()));
}

#[test]
fn a_copy_on_a_new_device_does_not_open_with_any_password_and_the_original_still_does() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = seeded(dir.path());
    drop(r);
    let copy = tempfile::tempdir().unwrap();
    copy_dir(dir.path(), copy.path());
    // A new phone: its own (empty) device key store.
    let err = open_on_device(copy.path(), Arc::new(MemoryDeviceKeys::new())).err();
    assert!(matches!(err, Some(Error::DeviceKeyLost { .. })), "{err:?}");
    // The way forward: move it aside (nothing deleted), start clean, restore from the phrase.
    let q = WalletCore::quarantine_damaged_data(copy.path()).unwrap();
    assert!(q.join("imwallet.db").exists(), "the data was kept");
    let fresh = open_on_device(copy.path(), Arc::new(MemoryDeviceKeys::new())).unwrap();
    assert_eq!(fresh.core.state(), imwallet_core::session::SessionState::NoAccount);
    // The original phone still opens the original.
    let r = open(dir.path());
    r.core.unlock(PW).unwrap();
    assert_eq!(r.core.accounts().unwrap()[0].name, NAME);
}

#[test]
fn no_name_address_or_cached_value_is_in_any_file() {
    let dir = tempfile::tempdir().unwrap();
    let (r, address) = seeded(dir.path());
    // Control: the core itself reads them back.
    assert_eq!(r.core.accounts().unwrap()[0].name, NAME);
    assert!(r.core.security_events(50).unwrap().iter().any(|e| e.account_name.as_deref() == Some(NAME)));
    let bytes = all_bytes(dir.path());
    for (what, needle) in [
        ("name", NAME.as_bytes().to_vec()),
        ("address", address.trim_start_matches("0x").as_bytes().to_vec()),
        ("cached balance", b"BALANCE-CANARY-91f2".to_vec()),
        ("cached price", b"PRICE-CANARY-5e0d".to_vec()),
    ] {
        assert!(!contains(&bytes, &needle), "{what} found in clear in the data directory");
    }
    drop(r);
    let bytes = all_bytes(dir.path());
    assert!(!contains(&bytes, NAME.as_bytes()) && !contains(&bytes, address.trim_start_matches("0x").as_bytes()), "after close");
}

#[test]
fn unavailable_before_first_unlock_is_retryable_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = seeded(dir.path());
    drop(r);
    let device = device_for(dir.path());
    device.set_unavailable(true);
    let err = open_on_device(dir.path(), device.clone()).err();
    assert!(matches!(err, Some(Error::DeviceKeyUnavailable { .. })), "{err:?}");
    device.set_unavailable(false);
    let r = open(dir.path());
    r.core.unlock(PW).unwrap();
    assert_eq!(r.core.accounts().unwrap()[0].name, NAME);
}

#[test]
fn a_replaced_device_key_is_lost_not_a_wrong_password() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = seeded(dir.path());
    let id = r.core.accounts().unwrap()[0].id.clone();
    drop(r);
    // Another key under the same alias (a reinstall that recreated it).
    device_for(dir.path()).create_key(&format!("{DEVICE_ALIAS_PREFIX}a.{id}")).unwrap();
    assert!(matches!(open_on_device(dir.path(), device_for(dir.path())).err(), Some(Error::DeviceKeyLost { .. })));
}

#[test]
fn removing_a_wallet_shreds_it_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = seeded(dir.path());
    let id = r.core.accounts().unwrap()[0].id.clone();
    let alias = format!("{DEVICE_ALIAS_PREFIX}a.{id}");
    assert!(r.device.contains(&alias));
    let plan = r.core.prepare_logout(LogoutOptions { remove_wallet: true, ..LogoutOptions::default() }).unwrap();
    let confirm =
        LogoutConfirmation { typed_account_name: Some(NAME.into()), password: Some(SecretBytes::from_slice(PW)), use_biometrics: false };
    let report = r.core.logout(&plan.token, &confirm).unwrap();
    assert!(report.wallet_removed && report.wallet_data_shredded, "{report:?}");
    assert!(!r.device.contains(&alias), "the wallet's device key is gone");
    // What the log keeps of it: kinds and times, not its name.
    assert!(r.core.security_events(50).unwrap().iter().all(|e| e.account_name.as_deref() != Some(NAME)));
    // A logout that keeps the wallet shreds nothing.
    r.core.create_account("Other", PW, 12, Language::English).unwrap();
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    let report = r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert!(!report.wallet_data_shredded);
}

#[test]
fn erase_deletes_every_device_key_and_the_store_stays_bound() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = seeded(dir.path());
    r.core.create_account("Second", PW, 12, Language::English).unwrap();
    let before = r.device.list().unwrap();
    assert_eq!(before.len(), 3, "device + two wallets: {before:?}");
    let plan: ErasePlan = r.core.prepare_erase().unwrap();
    assert!(plan.authorization_needed);
    let proofs = erase_with_passwords(&[(NAME, PW), ("Second", PW)]);
    let report = r.core.erase_all_data(ERASE_PHRASE, &proofs).unwrap();
    assert_eq!(report.device_keys_deleted, 3, "{report:?}");
    let after = r.device.list().unwrap();
    assert_eq!(after.len(), 1, "a new device scope only: {after:?}");
    assert!(before.iter().all(|a| !after.contains(a)));
    // Still bound: a new wallet's name is sealed too.
    r.core.create_account("After Erase Qz", PW, 12, Language::English).unwrap();
    assert!(!contains(&all_bytes(dir.path()), b"After Erase Qz"));
    drop(r);
    let r = open(dir.path());
    r.core.login("After Erase Qz", PW, None).unwrap();
}

#[test]
fn an_unbound_directory_is_moved_under_device_keys_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let address = {
        // As every build before device keys wrote it.
        let r = open_unbound(dir.path());
        r.core.create_account(NAME, PW, 12, Language::English).unwrap();
        r.core.cache_put(&CacheKind::Balances, &CacheScope::Global, "prices", b"PRICE-CANARY-5e0d", None).unwrap();
        r.core.addresses(1).unwrap()[0].clone()
    };
    assert!(contains(&all_bytes(dir.path()), NAME.as_bytes()), "control: an unbound directory holds the name in clear");
    let r = open(dir.path());
    assert_eq!(r.core.accounts().unwrap()[0].name, NAME);
    r.core.unlock(PW).unwrap();
    assert_eq!(r.core.addresses(1).unwrap()[0], address);
    assert_eq!(r.core.cache_get(&CacheKind::Balances, &CacheScope::Global, "prices").unwrap().as_deref(), Some(&b"PRICE-CANARY-5e0d"[..]));
    let bytes = all_bytes(dir.path());
    for needle in [NAME.as_bytes(), address.trim_start_matches("0x").as_bytes(), b"PRICE-CANARY-5e0d"] {
        assert!(!contains(&bytes, needle), "plaintext left after the migration");
    }
    drop(r);
    // Now bound: without the device it does not open.
    let copy = tempfile::tempdir().unwrap();
    copy_dir(dir.path(), copy.path());
    assert!(matches!(open_on_device(copy.path(), Arc::new(MemoryDeviceKeys::new())).err(), Some(Error::DeviceKeyLost { .. })));
}

/// A key store may hold keys of other data directories (or of a quarantined database): an open
/// never deletes a key this directory did not create. Keys it created and abandoned (a kill
/// mid-creation) are purged: `crash_consistency.rs` `binding_to_device_keys_is_all_or_nothing`.
#[test]
fn keys_this_directory_did_not_make_are_never_purged() {
    let dir = tempfile::tempdir().unwrap();
    let device = device_for(dir.path());
    device.create_key(&format!("{DEVICE_ALIAS_PREFIX}a.someone-else")).unwrap();
    let r = open(dir.path());
    assert!(device.contains(&format!("{DEVICE_ALIAS_PREFIX}a.someone-else")));
    assert_eq!(r.device.list().unwrap().len(), 2, "the other key and this directory's device scope");
}
