//! The vault: secret types that wipe themselves, the key hierarchy and key files.
//!
//! [`secret`] holds key material in zeroizing, redacted types; [`kdf`] derives the password
//! key (Argon2id, parameters floored on read); [`aead`] seals blobs with XChaCha20-Poly1305
//! bound to account and purpose; [`secrets`] is what an account's vault contains;
//! [`keystore`] reads and writes Web3 Secret Storage (keystore v3) files.

pub mod aead;
pub mod kdf;
pub mod keystore;
pub mod secret;
pub mod secrets;

pub use secret::{random_array, random_bytes, scrubbed, SecretBytes};
