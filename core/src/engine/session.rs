//! The one session state, owned in one place.
//!
//! [`Session`] owns everything that belongs to a session: key material and recent
//! authorizations exist only inside [`Session::Unlocked`] and are dropped (zeroized) by leaving
//! it; pending logout plans live in `Locked` or `Unlocked`. It sits behind one mutex
//! ([`Inner::cell`]) together with a generation counter that every transition increments.
//!
//! **Every transition goes through [`Inner::transition`]**: it checks the expected generation
//! (and the caller's cancellation flag), persists the new state in the same store transaction as
//! the caller's writes, swaps the session, and emits the listener notices after every lock is
//! released.
//!
//! **Lock order: `cell` (session) → `store` → `outbox`.** No code takes them in any other
//! order, and no foreign hook (listener, key store, environment probe, boot clock) is ever
//! called while one of them is held. Notices are queued in the outbox under the session lock
//! and delivered in that order afterwards. (The Rust-only [`crate::clock::Clock`] is read under
//! the locks: an implementation must not call back into the core.)
//!
//! **Slow work runs outside the lock.** A KDF or a biometric prompt starts from a snapshot's
//! generation; its result is applied only if the generation is unchanged, the call was not
//! cancelled, and the app did not go to the background under `AutoLock::Immediate` — otherwise
//! the derived key is dropped (zeroized) and the call fails with [`Error::SessionChanged`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use rusqlite::Transaction;

use crate::auth::gates::{AuthMethod, GatedAction};
use crate::connections::{RejectReason, RequestQueue};
use crate::engine::{lk, persist_state, Inner, Notice};
use crate::session::autolock::AutoLock;
use crate::session::logout::{LogoutReport, PlanRegistry};
use crate::session::{SessionAccount, SessionState};
use crate::vault::secrets::AccountSecret;
use crate::vault::SecretBytes;
use crate::{Error, Result};

/// Key material of the unlocked account (zeroized on drop). Created only inside a transition
/// into [`Session::Unlocked`].
pub(crate) struct UnlockedKeys {
    pub account_id: String,
    /// Kept to wrap under a biometric secret and to check biometric proofs.
    pub vault_key: SecretBytes,
    pub secret: AccountSecret,
    #[cfg(feature = "test-hooks")]
    live: Arc<std::sync::atomic::AtomicUsize>,
}

impl UnlockedKeys {
    fn new(inner: &Inner, account_id: String, vault_key: SecretBytes, secret: AccountSecret) -> UnlockedKeys {
        #[cfg(not(feature = "test-hooks"))]
        let _ = inner;
        #[cfg(feature = "test-hooks")]
        inner.test.live_keys.fetch_add(1, Ordering::SeqCst);
        UnlockedKeys {
            account_id,
            vault_key,
            secret,
            #[cfg(feature = "test-hooks")]
            live: inner.test.live_keys.clone(),
        }
    }
}

#[cfg(feature = "test-hooks")]
impl Drop for UnlockedKeys {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What an unlocked session holds.
pub(crate) struct Unlocked {
    pub account: SessionAccount,
    pub keys: UnlockedKeys,
    /// Recent authorizations per gated action (method, monotonic seconds).
    pub grants: HashMap<GatedAction, (AuthMethod, u64)>,
    pub plans: PlanRegistry,
    /// Signing requests from dapp connections waiting for the user: they die with the session
    /// (rejected, the shell's connection hook told why).
    pub requests: RequestQueue,
}

/// The session and everything that lives and dies with it.
pub(crate) enum Session {
    NoAccount,
    LoggedOut,
    Locked { account: SessionAccount, plans: PlanRegistry },
    Unlocked(Box<Unlocked>),
}

impl Session {
    /// The public state derived from the session.
    pub fn public(&self) -> SessionState {
        match self {
            Session::NoAccount => SessionState::NoAccount,
            Session::LoggedOut => SessionState::LoggedOut,
            Session::Locked { account, .. } => SessionState::Locked { account: account.clone() },
            Session::Unlocked(u) => SessionState::Unlocked { account: u.account.clone() },
        }
    }

    pub fn account(&self) -> Option<&SessionAccount> {
        match self {
            Session::Locked { account, .. } => Some(account),
            Session::Unlocked(u) => Some(&u.account),
            _ => None,
        }
    }

    pub fn plans(&self) -> Option<&PlanRegistry> {
        match self {
            Session::Locked { plans, .. } => Some(plans),
            Session::Unlocked(u) => Some(&u.plans),
            _ => None,
        }
    }

    pub fn plans_mut(&mut self) -> Option<&mut PlanRegistry> {
        match self {
            Session::Locked { plans, .. } => Some(plans),
            Session::Unlocked(u) => Some(&mut u.plans),
            _ => None,
        }
    }

    /// A `Locked` session for `account` (no keys, no plans).
    pub fn locked(account: SessionAccount) -> Session {
        Session::Locked { account, plans: PlanRegistry::default() }
    }

    /// The session for a restored or recomputed public state (never `Unlocked`).
    pub fn without_keys(state: &SessionState) -> Session {
        match state {
            SessionState::NoAccount => Session::NoAccount,
            SessionState::LoggedOut => Session::LoggedOut,
            SessionState::Locked { account } | SessionState::Unlocked { account } => Session::locked(account.clone()),
        }
    }
}

/// Last user activity, for auto-lock.
pub(crate) struct Activity {
    pub mono: Instant,
    pub wall: i64,
    pub backgrounded: bool,
}

/// The report of the last logout, answered again for its token while nothing changed since.
pub(crate) struct LastLogout {
    pub token: String,
    pub report: LogoutReport,
    pub generation: u64,
}

/// Everything behind the session lock.
pub(crate) struct Cell {
    pub session: Session,
    /// Incremented by every transition (and by every `lock()` call, even on a locked session).
    pub generation: u64,
    pub activity: Activity,
    /// The session account's auto-lock setting, set by every transition.
    pub auto_lock: AutoLock,
    pub last_logout: Option<LastLogout>,
}

/// Set when the caller stopped waiting (a cancelled Kotlin coroutine or Swift task): a result
/// computed after that is discarded like one whose session changed.
#[derive(Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Which session a transition may start from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expect {
    /// Whatever the session is now (lock, erase).
    Any,
    /// Only the session of this generation (slow work that started from a snapshot).
    Generation(u64),
}

impl Inner {
    /// The public state and its generation.
    pub(crate) fn snapshot(&self) -> (SessionState, u64) {
        let cell = lk(&self.cell);
        (cell.session.public(), cell.generation)
    }

    /// The one function through which the session changes. `f` sees the current session and
    /// the open transaction and returns the next session; the new public state is persisted in
    /// the same transaction. Nothing changes when `f` (or the commit) fails. Notices are emitted
    /// after every lock is released.
    pub(crate) fn transition<T>(
        &self,
        expect: Expect,
        cancel: Option<&Cancel>,
        f: impl FnOnce(&Session, &Transaction<'_>, &mut Vec<Notice>) -> Result<(Session, T)>,
    ) -> Result<T> {
        self.transition_gen(expect, cancel, f).map(|(v, _)| v)
    }

    /// [`Inner::transition`], also returning the generation of the new session.
    pub(crate) fn transition_gen<T>(
        &self,
        expect: Expect,
        cancel: Option<&Cancel>,
        f: impl FnOnce(&Session, &Transaction<'_>, &mut Vec<Notice>) -> Result<(Session, T)>,
    ) -> Result<(T, u64)> {
        let mut out = Vec::new();
        let result = self.transition_locked(expect, cancel, f, &mut out);
        if result.is_err() {
            out.clear();
        }
        self.emit(out);
        result
    }

    fn transition_locked<T>(
        &self,
        expect: Expect,
        cancel: Option<&Cancel>,
        f: impl FnOnce(&Session, &Transaction<'_>, &mut Vec<Notice>) -> Result<(Session, T)>,
        out: &mut Vec<Notice>,
    ) -> Result<(T, u64)> {
        let mut cell = lk(&self.cell);
        if let Expect::Generation(g) = expect {
            let backgrounded_immediate = cell.activity.backgrounded && cell.auto_lock == AutoLock::Immediate;
            if cell.generation != g || cancel.is_some_and(Cancel::is_cancelled) || backgrounded_immediate {
                return Err(Error::SessionChanged);
            }
        }
        let now = self.now();
        let default_auto_lock = self.config.default_auto_lock;
        let (next, value, auto_lock) = lk(&self.store).write(|tx| {
            let (next, value) = f(&cell.session, tx, out)?;
            persist_state(tx, &next.public(), now)?;
            let auto_lock = auto_lock_for(tx, next.account(), default_auto_lock)?;
            Ok((next, value, auto_lock))
        })?;
        let before = cell.session.public();
        let after = next.public();
        if after.is_unlocked() && !before.is_unlocked() {
            cell.activity.mono = Instant::now();
            cell.activity.wall = now;
        }
        // The previous session (and any keys, grants and plans in it) is dropped here; the
        // signing requests waiting in it are rejected (the shell is told after the locks are
        // released). The auto-lock setting follows the session's account (the default without one).
        let previous = std::mem::replace(&mut cell.session, next);
        if let Session::Unlocked(mut u) = previous {
            let reason = match &after {
                SessionState::Locked { .. } => RejectReason::Locked,
                SessionState::Unlocked { .. } => RejectReason::SessionEnded,
                SessionState::LoggedOut | SessionState::NoAccount => RejectReason::LoggedOut,
            };
            out.extend(u.requests.reject_all(None, reason).into_iter().map(Notice::Rejected));
        }
        cell.auto_lock = auto_lock;
        cell.generation = cell.generation.wrapping_add(1);
        if before != after {
            out.push(Notice::State(after));
        }
        // Queued under the session lock, so notices go out in transition order.
        lk(&self.outbox).queue.extend(out.drain(..));
        self.rearm(&mut cell);
        Ok((value, cell.generation))
    }

    /// Builds the unlocked session for `account` (inside a transition only).
    pub(crate) fn unlocked_session(&self, account: SessionAccount, vault_key: SecretBytes, secret: AccountSecret) -> Session {
        let keys = UnlockedKeys::new(self, account.id.clone(), vault_key, secret);
        Session::Unlocked(Box::new(Unlocked {
            account,
            keys,
            grants: HashMap::new(),
            plans: PlanRegistry::default(),
            requests: RequestQueue::default(),
        }))
    }

    /// Runs `f` on the unlocked session (under the session lock: `f` must not call hooks).
    pub(crate) fn with_unlocked<T>(&self, f: impl FnOnce(&mut Unlocked) -> Result<T>) -> Result<T> {
        let mut cell = lk(&self.cell);
        match &mut cell.session {
            Session::Unlocked(u) => f(u),
            Session::Locked { .. } => Err(Error::Locked),
            _ => Err(Error::NotLoggedIn),
        }
    }

    /// Runs `f` on the session cell (under the session lock: `f` must not call hooks).
    pub(crate) fn with_cell<T>(&self, f: impl FnOnce(&mut Cell) -> T) -> T {
        f(&mut lk(&self.cell))
    }

    /// Publishes the auto-lock deadline for the current session and activity.
    pub(crate) fn rearm(&self, cell: &mut Cell) {
        let deadline = match cell.auto_lock.idle_timeout() {
            Some(t) if matches!(cell.session, Session::Unlocked(_)) => {
                let elapsed = cell.activity.mono.elapsed();
                Some(tokio::time::Instant::now() + t.saturating_sub(elapsed))
            }
            _ => None,
        };
        self.deadline.send_replace(deadline);
    }
}

/// The auto-lock setting of `account` (the configured default without an account or a stored
/// setting).
pub(crate) fn auto_lock_for(conn: &rusqlite::Connection, account: Option<&SessionAccount>, default: AutoLock) -> Result<AutoLock> {
    let Some(account) = account else { return Ok(default) };
    let stored = crate::store::account_settings::get(conn, &account.id, crate::store::account_settings::AUTO_LOCK)?;
    Ok(stored.and_then(|s| AutoLock::from_setting(&s)).unwrap_or(default))
}

/// Test-only instrumentation (feature `test-hooks`, never enabled by the FFI crate).
#[cfg(feature = "test-hooks")]
#[derive(Default)]
pub(crate) struct TestInstruments {
    /// Live [`UnlockedKeys`] values.
    pub live_keys: Arc<std::sync::atomic::AtomicUsize>,
    /// Called after a password KDF (or biometric unwrap) finished and before its result is
    /// applied: a test blocks here to place another operation "while the KDF runs".
    pub after_kdf: std::sync::RwLock<Option<Arc<dyn Fn() + Send + Sync>>>,
}
