//! The FFI error enum and its one mapping from the core's errors.
//!
//! Each variant mirrors a core variant and keeps its non-secret fields so a shell can react
//! (e.g. show "try again in N s", point at the unknown word N of an imported phrase). Host exceptions thrown inside a hook come
//! back as [`WalletError::HookFailed`]; a Rust panic inside an export becomes `Internal` via
//! UniFFI's unwinding — never a crash across the FFI.

use imwallet_core::Error as E;

use crate::safety::{EnvironmentRisk, SensitiveAction};

/// Every failure an imwallet call can report. `reason` texts are safe to show users; `kind`
/// (where present) is the core's precise error name.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum WalletError {
    #[error("{reason}")]
    MnemonicWordCount { got: u32, reason: String },
    #[error("{reason}")]
    MnemonicUnknownWord { position: u32, suggestions: Vec<String>, reason: String },
    #[error("{reason}")]
    MnemonicChecksum { reason: String },
    #[error("{reason}")]
    UnsupportedWordCount { reason: String },
    #[error("{reason}")]
    InvalidInput { kind: String, reason: String },
    /// The transaction is for another chain than the one the app declared: nothing was signed.
    #[error("{reason}")]
    ChainIdMismatch { expected: u64, found: u64, reason: String },
    #[error("{reason}")]
    KeystoreWrongPassword { reason: String },
    #[error("{reason}")]
    KeystoreRejected { kind: String, reason: String },
    #[error("{reason}")]
    AccountNameTaken { reason: String },
    #[error("{reason}")]
    AccountNotFound { reason: String },
    /// The imported wallet is already on this device, as `account`.
    #[error("{reason}")]
    WalletAlreadyOnDevice { account: String, reason: String },
    #[error("{reason}")]
    WeakPassword { kind: String, reason: String },
    /// Wrong name or password: failures still allowed before a delay, and the delay now.
    #[error("{reason}")]
    InvalidCredentials { attempts_left: u32, retry_after_secs: u64, reason: String },
    #[error("{reason}")]
    TooManyAttempts { retry_after_secs: u64, reason: String },
    #[error("{reason}")]
    Locked { reason: String },
    #[error("{reason}")]
    NotLoggedIn { reason: String },
    #[error("{reason}")]
    /// The typed words do not match; which one is not said, and the check is over (start a new one).
    BackupMismatch { reason: String },
    #[error("{reason}")]
    NoBackupChallenge { reason: String },
    #[error("{reason}")]
    NoRecoveryPhrase { reason: String },
    #[error("{reason}")]
    LogoutTokenInvalid { reason: String },
    #[error("{reason}")]
    LogoutTokenExpired { reason: String },
    #[error("{reason}")]
    ConfirmationRequired { reason: String },
    /// The session changed while the call worked (lock, logout, another login, cancelled):
    /// nothing was applied.
    #[error("{reason}")]
    SessionChanged { reason: String },
    /// Another open core owns the data directory (`holder_pid` when known).
    #[error("{reason}")]
    DataDirectoryInUse { holder_pid: Option<u32>, reason: String },
    #[error("{reason}")]
    BiometricNotEnabled { reason: String },
    #[error("{reason}")]
    BiometricCancelled { reason: String },
    #[error("{reason}")]
    BiometricLockout { reason: String },
    #[error("{reason}")]
    BiometricNotEnrolled { reason: String },
    #[error("{reason}")]
    BiometricUnavailable { reason: String },
    /// Biometric unlock was turned off (biometrics changed / wrong secret): ask for the password.
    #[error("{reason}")]
    BiometricInvalidated { reason: String },
    /// The action's gate needs a proof: `accepted` says which.
    #[error("{reason}")]
    AuthorizationRequired { action: String, accepted: String, reason: String },
    /// The code given to turn a second factor on does not match (never from a login: a wrong
    /// factor there is `InvalidCredentials`).
    #[error("{reason}")]
    SecondFactorCodeRejected { reason: String },
    /// The app-verified code could not be checked (no verifier, the app's server unreachable).
    #[error("{reason}")]
    SecondFactorUnavailable { reason: String },
    /// The app's environment policy refuses `action` here: `risk` is present (`known`) or could
    /// not be ruled out. Nothing was done; no password attempt was counted.
    #[error("{reason}")]
    EnvironmentRefused { action: SensitiveAction, risk: EnvironmentRisk, known: bool, reason: String },
    /// Biometric unlock is on, but this time the password is needed (so it is not forgotten):
    /// nothing was prompted; unlock with the password, after which biometrics work again.
    #[error("{reason}")]
    PasswordRehearsalDue { biometric_unlocks: Option<u32>, days_since_password: Option<u32>, reason: String },
    /// The account's security key is needed and the user dismissed the prompt.
    #[error("{reason}")]
    HardwareKeyCancelled { reason: String },
    /// The account's security key is needed and cannot be asked for.
    #[error("{reason}")]
    HardwareKeyUnavailable { reason: String },
    /// The device key store cannot be used now: retry after the device is unlocked.
    #[error("{reason}")]
    DeviceKeyUnavailable { reason: String },
    /// The data is bound to keys that are not on this device: restore from the recovery phrase.
    #[error("{reason}")]
    DeviceKeyLost { reason: String },
    /// No dapp connection with this id for the session's account (revoked, or never added).
    #[error("{reason}")]
    ConnectionNotFound { reason: String },
    /// The connection was not granted this account: nothing was queued or signed.
    #[error("{reason}")]
    AccountNotGranted { account: String, reason: String },
    /// The connection was not granted this chain: nothing was queued or signed.
    #[error("{reason}")]
    ChainNotGranted { chain_id: u64, reason: String },
    /// No such pending request (answered, or rejected by a lock or logout).
    #[error("{reason}")]
    RequestNotFound { reason: String },
    #[error("{reason}")]
    StorageFailed { kind: String, reason: String },
    #[error("{reason}")]
    HookFailed { reason: String },
    #[error("{reason}")]
    Internal { reason: String },
}

impl From<E> for WalletError {
    fn from(e: E) -> Self {
        let message = e.to_string();
        let kind = e.kind().to_string();
        match e {
            E::MnemonicWordCount { got } => WalletError::MnemonicWordCount { got: got as u32, reason: message },
            E::MnemonicUnknownWord { position, suggestions } => {
                WalletError::MnemonicUnknownWord { position: position as u32, suggestions, reason: message }
            }
            E::MnemonicChecksum => WalletError::MnemonicChecksum { reason: message },
            E::UnsupportedWordCount { .. } => WalletError::UnsupportedWordCount { reason: message },
            E::UnknownLanguage { .. }
            | E::InvalidDerivationPath { .. }
            | E::InvalidAddress { .. }
            | E::AddressChecksumMismatch
            | E::InvalidSignature { .. }
            | E::InvalidTypedData { .. }
            | E::InvalidPrivateKey
            | E::InvalidTransaction { .. }
            | E::TransactionTooLarge { .. }
            | E::SignerMismatch { .. }
            | E::InvalidAccountName { .. }
            | E::InvalidArgument { .. } => WalletError::InvalidInput { kind, reason: message },
            E::ChainIdMismatch { expected, found } => WalletError::ChainIdMismatch { expected, found, reason: message },
            E::KeystoreWrongPassword => WalletError::KeystoreWrongPassword { reason: message },
            E::KeystoreMalformed { .. } | E::KeystoreUnsupported { .. } | E::KeystoreParamsRefused { .. } => {
                WalletError::KeystoreRejected { kind, reason: message }
            }
            E::AccountNameTaken => WalletError::AccountNameTaken { reason: message },
            E::AccountNotFound => WalletError::AccountNotFound { reason: message },
            E::WalletAlreadyOnDevice { account } => WalletError::WalletAlreadyOnDevice { account, reason: message },
            E::PasswordTooShort { .. } | E::PasswordTooWeak { .. } => WalletError::WeakPassword { kind, reason: message },
            E::InvalidCredentials { attempts_left, retry_after_secs } => {
                WalletError::InvalidCredentials { attempts_left, retry_after_secs, reason: message }
            }
            E::TooManyAttempts { retry_after_secs } => WalletError::TooManyAttempts { retry_after_secs, reason: message },
            E::Locked => WalletError::Locked { reason: message },
            E::NotLoggedIn => WalletError::NotLoggedIn { reason: message },
            E::BackupMismatch => WalletError::BackupMismatch { reason: message },
            E::NoBackupChallenge => WalletError::NoBackupChallenge { reason: message },
            E::NoRecoveryPhrase => WalletError::NoRecoveryPhrase { reason: message },
            E::LogoutTokenInvalid => WalletError::LogoutTokenInvalid { reason: message },
            E::LogoutTokenExpired => WalletError::LogoutTokenExpired { reason: message },
            E::ConfirmationRequired { .. } => WalletError::ConfirmationRequired { reason: message },
            E::SessionChanged => WalletError::SessionChanged { reason: message },
            E::ConnectionNotFound => WalletError::ConnectionNotFound { reason: message },
            E::AccountNotGranted { account } => WalletError::AccountNotGranted { account, reason: message },
            E::ChainNotGranted { chain_id } => WalletError::ChainNotGranted { chain_id, reason: message },
            E::RequestNotFound => WalletError::RequestNotFound { reason: message },
            E::DataDirectoryInUse { holder_pid } => WalletError::DataDirectoryInUse { holder_pid, reason: message },
            E::BiometricNotEnabled => WalletError::BiometricNotEnabled { reason: message },
            E::BiometricCancelled => WalletError::BiometricCancelled { reason: message },
            E::BiometricLockout => WalletError::BiometricLockout { reason: message },
            E::BiometricNotEnrolled => WalletError::BiometricNotEnrolled { reason: message },
            E::BiometricUnavailable => WalletError::BiometricUnavailable { reason: message },
            E::BiometricInvalidated => WalletError::BiometricInvalidated { reason: message },
            E::AuthorizationRequired { action, accepted } => WalletError::AuthorizationRequired { action, accepted, reason: message },
            E::SecondFactorCodeRejected => WalletError::SecondFactorCodeRejected { reason: message },
            E::SecondFactorUnavailable { .. } => WalletError::SecondFactorUnavailable { reason: message },
            E::EnvironmentRefused { action, risk, known } => WalletError::EnvironmentRefused { action, risk, known, reason: message },
            E::PasswordRehearsalDue { biometric_unlocks, days_since_password } => {
                WalletError::PasswordRehearsalDue { biometric_unlocks, days_since_password, reason: message }
            }
            E::HardwareKeyCancelled => WalletError::HardwareKeyCancelled { reason: message },
            E::HardwareKeyUnavailable { .. } => WalletError::HardwareKeyUnavailable { reason: message },
            E::DeviceKeyUnavailable { .. } => WalletError::DeviceKeyUnavailable { reason: message },
            E::DeviceKeyLost { .. } => WalletError::DeviceKeyLost { reason: message },
            E::SchemaTooNew { .. }
            | E::DataDirectoryDamaged { .. }
            | E::KdfParamsTooWeak
            | E::VaultCorrupted
            | E::Storage { .. }
            | E::DatabaseCorrupt { .. } => WalletError::StorageFailed { kind, reason: message },
            E::HookFailed { .. } => WalletError::HookFailed { reason: message },
            E::Randomness | E::Internal { .. } => WalletError::Internal { reason: message },
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for WalletError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        WalletError::HookFailed { reason: e.reason }
    }
}

impl From<tokio::task::JoinError> for WalletError {
    fn from(e: tokio::task::JoinError) -> Self {
        WalletError::Internal { reason: format!("background task failed: {e}") }
    }
}

/// Result alias for exports.
pub type Result<T> = std::result::Result<T, WalletError>;
