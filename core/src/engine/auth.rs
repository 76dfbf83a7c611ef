//! Login, unlock, lock, auto-lock and app background/foreground.
//!
//! Every password check goes through [`Inner::check_password`]: the attempt is counted in the
//! database before Argon2 runs, unknown names run the same KDF on a decoy so they cost the same
//! time and fail with the same error, and only a success resets the counter.

use std::sync::Weak;
use std::time::Instant;

use tokio::sync::watch;

use crate::engine::{lk, persist_state, Inner, Notice, UnlockedKeys, WalletCore};
use crate::events::EventKind;
use crate::session::autolock::AutoLock;
use crate::session::limiter::{self, FREE_ATTEMPTS};
use crate::session::{SessionAccount, SessionState};
use crate::store::accounts::{self as rows, AccountRow};
use crate::vault::aead::{self, Purpose};
use crate::vault::secrets::AccountSecret;
use crate::vault::{kdf, SecretBytes};
use crate::{Error, Result};

/// Why the session was locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockReason {
    Manual,
    Auto,
}

impl Inner {
    /// Verifies `password` for `row` (or a decoy when `row` is `None`) under the limiter and
    /// returns the vault key.
    pub(crate) fn check_password(&self, row: Option<&AccountRow>, password: &[u8], out: &mut Vec<Notice>) -> Result<SecretBytes> {
        let profile = self.config.kdf_profile;
        if let Some(r) = row {
            profile.check(r.kdf)?;
        }
        let now = self.now();
        {
            let mut store = lk(&self.store);
            let mut guard = lk(&self.guard);
            if let limiter::Admission::Refused { retry_after_secs } =
                store.write(|tx| limiter::admit(tx, now, self.clock.monotonic_secs(), &mut guard))?
            {
                return Err(Error::TooManyAttempts { retry_after_secs });
            }
        }
        // The KDF runs without holding any lock.
        let vault_key = match row {
            Some(r) => {
                let pw_key = kdf::derive(password, &r.kdf_salt, r.kdf)?;
                aead::open(&pw_key, &r.id, Purpose::PasswordWrap, &r.password_wrap)?
            }
            None => {
                let decoy = kdf::derive(password, &[0u8; 16], profile.params())?;
                let _ = aead::open(&decoy, "decoy", Purpose::PasswordWrap, &[0u8; 72]);
                None
            }
        };
        let mut store = lk(&self.store);
        match vault_key {
            Some(k) => {
                let mut guard = lk(&self.guard);
                store.write(|tx| limiter::reset(tx, &mut guard))?;
                Ok(k)
            }
            None => {
                let account = row.map(|r| SessionAccount { id: r.id.clone(), name: r.name.clone() });
                store.write(|tx| {
                    self.event(tx, EventKind::LoginFailed, account.as_ref(), "", out)?;
                    let failures: u32 = tx.query_row("SELECT failures FROM limiter WHERE id = 1", [], |r| r.get(0))?;
                    if failures >= FREE_ATTEMPTS {
                        let d = limiter::delay_for(failures);
                        self.event(tx, EventKind::DelayStarted, account.as_ref(), &format!("next attempt in {d} s"), out)?;
                    }
                    Ok(())
                })?;
                Err(Error::InvalidCredentials)
            }
        }
    }

    /// Decrypts the account's secrets with its vault key.
    pub(crate) fn open_vault(&self, row: &AccountRow, vault_key: SecretBytes) -> Result<UnlockedKeys> {
        let plain = aead::open(&vault_key, &row.id, Purpose::Vault, &row.vault_blob)?.ok_or(Error::VaultCorrupted)?;
        let secret = AccountSecret::decode(&plain)?;
        Ok(UnlockedKeys { account_id: row.id.clone(), vault_key, secret })
    }

    /// Enters `Unlocked` for `row` with `keys`, persisting the state and recording `kind`.
    pub(crate) fn enter_unlocked(&self, row: &AccountRow, keys: UnlockedKeys, kind: EventKind, out: &mut Vec<Notice>) -> Result<()> {
        let account = SessionAccount { id: row.id.clone(), name: row.name.clone() };
        let state = SessionState::Unlocked { account: account.clone() };
        let now = self.now();
        lk(&self.store).write(|tx| {
            persist_state(tx, &state, now)?;
            self.event(tx, kind, Some(&account), "", out)
        })?;
        *lk(&self.keys) = Some(keys);
        lk(&self.plans).clear_pending();
        self.forget_authorizations();
        self.set_state(state, out);
        self.touch();
        Ok(())
    }

    /// Wipes keys and moves `Unlocked` → `Locked`.
    pub(crate) fn lock(&self, reason: LockReason) -> Result<()> {
        let mut out = Vec::new();
        let state = lk(&self.state).clone();
        if let SessionState::Unlocked { account } = state {
            lk(&self.keys).take();
            self.forget_authorizations();
            self.deadline.send_replace(None);
            let locked = SessionState::Locked { account: account.clone() };
            let now = self.now();
            let kind = if reason == LockReason::Auto { EventKind::LockedAutomatically } else { EventKind::LockedManually };
            lk(&self.store).write(|tx| {
                persist_state(tx, &locked, now)?;
                self.event(tx, kind, Some(&account), "", &mut out)
            })?;
            self.set_state(locked, &mut out);
        }
        self.emit(out);
        Ok(())
    }

    /// User activity: pushes the auto-lock deadline out.
    pub(crate) fn touch(&self) {
        let mut a = lk(&self.activity);
        a.mono = Instant::now();
        a.wall = self.now();
        drop(a);
        let unlocked = lk(&self.state).is_unlocked();
        let deadline = match (*lk(&self.auto_lock)).idle_timeout() {
            Some(t) if unlocked => Some(tokio::time::Instant::now() + t),
            _ => None,
        };
        self.deadline.send_replace(deadline);
    }

    /// The unlocked keys' account, or `Locked`/`NotLoggedIn`.
    pub(crate) fn require_unlocked(&self) -> Result<SessionAccount> {
        match &*lk(&self.state) {
            SessionState::Unlocked { account } => Ok(account.clone()),
            SessionState::Locked { .. } => Err(Error::Locked),
            _ => Err(Error::NotLoggedIn),
        }
    }

    pub(crate) fn session_account(&self) -> Result<SessionAccount> {
        lk(&self.state).account().cloned().ok_or(Error::NotLoggedIn)
    }

    pub(crate) fn row(&self, id: &str) -> Result<AccountRow> {
        rows::by_id(lk(&self.store).conn(), id)?.ok_or(Error::AccountNotFound)
    }
}

impl WalletCore {
    /// Logs in with account name and password (from any state; switches accounts).
    pub fn login(&self, account_name: &str, password: &[u8]) -> Result<SessionState> {
        let i = &self.inner;
        let key = crate::auth::names::key(account_name);
        let row = rows::by_name_key(lk(&i.store).conn(), &key)?;
        let mut out = Vec::new();
        let result = i.check_password(row.as_ref(), password, &mut out);
        let result = result.and_then(|vk| {
            let row = row.as_ref().ok_or(Error::InvalidCredentials)?;
            let keys = i.open_vault(row, vk)?;
            i.enter_unlocked(row, keys, EventKind::LoginSucceeded, &mut out)
        });
        i.emit(out);
        result.map(|_| self.state())
    }

    /// Unlocks a `Locked` session with the password.
    pub fn unlock(&self, password: &[u8]) -> Result<SessionState> {
        let i = &self.inner;
        let account = match self.state() {
            SessionState::Locked { account } => account,
            SessionState::Unlocked { .. } => return Ok(self.state()),
            _ => return Err(Error::NotLoggedIn),
        };
        let row = i.row(&account.id)?;
        let mut out = Vec::new();
        let result = i.check_password(Some(&row), password, &mut out).and_then(|vk| {
            let keys = i.open_vault(&row, vk)?;
            i.enter_unlocked(&row, keys, EventKind::Unlocked, &mut out)
        });
        i.emit(out);
        result.map(|_| self.state())
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
        lk(&self.inner.activity).backgrounded = true;
        if *lk(&self.inner.auto_lock) == AutoLock::Immediate {
            self.inner.lock(LockReason::Auto)?;
        }
        Ok(self.state())
    }

    /// The app came back: locks if the timeout passed while away (by either clock).
    pub fn app_foregrounded(&self) -> Result<SessionState> {
        let timeout = (*lk(&self.inner.auto_lock)).idle_timeout();
        let (mono, wall) = {
            let mut a = lk(&self.inner.activity);
            a.backgrounded = false;
            (a.mono.elapsed().as_secs(), (self.inner.now() - a.wall).max(0) as u64)
        };
        if let Some(t) = timeout {
            if mono.max(wall) >= t.as_secs() {
                self.inner.lock(LockReason::Auto)?;
            }
        }
        Ok(self.state())
    }

    /// Changes the auto-lock setting (persisted).
    pub fn set_auto_lock(&self, setting: AutoLock) -> Result<()> {
        let setting = setting.validate()?;
        self.inner.check_gate(crate::auth::gates::GatedAction::ChangeSettings, crate::auth::gates::AuthProof::None)?;
        lk(&self.inner.store).set_setting("auto_lock", &setting.to_setting())?;
        *lk(&self.inner.auto_lock) = setting;
        self.inner.touch();
        Ok(())
    }

    pub fn auto_lock(&self) -> AutoLock {
        *lk(&self.inner.auto_lock)
    }

    /// Seconds until another password attempt is allowed (0 = now).
    pub fn retry_after_secs(&self) -> Result<u64> {
        limiter::retry_after(lk(&self.inner.store).conn(), self.inner.now())
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
