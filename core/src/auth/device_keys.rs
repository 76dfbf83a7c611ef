//! The device key hook: keys that never leave the platform's key store and need no user
//! authentication (Android Keystore AES-GCM, StrongBox when available; iOS Keychain
//! `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`, Secure Enclave-wrapped; on the desktop a
//! 0600 key file outside the data directory, [`FileDeviceKeys`]).
//!
//! Because the key never leaves, the hook is **wrap/unwrap**: the core hands the shell a
//! 32-byte secret to encrypt under the key named by an alias and asks for it back later. The
//! core derives from that secret the keys that seal everything at rest
//! ([`crate::store::sealing`]); a copy of the data directory without this device's key store
//! opens nothing (ADR 0011).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};

use crate::vault::{random_array, SecretBytes};

/// Prefix of every device-key alias the core creates.
pub const DEVICE_ALIAS_PREFIX: &str = "imwallet.dev.";

/// Typed outcomes of a device-key call other than success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceKeyError {
    /// The key exists but cannot be used now (before the first unlock after a reboot, the
    /// keystore daemon busy): retry later. Nothing is lost.
    Unavailable { message: String },
    /// No key under this alias (restored to a new device, the app's keys were wiped).
    NotFound,
    /// The key exists but does not open this blob (a different key under the same alias, a
    /// modified blob).
    WrongKey,
    /// Anything else (including a host exception).
    Other { message: String },
}

/// The platform's device-bound key store.
pub trait DeviceKeyStore: Send + Sync {
    /// Creates a new non-exportable key under `alias`, replacing any old one.
    fn create_key(&self, alias: &str) -> Result<(), DeviceKeyError>;
    /// Encrypts `plaintext` (a 32-byte secret) under the key of `alias`.
    fn wrap(&self, alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, DeviceKeyError>;
    /// Decrypts what [`wrap`](Self::wrap) returned.
    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> Result<SecretBytes, DeviceKeyError>;
    /// Deletes the key (deleting a missing key is not an error).
    fn delete_key(&self, alias: &str) -> Result<(), DeviceKeyError>;
    /// Every alias in the app's namespace.
    fn list(&self) -> Result<Vec<String>, DeviceKeyError>;
}

fn lk<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Encrypts with a software key (the fakes and the desktop key file): XChaCha20-Poly1305, the
/// alias as associated data. `nonce ‖ ciphertext ‖ tag`.
fn soft_wrap(key: &[u8; 32], alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, DeviceKeyError> {
    let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| DeviceKeyError::Other { message: "key length".into() })?;
    let nonce: [u8; 24] = random_array().map_err(|e| DeviceKeyError::Other { message: e.to_string() })?;
    let ct = cipher
        .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad: alias.as_bytes() })
        .map_err(|_| DeviceKeyError::Other { message: "encryption failed".into() })?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ct);
    Ok(out)
}

fn soft_unwrap(key: &[u8; 32], alias: &str, wrapped: &[u8]) -> Result<SecretBytes, DeviceKeyError> {
    if wrapped.len() < 24 + 16 {
        return Err(DeviceKeyError::WrongKey);
    }
    let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| DeviceKeyError::Other { message: "key length".into() })?;
    let (nonce, ct) = wrapped.split_at(24);
    let nonce = XNonce::try_from(nonce).map_err(|_| DeviceKeyError::WrongKey)?;
    cipher.decrypt(&nonce, Payload { msg: ct, aad: alias.as_bytes() }).map(SecretBytes::new).map_err(|_| DeviceKeyError::WrongKey)
}

/// An in-memory device (tests, the fuzz targets): one instance is one phone. A fresh instance
/// is a new phone, where a copied data directory must open nothing.
#[derive(Default)]
pub struct MemoryDeviceKeys {
    keys: Mutex<HashMap<String, zeroize::Zeroizing<[u8; 32]>>>,
    unavailable: Mutex<bool>,
    calls: Mutex<u64>,
}

impl MemoryDeviceKeys {
    pub fn new() -> MemoryDeviceKeys {
        MemoryDeviceKeys::default()
    }
    /// While set, every call fails with `Unavailable` (a phone before its first unlock).
    pub fn set_unavailable(&self, unavailable: bool) {
        *lk(&self.unavailable) = unavailable;
    }
    pub fn contains(&self, alias: &str) -> bool {
        lk(&self.keys).contains_key(alias)
    }
    /// How many calls reached the store.
    pub fn calls(&self) -> u64 {
        *lk(&self.calls)
    }
    fn gate(&self) -> Result<(), DeviceKeyError> {
        *lk(&self.calls) += 1;
        if *lk(&self.unavailable) {
            return Err(DeviceKeyError::Unavailable { message: "the device is locked (before the first unlock)".into() });
        }
        Ok(())
    }
    fn key(&self, alias: &str) -> Result<zeroize::Zeroizing<[u8; 32]>, DeviceKeyError> {
        lk(&self.keys).get(alias).cloned().ok_or(DeviceKeyError::NotFound)
    }
}

impl DeviceKeyStore for MemoryDeviceKeys {
    fn create_key(&self, alias: &str) -> Result<(), DeviceKeyError> {
        self.gate()?;
        let k = random_array::<32>().map_err(|e| DeviceKeyError::Other { message: e.to_string() })?;
        lk(&self.keys).insert(alias.to_string(), zeroize::Zeroizing::new(k));
        Ok(())
    }
    fn wrap(&self, alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, DeviceKeyError> {
        self.gate()?;
        soft_wrap(&*self.key(alias)?, alias, plaintext)
    }
    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> Result<SecretBytes, DeviceKeyError> {
        self.gate()?;
        soft_unwrap(&*self.key(alias)?, alias, wrapped)
    }
    fn delete_key(&self, alias: &str) -> Result<(), DeviceKeyError> {
        self.gate()?;
        lk(&self.keys).remove(alias);
        Ok(())
    }
    fn list(&self) -> Result<Vec<String>, DeviceKeyError> {
        self.gate()?;
        let mut v: Vec<String> = lk(&self.keys).keys().cloned().collect();
        v.sort();
        Ok(v)
    }
}

/// The desktop fallback when no Secret Service is available: one 0600 file of 32 random bytes
/// per alias, in a 0700 folder **outside** the data directory (e.g. `~/.config/imwallet/keys`
/// next to `~/.local/share/imwallet`). Weaker than a hardware key store: whoever can read the
/// user's files can copy both folders. It still defeats a copy of the data directory alone (a
/// backup, a synced folder, a forensic image of the data partition). The kernel session keyring
/// cannot serve here: it is empty after logout or reboot.
pub struct FileDeviceKeys {
    dir: PathBuf,
}

impl FileDeviceKeys {
    /// Uses (creating, 0700) `dir`, which must not be inside the data directory.
    pub fn new(dir: impl Into<PathBuf>) -> FileDeviceKeys {
        FileDeviceKeys { dir: dir.into() }
    }

    fn path(&self, alias: &str) -> Result<PathBuf, DeviceKeyError> {
        // Aliases are the core's own (`imwallet.dev.<hex id>`); anything else never names a file.
        let ok = alias.starts_with(DEVICE_ALIAS_PREFIX)
            && alias.len() <= 128
            && alias.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_');
        if !ok || alias.contains("..") {
            return Err(DeviceKeyError::Other { message: "not a device-key alias".into() });
        }
        Ok(self.dir.join(format!("{alias}.key")))
    }

    fn read(&self, alias: &str) -> Result<zeroize::Zeroizing<[u8; 32]>, DeviceKeyError> {
        let p = self.path(alias)?;
        let bytes = zeroize::Zeroizing::new(match std::fs::read(&p) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(DeviceKeyError::NotFound),
            Err(e) => return Err(DeviceKeyError::Unavailable { message: format!("cannot read the device key: {}", e.kind()) }),
        });
        let mut k = zeroize::Zeroizing::new([0u8; 32]);
        if bytes.len() != 32 {
            return Err(DeviceKeyError::WrongKey);
        }
        k.copy_from_slice(&bytes);
        Ok(k)
    }
}

fn io_err(e: std::io::Error) -> DeviceKeyError {
    DeviceKeyError::Other { message: format!("device key file: {}", e.kind()) }
}

impl DeviceKeyStore for FileDeviceKeys {
    fn create_key(&self, alias: &str) -> Result<(), DeviceKeyError> {
        let p = self.path(alias)?;
        crate::store::private_fs::create_dir(&self.dir).map_err(|e| DeviceKeyError::Other { message: e.to_string() })?;
        let k = zeroize::Zeroizing::new(random_array::<32>().map_err(|e| DeviceKeyError::Other { message: e.to_string() })?);
        // A private temporary file, synced, then renamed: a crash leaves the old key or the new
        // one, never half a key.
        crate::store::private_fs::write_file(&p, k.as_slice()).map_err(|e| DeviceKeyError::Other { message: e.to_string() })?;
        sync_dir(&self.dir);
        Ok(())
    }
    fn wrap(&self, alias: &str, plaintext: &[u8]) -> Result<Vec<u8>, DeviceKeyError> {
        soft_wrap(&*self.read(alias)?, alias, plaintext)
    }
    fn unwrap(&self, alias: &str, wrapped: &[u8]) -> Result<SecretBytes, DeviceKeyError> {
        soft_unwrap(&*self.read(alias)?, alias, wrapped)
    }
    fn delete_key(&self, alias: &str) -> Result<(), DeviceKeyError> {
        match std::fs::remove_file(self.path(alias)?) {
            Ok(()) => {
                sync_dir(&self.dir);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_err(e)),
        }
    }
    fn list(&self) -> Result<Vec<String>, DeviceKeyError> {
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_err(e)),
        };
        let mut v: Vec<String> = rd
            .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".key").map(str::to_string))
            .filter(|a| a.starts_with(DEVICE_ALIAS_PREFIX))
            .collect();
        v.sort();
        Ok(v)
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
