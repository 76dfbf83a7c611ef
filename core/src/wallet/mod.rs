//! Wallet keys that match the public world.
//!
//! [`mnemonic`] (BIP39 phrases in all ten wordlists; `secret_text` normalises typed secrets,
//! `suggest` the closest words to a typo), [`hd`] (BIP32/44 on secp256k1),
//! [`address`] (EIP-55), [`sign`] (EIP-191, raw digests, recovery), [`eip712`]
//! (typed-data hashing for `eth_signTypedData_v4`) and [`tx`] (legacy/EIP-155, EIP-2930 and
//! EIP-1559 transactions with their confirmation summary).

pub mod address;
pub mod eip712;
pub mod hd;
pub mod mnemonic;
pub(crate) mod secret_text;
pub mod sign;
mod suggest;
pub mod tx;

pub use address::Address;
pub use hd::{DerivationPath, PrivateKey, DEFAULT_ACCOUNT_PATH};
pub use mnemonic::{Language, Mnemonic};
pub use sign::Signature;

/// Keccak-256 of `data`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    use sha3::{Digest, Keccak256};
    let mut out = [0u8; 32];
    out.copy_from_slice(&Keccak256::digest(data));
    out
}
