//! File-backed caches: `<data dir>/cache/<kind>/<scope>/<file>`, where scope is `_global` or
//! an account id. Clearing unlinks the files and removes the emptied folders.
//!
//! Every path component arrives checked by [`crate::cache::ids`] ([`KindDir`], [`ScopeDir`],
//! [`FileName`]).
//! As defence in depth, nothing is created, written or removed unless its real location
//! (parent canonicalized, so `..` and symbolic links are resolved) is strictly inside the real
//! cache root, and a symbolic link found there is removed, never followed. Folders are 0700 and
//! files 0600 ([`private_fs`]).

use std::path::{Path, PathBuf};

use crate::cache::ids::{FileName, KindDir, ScopeDir};
use crate::cache::{CacheScope, ClearReport};
use crate::store::private_fs;
use crate::{Error, Result};

/// Name of the cache root folder in a data directory.
pub const CACHE_DIR: &str = "cache";

/// Root of all file caches in a data directory.
pub fn root(data_dir: &Path) -> PathBuf {
    data_dir.join(CACHE_DIR)
}

fn io_err(what: &str, e: std::io::Error) -> Error {
    Error::Storage { reason: format!("cannot {what}: {e}") }
}

fn refuse() -> Error {
    Error::InvalidArgument { reason: "refusing to touch a path outside the cache folder".into() }
}

/// `real` is strictly inside the real location of the (existing) cache root.
fn check_inside(root: &Path, real: PathBuf) -> Result<PathBuf> {
    let real_root = root.canonicalize().map_err(|e| io_err("resolve the cache folder", e))?;
    if real != real_root && real.starts_with(&real_root) {
        Ok(real)
    } else {
        Err(refuse())
    }
}

/// The real location of the entry `path` itself (its parent resolved; a link is not followed),
/// which must be strictly inside the cache root.
fn entry_inside(root: &Path, path: &Path) -> Result<PathBuf> {
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else { return Err(refuse()) };
    check_inside(root, parent.canonicalize().map_err(|e| io_err("resolve a cache folder", e))?.join(name))
}

/// The real location of the existing `path` (links followed), which must be strictly inside
/// the cache root.
fn resolved_inside(root: &Path, path: &Path) -> Result<PathBuf> {
    check_inside(root, path.canonicalize().map_err(|e| io_err("resolve a cache folder", e))?)
}

/// Creates `root/parts...` one level at a time, each checked to be inside the root before its
/// mode is set; returns the last.
fn make_dirs(root: &Path, parts: &[&str]) -> Result<PathBuf> {
    private_fs::create_dir(root)?;
    let mut d = root.to_path_buf();
    for p in parts {
        d.push(p);
        private_fs::mkdir(&d)?;
        let real = resolved_inside(root, &d)?;
        private_fs::set_mode(&real, private_fs::DIR_MODE)?;
    }
    Ok(d)
}

/// The root folder of `kind` (created).
pub fn kind_dir(data_dir: &Path, kind: &KindDir) -> Result<PathBuf> {
    make_dirs(&root(data_dir), &[kind.as_str()])
}

/// The folder for `kind` and `scope` (created).
pub fn dir(data_dir: &Path, kind: &KindDir, scope: &ScopeDir) -> Result<PathBuf> {
    make_dirs(&root(data_dir), &[kind.as_str(), scope.as_str()])
}

/// Writes `bytes` as `name` in `kind`/`scope` (0600); returns its path.
pub fn write(data_dir: &Path, kind: &KindDir, scope: &ScopeDir, name: &FileName, bytes: &[u8]) -> Result<PathBuf> {
    let path = dir(data_dir, kind, scope)?.join(name.as_str());
    // A link planted where the file goes is replaced, not written through.
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        remove(&root(data_dir), &path)?;
    }
    private_fs::write_file(&entry_inside(&root(data_dir), &path)?, bytes)?;
    Ok(path)
}

/// (files, bytes) under `path`, recursively (links are counted, not followed).
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

/// (files, bytes) of a file kind by its stored name; (0, 0) for a name that is not well-formed.
pub fn kind_usage(data_dir: &Path, name: &str) -> (u64, u64) {
    KindDir::new(name).map_or((0, 0), |k| usage(&root(data_dir).join(k.as_str())))
}

/// Removes `target` (a folder with everything in it, a file, or a link — not what it points
/// to) after checking it is strictly inside `root`; a missing target is empty.
fn remove(root: &Path, target: &Path) -> Result<ClearReport> {
    let meta = match std::fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ClearReport::default()),
        Err(e) => return Err(io_err("inspect cache files", e)),
    };
    let real = entry_inside(root, target)?;
    let (files, bytes) = if meta.is_dir() {
        let used = usage(&real);
        std::fs::remove_dir_all(&real).map_err(|e| io_err("delete cache files", e))?;
        used
    } else {
        std::fs::remove_file(&real).map_err(|e| io_err("delete a cache file", e))?;
        (1, meta.len())
    };
    Ok(ClearReport { files_removed: files, bytes_freed: bytes, ..ClearReport::default() })
}

/// Clears one file kind (every scope).
pub fn clear_kind(data_dir: &Path, kind: &KindDir) -> Result<ClearReport> {
    let root = root(data_dir);
    remove(&root, &root.join(kind.as_str()))
}

/// Clears the stored kinds `kinds` (names that are not well-formed are skipped: the core never
/// created a folder for them).
pub fn clear_kinds(data_dir: &Path, kinds: &[String]) -> Result<ClearReport> {
    let mut r = ClearReport::default();
    for k in kinds.iter().filter_map(|k| KindDir::new(k).ok()) {
        r.add(&clear_kind(data_dir, &k)?);
    }
    Ok(r)
}

/// Clears `scope`'s folder in every stored kind. The scope is checked for form only (logout
/// clears the files of an account it is removing).
pub fn clear_scope(data_dir: &Path, kinds: &[String], scope: &CacheScope) -> Result<ClearReport> {
    let s = ScopeDir::new(scope)?;
    let root = root(data_dir);
    let mut r = ClearReport::default();
    for k in kinds.iter().filter_map(|k| KindDir::new(k).ok()) {
        r.add(&remove(&root, &root.join(k.as_str()).join(s.as_str()))?);
    }
    Ok(r)
}

/// Where cleared folders wait for deletion: `cache/.trash` (no kind can be named so: a kind starts
/// with a letter or digit).
pub const TRASH_DIR: &str = ".trash";

/// Moves `scope`'s folder of every stored kind out of reach, into `cache/.trash/<tag>/<kind>`:
/// one rename per kind, whatever the number of files (logout's latency must not grow with the
/// cache). Returns what moved (files and bytes counted first) and the folder to delete with
/// [`empty_trash`]; until then the files are unreachable through any cache path, and an open
/// sweeps every leftover trash folder.
pub fn trash_scope(data_dir: &Path, kinds: &[String], scope: &CacheScope, tag: &str) -> Result<(ClearReport, Option<PathBuf>)> {
    let s = ScopeDir::new(scope)?;
    let root = root(data_dir);
    let mut r = ClearReport::default();
    let bin = root.join(TRASH_DIR).join(tag);
    let mut made = false;
    for k in kinds.iter().filter_map(|k| KindDir::new(k).ok()) {
        let target = root.join(k.as_str()).join(s.as_str());
        let meta = match std::fs::symlink_metadata(&target) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_err("inspect cache files", e)),
        };
        let real = entry_inside(&root, &target)?;
        if !meta.is_dir() {
            r.add(&remove(&root, &target)?);
            continue;
        }
        if !made {
            make_dirs(&root, &[TRASH_DIR, tag])?;
            made = true;
        }
        let (files, bytes) = usage(&real);
        std::fs::rename(&real, bin.join(k.as_str())).map_err(|e| io_err("move cache files out of reach", e))?;
        r.add(&ClearReport { files_removed: files, bytes_freed: bytes, ..ClearReport::default() });
    }
    Ok((r, made.then_some(bin)))
}

/// Deletes a trash folder made by [`trash_scope`] (`None`: every one, as an open does).
pub fn empty_trash(data_dir: &Path, bin: Option<&Path>) -> Result<()> {
    let root = root(data_dir);
    let target = bin.map_or_else(|| root.join(TRASH_DIR), Path::to_path_buf);
    remove(&root, &target).map(|_| ())
}

/// Clears everything under the cache root (the root itself stays, empty).
pub fn clear_root(data_dir: &Path) -> Result<ClearReport> {
    let root = root(data_dir);
    let mut r = ClearReport::default();
    let Ok(rd) = std::fs::read_dir(&root) else { return Ok(r) };
    for e in rd.flatten() {
        r.add(&remove(&root, &e.path())?);
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Defence in depth: even a path built without the checks cannot leave the cache root.
    #[test]
    fn remove_refuses_anything_not_strictly_inside_the_root() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let root = root(&data);
        std::fs::create_dir_all(root.join("images/_global")).unwrap();
        std::fs::write(data.join("imwallet.db"), b"db").unwrap();
        std::fs::create_dir_all(tmp.path().join("outside")).unwrap();
        std::fs::write(tmp.path().join("outside/canary"), b"c").unwrap();
        for t in [root.clone(), root.join(".."), root.join("images/../.."), tmp.path().join("outside"), data.join("imwallet.db")] {
            assert!(matches!(remove(&root, &t), Err(Error::InvalidArgument { .. })), "{}", t.display());
        }
        assert!(data.join("imwallet.db").exists() && tmp.path().join("outside/canary").exists());
        assert_eq!(remove(&root, &root.join("images/_global")).unwrap().files_removed, 0);
        assert!(!root.join("images/_global").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_inside_is_removed_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let root = root(&data);
        std::fs::create_dir_all(root.join("images")).unwrap();
        std::fs::create_dir_all(tmp.path().join("outside")).unwrap();
        std::fs::write(tmp.path().join("outside/canary"), b"c").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("outside"), root.join("images/_global")).unwrap();
        clear_scope(&data, &["images".into()], &CacheScope::Global).unwrap();
        assert!(tmp.path().join("outside/canary").exists(), "the link's target survives");
        assert!(std::fs::symlink_metadata(root.join("images/_global")).is_err(), "the link is gone");
        // Writing through a planted link to a folder outside is refused.
        std::os::unix::fs::symlink(tmp.path().join("outside"), root.join("images/_global")).unwrap();
        let k = KindDir::new("images").unwrap();
        let s = ScopeDir::new(&CacheScope::Global).unwrap();
        assert!(write(&data, &k, &s, &FileName::new("canary").unwrap(), b"overwritten").is_err());
        assert_eq!(std::fs::read(tmp.path().join("outside/canary")).unwrap(), b"c");
    }
}
