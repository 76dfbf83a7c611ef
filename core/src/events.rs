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
    SecondFactorEnabled,
    SecondFactorDisabled,
    RecoveryCodeUsed,
    RecoveryCodesRegenerated,
    /// A gate policy changed (detail: action, old → new).
    GateChanged,
    /// The auto-lock setting changed (detail: old → new).
    AutoLockChanged,
    /// A sensitive action went ahead with environment warnings (detail: action: risks).
    EnvironmentWarning,
    /// The environment policy refused a sensitive action (detail: action: risks).
    EnvironmentRefused,
    /// A biometric unlock was refused: the password is due (rehearsal).
    PasswordRehearsalDue,
    /// The password is older than the app's reminder period (once per password).
    PasswordChangeDue,
    /// A login/unlock reported activity since the account's previous one (detail: counts).
    ActivityReported,
    DappConnected,
    DappDisconnected,
    DappDisconnectFailed,
}

const ALL: [EventKind; 37] = [
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
    EventKind::SecondFactorEnabled,
    EventKind::SecondFactorDisabled,
    EventKind::RecoveryCodeUsed,
    EventKind::RecoveryCodesRegenerated,
    EventKind::GateChanged,
    EventKind::AutoLockChanged,
    EventKind::EnvironmentWarning,
    EventKind::EnvironmentRefused,
    EventKind::PasswordRehearsalDue,
    EventKind::PasswordChangeDue,
    EventKind::ActivityReported,
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
            EventKind::SecondFactorEnabled => "second_factor_enabled",
            EventKind::SecondFactorDisabled => "second_factor_disabled",
            EventKind::RecoveryCodeUsed => "recovery_code_used",
            EventKind::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            EventKind::GateChanged => "gate_changed",
            EventKind::AutoLockChanged => "auto_lock_changed",
            EventKind::EnvironmentWarning => "environment_warning",
            EventKind::EnvironmentRefused => "environment_refused",
            EventKind::PasswordRehearsalDue => "password_rehearsal_due",
            EventKind::PasswordChangeDue => "password_change_due",
            EventKind::ActivityReported => "activity_reported",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for k in ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
        let mut names: Vec<&str> = ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }
}
