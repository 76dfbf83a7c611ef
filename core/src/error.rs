//! The core's one error type.
//!
//! Every variant says what went wrong and, where it helps, what the user can do. No variant
//! carries secret material: a mistyped recovery word is reported by its position and the
//! closest valid words (a separate field, never in the display text), never echoed back; a
//! wrong password never says how close it was.

use thiserror::Error;

/// Result alias used throughout the core.
pub type Result<T> = std::result::Result<T, Error>;

/// Every failure the core reports.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    // ---- recovery phrases -------------------------------------------------------------
    /// The phrase does not have 12, 15, 18, 21 or 24 words.
    #[error("a recovery phrase has 12, 15, 18, 21 or 24 words; this one has {got}")]
    MnemonicWordCount { got: usize },
    /// A word is not in the detected language's list. `suggestions` (the closest valid words)
    /// is a separate field for the app to show; it is not in the display text, which apps log
    /// and crash reporters collect (a suggestion is close to a word of the user's phrase).
    #[error("word {position} is not a recovery-phrase word")]
    MnemonicUnknownWord { position: usize, suggestions: Vec<String> },
    /// All words are valid but the checksum does not match (a word is wrong or out of order).
    #[error("the recovery phrase checksum does not match: a word is wrong or the words are out of order")]
    MnemonicChecksum,
    /// `words` for a new phrase is not one of 12/15/18/21/24.
    #[error("unsupported word count {requested}: choose 12, 15, 18, 21 or 24")]
    UnsupportedWordCount { requested: u32 },
    /// Unknown language code.
    #[error("unknown wordlist language '{code}'; use one of en, zh-hans, zh-hant, ja, ko, es, fr, it, cs, pt")]
    UnknownLanguage { code: String },

    // ---- HD derivation, addresses, signing ------------------------------------------------
    #[error("invalid derivation path: {reason}")]
    InvalidDerivationPath { reason: String },
    #[error("invalid address: {reason}")]
    InvalidAddress { reason: String },
    #[error("address checksum (EIP-55 mixed case) does not match; check the address for typos")]
    AddressChecksumMismatch,
    #[error("invalid signature: {reason}")]
    InvalidSignature { reason: String },
    #[error("invalid EIP-712 typed data: {reason}")]
    InvalidTypedData { reason: String },
    #[error("invalid private key")]
    InvalidPrivateKey,

    // ---- transactions ---------------------------------------------------------------
    /// A malformed or out-of-range transaction request (the reason names the field).
    #[error("invalid transaction: {reason}")]
    InvalidTransaction { reason: String },
    /// A part of the transaction request is above its documented limit.
    #[error("the transaction's {what} is above the limit of {limit}")]
    TransactionTooLarge { what: String, limit: u64 },
    /// The transaction is for another chain than the one the app declared: nothing was signed.
    #[error("the transaction is for chain {found} but the app is on chain {expected}: nothing was signed")]
    ChainIdMismatch { expected: u64, found: u64 },
    /// The request's `from` is not the address that would sign it: nothing was signed.
    #[error("the transaction's sender {found} is not the signing address {expected}: nothing was signed")]
    SignerMismatch { expected: String, found: String },

    // ---- keystore v3 ------------------------------------------------------------------
    #[error("malformed keystore file: {reason}")]
    KeystoreMalformed { reason: String },
    #[error("unsupported keystore: {reason}")]
    KeystoreUnsupported { reason: String },
    #[error("keystore parameters refused: {reason}")]
    KeystoreParamsRefused { reason: String },
    #[error("wrong keystore password")]
    KeystoreWrongPassword,

    // ---- accounts, passwords, session -------------------------------------------------------
    #[error("invalid account name: {reason}")]
    InvalidAccountName { reason: String },
    #[error("an account with this name already exists on this device (names are case-insensitive)")]
    AccountNameTaken,
    #[error("no account with this name on this device")]
    AccountNotFound,
    /// The imported phrase (with its passphrase) or keystore is a wallet already on this device.
    #[error("this wallet is already on this device as the account '{account}'")]
    WalletAlreadyOnDevice { account: String },
    #[error("password too short: use at least {min} characters")]
    PasswordTooShort { min: u32 },
    #[error("password too weak: {reason}")]
    PasswordTooWeak { reason: String },
    /// Wrong name or password (the same for both). `attempts_left` failures are still allowed
    /// before a delay; `retry_after_secs` is the delay that now applies (0 = none).
    #[error("wrong account name or password{}", attempts_hint(*attempts_left, *retry_after_secs))]
    InvalidCredentials { attempts_left: u32, retry_after_secs: u64 },
    #[error("too many failed attempts: try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("the wallet is locked: unlock it first")]
    Locked,
    #[error("no account is logged in")]
    NotLoggedIn,
    /// Says nothing about which word was wrong (that would be an oracle for the phrase).
    #[error("the backup words do not match; start a new check")]
    BackupMismatch,
    #[error("start a backup check first (backup_challenge)")]
    NoBackupChallenge,
    #[error("this account has no recovery phrase (it was imported from a keystore file)")]
    NoRecoveryPhrase,
    #[error("the logout plan is unknown or was already used: prepare a new one")]
    LogoutTokenInvalid,
    #[error("the logout plan expired: prepare a new one")]
    LogoutTokenExpired,
    #[error("confirmation required: {what}")]
    ConfirmationRequired { what: String },
    #[error("invalid argument: {reason}")]
    InvalidArgument { reason: String },
    #[error("no dapp connection with this id for this account (it was revoked or never added)")]
    ConnectionNotFound,
    #[error("the dapp connection was not granted the account {account}: nothing was queued or signed")]
    AccountNotGranted { account: String },
    #[error("the dapp connection was not granted chain {chain_id}: nothing was queued or signed")]
    ChainNotGranted { chain_id: u64 },
    #[error("no pending signing request with this id (it was answered, or rejected when the wallet locked or logged out)")]
    RequestNotFound,
    /// The session changed (lock, logout, another login, app backgrounded under immediate
    /// auto-lock, or the call was cancelled) while this call was working: nothing was applied.
    #[error("the session changed while this was in progress (locked, logged out or switched account): nothing was applied; try again")]
    SessionChanged,

    // ---- biometrics and gates ---------------------------------------------------------------
    #[error("biometric unlock is not enabled for this account")]
    BiometricNotEnabled,
    #[error("biometric prompt cancelled")]
    BiometricCancelled,
    #[error("too many biometric attempts; the sensor is locked for now: use your password")]
    BiometricLockout,
    #[error("no fingerprint or face is enrolled on this device")]
    BiometricNotEnrolled,
    #[error("biometrics are not available right now")]
    BiometricUnavailable,
    #[error("biometric unlock was turned off because the device's biometrics changed or the key is no longer valid: use your password")]
    BiometricInvalidated,
    #[error("{action} needs authorization: {accepted}")]
    AuthorizationRequired { action: String, accepted: String },

    // ---- safety advice, enforced (ADR 0015) ----------------------------------------------
    /// The app's environment policy refuses `action` here: `risk` is present (`known`) or
    /// cannot be ruled out. Nothing was done and no password attempt was counted.
    #[error("{} is not allowed on this device now: {}", action.describe(), risk.describe(*known))]
    EnvironmentRefused { action: crate::safety::SensitiveAction, risk: crate::safety::EnvironmentRisk, known: bool },
    /// Biometric unlock is on, but this time the password is needed, so it is not forgotten:
    /// after the app's number of biometric unlocks in a row or days without it. Nothing was
    /// prompted; unlock with the password (biometric unlock works again afterwards).
    #[error("enter your password this time, so you keep remembering it{}", rehearsal_hint(*biometric_unlocks, *days_since_password))]
    PasswordRehearsalDue { biometric_unlocks: Option<u32>, days_since_password: Option<u32> },

    // ---- storage ------------------------------------------------------------------------
    #[error("the data was written by a newer app version (schema {found}, this version knows {supported}); update the app")]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("key-derivation parameters below the minimum (tampered or test data); refusing to use them")]
    KdfParamsTooWeak,
    #[error("the vault data is corrupted or was modified")]
    VaultCorrupted,
    #[error("the data directory is damaged: {reason}; move it aside with quarantine_damaged_data and restore from the recovery phrase")]
    DataDirectoryDamaged { reason: String },
    /// The code given to turn a second factor on (or with a started authenticator enrollment)
    /// is not the expected one. Never returned by a login: a wrong factor there is
    /// `InvalidCredentials`.
    #[error("the code does not match: check that the authenticator app shows this account and the device's time is right, then type the current code")]
    SecondFactorCodeRejected,
    /// The account's app-verified code could not be checked (the app has no verifier, or its
    /// server cannot be reached): nothing is said about the password; try again.
    #[error("the verification code could not be checked: {reason}")]
    SecondFactorUnavailable { reason: String },
    /// The account's security key is needed and the user dismissed the prompt.
    #[error("the security key was not presented: the login was cancelled")]
    HardwareKeyCancelled,
    /// The account's security key is needed and cannot be asked for (no hook, no key in reach).
    #[error("this account needs its security key: {reason}")]
    HardwareKeyUnavailable { reason: String },
    /// The device key store cannot be used now (before the first unlock after a reboot, the
    /// key store busy): nothing is lost, try again later.
    #[error("the device key store is not available now ({reason}); try again after unlocking the device")]
    DeviceKeyUnavailable { reason: String },
    /// The data is bound to device keys that are not on this device (restored to a new phone,
    /// keys deleted). Nothing was deleted; the way forward is the recovery phrase.
    #[error("the device keys of this wallet data are gone: {reason}")]
    DeviceKeyLost { reason: String },
    #[error("storage error: {reason}")]
    Storage { reason: String },
    /// Another open core (this process or another one) owns the data directory.
    #[error("the wallet data is in use by another imwallet instance{}: close it first", holder_pid.map(|p| format!(" (process {p})")).unwrap_or_default())]
    DataDirectoryInUse { holder_pid: Option<u32> },
    #[error("the database file is not a wallet database or is damaged ({reason}); move it aside with quarantine_damaged_data and restore from the recovery phrase")]
    DatabaseCorrupt { reason: String },

    // ---- platform ---------------------------------------------------------------------
    #[error("the app's platform hook failed: {message}")]
    HookFailed { message: String },
    #[error("the operating system's random number generator failed")]
    Randomness,
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

fn rehearsal_hint(unlocks: Option<u32>, days: Option<u32>) -> String {
    match (unlocks, days) {
        (Some(n), Some(d)) => format!(" (last entered {d} day(s) ago; {n} fingerprint/face unlock(s) since)"),
        _ => String::new(),
    }
}

fn attempts_hint(left: u32, wait: u64) -> String {
    match (left, wait) {
        (_, w) if w > 0 => format!("; try again in {w} s"),
        (1, _) => "; 1 attempt left before a delay".into(),
        (n, _) => format!("; {n} attempts left before a delay"),
    }
}

impl Error {
    /// A stable machine-readable name for the variant (used by `--json` and the bindings).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::MnemonicWordCount { .. } => "MnemonicWordCount",
            Error::MnemonicUnknownWord { .. } => "MnemonicUnknownWord",
            Error::MnemonicChecksum => "MnemonicChecksum",
            Error::UnsupportedWordCount { .. } => "UnsupportedWordCount",
            Error::UnknownLanguage { .. } => "UnknownLanguage",
            Error::InvalidDerivationPath { .. } => "InvalidDerivationPath",
            Error::InvalidAddress { .. } => "InvalidAddress",
            Error::AddressChecksumMismatch => "AddressChecksumMismatch",
            Error::InvalidSignature { .. } => "InvalidSignature",
            Error::InvalidTypedData { .. } => "InvalidTypedData",
            Error::InvalidPrivateKey => "InvalidPrivateKey",
            Error::InvalidTransaction { .. } => "InvalidTransaction",
            Error::TransactionTooLarge { .. } => "TransactionTooLarge",
            Error::ChainIdMismatch { .. } => "ChainIdMismatch",
            Error::SignerMismatch { .. } => "SignerMismatch",
            Error::KeystoreMalformed { .. } => "KeystoreMalformed",
            Error::KeystoreUnsupported { .. } => "KeystoreUnsupported",
            Error::KeystoreParamsRefused { .. } => "KeystoreParamsRefused",
            Error::KeystoreWrongPassword => "KeystoreWrongPassword",
            Error::InvalidAccountName { .. } => "InvalidAccountName",
            Error::AccountNameTaken => "AccountNameTaken",
            Error::AccountNotFound => "AccountNotFound",
            Error::WalletAlreadyOnDevice { .. } => "WalletAlreadyOnDevice",
            Error::PasswordTooShort { .. } => "PasswordTooShort",
            Error::PasswordTooWeak { .. } => "PasswordTooWeak",
            Error::InvalidCredentials { .. } => "InvalidCredentials",
            Error::TooManyAttempts { .. } => "TooManyAttempts",
            Error::Locked => "Locked",
            Error::NotLoggedIn => "NotLoggedIn",
            Error::BackupMismatch => "BackupMismatch",
            Error::NoBackupChallenge => "NoBackupChallenge",
            Error::NoRecoveryPhrase => "NoRecoveryPhrase",
            Error::LogoutTokenInvalid => "LogoutTokenInvalid",
            Error::LogoutTokenExpired => "LogoutTokenExpired",
            Error::ConfirmationRequired { .. } => "ConfirmationRequired",
            Error::InvalidArgument { .. } => "InvalidArgument",
            Error::ConnectionNotFound => "ConnectionNotFound",
            Error::AccountNotGranted { .. } => "AccountNotGranted",
            Error::ChainNotGranted { .. } => "ChainNotGranted",
            Error::RequestNotFound => "RequestNotFound",
            Error::SessionChanged => "SessionChanged",
            Error::BiometricNotEnabled => "BiometricNotEnabled",
            Error::BiometricCancelled => "BiometricCancelled",
            Error::BiometricLockout => "BiometricLockout",
            Error::BiometricNotEnrolled => "BiometricNotEnrolled",
            Error::BiometricUnavailable => "BiometricUnavailable",
            Error::BiometricInvalidated => "BiometricInvalidated",
            Error::AuthorizationRequired { .. } => "AuthorizationRequired",
            Error::EnvironmentRefused { .. } => "EnvironmentRefused",
            Error::PasswordRehearsalDue { .. } => "PasswordRehearsalDue",
            Error::SchemaTooNew { .. } => "SchemaTooNew",
            Error::KdfParamsTooWeak => "KdfParamsTooWeak",
            Error::VaultCorrupted => "VaultCorrupted",
            Error::DataDirectoryDamaged { .. } => "DataDirectoryDamaged",
            Error::SecondFactorCodeRejected => "SecondFactorCodeRejected",
            Error::SecondFactorUnavailable { .. } => "SecondFactorUnavailable",
            Error::HardwareKeyCancelled => "HardwareKeyCancelled",
            Error::HardwareKeyUnavailable { .. } => "HardwareKeyUnavailable",
            Error::DeviceKeyUnavailable { .. } => "DeviceKeyUnavailable",
            Error::DeviceKeyLost { .. } => "DeviceKeyLost",
            Error::Storage { .. } => "Storage",
            Error::DataDirectoryInUse { .. } => "DataDirectoryInUse",
            Error::DatabaseCorrupt { .. } => "DatabaseCorrupt",
            Error::HookFailed { .. } => "HookFailed",
            Error::Randomness => "Randomness",
            Error::Internal { .. } => "Internal",
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match &e {
            rusqlite::Error::SqliteFailure(f, _) if matches!(f.code, ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                Error::DatabaseCorrupt { reason: e.to_string() }
            }
            _ => Error::Storage { reason: e.to_string() },
        }
    }
}
