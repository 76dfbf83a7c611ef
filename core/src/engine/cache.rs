//! The cache API for the shell: put/get/delete, file caches, usage and clearing.

use std::path::PathBuf;
use std::time::Instant;

use crate::cache::{files, rows, CacheKind, CacheScope, CacheUsage, ClearReport, ClearScope};
use crate::engine::{lk, WalletCore};
use crate::events::EventKind;
use crate::store::accounts;
use crate::{Error, Result};

impl WalletCore {
    fn check_scope(&self, scope: &CacheScope) -> Result<()> {
        if let CacheScope::Account(id) = scope {
            if accounts::by_id(lk(&self.inner.store).conn(), id)?.is_none() {
                return Err(Error::AccountNotFound);
            }
        }
        Ok(())
    }

    fn check_kind(&self, kind: &CacheKind) -> Result<()> {
        if let CacheKind::Files(name) = kind {
            if !rows::file_kinds(lk(&self.inner.store).conn())?.contains(name) {
                return Err(Error::InvalidArgument { reason: format!("file cache '{name}' is not registered") });
            }
        }
        Ok(())
    }

    /// Registers a file-backed cache kind; returns its root folder.
    pub fn register_file_cache(&self, name: &str) -> Result<PathBuf> {
        crate::cache::validate_file_kind(name)?;
        rows::register_file_kind(lk(&self.inner.store).conn(), name)?;
        let d = files::root(&self.inner.config.data_dir).join(name);
        std::fs::create_dir_all(&d).map_err(|e| Error::Storage { reason: format!("cannot create cache folder: {e}") })?;
        Ok(d)
    }

    /// Stores a database-backed entry (optionally expiring after `ttl_secs`).
    pub fn cache_put(&self, kind: &CacheKind, scope: &CacheScope, key: &str, value: &[u8], ttl_secs: Option<u32>) -> Result<()> {
        if matches!(kind, CacheKind::Files(_)) {
            return Err(Error::InvalidArgument { reason: "use cache_put_file for file-backed kinds".into() });
        }
        if key.is_empty() || key.len() > 512 || value.len() > rows::MAX_VALUE_BYTES {
            return Err(Error::InvalidArgument { reason: "cache keys are 1-512 bytes and values at most 8 MiB".into() });
        }
        self.check_scope(scope)?;
        let now = self.inner.now();
        let expires = ttl_secs.map(|t| now + i64::from(t));
        rows::put(lk(&self.inner.store).conn(), kind, scope, key, value, expires, now)
    }

    /// A database-backed entry, or `None` when missing or expired.
    pub fn cache_get(&self, kind: &CacheKind, scope: &CacheScope, key: &str) -> Result<Option<Vec<u8>>> {
        rows::get(lk(&self.inner.store).conn(), kind, scope, key, self.inner.now())
    }

    /// Deletes one entry; returns whether it existed.
    pub fn cache_delete(&self, kind: &CacheKind, scope: &CacheScope, key: &str) -> Result<bool> {
        rows::delete(lk(&self.inner.store).conn(), kind, scope, key)
    }

    /// Writes a file into a registered file cache; returns its path.
    pub fn cache_put_file(&self, kind: &CacheKind, scope: &CacheScope, file_name: &str, bytes: &[u8]) -> Result<PathBuf> {
        self.check_kind(kind)?;
        self.check_scope(scope)?;
        files::check_file_name(file_name)?;
        let CacheKind::Files(name) = kind else {
            return Err(Error::InvalidArgument { reason: "use cache_put for database-backed kinds".into() });
        };
        let path = files::dir(&self.inner.config.data_dir, name, scope)?.join(file_name);
        std::fs::write(&path, bytes).map_err(|e| Error::Storage { reason: format!("cannot write cache file: {e}") })?;
        Ok(path)
    }

    /// The folder a shell may write `kind` files for `scope` into.
    pub fn cache_file_dir(&self, kind: &CacheKind, scope: &CacheScope) -> Result<PathBuf> {
        self.check_kind(kind)?;
        self.check_scope(scope)?;
        files::dir(&self.inner.config.data_dir, kind.name(), scope)
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
            let (f, b) = files::usage(&files::root(&self.inner.config.data_dir).join(&name));
            out.push(CacheUsage { kind: CacheKind::Files(name), entries: f, bytes: b, files: f });
        }
        Ok(out)
    }

    /// Clears caches; the report says what went and how long it took.
    pub fn clear_cache(&self, scope: &ClearScope) -> Result<ClearReport> {
        let started = Instant::now();
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
                ClearScope::All => {
                    for k in &kinds {
                        report.add(&files::clear(&files::root(&data_dir).join(k))?);
                    }
                }
                ClearScope::Account(id) => report.add(&files::clear_scope(&data_dir, &kinds, &CacheScope::Account(id.clone()))?),
                ClearScope::Kinds(ks) => {
                    for k in ks {
                        if let CacheKind::Files(n) = k {
                            report.add(&files::clear(&files::root(&data_dir).join(n))?);
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
