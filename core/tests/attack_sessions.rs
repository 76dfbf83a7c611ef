//! Attack 9: session ownership driven through the public API only (feature `test-hooks`).
//!
//! Barriers used (all public): the test-hooks `set_after_kdf_hook`; a `SecureKeyStore` whose
//! `load` / `store` / `delete` / `delete_all` can be made to block once; a `Clock` whose
//! `now_unix` blocks once on one chosen thread (thread-local arming, so no other thread and no
//! lock-holding call site is affected); and a listener that can block on one notice.
//!
//! Tests named `finding_*` fail on the current code (each is a broken promise); tests named
//! `held_*` are attacks that the code resisted.
#![cfg(feature = "test-hooks")]

mod common;
use common::{by_owner, Owner};

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use common::{PW, PW2};
use imwallet_core::auth::gates::{AuthProof, Gate, GatePolicy, GatedAction};
use imwallet_core::auth::hooks::{HookError, SessionListener, UnknownEnvironment};
use imwallet_core::auth::keystore::{BiometricPrompt, KeyStoreError, MemoryKeyStore, SecureKeyStore, ALIAS_PREFIX};
use imwallet_core::cache::{CacheKind, CacheScope};
use imwallet_core::clock::{Clock, ManualClock};
use imwallet_core::engine::ERASE_PHRASE;
use imwallet_core::events::SecurityEvent;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::session::SessionState;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Error, Hooks, WalletCore};

const T: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// A one-shot gate: `wait_here()` tells the test it arrived and waits for the release.

#[derive(Clone)]
struct Gate1 {
    armed: Arc<AtomicBool>,
    arrived_tx: Sender<()>,
    arrived: Arc<Mutex<Receiver<()>>>,
    release_tx: Sender<()>,
    release: Arc<Mutex<Receiver<()>>>,
}

impl Gate1 {
    fn new() -> Gate1 {
        let (arrived_tx, arrived) = channel();
        let (release_tx, release) = channel();
        Gate1 {
            armed: Arc::new(AtomicBool::new(false)),
            arrived_tx,
            arrived: Arc::new(Mutex::new(arrived)),
            release_tx,
            release: Arc::new(Mutex::new(release)),
        }
    }
    fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }
    /// Called from the hook: blocks once when armed.
    fn pass(&self) {
        if self.armed.swap(false, Ordering::SeqCst) {
            let _ = self.arrived_tx.send(());
            let _ = self.release.lock().unwrap().recv_timeout(T);
        }
    }
    fn wait_arrived(&self) {
        self.arrived.lock().unwrap().recv_timeout(T).expect("the hook never reached the gate");
    }
    fn release(&self) {
        self.release_tx.send(()).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// A key store (in-memory) whose operations can block once.

#[derive(Default)]
struct BlockingKs {
    inner: MemoryKeyStore,
    gates: Mutex<Vec<(&'static str, Gate1)>>,
    /// Called from inside `load` (a shell that calls back into the core from its prompt).
    on_load: Mutex<Option<Box<dyn Fn() + Send + Sync>>>,
}

impl BlockingKs {
    fn block(&self, op: &'static str) -> Gate1 {
        let g = Gate1::new();
        g.arm();
        self.gates.lock().unwrap().push((op, g.clone()));
        g
    }
    fn hit(&self, op: &str) {
        let g = {
            let mut gates = self.gates.lock().unwrap();
            let pos = gates.iter().position(|(o, g)| *o == op && g.armed.load(Ordering::SeqCst));
            pos.map(|p| gates.remove(p).1)
        };
        if let Some(g) = g {
            g.pass();
        }
    }
}

impl SecureKeyStore for BlockingKs {
    fn store(&self, alias: &str, secret: &[u8]) -> Result<(), KeyStoreError> {
        self.hit("store");
        self.inner.store(alias, secret)
    }
    fn load(&self, alias: &str, prompt: &BiometricPrompt) -> Result<SecretBytes, KeyStoreError> {
        if let Some(f) = self.on_load.lock().unwrap().as_ref() {
            f();
        }
        self.hit("load");
        self.inner.load(alias, prompt)
    }
    fn delete(&self, alias: &str) -> Result<(), KeyStoreError> {
        self.hit("delete");
        self.inner.delete(alias)
    }
    fn list(&self) -> Result<Vec<String>, KeyStoreError> {
        self.inner.list()
    }
    fn delete_all(&self) -> Result<(), KeyStoreError> {
        self.hit("delete_all");
        self.inner.delete_all()
    }
}

// ---------------------------------------------------------------------------------------------
// A clock whose `now_unix` blocks once on a thread that armed it.

thread_local! {
    static CLOCK_GATE: RefCell<Option<Gate1>> = const { RefCell::new(None) };
}

struct GateClock(ManualClock);

impl Clock for GateClock {
    fn now_unix(&self) -> i64 {
        if let Some(g) = CLOCK_GATE.with(|c| c.borrow_mut().take()) {
            g.pass();
        }
        self.0.now_unix()
    }
    fn monotonic_secs(&self) -> u64 {
        self.0.monotonic_secs()
    }
}

/// Arms the clock gate for the current thread (the next `now_unix` on it blocks).
fn arm_clock_here(g: &Gate1) {
    g.arm();
    CLOCK_GATE.with(|c| *c.borrow_mut() = Some(g.clone()));
}

// ---------------------------------------------------------------------------------------------
// A listener that records and can block on the first `Locked` state notice; it can also call a
// closure from `on_state_changed` (re-entrancy).

#[derive(Default)]
struct Listener {
    states: Mutex<Vec<SessionState>>,
    events: Mutex<Vec<SecurityEvent>>,
    block_on_locked: OnceLock<Gate1>,
    reenter: Mutex<Option<Arc<dyn Fn(&SessionState) + Send + Sync>>>,
}

impl SessionListener for Listener {
    fn on_state_changed(&self, state: SessionState) -> Result<(), HookError> {
        if matches!(state, SessionState::Locked { .. }) {
            if let Some(g) = self.block_on_locked.get() {
                g.pass();
            }
        }
        self.states.lock().unwrap().push(state.clone());
        // Cloned out first: the callback re-enters this listener on the same thread.
        let f = self.reenter.lock().unwrap().clone();
        if let Some(f) = f {
            f(&state);
        }
        Ok(())
    }
    fn on_security_event(&self, event: SecurityEvent) -> Result<(), HookError> {
        self.events.lock().unwrap().push(event);
        Ok(())
    }
}

struct Rig {
    core: Arc<WalletCore>,
    ks: Arc<BlockingKs>,
    clock: Arc<GateClock>,
    listener: Arc<Listener>,
}

fn open_rig(dir: &std::path::Path, auto_lock: AutoLock) -> Rig {
    let ks = Arc::new(BlockingKs::default());
    let clock = Arc::new(GateClock(ManualClock::new(1_800_000_000)));
    let listener = Arc::new(Listener::default());
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: auto_lock,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    let hooks = Hooks {
        environment: Arc::new(UnknownEnvironment),
        listener: Some(listener.clone()),
        clock: clock.clone(),
        boot_clock: Arc::new(imwallet_core::clock::NoBootClock),
        key_store: ks.clone(),
        device_owner: Some(Arc::new(Owner::default())),
        device_keys: Some(common::device_for(dir)),
        hardware_key: None,
        prompts: Default::default(),
        app_codes: None,
        connections: None,
        clipboard: None,
    };
    let core = Arc::new(WalletCore::open(config, hooks).unwrap());
    Rig { core, ks, clock, listener }
}

/// Ada (PW) and Bob (PW2) exist; Ada is logged in.
fn two_accounts() -> (tempfile::TempDir, Rig) {
    let dir = tempfile::tempdir().unwrap();
    let r = open_rig(dir.path(), AutoLock::Never);
    r.core.create_account("Ada", PW, 12, Language::English).unwrap();
    r.core.create_account("Bob", PW2, 12, Language::English).unwrap();
    r.core.login("Ada", PW, None).unwrap();
    (dir, r)
}

fn invariant(core: &WalletCore) {
    let expected = usize::from(core.state().is_unlocked());
    assert_eq!(core.live_unlocked_keys(), expected, "live key material in state {:?}", core.state());
}

fn id_of(core: &WalletCore, name: &str) -> String {
    core.accounts().unwrap().into_iter().find(|a| a.name == name).unwrap().id
}

fn logout(core: &WalletCore, remove: bool) -> Result<imwallet_core::session::logout::LogoutReport, Error> {
    let plan = core.prepare_logout(LogoutOptions { clear_caches: true, keep_global_caches: true, remove_wallet: remove })?;
    let confirmation = LogoutConfirmation {
        typed_account_name: Some(plan.account.name.clone()),
        password: Some(SecretBytes::from_slice(if plan.account.name == "Ada" { PW } else { PW2 })),
        use_biometrics: false,
    };
    core.logout(&plan.token, &confirmation)
}

fn spawn<T: Send + 'static>(core: &Arc<WalletCore>, f: impl FnOnce(&WalletCore) -> T + Send + 'static) -> std::thread::JoinHandle<T> {
    let c = core.clone();
    std::thread::spawn(move || f(&c))
}

fn barrier(core: &WalletCore) -> Gate1 {
    let g = Gate1::new();
    let gg = g.clone();
    core.set_after_kdf_hook(Some(Arc::new(move || gg.pass())));
    g
}

// =============================================================================================
// Findings (fail on the current code)
// =============================================================================================

/// Listener notices are sent after the session lock is released, with nothing ordering them: a
/// `lock()` whose notice is delivered late (a slow JNI callback, a preempted thread) arrives
/// after the notice of an unlock that happened later. The shell's last word is `Locked` (lock
/// screen shown) while the core is `Unlocked` with live keys.
#[test]
fn finding_listener_last_state_is_locked_while_core_is_unlocked() {
    let (_d, r) = two_accounts();
    let g = Gate1::new();
    g.arm();
    r.listener.block_on_locked.set(g.clone()).ok().unwrap();
    let locker = spawn(&r.core, |c| c.lock().map(|_| ()));
    g.wait_arrived(); // the lock is done; its `Locked` notice is on its way
    assert!(matches!(r.core.state(), SessionState::Locked { .. }));
    r.core.unlock(PW).unwrap(); // the user unlocks again: notice `Unlocked` delivered now
    g.release();
    locker.join().unwrap().unwrap();
    let last = r.listener.states.lock().unwrap().last().cloned().unwrap();
    assert!(r.core.state().is_unlocked());
    assert_eq!(r.core.live_unlocked_keys(), 1);
    assert_eq!(last, r.core.state(), "the listener's last state must be the core's state (keys are live, shell shows the lock screen)");
}

/// A biometric prompt in flight while the user erases everything: when the prompt returns, the
/// key is gone (erased), so the core "invalidates biometrics" for the account it read before the
/// erase and records a `BiometricInvalidated` event with the erased account's id and name into
/// the freshly erased event log.
#[test]
fn finding_erase_during_biometric_prompt_leaves_the_erased_accounts_name_in_the_log() {
    let (_d, r) = two_accounts();
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.lock().unwrap();
    let g = r.ks.block("load");
    let h = spawn(&r.core, |c| c.unlock_with_biometrics());
    g.wait_arrived();
    r.core.erase_all_data(ERASE_PHRASE, &by_owner()).unwrap();
    g.release();
    let got = h.join().unwrap();
    assert!(got.is_err());
    assert_eq!(r.core.state(), SessionState::NoAccount);
    invariant(&r.core);
    let leftovers: Vec<SecurityEvent> =
        r.core.security_events(100).unwrap().into_iter().filter(|e| e.account_name.is_some() || e.account_id.is_some()).collect();
    assert!(leftovers.is_empty(), "erase_all_data must leave no trace of erased accounts, found {leftovers:?}");
}

/// Same with a wrong-password login in flight: the failure event for the erased account is
/// written after the erase.
#[test]
fn finding_erase_during_failed_login_leaves_the_erased_accounts_name_in_the_log() {
    let (_d, r) = two_accounts();
    r.core.lock().unwrap();
    let g = Gate1::new();
    let gg = g.clone();
    let h = spawn(&r.core, move |c| {
        arm_clock_here(&gg); // blocks at the start of the password check (no core lock held)
        c.login("Ada", b"not the right password at all", None)
    });
    g.wait_arrived();
    r.core.erase_all_data(ERASE_PHRASE, &by_owner()).unwrap();
    g.release();
    assert!(h.join().unwrap().is_err());
    let leftovers: Vec<SecurityEvent> =
        r.core.security_events(100).unwrap().into_iter().filter(|e| e.account_name.is_some() || e.account_id.is_some()).collect();
    assert!(leftovers.is_empty(), "erase_all_data must leave no trace of erased accounts, found {leftovers:?}");
}

/// `cache_put` for an account scope checks the account exists, then writes: a remove-wallet in
/// between leaves that account's cache (e.g. its transaction history) behind (no foreign key;
/// no later logout has that account's scope; only a manual clear-all / clear-kind or another
/// erase would remove it).
#[test]
fn finding_cache_put_racing_remove_wallet_leaves_the_removed_accounts_cache() {
    let (_d, r) = two_accounts();
    let ada = id_of(&r.core, "Ada");
    let scope = CacheScope::Account(ada.clone());
    let g = Gate1::new();
    let gg = g.clone();
    let s2 = scope.clone();
    let h = spawn(&r.core, move |c| {
        arm_clock_here(&gg); // blocks between the scope check and the write (no lock held)
        c.cache_put(&CacheKind::TransactionHistory, &s2, "tx", b"CANARY-history-of-ada", None)
    });
    g.wait_arrived();
    logout(&r.core, true).unwrap();
    assert!(r.core.accounts().unwrap().iter().all(|a| a.id != ada), "Ada removed");
    g.release();
    let put = h.join().unwrap();
    // The account is gone: its scope is refused (AccountNotFound) or, at most, empty.
    let left = r.core.cache_get(&CacheKind::TransactionHistory, &scope, "tx").unwrap_or(None);
    assert!(
        put.is_err() && left.is_none(),
        "a removed wallet's cache must not survive: put={put:?}, entry now {:?}",
        left.map(|v| String::from_utf8_lossy(&v).into_owned())
    );
}

/// Same with "reset app": the erased account's cache entry is written after the erase.
#[test]
fn finding_cache_put_racing_erase_survives_the_erase() {
    let (_d, r) = two_accounts();
    let ada = id_of(&r.core, "Ada");
    let scope = CacheScope::Account(ada);
    let g = Gate1::new();
    let gg = g.clone();
    let s2 = scope.clone();
    let h = spawn(&r.core, move |c| {
        arm_clock_here(&gg);
        c.cache_put(&CacheKind::DappConnections, &s2, "session", b"CANARY-dapp", None)
    });
    g.wait_arrived();
    r.core.erase_all_data(ERASE_PHRASE, &by_owner()).unwrap();
    g.release();
    let put = h.join().unwrap();
    let left = r.core.cache_get(&CacheKind::DappConnections, &scope, "session").unwrap_or(None);
    assert!(put.is_err() && left.is_none(), "erase must leave nothing: put={put:?}, left={left:?}");
}

/// `change_password` never checks the session: started while Ada is logged in, it finishes
/// after Ada logged out and still re-wraps her vault (the stated rule: a KDF result is applied
/// only if the session did not change, else `SessionChanged` and nothing applied).
#[test]
fn finding_change_password_applies_after_logout() {
    let (_d, r) = two_accounts();
    let g = Gate1::new();
    let gg = g.clone();
    let h = spawn(&r.core, move |c| {
        arm_clock_here(&gg); // first clock read of the password check, before the KDF
        c.change_password(PW, b"a brand new passphrase, 2027?")
    });
    g.wait_arrived();
    logout(&r.core, false).unwrap();
    assert_eq!(r.core.state(), SessionState::LoggedOut);
    g.release();
    let got = h.join().unwrap();
    let old_still_works = r.core.login("Ada", PW, None).is_ok();
    assert!(
        got == Err(Error::SessionChanged) && old_still_works,
        "change_password after logout: result {got:?}, old password still valid: {old_still_works}"
    );
}

/// A logout's key-store delete runs after its commit with no lock held; if the user logs back
/// in and enables biometrics meanwhile (same deterministic alias per account), the stale delete
/// removes the new secret: biometrics shows as enabled, then fails and gets invalidated.
#[test]
fn finding_stale_logout_key_delete_destroys_a_newer_biometric_enrolment() {
    let (_d, r) = two_accounts();
    r.core.enable_biometric_unlock(PW).unwrap();
    let g = r.ks.block("delete");
    let h = spawn(&r.core, |c| logout(c, false));
    g.wait_arrived(); // logout committed, its key-store delete is pending
    r.core.login("Ada", PW, None).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    g.release();
    h.join().unwrap().unwrap();
    let ada = r.core.accounts().unwrap().into_iter().find(|a| a.name == "Ada").unwrap();
    assert!(ada.biometric_enabled);
    r.core.lock().unwrap();
    assert!(
        r.core.unlock_with_biometrics().is_ok(),
        "biometrics enabled in the new session must work; key present: {}",
        r.ks.inner.list().unwrap().iter().any(|a| a.starts_with(&format!("{ALIAS_PREFIX}{}.", ada.id)))
    );
}

// =============================================================================================
// Attacks that held
// =============================================================================================

/// enable_biometric_unlock racing remove-wallet: no wrap, no key-store entry left behind.
#[test]
fn held_enable_biometric_racing_remove_wallet_leaves_nothing() {
    let (_d, r) = two_accounts();
    let ada = id_of(&r.core, "Ada");
    let g = r.ks.block("store");
    let h = spawn(&r.core, |c| c.enable_biometric_unlock(PW));
    g.wait_arrived();
    logout(&r.core, true).unwrap();
    g.release();
    assert_eq!(h.join().unwrap(), Err(Error::SessionChanged));
    assert!(!r.ks.inner.contains(&format!("{ALIAS_PREFIX}{ada}")));
    assert!(r.ks.inner.list().unwrap().is_empty());
    invariant(&r.core);
}

/// enable_biometric_unlock racing a plain logout and a re-login of the other account.
#[test]
fn held_enable_biometric_racing_logout_and_other_login() {
    let (_d, r) = two_accounts();
    let g = r.ks.block("store");
    let h = spawn(&r.core, |c| c.enable_biometric_unlock(PW));
    g.wait_arrived();
    logout(&r.core, false).unwrap();
    r.core.login("Bob", PW2, None).unwrap();
    g.release();
    assert_eq!(h.join().unwrap(), Err(Error::SessionChanged));
    assert!(r.core.accounts().unwrap().iter().all(|a| !a.biometric_enabled));
    assert!(r.ks.inner.list().unwrap().is_empty());
}

/// A biometric prompt overlapping logout / lock / remove-wallet never unlocks.
#[test]
fn held_biometric_prompt_overlapping_logout_lock_remove() {
    for what in ["logout", "lock", "remove", "login_bob"] {
        let (_d, r) = two_accounts();
        r.core.enable_biometric_unlock(PW).unwrap();
        r.core.lock().unwrap();
        let g = r.ks.block("load");
        let h = spawn(&r.core, |c| c.unlock_with_biometrics());
        g.wait_arrived();
        match what {
            "logout" => drop(logout(&r.core, false).unwrap()),
            "lock" => drop(r.core.lock().unwrap()),
            "remove" => drop(logout(&r.core, true).unwrap()),
            _ => drop(r.core.login("Bob", PW2, None).unwrap()),
        }
        g.release();
        let got = h.join().unwrap();
        assert!(got.is_err(), "{what}: {got:?}");
        assert!(!matches!(r.core.state(), SessionState::Unlocked { ref account } if account.name == "Ada"), "{what}");
        invariant(&r.core);
    }
}

/// A key store `load` that itself locks / logs out / logs in another account (re-entrant
/// mutating hook): no deadlock, and the prompt's result is discarded.
#[test]
fn held_reentrant_key_store_load_mutating_the_session() {
    for what in ["lock", "logout", "login_bob"] {
        let (_d, r) = two_accounts();
        r.core.enable_biometric_unlock(PW).unwrap();
        r.core.lock().unwrap();
        let weak: Weak<WalletCore> = Arc::downgrade(&r.core);
        let w = what.to_string();
        *r.ks.on_load.lock().unwrap() = Some(Box::new(move || {
            if let Some(c) = weak.upgrade() {
                match w.as_str() {
                    "lock" => drop(c.lock()),
                    "logout" => drop(logout(&c, false)),
                    _ => drop(c.login("Bob", PW2, None)),
                }
            }
        }));
        let h = spawn(&r.core, |c| c.unlock_with_biometrics());
        let got = h.join().unwrap();
        // A logout from inside the prompt also deletes the key: `BiometricInvalidated` then.
        assert!(matches!(got, Err(Error::SessionChanged | Error::BiometricInvalidated)), "{what}: {got:?}");
        assert!(!matches!(r.core.state(), SessionState::Unlocked { ref account } if account.name == "Ada"), "{what}");
        *r.ks.on_load.lock().unwrap() = None;
        invariant(&r.core);
    }
}

/// A listener that locks / logs out / logs in from `on_state_changed` (re-entrant mutating hook).
#[test]
fn held_reentrant_listener_mutating_the_session() {
    let (_d, r) = two_accounts();
    let weak: Weak<WalletCore> = Arc::downgrade(&r.core);
    // Bob unlocked -> lock -> (Locked) logout -> (LoggedOut) login Ada: nested three deep.
    let budget = Arc::new(std::sync::atomic::AtomicU32::new(10));
    *r.listener.reenter.lock().unwrap() = Some(Arc::new(move |s: &SessionState| {
        if budget.fetch_sub(1, Ordering::SeqCst) == 0 {
            budget.store(0, Ordering::SeqCst);
            return;
        }
        if let Some(c) = weak.upgrade() {
            match s {
                SessionState::Unlocked { account } if account.name == "Bob" => drop(c.lock()),
                SessionState::Locked { .. } => drop(logout(&c, false)),
                SessionState::LoggedOut => drop(c.login("Ada", PW, None)),
                _ => {}
            }
        }
    }));
    let h = spawn(&r.core, |c| c.login("Bob", PW2, None));
    let (tx, rx) = channel();
    std::thread::spawn(move || tx.send(h.join()).unwrap());
    let got = rx.recv_timeout(Duration::from_secs(60)).expect("deadlock");
    assert!(got.is_ok());
    invariant(&r.core);
    assert!(matches!(r.core.state(), SessionState::Unlocked { ref account } if account.name == "Ada"), "{:?}", r.core.state());
}

/// Grants live only in the session that recorded them: not across lock/unlock, not into another
/// account's session, not into a re-login of the same account.
#[test]
fn held_grants_do_not_survive_session_changes() {
    let (_d, r) = two_accounts();
    let strict = GatePolicy { gate: Gate::Password, fresh_within_secs: Some(600) };
    // Gates are per account: both get the strict one.
    r.core.login("Bob", PW2, None).unwrap();
    r.core.set_gate_policy(GatedAction::SignMessage, strict, AuthProof::Password(PW2)).unwrap();
    r.core.login("Ada", PW, None).unwrap();
    r.core.set_gate_policy(GatedAction::SignMessage, strict, AuthProof::Password(PW)).unwrap();
    let need = |c: &WalletCore| matches!(c.sign_message(0, b"x"), Err(Error::AuthorizationRequired { .. }));
    assert!(need(&r.core));
    r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).unwrap();
    assert!(r.core.sign_message(0, b"x").is_ok());
    r.core.lock().unwrap();
    r.core.unlock(PW).unwrap();
    assert!(need(&r.core), "grant survived lock/unlock");
    r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW)).unwrap();
    r.core.login("Bob", PW2, None).unwrap();
    assert!(need(&r.core), "grant moved to Bob");
    r.core.authorize(GatedAction::SignMessage, AuthProof::Password(PW2)).unwrap();
    r.core.login("Bob", PW2, None).unwrap();
    assert!(need(&r.core), "grant survived a re-login");
    // A grant being recorded while the session changes (authorize's KDF overlapped by a lock +
    // unlock): the proof was for the old session.
    let g = Gate1::new();
    let gg = g.clone();
    let h = spawn(&r.core, move |c| {
        arm_clock_here(&gg);
        c.authorize(GatedAction::SignMessage, AuthProof::Password(PW2))
    });
    g.wait_arrived();
    r.core.lock().unwrap();
    r.core.unlock(PW2).unwrap();
    g.release();
    let _ = h.join().unwrap();
    assert!(need(&r.core), "grant recorded into a session that started after the proof");
    // Same with another account logged in meanwhile.
    let h = spawn(&r.core, {
        let g = Gate1::new();
        let gg = g.clone();
        let gw = g.clone();
        let c2 = r.core.clone();
        let t = std::thread::spawn(move || {
            gw.wait_arrived();
            c2.login("Ada", PW, None).unwrap();
            gw.release();
        });
        move |c| {
            arm_clock_here(&gg);
            let res = c.authorize(GatedAction::SignMessage, AuthProof::Password(PW2));
            t.join().unwrap();
            res
        }
    });
    let _ = h.join().unwrap();
    assert!(matches!(r.core.state(), SessionState::Unlocked { ref account } if account.name == "Ada"));
    assert!(need(&r.core), "Bob's proof granted Ada's session");
}

/// Tokens: prepared while Locked then unlock; across accounts; replay after a lock.
#[test]
fn held_logout_tokens_belong_to_their_session() {
    let (_d, r) = two_accounts();
    r.core.lock().unwrap();
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    r.core.unlock(PW).unwrap();
    assert_eq!(r.core.logout(&plan.token, &LogoutConfirmation::default()), Err(Error::LogoutTokenInvalid));
    let plan_ada = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    r.core.login("Bob", PW2, None).unwrap();
    assert_eq!(r.core.logout(&plan_ada.token, &LogoutConfirmation::default()), Err(Error::LogoutTokenInvalid));
    assert!(r.core.state().is_unlocked());
    // Replay of the last logout's token: answered while nothing changed; refused after a no-op
    // lock and after erase.
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    let rep = r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
    assert_eq!(r.core.logout(&plan.token, &LogoutConfirmation::default()).unwrap(), rep);
    r.core.lock().unwrap();
    assert_eq!(r.core.logout(&plan.token, &LogoutConfirmation::default()), Err(Error::LogoutTokenInvalid));
    // A token of a logout that is still finishing (key-store delete pending) cannot be used
    // against the session logged in meanwhile.
    r.core.login("Ada", PW, None).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    let g = r.ks.block("delete");
    let token = plan.token.clone();
    let h = spawn(&r.core, move |c| c.logout(&token, &LogoutConfirmation::default()));
    g.wait_arrived();
    r.core.login("Bob", PW2, None).unwrap();
    g.release();
    h.join().unwrap().unwrap();
    assert_eq!(r.core.logout(&plan.token, &LogoutConfirmation::default()), Err(Error::LogoutTokenInvalid));
    assert!(matches!(r.core.state(), SessionState::Unlocked { ref account } if account.name == "Bob"));
}

/// The auto-lock timer fires while a login KDF is held past the timeout: the login is
/// discarded and no key material outlives the lock.
#[test]
fn held_auto_lock_during_a_kdf() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_rig(dir.path(), AutoLock::Never);
    r.core.create_account("Ada", PW, 12, Language::English).unwrap();
    r.core.create_account("Bob", PW2, 12, Language::English).unwrap();
    r.core.login("Ada", PW, None).unwrap();
    r.core.set_auto_lock(AutoLock::AfterSeconds(1), AuthProof::Password(PW)).unwrap();
    let b = barrier(&r.core);
    b.arm();
    let h = spawn(&r.core, |c| c.login("Bob", PW2, None));
    b.wait_arrived();
    std::thread::sleep(Duration::from_millis(1800));
    assert!(matches!(r.core.state(), SessionState::Locked { .. }), "auto-lock fired");
    b.release();
    assert_eq!(h.join().unwrap(), Err(Error::SessionChanged));
    invariant(&r.core);
    // And from Locked: unlock KDF held > 1 s, timer must not fire on a locked session and the
    // unlock then gets its full timeout.
    b.arm();
    let h = spawn(&r.core, |c| c.unlock(PW));
    b.wait_arrived();
    std::thread::sleep(Duration::from_millis(1500));
    b.release();
    assert!(h.join().unwrap().is_ok());
    invariant(&r.core);
    std::thread::sleep(Duration::from_millis(2000));
    assert!(matches!(r.core.state(), SessionState::Locked { .. }), "auto-lock after unlock");
    invariant(&r.core);
    let _ = &r.clock;
}

/// Opening the directory while another core is in the middle of an erase (blocked in the
/// key-store wipe), and erase racing a logout that is still finishing.
#[test]
fn held_open_during_erase_and_erase_during_logout() {
    let (d, r) = two_accounts();
    r.core.enable_biometric_unlock(PW).unwrap();
    // Logout finishing (its key-store delete blocked) while an erase runs.
    let g = r.ks.block("delete");
    let h = spawn(&r.core, |c| logout(c, false));
    g.wait_arrived();
    r.core.erase_all_data(ERASE_PHRASE, &by_owner()).unwrap();
    g.release();
    let _ = h.join().unwrap();
    assert_eq!(r.core.state(), SessionState::NoAccount);
    assert!(r.core.accounts().unwrap().is_empty());
    invariant(&r.core);
    // A second open while an erase is between its commit and its key-store wipe.
    r.core.create_account("Cy", PW, 12, Language::English).unwrap();
    r.core.enable_biometric_unlock(PW).unwrap();
    let g = r.ks.block("delete");
    let h = spawn(&r.core, |c| c.erase_all_data(ERASE_PHRASE, &by_owner()));
    g.wait_arrived();
    let second = WalletCore::open(Config::new(d.path()), Hooks::default()).err();
    assert!(matches!(second, Some(Error::DataDirectoryInUse { .. })), "{second:?}");
    g.release();
    h.join().unwrap().unwrap();
}

/// Every pairing of a KDF-bound call (login, unlock, create, import) with a session-changing
/// call placed at the barrier: the KDF's result is never applied, keys match the state.
#[test]
fn held_kdf_pairs_matrix() {
    type Call = fn(&WalletCore) -> Result<(), Error>;
    let calls: [(&str, Call); 4] = [
        ("login_bob", |c| c.login("Bob", PW2, None).map(|_| ())),
        ("unlock", |c| c.unlock(PW).map(|_| ())),
        ("create", |c| c.create_account("Cat", PW, 12, Language::English).map(|_| ())),
        ("import", |c| {
            c.import_account(
                "Dee",
                b"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                None,
                PW,
            )
            .map(|_| ())
        }),
    ];
    let changes: [(&str, fn(&WalletCore)); 7] = [
        ("lock", |c| drop(c.lock().unwrap())),
        ("logout", |c| drop(logout(c, false).unwrap())),
        ("remove", |c| drop(logout(c, true).unwrap())),
        ("erase", |c| drop(c.erase_all_data(ERASE_PHRASE, &by_owner()).unwrap())),
        ("login_ada", |c| drop(c.login("Ada", PW, None).unwrap())),
        // Ada's auto-lock is Immediate (set before the race: changing it needs an unlocked
        // session and a fresh proof).
        ("background_immediate", |c| drop(c.app_backgrounded().unwrap())),
        ("lock_unlock", |c| {
            c.lock().unwrap();
            c.unlock(PW).unwrap();
        }),
    ];
    for (cn, call) in calls {
        for (xn, change) in changes {
            let (_d, r) = two_accounts();
            if xn == "background_immediate" {
                r.core.set_auto_lock(AutoLock::Immediate, AuthProof::Password(PW)).unwrap();
            }
            if cn == "unlock" {
                r.core.lock().unwrap();
            }
            let before = r.core.accounts().unwrap().len();
            let b = barrier(&r.core);
            b.arm();
            let h = spawn(&r.core, call);
            b.wait_arrived();
            change(&r.core);
            let after_change = r.core.state();
            let accounts_after_change = r.core.accounts().unwrap().len();
            b.release();
            let got = h.join().unwrap();
            assert_eq!(got, Err(Error::SessionChanged), "{cn} vs {xn}");
            assert_eq!(r.core.state(), after_change, "{cn} vs {xn}");
            assert_eq!(r.core.accounts().unwrap().len(), accounts_after_change, "{cn} vs {xn}: nothing written");
            let _ = before;
            invariant(&r.core);
        }
    }
}
