//! The `second_factor` and `recovery_codes` tables (ADR 0014): every SQL statement of the
//! second factor. Values are sealed under the account's device scope (`imw_seal`, ADR 0011);
//! the TOTP secret arrives here already encrypted under the vault key, and recovery codes as
//! keyed hashes. Rows go with their account (`ON DELETE CASCADE`) and with "reset app".

use rusqlite::{params, Connection, OptionalExtension};

use crate::auth::second_factor::SecondFactorMethod;
use crate::{Error, Result};

/// Whether the method is in force or an enrollment waits for its first code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorState {
    Pending,
    On,
}

impl FactorState {
    fn as_str(self) -> &'static str {
        match self {
            FactorState::Pending => "pending",
            FactorState::On => "on",
        }
    }
}

/// One account's second factor. `Debug` shows the encrypted secret by length only.
#[derive(Clone)]
pub struct FactorRow {
    pub method: SecondFactorMethod,
    pub state: FactorState,
    /// The TOTP secret encrypted under the vault key (`Purpose::TotpSecret`).
    pub totp_secret: Option<Vec<u8>>,
    /// The last accepted TOTP time step (a code must be for a later one).
    pub last_step: Option<u64>,
    pub created_at: i64,
}

impl std::fmt::Debug for FactorRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FactorRow")
            .field("method", &self.method)
            .field("state", &self.state)
            .field("totp_secret", &self.totp_secret.as_ref().map(|s| format!("<{} bytes redacted>", s.len())))
            .field("last_step", &self.last_step)
            .field("created_at", &self.created_at)
            .finish()
    }
}

fn unreadable() -> Error {
    Error::VaultCorrupted
}

/// `account_id`'s row, if any. A value that cannot be read is `VaultCorrupted` (never "no
/// factor": a damaged row must not turn the factor off).
pub fn get(conn: &Connection, account_id: &str) -> Result<Option<FactorRow>> {
    let raw = conn
        .query_row(
            "SELECT imw_open(account_id, '2fa_method', method), imw_open(account_id, '2fa_state', state),
                    imw_open(account_id, '2fa_totp_secret', totp_secret), imw_open(account_id, '2fa_last_step', last_step), created_at
             FROM second_factor WHERE account_id = ?1",
            [account_id],
            |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<Vec<u8>>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((method, state, totp_secret, last_step, created_at)) = raw else { return Ok(None) };
    let method = method.as_deref().and_then(SecondFactorMethod::parse).ok_or_else(unreadable)?;
    let state = match state.as_deref() {
        Some("pending") => FactorState::Pending,
        Some("on") => FactorState::On,
        _ => return Err(unreadable()),
    };
    let last_step = last_step.map(|s| u64::try_from(s).map_err(|_| unreadable())).transpose()?;
    Ok(Some(FactorRow { method, state, totp_secret, last_step, created_at }))
}

/// The method `account_id` has on (`None` also while an enrollment is pending).
pub fn method_on(conn: &Connection, account_id: &str) -> Result<Option<SecondFactorMethod>> {
    Ok(get(conn, account_id)?.filter(|r| r.state == FactorState::On).map(|r| r.method))
}

/// Writes `account_id`'s row (replacing any).
pub fn put(conn: &Connection, account_id: &str, row: &FactorRow) -> Result<()> {
    let last_step =
        row.last_step.map(|s| i64::try_from(s).map_err(|_| Error::Internal { reason: "time step out of range".into() })).transpose()?;
    conn.execute(
        "INSERT OR REPLACE INTO second_factor (account_id, method, state, totp_secret, last_step, created_at)
         VALUES (?1, imw_seal(?1, '2fa_method', ?2), imw_seal(?1, '2fa_state', ?3), imw_seal(?1, '2fa_totp_secret', ?4),
                 imw_seal(?1, '2fa_last_step', ?5), ?6)",
        params![account_id, row.method.as_str(), row.state.as_str(), row.totp_secret, last_step, row.created_at],
    )?;
    Ok(())
}

/// Records the TOTP step a code was just accepted for.
pub fn set_last_step(conn: &Connection, account_id: &str, step: u64) -> Result<()> {
    let step = i64::try_from(step).map_err(|_| Error::Internal { reason: "time step out of range".into() })?;
    conn.execute(
        "UPDATE second_factor SET last_step = imw_seal(account_id, '2fa_last_step', ?2) WHERE account_id = ?1",
        params![account_id, step],
    )?;
    Ok(())
}

/// Counts a wrong code typed to finish `account_id`'s pending enrollment; returns the count.
pub fn note_confirm_failure(conn: &Connection, account_id: &str) -> Result<u32> {
    conn.execute("UPDATE second_factor SET confirm_failures = confirm_failures + 1 WHERE account_id = ?1", [account_id])?;
    Ok(conn
        .query_row("SELECT confirm_failures FROM second_factor WHERE account_id = ?1", [account_id], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Turns the factor off: the row and every recovery code go.
pub fn delete(conn: &Connection, account_id: &str) -> Result<()> {
    conn.execute("DELETE FROM recovery_codes WHERE account_id = ?1", [account_id])?;
    conn.execute("DELETE FROM second_factor WHERE account_id = ?1", [account_id])?;
    Ok(())
}

/// `account_id`'s unused recovery codes: (index, hash).
pub fn recovery_hashes(conn: &Connection, account_id: &str) -> Result<Vec<(i64, Vec<u8>)>> {
    let mut st = conn.prepare(
        "SELECT idx, imw_open(account_id, 'recovery_code:' || idx, hash) FROM recovery_codes WHERE account_id = ?1 ORDER BY idx",
    )?;
    let rows = st.query_map([account_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (idx, hash) = row?;
        out.push((idx, hash.ok_or_else(unreadable)?));
    }
    Ok(out)
}

/// How many recovery codes `account_id` has left.
pub fn recovery_count(conn: &Connection, account_id: &str) -> Result<u32> {
    Ok(conn.query_row("SELECT COUNT(*) FROM recovery_codes WHERE account_id = ?1", [account_id], |r| r.get(0))?)
}

/// Replaces `account_id`'s recovery codes with `hashes` (the old ones stop working).
pub fn replace_recovery_codes(conn: &Connection, account_id: &str, hashes: &[Vec<u8>]) -> Result<()> {
    conn.execute("DELETE FROM recovery_codes WHERE account_id = ?1", [account_id])?;
    for (i, h) in hashes.iter().enumerate() {
        conn.execute(
            "INSERT INTO recovery_codes (account_id, idx, hash) VALUES (?1, ?2, imw_seal(?1, 'recovery_code:' || ?2, ?3))",
            params![account_id, i as i64, h],
        )?;
    }
    Ok(())
}

/// Uses up recovery code `idx`; `false` when it was already used (a concurrent login).
pub fn use_recovery_code(conn: &Connection, account_id: &str, idx: i64) -> Result<bool> {
    Ok(conn.execute("DELETE FROM recovery_codes WHERE account_id = ?1 AND idx = ?2", params![account_id, idx])? == 1)
}

/// Seals both tables in place (moving an unbound store under device keys).
pub fn seal_all_in_place(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "UPDATE second_factor SET method = imw_seal(account_id, '2fa_method', method), state = imw_seal(account_id, '2fa_state', state),
             totp_secret = imw_seal(account_id, '2fa_totp_secret', totp_secret), last_step = imw_seal(account_id, '2fa_last_step', last_step);
         UPDATE recovery_codes SET hash = imw_seal(account_id, 'recovery_code:' || idx, hash);",
    )?;
    Ok(())
}
