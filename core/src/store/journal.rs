//! The journal of operations whose last steps live outside the database (logout, wallet
//! removal, erase): a row is written in the same transaction as the database changes and
//! deleted once the steps outside (platform key, cache files, WAL scrub) are done, so a crash
//! in between is completed on the next open.
//!
//! The payload is a typed, versioned JSON document ([`JournalPayload`]). Entries written before
//! the version field existed (version 0: the same keys, no `v`) still decode.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::Result;

/// The current payload version.
pub const PAYLOAD_VERSION: u32 = 1;

/// Which operation a journal entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalOp {
    Logout,
    RemoveWallet,
    Erase,
    /// Moving an unbound store under device keys: the plaintext pages it replaced must go.
    Bind,
}

impl JournalOp {
    pub fn as_str(self) -> &'static str {
        match self {
            JournalOp::Logout => "logout",
            JournalOp::RemoveWallet => "remove_wallet",
            JournalOp::Erase => "erase",
            JournalOp::Bind => "bind",
        }
    }
}

fn yes() -> bool {
    true
}

/// The steps outside the database that a committed operation still owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalPayload {
    /// Payload version (0 = written before versions existed).
    #[serde(default)]
    pub v: u32,
    /// Platform key-store entry to delete.
    #[serde(default)]
    pub biometric_alias: Option<String>,
    /// Checkpoint and truncate the WAL, release free pages.
    #[serde(default = "yes")]
    pub scrub: bool,
    /// Delete this account's cache files.
    #[serde(default)]
    pub clear_files_account: Option<String>,
    /// Delete the global cache files.
    #[serde(default)]
    pub clear_files_global: bool,
    /// Delete every key-store entry of the app and the whole cache root.
    #[serde(default)]
    pub erase_all: bool,
    /// Device keys to delete (crypto-shredding a removed wallet; an erase deletes every device
    /// key no scope refers to).
    #[serde(default)]
    pub device_aliases: Vec<String>,
}

impl Default for JournalPayload {
    fn default() -> Self {
        JournalPayload {
            v: PAYLOAD_VERSION,
            biometric_alias: None,
            scrub: true,
            clear_files_account: None,
            clear_files_global: false,
            erase_all: false,
            device_aliases: Vec::new(),
        }
    }
}

impl JournalPayload {
    /// Decodes a stored payload; an unreadable one still owes the scrub (the safe default).
    pub fn decode(text: &str) -> JournalPayload {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn encode(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// Records an entry (inside the operation's transaction); returns its id.
pub fn insert(conn: &Connection, op: JournalOp, account_id: Option<&str>, payload: &JournalPayload, now: i64) -> Result<i64> {
    conn.execute(
        "INSERT INTO journal (op, account_id, payload, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![op.as_str(), account_id, payload.encode(), now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Entries not yet completed, oldest first.
pub fn pending(conn: &Connection) -> Result<Vec<(i64, JournalPayload)>> {
    let mut st = conn.prepare("SELECT id, payload FROM journal ORDER BY id")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let raw = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(raw.into_iter().map(|(id, p)| (id, JournalPayload::decode(&p))).collect())
}

/// Closes a completed entry.
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM journal WHERE id = ?1", [id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_format_still_decodes() {
        // Exactly what the first release wrote (serde_json `json!` of the same keys, no `v`).
        let old = r#"{"biometric_alias":"imwallet.bio.ab","clear_files_account":"ab","clear_files_global":false,"scrub":true}"#;
        let p = JournalPayload::decode(old);
        assert_eq!(p.v, 0);
        assert_eq!(p.biometric_alias.as_deref(), Some("imwallet.bio.ab"));
        assert_eq!(p.clear_files_account.as_deref(), Some("ab"));
        assert!(p.scrub && !p.erase_all && !p.clear_files_global);
        let erase = JournalPayload::decode(r#"{"erase_all":true,"scrub":true}"#);
        assert!(erase.erase_all && erase.scrub);
        assert!(JournalPayload::decode("not json").scrub);
    }

    #[test]
    fn round_trips() {
        let p = JournalPayload { biometric_alias: Some("x".into()), clear_files_global: true, ..Default::default() };
        assert_eq!(JournalPayload::decode(&p.encode()), p);
    }
}
