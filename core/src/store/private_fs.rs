//! Private files: the data directory and everything the core creates in it belong to the app's
//! user alone — directories 0700, files 0600 — whatever the process umask.
//!
//! Modes are set explicitly after creating (a umask can only remove bits, and SQLite `fchmod`s
//! a database it creates to 0644 by itself). SQLite gives `-wal` and `-shm` the database
//! file's mode, so the database is created 0600 before SQLite opens it; [`restrict_db_files`]
//! re-checks all of them after open and after every checkpoint, and [`restrict_data_dir`]
//! repairs a directory written by an older version on open. Symbolic links are never followed
//! when repairing. On non-Unix platforms these are plain creates (the OS's per-app sandbox and
//! ACLs apply).

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::cache::files::CACHE_DIR;
use crate::store::DB_FILE;
use crate::{Error, Result};

/// Mode of every directory the core creates.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file the core creates.
pub const FILE_MODE: u32 = 0o600;

/// Folders `quarantine_damaged_data` moves a damaged database into.
pub const QUARANTINE_PREFIX: &str = "quarantine-";

/// The database and the files SQLite keeps beside it.
pub const DB_FILES: [&str; 4] = ["", "-wal", "-shm", "-journal"];

fn io_err(what: &str, e: std::io::Error) -> Error {
    Error::Storage { reason: format!("cannot {what}: {e}") }
}

/// Creates `dir` and missing parents (new ones 0700) and makes `dir` itself 0700.
pub fn create_dir(dir: &Path) -> Result<()> {
    mkdir(dir)?;
    set_mode(dir, DIR_MODE)
}

/// Creates `dir` and missing parents with mode 0700, leaving an existing `dir`'s mode alone
/// (the caller checks where it is before [`set_mode`]).
pub fn mkdir(dir: &Path) -> Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(DIR_MODE);
    }
    b.create(dir).map_err(|e| io_err("create a folder", e))
}

/// Creates `path` empty if it is missing (never truncates) and makes it 0600.
pub fn create_file(path: &Path) -> Result<()> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    o.open(path).map_err(|e| io_err("create a file", e))?;
    set_mode(path, FILE_MODE)
}

/// Writes `bytes` to `path` (created or replaced), 0600 before any byte is written.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    // Written to a fresh private file next to it, then renamed over the name: a link planted
    // at `path` (hard or symbolic) is replaced, never written through.
    let tmp = path.with_file_name(format!(".tmp-{}", hex::encode(crate::vault::random_array::<8>()?)));
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    let written = o.open(&tmp).and_then(|mut f| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    });
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written.map_err(|e| io_err("write a cache file", e))
}

/// Sets `path`'s mode (following a link: the data directory may be one) when it differs.
pub fn set_mode(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let m = fs::metadata(path).map_err(|e| io_err("read a file's mode", e))?;
        if m.permissions().mode() & 0o7777 != mode {
            fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(|e| io_err("restrict a file's mode", e))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Makes `path` 0700 (folder) or 0600 (file) and, for a folder, everything in it; symbolic
/// links are skipped, never followed.
pub fn restrict_tree(path: &Path) -> Result<()> {
    let Ok(m) = fs::symlink_metadata(path) else { return Ok(()) };
    if m.file_type().is_symlink() {
        return Ok(());
    }
    if m.is_dir() {
        set_mode(path, DIR_MODE)?;
        for e in fs::read_dir(path).map_err(|e| io_err("list a folder", e))?.flatten() {
            restrict_tree(&e.path())?;
        }
        Ok(())
    } else {
        set_mode(path, FILE_MODE)
    }
}

/// The database, WAL, shared-memory and journal files: 0600 where they exist.
pub fn restrict_db_files(dir: &Path) -> Result<()> {
    for suffix in DB_FILES {
        restrict_tree(&dir.join(format!("{DB_FILE}{suffix}")))?;
    }
    Ok(())
}

/// Repairs a data directory: itself 0700, the database files 0600, and the cache and
/// quarantine folders with everything in them. Nothing else in the directory is touched.
pub fn restrict_data_dir(dir: &Path) -> Result<()> {
    set_mode(dir, DIR_MODE)?;
    restrict_db_files(dir)?;
    for e in fs::read_dir(dir).map_err(|e| io_err("list the data directory", e))?.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name == CACHE_DIR || name.starts_with(QUARANTINE_PREFIX) {
            restrict_tree(&e.path())?;
        }
    }
    Ok(())
}
