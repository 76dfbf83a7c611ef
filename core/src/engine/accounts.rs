//! Accounts: create, import (phrase or keystore file), list, reveal,
//! export and password change.
//!
//! Creating or importing writes the account row, its cached addresses and the new session in
//! one transaction; a password change re-wraps the vault key in one UPDATE. The vault data is
//! never re-encrypted by a password change.

use crate::auth::gates::{AuthProof, GatedAction};
use crate::auth::{names, password};
use crate::engine::session::{Cancel, Expect};
use crate::engine::{device, lk, Inner, WalletCore};
use crate::events::EventKind;
use crate::safety::SensitiveAction;
use crate::session::{AccountInfo, SessionAccount};
use crate::store::accounts::{self as rows, AccountRow};
use crate::store::crash::crash_point;
use crate::store::device as device_rows;
use crate::vault::aead::{self, Purpose};
use crate::vault::keystore::{self, ExportKdf};
use crate::vault::scrubbed;
use crate::vault::secrets::AccountSecret;
use crate::vault::{kdf, random_array, random_bytes, SecretBytes};
use crate::wallet::secret_text::nfkd_secret;
use crate::wallet::{Language, Mnemonic};
use crate::{Error, Result};

/// Addresses cached at creation (visible while locked).
pub const CACHED_ADDRESSES: u32 = 5;

/// A new account and its recovery phrase, shown once on the backup screen.
#[derive(Debug)]
pub struct CreatedAccount {
    pub account: AccountInfo,
    /// UTF-8 words separated by the language's separator; the caller should wipe it.
    pub phrase: SecretBytes,
}

impl Inner {
    /// Creates the account row for `secret`, logs it in, returns its info. Applied only if the
    /// session did not change while the KDF ran (otherwise nothing is written).
    fn add_account(
        &self,
        name: &str,
        password: &[u8],
        secret: AccountSecret,
        backed_up: bool,
        kind: EventKind,
        cancel: &Cancel,
    ) -> Result<AccountInfo> {
        let (_, gen) = self.snapshot();
        let (display, key) = names::normalize(name)?;
        // After an erase whose new device scope the key store refused, it is made now.
        if let Some(dk) = self.device_keys.as_deref() {
            if !self.ring.read().map(|r| r.has(device::DEVICE_SCOPE)).unwrap_or(false) {
                device::rebind_device_scope(&self.store, &self.ring, dk)?;
            }
        }
        password::check_new_password(password, &[&display])?;
        if rows::by_name_key(lk(&self.store).conn(), &key)?.is_some() {
            return Err(Error::AccountNameTaken);
        }
        // The same wallet (same first address) under a second name: refused before the KDF.
        let count = if secret.mnemonic().is_some() { CACHED_ADDRESSES } else { 1 };
        let addresses = (0..count).map(|i| secret.key(i).map(|k| k.address().to_checksum())).collect::<Result<Vec<_>>>()?;
        if let Some(existing) = self.account_with_address(&addresses[0])? {
            return Err(Error::WalletAlreadyOnDevice { account: existing });
        }
        let id = hex::encode(random_array::<16>()?);
        let vault_key = random_bytes(32)?;
        let salt = random_array::<16>()?.to_vec();
        let params = self.config.kdf_profile.params();
        let pw_key = kdf::derive(password, &salt, params)?;
        crash_point("create.after_kdf");
        let row = AccountRow {
            id: id.clone(),
            name: display.clone(),
            name_key: key,
            has_phrase: secret.mnemonic().is_some(),
            created_at: self.now(),
            backed_up,
            backup_challenge: None,
            kdf: params,
            kdf_salt: salt,
            password_wrap: aead::seal(&pw_key, &id, Purpose::PasswordWrap, vault_key.expose())?,
            vault_blob: aead::seal(&vault_key, &id, Purpose::Vault, secret.encode()?.expose())?,
            biometric_wrap: None,
            biometric_alias: None,
            hw_salt: None,
        };
        let account = SessionAccount { id: id.clone(), name: display };
        // The account's device scope (no core lock held while the hook runs).
        let note = |alias: &str| device_rows::note_pending(lk(&self.store).conn(), alias);
        let scope = self.device_keys.as_deref().map(|dk| device::new_scope(dk, &id, &note)).transpose()?;
        let alias = scope.as_ref().map(|n| n.wrap.alias.clone());
        self.after_kdf();
        // The boot clock is a hook: read before the transition takes the locks.
        let boot = self.boot_now();
        let added = self.transition(Expect::Generation(gen), Some(cancel), |_, tx, out| {
            if let Some(n) = scope {
                device_rows::insert(tx, &n.wrap)?;
                // In the ring before the sealed rows are written.
                device::remember(&self.ring, &id, n.keys);
            }
            rows::insert(tx, &row).map_err(|e| match e {
                Error::Storage { reason } if reason.contains("UNIQUE") => Error::AccountNameTaken,
                other => other,
            })?;
            for (i, a) in addresses.iter().enumerate() {
                rows::cache_address(tx, &id, i as u32, a)?;
            }
            self.event(tx, kind, Some(&account), "", out)?;
            // The password was just chosen: the rehearsal record starts now (ADR 0015).
            crate::store::account_settings::password_entered(tx, &id, self.now(), &boot)?;
            crate::store::account_settings::password_set(tx, &id, self.now(), &boot)?;
            crash_point("create.before_commit");
            Ok((self.unlocked_session(account.clone(), vault_key, secret), ()))
        });
        if let Err(e) = added {
            // Nothing was written: the new scope goes (an orphan key left by a crash here is
            // purged on the next open).
            device::forget(&self.ring, &id);
            if let (Some(dk), Some(alias)) = (self.device_keys.as_deref(), alias) {
                if dk.delete_key(&alias).is_ok() {
                    let _ = device_rows::forget_pending(lk(&self.store).conn(), &alias);
                }
            }
            return Err(e);
        }
        crash_point("create.after_commit");
        let store = lk(&self.store);
        rows::info(store.conn(), &row)
    }
}

impl Inner {
    /// The name of the account whose first address is `address`, if one is on this device.
    fn account_with_address(&self, address: &str) -> Result<Option<String>> {
        let store = lk(&self.store);
        for row in rows::all(store.conn())? {
            if rows::cached_addresses(store.conn(), &row.id)?.first().is_some_and(|a| a.eq_ignore_ascii_case(address)) {
                return Ok(Some(row.name));
            }
        }
        Ok(None)
    }
}

fn phrase_str(phrase: &[u8]) -> Result<&str> {
    std::str::from_utf8(phrase).map_err(|_| Error::InvalidArgument { reason: "the phrase is not valid UTF-8 text".into() })
}

impl WalletCore {
    /// Creates an account with a new recovery phrase and logs it in.
    pub fn create_account(&self, name: &str, password: &[u8], words: u32, language: Language) -> Result<CreatedAccount> {
        self.create_account_with(name, password, words, language, &Cancel::new())
    }

    /// [`WalletCore::create_account`] with a cancellation flag.
    pub fn create_account_with(
        &self,
        name: &str,
        password: &[u8],
        words: u32,
        language: Language,
        cancel: &Cancel,
    ) -> Result<CreatedAccount> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.create_account_with_unscrubbed(name, password, words, language, cancel))
    }

    fn create_account_with_unscrubbed(
        &self,
        name: &str,
        password: &[u8],
        words: u32,
        language: Language,
        cancel: &Cancel,
    ) -> Result<CreatedAccount> {
        let mnemonic = Mnemonic::generate(words, language)?;
        let phrase = mnemonic.phrase()?;
        let secret = AccountSecret::Mnemonic { mnemonic, passphrase: SecretBytes::default() };
        let account = self.inner.add_account(name, password, secret, false, EventKind::AccountCreated, cancel)?;
        Ok(CreatedAccount { account, phrase })
    }

    /// Imports an account from a recovery phrase (and optional BIP39 passphrase).
    pub fn import_account(&self, name: &str, phrase: &[u8], passphrase: Option<&[u8]>, password: &[u8]) -> Result<AccountInfo> {
        self.import_account_with(name, phrase, passphrase, password, &Cancel::new())
    }

    /// [`WalletCore::import_account`] with a cancellation flag.
    pub fn import_account_with(
        &self,
        name: &str,
        phrase: &[u8],
        passphrase: Option<&[u8]>,
        password: &[u8],
        cancel: &Cancel,
    ) -> Result<AccountInfo> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.import_account_with_unscrubbed(name, phrase, passphrase, password, cancel))
    }

    fn import_account_with_unscrubbed(
        &self,
        name: &str,
        phrase: &[u8],
        passphrase: Option<&[u8]>,
        password: &[u8],
        cancel: &Cancel,
    ) -> Result<AccountInfo> {
        let mnemonic = Mnemonic::parse(phrase_str(phrase)?)?;
        let pass = passphrase.map(|p| phrase_str(p).map(|s| SecretBytes::from_str_bytes(&nfkd_secret(s)))).transpose()?;
        let secret = AccountSecret::Mnemonic { mnemonic, passphrase: pass.unwrap_or_default() };
        // The user already holds the phrase: it counts as backed up.
        self.inner.add_account(name, password, secret, true, EventKind::AccountImported, cancel)
    }

    /// Imports an account from a keystore v3 file.
    pub fn import_keystore(&self, name: &str, json: &str, keystore_password: &[u8], password: &[u8]) -> Result<AccountInfo> {
        self.import_keystore_with(name, json, keystore_password, password, &Cancel::new())
    }

    /// [`WalletCore::import_keystore`] with a cancellation flag.
    pub fn import_keystore_with(
        &self,
        name: &str,
        json: &str,
        keystore_password: &[u8],
        password: &[u8],
        cancel: &Cancel,
    ) -> Result<AccountInfo> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.import_keystore_with_unscrubbed(name, json, keystore_password, password, cancel))
    }

    fn import_keystore_with_unscrubbed(
        &self,
        name: &str,
        json: &str,
        keystore_password: &[u8],
        password: &[u8],
        cancel: &Cancel,
    ) -> Result<AccountInfo> {
        names::normalize(name)?;
        password::check_new_password(password, &[name])?;
        let key = keystore::import(json, keystore_password)?;
        self.inner.add_account(name, password, AccountSecret::PrivateKey(key), true, EventKind::AccountImported, cancel)
    }

    /// All accounts on this device.
    pub fn accounts(&self) -> Result<Vec<AccountInfo>> {
        let store = lk(&self.inner.store);
        rows::all(store.conn())?.iter().map(|a| rows::info(store.conn(), a)).collect()
    }

    /// The recovery phrase, behind the environment policy and the `RevealPhrase` gate (default:
    /// the password, checked now under the limiter).
    pub fn reveal_phrase(&self, proof: AuthProof<'_>) -> Result<SecretBytes> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.reveal_phrase_unscrubbed(proof))
    }

    fn reveal_phrase_unscrubbed(&self, proof: AuthProof<'_>) -> Result<SecretBytes> {
        let account = self.inner.require_unlocked()?;
        let row = self.inner.row(&account.id)?;
        if !row.has_phrase {
            return Err(Error::NoRecoveryPhrase);
        }
        let warnings = self.inner.guard(SensitiveAction::RevealPhrase, Some(&account))?;
        self.inner.check_gate(GatedAction::RevealPhrase, proof)?;
        let phrase = self.inner.with_unlocked(|u| {
            if u.account.id != account.id {
                return Err(Error::Locked);
            }
            u.keys.secret.mnemonic().ok_or(Error::NoRecoveryPhrase)?.phrase()
        })?;
        let mut out = Vec::new();
        lk(&self.inner.store).write(|tx| {
            self.inner.event(tx, EventKind::PhraseRevealed, Some(&account), "", &mut out)?;
            self.inner.log_warnings(tx, SensitiveAction::RevealPhrase, Some(&account), &warnings, &mut out)
        })?;
        self.inner.emit(out);
        Ok(phrase)
    }

    /// Exports address `index`'s key as a keystore v3 file encrypted with `keystore_password`,
    /// behind the `ExportKeystore` gate (default: the password).
    pub fn export_keystore(&self, proof: AuthProof<'_>, index: u32, keystore_password: &[u8], kdf: ExportKdf) -> Result<String> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.export_keystore_unscrubbed(proof, index, keystore_password, kdf))
    }

    fn export_keystore_unscrubbed(&self, proof: AuthProof<'_>, index: u32, keystore_password: &[u8], kdf: ExportKdf) -> Result<String> {
        let account = self.inner.require_unlocked()?;
        if keystore_password.is_empty() {
            return Err(Error::InvalidArgument { reason: "the keystore password must not be empty".into() });
        }
        let warnings = self.inner.guard(SensitiveAction::ExportKeystore, Some(&account))?;
        self.inner.check_gate(GatedAction::ExportKeystore, proof)?;
        let key = self.inner.with_unlocked(|u| if u.account.id == account.id { u.keys.secret.key(index) } else { Err(Error::Locked) })?;
        let json = keystore::export(&key, keystore_password, kdf)?;
        let mut out = Vec::new();
        lk(&self.inner.store).write(|tx| {
            self.inner.event(tx, EventKind::KeystoreExported, Some(&account), &format!("address index {index}"), &mut out)?;
            self.inner.log_warnings(tx, SensitiveAction::ExportKeystore, Some(&account), &warnings, &mut out)
        })?;
        self.inner.emit(out);
        Ok(json)
    }

    /// Re-wraps the vault key under a new password (one transaction; data not re-encrypted).
    pub fn change_password(&self, old: &[u8], new: &[u8]) -> Result<()> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.change_password_unscrubbed(old, new))
    }

    fn change_password_unscrubbed(&self, old: &[u8], new: &[u8]) -> Result<()> {
        let (account, gen) = self.inner.session_account()?;
        let row = self.inner.row(&account.id)?;
        password::check_new_password(new, &[&row.name])?;
        let mut out = Vec::new();
        let result = self.inner.check_password_full(Some(&row), old, &mut out).and_then(|v| {
            let salt = random_array::<16>()?.to_vec();
            let params = self.inner.config.kdf_profile.params();
            // The hardware-key factor stays on, with the same security key.
            let pw_key = kdf::wrap_key(kdf::derive(new, &salt, params)?, v.factor.as_ref().map(|f| f.as_input()))?;
            let wrap = aead::seal(&pw_key, &row.id, Purpose::PasswordWrap, v.vault_key.expose())?;
            // The boot clock is a hook: read before the locks (the password's age, ADR 0015).
            let boot = self.inner.boot_now();
            // Applied only if the session that checked the old password is still the current one.
            let cell = lk(&self.inner.cell);
            if cell.generation != gen {
                return Err(Error::SessionChanged);
            }
            lk(&self.inner.store).write(|tx| {
                let new = rows::NewWrap { kdf: params, salt: &salt, wrap: &wrap, hw_salt: row.hw_salt.as_deref() };
                if !rows::replace_password_wrap(tx, &row, &new)? {
                    // Another credential change landed since the row was read.
                    return Err(if rows::by_id(tx, &row.id)?.is_some() { Error::SessionChanged } else { Error::AccountNotFound });
                }
                self.inner.event(tx, EventKind::PasswordChanged, Some(&account), "", &mut out)?;
                crate::store::account_settings::password_set(tx, &row.id, self.inner.now(), &boot)?;
                // The new password was just typed: that is its first rehearsal.
                crate::store::account_settings::password_entered(tx, &row.id, self.inner.now(), &boot)?;
                crash_point("password.before_commit");
                Ok(())
            })?;
            crash_point("password.after_commit");
            drop(cell);
            // The old password's wrap must not linger in WAL frames or free pages.
            lk(&self.inner.store).scrub()
        });
        self.inner.emit(out);
        result
    }
}
