//! The SQLite store: one database per data directory.
//!
//! Opened with WAL, `secure_delete=ON` (deleted rows are overwritten), `foreign_keys`, a busy
//! timeout and `synchronous=FULL` (a counter written before a KDF run survives power loss).
//! Multi-step changes go through [`Store::write`], one `BEGIN IMMEDIATE` transaction, so a
//! crash leaves either the old or the new state. After secret-bearing deletes,
//! [`Store::scrub`] checkpoints and truncates the WAL and vacuums freed pages. The directory is
//! 0700 and the database, WAL and shared-memory files 0600 whatever the umask ([`private_fs`]).

pub mod account_settings;
pub mod accounts;
pub mod caches;
pub mod connections;
pub mod crash;
pub mod device;
pub mod events;
pub mod journal;
pub mod limiter;
pub mod owner;
pub mod private_fs;
pub mod schema;
pub mod sealing;
pub mod second_factor;
pub mod session;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::{Error, Result};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "imwallet.db";

/// An open database. It holds the data directory's owner lock for as long as it lives.
pub struct Store {
    conn: Connection,
    dir: PathBuf,
    /// The unwrapped device-scope keys the SQL functions seal and open with.
    ring: sealing::SharedRing,
    _owner: owner::DirLock,
}

impl Store {
    /// Opens (creating if needed) the database in `dir` and migrates it. Fails with
    /// `DataDirectoryInUse` when another open store (in this or another process) owns `dir`.
    pub fn open(dir: &Path) -> Result<Store> {
        private_fs::create_dir(dir)?;
        let owner = owner::DirLock::acquire(dir)?;
        let path = dir.join(DB_FILE);
        let sidecar = |s: &str| dir.join(format!("{DB_FILE}{s}")).exists();
        if !path.exists() && (sidecar("-wal") || sidecar("-journal")) {
            return Err(Error::DataDirectoryDamaged {
                reason: "the database file is missing but its write-ahead log is still there (a half-deleted directory)".into(),
            });
        }
        // 0600 before SQLite sees it: SQLite would create it 0644, and gives -wal/-shm its mode.
        private_fs::create_file(&path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        // auto_vacuum must be chosen before the first table exists; harmless afterwards.
        conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL;")?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        // temp_store in memory: sorting or grouping on opened (plaintext) values never spills them
        // into a temporary file.
        conn.execute_batch("PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;")?;
        private_fs::restrict_data_dir(dir)?;
        let ring = sealing::SharedRing::default();
        sealing::register(&conn, &ring)?;
        let mut store = Store { conn, dir: dir.to_path_buf(), ring, _owner: owner };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        let found: u32 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > schema::SCHEMA_VERSION {
            return Err(Error::SchemaTooNew { found, supported: schema::SCHEMA_VERSION });
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as u32)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The device-scope key ring (a leaf lock: never held while running SQL on this store).
    pub fn ring(&self) -> &sealing::SharedRing {
        &self.ring
    }

    /// Read access.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction; commits on `Ok`, rolls back on `Err`.
    pub fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// After deleting secrets: move the WAL into the main file and truncate it, then release
    /// free pages so no old page content lingers in the files.
    pub fn scrub(&self) -> Result<()> {
        self.checkpoint()?;
        self.conn.execute_batch("PRAGMA incremental_vacuum;")?;
        self.checkpoint()?;
        private_fs::restrict_db_files(&self.dir)
    }

    /// Moves every WAL frame into the main file and truncates the WAL. A checkpoint SQLite
    /// reports as busy (a reader holds old frames) is retried, then reported as an error —
    /// never taken for done, since the frames may hold a secret that was just replaced.
    pub fn checkpoint(&self) -> Result<()> {
        for attempt in 0..5u64 {
            let (busy, log, done): (i64, i64, i64) =
                self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            if busy == 0 && log == done {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(20 * (attempt + 1)));
        }
        Err(Error::Storage {
            reason: "the write-ahead log could not be checkpointed (busy); old page contents may remain: try again".into(),
        })
    }

    /// Moves what it can of the WAL into the main file without waiting for readers and without
    /// truncating (a head start for a scrub that is about to run; never a scrub itself).
    pub fn checkpoint_passive(&self) -> Result<()> {
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Rebuilds the file without free pages (after erasing everything).
    pub fn vacuum(&self) -> Result<()> {
        self.conn.execute_batch("VACUUM;")?;
        self.checkpoint()?;
        private_fs::restrict_db_files(&self.dir)
    }

    /// A setting value.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT imw_open('', 'setting:' || key, value) FROM settings WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Stores a setting.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, imw_seal('', 'setting:' || ?1, ?2)) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}
