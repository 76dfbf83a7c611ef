//! Account rows: reading and writing the `accounts` and `address_cache` tables.

use std::fmt;

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::session::AccountInfo;
use crate::vault::kdf::KdfParams;
use crate::Result;

/// One `accounts` row (sealed blobs stay sealed). `Debug` shows the sealed blobs and the salt
/// by length only: with them a password can be guessed offline.
#[derive(Clone)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub name_key: String,
    pub has_phrase: bool,
    pub created_at: i64,
    pub backed_up: bool,
    pub backup_challenge: Option<String>,
    pub kdf: KdfParams,
    pub kdf_salt: Vec<u8>,
    pub password_wrap: Vec<u8>,
    pub vault_blob: Vec<u8>,
    pub biometric_wrap: Option<Vec<u8>>,
    pub biometric_alias: Option<String>,
    /// The hardware-key factor's per-account salt (`None`: no factor).
    pub hw_salt: Option<Vec<u8>>,
}

impl fmt::Debug for AccountRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sealed = |b: &[u8]| format!("<{} bytes redacted>", b.len());
        f.debug_struct("AccountRow")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("name_key", &self.name_key)
            .field("has_phrase", &self.has_phrase)
            .field("created_at", &self.created_at)
            .field("backed_up", &self.backed_up)
            .field("backup_challenge", &self.backup_challenge)
            .field("kdf", &self.kdf)
            .field("kdf_salt", &sealed(&self.kdf_salt))
            .field("password_wrap", &sealed(&self.password_wrap))
            .field("vault_blob", &sealed(&self.vault_blob))
            .field("biometric_wrap", &self.biometric_wrap.as_deref().map(sealed))
            .field("biometric_alias", &self.biometric_alias)
            .field("hardware_key", &self.hw_salt.is_some())
            .finish()
    }
}

/// Columns as read: sealed metadata is opened by `imw_open` ([`crate::store::sealing`]). The
/// stored `name_key` is a keyed hash; the row carries the normalized key computed from the name.
const COLS: &str = "id, imw_open(id, 'name', name), kind, created_at, imw_open(id, 'backed_up', backed_up), \
     imw_open(id, 'backup_challenge', backup_challenge), kdf_m_kib, kdf_t, kdf_p, kdf_salt, \
     imw_open(id, 'password_wrap', password_wrap), vault_blob, biometric_wrap, biometric_alias, hw_salt";

fn from_row(r: &Row<'_>) -> rusqlite::Result<AccountRow> {
    let name: String = r.get(1)?;
    Ok(AccountRow {
        id: r.get(0)?,
        name_key: crate::auth::names::key(&name),
        name,
        has_phrase: r.get::<_, String>(2)? == "mnemonic",
        created_at: r.get(3)?,
        backed_up: r.get::<_, i64>(4)? != 0,
        backup_challenge: r.get(5)?,
        kdf: KdfParams { m_kib: r.get(6)?, t: r.get(7)?, p: r.get(8)? },
        kdf_salt: r.get(9)?,
        password_wrap: r.get(10)?,
        vault_blob: r.get(11)?,
        biometric_wrap: r.get(12)?,
        biometric_alias: r.get(13)?,
        hw_salt: r.get(14)?,
    })
}

pub fn by_id(conn: &Connection, id: &str) -> Result<Option<AccountRow>> {
    Ok(conn.query_row(&format!("SELECT {COLS} FROM accounts WHERE id = ?1"), [id], from_row).optional()?)
}

pub fn by_name_key(conn: &Connection, key: &str) -> Result<Option<AccountRow>> {
    Ok(conn.query_row(&format!("SELECT {COLS} FROM accounts WHERE name_key = imw_index(?1)"), [key], from_row).optional()?)
}

pub fn all(conn: &Connection) -> Result<Vec<AccountRow>> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM accounts ORDER BY created_at, id"))?;
    let rows = st.query_map([], from_row)?;
    let mut all = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    // Names are sealed, so SQL cannot sort by them.
    all.sort_by(|a, b| (a.created_at, &a.name).cmp(&(b.created_at, &b.name)));
    Ok(all)
}

/// Every account id (ids are not sealed).
pub fn ids(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare("SELECT id FROM accounts ORDER BY id")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

pub fn count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("SELECT COUNT(*) FROM accounts", [], |r| r.get(0))?)
}

pub fn insert(conn: &Connection, a: &AccountRow) -> Result<()> {
    conn.execute(
        "INSERT INTO accounts (id, name, name_key, kind, created_at, backed_up, backup_challenge, kdf_m_kib, kdf_t, kdf_p, kdf_salt,
             password_wrap, vault_blob, biometric_wrap, biometric_alias, format_version, backup_failures)
         VALUES (?1, imw_seal(?1, 'name', ?2), imw_index(?3), ?4, ?5, imw_seal(?1, 'backed_up', ?6), imw_seal(?1, 'backup_challenge', ?7),
             ?8, ?9, ?10, ?11, imw_seal(?1, 'password_wrap', ?12), ?13, ?14, ?15, ?16, imw_seal(?1, 'backup_failures', 0))",
        params![
            a.id,
            a.name,
            a.name_key,
            if a.has_phrase { "mnemonic" } else { "keystore" },
            a.created_at,
            a.backed_up as i64,
            a.backup_challenge,
            a.kdf.m_kib,
            a.kdf.t,
            a.kdf.p,
            a.kdf_salt,
            a.password_wrap,
            a.vault_blob,
            a.biometric_wrap,
            a.biometric_alias,
            crate::vault::aead::FORMAT_VERSION,
        ],
    )?;
    Ok(())
}

/// Cached addresses (index → EIP-55), usable while locked.
pub fn cached_addresses(conn: &Connection, id: &str) -> Result<Vec<String>> {
    let mut st =
        conn.prepare("SELECT imw_open(account_id, 'address:' || idx, address) FROM address_cache WHERE account_id = ?1 ORDER BY idx")?;
    let rows = st.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

pub fn cache_address(conn: &Connection, id: &str, idx: u32, address: &str) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO address_cache (account_id, idx, address) VALUES (?1, ?2, imw_seal(?1, 'address:' || ?2, ?3))",
        params![id, idx, address],
    )?;
    Ok(())
}

/// Public info for the API.
pub fn info(conn: &Connection, a: &AccountRow) -> Result<AccountInfo> {
    let address = cached_addresses(conn, &a.id)?.into_iter().next().unwrap_or_default();
    Ok(AccountInfo {
        id: a.id.clone(),
        name: a.name.clone(),
        has_recovery_phrase: a.has_phrase,
        backed_up: a.backed_up,
        biometric_enabled: a.biometric_wrap.is_some(),
        hardware_key_enabled: a.hw_salt.is_some(),
        second_factor: crate::store::second_factor::method_on(conn, &a.id)?,
        created_at_unix: a.created_at,
        address,
    })
}

/// Turns biometric unlock off for `id` (wrap and alias dropped).
pub fn clear_biometric(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("UPDATE accounts SET biometric_wrap = NULL, biometric_alias = NULL WHERE id = ?1", [id])?;
    Ok(())
}

/// Stores the vault key wrapped under a biometric secret; `false` if the account is gone.
pub fn set_biometric(conn: &Connection, id: &str, wrap: &[u8], alias: &str) -> Result<bool> {
    Ok(conn.execute("UPDATE accounts SET biometric_wrap = ?1, biometric_alias = ?2 WHERE id = ?3", params![wrap, alias, id])? == 1)
}

/// Removes the account row (its address cache goes with it).
pub fn delete(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
    Ok(())
}

/// Records the word positions of a pending backup check (`None` clears it).
pub fn set_backup_challenge(conn: &Connection, id: &str, positions: Option<&str>) -> Result<()> {
    conn.execute("UPDATE accounts SET backup_challenge = imw_seal(id, 'backup_challenge', ?1) WHERE id = ?2", params![positions, id])?;
    Ok(())
}

/// The recovery phrase was confirmed as backed up (the failure count starts over).
pub fn mark_backed_up(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("UPDATE accounts SET backed_up = imw_seal(id, 'backed_up', 1), backup_challenge = NULL, backup_failures = imw_seal(id, 'backup_failures', 0) WHERE id = ?1", [id])?;
    Ok(())
}

/// A wrong answer to a backup check: the challenge is discarded and the failure counted.
pub fn record_backup_failure(conn: &Connection, id: &str) -> Result<()> {
    conn.execute(
        "UPDATE accounts SET backup_challenge = NULL,
             backup_failures = imw_seal(id, 'backup_failures', COALESCE(imw_open(id, 'backup_failures', backup_failures), 0) + 1)
         WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

/// Wrong answers to backup checks since the last confirmed backup.
pub fn backup_failures(conn: &Connection, id: &str) -> Result<u32> {
    Ok(conn
        .query_row("SELECT imw_open(id, 'backup_failures', backup_failures) FROM accounts WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// The new password wrap of a credential change (password, hardware-key factor on or off).
pub struct NewWrap<'a> {
    pub kdf: KdfParams,
    pub salt: &'a [u8],
    pub wrap: &'a [u8],
    /// The factor's salt after the change (`None`: no factor).
    pub hw_salt: Option<&'a [u8]>,
}

/// Replaces the password wrap (KDF parameters, salt, factor) — only while the row still holds
/// the wrap and factor `expected` was read with (compare and swap): two credential changes that
/// raced never leave a wrap that matches neither. `false` if nothing was replaced.
pub fn replace_password_wrap(conn: &Connection, expected: &AccountRow, new: &NewWrap<'_>) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE accounts SET kdf_m_kib = ?1, kdf_t = ?2, kdf_p = ?3, kdf_salt = ?4, password_wrap = imw_seal(id, 'password_wrap', ?5),
             hw_salt = ?6
         WHERE id = ?7 AND imw_open(id, 'password_wrap', password_wrap) = ?8 AND hw_salt IS ?9",
        params![
            new.kdf.m_kib,
            new.kdf.t,
            new.kdf.p,
            new.salt,
            new.wrap,
            new.hw_salt,
            expected.id,
            expected.password_wrap,
            expected.hw_salt
        ],
    )? == 1)
}

/// Replaces the password wrap with one under stronger KDF parameters (same password, same
/// vault key), but only while the row still holds `old_wrap`: a password change that landed
/// meanwhile is never overwritten. `false` if nothing was replaced.
pub fn upgrade_password_wrap(conn: &Connection, id: &str, old_wrap: &[u8], kdf: KdfParams, salt: &[u8], wrap: &[u8]) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE accounts SET kdf_m_kib = ?1, kdf_t = ?2, kdf_p = ?3, kdf_salt = ?4, password_wrap = imw_seal(id, 'password_wrap', ?5)
         WHERE id = ?6 AND imw_open(id, 'password_wrap', password_wrap) = ?7",
        params![kdf.m_kib, kdf.t, kdf.p, salt, wrap, id, old_wrap],
    )? == 1)
}

/// Seals every metadata column of every account, its cached addresses and settings, in place
/// (moving an unbound store under device keys; the ring holds each account's keys by now).
pub fn seal_all_in_place(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "UPDATE accounts SET name = imw_seal(id, 'name', name), name_key = imw_index(name_key),
             backed_up = imw_seal(id, 'backed_up', backed_up), backup_challenge = imw_seal(id, 'backup_challenge', backup_challenge),
             backup_failures = imw_seal(id, 'backup_failures', backup_failures), password_wrap = imw_seal(id, 'password_wrap', password_wrap);
         UPDATE address_cache SET address = imw_seal(account_id, 'address:' || idx, address);
         UPDATE account_settings SET value = imw_seal(account_id, 'setting:' || key, value);",
    )?;
    Ok(())
}

/// Counts of what an erase removes: (accounts, events).
pub fn erase_counts(conn: &Connection) -> Result<(u64, u64)> {
    let events: i64 = conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))?;
    Ok((u64::from(count(conn)?), events as u64))
}

/// Deletes every account (with its second factor), cached address, event, setting and journal entry ("reset app"; cache
/// rows and the limiter are cleared by their own modules).
pub fn erase_everything(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM address_cache; DELETE FROM account_settings; DELETE FROM recovery_codes; DELETE FROM second_factor;
         DELETE FROM accounts; DELETE FROM events; DELETE FROM settings; DELETE FROM journal;",
    )?;
    Ok(())
}
