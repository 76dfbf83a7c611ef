//! Dapp connections (`dapp_connections`) and their revocation journal (`dapp_revocations`),
//! issue 21 / ADR 0016.
//!
//! A connection's id, origin, name and grants are sealed under its account's device key, the
//! associated data naming the column and the row's `conn_key` (the keyed hash of account id and
//! connection id, also the lookup key). A revocation's values are sealed under the device scope
//! (`''`) with its random `rkey`: it must outlive a removed wallet, whose key is shredded.

use rusqlite::{params, Connection, OptionalExtension};

use crate::connections::{DappConnection, Grants, Revocation};
use crate::vault::random_array;
use crate::{Error, Result};

/// A stored connection with its decoded grants.
pub(crate) struct Stored {
    pub connection: DappConnection,
    pub grants: Grants,
}

fn key_arg(account_id: &str, id: &str) -> String {
    format!("{account_id}/{id}")
}

/// A row as read: account id, then the opened id, origin, name and grants (`None`: the
/// account's key is gone), created and last used.
type RawRow = (String, Option<String>, Option<String>, Option<String>, Option<String>, i64, i64);

fn decode((account_id, id, origin, name, grants, created, used): RawRow) -> Result<Stored> {
    let (Some(id), Some(origin), Some(name), Some(grants)) = (id, origin, name, grants) else {
        // The account's device key is gone: the row belongs to a shredded wallet.
        return Err(Error::ConnectionNotFound);
    };
    let grants: Grants =
        serde_json::from_str(&grants).map_err(|_| Error::Storage { reason: "a dapp connection's grants are unreadable".into() })?;
    let connection = DappConnection {
        id,
        account_id,
        origin,
        name,
        accounts: grants.accounts.iter().map(|(_, a)| a.clone()).collect(),
        chains: grants.chains.clone(),
        permissions: grants.permissions.clone(),
        created_at_unix: created,
        last_used_at_unix: used,
    };
    Ok(Stored { connection, grants })
}

const SELECT: &str = "SELECT account_id, imw_open(account_id, 'dapp:id:' || conn_key, conn_id),
    imw_open(account_id, 'dapp:origin:' || conn_key, origin), imw_open(account_id, 'dapp:name:' || conn_key, name),
    imw_open(account_id, 'dapp:grants:' || conn_key, grants), created_at, last_used_at FROM dapp_connections";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

/// Adds or replaces (same id) a connection of `account_id`.
pub(crate) fn put(conn: &Connection, account_id: &str, c: &DappConnection, grants: &Grants) -> Result<()> {
    let g = serde_json::to_string(grants).map_err(|e| Error::Internal { reason: format!("grants: {e}") })?;
    conn.execute(
        "INSERT INTO dapp_connections (account_id, conn_key, conn_id, origin, name, grants, created_at, last_used_at)
         VALUES (?1, imw_index(?2), imw_seal(?1, 'dapp:id:' || imw_index(?2), ?3), imw_seal(?1, 'dapp:origin:' || imw_index(?2), ?4),
                 imw_seal(?1, 'dapp:name:' || imw_index(?2), ?5), imw_seal(?1, 'dapp:grants:' || imw_index(?2), ?6), ?7, ?7)
         ON CONFLICT(account_id, conn_key) DO UPDATE SET origin = excluded.origin, name = excluded.name, grants = excluded.grants,
             last_used_at = excluded.last_used_at",
        params![account_id, key_arg(account_id, &c.id), c.id, c.origin, c.name, g, c.created_at_unix],
    )?;
    Ok(())
}

/// One connection of `account_id`.
pub(crate) fn get(conn: &Connection, account_id: &str, id: &str) -> Result<Option<Stored>> {
    let r = conn
        .query_row(
            &format!("{SELECT} WHERE account_id = ?1 AND conn_key = imw_index(?2)"),
            params![account_id, key_arg(account_id, id)],
            row,
        )
        .optional()?;
    r.map(decode).transpose()
}

/// Every connection of `account_id`, oldest first.
pub(crate) fn list(conn: &Connection, account_id: &str) -> Result<Vec<Stored>> {
    let mut st = conn.prepare(&format!("{SELECT} WHERE account_id = ?1 ORDER BY created_at, rowid"))?;
    let rows = st.query_map([account_id], row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for raw in rows {
        match decode(raw) {
            Ok(s) => out.push(s),
            Err(Error::ConnectionNotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

pub(crate) fn count(conn: &Connection, account_id: &str) -> Result<u32> {
    Ok(conn.query_row("SELECT COUNT(*) FROM dapp_connections WHERE account_id = ?1", [account_id], |r| r.get(0))?)
}

/// Marks a connection used now; `false` if there is none.
pub(crate) fn touch(conn: &Connection, account_id: &str, id: &str, now: i64) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE dapp_connections SET last_used_at = ?3 WHERE account_id = ?1 AND conn_key = imw_index(?2)",
        params![account_id, key_arg(account_id, id), now],
    )? > 0)
}

/// Deletes connections of `account_id` (all, or the one with `id`) and journals a revocation
/// for each, in the caller's transaction. Returns the journaled revocations' keys and what they
/// revoke.
pub(crate) fn revoke(conn: &Connection, account_id: &str, id: Option<&str>, reason: &str, now: i64) -> Result<Vec<(String, Revocation)>> {
    let doomed = match id {
        Some(id) => get(conn, account_id, id)?.into_iter().collect(),
        None => list(conn, account_id)?,
    };
    let mut out = Vec::with_capacity(doomed.len());
    for s in doomed {
        let c = s.connection;
        let r =
            Revocation { connection_id: c.id, account_id: account_id.to_string(), origin: c.origin, name: c.name, reason: reason.into() };
        out.push((journal_revocation(conn, &r, now)?, r));
    }
    match id {
        Some(id) => conn.execute(
            "DELETE FROM dapp_connections WHERE account_id = ?1 AND conn_key = imw_index(?2)",
            params![account_id, key_arg(account_id, id)],
        )?,
        None => conn.execute("DELETE FROM dapp_connections WHERE account_id = ?1", [account_id])?,
    };
    Ok(out)
}

/// Journals one revocation (in the caller's transaction); returns its key.
pub(crate) fn journal_revocation(conn: &Connection, r: &Revocation, now: i64) -> Result<String> {
    let rkey = hex::encode(random_array::<16>()?);
    conn.execute(
        "INSERT INTO dapp_revocations (rkey, account_id, conn_id, origin, name, reason, created_at)
         VALUES (?1, ?2, imw_seal('', 'revocation:id:' || ?1, ?3), imw_seal('', 'revocation:origin:' || ?1, ?4),
                 imw_seal('', 'revocation:name:' || ?1, ?5), ?6, ?7)",
        params![rkey, r.account_id, r.connection_id, r.origin, r.name, r.reason, now],
    )?;
    Ok(rkey)
}

/// Every connection of every account and every revocation still owed, as revocations for an
/// erase, which then deletes both tables (its keys are about to be shredded).
pub(crate) fn take_everything(conn: &Connection) -> Result<Vec<Revocation>> {
    let mut out: Vec<Revocation> = pending(conn, None)?.into_iter().map(|(_, r)| r).collect();
    let accounts: Vec<String> = {
        let mut st = conn.prepare("SELECT DISTINCT account_id FROM dapp_connections")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for a in accounts {
        for s in list(conn, &a)? {
            let c = s.connection;
            out.push(Revocation { connection_id: c.id, account_id: a.clone(), origin: c.origin, name: c.name, reason: "erase".into() });
        }
    }
    conn.execute_batch("DELETE FROM dapp_revocations; DELETE FROM dapp_connections;")?;
    Ok(out)
}

/// The app's choice to disconnect every dapp when the wallet locks (device setting).
pub(crate) const DISCONNECT_ON_LOCK: &str = "dapps.disconnect_on_lock";

pub(crate) fn disconnect_on_lock(conn: &Connection) -> Result<bool> {
    let v: Option<String> = conn
        .query_row("SELECT imw_open('', 'setting:' || key, value) FROM settings WHERE key = ?1", [DISCONNECT_ON_LOCK], |r| r.get(0))
        .optional()?;
    Ok(v.as_deref() == Some("1"))
}

/// Revocations still owed, oldest first (`account_id` only, when given).
pub(crate) fn pending(conn: &Connection, account_id: Option<&str>) -> Result<Vec<(String, Revocation)>> {
    let mut st = conn.prepare(
        "SELECT rkey, account_id, imw_open('', 'revocation:id:' || rkey, conn_id), imw_open('', 'revocation:origin:' || rkey, origin),
         imw_open('', 'revocation:name:' || rkey, name), reason FROM dapp_revocations
         WHERE ?1 IS NULL OR account_id = ?1 ORDER BY created_at, rowid",
    )?;
    let rows = st.query_map([account_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for r in rows {
        let (rkey, account_id, id, origin, name, reason) = r?;
        // Unreadable only after an erase shredded the device scope: nothing left to tell anyone.
        if let (Some(connection_id), Some(origin), Some(name)) = (id, origin, name) {
            out.push((rkey, Revocation { connection_id, account_id, origin, name, reason }));
        }
    }
    Ok(out)
}

pub(crate) fn pending_count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("SELECT COUNT(*) FROM dapp_revocations", [], |r| r.get(0))?)
}

/// The hook accepted the revocation: it is done.
pub(crate) fn revocation_done(conn: &Connection, rkey: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM dapp_revocations WHERE rkey = ?1", [rkey])? > 0)
}

/// The hook failed: count the attempt (the row stays for the next try).
pub(crate) fn revocation_failed(conn: &Connection, rkey: &str) -> Result<()> {
    conn.execute("UPDATE dapp_revocations SET attempts = attempts + 1 WHERE rkey = ?1", [rkey])?;
    Ok(())
}

/// Seals every connection and revocation in place (moving an unbound store under device keys).
pub fn seal_all_in_place(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM dapp_connections WHERE account_id NOT IN (SELECT id FROM accounts);
         UPDATE dapp_connections SET conn_key = imw_index(account_id || '/' || conn_id);
         UPDATE dapp_connections SET conn_id = imw_seal(account_id, 'dapp:id:' || conn_key, conn_id),
             origin = imw_seal(account_id, 'dapp:origin:' || conn_key, origin), name = imw_seal(account_id, 'dapp:name:' || conn_key, name),
             grants = imw_seal(account_id, 'dapp:grants:' || conn_key, grants);
         UPDATE dapp_revocations SET conn_id = imw_seal('', 'revocation:id:' || rkey, conn_id),
             origin = imw_seal('', 'revocation:origin:' || rkey, origin), name = imw_seal('', 'revocation:name:' || rkey, name);",
    )?;
    Ok(())
}
