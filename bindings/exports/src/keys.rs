//! Stateless key helpers for screens that work without an account (import checks, address
//! validation, signature checks).

use imwallet_core::wallet::{sign, Address, Mnemonic, Signature};

use crate::error::{Result, WalletError};
use crate::types::Language;

/// What a valid phrase is.
// FFI-only record: the core answers with a `Mnemonic`, which never crosses the FFI.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MnemonicInfo {
    pub language: Language,
    pub word_count: u32,
}

fn utf8(b: &[u8]) -> Result<&str> {
    std::str::from_utf8(b).map_err(|_| WalletError::InvalidInput { kind: "InvalidArgument".into(), reason: "not valid UTF-8 text".into() })
}

/// Checks a recovery phrase (any BIP39 language, lenient whitespace).
#[uniffi::export]
pub fn check_mnemonic(phrase: Vec<u8>) -> Result<MnemonicInfo> {
    let phrase = zeroize::Zeroizing::new(phrase);
    let m = Mnemonic::parse(utf8(&phrase)?)?;
    Ok(MnemonicInfo { language: m.language(), word_count: m.word_count() as u32 })
}

/// A new phrase (UTF-8 bytes) without creating an account.
#[uniffi::export]
pub fn generate_mnemonic(words: u32, language: Language) -> Result<Vec<u8>> {
    Ok(Mnemonic::generate(words, language)?.phrase()?.into_vec())
}

/// Validates an address and returns its EIP-55 form.
#[uniffi::export]
pub fn checksum_address(address: String) -> Result<String> {
    Ok(address.parse::<Address>()?.to_checksum())
}

/// The address that `personal_sign`ed `message` (65-byte signature).
#[uniffi::export]
pub fn recover_personal_signer(message: Vec<u8>, signature: Vec<u8>) -> Result<String> {
    let sig = Signature::from_bytes(&signature)?;
    Ok(sign::recover(&sign::personal_message_digest(&message), &sig)?.to_checksum())
}

/// The library version.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
