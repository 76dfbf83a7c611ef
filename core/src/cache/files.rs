//! File-backed caches: `<data dir>/cache/<kind>/<scope>/<file>`, where scope is `_global` or
//! an account id. Clearing unlinks the files and removes the emptied folders.

use std::path::{Path, PathBuf};

use crate::cache::{CacheScope, ClearReport};
use crate::{Error, Result};

/// Root of all file caches in a data directory.
pub fn root(data_dir: &Path) -> PathBuf {
    data_dir.join("cache")
}

fn scope_dir(scope: &CacheScope) -> String {
    match scope {
        CacheScope::Global => "_global".into(),
        CacheScope::Account(id) => id.clone(),
    }
}

/// The folder for `kind` and `scope` (created).
pub fn dir(data_dir: &Path, kind: &str, scope: &CacheScope) -> Result<PathBuf> {
    let d = root(data_dir).join(kind).join(scope_dir(scope));
    std::fs::create_dir_all(&d).map_err(|e| Error::Storage { reason: format!("cannot create cache folder: {e}") })?;
    Ok(d)
}

/// A file name must be a plain name (no separators, no "..").
pub fn check_file_name(name: &str) -> Result<()> {
    let ok = !name.is_empty() && name.len() <= 128 && name != "." && name != ".." && !name.contains(['/', '\\', '\0']);
    if !ok {
        return Err(Error::InvalidArgument { reason: "a cache file name is a plain name of 1-128 characters".into() });
    }
    Ok(())
}

/// (files, bytes) under `path`, recursively.
pub fn usage(path: &Path) -> (u64, u64) {
    let mut files = 0;
    let mut bytes = 0;
    if let Ok(rd) = std::fs::read_dir(path) {
        for e in rd.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => {
                    let (f, b) = usage(&p);
                    files += f;
                    bytes += b;
                }
                Ok(_) => {
                    files += 1;
                    bytes += e.metadata().map(|m| m.len()).unwrap_or(0);
                }
                Err(_) => {}
            }
        }
    }
    (files, bytes)
}

/// Unlinks every file under `path` and removes the folders; a missing path is empty.
pub fn clear(path: &Path) -> Result<ClearReport> {
    let (files, bytes) = usage(path);
    match std::fs::remove_dir_all(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::Storage { reason: format!("cannot delete cache files: {e}") }),
    }
    Ok(ClearReport { files_removed: files, bytes_freed: bytes, ..ClearReport::default() })
}

/// Clears `scope`'s folder in every file kind.
pub fn clear_scope(data_dir: &Path, kinds: &[String], scope: &CacheScope) -> Result<ClearReport> {
    let mut r = ClearReport::default();
    for k in kinds {
        r.add(&clear(&root(data_dir).join(k).join(scope_dir(scope)))?);
    }
    Ok(r)
}
