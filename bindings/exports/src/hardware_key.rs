//! The hardware-key factor as a UniFFI foreign trait (FIDO2 `hmac-secret` / WebAuthn PRF
//! through Android Credential Manager or iOS AuthenticationServices) and its adapter.
//! Both calls block while the platform's "touch your security key" screen shows; the core calls
//! them from tokio's blocking pool (the exports that can ask are `async`).

use std::sync::Arc;

use imwallet_core::auth::hardware_key as core_hk;
use imwallet_core::vault::SecretBytes;

/// Typed outcomes of the security-key calls.
// Mirror: an error raised by foreign code (`reason`, not the core's `message`); errors stay hand-written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HardwareKeyError {
    #[error("cancelled")]
    Cancelled,
    #[error("no security key presented")]
    NotPresent,
    #[error("{reason}")]
    Other { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for HardwareKeyError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        HardwareKeyError::Other { reason: e.reason }
    }
}

/// Implemented by the shell: a FIDO2 security key with the PRF (`hmac-secret`) extension.
#[uniffi::export(with_foreign)]
pub trait HardwareKey: Send + Sync {
    /// Registers a credential for `account_id` on the user's security key.
    fn enroll(&self, account_id: String, account_name: String) -> Result<(), HardwareKeyError>;
    /// The 32-byte PRF output of `account_id`'s credential for `salt`.
    fn prf(&self, account_id: String, salt: Vec<u8>) -> Result<Vec<u8>, HardwareKeyError>;
}

fn to_core(e: HardwareKeyError) -> core_hk::HardwareKeyError {
    match e {
        HardwareKeyError::Cancelled => core_hk::HardwareKeyError::Cancelled,
        HardwareKeyError::NotPresent => core_hk::HardwareKeyError::NotPresent,
        HardwareKeyError::Other { reason } => core_hk::HardwareKeyError::Other { message: reason },
    }
}

pub(crate) struct HardwareKeyAdapter(pub Arc<dyn HardwareKey>);

impl core_hk::HardwareKey for HardwareKeyAdapter {
    fn enroll(&self, account_id: &str, account_name: &str) -> Result<(), core_hk::HardwareKeyError> {
        self.0.enroll(account_id.to_string(), account_name.to_string()).map_err(to_core)
    }
    fn prf(&self, account_id: &str, salt: &[u8]) -> Result<SecretBytes, core_hk::HardwareKeyError> {
        self.0.prf(account_id.to_string(), salt.to_vec()).map(SecretBytes::new).map_err(to_core)
    }
}
