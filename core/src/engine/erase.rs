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

use serde_json::json;

use crate::auth::keystore::{SecureKeyStore, ALIAS_PREFIX};
use crate::cache::ClearReport;
use crate::engine::logout::finish_external;
use crate::engine::{lk, persist_state, Notice, WalletCore};
use crate::events::{self, EventKind};
use crate::session::SessionState;
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
        lk(&i.keys).take();
        i.deadline.send_replace(None);
        lk(&i.plans).clear_pending();
        i.forget_authorizations();
        let now = i.now();
        let mut out: Vec<Notice> = Vec::new();
        let mut store = lk(&i.store);
        let (jid, accounts_removed, events_removed, mut caches, payload) = store.write(|tx| {
            let accounts = tx.query_row("SELECT COUNT(*) FROM accounts", [], |r| r.get::<_, i64>(0))? as u64;
            let events = tx.query_row("SELECT COUNT(*) FROM events", [], |r| r.get::<_, i64>(0))? as u64;
            let caches = crate::cache::rows::clear_all(tx)?;
            tx.execute_batch(
                "DELETE FROM address_cache; DELETE FROM accounts; DELETE FROM events; DELETE FROM settings; DELETE FROM journal;
                 UPDATE limiter SET failures = 0, last_attempt_at = 0;",
            )?;
            persist_state(tx, &SessionState::NoAccount, now)?;
            let payload = json!({"erase_all": true, "scrub": true});
            tx.execute(
                "INSERT INTO journal (op, account_id, payload, created_at) VALUES ('erase', NULL, ?1, ?2)",
                rusqlite::params![payload.to_string(), now],
            )?;
            crate::store::crash::crash_point("erase.before_commit");
            Ok((tx.last_insert_rowid(), accounts, events, caches, payload.to_string()))
        })?;
        crate::store::crash::crash_point("erase.after_commit");
        let files = finish_external(&mut store, i.key_store.as_ref(), &payload)?;
        caches.add(&files);
        store.conn().execute("DELETE FROM journal WHERE id = ?1", [jid])?;
        store.vacuum()?;
        let e = events::record(store.conn(), now, EventKind::DataErased, None, &format!("{accounts_removed} account(s)"))?;
        drop(store);
        out.push(Notice::Event(e));
        *lk(&i.auto_lock) = i.config.default_auto_lock;
        i.set_state(SessionState::NoAccount, &mut out);
        i.emit(out);
        caches.duration_ms = started.elapsed().as_millis() as u64;
        Ok(EraseReport { accounts_removed, events_removed, caches, duration_ms: started.elapsed().as_millis() as u64 })
    }

    /// Moves a damaged database (and its WAL/SHM) aside into `quarantine-<unix time>/` so the
    /// next open starts clean; nothing is deleted. Returns the quarantine folder.
    pub fn quarantine_damaged_data(data_dir: &Path) -> Result<PathBuf> {
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
