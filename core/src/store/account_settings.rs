//! Per-account settings (`account_settings`): gate policies (`gate.<action>`), the auto-lock
//! setting (`auto_lock`), the password-rehearsal record (`rehearsal.*`) and when the password was
//! set and last reminded about (`password.*`, ADR 0015). Rows go
//! with their account (`ON DELETE CASCADE`) and with "reset app".

use rusqlite::{params, Connection, OptionalExtension};

use crate::clock::BootReading;
use crate::safety::password::{Moment, Rehearsal};
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

/// When the password was last entered correctly (unix seconds) — password rehearsal.
pub const REHEARSAL_PASSWORD_AT: &str = "rehearsal.password_at";
/// The boot clock then: `<seconds since boot>:<boot id>`.
pub const REHEARSAL_PASSWORD_BOOT: &str = "rehearsal.password_boot";
/// Biometric unlocks since then.
pub const REHEARSAL_BIOMETRIC_UNLOCKS: &str = "rehearsal.biometric_unlocks";
/// When the password was set (creation, change; unix seconds) — password age.
pub const PASSWORD_SET_AT: &str = "password.set_at";
/// The boot clock then.
pub const PASSWORD_SET_BOOT: &str = "password.set_boot";
/// The `password.set_at` the change reminder was given for.
pub const PASSWORD_REMINDED_FOR: &str = "password.reminded_for";

fn boot_value(boot: &BootReading) -> String {
    format!("{}:{}", boot.secs, boot.boot_id)
}

fn boot_of(conn: &Connection, account_id: &str, key: &str) -> Option<BootReading> {
    let v = get(conn, account_id, key).ok()??;
    let (secs, id) = v.split_once(':')?;
    Some(BootReading { boot_id: id.to_string(), secs: secs.parse().ok()? })
}

/// The account's rehearsal record; `None` when it is missing, unreadable or unparsable (which
/// the rehearsal treats as due, never as rehearsed).
pub fn rehearsal(conn: &Connection, account_id: &str) -> Option<Rehearsal> {
    let at = get(conn, account_id, REHEARSAL_PASSWORD_AT).ok()??.parse().ok()?;
    let n = get(conn, account_id, REHEARSAL_BIOMETRIC_UNLOCKS).ok()??.parse().ok()?;
    let boot = boot_of(conn, account_id, REHEARSAL_PASSWORD_BOOT);
    Some(Rehearsal { password_at: Moment { unix: at, boot }, biometric_unlocks: n })
}

/// The password was entered correctly at `now` (`boot`): the count starts over.
pub fn password_entered(conn: &Connection, account_id: &str, now: i64, boot: &BootReading) -> Result<()> {
    set(conn, account_id, REHEARSAL_PASSWORD_AT, &now.to_string())?;
    set(conn, account_id, REHEARSAL_PASSWORD_BOOT, &boot_value(boot))?;
    set(conn, account_id, REHEARSAL_BIOMETRIC_UNLOCKS, "0")?;
    Ok(())
}

/// Biometric unlocks since the password was last entered.
pub fn set_biometric_unlocks(conn: &Connection, account_id: &str, n: u32) -> Result<()> {
    set(conn, account_id, REHEARSAL_BIOMETRIC_UNLOCKS, &n.to_string())?;
    Ok(())
}

/// The password was set (account created, password changed) at `now` on `boot`.
pub fn password_set(conn: &Connection, account_id: &str, now: i64, boot: &BootReading) -> Result<()> {
    set(conn, account_id, PASSWORD_SET_AT, &now.to_string())?;
    set(conn, account_id, PASSWORD_SET_BOOT, &boot_value(boot))?;
    Ok(())
}

/// When the password was set, if recorded (accounts from before ADR 0015 have no record until
/// their first login or unlock writes one).
pub fn password_set_at(conn: &Connection, account_id: &str) -> Option<Moment> {
    let unix = get(conn, account_id, PASSWORD_SET_AT).ok()??.parse().ok()?;
    Some(Moment { unix, boot: boot_of(conn, account_id, PASSWORD_SET_BOOT) })
}

/// Records a `password.set_at` derived for an account from before ADR 0015 (no boot reading).
pub fn backfill_password_set_at(conn: &Connection, account_id: &str, unix: i64) -> Result<()> {
    set(conn, account_id, PASSWORD_SET_AT, &unix.to_string())?;
    Ok(())
}

/// The password-set time the change reminder was last given for (once per password).
pub fn reminded_for(conn: &Connection, account_id: &str) -> Option<i64> {
    get(conn, account_id, PASSWORD_REMINDED_FOR).ok()??.parse().ok()
}

/// The reminder was given for the password set at `set_at`.
pub fn set_reminded_for(conn: &Connection, account_id: &str, set_at: i64) -> Result<()> {
    set(conn, account_id, PASSWORD_REMINDED_FOR, &set_at.to_string())?;
    Ok(())
}
