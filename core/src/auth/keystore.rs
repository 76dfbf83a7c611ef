//! The secure key store hook (Android Keystore + BiometricPrompt, iOS Keychain with
//! `.biometryCurrentSet`, desktop keyring) and an in-memory fake with scripted outcomes.
//!
//! The store keeps a random *biometric secret* behind the platform's user-presence check. The
//! core never trusts a "yes" from the platform: it proves the released secret by unwrapping the
//! vault key with it. Aliases live in the app's own namespace; `list`/`delete_all` let the core
//! purge entries that outlived the app's files (iOS Keychain items survive reinstalls).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::vault::SecretBytes;

/// Prefix of every alias the core creates.
pub const ALIAS_PREFIX: &str = "imwallet.bio.";

/// What the shell shows on the biometric prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BiometricPrompt {
    pub title: String,
    pub reason: String,
}

/// The texts of the biometric prompts the core asks the platform to show, supplied by the
/// shell in the user's language (English by default). `{account}` in `unlock_reason` and
/// `{action}` in `confirm_reason` are replaced by the account name and the gated action
/// (`sign transaction`, `reveal phrase`, … — the shell may pass its own words for them by
/// leaving `{action}` out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptTexts {
    pub unlock_title: String,
    pub unlock_reason: String,
    pub confirm_title: String,
    pub confirm_reason: String,
}

impl Default for PromptTexts {
    fn default() -> Self {
        PromptTexts {
            unlock_title: "Unlock imwallet".into(),
            unlock_reason: "Unlock {account}".into(),
            confirm_title: "Confirm it's you".into(),
            confirm_reason: "Confirm: {action}".into(),
        }
    }
}

impl PromptTexts {
    /// The prompt of a biometric unlock of `account`.
    pub fn unlock(&self, account: &str) -> BiometricPrompt {
        BiometricPrompt { title: self.unlock_title.clone(), reason: self.unlock_reason.replace("{account}", account) }
    }

    /// The prompt of a biometric confirmation of a gated action (`label`: its snake_case name).
    pub fn confirm(&self, label: &str) -> BiometricPrompt {
        BiometricPrompt { title: self.confirm_title.clone(), reason: self.confirm_reason.replace("{action}", &label.replace('_', " ")) }
    }
}

/// Typed outcomes of a key-store call other than success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStoreError {
    /// The user dismissed the prompt.
    Cancelled,
    /// Too many failed biometric attempts; the platform locked the sensor for a while.
    Lockout,
    /// No biometrics enrolled on the device.
    NotEnrolled,
    /// The key was invalidated (biometrics changed since it was created).
    KeyInvalidated,
    /// No hardware, or it is temporarily unavailable.
    Unavailable,
    /// No entry under this alias.
    NotFound,
    /// Anything else (including a host exception).
    Other { message: String },
}

/// The platform's secure key store.
pub trait SecureKeyStore: Send + Sync {
    /// Stores `secret` under `alias` behind biometric access control (replacing any old one).
    fn store(&self, alias: &str, secret: &[u8]) -> Result<(), KeyStoreError>;
    /// Shows `prompt` and returns the secret once the user authenticates.
    fn load(&self, alias: &str, prompt: &BiometricPrompt) -> Result<SecretBytes, KeyStoreError>;
    /// Deletes the entry (deleting a missing entry is not an error).
    fn delete(&self, alias: &str) -> Result<(), KeyStoreError>;
    /// All aliases in the app's namespace.
    fn list(&self) -> Result<Vec<String>, KeyStoreError>;
    /// Deletes every entry in the app's namespace.
    fn delete_all(&self) -> Result<(), KeyStoreError>;
}

/// An in-memory key store that behaves like the platforms: scripted next outcomes (cancel,
/// lockout, …), enrollment changes that invalidate keys, and tampering for tests.
#[derive(Default)]
pub struct MemoryKeyStore {
    entries: Mutex<HashMap<String, Vec<u8>>>,
    invalidated: Mutex<Vec<String>>,
    script: Mutex<VecDeque<KeyStoreError>>,
    prompts: Mutex<Vec<BiometricPrompt>>,
}

fn lk<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl MemoryKeyStore {
    pub fn new() -> MemoryKeyStore {
        MemoryKeyStore::default()
    }
    /// The next `load` fails with `outcome` (queued, first in first out).
    pub fn script_next(&self, outcome: KeyStoreError) {
        lk(&self.script).push_back(outcome);
    }
    /// A new fingerprint was enrolled: existing keys are invalidated.
    pub fn enroll_new_biometric(&self) {
        let keys: Vec<String> = lk(&self.entries).keys().cloned().collect();
        lk(&self.invalidated).extend(keys);
    }
    /// Replaces the stored secret (a stale or foreign secret).
    pub fn tamper(&self, alias: &str, secret: &[u8]) {
        lk(&self.entries).insert(alias.to_string(), secret.to_vec());
    }
    /// Prompts shown so far.
    pub fn prompts(&self) -> Vec<BiometricPrompt> {
        lk(&self.prompts).clone()
    }
    pub fn contains(&self, alias: &str) -> bool {
        lk(&self.entries).contains_key(alias)
    }
}

impl SecureKeyStore for MemoryKeyStore {
    fn store(&self, alias: &str, secret: &[u8]) -> Result<(), KeyStoreError> {
        lk(&self.invalidated).retain(|a| a != alias);
        lk(&self.entries).insert(alias.to_string(), secret.to_vec());
        Ok(())
    }

    fn load(&self, alias: &str, prompt: &BiometricPrompt) -> Result<SecretBytes, KeyStoreError> {
        lk(&self.prompts).push(prompt.clone());
        if let Some(outcome) = lk(&self.script).pop_front() {
            return Err(outcome);
        }
        if lk(&self.invalidated).iter().any(|a| a == alias) {
            return Err(KeyStoreError::KeyInvalidated);
        }
        lk(&self.entries).get(alias).map(|s| SecretBytes::from_slice(s)).ok_or(KeyStoreError::NotFound)
    }

    fn delete(&self, alias: &str) -> Result<(), KeyStoreError> {
        lk(&self.entries).remove(alias);
        Ok(())
    }

    fn list(&self) -> Result<Vec<String>, KeyStoreError> {
        let mut v: Vec<String> = lk(&self.entries).keys().cloned().collect();
        v.sort();
        Ok(v)
    }

    fn delete_all(&self) -> Result<(), KeyStoreError> {
        lk(&self.entries).clear();
        Ok(())
    }
}

/// A store for shells without biometrics: every load is `Unavailable`.
pub struct NoKeyStore;

impl SecureKeyStore for NoKeyStore {
    fn store(&self, _: &str, _: &[u8]) -> Result<(), KeyStoreError> {
        Err(KeyStoreError::Unavailable)
    }
    fn load(&self, _: &str, _: &BiometricPrompt) -> Result<SecretBytes, KeyStoreError> {
        Err(KeyStoreError::Unavailable)
    }
    fn delete(&self, _: &str) -> Result<(), KeyStoreError> {
        Ok(())
    }
    fn list(&self) -> Result<Vec<String>, KeyStoreError> {
        Ok(Vec::new())
    }
    fn delete_all(&self) -> Result<(), KeyStoreError> {
        Ok(())
    }
}
