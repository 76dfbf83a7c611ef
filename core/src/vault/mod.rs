//! The vault: secret types that wipe themselves, randomness, and key files.
//!
//! Everything that holds key material lives in types from [`secret`], which zeroize on drop
//! and print as `<redacted>`. [`keystore`] reads and writes Web3 Secret Storage (keystore v3)
//! files.

pub mod keystore;
pub mod secret;

pub use secret::{random_array, random_bytes, SecretBytes};
