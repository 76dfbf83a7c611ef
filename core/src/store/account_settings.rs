//! Per-account settings (`account_settings`): gate policies (`gate.<action>`) and the auto-lock
//! setting (`auto_lock`). Rows go with their account (`ON DELETE CASCADE`) and with "reset app".

use rusqlite::{params, Connection, OptionalExtension};

use crate::Result;

/// The key of an action's gate policy.
pub fn gate_key(action: &str) -> String {
    format!("gate.{action}")
}

/// The key of the auto-lock setting.
pub const AUTO_LOCK: &str = "auto_lock";

/// A setting of `account_id`, if stored.
pub fn get(conn: &Connection, account_id: &str, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT imw_open(account_id, 'setting:' || key, value) FROM account_settings WHERE account_id = ?1 AND key = ?2",
            [account_id, key],
            |r| r.get(0),
        )
        .optional()?)
}

/// Stores a setting of `account_id`; `false` if the account is gone.
pub fn set(conn: &Connection, account_id: &str, key: &str, value: &str) -> Result<bool> {
    let exists: bool = conn.query_row("SELECT EXISTS(SELECT 1 FROM accounts WHERE id = ?1)", [account_id], |r| r.get(0))?;
    if !exists {
        return Ok(false);
    }
    conn.execute(
        "INSERT INTO account_settings (account_id, key, value) VALUES (?1, ?2, imw_seal(?1, 'setting:' || ?2, ?3))
         ON CONFLICT(account_id, key) DO UPDATE SET value = excluded.value",
        params![account_id, key, value],
    )?;
    Ok(true)
}

/// Deletes every setting of `account_id` (also done by the foreign key when the account goes).
pub fn delete_for(conn: &Connection, account_id: &str) -> Result<()> {
    conn.execute("DELETE FROM account_settings WHERE account_id = ?1", [account_id])?;
    Ok(())
}

/// How many settings rows `account_id` has (tests and diagnostics).
pub fn count_for(conn: &Connection, account_id: &str) -> Result<u32> {
    Ok(conn.query_row("SELECT COUNT(*) FROM account_settings WHERE account_id = ?1", [account_id], |r| r.get(0))?)
}
