//! The device key store as a UniFFI foreign trait (Android Keystore AES-GCM, StrongBox when
//! available; iOS Keychain `…AfterFirstUnlockThisDeviceOnly` / Secure Enclave) and its adapter
//! to the core's trait. Keys never leave the platform: the shell wraps and unwraps a 32-byte
//! secret for the core. Calls need no user authentication and never show a prompt.

use std::sync::Arc;

use imwallet_core::auth::device_keys as core_dk;
use imwallet_core::vault::SecretBytes;

/// Typed outcomes of the device key store.
// Mirror: an error raised by foreign code (`reason`, not the core's `message`); errors stay hand-written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum DeviceKeyError {
    /// Cannot be used now (before the first unlock after a reboot): retry later.
    #[error("{reason}")]
    Unavailable { reason: String },
    /// No key under this alias (a new device, or the app's keys were wiped).
    #[error("not found")]
    NotFound,
    /// The key does not open this blob.
    #[error("wrong key")]
    WrongKey,
    #[error("{reason}")]
    Other { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for DeviceKeyError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        DeviceKeyError::Other { reason: e.reason }
    }
}

/// Implemented by the shell: non-exportable keys in the app's namespace (aliases start with
/// `imwallet.dev.`), usable without user authentication once the device was unlocked after boot.
#[uniffi::export(with_foreign)]
pub trait DeviceKeyStore: Send + Sync {
    /// Creates a new key under `alias`, replacing any old one.
    fn create_key(&self, alias: String) -> Result<(), DeviceKeyError>;
    /// Encrypts `plaintext` under the key of `alias` (the result is stored by the core).
    fn wrap(&self, alias: String, plaintext: Vec<u8>) -> Result<Vec<u8>, DeviceKeyError>;
    /// Decrypts what `wrap` returned.
    fn unwrap(&self, alias: String, wrapped: Vec<u8>) -> Result<Vec<u8>, DeviceKeyError>;
    /// Deletes the key (a missing key is not an error).
    fn delete_key(&self, alias: String) -> Result<(), DeviceKeyError>;
    /// Every alias in the app's namespace.
    fn list(&self) -> Result<Vec<String>, DeviceKeyError>;
}

fn to_core(e: DeviceKeyError) -> core_dk::DeviceKeyError {
    match e {
        DeviceKeyError::Unavailable { reason } => core_dk::DeviceKeyError::Unavailable { message: reason },
        DeviceKeyError::NotFound => core_dk::DeviceKeyError::NotFound,
        DeviceKeyError::WrongKey => core_dk::DeviceKeyError::WrongKey,
        DeviceKeyError::Other { reason } => core_dk::DeviceKeyError::Other { message: reason },
    }
}

pub(crate) struct DeviceKeysAdapter(pub Arc<dyn DeviceKeyStore>);

impl core_dk::DeviceKeyStore for DeviceKeysAdapter {
    fn create_key(&self, alias: &str) -> Result<(), core_dk::DeviceKeyError> {
        self.0.create_key(alias.to_string()).map_err(to_core)
    }
    fn wrap(&self, alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, core_dk::DeviceKeyError> {
        self.0.wrap(alias.to_string(), plaintext.to_vec()).map_err(to_core)
    }
    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> Result<SecretBytes, core_dk::DeviceKeyError> {
        self.0.unwrap(alias.to_string(), wrapped.to_vec()).map(SecretBytes::new).map_err(to_core)
    }
    fn delete_key(&self, alias: &str) -> Result<(), core_dk::DeviceKeyError> {
        self.0.delete_key(alias.to_string()).map_err(to_core)
    }
    fn list(&self) -> Result<Vec<String>, core_dk::DeviceKeyError> {
        self.0.list().map_err(to_core)
    }
}
