//! Login, unlock, lock, auto-lock and app background/foreground.
//!
//! Every password check goes through [`Inner::check_password`] (`password_check.rs`).
//!
//! A password login or unlock of an account whose KDF parameters are below the profile's
//! default (created before the default was raised) then re-wraps its vault key under the
//! default: [`Inner::upgrade_kdf`] (ADR 0010).

use std::sync::Weak;
use std::time::Instant;

use tokio::sync::watch;

use crate::auth::gates::{AuthProof, GatedAction};
use crate::auth::second_factor::SecondFactor;
use crate::connections::clipboard::ClipboardClearReason;
use crate::engine::factor_check::FactorPolicy;
use crate::engine::password_check::{Factor, Verified};
use crate::engine::session::{Cancel, Expect, Session};
use crate::engine::{lk, Inner, WalletCore};
use crate::events::EventKind;
use crate::safety::{RiskFinding, SensitiveAction, UnlockOutcome};
use crate::session::autolock::AutoLock;
use crate::session::limiter;
use crate::session::{SessionAccount, SessionState};
use crate::store::account_settings;
use crate::store::accounts::{self as rows, AccountRow};
use crate::store::crash::crash_point;
use crate::vault::aead::{self, Purpose};
use crate::vault::secrets::AccountSecret;
use crate::vault::{kdf, random_array, scrubbed, SecretBytes};
use crate::{Error, Result};

/// Where an unlock starts from.
pub(crate) enum ToUnlock {
    Locked(SessionAccount, u64),
    Already(SessionState),
}

/// Why the session was locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockReason {
    Manual,
    Auto,
}

impl Inner {
    /// Enters `Unlocked` for `row` with `vault_key` — only if the session is still the one of
    /// generation `gen` and the call was not cancelled (otherwise the key is dropped, zeroized,
    /// and the call fails with `SessionChanged`). The vault is decrypted inside the transition,
    /// so key material exists only in the new session. The same transition logs `kind` with the
    /// call's environment `warnings`, counts a biometric unlock for the password rehearsal and
    /// reads the activity since the previous success ([`Inner::on_unlocked`]). Returns the new
    /// session's generation and the call's outcome.
    pub(crate) fn enter_unlocked(
        &self,
        gen: u64,
        cancel: Option<&Cancel>,
        row: &AccountRow,
        vault_key: SecretBytes,
        kind: EventKind,
        warnings: Vec<RiskFinding>,
    ) -> Result<(u64, UnlockOutcome)> {
        self.after_kdf();
        let account = SessionAccount { id: row.id.clone(), name: row.name.clone() };
        // The boot clock is a hook: read before the transition takes the locks.
        let boot = self.boot_now();
        let (outcome, generation) = self.transition_gen(Expect::Generation(gen), cancel, |_, tx, out| {
            let plain = aead::open(&vault_key, &row.id, Purpose::Vault, &row.vault_blob)?.ok_or(Error::VaultCorrupted)?;
            let secret = AccountSecret::decode(&plain)?;
            let outcome = self.on_unlocked(tx, row, &account, kind, warnings, &boot, out)?;
            Ok((self.unlocked_session(account.clone(), vault_key, secret), outcome))
        })?;
        Ok((generation, outcome))
    }

    /// Parameter upgrade after a successful password login/unlock that entered the session of
    /// generation `gen` with `row` (as read before the KDF): when `row`'s KDF parameters are
    /// below the profile's default, re-wraps the vault key under the default with a new salt.
    ///
    /// The extra KDF runs with no lock held. Its result is applied only if the session is still
    /// the one of generation `gen` (so still `Unlocked` with this account's vault key, which
    /// never leaves the session) and — in the same transaction — only if the row still holds
    /// the wrap that was just opened, so a password change that landed meanwhile is never
    /// overwritten. Otherwise nothing is written and the next login tries again. After the
    /// commit the old wrap is scrubbed from the WAL and free pages. Returns whether the row was
    /// upgraded.
    fn upgrade_kdf(&self, gen: u64, row: &AccountRow, password: &[u8], factor: Option<&Factor>) -> Result<bool> {
        let Some(params) = self.config.kdf_profile.upgrade_target(row.kdf) else {
            return Ok(false);
        };
        let salt = random_array::<16>()?.to_vec();
        let pw_key = kdf::wrap_key(kdf::derive(password, &salt, params)?, factor.map(Factor::as_input))?;
        self.after_kdf();
        let cell = lk(&self.cell);
        let vault_key = match &cell.session {
            Session::Unlocked(u) if cell.generation == gen && u.keys.account_id == row.id => &u.keys.vault_key,
            _ => return Ok(false),
        };
        let wrap = aead::seal(&pw_key, &row.id, Purpose::PasswordWrap, vault_key.expose())?;
        let upgraded = lk(&self.store).write(|tx| {
            let upgraded = rows::upgrade_password_wrap(tx, &row.id, &row.password_wrap, params, &salt, &wrap)?;
            crash_point("kdf_upgrade.before_commit");
            Ok(upgraded)
        })?;
        crash_point("kdf_upgrade.after_commit");
        drop(cell);
        if upgraded {
            // The old wrap must not linger in WAL frames or free pages.
            lk(&self.store).scrub()?;
        }
        Ok(upgraded)
    }

    /// [`Inner::upgrade_kdf`] for a login or unlock that already succeeded: a failure leaves
    /// the account as it was (or upgraded with the scrub left to the next one, logout or
    /// password change) and must not turn the completed login into an error.
    fn upgrade_kdf_after_login(&self, gen: u64, row: &AccountRow, password: &[u8], factor: Option<&Factor>) {
        let _ = self.upgrade_kdf(gen, row, password, factor);
    }

    /// Wipes keys and moves `Unlocked` → `Locked`. Any other session stays as it is, but its
    /// generation moves on, so a KDF still running when the user locked is discarded.
    /// Pending signing requests are rejected (`Locked`); connections stay unless the app chose
    /// [`WalletCore::set_disconnect_on_lock`], when they are revoked in the same transaction and
    /// the hook is asked afterwards. The clipboard hook is told to clear an outstanding copy.
    pub(crate) fn lock(&self, reason: LockReason) -> Result<()> {
        let now = self.now();
        let journaled = self.transition(Expect::Any, None, |session, tx, out| {
            let mut journaled = Vec::new();
            let next = match session {
                Session::Unlocked(u) => {
                    let kind = if reason == LockReason::Auto { EventKind::LockedAutomatically } else { EventKind::LockedManually };
                    self.event(tx, kind, Some(&u.account), "", out)?;
                    if crate::store::connections::disconnect_on_lock(tx)? {
                        journaled = crate::store::connections::revoke(tx, &u.account.id, None, "lock", now)?;
                    }
                    Session::locked(u.account.clone())
                }
                other => Session::without_keys(&other.public()),
            };
            Ok((next, journaled))
        })?;
        // Outside every lock: the shell's hooks.
        self.clear_clipboard(ClipboardClearReason::Locked, None);
        self.carry_out(journaled);
        Ok(())
    }

    /// User activity: pushes the auto-lock deadline out.
    pub(crate) fn touch(&self) {
        let now = self.now();
        let mut cell = lk(&self.cell);
        cell.activity.mono = Instant::now();
        cell.activity.wall = now;
        self.rearm(&mut cell);
    }

    /// What an unlock starts from: the locked session's account and generation, or the state
    /// when already unlocked (`NotLoggedIn` without a session).
    pub(crate) fn to_unlock(&self) -> Result<ToUnlock> {
        match self.snapshot() {
            (SessionState::Locked { account }, gen) => Ok(ToUnlock::Locked(account, gen)),
            (s @ SessionState::Unlocked { .. }, _) => Ok(ToUnlock::Already(s)),
            _ => Err(Error::NotLoggedIn),
        }
    }

    /// The unlocked session's account, or `Locked`/`NotLoggedIn`.
    pub(crate) fn require_unlocked(&self) -> Result<SessionAccount> {
        self.with_unlocked(|u| Ok(u.account.clone()))
    }

    /// The session's account (`Locked` or `Unlocked`) and the session's generation.
    pub(crate) fn session_account(&self) -> Result<(SessionAccount, u64)> {
        self.with_cell(|c| c.session.account().cloned().map(|a| (a, c.generation)).ok_or(Error::NotLoggedIn))
    }

    pub(crate) fn row(&self, id: &str) -> Result<AccountRow> {
        rows::by_id(lk(&self.store).conn(), id)?.ok_or(Error::AccountNotFound)
    }
}

impl WalletCore {
    /// Logs in with account name and password (from any state; switches accounts). The
    /// environment policy is applied first (`EnvironmentRefused` before any attempt is counted).
    /// An account with a second factor on also needs `factor` (ADR 0014): missing or wrong, the
    /// call fails with `InvalidCredentials` exactly as for a wrong password, and counts the same.
    pub fn login(&self, account_name: &str, password: &[u8], factor: Option<&SecondFactor>) -> Result<UnlockOutcome> {
        self.login_with(account_name, password, factor, &Cancel::new())
    }

    /// [`WalletCore::login`] with a cancellation flag (set when the caller stops waiting).
    pub fn login_with(&self, account_name: &str, password: &[u8], factor: Option<&SecondFactor>, cancel: &Cancel) -> Result<UnlockOutcome> {
        scrubbed(|| {
            let i = &self.inner;
            let (_, gen) = i.snapshot();
            let key = crate::auth::names::key(account_name);
            let row = rows::by_name_key(lk(&i.store).conn(), &key)?;
            let account = row.as_ref().map(|r| SessionAccount { id: r.id.clone(), name: r.name.clone() });
            let warnings = i.guard(SensitiveAction::Login, account.as_ref())?;
            let mut out = Vec::new();
            let result = i.check_credentials(row.as_ref(), password, FactorPolicy::Required(factor), &mut out);
            i.emit(out);
            let Verified { vault_key, factor } = result?;
            let row = row.as_ref().ok_or(Error::InvalidCredentials { attempts_left: 0, retry_after_secs: 0 })?;
            let (gen, mut outcome) = i.enter_unlocked(gen, Some(cancel), row, vault_key, EventKind::LoginSucceeded, warnings)?;
            i.upgrade_kdf_after_login(gen, row, password, factor.as_ref());
            // The state now (a lock may have landed during the upgrade).
            outcome.state = self.state();
            Ok(outcome)
        })
    }

    /// Unlocks a `Locked` session with the password (environment policy first, as for login).
    pub fn unlock(&self, password: &[u8]) -> Result<UnlockOutcome> {
        self.unlock_with(password, &Cancel::new())
    }

    /// [`WalletCore::unlock`] with a cancellation flag.
    pub fn unlock_with(&self, password: &[u8], cancel: &Cancel) -> Result<UnlockOutcome> {
        self.unlock_with_factor(password, None, cancel)
    }

    /// [`WalletCore::unlock`] with the account's second factor, which the unlock needs when the
    /// app's policy says so ([`crate::Config::unlock_needs_second_factor`]; otherwise `factor`
    /// is not looked at). Missing or wrong, it fails like a wrong password.
    pub fn unlock_with_factor(&self, password: &[u8], factor: Option<&SecondFactor>, cancel: &Cancel) -> Result<UnlockOutcome> {
        scrubbed(|| {
            let i = &self.inner;
            let (account, gen) = match i.to_unlock()? {
                ToUnlock::Locked(account, gen) => (account, gen),
                ToUnlock::Already(s) => return i.already_unlocked(s),
            };
            let row = i.row(&account.id)?;
            let warnings = i.guard(SensitiveAction::Unlock, Some(&account))?;
            let policy = if i.config.unlock_needs_second_factor { FactorPolicy::Required(factor) } else { FactorPolicy::PasswordOnly };
            let mut out = Vec::new();
            let result = i.check_credentials(Some(&row), password, policy, &mut out);
            i.emit(out);
            let Verified { vault_key, factor } = result?;
            let (gen, mut outcome) = i.enter_unlocked(gen, Some(cancel), &row, vault_key, EventKind::Unlocked, warnings)?;
            i.upgrade_kdf_after_login(gen, &row, password, factor.as_ref());
            outcome.state = self.state();
            Ok(outcome)
        })
    }

    /// Locks now (keys wiped, session kept).
    pub fn lock(&self) -> Result<SessionState> {
        self.inner.lock(LockReason::Manual)?;
        Ok(self.state())
    }

    /// User activity: resets the idle timer.
    pub fn touch(&self) {
        self.inner.touch();
    }

    /// The app went to the background.
    pub fn app_backgrounded(&self) -> Result<SessionState> {
        let immediate = self.inner.with_cell(|c| {
            c.activity.backgrounded = true;
            c.auto_lock == AutoLock::Immediate
        });
        if immediate {
            self.inner.lock(LockReason::Auto)?;
        }
        Ok(self.state())
    }

    /// The app came back: locks if the timeout passed while away (by either clock).
    pub fn app_foregrounded(&self) -> Result<SessionState> {
        let now = self.inner.now();
        let (timeout, mono, wall) = self.inner.with_cell(|c| {
            c.activity.backgrounded = false;
            (c.auto_lock.idle_timeout(), c.activity.mono.elapsed().as_secs(), (now - c.activity.wall).max(0) as u64)
        });
        if let Some(t) = timeout {
            if mono.max(wall) >= t.as_secs() {
                self.inner.lock(LockReason::Auto)?;
            }
        }
        Ok(self.state())
    }

    /// Changes the session account's auto-lock setting (persisted per account). Needs an
    /// unlocked session and a password or biometric proof made in this call, accepted by the
    /// `ChangeSettings` gate (a cached authorization is not enough).
    pub fn set_auto_lock(&self, setting: AutoLock, proof: AuthProof<'_>) -> Result<()> {
        let setting = setting.validate()?;
        let i = &self.inner;
        let (account, gen) = i.unlocked_account()?;
        let gate = i.policy_for(&account.id, GatedAction::ChangeSettings).gate;
        i.fresh_proof(&account, "change_settings", &[gate], proof)?;
        // Applied only if the session is still the one that gave the proof.
        let mut out = Vec::new();
        let result = i.with_cell(|cell| {
            if cell.generation != gen || !matches!(cell.session, Session::Unlocked(_)) {
                return Err(Error::SessionChanged);
            }
            lk(&i.store).write(|tx| {
                if !account_settings::set(tx, &account.id, account_settings::AUTO_LOCK, &setting.to_setting())? {
                    return Err(Error::AccountNotFound);
                }
                let detail = format!("{} → {}", cell.auto_lock.to_setting(), setting.to_setting());
                i.event(tx, EventKind::AutoLockChanged, Some(&account), &detail, &mut out)
            })?;
            cell.auto_lock = setting;
            cell.activity.mono = Instant::now();
            i.rearm(cell);
            Ok(())
        });
        // Announced only once committed.
        result.map(|()| i.emit(out))
    }

    /// The auto-lock setting in force: the session account's (the configured default without
    /// a session or a stored setting).
    pub fn auto_lock(&self) -> AutoLock {
        self.inner.with_cell(|c| c.auto_lock)
    }

    /// Seconds until another password attempt is allowed for the session's account (or, with
    /// no session, for unknown names); 0 = now.
    pub fn retry_after_secs(&self) -> Result<u64> {
        Ok(self.attempt_status(None)?.retry_after_secs)
    }

    /// Attempts left before a delay and the delay now, for the account named `account_name`
    /// (the login screen) or, with `None`, for the session's account (the lock screen). An
    /// unknown name reports the shared unknown-name bucket.
    pub fn attempt_status(&self, account_name: Option<&str>) -> Result<limiter::AttemptStatus> {
        // A login always asks for the factor; an unlock only under the app's policy.
        let (id, asks_factor) = match account_name {
            Some(name) => (rows::by_name_key(lk(&self.inner.store).conn(), &crate::auth::names::key(name))?.map(|r| r.id), true),
            None => (self.inner.session_account().ok().map(|(a, _)| a.id), self.inner.config.unlock_needs_second_factor),
        };
        self.inner.attempt_status_with_factor(id.as_deref(), asks_factor)
    }
}

/// Sleeps until the published deadline and locks when it passes.
pub(crate) async fn autolock_task(inner: Weak<Inner>, mut rx: watch::Receiver<Option<tokio::time::Instant>>) {
    loop {
        let deadline = *rx.borrow_and_update();
        match deadline {
            None => {
                if rx.changed().await.is_err() {
                    return;
                }
            }
            Some(d) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(d) => {
                        let Some(inner) = inner.upgrade() else { return };
                        if *rx.borrow() == Some(d) {
                            let _ = inner.lock(LockReason::Auto);
                            inner.deadline.send_if_modified(|cur| if *cur == Some(d) { *cur = None; true } else { false });
                        }
                    }
                    changed = rx.changed() => if changed.is_err() { return },
                }
            }
        }
    }
}
