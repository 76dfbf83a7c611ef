//! The `limiter` row: failed password attempts (see `session::limiter` for the policy).

use rusqlite::{params, Connection};

use crate::Result;

/// (failures, last attempt, unix seconds).
pub fn read(conn: &Connection) -> Result<(u32, i64)> {
    Ok(conn.query_row("SELECT failures, last_attempt_at FROM limiter WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// Records an attempt: the failure count and its time.
pub fn write(conn: &Connection, failures: u32, last_attempt_at: i64) -> Result<()> {
    conn.execute("UPDATE limiter SET failures = ?1, last_attempt_at = ?2 WHERE id = 1", params![failures, last_attempt_at])?;
    Ok(())
}
