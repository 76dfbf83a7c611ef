//! The hardware-key factor (issue 17, ADR 0011): turning it on and off. With it, the vault
//! key's password wrap is sealed under HKDF(Argon2(password), PRF(security key, salt)), so the
//! password alone opens nothing, and neither does the key. Losing the key means restoring from
//! the recovery phrase.

use crate::engine::password_check::{hardware_key_error, Factor, Verified};
use crate::engine::session::Session;
use crate::engine::{lk, WalletCore};
use crate::events::EventKind;
use crate::safety::SensitiveAction;
use crate::store::accounts as rows;
use crate::vault::aead::{self, Purpose};
use crate::vault::{kdf, random_array, scrubbed};
use crate::{Error, Result};

impl WalletCore {
    /// Turns the hardware-key factor on for the session's account: checks the password (under
    /// the limiter), registers a credential on the user's security key, asks it twice for the
    /// PRF of a new salt (the two must agree), and re-wraps the vault key under password + key.
    pub fn enable_hardware_key(&self, password: &[u8]) -> Result<()> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.set_hardware_key(password, true))
    }

    /// Turns the factor off: the environment policy's `DisableSecondFactor` rule first, then the
    /// password and the security key (one proof, checked together); re-wraps the vault key under
    /// the password alone.
    pub fn disable_hardware_key(&self, password: &[u8]) -> Result<()> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.set_hardware_key(password, false))
    }

    fn set_hardware_key(&self, password: &[u8], on: bool) -> Result<()> {
        let i = &self.inner;
        let (account, gen) = i.unlocked_account()?;
        let row = i.row(&account.id)?;
        if on == row.hw_salt.is_some() {
            let state = if on { "already on" } else { "not on" };
            return Err(Error::InvalidArgument { reason: format!("the hardware-key factor is {state} for this account") });
        }
        let hook = match (on, i.hardware_key.clone()) {
            (true, None) => return Err(Error::HardwareKeyUnavailable { reason: "this app cannot ask for a security key".into() }),
            (_, hook) => hook,
        };
        // Turning the factor off weakens the account: the environment policy first (ADR 0015).
        let warnings = if on { Vec::new() } else { i.guard(SensitiveAction::DisableSecondFactor, Some(&account))? };
        // The password (and, to turn it off, the key) first, under the limiter.
        let mut out = Vec::new();
        let result = i.check_password_full(Some(&row), password, &mut out);
        i.emit(out);
        let Verified { vault_key, .. } = result?;
        let factor = match hook.filter(|_| on) {
            Some(hook) => {
                hook.enroll(&row.id, &row.name).map_err(hardware_key_error)?;
                let salt = random_array::<32>()?.to_vec();
                let prf = hook.prf(&row.id, &salt).map_err(hardware_key_error)?;
                let again = hook.prf(&row.id, &salt).map_err(hardware_key_error)?;
                if prf.len() != 32 || prf.expose() != again.expose() {
                    return Err(Error::HookFailed { message: "the security key did not return the same 32-byte PRF output twice".into() });
                }
                Some(Factor { salt, prf })
            }
            None => None,
        };
        let kdf_salt = random_array::<16>()?.to_vec();
        let params = i.config.kdf_profile.params();
        let key = kdf::wrap_key(kdf::derive(password, &kdf_salt, params)?, factor.as_ref().map(Factor::as_input))?;
        let wrap = aead::seal(&key, &row.id, Purpose::PasswordWrap, vault_key.expose())?;
        let mut out = Vec::new();
        let kind = if on { EventKind::HardwareKeyEnabled } else { EventKind::HardwareKeyDisabled };
        // Applied only if the session that gave the proof is still the current one.
        let cell = lk(&i.cell);
        if cell.generation != gen || !matches!(cell.session, Session::Unlocked(_)) {
            return Err(Error::SessionChanged);
        }
        lk(&i.store).write(|tx| {
            let new = rows::NewWrap { kdf: params, salt: &kdf_salt, wrap: &wrap, hw_salt: factor.as_ref().map(|f| f.salt.as_slice()) };
            if !rows::replace_password_wrap(tx, &row, &new)? {
                // Another credential change (a password change, the other switch) landed since
                // the row was read: nothing is written.
                return Err(if rows::by_id(tx, &row.id)?.is_some() { Error::SessionChanged } else { Error::AccountNotFound });
            }
            if on && row.biometric_wrap.is_some() {
                // Biometric unlock was set up with the password alone; with the factor on it
                // would open the vault without the key. It goes (re-enable it to keep it).
                rows::clear_biometric(tx, &row.id)?;
                i.event(tx, EventKind::BiometricDisabled, Some(&account), "the hardware-key factor was turned on", &mut out)?;
            }
            i.event(tx, kind, Some(&account), "", &mut out)?;
            i.log_warnings(tx, SensitiveAction::DisableSecondFactor, Some(&account), &warnings, &mut out)
        })?;
        drop(cell);
        i.emit(out);
        if on {
            if let Some(alias) = &row.biometric_alias {
                // Best effort: an entry no wallet refers to is purged on the next open anyway.
                let _ = i.key_store.delete(alias);
            }
        }
        // The replaced wrap must not linger in WAL frames or free pages.
        lk(&i.store).scrub()
    }
}
