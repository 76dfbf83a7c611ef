//! The `device_wraps` table: each scope's secret, wrapped by the platform's device key store.
//! Scope `""` is the device (indexes, settings, global events and caches); any other scope is
//! an account id.

use rusqlite::{params, Connection};

use crate::Result;

/// One wrapped scope secret.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceWrap {
    pub scope: String,
    pub alias: String,
    pub wrapped: Vec<u8>,
    /// HMAC of a fixed label under the scope's seal key: proves an unwrapped secret is the one.
    pub key_check: Vec<u8>,
}

impl std::fmt::Debug for DeviceWrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceWrap").field("scope", &self.scope).field("alias", &self.alias).finish_non_exhaustive()
    }
}

pub fn all(conn: &Connection) -> Result<Vec<DeviceWrap>> {
    let mut st = conn.prepare("SELECT scope, alias, wrapped, key_check FROM device_wraps ORDER BY scope")?;
    let rows = st.query_map([], |r| Ok(DeviceWrap { scope: r.get(0)?, alias: r.get(1)?, wrapped: r.get(2)?, key_check: r.get(3)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores a scope's wrap (its key is no longer pending).
pub fn insert(conn: &Connection, w: &DeviceWrap) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO device_wraps (scope, alias, wrapped, key_check) VALUES (?1, ?2, ?3, ?4)",
        params![w.scope, w.alias, w.wrapped, w.key_check],
    )?;
    conn.execute("DELETE FROM device_pending WHERE alias = ?1", [&w.alias])?;
    Ok(())
}

/// Records that a key is about to be created under `alias` (committed before the platform call).
pub fn note_pending(conn: &Connection, alias: &str) -> Result<()> {
    conn.execute("INSERT OR IGNORE INTO device_pending (alias) VALUES (?1)", [alias])?;
    Ok(())
}

/// Keys created for scopes that were never stored (an interrupted creation).
pub fn pending(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare("SELECT alias FROM device_pending WHERE alias NOT IN (SELECT alias FROM device_wraps) ORDER BY alias")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn forget_pending(conn: &Connection, alias: &str) -> Result<()> {
    conn.execute("DELETE FROM device_pending WHERE alias = ?1", [alias])?;
    Ok(())
}

/// The alias of `scope`'s key, if it has one.
pub fn alias_of(conn: &Connection, scope: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn.query_row("SELECT alias FROM device_wraps WHERE scope = ?1", [scope], |r| r.get(0)).optional()?)
}

pub fn delete(conn: &Connection, scope: &str) -> Result<()> {
    conn.execute("DELETE FROM device_wraps WHERE scope = ?1", [scope])?;
    Ok(())
}

/// Deletes every wrap and pending key; returns their aliases (the keys to delete after).
pub fn delete_all(conn: &Connection) -> Result<Vec<String>> {
    let mut aliases = aliases(conn)?;
    aliases.extend(pending(conn)?);
    conn.execute_batch("DELETE FROM device_wraps; DELETE FROM device_pending;")?;
    Ok(aliases)
}

/// Seals, in place, every metadata value of an unbound store (accounts, addresses, settings,
/// events, caches, second factors), once the ring holds every scope's keys: the binding's one transaction.
pub fn seal_all_in_place(conn: &Connection) -> Result<()> {
    super::accounts::seal_all_in_place(conn)?;
    super::events::seal_all_in_place(conn)?;
    super::caches::seal_all_in_place(conn)?;
    super::second_factor::seal_all_in_place(conn)?;
    super::connections::seal_all_in_place(conn)?;
    conn.execute_batch("UPDATE settings SET value = imw_seal('', 'setting:' || key, value);")?;
    Ok(())
}

/// Every alias the store refers to.
pub fn aliases(conn: &Connection) -> Result<Vec<String>> {
    Ok(all(conn)?.into_iter().map(|w| w.alias).collect())
}
