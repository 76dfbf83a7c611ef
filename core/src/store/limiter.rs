//! The attempt limiter's tables (see `session::limiter` for the policy): one row per bucket
//! (an account id, or the shared unknown-name bucket) and the device-wide failure window.

use rusqlite::{params, Connection, OptionalExtension};

use crate::clock::BootReading;
use crate::Result;

/// One bucket's record: failures and the boot-clock anchor of its last counted attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub failures: u32,
    /// Wall clock of the last attempt (display only; never moves backwards).
    pub last_attempt_at: i64,
    pub anchor: BootReading,
}

pub fn bucket(conn: &Connection, name: &str) -> Result<Option<Bucket>> {
    Ok(conn
        .query_row("SELECT failures, last_attempt_at, boot_id, boot_secs FROM attempt_buckets WHERE bucket = ?1", [name], |r| {
            Ok(Bucket {
                failures: r.get(0)?,
                last_attempt_at: r.get(1)?,
                anchor: BootReading { boot_id: r.get(2)?, secs: r.get::<_, i64>(3)? as u64 },
            })
        })
        .optional()?)
}

pub fn put_bucket(conn: &Connection, name: &str, b: &Bucket) -> Result<()> {
    conn.execute(
        "INSERT INTO attempt_buckets (bucket, failures, last_attempt_at, boot_id, boot_secs) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(bucket) DO UPDATE SET failures = excluded.failures, last_attempt_at = excluded.last_attempt_at,
         boot_id = excluded.boot_id, boot_secs = excluded.boot_secs",
        params![name, b.failures, b.last_attempt_at, b.anchor.boot_id, b.anchor.secs as i64],
    )?;
    Ok(())
}

pub fn delete_bucket(conn: &Connection, name: &str) -> Result<()> {
    conn.execute("DELETE FROM attempt_buckets WHERE bucket = ?1", [name])?;
    Ok(())
}

/// Counts a failure in the device-wide window; returns its id.
pub fn add_failure(conn: &Connection, at: &BootReading) -> Result<i64> {
    conn.execute("INSERT INTO attempt_failures (boot_id, boot_secs) VALUES (?1, ?2)", params![at.boot_id, at.secs as i64])?;
    Ok(conn.last_insert_rowid())
}

/// Un-counts an attempt that turned out to be a success.
pub fn remove_failure(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM attempt_failures WHERE id = ?1", [id])?;
    Ok(())
}

/// Every failure in the device-wide window (id, anchor).
pub fn failures(conn: &Connection) -> Result<Vec<(i64, BootReading)>> {
    let mut st = conn.prepare("SELECT id, boot_id, boot_secs FROM attempt_failures ORDER BY id")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, BootReading { boot_id: r.get(1)?, secs: r.get::<_, i64>(2)? as u64 })))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Forgets failures that left the window.
pub fn prune_failures(conn: &Connection, ids: &[i64]) -> Result<()> {
    for id in ids {
        remove_failure(conn, *id)?;
    }
    Ok(())
}

/// After a reboot: every anchor from another boot restarts from `now` (the delay restarts in
/// full, and only the boot clock of this boot measures it from here on).
pub fn reanchor_other_boots(conn: &Connection, now: &BootReading) -> Result<()> {
    conn.execute("UPDATE attempt_buckets SET boot_id = ?1, boot_secs = ?2 WHERE boot_id != ?1", params![now.boot_id, now.secs as i64])?;
    conn.execute("UPDATE attempt_failures SET boot_id = ?1, boot_secs = ?2 WHERE boot_id != ?1", params![now.boot_id, now.secs as i64])?;
    Ok(())
}

/// "Reset app": every bucket and window entry goes.
pub fn clear_all(conn: &Connection) -> Result<()> {
    conn.execute_batch("DELETE FROM attempt_buckets; DELETE FROM attempt_failures; UPDATE limiter SET failures = 0, last_attempt_at = 0;")?;
    Ok(())
}
