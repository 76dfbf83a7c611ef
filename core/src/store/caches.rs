//! Database-backed cache entries (`cache_entries`). Values are sealed under their scope's device
//! key and keys are stored as keyed hashes ([`crate::store::sealing`]); sizes are what the
//! entries take on disk.

use rusqlite::{params, Connection, OptionalExtension};

use crate::cache::{CacheKind, CacheScope, ClearReport};
use crate::Result;

/// Upper bound on one value.
pub const MAX_VALUE_BYTES: usize = 8 * 1024 * 1024;

pub fn put(
    conn: &Connection,
    kind: &CacheKind,
    scope: &CacheScope,
    key: &str,
    value: &[u8],
    expires_at: Option<i64>,
    now: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO cache_entries (kind, scope, key, value, expires_at, updated_at)
         VALUES (?1, ?2, imw_index(?3), imw_seal(?2, 'cache:' || ?1 || ':' || imw_index(?3), ?4), ?5, ?6)
         ON CONFLICT(kind, scope, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at",
        params![kind.name(), scope.key(), key, value, expires_at, now],
    )?;
    Ok(())
}

/// The value, or `None` when missing or expired (expired entries are deleted).
pub fn get(conn: &Connection, kind: &CacheKind, scope: &CacheScope, key: &str, now: i64) -> Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>, Option<i64>)> = conn
        .query_row(
            "SELECT imw_open(scope, 'cache:' || kind || ':' || key, value), expires_at FROM cache_entries WHERE kind = ?1 AND scope = ?2 AND key = imw_index(?3)",
            params![kind.name(), scope.key(), key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        Some((_, Some(exp))) if exp <= now => {
            delete(conn, kind, scope, key)?;
            Ok(None)
        }
        Some((v, _)) => Ok(Some(v)),
        None => Ok(None),
    }
}

pub fn delete(conn: &Connection, kind: &CacheKind, scope: &CacheScope, key: &str) -> Result<bool> {
    Ok(conn.execute(
        "DELETE FROM cache_entries WHERE kind = ?1 AND scope = ?2 AND key = imw_index(?3)",
        params![kind.name(), scope.key(), key],
    )? > 0)
}

/// How many entries are stored.
pub fn count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM cache_entries", [], |r| r.get::<_, i64>(0))? as u64)
}

/// (entries, bytes) per kind name.
pub fn usage(conn: &Connection) -> Result<Vec<(String, u64, u64)>> {
    let mut st = conn
        .prepare("SELECT kind, COUNT(*), COALESCE(SUM(LENGTH(value) + LENGTH(key)), 0) FROM cache_entries GROUP BY kind ORDER BY kind")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64, r.get::<_, i64>(2)? as u64)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Deletes rows matching `where_sql` (with `args`), reporting count and bytes.
fn delete_where(conn: &Connection, where_sql: &str, args: &[&dyn rusqlite::ToSql]) -> Result<ClearReport> {
    let (n, bytes): (u64, u64) = conn.query_row(
        &format!("SELECT COUNT(*), COALESCE(SUM(LENGTH(value) + LENGTH(key)), 0) FROM cache_entries WHERE {where_sql}"),
        args,
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
    )?;
    conn.execute(&format!("DELETE FROM cache_entries WHERE {where_sql}"), args)?;
    Ok(ClearReport { entries_removed: n, bytes_freed: bytes, ..ClearReport::default() })
}

pub fn clear_all(conn: &Connection) -> Result<ClearReport> {
    delete_where(conn, "1", &[])
}

pub fn clear_kind(conn: &Connection, kind: &CacheKind) -> Result<ClearReport> {
    delete_where(conn, "kind = ?1", &[&kind.name()])
}

pub fn clear_scope(conn: &Connection, scope: &CacheScope) -> Result<ClearReport> {
    delete_where(conn, "scope = ?1", &[&scope.key()])
}

/// Global rows except the non-sensitive kinds.
pub fn clear_global_sensitive(conn: &Connection) -> Result<ClearReport> {
    let keep: Vec<String> = CacheKind::BUILT_IN.iter().filter(|k| k.non_sensitive()).map(|k| format!("'{}'", k.name())).collect();
    delete_where(conn, &format!("scope = '' AND kind NOT IN ({})", keep.join(", ")), &[])
}

/// Registered file kinds.
pub fn file_kinds(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare("SELECT kind FROM cache_file_kinds ORDER BY kind")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn register_file_kind(conn: &Connection, kind: &str) -> Result<()> {
    conn.execute("INSERT OR IGNORE INTO cache_file_kinds (kind) VALUES (?1)", [kind])?;
    Ok(())
}

/// Seals every entry in place (moving an unbound store under device keys). Entries of wallets
/// that no longer exist are deleted first (their keys are gone).
pub fn seal_all_in_place(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM cache_entries WHERE scope <> '' AND scope NOT IN (SELECT id FROM accounts);
         UPDATE cache_entries SET key = imw_index(key);
         UPDATE cache_entries SET value = imw_seal(scope, 'cache:' || kind || ':' || key, value);",
    )?;
    Ok(())
}
