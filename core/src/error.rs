//! The core's one error type.
//!
//! Every variant says what went wrong and, where it helps, what the user can do. No variant
//! carries secret material: a mistyped recovery word is reported by its position and the
//! closest valid words, never echoed back; a wrong password never says how close it was.

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
    /// A word is not in the detected language's list.
    #[error("word {position} is not a recovery-phrase word{}", suggest(suggestions))]
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

    // ---- keystore v3 ------------------------------------------------------------------
    #[error("malformed keystore file: {reason}")]
    KeystoreMalformed { reason: String },
    #[error("unsupported keystore: {reason}")]
    KeystoreUnsupported { reason: String },
    #[error("keystore parameters refused: {reason}")]
    KeystoreParamsRefused { reason: String },
    #[error("wrong keystore password")]
    KeystoreWrongPassword,

    // ---- platform ---------------------------------------------------------------------
    #[error("the operating system's random number generator failed")]
    Randomness,
    #[error("internal error: {reason}")]
    Internal { reason: String },
}

fn suggest(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", s.join(", "))
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
            Error::KeystoreMalformed { .. } => "KeystoreMalformed",
            Error::KeystoreUnsupported { .. } => "KeystoreUnsupported",
            Error::KeystoreParamsRefused { .. } => "KeystoreParamsRefused",
            Error::KeystoreWrongPassword => "KeystoreWrongPassword",
            Error::Randomness => "Randomness",
            Error::Internal { .. } => "Internal",
        }
    }
}
