//! The password check (login, unlock, gates, password change, erase proofs): the attempt is
//! counted in the database before Argon2 runs, unknown names run the same KDF on a decoy so they
//! cost the same time and fail with the same error, and only a success resets the counter (and
//! counts as a password rehearsal, ADR 0015). An account with the hardware-key factor also needs
//! its security key (ADR 0011).

use crate::auth::hardware_key::HardwareKeyError;
use crate::clock::BootReading;
use crate::engine::{lk, Inner, Notice};
use crate::events::EventKind;
use crate::session::limiter;
use crate::session::SessionAccount;
use crate::store::accounts::AccountRow;
use crate::vault::aead::{self, Purpose};
use crate::vault::{kdf, SecretBytes};
use crate::{Error, Result};

/// A password (and, with the factor, security key) that opened an account's wrap.
pub(crate) struct Verified {
    pub vault_key: SecretBytes,
    pub factor: Option<Factor>,
}

/// The hardware-key factor's inputs of one successful check (to re-wrap under the same factor).
pub(crate) struct Factor {
    pub salt: Vec<u8>,
    pub prf: SecretBytes,
}

impl Factor {
    pub fn as_input(&self) -> (&[u8], &SecretBytes) {
        (&self.salt, &self.prf)
    }
}

/// A security-key hook failure as the core reports it.
pub(crate) fn hardware_key_error(e: HardwareKeyError) -> Error {
    match e {
        HardwareKeyError::Cancelled => Error::HardwareKeyCancelled,
        HardwareKeyError::NotPresent => Error::HardwareKeyUnavailable { reason: "no security key was presented".into() },
        HardwareKeyError::Other { message } => Error::HardwareKeyUnavailable { reason: message },
    }
}

impl Inner {
    /// The boot clock now (a hook: never called with a core lock held).
    pub(crate) fn boot_now(&self) -> BootReading {
        crate::clock::read_boot(self.boot_clock.as_ref())
    }

    /// [`Inner::check_password_full`], keeping only the vault key.
    pub(crate) fn check_password(&self, row: Option<&AccountRow>, password: &[u8], out: &mut Vec<Notice>) -> Result<SecretBytes> {
        self.check_password_full(row, password, out).map(|v| v.vault_key)
    }

    /// The security key's PRF output for `row`'s factor salt (no core lock is held).
    fn hardware_prf(&self, row: &AccountRow, hw_salt: &[u8]) -> Result<SecretBytes> {
        let hook = self.hardware_key.as_ref().ok_or_else(|| Error::HardwareKeyUnavailable {
            reason: "this app cannot ask for a security key; restore the wallet from its recovery phrase".into(),
        })?;
        hook.prf(&row.id, hw_salt).map_err(hardware_key_error)
    }

    /// Verifies `password` for `row` (or a decoy when `row` is `None`) under the limiter and
    /// returns the vault key. The attempt is counted in `row`'s bucket (unknown names share
    /// one) before Argon2 runs; a failure reports the attempts left and the delay. An account
    /// with the hardware-key factor also needs its security key's PRF output, asked for after
    /// Argon2 whatever the password (so the prompt says nothing about it); a wrong key fails
    /// exactly like a wrong password and counts the same.
    pub(crate) fn check_password_full(&self, row: Option<&AccountRow>, password: &[u8], out: &mut Vec<Notice>) -> Result<Verified> {
        let profile = self.config.kdf_profile;
        if let Some(r) = row {
            profile.check(r.kdf)?;
        }
        let bucket = row.map_or(limiter::UNKNOWN_BUCKET, |r| r.id.as_str());
        let (boot, wall) = (self.boot_now(), self.now());
        let entry = match lk(&self.store).write(|tx| limiter::admit(tx, bucket, &boot, wall))? {
            limiter::Admission::Refused { retry_after_secs } => return Err(Error::TooManyAttempts { retry_after_secs }),
            limiter::Admission::Admitted { window_entry } => window_entry,
        };
        // The KDF runs without holding any lock.
        let mut factor = None;
        let vault_key = match row {
            Some(r) => {
                let pw_key = kdf::derive(password, &r.kdf_salt, r.kdf)?;
                if let Some(hw_salt) = &r.hw_salt {
                    factor = Some(Factor { salt: hw_salt.clone(), prf: self.hardware_prf(r, hw_salt)? });
                }
                let key = kdf::wrap_key(pw_key, factor.as_ref().map(|f| (f.salt.as_slice(), &f.prf)))?;
                aead::open(&key, &r.id, Purpose::PasswordWrap, &r.password_wrap)?
            }
            None => {
                let decoy = kdf::derive(password, &[0u8; 16], profile.params())?;
                let _ = aead::open(&decoy, "decoy", Purpose::PasswordWrap, &[0u8; 72]);
                None
            }
        };
        match vault_key {
            Some(k) => {
                let (boot, now) = (self.boot_now(), self.now());
                lk(&self.store).write(|tx| {
                    limiter::succeeded(tx, bucket, entry)?;
                    // Every correct password is a rehearsal of it (ADR 0015).
                    match row {
                        Some(r) => crate::store::account_settings::password_entered(tx, &r.id, now, &boot),
                        None => Ok(()),
                    }
                })?;
                Ok(Verified { vault_key: k, factor })
            }
            None => {
                let account = row.map(|r| SessionAccount { id: r.id.clone(), name: r.name.clone() });
                let boot = self.boot_now();
                let st = lk(&self.store).write(|tx| {
                    let present = self.event_if_present(tx, EventKind::LoginFailed, account.as_ref(), "", out)?;
                    let st = limiter::status(tx, bucket, &boot)?;
                    if st.retry_after_secs > 0 && present {
                        let d = st.retry_after_secs;
                        self.event(tx, EventKind::DelayStarted, account.as_ref(), &format!("next attempt in {d} s"), out)?;
                    }
                    Ok(st)
                })?;
                Err(Error::InvalidCredentials { attempts_left: st.attempts_left, retry_after_secs: st.retry_after_secs })
            }
        }
    }

    /// The limiter status of `account_id`'s bucket (the unknown bucket for `None`).
    pub(crate) fn attempt_status_of(&self, account_id: Option<&str>) -> Result<limiter::AttemptStatus> {
        let boot = self.boot_now();
        limiter::status(lk(&self.store).conn(), account_id.unwrap_or(limiter::UNKNOWN_BUCKET), &boot)
    }
}
