//! Clear data: the in-app "reset app", purging key-store orphans after the OS wiped the app's
//! files, and quarantining a damaged data directory.
//!
//! "Reset app" needs the typed phrase; while a wallet is not backed up it also needs that
//! wallet's password, or one device-owner check through the [`DeviceOwnerCheck`](crate::auth::hooks::DeviceOwnerCheck) hook (issue
//! 12: the lock screen must not destroy a wallet the user cannot restore). Backed-up wallets
//! keep the password-free reset, for users who forgot their password.
//!
//! `erase_all_data` deletes every account, vault, cache, setting and event in one transaction
//! journaled together with the steps outside the database (every key-store entry in the app's
//! namespace, the cache folders, a WAL scrub and VACUUM), so a crash midway is completed on the
//! next open. On every open, key-store entries no account refers to are orphans (iOS Keychain
//! items outlive a reinstall; Android "clear storage" leaves Keystore aliases) and are purged.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::auth::keystore::{SecureKeyStore, ALIAS_PREFIX};
use crate::auth::names;
use crate::cache::ClearReport;
use crate::engine::logout::finish_entry;
use crate::engine::session::{Expect, Session};
use crate::engine::{lk, Notice, WalletCore};
use crate::events::{self, EventKind};
use crate::store::accounts::{self as rows, AccountRow};
use crate::store::journal::{self, JournalOp, JournalPayload};
use crate::store::{Store, DB_FILE};
use crate::vault::SecretBytes;
use crate::{Error, Result};

/// The phrase the user types to confirm erasing everything.
pub const ERASE_PHRASE: &str = "ERASE ALL DATA";

/// What erasing will destroy, and what it needs besides the typed phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasePlan {
    pub account_names: Vec<String>,
    /// Accounts whose recovery phrase was never confirmed as backed up: lost for good.
    pub not_backed_up: Vec<String>,
    /// Type this exactly to confirm.
    pub phrase_to_type: String,
    /// True when `not_backed_up` is not empty: erasing then needs the password of each of
    /// those accounts, or one device-owner check (when `device_owner_check_available`).
    /// Backed-up wallets need neither (a forgotten password must not block a reset).
    pub authorization_needed: bool,
    /// A device-owner check can stand in for those passwords (the shell installed the hook
    /// and the device has a credential).
    pub device_owner_check_available: bool,
}

/// The proofs that authorize erasing wallets that are not backed up. `Debug` never shows a
/// password.
#[derive(Debug, Default)]
pub struct EraseProofs {
    /// (account name, password) for each account in [`ErasePlan::not_backed_up`]; names match
    /// as at login (case-insensitive). Passwords of backed-up accounts are not needed and not
    /// checked.
    pub passwords: Vec<(String, SecretBytes)>,
    /// Confirm the device owner through the [`DeviceOwnerCheck`](crate::auth::hooks::DeviceOwnerCheck) hook instead of passwords.
    pub use_device_owner: bool,
}

/// What erasing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EraseReport {
    pub accounts_removed: u64,
    pub events_removed: u64,
    pub caches: ClearReport,
    /// Device keys deleted (crypto-shredding): whatever of the erased data flash storage keeps
    /// is unreadable. 0 for an unbound store.
    pub device_keys_deleted: u32,
    pub duration_ms: u64,
}

const ACTION: &str = "erase_all_data";

fn unbacked(all: &[AccountRow]) -> Vec<&AccountRow> {
    all.iter().filter(|a| a.has_phrase && !a.backed_up).collect()
}

/// Who authorized erasing the unbacked wallets.
enum Authorized {
    /// Nothing was needed.
    Nothing,
    DeviceOwner,
    /// The passwords of these accounts were checked.
    Passwords(Vec<String>),
}

impl Authorized {
    fn covers(&self, id: &str) -> bool {
        match self {
            Authorized::DeviceOwner => true,
            Authorized::Passwords(ids) => ids.iter().any(|i| i == id),
            Authorized::Nothing => false,
        }
    }
}

impl WalletCore {
    /// The warning screen before "reset app".
    pub fn prepare_erase(&self) -> Result<ErasePlan> {
        let all = rows::all(lk(&self.inner.store).conn())?;
        let not_backed_up: Vec<String> = unbacked(&all).iter().map(|a| a.name.clone()).collect();
        // The hook is asked with no core lock held; a failing hook counts as "not available".
        let device_owner_check_available = self.inner.device_owner.as_ref().is_some_and(|h| h.can_confirm_device_owner().unwrap_or(false));
        Ok(ErasePlan {
            account_names: all.iter().map(|a| a.name.clone()).collect(),
            authorization_needed: !not_backed_up.is_empty(),
            not_backed_up,
            phrase_to_type: ERASE_PHRASE.into(),
            device_owner_check_available,
        })
    }

    /// Checks the proofs for the wallets that are not backed up (KDFs and the device-owner
    /// screen run with no core lock held).
    fn authorize_erase(&self, proofs: &EraseProofs) -> Result<Authorized> {
        let i = &self.inner;
        let all = rows::all(lk(&i.store).conn())?;
        for (name, _) in &proofs.passwords {
            let key = names::key(name);
            if !all.iter().any(|a| a.name_key == key) {
                return Err(Error::InvalidArgument { reason: format!("no wallet named \"{name}\" on this device") });
            }
        }
        let needed = unbacked(&all);
        if needed.is_empty() {
            return Ok(Authorized::Nothing);
        }
        if proofs.use_device_owner {
            let Some(hook) = i.device_owner.as_ref() else {
                return Err(Error::AuthorizationRequired {
                    action: ACTION.into(),
                    accepted: "the password of each wallet that is not backed up (this app has no device-owner check)".into(),
                });
            };
            // A hook that says the device has no owner check is never asked to confirm one.
            if !hook.can_confirm_device_owner().unwrap_or(false) {
                return Err(Error::AuthorizationRequired {
                    action: ACTION.into(),
                    accepted: "the password of each wallet that is not backed up (this device has no screen lock to confirm)".into(),
                });
            }
            let reason = format!("Erase every wallet on this device, {} of them not backed up", needed.len());
            return match hook.confirm_device_owner(&reason) {
                Ok(true) => Ok(Authorized::DeviceOwner),
                Ok(false) => Err(Error::AuthorizationRequired {
                    action: ACTION.into(),
                    accepted: "the device owner's confirmation (it was not given), or the password of each wallet that is not backed up"
                        .into(),
                }),
                Err(e) => Err(Error::HookFailed { message: e.message }),
            };
        }
        let password_of = |a: &AccountRow| proofs.passwords.iter().find(|(n, _)| names::key(n) == a.name_key).map(|(_, p)| p);
        let missing: Vec<&str> = needed.iter().filter(|a| password_of(a).is_none()).map(|a| a.name.as_str()).collect();
        if !missing.is_empty() {
            return Err(Error::AuthorizationRequired {
                action: ACTION.into(),
                accepted: format!("the password of {} (not backed up), or the device owner's confirmation", missing.join(", ")),
            });
        }
        let mut checked = Vec::new();
        for a in needed {
            let Some(pw) = password_of(a) else { continue };
            let mut out = Vec::new();
            let r = i.check_password(Some(a), pw.expose(), &mut out);
            i.emit(out);
            r?;
            checked.push(a.id.clone());
        }
        Ok(Authorized::Passwords(checked))
    }

    /// Erases everything this app stored, after the user typed [`ERASE_PHRASE`]. While a wallet
    /// is not backed up, `proofs` must carry its password, or ask for the device-owner check
    /// (see [`ErasePlan::authorization_needed`]); otherwise the typed phrase is enough, in any
    /// session state.
    pub fn erase_all_data(&self, typed_phrase: &str, proofs: &EraseProofs) -> Result<EraseReport> {
        if typed_phrase.trim() != ERASE_PHRASE {
            return Err(Error::ConfirmationRequired {
                what: format!("type \"{ERASE_PHRASE}\" to erase every wallet and setting on this device"),
            });
        }
        let started = Instant::now();
        let authorized = self.authorize_erase(proofs)?;
        let i = &self.inner;
        let now = i.now();
        // One transition from whatever the session is: the keys go with it.
        let (jid, payload, accounts_removed, events_removed, mut caches, dapps) = i.transition(Expect::Any, None, |_, tx, _| {
            // A wallet that is not backed up and was not authorized (added meanwhile) stops it.
            if let Some(a) = unbacked(&rows::all(tx)?).into_iter().find(|a| !authorized.covers(&a.id)) {
                return Err(Error::AuthorizationRequired {
                    action: ACTION.into(),
                    accepted: format!("the password of {} (not backed up), or the device owner's confirmation", a.name),
                });
            }
            let (accounts, events) = rows::erase_counts(tx)?;
            let caches = crate::cache::rows::clear_all(tx)?;
            // Every dapp connection and owed revocation: re-journaled under the new device scope
            // below (the old scopes' keys are shredded), then the hook is asked.
            let dapps = crate::store::connections::take_everything(tx)?;
            rows::erase_everything(tx)?;
            // Every scope's wrap goes: the device keys are deleted after the commit
            // (crypto-shredding), and a new device scope is made for what comes next.
            let device_aliases = crate::store::device::delete_all(tx)?;
            crate::store::limiter::clear_all(tx)?;
            let payload = JournalPayload { erase_all: true, scrub: true, device_aliases, ..JournalPayload::default() };
            let jid = journal::insert(tx, JournalOp::Erase, None, &payload, now)?;
            crate::store::crash::crash_point("erase.before_commit");
            Ok((Session::NoAccount, (jid, payload, accounts, events, caches, dapps)))
        })?;
        crate::store::crash::crash_point("erase.after_commit");
        super::device::forget_all(&i.ring);
        // Key-store deletion with no core lock held, then the files and the journal row. The
        // erase has committed: a platform that refuses now (a key store unavailable) leaves its
        // steps to the journal on the next open, and the erase is still done.
        let done = finish_entry(&i.store, &i.platform(), jid, &payload);
        let device_keys_deleted = done.as_ref().map_or(0, |d| d.device_keys_deleted);
        if let Ok(d) = &done {
            caches.add(&d.files);
        }
        // A new device scope for what comes next (made again lazily if the store refuses now).
        let rebound = match i.device_keys.as_deref() {
            Some(dk) => super::device::rebind_device_scope(&i.store, &i.ring, dk).is_ok(),
            None => true,
        };
        let e = {
            let store = lk(&i.store);
            store.vacuum()?;
            if rebound {
                Some(events::record(store.conn(), now, EventKind::DataErased, None, &format!("{accounts_removed} account(s)"))?)
            } else {
                None
            }
        };
        i.emit(e.into_iter().map(Notice::Event).collect());
        // The dapps of every erased wallet: journaled again (sealed under the new device scope;
        // a crash before this line loses them: the erase shredded the keys of the old journal)
        // and asked of the hook, with no core lock held.
        let rejournaled = if rebound {
            lk(&i.store).write(|tx| {
                dapps
                    .into_iter()
                    .map(|r| crate::store::connections::journal_revocation(tx, &r, now).map(|k| (k, r)))
                    .collect::<Result<Vec<_>>>()
            })
        } else {
            Ok(Vec::new())
        };
        if let Ok(j) = rejournaled {
            i.carry_out(j);
        }
        caches.duration_ms = started.elapsed().as_millis() as u64;
        Ok(EraseReport { accounts_removed, events_removed, caches, device_keys_deleted, duration_ms: started.elapsed().as_millis() as u64 })
    }

    /// Moves a damaged database (and its WAL/SHM) aside into `quarantine-<unix time>/` so the
    /// next open starts clean; nothing is deleted. Returns the quarantine folder. Refused with
    /// `DataDirectoryInUse` while a core has the directory open.
    pub fn quarantine_damaged_data(data_dir: &Path) -> Result<PathBuf> {
        let _owner = crate::store::owner::DirLock::acquire(data_dir)?;
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let q = data_dir.join(format!("quarantine-{stamp}"));
        crate::store::private_fs::create_dir(&q)?;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let f = data_dir.join(format!("{DB_FILE}{suffix}"));
            if f.exists() {
                std::fs::rename(&f, q.join(format!("{DB_FILE}{suffix}")))
                    .map_err(|e| Error::Storage { reason: format!("cannot move {}: {e}", f.display()) })?;
            }
        }
        Ok(q)
    }
}

/// Deletes key-store entries of this app that no account refers to; returns how many.
pub(crate) fn purge_orphans(store: &mut Store, key_store: &dyn SecureKeyStore, now: i64) -> Result<u32> {
    let Ok(aliases) = key_store.list() else { return Ok(0) };
    let referenced: Vec<String> = rows::all(store.conn())?.into_iter().filter_map(|a| a.biometric_alias).collect();
    let mut purged = 0;
    for a in aliases.iter().filter(|a| a.starts_with(ALIAS_PREFIX) && !referenced.contains(a)) {
        if key_store.delete(a).is_ok() {
            purged += 1;
        }
    }
    if purged > 0 {
        events::record(
            store.conn(),
            now,
            EventKind::OrphansPurged,
            None,
            &format!("{purged} key-store entr{} without a wallet", if purged == 1 { "y" } else { "ies" }),
        )?;
    }
    Ok(purged)
}
