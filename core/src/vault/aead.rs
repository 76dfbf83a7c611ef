//! Authenticated encryption for vault data: XChaCha20-Poly1305 with a random 24-byte nonce.
//!
//! A sealed blob is `nonce ‖ ciphertext ‖ tag`. The associated data binds every blob to its
//! account id, its purpose and the format version, so a blob moved to another account or
//! slot fails to open.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};

use crate::vault::{random_array, SecretBytes};
use crate::{Error, Result};

/// Format version written into the associated data.
pub const FORMAT_VERSION: u32 = 1;

/// What a sealed blob holds; part of the associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The account's secrets under the vault key.
    Vault,
    /// The vault key under the password-derived key.
    PasswordWrap,
    /// The vault key under the biometric secret.
    BiometricWrap,
    /// The account's TOTP secret under the vault key (ADR 0014).
    TotpSecret,
}

fn aad(account_id: &str, purpose: Purpose) -> Vec<u8> {
    let p = match purpose {
        Purpose::Vault => "vault",
        Purpose::PasswordWrap => "password-wrap",
        Purpose::BiometricWrap => "biometric-wrap",
        Purpose::TotpSecret => "totp-secret",
    };
    format!("imwallet/v{FORMAT_VERSION}/{p}/{account_id}").into_bytes()
}

/// Encrypts `plaintext` under a 32-byte `key`.
pub fn seal(key: &SecretBytes, account_id: &str, purpose: Purpose, plaintext: &[u8]) -> Result<Vec<u8>> {
    let cipher = XChaCha20Poly1305::new_from_slice(key.expose()).map_err(|_| Error::Internal { reason: "key length".into() })?;
    let nonce: [u8; 24] = random_array()?;
    let ad = aad(account_id, purpose);
    let ct = cipher
        .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: &ad })
        .map_err(|_| Error::Internal { reason: "encryption failed".into() })?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ct);
    Ok(out)
}

/// Decrypts a blob from [`seal`]; `None` when the key is wrong or the blob was modified.
pub fn open(key: &SecretBytes, account_id: &str, purpose: Purpose, blob: &[u8]) -> Result<Option<SecretBytes>> {
    if blob.len() < 24 + 16 {
        return Err(Error::VaultCorrupted);
    }
    let cipher = XChaCha20Poly1305::new_from_slice(key.expose()).map_err(|_| Error::Internal { reason: "key length".into() })?;
    let ad = aad(account_id, purpose);
    let (nonce, ct) = blob.split_at(24);
    let nonce = XNonce::try_from(nonce).map_err(|_| Error::VaultCorrupted)?;
    Ok(cipher.decrypt(&nonce, Payload { msg: ct, aad: &ad }).ok().map(SecretBytes::new))
}
