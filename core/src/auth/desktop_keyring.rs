//! Desktop secure key store backed by the OS keyring (`keyring-core` with the Linux kernel
//! keyutils store; feature `desktop-keyring`).
//!
//! The keyring cannot do biometrics: a `confirm` callback stands in for the sensor (the CLI asks
//! on the terminal). An index entry lists the aliases so `list`/`delete_all` work on stores
//! without search.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use crate::auth::keystore::{BiometricPrompt, KeyStoreError, SecureKeyStore};
use crate::vault::SecretBytes;

/// The user-presence check standing in for a biometric sensor.
pub type Confirm = dyn Fn(&BiometricPrompt) -> Result<(), KeyStoreError> + Send + Sync;

/// Keyring-backed store in the namespace `service`.
pub struct KeyringStore {
    store: Arc<CredentialStore>,
    service: String,
    confirm: Box<Confirm>,
}

const INDEX: &str = "__index__";

fn other(e: keyring_core::Error) -> KeyStoreError {
    match e {
        keyring_core::Error::NoEntry => KeyStoreError::NotFound,
        keyring_core::Error::NoStorageAccess(_) | keyring_core::Error::PlatformFailure(_) => KeyStoreError::Unavailable,
        e => KeyStoreError::Other { message: e.to_string() },
    }
}

impl KeyringStore {
    /// Opens the Linux keyutils store (session keyring) under the namespace `service`.
    pub fn linux_keyutils(service: &str, confirm: Box<Confirm>) -> Result<KeyringStore, KeyStoreError> {
        let store = linux_keyutils_keyring_store::Store::new().map_err(other)?;
        Ok(KeyringStore { store, service: service.to_string(), confirm })
    }

    fn entry(&self, alias: &str) -> Result<Entry, KeyStoreError> {
        Entry::new_in_store(&self.store, &self.service, alias).map_err(other)
    }

    fn index(&self) -> Result<Vec<String>, KeyStoreError> {
        match self.entry(INDEX)?.get_secret() {
            Ok(b) => Ok(String::from_utf8_lossy(&b).split('\n').filter(|s| !s.is_empty()).map(str::to_string).collect()),
            Err(keyring_core::Error::NoEntry) => Ok(Vec::new()),
            Err(e) => Err(other(e)),
        }
    }

    fn set_index(&self, aliases: &[String]) -> Result<(), KeyStoreError> {
        let e = self.entry(INDEX)?;
        if aliases.is_empty() {
            return match e.delete_credential() {
                Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
                Err(err) => Err(other(err)),
            };
        }
        e.set_secret(aliases.join("\n").as_bytes()).map_err(other)
    }
}

impl SecureKeyStore for KeyringStore {
    fn store(&self, alias: &str, secret: &[u8]) -> Result<(), KeyStoreError> {
        self.entry(alias)?.set_secret(secret).map_err(other)?;
        let mut idx = self.index()?;
        if !idx.iter().any(|a| a == alias) {
            idx.push(alias.to_string());
            self.set_index(&idx)?;
        }
        Ok(())
    }

    fn load(&self, alias: &str, prompt: &BiometricPrompt) -> Result<SecretBytes, KeyStoreError> {
        (self.confirm)(prompt)?;
        self.entry(alias)?.get_secret().map(SecretBytes::new).map_err(other)
    }

    fn delete(&self, alias: &str) -> Result<(), KeyStoreError> {
        match self.entry(alias)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => {}
            Err(e) => return Err(other(e)),
        }
        let idx: Vec<String> = self.index()?.into_iter().filter(|a| a != alias).collect();
        self.set_index(&idx)
    }

    fn list(&self) -> Result<Vec<String>, KeyStoreError> {
        self.index()
    }

    fn delete_all(&self) -> Result<(), KeyStoreError> {
        for a in self.index()? {
            match self.entry(&a)?.delete_credential() {
                Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                Err(e) => return Err(other(e)),
            }
        }
        self.set_index(&[])
    }
}
