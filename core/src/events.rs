//! The security event log: what happened, when, to which account.
//!
//! Events are rows in the `events` table, written in the same transaction as the change they
//! describe. [`failed_attempts_summary`] feeds an "unusual activity" banner: failed password
//! attempts since the last successful login or unlock.

use rusqlite::{params, Connection};

use crate::Result;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    AccountCreated,
    AccountImported,
    LoginSucceeded,
    LoginFailed,
    DelayStarted,
    Unlocked,
    LockedManually,
    LockedAutomatically,
    PasswordChanged,
    BackupConfirmed,
    PhraseRevealed,
    KeystoreExported,
    LoggedOut,
    WalletRemoved,
    BiometricEnabled,
    BiometricDisabled,
    BiometricUnlock,
    BiometricInvalidated,
    CachesCleared,
    DataErased,
    OrphansPurged,
}

const ALL: [EventKind; 21] = [
    EventKind::AccountCreated,
    EventKind::AccountImported,
    EventKind::LoginSucceeded,
    EventKind::LoginFailed,
    EventKind::DelayStarted,
    EventKind::Unlocked,
    EventKind::LockedManually,
    EventKind::LockedAutomatically,
    EventKind::PasswordChanged,
    EventKind::BackupConfirmed,
    EventKind::PhraseRevealed,
    EventKind::KeystoreExported,
    EventKind::LoggedOut,
    EventKind::WalletRemoved,
    EventKind::BiometricEnabled,
    EventKind::BiometricDisabled,
    EventKind::BiometricUnlock,
    EventKind::BiometricInvalidated,
    EventKind::CachesCleared,
    EventKind::DataErased,
    EventKind::OrphansPurged,
];

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::AccountCreated => "account_created",
            EventKind::AccountImported => "account_imported",
            EventKind::LoginSucceeded => "login_succeeded",
            EventKind::LoginFailed => "login_failed",
            EventKind::DelayStarted => "delay_started",
            EventKind::Unlocked => "unlocked",
            EventKind::LockedManually => "locked_manually",
            EventKind::LockedAutomatically => "locked_automatically",
            EventKind::PasswordChanged => "password_changed",
            EventKind::BackupConfirmed => "backup_confirmed",
            EventKind::PhraseRevealed => "phrase_revealed",
            EventKind::KeystoreExported => "keystore_exported",
            EventKind::LoggedOut => "logged_out",
            EventKind::WalletRemoved => "wallet_removed",
            EventKind::BiometricEnabled => "biometric_enabled",
            EventKind::BiometricDisabled => "biometric_disabled",
            EventKind::BiometricUnlock => "biometric_unlock",
            EventKind::BiometricInvalidated => "biometric_invalidated",
            EventKind::CachesCleared => "caches_cleared",
            EventKind::DataErased => "data_erased",
            EventKind::OrphansPurged => "orphans_purged",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One logged event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityEvent {
    pub id: i64,
    pub at_unix: i64,
    pub kind: EventKind,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    /// Non-secret detail (e.g. "retry in 30 s").
    pub detail: String,
}

/// Failed attempts since the last success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedAttemptsSummary {
    pub count: u32,
    pub last_failed_at_unix: Option<i64>,
}

/// Appends an event; returns it with its id.
pub fn record(conn: &Connection, at: i64, kind: EventKind, account: Option<(&str, &str)>, detail: &str) -> Result<SecurityEvent> {
    let (id, name) = account.map_or((None, None), |(i, n)| (Some(i.to_string()), Some(n.to_string())));
    conn.execute(
        "INSERT INTO events (at, kind, account_id, account_name, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![at, kind.as_str(), id, name, detail],
    )?;
    Ok(SecurityEvent { id: conn.last_insert_rowid(), at_unix: at, kind, account_id: id, account_name: name, detail: detail.to_string() })
}

/// The newest `limit` events, newest first.
pub fn list(conn: &Connection, limit: u32) -> Result<Vec<SecurityEvent>> {
    let mut st = conn.prepare("SELECT id, at, kind, account_id, account_name, detail FROM events ORDER BY id DESC LIMIT ?1")?;
    let rows =
        st.query_map([limit], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, at, kind, account_id, account_name, detail) = row?;
        if let Some(kind) = EventKind::parse(&kind) {
            out.push(SecurityEvent { id, at_unix: at, kind, account_id, account_name, detail });
        }
    }
    Ok(out)
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
