//! Biometrics on the desktop: the OS keyring (kernel keyutils on Linux) holds the biometric
//! secret, and a terminal confirmation stands in for the fingerprint sensor. The keyring
//! namespace is per data directory so `list`/`delete_all` never touch another wallet's entries.

use std::path::Path;
use std::sync::Arc;

use imwallet_core::auth::desktop_keyring::KeyringStore;
use imwallet_core::auth::keystore::{BiometricPrompt, KeyStoreError, NoKeyStore, SecureKeyStore};

use crate::input::Input;
use crate::output::CliError;

/// "Touch the sensor": Enter/yes confirms, `n`, Ctrl-C or Ctrl-D cancels; stdin when piped.
fn sensor(prompt: &BiometricPrompt) -> Result<(), KeyStoreError> {
    let question = format!("[{}] {} — press Enter to confirm, n to cancel", prompt.title, prompt.reason);
    match Input::new().line(&question) {
        Ok(l) if matches!(l.trim().to_lowercase().as_str(), "" | "y" | "yes") => Ok(()),
        Ok(_) | Err(CliError::Cancelled(_)) => Err(KeyStoreError::Cancelled),
        Err(_) => Err(KeyStoreError::Unavailable),
    }
}

/// The key store for `dir` (no biometrics if the keyring is not reachable).
pub fn key_store(dir: &Path) -> Arc<dyn SecureKeyStore> {
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let ns = format!("imwallet:{}", abs.display());
    match KeyringStore::linux_keyutils(&ns, Box::new(sensor)) {
        Ok(s) => Arc::new(s),
        Err(_) => Arc::new(NoKeyStore),
    }
}
