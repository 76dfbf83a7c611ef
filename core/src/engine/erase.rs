//! Clear data: the in-app "reset app", purging key-store orphans after the OS wiped the app's
//! files, and quarantining a damaged data directory.
//!
//! `erase_all_data` deletes every account, vault, cache, setting and event in one transaction
//! journaled together with the steps outside the database (every key-store entry in the app's
//! namespace, the cache folders, a WAL scrub and VACUUM), so a crash midway is completed on the
//! next open. On every open, key-store entries no account refers to are orphans (iOS Keychain
//! items outlive a reinstall; Android "clear storage" leaves Keystore aliases) and are purged.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::auth::keystore::{SecureKeyStore, ALIAS_PREFIX};
use crate::cache::ClearReport;
use crate::engine::logout::finish_entry;
use crate::engine::session::{Expect, Session};
use crate::engine::{lk, Notice, WalletCore};
use crate::events::{self, EventKind};
use crate::store::journal::{self, JournalOp, JournalPayload};
use crate::store::{accounts as rows, Store, DB_FILE};
use crate::{Error, Result};

/// The phrase the user types to confirm erasing everything.
pub const ERASE_PHRASE: &str = "ERASE ALL DATA";

/// What erasing will destroy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasePlan {
    pub account_names: Vec<String>,
    /// Accounts whose recovery phrase was never confirmed as backed up: lost for good.
    pub not_backed_up: Vec<String>,
    /// Type this exactly to confirm.
    pub phrase_to_type: String,
}

/// What erasing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EraseReport {
    pub accounts_removed: u64,
    pub events_removed: u64,
    pub caches: ClearReport,
    pub duration_ms: u64,
}

impl WalletCore {
    /// The warning screen before "reset app".
    pub fn prepare_erase(&self) -> Result<ErasePlan> {
        let all = rows::all(lk(&self.inner.store).conn())?;
        Ok(ErasePlan {
            account_names: all.iter().map(|a| a.name.clone()).collect(),
            not_backed_up: all.iter().filter(|a| a.has_phrase && !a.backed_up).map(|a| a.name.clone()).collect(),
            phrase_to_type: ERASE_PHRASE.into(),
        })
    }

    /// Erases everything this app stored, after the user typed [`ERASE_PHRASE`].
    pub fn erase_all_data(&self, typed_phrase: &str) -> Result<EraseReport> {
        if typed_phrase.trim() != ERASE_PHRASE {
            return Err(Error::ConfirmationRequired {
                what: format!("type \"{ERASE_PHRASE}\" to erase every wallet and setting on this device"),
            });
        }
        let started = Instant::now();
        let i = &self.inner;
        let now = i.now();
        let payload = JournalPayload { erase_all: true, scrub: true, ..JournalPayload::default() };
        // One transition from whatever the session is: the keys go with it.
        let ((jid, accounts_removed, events_removed, mut caches), generation) = i.transition_gen(Expect::Any, None, |_, tx, _| {
            let (accounts, events) = rows::erase_counts(tx)?;
            let caches = crate::cache::rows::clear_all(tx)?;
            rows::erase_everything(tx)?;
            crate::store::limiter::clear_all(tx)?;
            let jid = journal::insert(tx, JournalOp::Erase, None, &payload, now)?;
            crate::store::crash::crash_point("erase.before_commit");
            Ok((Session::NoAccount, (jid, accounts, events, caches)))
        })?;
        crate::store::crash::crash_point("erase.after_commit");
        // Key-store deletion with no core lock held, then the files and the journal row.
        let files = finish_entry(&i.store, i.key_store.as_ref(), jid, &payload)?;
        caches.add(&files);
        let e = {
            let store = lk(&i.store);
            store.vacuum()?;
            events::record(store.conn(), now, EventKind::DataErased, None, &format!("{accounts_removed} account(s)"))?
        };
        // The default auto-lock again, unless the session moved on meanwhile.
        i.with_cell(|c| {
            if c.generation == generation {
                c.auto_lock = i.config.default_auto_lock;
            }
        });
        i.emit(vec![Notice::Event(e)]);
        caches.duration_ms = started.elapsed().as_millis() as u64;
        Ok(EraseReport { accounts_removed, events_removed, caches, duration_ms: started.elapsed().as_millis() as u64 })
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
