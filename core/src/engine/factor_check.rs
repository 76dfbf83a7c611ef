//! The second factor inside the password check (issue 19, ADR 0014).
//!
//! The TOTP secret and the recovery-code key are under the vault key, so the factor is checked
//! **after** the password — and without saying which of the two was wrong:
//!
//! * the same work runs whether the password was right or not: a wrong password checks the
//!   typed code against a zero secret and a random recovery-code key (no match, same cost);
//! * the app-verified code goes to the app's [`AppCodeVerifier`] whatever the password (a hook
//!   error is returned as it is, whatever the password);
//! * a missing or wrong factor with the right password takes the wrong-password path: the
//!   attempt stays counted in the limiter, `LoginFailed` (and `DelayStarted`) are logged, and the
//!   error is `InvalidCredentials` with the limiter's numbers;
//! * a factor that checked out is used up in the limiter's success transaction (the TOTP step
//!   recorded, the recovery code deleted) after being checked again there, so two logins racing
//!   with one code cannot both pass — and against the same secret / stored hash it matched, so
//!   a regeneration or re-enrollment during the KDF does not let a stale match through;
//! * every check asking for the factor also counts in the account's factor bucket
//!   (`limiter::factor_bucket`), which only a factor pass clears.

use rusqlite::Connection;
use subtle::ConstantTimeEq;

use crate::auth::recovery_codes::{self, CodeKey};
use crate::auth::second_factor::{AppCodeError, SecondFactor, SecondFactorMethod};
use crate::auth::totp;
use crate::engine::{Inner, Notice};
use crate::events::EventKind;
use crate::session::SessionAccount;
use crate::store::accounts::AccountRow;
use crate::store::second_factor::{self as store, FactorState};
use crate::vault::aead::{self, Purpose};
use crate::vault::SecretBytes;
use crate::{Error, Result};

/// Whether a password check also asks for the account's second factor.
#[derive(Clone, Copy)]
pub(crate) enum FactorPolicy<'a> {
    /// A password proof (gates, password change, erase, biometrics setup, the hardware key):
    /// the session's account already passed its factor at login.
    PasswordOnly,
    /// Login, and unlock under the app's policy: the account's factor, if it has one on.
    Required(Option<&'a SecondFactor>),
}

/// What the check reads of the account's factor before the KDF.
pub(crate) struct FactorPlan {
    method: SecondFactorMethod,
    totp_secret: Option<Vec<u8>>,
    last_step: Option<u64>,
    recovery: Vec<(i64, Vec<u8>)>,
}

/// A factor that checked out, to use up with the limiter's success.
pub(crate) enum FactorPass {
    /// A password proof: no factor asked ([`FactorPolicy::PasswordOnly`]).
    NotAsked,
    /// The account had no factor on (checked again with the success).
    NoneOn,
    /// The step a code matched, and the sealed secret it matched under (a re-enrollment in
    /// between replaces the secret: the stale match must not pass).
    TotpStep {
        step: u64,
        sealed: Vec<u8>,
    },
    /// The recovery code's index and its stored hash as matched (a regeneration in between
    /// reuses the index for a new code: the stale match must not use that one up).
    RecoveryCode {
        idx: i64,
        hash: Vec<u8>,
    },
    AppVerified,
}

/// The factor's verdict, reached with no lock held.
pub(crate) enum FactorOutcome {
    Pass(FactorPass),
    /// Missing, wrong, or of another method: the wrong-password path.
    Wrong,
    /// The app's verifier could not answer (returned as it is, whatever the password).
    Unavailable(Error),
}

fn app_code_error(e: AppCodeError) -> Error {
    match e {
        AppCodeError::Unavailable { message } | AppCodeError::Other { message } => Error::SecondFactorUnavailable { reason: message },
    }
}

/// The plan for `account_id` (`None`: no factor on).
pub(crate) fn plan(conn: &Connection, account_id: &str) -> Result<Option<FactorPlan>> {
    let Some(row) = store::get(conn, account_id)?.filter(|r| r.state == FactorState::On) else { return Ok(None) };
    Ok(Some(FactorPlan {
        method: row.method,
        totp_secret: row.totp_secret,
        last_step: row.last_step,
        recovery: store::recovery_hashes(conn, account_id)?,
    }))
}

impl Inner {
    /// The factor's verdict for `row` given `vault_key` (`None`: the password was wrong — the
    /// same work is done, and the verdict is never a pass). No core lock is held: the app's
    /// verifier may be called.
    pub(crate) fn verify_factor(
        &self,
        row: &AccountRow,
        plan: Option<&FactorPlan>,
        given: Option<&SecondFactor>,
        vault_key: Option<&SecretBytes>,
    ) -> FactorOutcome {
        let Some(plan) = plan else { return FactorOutcome::Pass(FactorPass::NoneOn) };
        let pass = match self.factor_matches(row, plan, given, vault_key) {
            Ok(Some(pass)) => pass,
            Ok(None) => return FactorOutcome::Wrong,
            Err(e @ Error::SecondFactorUnavailable { .. }) => return FactorOutcome::Unavailable(e),
            // Anything else (a damaged secret): fail closed, like a wrong factor.
            Err(_) => return FactorOutcome::Wrong,
        };
        match vault_key {
            Some(_) => FactorOutcome::Pass(pass),
            None => FactorOutcome::Wrong,
        }
    }

    fn factor_matches(
        &self,
        row: &AccountRow,
        plan: &FactorPlan,
        given: Option<&SecondFactor>,
        vault_key: Option<&SecretBytes>,
    ) -> Result<Option<FactorPass>> {
        match (plan.method, given) {
            (SecondFactorMethod::Totp, Some(SecondFactor::Totp { code })) => {
                // A wrong password cannot open the secret: a random key fails to open it and a
                // zero secret is checked instead (the same work).
                let decoy;
                let key = match vault_key {
                    Some(k) => k,
                    None => {
                        decoy = crate::vault::random_bytes(32)?;
                        &decoy
                    }
                };
                let opened = match &plan.totp_secret {
                    Some(sealed) => aead::open(key, &row.id, Purpose::TotpSecret, sealed)?,
                    None => None,
                };
                let secret = opened.unwrap_or_else(|| SecretBytes::new(vec![0u8; totp::SECRET_BYTES]));
                let step = totp::matching_step(secret.expose(), code.expose(), self.now(), plan.last_step)?;
                Ok(step.zip(plan.totp_secret.clone()).map(|(step, sealed)| FactorPass::TotpStep { step, sealed }))
            }
            (_, Some(SecondFactor::RecoveryCode { code })) => {
                let key = match vault_key {
                    Some(k) => CodeKey::derive(k, &row.id)?,
                    None => CodeKey::decoy()?,
                };
                let idx = recovery_codes::find(&key, code.expose(), &plan.recovery)?;
                Ok(idx
                    .and_then(|idx| plan.recovery.iter().find(|(i, _)| *i == idx))
                    .map(|(idx, hash)| FactorPass::RecoveryCode { idx: *idx, hash: hash.clone() }))
            }
            (SecondFactorMethod::AppVerified, Some(SecondFactor::AppVerified { code })) => {
                let hook = self.app_codes.as_ref().ok_or_else(|| Error::SecondFactorUnavailable {
                    reason: "this app cannot check verification codes; use a recovery code".into(),
                })?;
                Ok(hook.verify_code(&row.id, code.expose()).map_err(app_code_error)?.then_some(FactorPass::AppVerified))
            }
            // Missing, or a code of the other method.
            _ => Ok(None),
        }
    }

    /// Uses up a factor that checked out, inside the limiter's success transaction: checks it
    /// again against the row as it is now (a concurrent login may have used it) and records it.
    /// `false`: it no longer passes (the attempt fails like a wrong one).
    pub(crate) fn use_factor(&self, conn: &Connection, row: &AccountRow, pass: &FactorPass, out: &mut Vec<Notice>) -> Result<bool> {
        match pass {
            FactorPass::NotAsked => Ok(true),
            // Turned on since the plan was read: this login did not pass it.
            FactorPass::NoneOn => Ok(store::method_on(conn, &row.id)?.is_none()),
            FactorPass::AppVerified => Ok(store::method_on(conn, &row.id)? == Some(SecondFactorMethod::AppVerified)),
            FactorPass::TotpStep { step, sealed } => {
                let now = store::get(conn, &row.id)?;
                let fresh = now.as_ref().is_some_and(|r| {
                    r.state == FactorState::On
                        && r.method == SecondFactorMethod::Totp
                        && r.totp_secret.as_deref() == Some(sealed.as_slice())
                        && r.last_step.is_none_or(|l| *step > l)
                });
                if fresh {
                    store::set_last_step(conn, &row.id, *step)?;
                }
                Ok(fresh)
            }
            FactorPass::RecoveryCode { idx, hash } => {
                let current = store::recovery_hashes(conn, &row.id)?;
                let same = current.iter().any(|(i, h)| i == idx && bool::from(h.as_slice().ct_eq(hash.as_slice())));
                if !same || !store::use_recovery_code(conn, &row.id, *idx)? {
                    return Ok(false);
                }
                let left = store::recovery_count(conn, &row.id)?;
                let account = SessionAccount { id: row.id.clone(), name: row.name.clone() };
                let detail = format!("{left} recovery code{} left", if left == 1 { "" } else { "s" });
                self.event(conn, EventKind::RecoveryCodeUsed, Some(&account), &detail, out)?;
                Ok(true)
            }
        }
    }

    /// The plan of `row`'s factor under `policy` (read in the admission's transaction).
    pub(crate) fn factor_plan(&self, conn: &Connection, row: Option<&AccountRow>, policy: FactorPolicy<'_>) -> Result<Option<FactorPlan>> {
        match (policy, row) {
            (FactorPolicy::Required(_), Some(r)) => plan(conn, &r.id),
            _ => Ok(None),
        }
    }
}
