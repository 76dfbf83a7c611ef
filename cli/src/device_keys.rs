//! The desktop device key store (ADR 0011): `FileDeviceKeys`, 0600 key files in a 0700 folder
//! **outside** the data directory, one folder per data directory (so two data directories never
//! share, let alone purge, each other's keys). Weaker than a hardware key store: it defeats a
//! copy of the data directory alone (a backup, a synced folder), not a copy of the whole home
//! directory. The kernel session keyring the biometric store uses cannot hold it: it is empty
//! after logout or reboot.
//!
//! Where: `$IMWALLET_DEVICE_KEYS_DIR`, else `$XDG_CONFIG_HOME/imwallet/device-keys/<id>`, else
//! `~/.config/imwallet/device-keys/<id>` (`~/Library/Preferences/imwallet/device-keys/<id>` on
//! macOS), where `<id>` is a hash of the data directory's absolute path.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use imwallet_core::auth::device_keys::{DeviceKeyStore, FileDeviceKeys};
use sha2::Digest;

fn config_root() -> PathBuf {
    crate::session_cmds::user_dir("XDG_CONFIG_HOME", ".config/imwallet", "Library/Preferences/imwallet")
}

/// The key folder of `dir`.
pub fn keys_dir(dir: &Path) -> PathBuf {
    if let Some(x) = std::env::var_os("IMWALLET_DEVICE_KEYS_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(x);
    }
    let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let id = hex::encode(&sha2::Sha256::digest(abs.to_string_lossy().as_bytes())[..12]);
    config_root().join("device-keys").join(id)
}

/// The device key store for `dir`.
pub fn store(dir: &Path) -> Arc<dyn DeviceKeyStore> {
    Arc::new(FileDeviceKeys::new(keys_dir(dir)))
}
