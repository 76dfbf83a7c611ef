//! The hardware-key factor hook (issue 17, ADR 0011): a FIDO2 security key's `hmac-secret` /
//! WebAuthn PRF output for a per-account salt. The core combines it with the Argon2 output
//! (HKDF), so the vault key's password wrap opens only with the password **and** the key.
//!
//! The shell talks to the key (Android Credential Manager / Google Play services FIDO2, iOS
//! `ASAuthorization…SecurityKey…` with the PRF extension) and returns the 32-byte output. A wrong
//! output is not detected as such: the combined key just fails, like a wrong password.

use crate::vault::SecretBytes;

/// Typed outcomes of a hardware-key call other than success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HardwareKeyError {
    /// The user dismissed the prompt.
    Cancelled,
    /// No key was presented in time, or the platform cannot talk to one now.
    NotPresent,
    /// Anything else (including a host exception).
    Other { message: String },
}

/// The platform's security-key access.
pub trait HardwareKey: Send + Sync {
    /// Registers a credential for `account_id` (shows the platform's "touch your key" screen).
    fn enroll(&self, account_id: &str, account_name: &str) -> Result<(), HardwareKeyError>;
    /// The 32-byte PRF output of `account_id`'s credential for `salt`, after the user touched
    /// the key. Blocks while the platform screen shows.
    fn prf(&self, account_id: &str, salt: &[u8]) -> Result<SecretBytes, HardwareKeyError>;
}

/// A scripted security key for tests: one secret per account, PRF = HMAC-SHA256(secret, salt).
#[derive(Default)]
pub struct MemoryHardwareKey {
    secrets: std::sync::Mutex<std::collections::HashMap<String, SecretBytes>>,
    next: std::sync::Mutex<Option<HardwareKeyError>>,
    /// How many times the key was asked for (enroll or PRF).
    pub prompts: std::sync::atomic::AtomicU32,
}

fn lk<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl MemoryHardwareKey {
    pub fn new() -> MemoryHardwareKey {
        MemoryHardwareKey::default()
    }
    /// The next call fails with `outcome`.
    pub fn script_next(&self, outcome: HardwareKeyError) {
        *lk(&self.next) = Some(outcome);
    }
    /// Replaces `account_id`'s credential (a different key is tapped from now on).
    pub fn swap_key(&self, account_id: &str) {
        if let Ok(s) = crate::vault::random_bytes(32) {
            lk(&self.secrets).insert(account_id.to_string(), s);
        }
    }
    fn scripted(&self) -> Result<(), HardwareKeyError> {
        self.prompts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match lk(&self.next).take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl HardwareKey for MemoryHardwareKey {
    fn enroll(&self, account_id: &str, _: &str) -> Result<(), HardwareKeyError> {
        self.scripted()?;
        self.swap_key(account_id);
        Ok(())
    }
    fn prf(&self, account_id: &str, salt: &[u8]) -> Result<SecretBytes, HardwareKeyError> {
        use hmac::{KeyInit, Mac};
        self.scripted()?;
        let secrets = lk(&self.secrets);
        let s = secrets.get(account_id).ok_or(HardwareKeyError::NotPresent)?;
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(s.expose()).map_err(|_| HardwareKeyError::Other { message: "key".into() })?;
        mac.update(salt);
        Ok(SecretBytes::from_slice(&mac.finalize().into_bytes()))
    }
}
