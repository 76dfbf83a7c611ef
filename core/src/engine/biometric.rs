//! Biometric unlock, crypto-object bound.
//!
//! Enabling needs the password *now*: the core creates a random 256-bit secret, the shell
//! stores it behind biometric access control, and the core keeps only the vault key wrapped
//! under it. Unlocking asks the shell for the secret and proves it by unwrapping — a bare
//! "yes" from the platform is never enough. A wrong or stale secret, or an invalidated key,
//! turns biometric unlock off and asks for the password. Biometric attempts neither bypass
//! (an active password delay also blocks them) nor reset the password limiter.

use subtle::ConstantTimeEq;

use crate::auth::keystore::{BiometricPrompt, KeyStoreError, ALIAS_PREFIX};
use crate::engine::session::Cancel;
use crate::engine::{lk, Inner, Notice, WalletCore};
use crate::events::EventKind;
use crate::safety::{SensitiveAction, UnlockOutcome};
use crate::session::SessionAccount;
use crate::store::accounts::{self as rows, AccountRow};
use crate::vault::aead::{self, Purpose};
use crate::vault::{random_array, random_bytes, scrubbed, SecretBytes};
use crate::{Error, Result};

fn map_outcome(e: KeyStoreError) -> Error {
    match e {
        KeyStoreError::Cancelled => Error::BiometricCancelled,
        KeyStoreError::Lockout => Error::BiometricLockout,
        KeyStoreError::NotEnrolled => Error::BiometricNotEnrolled,
        KeyStoreError::Unavailable => Error::BiometricUnavailable,
        KeyStoreError::KeyInvalidated | KeyStoreError::NotFound => Error::BiometricInvalidated,
        KeyStoreError::Other { message } => Error::HookFailed { message },
    }
}

impl Inner {
    /// Turns biometric unlock off after a failed proof and records why.
    fn invalidate_biometric(&self, row: &AccountRow, why: &str, out: &mut Vec<Notice>) -> Result<()> {
        let account = SessionAccount { id: row.id.clone(), name: row.name.clone() };
        lk(&self.store).write(|tx| {
            rows::clear_biometric(tx, &row.id)?;
            self.event_if_present(tx, EventKind::BiometricInvalidated, Some(&account), why, out).map(|_| ())
        })?;
        // The key store is called only after the store lock is released.
        if let Some(alias) = &row.biometric_alias {
            let _ = self.key_store.delete(alias);
        }
        Ok(())
    }

    /// Asks the shell for the biometric secret and proves it by unwrapping the vault key.
    pub(crate) fn biometric_vault_key(&self, row: &AccountRow, prompt: BiometricPrompt, out: &mut Vec<Notice>) -> Result<SecretBytes> {
        let (wrap, alias) = match (&row.biometric_wrap, &row.biometric_alias) {
            (Some(w), Some(a)) => (w, a),
            _ => return Err(Error::BiometricNotEnabled),
        };
        let secret = match self.key_store.load(alias, &prompt) {
            Ok(s) => s,
            Err(e @ (KeyStoreError::KeyInvalidated | KeyStoreError::NotFound)) => {
                self.invalidate_biometric(row, &format!("{e:?}"), out)?;
                return Err(Error::BiometricInvalidated);
            }
            Err(e) => return Err(map_outcome(e)),
        };
        if secret.len() != 32 {
            self.invalidate_biometric(row, "wrong secret", out)?;
            return Err(Error::BiometricInvalidated);
        }
        match aead::open(&secret, &row.id, Purpose::BiometricWrap, wrap)? {
            Some(vk) => Ok(vk),
            None => {
                self.invalidate_biometric(row, "wrong secret", out)?;
                Err(Error::BiometricInvalidated)
            }
        }
    }

    /// A crypto-bound biometric proof for a gate: the unwrapped key must equal the one in
    /// memory (when unlocked).
    pub(crate) fn biometric_proof(&self, row: &AccountRow, prompt: BiometricPrompt, out: &mut Vec<Notice>) -> Result<()> {
        let vk = self.biometric_vault_key(row, prompt, out)?;
        let matches = self.with_unlocked(|u| Ok(u.keys.account_id != row.id || bool::from(u.keys.vault_key.expose().ct_eq(vk.expose()))));
        match matches {
            Ok(false) => Err(Error::BiometricInvalidated),
            Ok(true) | Err(Error::Locked | Error::NotLoggedIn) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

impl WalletCore {
    /// Enables fingerprint/face unlock for the session's account (password required now; the
    /// environment policy first: by default refused on a device without a screen lock).
    pub fn enable_biometric_unlock(&self, password: &[u8]) -> Result<()> {
        scrubbed(|| {
            let i = &self.inner;
            let (account, gen) = i.session_account()?;
            let row = i.row(&account.id)?;
            let warnings = i.guard(SensitiveAction::EnableBiometrics, Some(&account))?;
            let mut out = Vec::new();
            let result = i.check_password(Some(&row), password, &mut out).and_then(|vk| {
                let secret = random_bytes(32)?;
                // A fresh alias per enrolment: a journaled delete of an older enrolment (a logout
                // finishing late) can never remove this one.
                let alias = format!("{ALIAS_PREFIX}{}.{}", row.id, hex::encode(random_array::<8>()?));
                i.key_store.store(&alias, secret.expose()).map_err(map_outcome)?;
                let wrap = aead::seal(&secret, &row.id, Purpose::BiometricWrap, vk.expose())?;
                // Written only if the session is still the one that checked the password.
                let written = i.with_cell(|cell| {
                    if cell.generation != gen {
                        return Err(Error::SessionChanged);
                    }
                    lk(&i.store).write(|tx| {
                        let previous = rows::by_id(tx, &row.id)?.and_then(|r| r.biometric_alias);
                        if !rows::set_biometric(tx, &row.id, &wrap, &alias)? {
                            return Err(Error::AccountNotFound);
                        }
                        i.event(tx, EventKind::BiometricEnabled, Some(&account), "", &mut out)?;
                        i.log_warnings(tx, SensitiveAction::EnableBiometrics, Some(&account), &warnings, &mut out)?;
                        Ok(previous)
                    })
                });
                // Key-store calls after every core lock is released.
                match written {
                    Ok(previous) => {
                        if let Some(old) = previous.filter(|p| *p != alias) {
                            let _ = i.key_store.delete(&old);
                        }
                        Ok(())
                    }
                    Err(e) => {
                        let _ = i.key_store.delete(&alias);
                        Err(e)
                    }
                }
            });
            i.emit(out);
            result
        })
    }

    /// Disables biometric unlock: deletes the platform secret and the wrap.
    pub fn disable_biometric_unlock(&self) -> Result<()> {
        let i = &self.inner;
        let (account, _) = i.session_account()?;
        let row = i.row(&account.id)?;
        if let Some(alias) = &row.biometric_alias {
            match i.key_store.delete(alias) {
                Ok(()) | Err(KeyStoreError::NotFound) => {}
                Err(e) => return Err(map_outcome(e)),
            }
        }
        let mut out = Vec::new();
        lk(&i.store).write(|tx| {
            rows::clear_biometric(tx, &row.id)?;
            i.event(tx, EventKind::BiometricDisabled, Some(&account), "", &mut out)
        })?;
        i.emit(out);
        Ok(())
    }

    /// Unlocks a `Locked` session with fingerprint/face. Refused before the prompt when the
    /// environment policy refuses unlocking or the password rehearsal is due
    /// (`PasswordRehearsalDue`: unlock with the password this time).
    pub fn unlock_with_biometrics(&self) -> Result<UnlockOutcome> {
        self.unlock_with_biometrics_with(&Cancel::new())
    }

    /// [`WalletCore::unlock_with_biometrics`] with a cancellation flag.
    pub fn unlock_with_biometrics_with(&self, cancel: &Cancel) -> Result<UnlockOutcome> {
        scrubbed(|| {
            let i = &self.inner;
            let (account, gen) = match i.to_unlock()? {
                super::auth::ToUnlock::Locked(account, gen) => (account, gen),
                super::auth::ToUnlock::Already(s) => return i.already_unlocked(s),
            };
            let wait = i.attempt_status_of(Some(&account.id))?.retry_after_secs;
            if wait > 0 {
                return Err(Error::TooManyAttempts { retry_after_secs: wait });
            }
            let row = i.row(&account.id)?;
            if row.biometric_wrap.is_none() {
                return Err(Error::BiometricNotEnabled);
            }
            let warnings = i.guard(SensitiveAction::Unlock, Some(&account))?;
            i.check_rehearsal(&row, &account)?;
            let mut out = Vec::new();
            let prompt = i.prompts.unlock(&row.name);
            let result = i.biometric_vault_key(&row, prompt, &mut out);
            i.emit(out);
            let (_, mut outcome) = i.enter_unlocked(gen, Some(cancel), &row, result?, EventKind::BiometricUnlock, warnings)?;
            outcome.state = self.state();
            Ok(outcome)
        })
    }
}
