//! The password check (login, unlock, gates, password change, erase proofs): the attempt is
//! counted in the database before Argon2 runs, unknown names run the same KDF on a decoy so they
//! cost the same time and fail with the same error, and only a success resets the counter (and
//! counts as a password rehearsal, ADR 0015). An account with the hardware-key factor also needs
//! its security key (ADR 0011); a login (and an unlock under the app's policy) also needs the
//! account's second factor, checked after the password and failing exactly like it
//! (`factor_check.rs`, ADR 0014).

use crate::auth::hardware_key::HardwareKeyError;
use crate::clock::BootReading;
use crate::engine::factor_check::{FactorOutcome, FactorPass, FactorPolicy};
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
        self.check_credentials(row, password, FactorPolicy::PasswordOnly, out)
    }

    /// [`Inner::check_password_full`] that, under [`FactorPolicy::Required`], also needs the
    /// account's second factor (when it has one on): checked after the password whatever the
    /// password (`factor_check.rs`); missing or wrong, the attempt fails exactly like a wrong
    /// password — same error, same count, same events — and a factor that passed is used up in
    /// the limiter's success transaction.
    pub(crate) fn check_credentials(
        &self,
        row: Option<&AccountRow>,
        password: &[u8],
        policy: FactorPolicy<'_>,
        out: &mut Vec<Notice>,
    ) -> Result<Verified> {
        let profile = self.config.kdf_profile;
        if let Some(r) = row {
            profile.check(r.kdf)?;
        }
        let bucket = row.map_or(limiter::UNKNOWN_BUCKET, |r| r.id.as_str());
        let (boot, wall) = (self.boot_now(), self.now());
        // The factor's plan is read with the admission: an account with a factor on also counts
        // the attempt in its factor bucket, which a password-only success does not clear.
        let (admission, plan) = lk(&self.store).write(|tx| {
            let plan = self.factor_plan(tx, row, policy)?;
            let factor_account = row.filter(|_| plan.is_some()).map(|r| r.id.as_str());
            Ok((limiter::admit_with_factor(tx, bucket, factor_account, &boot, wall)?, plan))
        })?;
        let entry = match admission {
            limiter::Admission::Refused { retry_after_secs } => return Err(Error::TooManyAttempts { retry_after_secs }),
            limiter::Admission::Admitted { window_entry } => window_entry,
        };
        let factor_account = row.filter(|_| plan.is_some()).map(|r| r.id.as_str());
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
        let second = match (row, policy) {
            (Some(r), FactorPolicy::Required(given)) => self.verify_factor(r, plan.as_ref(), given, vault_key.as_ref()),
            _ => FactorOutcome::Pass(FactorPass::NotAsked),
        };
        let pass = match second {
            FactorOutcome::Pass(p) => Some(p),
            FactorOutcome::Wrong => None,
            // Said whatever the password: the attempt stays counted.
            FactorOutcome::Unavailable(e) => return Err(e),
        };
        let opened = match (vault_key, pass, row) {
            (Some(k), Some(pass), Some(r)) => {
                // Notices of this transaction go out only if it commits.
                let mut noted = Vec::new();
                let (boot, now) = (self.boot_now(), self.now());
                let used = lk(&self.store).write(|tx| {
                    if !self.use_factor(tx, r, &pass, &mut noted)? {
                        return Ok(false);
                    }
                    limiter::succeeded(tx, bucket, entry)?;
                    if let Some(id) = factor_account {
                        limiter::factor_passed(tx, id)?;
                    }
                    // Every correct password is a rehearsal of it (ADR 0015).
                    crate::store::account_settings::password_entered(tx, &r.id, now, &boot)?;
                    Ok(true)
                })?;
                out.append(&mut noted);
                used.then_some(k)
            }
            _ => None,
        };
        match opened {
            Some(k) => Ok(Verified { vault_key: k, factor }),
            None => {
                let account = row.map(|r| SessionAccount { id: r.id.clone(), name: r.name.clone() });
                let boot = self.boot_now();
                let st = lk(&self.store).write(|tx| {
                    let present = self.event_if_present(tx, EventKind::LoginFailed, account.as_ref(), "", out)?;
                    let st = limiter::status_with_factor(tx, bucket, factor_account, &boot)?;
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

    /// The limiter status of `account_id`'s bucket for a check that asks for its second factor
    /// when `asks_factor` (then the stricter of it and the account's factor bucket, when the
    /// account has a factor on).
    pub(crate) fn attempt_status_with_factor(&self, account_id: Option<&str>, asks_factor: bool) -> Result<limiter::AttemptStatus> {
        let boot = self.boot_now();
        let store = lk(&self.store);
        let on = match account_id {
            Some(id) if asks_factor => crate::store::second_factor::method_on(store.conn(), id)?.is_some(),
            _ => false,
        };
        let bucket = account_id.unwrap_or(limiter::UNKNOWN_BUCKET);
        limiter::status_with_factor(store.conn(), bucket, account_id.filter(|_| on), &boot)
    }

    /// The limiter status of `account_id`'s bucket (the unknown bucket for `None`).
    pub(crate) fn attempt_status_of(&self, account_id: Option<&str>) -> Result<limiter::AttemptStatus> {
        let boot = self.boot_now();
        limiter::status(lk(&self.store).conn(), account_id.unwrap_or(limiter::UNKNOWN_BUCKET), &boot)
    }
}
