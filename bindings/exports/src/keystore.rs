//! The secure key store as a UniFFI foreign trait (Android Keystore + BiometricPrompt,
//! iOS Keychain + LocalAuthentication) and its adapter to the core's trait.
//!
//! `load` blocks while the platform prompt is shown; the core calls it from tokio's blocking
//! pool (the exports that can prompt are `async`), never from the shell's UI thread.

use std::sync::Arc;

use imwallet_core::auth::keystore as core_ks;
use imwallet_core::vault::SecretBytes;

pub use imwallet_core::auth::keystore::{BiometricPrompt, PromptTexts};

/// Typed outcomes of the platform key store.
// Mirror: an error raised by foreign code (`reason`, not the core's `message`); errors stay hand-written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum KeyStoreError {
    #[error("cancelled")]
    Cancelled,
    #[error("lockout")]
    Lockout,
    #[error("no biometrics enrolled")]
    NotEnrolled,
    #[error("key invalidated")]
    KeyInvalidated,
    #[error("unavailable")]
    Unavailable,
    #[error("not found")]
    NotFound,
    #[error("{reason}")]
    Other { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for KeyStoreError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        KeyStoreError::Other { reason: e.reason }
    }
}

/// What the platform prompt shows.
#[uniffi::remote(Record)]
pub struct BiometricPrompt {
    pub title: String,
    pub reason: String,
}

/// The biometric prompt texts in the user's language (`WalletCore(…, promptTexts = …)`):
/// `{account}` in `unlock_reason` and `{action}` in `confirm_reason` are filled in by the core.
#[uniffi::remote(Record)]
pub struct PromptTexts {
    pub unlock_title: String,
    pub unlock_reason: String,
    pub confirm_title: String,
    pub confirm_reason: String,
}

/// The core's English prompt texts (a starting point for a translation).
#[uniffi::export]
pub fn default_prompt_texts() -> PromptTexts {
    PromptTexts::default()
}

/// Implemented by the shell: a biometric-protected secret store in the app's namespace.
#[uniffi::export(with_foreign)]
pub trait SecureKeyStore: Send + Sync {
    fn store(&self, alias: String, secret: Vec<u8>) -> Result<(), KeyStoreError>;
    fn load(&self, alias: String, prompt: BiometricPrompt) -> Result<Vec<u8>, KeyStoreError>;
    fn delete(&self, alias: String) -> Result<(), KeyStoreError>;
    fn list(&self) -> Result<Vec<String>, KeyStoreError>;
    fn delete_all(&self) -> Result<(), KeyStoreError>;
}

fn to_core(e: KeyStoreError) -> core_ks::KeyStoreError {
    match e {
        KeyStoreError::Cancelled => core_ks::KeyStoreError::Cancelled,
        KeyStoreError::Lockout => core_ks::KeyStoreError::Lockout,
        KeyStoreError::NotEnrolled => core_ks::KeyStoreError::NotEnrolled,
        KeyStoreError::KeyInvalidated => core_ks::KeyStoreError::KeyInvalidated,
        KeyStoreError::Unavailable => core_ks::KeyStoreError::Unavailable,
        KeyStoreError::NotFound => core_ks::KeyStoreError::NotFound,
        KeyStoreError::Other { reason } => core_ks::KeyStoreError::Other { message: reason },
    }
}

pub(crate) struct KeyStoreAdapter(pub Arc<dyn SecureKeyStore>);

impl core_ks::SecureKeyStore for KeyStoreAdapter {
    fn store(&self, alias: &str, secret: &[u8]) -> Result<(), core_ks::KeyStoreError> {
        self.0.store(alias.to_string(), secret.to_vec()).map_err(to_core)
    }
    fn load(&self, alias: &str, prompt: &core_ks::BiometricPrompt) -> Result<SecretBytes, core_ks::KeyStoreError> {
        self.0.load(alias.to_string(), prompt.clone()).map(SecretBytes::new).map_err(to_core)
    }
    fn delete(&self, alias: &str) -> Result<(), core_ks::KeyStoreError> {
        self.0.delete(alias.to_string()).map_err(to_core)
    }
    fn list(&self) -> Result<Vec<String>, core_ks::KeyStoreError> {
        self.0.list().map_err(to_core)
    }
    fn delete_all(&self) -> Result<(), core_ks::KeyStoreError> {
        self.0.delete_all().map_err(to_core)
    }
}
