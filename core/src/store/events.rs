//! The `events` table: the security log.

use rusqlite::{params, Connection, OptionalExtension};

use crate::events::{EventKind, FailedAttemptsSummary, SecurityEvent};
use crate::safety::activity::EventHead;
use crate::Result;

/// Appends an event; returns it with its id.
pub fn record(conn: &Connection, at: i64, kind: EventKind, account: Option<(&str, &str)>, detail: &str) -> Result<SecurityEvent> {
    let (id, name) = account.map_or((None, None), |(i, n)| (Some(i.to_string()), Some(n.to_string())));
    conn.execute(
        // Sealed under the account's key (crypto-shredded with it) or the device's.
        "INSERT INTO events (at, kind, account_id, account_name, detail, seal_scope)
         VALUES (?1, ?2, ?3, imw_seal(COALESCE(?3, ''), 'event_name', ?4), imw_seal(COALESCE(?3, ''), 'event_detail', ?5), COALESCE(?3, ''))",
        params![at, kind.as_str(), id, name, detail],
    )?;
    Ok(SecurityEvent { id: conn.last_insert_rowid(), at_unix: at, kind, account_id: id, account_name: name, detail: detail.to_string() })
}

/// How many events are stored.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get::<_, i64>(0))? as u64)
}

const SELECT: &str = "SELECT id, at, kind, account_id, imw_open(seal_scope, 'event_name', account_name),
     imw_open(seal_scope, 'event_detail', detail) FROM events";

type RawEvent = (i64, i64, String, Option<String>, Option<String>, Option<String>);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawEvent> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

/// Rows → events. A removed wallet's events keep their kind and time; its name and details were
/// sealed under its device key, which is gone (NULL). Kinds this version does not know are
/// skipped.
fn events(rows: impl Iterator<Item = rusqlite::Result<RawEvent>>) -> Result<Vec<SecurityEvent>> {
    let mut out = Vec::new();
    for row in rows {
        let (id, at, kind, account_id, account_name, detail) = row?;
        if let Some(kind) = EventKind::parse(&kind) {
            out.push(SecurityEvent { id, at_unix: at, kind, account_id, account_name, detail: detail.unwrap_or_default() });
        }
    }
    Ok(out)
}

/// The newest `limit` events, newest first.
pub fn list(conn: &Connection, limit: u32) -> Result<Vec<SecurityEvent>> {
    let mut st = conn.prepare(&format!("{SELECT} ORDER BY id DESC LIMIT ?1"))?;
    let rows = st.query_map([limit], raw)?;
    events(rows)
}

/// The newest event of `account_id` among `kinds`: its id and time.
pub fn last_of(conn: &Connection, account_id: &str, kinds: &[EventKind]) -> Result<Option<(i64, i64)>> {
    let marks: Vec<String> = (0..kinds.len()).map(|i| format!("?{}", i + 2)).collect();
    let sql = format!("SELECT id, at FROM events WHERE account_id = ?1 AND kind IN ({}) ORDER BY id DESC LIMIT 1", marks.join(", "));
    let mut values: Vec<&str> = vec![account_id];
    values.extend(kinds.iter().map(|k| k.as_str()));
    Ok(conn.query_row(&sql, rusqlite::params_from_iter(values), |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
}

/// The unsealed columns of the events after `after_id`, oldest first: at most the newest `limit`
/// of them, and how many more there are. Nothing sealed is opened.
pub fn heads_after(conn: &Connection, after_id: i64, limit: u32) -> Result<(Vec<EventHead>, u64)> {
    let total: i64 = conn.query_row("SELECT COUNT(*) FROM events WHERE id > ?1", [after_id], |r| r.get(0))?;
    let mut st = conn.prepare("SELECT id, kind, account_id FROM events WHERE id > ?1 ORDER BY id DESC LIMIT ?2")?;
    let rows = st.query_map(params![after_id, limit], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, account_id) = row?;
        if let Some(kind) = EventKind::parse(&kind) {
            out.push(EventHead { id, kind, account_id });
        }
    }
    out.reverse();
    Ok((out, (total as u64).saturating_sub(u64::from(limit))))
}

/// The events with these ids (text opened), oldest first.
pub fn by_ids(conn: &Connection, ids: &[i64]) -> Result<Vec<SecurityEvent>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("?{i}")).collect();
    let mut st = conn.prepare(&format!("{SELECT} WHERE id IN ({}) ORDER BY id", marks.join(", ")))?;
    let rows = st.query_map(rusqlite::params_from_iter(ids), raw)?;
    events(rows)
}

/// Wrong passwords after `after_id` for `account_id` or an unknown name: how many, and the last
/// one's time.
pub fn failures_after(conn: &Connection, after_id: i64, account_id: &str) -> Result<(u32, Option<i64>)> {
    Ok(conn.query_row(
        "SELECT COUNT(*), MAX(at) FROM events WHERE id > ?1 AND kind = 'login_failed' AND (account_id = ?2 OR account_id IS NULL)",
        params![after_id, account_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Failed logins/unlocks since the last successful one.
pub fn failed_attempts_summary(conn: &Connection) -> Result<FailedAttemptsSummary> {
    let last_ok: i64 =
        conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events WHERE kind IN ('login_succeeded', 'unlocked')", [], |r| r.get(0))?;
    let (count, last): (u32, Option<i64>) =
        conn.query_row("SELECT COUNT(*), MAX(at) FROM events WHERE kind = 'login_failed' AND id > ?1", [last_ok], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(FailedAttemptsSummary { count, last_failed_at_unix: last })
}

/// Seals the text of every event in place (moving an unbound store under device keys). Events
/// of wallets removed before are sealed under the device's key.
pub fn seal_all_in_place(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "UPDATE events SET seal_scope = CASE WHEN account_id IN (SELECT id FROM accounts) THEN account_id ELSE '' END;
         UPDATE events SET account_name = imw_seal(seal_scope, 'event_name', account_name), detail = imw_seal(seal_scope, 'event_detail', detail);",
    )?;
    Ok(())
}
