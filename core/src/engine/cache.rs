//! The cache API for the shell: put/get/delete, file caches, usage and clearing.

use std::path::PathBuf;
use std::time::Instant;

use crate::cache::ids::{self, FileName, KindDir, ScopeDir};
use crate::cache::{files, rows, CacheKind, CacheScope, CacheUsage, ClearReport, ClearScope};
use crate::engine::{lk, WalletCore};
use crate::events::EventKind;
use crate::{Error, Result};

// Every identifier that becomes a path, and every scope, is checked by `cache::ids`.
impl WalletCore {
    fn check_scope(&self, scope: &CacheScope) -> Result<ScopeDir> {
        ids::existing_scope(lk(&self.inner.store).conn(), scope)
    }

    fn check_kind(&self, kind: &CacheKind) -> Result<KindDir> {
        ids::registered_kind(lk(&self.inner.store).conn(), kind)
    }

    /// Registers a file-backed cache kind; returns its root folder.
    pub fn register_file_cache(&self, name: &str) -> Result<PathBuf> {
        let kind = KindDir::new(name)?;
        rows::register_file_kind(lk(&self.inner.store).conn(), name)?;
        files::kind_dir(&self.inner.config.data_dir, &kind)
    }

    /// Stores a database-backed entry (optionally expiring after `ttl_secs`).
    pub fn cache_put(&self, kind: &CacheKind, scope: &CacheScope, key: &str, value: &[u8], ttl_secs: Option<u32>) -> Result<()> {
        ids::database_kind(kind)?;
        if key.is_empty() || key.len() > 512 || value.len() > rows::MAX_VALUE_BYTES {
            return Err(Error::InvalidArgument { reason: "cache keys are 1-512 bytes and values at most 8 MiB".into() });
        }
        let now = self.inner.now();
        let expires = ttl_secs.map(|t| now + i64::from(t));
        // The scope check and the write in one transaction: a wallet removed or erased at the
        // same time cannot leave an entry behind for its account.
        lk(&self.inner.store).write(|tx| {
            ids::existing_scope(tx, scope)?;
            rows::put(tx, kind, scope, key, value, expires, now)
        })
    }

    /// A database-backed entry, or `None` when missing or expired.
    pub fn cache_get(&self, kind: &CacheKind, scope: &CacheScope, key: &str) -> Result<Option<Vec<u8>>> {
        ids::database_kind(kind)?;
        self.check_scope(scope)?;
        rows::get(lk(&self.inner.store).conn(), kind, scope, key, self.inner.now())
    }

    /// Deletes one entry; returns whether it existed.
    pub fn cache_delete(&self, kind: &CacheKind, scope: &CacheScope, key: &str) -> Result<bool> {
        ids::database_kind(kind)?;
        self.check_scope(scope)?;
        rows::delete(lk(&self.inner.store).conn(), kind, scope, key)
    }

    /// Writes a file into a registered file cache; returns its path.
    pub fn cache_put_file(&self, kind: &CacheKind, scope: &CacheScope, file_name: &str, bytes: &[u8]) -> Result<PathBuf> {
        let name = FileName::new(file_name)?;
        // Checked and written under the store lock: a removal or erase clears files under the
        // same lock, so it cannot miss this one.
        let store = lk(&self.inner.store);
        let (kind, scope) = (ids::registered_kind(store.conn(), kind)?, ids::existing_scope(store.conn(), scope)?);
        files::write(&self.inner.config.data_dir, &kind, &scope, &name, bytes)
    }

    /// The folder a shell may write `kind` files for `scope` into.
    pub fn cache_file_dir(&self, kind: &CacheKind, scope: &CacheScope) -> Result<PathBuf> {
        files::dir(&self.inner.config.data_dir, &self.check_kind(kind)?, &self.check_scope(scope)?)
    }

    /// Entries and bytes per kind (database and files).
    pub fn cache_usage(&self) -> Result<Vec<CacheUsage>> {
        let store = lk(&self.inner.store);
        let db = rows::usage(store.conn())?;
        let mut out: Vec<CacheUsage> = CacheKind::BUILT_IN
            .iter()
            .map(|k| {
                let (entries, bytes) = db.iter().find(|(n, _, _)| n == k.name()).map_or((0, 0), |(_, e, b)| (*e, *b));
                CacheUsage { kind: k.clone(), entries, bytes, files: 0 }
            })
            .collect();
        for name in rows::file_kinds(store.conn())? {
            let (f, b) = files::kind_usage(&self.inner.config.data_dir, &name);
            out.push(CacheUsage { kind: CacheKind::Files(name), entries: f, bytes: b, files: f });
        }
        Ok(out)
    }

    /// Clears caches; the report says what went and how long it took.
    pub fn clear_cache(&self, scope: &ClearScope) -> Result<ClearReport> {
        let started = Instant::now();
        ids::check_clear_scope(lk(&self.inner.store).conn(), scope)?;
        let data_dir = self.inner.config.data_dir.clone();
        let mut out = Vec::new();
        let mut report = {
            let mut store = lk(&self.inner.store);
            let kinds = rows::file_kinds(store.conn())?;
            let mut report = store.write(|tx| match scope {
                ClearScope::All => rows::clear_all(tx),
                ClearScope::Account(id) => rows::clear_scope(tx, &CacheScope::Account(id.clone())),
                ClearScope::Kinds(ks) => {
                    let mut r = ClearReport::default();
                    for k in ks {
                        r.add(&rows::clear_kind(tx, k)?);
                    }
                    Ok(r)
                }
            })?;
            match scope {
                ClearScope::All => report.add(&files::clear_kinds(&data_dir, &kinds)?),
                ClearScope::Account(id) => report.add(&files::clear_scope(&data_dir, &kinds, &CacheScope::Account(id.clone()))?),
                ClearScope::Kinds(ks) => {
                    for k in ks {
                        if let CacheKind::Files(n) = k {
                            report.add(&files::clear_kind(&data_dir, &KindDir::new(n)?)?);
                        }
                    }
                }
            }
            store.scrub()?;
            report
        };
        report.duration_ms = started.elapsed().as_millis() as u64;
        let account = self.inner.session_account().ok().map(|(a, _)| a);
        let detail = format!("{} entries, {} files, {} bytes", report.entries_removed, report.files_removed, report.bytes_freed);
        lk(&self.inner.store).write(|tx| self.inner.event(tx, EventKind::CachesCleared, account.as_ref(), &detail, &mut out))?;
        self.inner.emit(out);
        Ok(report)
    }
}
