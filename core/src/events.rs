//! The security event log: what happened, when, to which account.
//!
//! Events are rows in the `events` table, written in the same transaction as the change they
//! describe. [`failed_attempts_summary`] feeds an "unusual activity" banner: failed password
//! attempts since the last successful login or unlock.

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
    HardwareKeyEnabled,
    HardwareKeyDisabled,
    DappConnected,
    DappDisconnected,
    DappDisconnectFailed,
}

const ALL: [EventKind; 26] = [
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
    EventKind::HardwareKeyEnabled,
    EventKind::HardwareKeyDisabled,
    EventKind::DappConnected,
    EventKind::DappDisconnected,
    EventKind::DappDisconnectFailed,
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
            EventKind::HardwareKeyEnabled => "hardware_key_enabled",
            EventKind::HardwareKeyDisabled => "hardware_key_disabled",
            EventKind::DappConnected => "dapp_connected",
            EventKind::DappDisconnected => "dapp_disconnected",
            EventKind::DappDisconnectFailed => "dapp_disconnect_failed",
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

pub use crate::store::events::{failed_attempts_summary, list, record};
