//! Turning the second factor on and off, and the recovery codes (issue 19, ADR 0014).
//!
//! * **Authenticator app**: [`WalletCore::begin_totp_enrollment`] (password) stores a new secret
//!   under the vault key as *pending* and returns it once (Base32 and `otpauth://` URI, as
//!   bytes); [`WalletCore::confirm_totp_enrollment`] turns it on only with a valid code from the
//!   app, and returns the ten recovery codes. Five wrong codes drop the pending enrollment.
//! * **App-verified code**: [`WalletCore::enable_app_verified_factor`] (password + a code the
//!   app's verifier accepts) turns it on and returns the recovery codes.
//! * Turning it off ([`WalletCore::disable_second_factor`]) and new recovery codes
//!   ([`WalletCore::regenerate_recovery_codes`]) need the password **and** a valid factor, one
//!   check under the limiter that fails like a wrong login.
//!
//! Every change needs an unlocked session of the account and is applied only if that session is
//! still the current one (the generation), like the other credential changes.

use crate::auth::recovery_codes::{self, CodeKey};
use crate::auth::second_factor::{SecondFactor, SecondFactorMethod, SecondFactorStatus, TotpEnrollment};
use crate::auth::totp;
use crate::engine::factor_check::FactorPolicy;
use crate::engine::session::Session;
use crate::engine::{lk, Inner, WalletCore};
use crate::events::EventKind;
use crate::safety::SensitiveAction;
use crate::session::limiter;
use crate::session::SessionAccount;
use crate::store::second_factor::{self as store, FactorRow, FactorState};
use crate::vault::aead::{self, Purpose};
use crate::vault::{scrubbed, SecretBytes};
use crate::{Error, Result};

/// Wrong codes a pending authenticator enrollment survives.
pub const MAX_CONFIRM_FAILURES: u32 = 5;

fn already_on() -> Error {
    Error::InvalidArgument { reason: "a second factor is already on for this account: turn it off first".into() }
}

fn none_on() -> Error {
    Error::InvalidArgument { reason: "no second factor is on for this account".into() }
}

fn method_label(m: SecondFactorMethod) -> &'static str {
    match m {
        SecondFactorMethod::Totp => "authenticator app",
        SecondFactorMethod::AppVerified => "code from the app's server",
    }
}

impl Inner {
    /// Runs `f` in one store transaction only while the session of generation `gen` is still the
    /// current, unlocked one (lock order: session → store); notices go out after both are
    /// released.
    fn in_session<T>(
        &self,
        gen: u64,
        f: impl FnOnce(&rusqlite::Transaction<'_>, &SecretBytes, &mut Vec<crate::engine::Notice>) -> Result<T>,
    ) -> Result<T> {
        let mut out = Vec::new();
        let result = {
            let cell = lk(&self.cell);
            let vault_key = match &cell.session {
                Session::Unlocked(u) if cell.generation == gen => &u.keys.vault_key,
                _ => return Err(Error::SessionChanged),
            };
            lk(&self.store).write(|tx| f(tx, vault_key, &mut out))
        };
        if result.is_ok() {
            self.emit(out);
        }
        result
    }

    /// The password (and, with `factor`, the second factor) of the unlocked session's account,
    /// under the limiter; returns the account and the session's generation.
    fn factor_change_proof(&self, password: &[u8], factor: Option<&SecondFactor>) -> Result<(SessionAccount, u64)> {
        let (account, gen) = self.unlocked_account()?;
        let row = self.row(&account.id)?;
        let on = store::method_on(lk(&self.store).conn(), &account.id)?;
        match (factor.is_some(), on.is_some()) {
            (false, true) => return Err(already_on()),
            (true, false) => return Err(none_on()),
            _ => {}
        }
        let policy = match factor {
            Some(f) => FactorPolicy::Required(Some(f)),
            None => FactorPolicy::PasswordOnly,
        };
        let mut out = Vec::new();
        let result = self.check_credentials(Some(&row), password, policy, &mut out);
        self.emit(out);
        result?;
        Ok((account, gen))
    }

    /// Writes a new set of recovery codes for `account` (old ones stop working); returns them.
    fn new_recovery_codes(&self, tx: &rusqlite::Connection, vault_key: &SecretBytes, account: &SessionAccount) -> Result<Vec<SecretBytes>> {
        let (shown, hashes) = recovery_codes::generate(&CodeKey::derive(vault_key, &account.id)?)?;
        store::replace_recovery_codes(tx, &account.id, &hashes)?;
        Ok(shown)
    }

    /// Turns `method` on for `account` in `tx` (with fresh recovery codes and the event).
    fn turn_on(
        &self,
        tx: &rusqlite::Connection,
        vault_key: &SecretBytes,
        account: &SessionAccount,
        row: FactorRow,
        out: &mut Vec<crate::engine::Notice>,
    ) -> Result<Vec<SecretBytes>> {
        let method = row.method;
        store::put(tx, &account.id, &FactorRow { state: FactorState::On, ..row })?;
        let codes = self.new_recovery_codes(tx, vault_key, account)?;
        self.event(tx, EventKind::SecondFactorEnabled, Some(account), method_label(method), out)?;
        Ok(codes)
    }
}

impl WalletCore {
    /// Starts adding an authenticator app to the session's account: checks the password (under
    /// the limiter), stores a new secret under the vault key as pending, and returns it once
    /// (`issuer` names the app in the authenticator's list). Nothing changes for logins until
    /// [`WalletCore::confirm_totp_enrollment`] gets a valid code. Starting again replaces a
    /// pending enrollment.
    pub fn begin_totp_enrollment(&self, password: &[u8], issuer: &str) -> Result<TotpEnrollment> {
        scrubbed(|| {
            totp::check_issuer(issuer)?;
            let i = &self.inner;
            let (account, gen) = i.factor_change_proof(password, None)?;
            let secret = totp::new_secret()?;
            let now = i.now();
            i.in_session(gen, |tx, vault_key, _| {
                if store::method_on(tx, &account.id)?.is_some() {
                    return Err(already_on());
                }
                let sealed = aead::seal(vault_key, &account.id, Purpose::TotpSecret, secret.expose())?;
                let row = FactorRow {
                    method: SecondFactorMethod::Totp,
                    state: FactorState::Pending,
                    totp_secret: Some(sealed),
                    last_step: None,
                    created_at: now,
                };
                store::put(tx, &account.id, &row)
            })?;
            Ok(TotpEnrollment {
                secret_base32: totp::base32(secret.expose()),
                otpauth_uri: totp::otpauth_uri(secret.expose(), issuer, &account.name),
            })
        })
    }

    /// Finishes an authenticator enrollment with the code the app shows now: the factor is on
    /// from here, and the ten recovery codes are returned — shown once, never again. A wrong
    /// code is `SecondFactorCodeRejected`; after [`MAX_CONFIRM_FAILURES`] the pending
    /// enrollment is dropped (start again).
    pub fn confirm_totp_enrollment(&self, code: &[u8]) -> Result<Vec<SecretBytes>> {
        scrubbed(|| {
            let i = &self.inner;
            let (account, gen) = i.unlocked_account()?;
            let now = i.now();
            let rejected = i.in_session(gen, |tx, vault_key, out| {
                let row = store::get(tx, &account.id)?;
                let Some(row) = row.filter(|r| r.state == FactorState::Pending && r.method == SecondFactorMethod::Totp) else {
                    return Err(match store::method_on(tx, &account.id)? {
                        Some(_) => already_on(),
                        None => Error::InvalidArgument { reason: "no authenticator enrollment was started: begin one first".into() },
                    });
                };
                let sealed = row.totp_secret.as_deref().ok_or(Error::VaultCorrupted)?;
                let secret = aead::open(vault_key, &account.id, Purpose::TotpSecret, sealed)?.ok_or(Error::VaultCorrupted)?;
                match totp::matching_step(secret.expose(), code, now, None)? {
                    Some(step) => Ok(Ok(i.turn_on(tx, vault_key, &account, FactorRow { last_step: Some(step), ..row }, out)?)),
                    None => {
                        if store::note_confirm_failure(tx, &account.id)? >= MAX_CONFIRM_FAILURES {
                            store::delete(tx, &account.id)?;
                        }
                        Ok(Err(Error::SecondFactorCodeRejected))
                    }
                }
            })?;
            rejected
        })
    }

    /// Turns on the app-verified code for the session's account: the password (under the
    /// limiter), then a code the app's server sent, which the app's [`AppCodeVerifier`] must
    /// accept. Returns the ten recovery codes (shown once).
    ///
    /// [`AppCodeVerifier`]: crate::auth::second_factor::AppCodeVerifier
    pub fn enable_app_verified_factor(&self, password: &[u8], code: &[u8]) -> Result<Vec<SecretBytes>> {
        scrubbed(|| {
            let i = &self.inner;
            let hook = i.app_codes.clone().ok_or_else(|| Error::SecondFactorUnavailable {
                reason: "this app cannot check verification codes (no verifier was given)".into(),
            })?;
            let (account, gen) = i.factor_change_proof(password, None)?;
            // The code is a guess at the server's secret: counted in the account's factor bucket
            // (which the password's success above did not clear) before the server is asked.
            let boot = i.boot_now();
            if let Some(retry_after_secs) = lk(&i.store).write(|tx| limiter::admit_factor(tx, &account.id, &boot))? {
                return Err(Error::TooManyAttempts { retry_after_secs });
            }
            // The app's server, with no core lock held.
            match hook.verify_code(&account.id, code) {
                Ok(true) => {}
                Ok(false) => return Err(Error::SecondFactorCodeRejected),
                Err(crate::auth::second_factor::AppCodeError::Unavailable { message })
                | Err(crate::auth::second_factor::AppCodeError::Other { message }) => {
                    return Err(Error::SecondFactorUnavailable { reason: message })
                }
            }
            let now = i.now();
            i.in_session(gen, |tx, vault_key, out| {
                if store::method_on(tx, &account.id)?.is_some() {
                    return Err(already_on());
                }
                let row = FactorRow {
                    method: SecondFactorMethod::AppVerified,
                    state: FactorState::On,
                    totp_secret: None,
                    last_step: None,
                    created_at: now,
                };
                limiter::factor_passed(tx, &account.id)?;
                i.turn_on(tx, vault_key, &account, row, out)
            })
        })
    }

    /// Turns the second factor off: needs the password and a valid factor (a code of the
    /// method or a recovery code), checked together under the limiter — wrong, it fails like a
    /// wrong login. The secret and every recovery code are deleted and scrubbed from the files.
    pub fn disable_second_factor(&self, password: &[u8], factor: &SecondFactor) -> Result<()> {
        scrubbed(|| {
            let i = &self.inner;
            // The environment policy first (ADR 0015), before any attempt is counted.
            let (session_account, _) = i.unlocked_account()?;
            let warnings = i.guard(SensitiveAction::DisableSecondFactor, Some(&session_account))?;
            let (account, gen) = i.factor_change_proof(password, Some(factor))?;
            i.in_session(gen, |tx, _, out| {
                let Some(method) = store::method_on(tx, &account.id)? else { return Err(none_on()) };
                store::delete(tx, &account.id)?;
                i.log_warnings(tx, SensitiveAction::DisableSecondFactor, Some(&account), &warnings, out)?;
                i.event(tx, EventKind::SecondFactorDisabled, Some(&account), method_label(method), out)
            })?;
            // The secret and the hashes must not linger in WAL frames or free pages.
            lk(&i.store).scrub()
        })
    }

    /// New recovery codes (the old ones stop working): needs the password and a valid factor,
    /// like turning it off. Returns the ten new codes (shown once).
    pub fn regenerate_recovery_codes(&self, password: &[u8], factor: &SecondFactor) -> Result<Vec<SecretBytes>> {
        scrubbed(|| {
            let i = &self.inner;
            let (account, gen) = i.factor_change_proof(password, Some(factor))?;
            let codes = i.in_session(gen, |tx, vault_key, out| {
                if store::method_on(tx, &account.id)?.is_none() {
                    return Err(none_on());
                }
                let codes = i.new_recovery_codes(tx, vault_key, &account)?;
                i.event(tx, EventKind::RecoveryCodesRegenerated, Some(&account), "", out)?;
                Ok(codes)
            })?;
            lk(&i.store).scrub()?;
            Ok(codes)
        })
    }

    /// The second factor of the session's account (`Locked` or `Unlocked`).
    pub fn second_factor_status(&self) -> Result<SecondFactorStatus> {
        let (account, _) = self.inner.session_account()?;
        let store = lk(&self.inner.store);
        let row = store::get(store.conn(), &account.id)?;
        Ok(SecondFactorStatus {
            method: row.as_ref().filter(|r| r.state == FactorState::On).map(|r| r.method),
            recovery_codes_left: store::recovery_count(store.conn(), &account.id)?,
            totp_enrollment_pending: row.is_some_and(|r| r.state == FactorState::Pending),
        })
    }
}
