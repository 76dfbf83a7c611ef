//! The FFI error enum and its one mapping from the core's errors.
//!
//! Each variant mirrors a core variant and keeps its non-secret fields so a shell can react
//! (e.g. show "try again in N s", highlight word N). Host exceptions thrown inside a hook come
//! back as [`WalletError::HookFailed`]; a Rust panic inside an export becomes `Internal` via
//! UniFFI's unwinding — never a crash across the FFI.

use imwallet_core::Error as E;

/// Every failure an imwallet call can report. `message` texts are safe to show users.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum WalletError {
    #[error("{message}")]
    MnemonicWordCount { got: u32, message: String },
    #[error("{message}")]
    MnemonicUnknownWord { position: u32, suggestions: Vec<String>, message: String },
    #[error("{message}")]
    MnemonicChecksum { message: String },
    #[error("{message}")]
    UnsupportedWordCount { message: String },
    #[error("{message}")]
    InvalidInput { kind: String, message: String },
    #[error("{message}")]
    KeystoreWrongPassword { message: String },
    #[error("{message}")]
    KeystoreRejected { kind: String, message: String },
    #[error("{message}")]
    AccountNameTaken { message: String },
    #[error("{message}")]
    AccountNotFound { message: String },
    #[error("{message}")]
    WeakPassword { kind: String, message: String },
    #[error("{message}")]
    InvalidCredentials { message: String },
    #[error("{message}")]
    TooManyAttempts { retry_after_secs: u64, message: String },
    #[error("{message}")]
    Locked { message: String },
    #[error("{message}")]
    NotLoggedIn { message: String },
    #[error("{message}")]
    BackupMismatch { wrong_positions: Vec<u32>, message: String },
    #[error("{message}")]
    NoBackupChallenge { message: String },
    #[error("{message}")]
    NoRecoveryPhrase { message: String },
    #[error("{message}")]
    LogoutTokenInvalid { message: String },
    #[error("{message}")]
    LogoutTokenExpired { message: String },
    #[error("{message}")]
    ConfirmationRequired { message: String },
    #[error("{message}")]
    StorageFailed { kind: String, message: String },
    #[error("{message}")]
    HookFailed { message: String },
    #[error("{message}")]
    Internal { message: String },
}

impl From<E> for WalletError {
    fn from(e: E) -> Self {
        let message = e.to_string();
        let kind = e.kind().to_string();
        match e {
            E::MnemonicWordCount { got } => WalletError::MnemonicWordCount { got: got as u32, message },
            E::MnemonicUnknownWord { position, suggestions } => WalletError::MnemonicUnknownWord { position: position as u32, suggestions, message },
            E::MnemonicChecksum => WalletError::MnemonicChecksum { message },
            E::UnsupportedWordCount { .. } => WalletError::UnsupportedWordCount { message },
            E::UnknownLanguage { .. }
            | E::InvalidDerivationPath { .. }
            | E::InvalidAddress { .. }
            | E::AddressChecksumMismatch
            | E::InvalidSignature { .. }
            | E::InvalidTypedData { .. }
            | E::InvalidPrivateKey
            | E::InvalidAccountName { .. }
            | E::InvalidArgument { .. } => WalletError::InvalidInput { kind, message },
            E::KeystoreWrongPassword => WalletError::KeystoreWrongPassword { message },
            E::KeystoreMalformed { .. } | E::KeystoreUnsupported { .. } | E::KeystoreParamsRefused { .. } => WalletError::KeystoreRejected { kind, message },
            E::AccountNameTaken => WalletError::AccountNameTaken { message },
            E::AccountNotFound => WalletError::AccountNotFound { message },
            E::PasswordTooShort { .. } | E::PasswordTooWeak { .. } => WalletError::WeakPassword { kind, message },
            E::InvalidCredentials => WalletError::InvalidCredentials { message },
            E::TooManyAttempts { retry_after_secs } => WalletError::TooManyAttempts { retry_after_secs, message },
            E::Locked => WalletError::Locked { message },
            E::NotLoggedIn => WalletError::NotLoggedIn { message },
            E::BackupMismatch { wrong_positions } => WalletError::BackupMismatch { wrong_positions, message },
            E::NoBackupChallenge => WalletError::NoBackupChallenge { message },
            E::NoRecoveryPhrase => WalletError::NoRecoveryPhrase { message },
            E::LogoutTokenInvalid => WalletError::LogoutTokenInvalid { message },
            E::LogoutTokenExpired => WalletError::LogoutTokenExpired { message },
            E::ConfirmationRequired { .. } => WalletError::ConfirmationRequired { message },
            E::SchemaTooNew { .. } | E::KdfParamsTooWeak | E::VaultCorrupted | E::Storage { .. } | E::DatabaseCorrupt { .. } => {
                WalletError::StorageFailed { kind, message }
            }
            E::HookFailed { .. } => WalletError::HookFailed { message },
            E::Randomness | E::Internal { .. } => WalletError::Internal { message },
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for WalletError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        WalletError::HookFailed { message: e.reason }
    }
}

impl From<tokio::task::JoinError> for WalletError {
    fn from(e: tokio::task::JoinError) -> Self {
        WalletError::Internal { message: format!("background task failed: {e}") }
    }
}

/// Result alias for exports.
pub type Result<T> = std::result::Result<T, WalletError>;
