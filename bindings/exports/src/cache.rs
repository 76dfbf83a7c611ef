//! Cache and clear-data exports: records/enums and the `WalletCore` methods for caches,
//! "reset app" and damaged-directory recovery. Reports are the core's types (`uniffi::remote`);
//! scopes and usage are hand-written where their FFI shape differs.

use std::fmt;

use imwallet_core as core;
use imwallet_core::cache as c;
use imwallet_core::vault::SecretBytes;

pub use imwallet_core::cache::ClearReport;
pub use imwallet_core::engine::{ErasePlan, EraseReport};

use crate::error::{Result, WalletError};
use crate::types::Redacted;
use crate::wallet::WalletCore;

/// Who a cache entry belongs to.
// Mirror: adds `CurrentAccount`, and the core's `Account(String)` is a tuple variant.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum CacheScope {
    Global,
    /// The account of the current session.
    CurrentAccount,
    Account {
        account_id: String,
    },
}

/// Which caches to clear.
// Mirror: kinds cross as names (validated by `CacheKind::parse`), and the core's variants are tuples.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ClearScope {
    All,
    /// Kind names: balances, token_metadata, prices, transaction_history, dapp_connections, or
    /// a registered file kind.
    Kinds {
        kinds: Vec<String>,
    },
    Account {
        account_id: String,
    },
}

/// Entries and bytes held by one kind.
// Mirror: `kind` crosses as its name, not the core's `CacheKind` enum (which has a tuple variant).
#[derive(Debug, Clone, uniffi::Record)]
pub struct CacheUsage {
    pub kind: String,
    pub entries: u64,
    pub bytes: u64,
    pub files: u64,
}

/// What a clear removed.
#[uniffi::remote(Record)]
pub struct ClearReport {
    pub entries_removed: u64,
    pub bytes_freed: u64,
    pub files_removed: u64,
    pub duration_ms: u64,
}

/// What "reset app" will destroy, the phrase to type, and the proofs it needs.
#[uniffi::remote(Record)]
pub struct ErasePlan {
    pub account_names: Vec<String>,
    /// Accounts whose recovery phrase was never confirmed as backed up: lost for good.
    pub not_backed_up: Vec<String>,
    /// Type this exactly to confirm.
    pub phrase_to_type: String,
    /// True when `not_backed_up` is not empty: erasing then needs each of those accounts'
    /// password, or one device-owner check (when `device_owner_check_available`).
    pub authorization_needed: bool,
    /// A device-owner check can stand in for those passwords.
    pub device_owner_check_available: bool,
}

/// The password of one wallet that is not backed up, to authorize "reset app".
// Mirror: the core holds it as `(String, SecretBytes)`; here bytes, printed redacted.
#[derive(uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct ErasePassword {
    pub account_name: String,
    pub password: Vec<u8>,
}

impl fmt::Debug for ErasePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErasePassword").field("account_name", &self.account_name).field("password", &Redacted).finish()
    }
}

impl fmt::Display for ErasePassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// What authorizes erasing wallets that are not backed up: their passwords, or the device
/// owner's confirmation through the `DeviceOwnerCheck` hook.
// Mirror: the core's `EraseProofs` holds `SecretBytes`.
#[derive(Debug, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct EraseProofs {
    pub passwords: Vec<ErasePassword>,
    pub use_device_owner: bool,
}

impl From<EraseProofs> for core::engine::EraseProofs {
    fn from(p: EraseProofs) -> Self {
        core::engine::EraseProofs {
            passwords: p.passwords.into_iter().map(|e| (e.account_name, SecretBytes::new(e.password))).collect(),
            use_device_owner: p.use_device_owner,
        }
    }
}

/// What erasing did.
#[uniffi::remote(Record)]
pub struct EraseReport {
    pub accounts_removed: u64,
    pub events_removed: u64,
    pub caches: ClearReport,
    pub device_keys_deleted: u32,
    pub duration_ms: u64,
}

fn kind(name: &str) -> Result<c::CacheKind> {
    Ok(c::CacheKind::parse(name)?)
}

impl WalletCore {
    fn scope(&self, s: CacheScope) -> Result<c::CacheScope> {
        Ok(match s {
            CacheScope::Global => c::CacheScope::Global,
            CacheScope::Account { account_id } => c::CacheScope::Account(account_id),
            CacheScope::CurrentAccount => c::CacheScope::Account(
                self.core().state().account().map(|a| a.id.clone()).ok_or_else(|| WalletError::from(core::Error::NotLoggedIn))?,
            ),
        })
    }
}

#[uniffi::export]
impl WalletCore {
    /// Registers a file-backed cache kind; returns its folder.
    pub fn register_file_cache(&self, kind: String) -> Result<String> {
        Ok(self.core().register_file_cache(&kind)?.display().to_string())
    }

    pub fn cache_put(&self, kind: String, scope: CacheScope, key: String, value: Vec<u8>, ttl_secs: Option<u32>) -> Result<()> {
        Ok(self.core().cache_put(&self::kind(&kind)?, &self.scope(scope)?, &key, &value, ttl_secs)?)
    }

    pub fn cache_get(&self, kind: String, scope: CacheScope, key: String) -> Result<Option<Vec<u8>>> {
        Ok(self.core().cache_get(&self::kind(&kind)?, &self.scope(scope)?, &key)?)
    }

    pub fn cache_delete(&self, kind: String, scope: CacheScope, key: String) -> Result<bool> {
        Ok(self.core().cache_delete(&self::kind(&kind)?, &self.scope(scope)?, &key)?)
    }

    /// Writes a file into a registered file cache; returns its path.
    pub fn cache_put_file(&self, kind: String, scope: CacheScope, file_name: String, bytes: Vec<u8>) -> Result<String> {
        Ok(self.core().cache_put_file(&self::kind(&kind)?, &self.scope(scope)?, &file_name, &bytes)?.display().to_string())
    }

    /// The folder the shell may write `kind` files for `scope` into.
    pub fn cache_file_dir(&self, kind: String, scope: CacheScope) -> Result<String> {
        Ok(self.core().cache_file_dir(&self::kind(&kind)?, &self.scope(scope)?)?.display().to_string())
    }

    pub fn cache_usage(&self) -> Result<Vec<CacheUsage>> {
        Ok(self
            .core()
            .cache_usage()?
            .into_iter()
            .map(|c::CacheUsage { kind, entries, bytes, files }| CacheUsage { kind: kind.name().to_string(), entries, bytes, files })
            .collect())
    }

    pub fn clear_cache(&self, scope: ClearScope) -> Result<ClearReport> {
        let s = match scope {
            ClearScope::All => c::ClearScope::All,
            ClearScope::Account { account_id } => c::ClearScope::Account(account_id),
            ClearScope::Kinds { kinds } => c::ClearScope::Kinds(kinds.iter().map(|k| kind(k)).collect::<Result<_>>()?),
        };
        Ok(self.core().clear_cache(&s)?)
    }

    /// What "reset app" will destroy, and the phrase to type.
    pub fn prepare_erase(&self) -> Result<ErasePlan> {
        Ok(self.core().prepare_erase()?)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl WalletCore {
    /// Erases every account, vault, cache, setting, event and key-store entry of the app. While
    /// a wallet is not backed up, `proofs` carries its password or asks for the device-owner
    /// check (may run KDFs or show the system screen: async).
    pub async fn erase_all_data(&self, typed_phrase: String, proofs: EraseProofs) -> Result<EraseReport> {
        let proofs = core::engine::EraseProofs::from(proofs);
        self.blocking(move |c| c.erase_all_data(&typed_phrase, &proofs)).await
    }
}

/// Moves a damaged database aside (`quarantine-<time>/`) so the next open starts clean.
#[uniffi::export]
pub fn quarantine_damaged_data(data_dir: String) -> Result<String> {
    Ok(core::WalletCore::quarantine_damaged_data(std::path::Path::new(&data_dir))?.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erase_proofs_print_redacted() {
        let p = EraseProofs {
            passwords: vec![ErasePassword { account_name: "Eve".into(), password: b"correct horse battery staple 42".to_vec() }],
            use_device_owner: false,
        };
        for shown in [format!("{p:?}"), format!("{}", p.passwords[0])] {
            assert!(shown.contains("Eve") && shown.contains("<redacted>") && !shown.contains("horse"), "{shown}");
        }
    }
}
