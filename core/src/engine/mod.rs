//! `WalletCore`: the engine that owns an account's life on a device.
//!
//! It ties the store, the vault and the session together: one instance per data directory.
//! Sub-modules group the operations: `config` (how a core is opened: [`Config`], [`Hooks`]),
//! [`accounts`] (create/import/reveal/export/password),
//! `backup` (the backup check), `password_check` (every password check, under the limiter),
//! [`auth`] (login, unlock, lock, auto-lock, background/foreground), `device` and `hardware`
//! (device-bound keys and the hardware-key factor, ADR 0011), `second_factor` and
//! `factor_check` (the login's second factor, ADR 0014), [`keys`] (addresses and signing),
//! `safety` (environment guard, password rehearsal, activity summary; ADR 0015) and [`logout`]
//! (plans, logout, wallet removal, crash recovery). The session itself — state, keys, grants,
//! plans — lives in one place, [`session`], and changes only through
//! [`Inner::transition`]. Lock order: session → store → limiter guard. Listener notifications
//! are collected while locks are held and delivered after they are released.

mod accounts;
mod auth;
mod background;
mod backup;
mod biometric;
mod cache;
mod clipboard;
mod config;
mod connections;
pub(crate) mod device;
mod erase;
mod factor_check;
mod gates;
mod hardware;
mod keys;
pub(crate) mod logout;
mod password_check;
mod requests;
mod safety;
mod second_factor;
pub(crate) mod session;

pub use accounts::CreatedAccount;
pub use backup::FREE_BACKUP_FAILURES;
pub use config::{Config, Hooks};
pub use device::{attach_device_keys, open_store};
pub use erase::{ErasePlan, EraseProofs, EraseReport, ERASE_PHRASE};
pub use logout::recover_journal;
pub use session::Cancel;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use tokio::sync::watch;

use crate::auth::device_keys::DeviceKeyStore;
use crate::auth::hooks::{ClipboardHook, ConnectionHook, DeviceOwnerCheck, EnvironmentProbe, SessionListener};
use crate::auth::keystore::SecureKeyStore;
use crate::auth::second_factor::AppCodeVerifier;
use crate::clock::{BootClock, Clock};
use crate::connections::clipboard::ClipState;
use crate::connections::RejectedRequest;
use crate::events::{self, EventKind, SecurityEvent};
use crate::session::{SessionAccount, SessionState};
use crate::store::{accounts as rows, Store};
use crate::{Error, Result};
use session::{Activity, Cell, Session};

/// Something to tell the listener once locks are released.
pub(crate) enum Notice {
    State(SessionState),
    Event(SecurityEvent),
    /// A pending signing request the core rejected: for the connection hook, not the listener.
    Rejected(RejectedRequest),
}

/// Shared state of one open core. Lock order: `cell` → `store` (see [`session`]).
pub(crate) struct Inner {
    pub config: Config,
    /// The session, its generation, activity and auto-lock setting.
    pub cell: Mutex<Cell>,
    pub store: Mutex<Store>,
    pub listener: RwLock<Option<Arc<dyn SessionListener>>>,
    pub env: Arc<dyn EnvironmentProbe>,
    pub clock: Arc<dyn Clock>,
    pub boot_clock: Arc<dyn BootClock>,
    pub deadline: watch::Sender<Option<tokio::time::Instant>>,
    pub key_store: Arc<dyn SecureKeyStore>,
    /// Notices waiting for the listener, in the order their transitions happened.
    pub outbox: Mutex<Outbox>,
    pub device_owner: Option<Arc<dyn DeviceOwnerCheck>>,
    pub device_keys: Option<Arc<dyn DeviceKeyStore>>,
    pub hardware_key: Option<Arc<dyn crate::auth::hardware_key::HardwareKey>>,
    /// The store's device-scope keys (shared with its SQL functions; a leaf lock).
    pub ring: crate::store::sealing::SharedRing,
    pub prompts: crate::auth::keystore::PromptTexts,
    pub app_codes: Option<Arc<dyn AppCodeVerifier>>,
    pub connection_hook: Option<Arc<dyn ConnectionHook>>,
    pub clipboard: Option<Arc<dyn ClipboardHook>>,
    /// The outstanding clipboard copy (a leaf lock).
    pub clip: Mutex<ClipState>,
    /// When to clear it, and which copy (read by the clipboard timer task).
    pub clip_deadline: watch::Sender<Option<(tokio::time::Instant, u64)>>,
    /// Revocations whose hook call is in flight (a leaf lock): one call per revocation at a time.
    pub revoking: Mutex<std::collections::HashSet<String>>,
    /// The next signing request's id.
    pub next_request: std::sync::atomic::AtomicU64,
    /// Threads of `background` (trash, checkpoint; a leaf lock; joined when the core closes).
    pub workers: Mutex<Vec<std::thread::JoinHandle<()>>>,
    #[cfg(feature = "test-hooks")]
    pub test: session::TestInstruments,
}

/// The listener's queue (a leaf lock: nothing else is taken while it is held).
#[derive(Default)]
pub(crate) struct Outbox {
    pub queue: std::collections::VecDeque<Notice>,
    pub delivering: bool,
}

/// Locks a mutex, recovering the data if a previous holder panicked (never panics itself).
pub(crate) fn lk<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The wallet core for one data directory.
pub struct WalletCore {
    pub(crate) inner: Arc<Inner>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for WalletCore {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
        // A logout's cache files are gone when the core is.
        self.inner.join_workers();
    }
}

impl WalletCore {
    /// Opens the data directory: migrates, completes interrupted logouts, restores the session
    /// (an active session comes back `Locked`), and starts the auto-lock timer.
    pub fn open(config: Config, hooks: Hooks) -> Result<WalletCore> {
        config.safety.validate()?;
        let mut store = Store::open(&config.data_dir)?;
        let now = hooks.clock.now_unix();
        // Device keys first: every sealed value needs them (DeviceKeyUnavailable / DeviceKeyLost
        // here; nothing is changed or deleted by a failed open).
        device::bind_at_open(&mut store, hooks.device_keys.as_deref())?;
        logout::recover_journal(&mut store, hooks.key_store.as_ref(), hooks.device_keys.as_deref())?;
        // After a reboot every limiter delay restarts in full from now.
        let boot = crate::clock::read_boot(hooks.boot_clock.as_ref());
        store.write(|tx| crate::store::limiter::reanchor_other_boots(tx, &boot))?;
        erase::purge_orphans(&mut store, hooks.key_store.as_ref(), now)?;
        if let Some(dk) = hooks.device_keys.as_deref() {
            device::purge_orphans(&store, dk)?;
        }
        let state = restore_session(&mut store, now)?;
        let auto_lock = session::auto_lock_for(store.conn(), state.account(), config.default_auto_lock)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("imwallet-core")
            .enable_time()
            .build()
            .map_err(|e| Error::Internal { reason: format!("cannot start the timer runtime: {e}") })?;
        let (tx, rx) = watch::channel(None);
        let (clip_tx, clip_rx) = watch::channel(None);
        let ring = store.ring().clone();
        let inner = Arc::new(Inner {
            config,
            cell: Mutex::new(Cell {
                session: Session::without_keys(&state),
                generation: 0,
                activity: Activity { mono: Instant::now(), wall: now, backgrounded: false },
                auto_lock,
                last_logout: None,
            }),
            store: Mutex::new(store),
            listener: RwLock::new(hooks.listener),
            env: hooks.environment,
            clock: hooks.clock,
            boot_clock: hooks.boot_clock,
            deadline: tx,
            key_store: hooks.key_store,
            outbox: Mutex::new(Outbox::default()),
            device_owner: hooks.device_owner,
            device_keys: hooks.device_keys,
            hardware_key: hooks.hardware_key,
            ring,
            prompts: hooks.prompts,
            app_codes: hooks.app_codes,
            connection_hook: hooks.connections,
            clipboard: hooks.clipboard,
            clip: Mutex::new(ClipState::default()),
            clip_deadline: clip_tx,
            revoking: Mutex::new(Default::default()),
            next_request: std::sync::atomic::AtomicU64::new(1),
            workers: Mutex::new(Vec::new()),
            #[cfg(feature = "test-hooks")]
            test: Default::default(),
        });
        runtime.spawn(auth::autolock_task(Arc::downgrade(&inner), rx));
        runtime.spawn(clipboard::clipboard_task(Arc::downgrade(&inner), clip_rx));
        // Revocations an earlier run owed (a failing hook, a process that died after the
        // commit): carried out now, with no core lock held.
        inner.run_revocations();
        Ok(WalletCore { inner, runtime: Some(runtime) })
    }

    /// The current session state.
    pub fn state(&self) -> SessionState {
        self.inner.snapshot().0
    }

    /// Registers (or replaces) the listener.
    pub fn set_listener(&self, listener: Option<Arc<dyn SessionListener>>) {
        if let Ok(mut l) = self.inner.listener.write() {
            *l = listener;
        }
    }

    /// The newest `limit` security events, newest first.
    pub fn security_events(&self, limit: u32) -> Result<Vec<SecurityEvent>> {
        events::list(lk(&self.inner.store).conn(), limit)
    }

    /// Failed password attempts since the last successful login/unlock.
    pub fn failed_attempts_summary(&self) -> Result<events::FailedAttemptsSummary> {
        events::failed_attempts_summary(lk(&self.inner.store).conn())
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.inner.config.data_dir.clone()
    }
}

impl Inner {
    pub fn now(&self) -> i64 {
        self.clock.now_unix()
    }

    /// Queues notices and delivers the queue to the listener, in order, with no core lock held.
    /// One thread at a time delivers; a notice queued meanwhile (another thread, or the listener
    /// calling back into the core) is delivered by that same loop, after the one in progress —
    /// so the listener's last state is always the core's latest. Listener errors are ignored: a
    /// failing shell callback must not undo a completed security action.
    pub fn emit(&self, notices: Vec<Notice>) {
        lk(&self.outbox).queue.extend(notices);
        self.deliver();
    }

    /// Delivers queued notices unless another call is already delivering them.
    pub fn deliver(&self) {
        loop {
            let batch = {
                let mut o = lk(&self.outbox);
                if o.delivering || o.queue.is_empty() {
                    return;
                }
                o.delivering = true;
                std::mem::take(&mut o.queue)
            };
            let listener = self.listener.read().ok().and_then(|l| l.clone());
            for n in batch {
                let _ = match (n, &listener, &self.connection_hook) {
                    (Notice::State(s), Some(l), _) => l.on_state_changed(s),
                    (Notice::Event(e), Some(l), _) => l.on_security_event(e),
                    (Notice::Rejected(r), _, Some(h)) => h.request_rejected(r),
                    _ => Ok(()),
                };
            }
            lk(&self.outbox).delivering = false;
        }
    }

    /// Records an event about `account` only if the account still exists: slow work (a KDF, a
    /// prompt) that finishes after the wallet was removed or erased leaves no trace of it.
    pub fn event_if_present(
        &self,
        conn: &rusqlite::Connection,
        kind: EventKind,
        account: Option<&SessionAccount>,
        detail: &str,
        out: &mut Vec<Notice>,
    ) -> Result<bool> {
        if let Some(a) = account {
            if rows::by_id(conn, &a.id)?.is_none() {
                return Ok(false);
            }
        }
        self.event(conn, kind, account, detail, out)?;
        Ok(true)
    }

    /// Records an event inside a transaction and queues it for the listener.
    pub fn event(
        &self,
        conn: &rusqlite::Connection,
        kind: EventKind,
        account: Option<&SessionAccount>,
        detail: &str,
        out: &mut Vec<Notice>,
    ) -> Result<()> {
        let e = events::record(conn, self.now(), kind, account.map(|a| (a.id.as_str(), a.name.as_str())), detail)?;
        out.push(Notice::Event(e));
        Ok(())
    }
}

#[cfg(feature = "test-hooks")]
impl WalletCore {
    /// Test-only: live key-material values (0 unless `Unlocked`, then 1).
    pub fn live_unlocked_keys(&self) -> usize {
        self.inner.test.live_keys.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Test-only: called after a KDF/biometric unwrap and before its result is applied.
    pub fn set_after_kdf_hook(&self, hook: Option<Arc<dyn Fn() + Send + Sync>>) {
        if let Ok(mut h) = self.inner.test.after_kdf.write() {
            *h = hook;
        }
    }
}

impl Inner {
    /// The test barrier between a KDF and applying its result (no-op in real builds).
    pub(crate) fn after_kdf(&self) {
        #[cfg(feature = "test-hooks")]
        {
            let hook = self.test.after_kdf.read().ok().and_then(|h| h.clone());
            if let Some(h) = hook {
                h();
            }
        }
    }
}

/// Writes the session row for `state`.
pub(crate) fn persist_state(conn: &rusqlite::Connection, state: &SessionState, now: i64) -> Result<()> {
    crate::store::session::persist(conn, state, now)
}

/// The state after a restart: an active session comes back `Locked`.
fn restore_session(store: &mut Store, now: i64) -> Result<SessionState> {
    store.write(|tx| {
        let (s, id) = crate::store::session::load(tx)?;
        let account = match id.as_deref() {
            Some(id) => rows::by_id(tx, id)?.map(|a| SessionAccount { id: a.id, name: a.name }),
            None => None,
        };
        let state = match (s.as_str(), account) {
            ("locked" | "unlocked", Some(account)) => SessionState::Locked { account },
            _ if rows::count(tx)? == 0 => SessionState::NoAccount,
            _ => SessionState::LoggedOut,
        };
        persist_state(tx, &state, now)?;
        Ok(state)
    })
}

/// `NoAccount` or `LoggedOut`, depending on whether accounts remain.
pub(crate) fn no_session(conn: &rusqlite::Connection) -> Result<SessionState> {
    Ok(if rows::count(conn)? == 0 { SessionState::NoAccount } else { SessionState::LoggedOut })
}
