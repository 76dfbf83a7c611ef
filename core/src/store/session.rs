//! The `session` row: the persisted public session state.

use rusqlite::{params, Connection};

use crate::session::SessionState;
use crate::Result;

/// Writes the session row for `state`.
pub fn persist(conn: &Connection, state: &SessionState, now: i64) -> Result<()> {
    let (s, id) = match state {
        SessionState::NoAccount => ("none", None),
        SessionState::LoggedOut => ("logged_out", None),
        SessionState::Locked { account } => ("locked", Some(account.id.as_str())),
        SessionState::Unlocked { account } => ("unlocked", Some(account.id.as_str())),
    };
    conn.execute("UPDATE session SET state = ?1, account_id = ?2, updated_at = ?3 WHERE id = 1", params![s, id, now])?;
    Ok(())
}

/// The stored state name and account id.
pub fn load(conn: &Connection) -> Result<(String, Option<String>)> {
    Ok(conn.query_row("SELECT state, account_id FROM session WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?)
}
