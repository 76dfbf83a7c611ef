//! Deterministic session races (feature `test-hooks`): a barrier between a KDF and applying its
//! result lets each test place a `lock()`, logout, `app_backgrounded()`, erase, cancellation or
//! another login exactly while a KDF runs. After each, the state is what the rule says and the
//! live count of unlocked key material is 1 when `Unlocked`, 0 otherwise. Plus a stress test:
//! 8 threads of mixed calls with a re-entrant listener, checked at quiescent points.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::*;
use imwallet_core::auth::gates::AuthProof;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::session::SessionState;
use imwallet_core::wallet::Language;
use imwallet_core::{Cancel, Error, WalletCore};

/// The first KDF result to be applied after `arm()` stops at the barrier: the test is told it
/// arrived, does its thing, then releases it. Later KDFs pass straight through.
struct Barrier {
    armed: Arc<AtomicBool>,
    arrived: Receiver<()>,
    release: Sender<()>,
}

fn barrier(core: &WalletCore) -> Barrier {
    let armed = Arc::new(AtomicBool::new(false));
    let (arrived_tx, arrived) = channel();
    let (release, release_rx) = channel::<()>();
    let release_rx = Mutex::new(release_rx);
    let a = armed.clone();
    core.set_after_kdf_hook(Some(Arc::new(move || {
        if a.swap(false, Ordering::SeqCst) {
            let _ = arrived_tx.send(());
            let _ = release_rx.lock().unwrap().recv_timeout(Duration::from_secs(30));
        }
    })));
    Barrier { armed, arrived, release }
}

impl Barrier {
    fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }
    fn wait_arrived(&self) {
        self.arrived.recv_timeout(Duration::from_secs(30)).expect("the KDF never reached the barrier");
    }
    fn release(&self) {
        self.release.send(()).unwrap();
    }
}

fn invariant(core: &WalletCore) {
    let expected = usize::from(core.state().is_unlocked());
    assert_eq!(core.live_unlocked_keys(), expected, "live key material in state {:?}", core.state());
}

/// Runs `call` on another thread up to the barrier, then `meanwhile` here, then releases.
fn race<T: Send + 'static>(
    r: &Arc<Rig>,
    b: &Barrier,
    call: impl FnOnce(&WalletCore) -> T + Send + 'static,
    meanwhile: impl FnOnce(&WalletCore),
) -> T {
    b.arm();
    let rr = r.clone();
    let h: JoinHandle<T> = std::thread::spawn(move || call(&rr.core));
    b.wait_arrived();
    meanwhile(&r.core);
    b.release();
    h.join().unwrap()
}

fn two_accounts() -> (tempfile::TempDir, Arc<Rig>, Barrier) {
    let dir = tempfile::tempdir().unwrap();
    let r = Arc::new(open(dir.path()));
    r.core.create_account("Ada", PW, 12, Language::English).unwrap();
    r.core.create_account("Bob", PW2, 12, Language::English).unwrap();
    r.core.login("Ada", PW, None).unwrap();
    let b = barrier(&r.core);
    (dir, r, b)
}

#[test]
fn lock_during_another_accounts_login_kdf() {
    let (_d, r, b) = two_accounts();
    let got = race(&r, &b, |c| c.login("Bob", PW2, None), |c| assert!(matches!(c.lock().unwrap(), SessionState::Locked { .. })));
    assert_eq!(got, Err(Error::SessionChanged));
    assert!(matches!(r.core.state(), SessionState::Locked { ref account } if account.name == "Ada"));
    invariant(&r.core);
}

#[test]
fn lock_during_unlock_kdf() {
    let (_d, r, b) = two_accounts();
    r.core.lock().unwrap();
    let got = race(
        &r,
        &b,
        |c| c.unlock(PW),
        |c| {
            c.lock().unwrap();
        },
    );
    assert_eq!(got, Err(Error::SessionChanged));
    assert!(matches!(r.core.state(), SessionState::Locked { .. }));
    invariant(&r.core);
    r.core.unlock(PW).unwrap();
    invariant(&r.core);
}

#[test]
fn background_under_immediate_during_unlock_kdf() {
    let (_d, r, b) = two_accounts();
    r.core.set_auto_lock(AutoLock::Immediate, AuthProof::Password(PW)).unwrap();
    r.core.lock().unwrap();
    let got = race(
        &r,
        &b,
        |c| c.unlock(PW),
        |c| {
            c.app_backgrounded().unwrap();
        },
    );
    assert_eq!(got, Err(Error::SessionChanged));
    assert!(matches!(r.core.state(), SessionState::Locked { .. }), "never unlocked in the background");
    invariant(&r.core);
}

#[test]
fn background_without_immediate_keeps_the_unlock() {
    let (_d, r, b) = two_accounts();
    r.core.set_auto_lock(AutoLock::AfterSeconds(300), AuthProof::Password(PW)).unwrap();
    r.core.lock().unwrap();
    let got = race(
        &r,
        &b,
        |c| c.unlock(PW),
        |c| {
            c.app_backgrounded().unwrap();
        },
    );
    assert!(got.unwrap().is_unlocked());
    invariant(&r.core);
}

#[test]
fn logout_during_another_accounts_login_kdf() {
    let (_d, r, b) = two_accounts();
    let got = race(
        &r,
        &b,
        |c| c.login("Bob", PW2, None),
        |c| {
            let plan = c.prepare_logout(LogoutOptions::default()).unwrap();
            c.logout(&plan.token, &LogoutConfirmation::default()).unwrap();
        },
    );
    assert_eq!(got, Err(Error::SessionChanged));
    assert_eq!(r.core.state(), SessionState::LoggedOut);
    invariant(&r.core);
}

#[test]
fn another_login_during_a_login_kdf() {
    let (_d, r, b) = two_accounts();
    r.core.lock().unwrap();
    let got = race(
        &r,
        &b,
        |c| c.login("Ada", PW, None),
        |c| {
            c.login("Bob", PW2, None).unwrap();
        },
    );
    assert_eq!(got, Err(Error::SessionChanged));
    assert!(matches!(r.core.state(), SessionState::Unlocked { ref account } if account.name == "Bob"));
    invariant(&r.core);
}

#[test]
fn erase_during_unlock_kdf() {
    let (_d, r, b) = two_accounts();
    r.core.lock().unwrap();
    let got = race(
        &r,
        &b,
        |c| c.unlock(PW),
        |c| {
            let proofs = imwallet_core::engine::EraseProofs { use_device_owner: true, ..Default::default() };
            c.erase_all_data(imwallet_core::engine::ERASE_PHRASE, &proofs).unwrap();
        },
    );
    assert_eq!(got, Err(Error::SessionChanged));
    assert_eq!(r.core.state(), SessionState::NoAccount);
    invariant(&r.core);
}

#[test]
fn lock_during_create_account_kdf_writes_nothing() {
    let (_d, r, b) = two_accounts();
    let got = race(
        &r,
        &b,
        |c| c.create_account("Cat", PW, 12, Language::English).map(|_| ()),
        |c| {
            c.lock().unwrap();
        },
    );
    assert_eq!(got, Err(Error::SessionChanged));
    assert_eq!(r.core.accounts().unwrap().len(), 2, "the new account was not written");
    assert!(matches!(r.core.state(), SessionState::Locked { .. }));
    invariant(&r.core);
}

#[test]
fn lock_during_biometric_unlock() {
    let (_d, r, b) = two_accounts();
    r.core.enable_biometric_unlock(PW).unwrap();
    r.core.lock().unwrap();
    let got = race(
        &r,
        &b,
        |c| c.unlock_with_biometrics(),
        |c| {
            c.lock().unwrap();
        },
    );
    assert_eq!(got, Err(Error::SessionChanged));
    assert!(matches!(r.core.state(), SessionState::Locked { .. }));
    invariant(&r.core);
}

#[test]
fn a_cancelled_call_discards_its_result() {
    let (_d, r, b) = two_accounts();
    r.core.lock().unwrap();
    let cancel = Cancel::new();
    let c2 = cancel.clone();
    let got = race(&r, &b, move |c| c.unlock_with(PW, &c2), |_| cancel.cancel());
    assert_eq!(got, Err(Error::SessionChanged));
    assert!(matches!(r.core.state(), SessionState::Locked { .. }));
    invariant(&r.core);
    // The correct password still counted as a success: no delay builds up.
    assert_eq!(r.core.retry_after_secs().unwrap(), 0);
}

#[test]
fn a_plan_prepared_before_a_lock_cannot_log_out_the_next_session() {
    let (_d, r, b) = two_accounts();
    let plan = r.core.prepare_logout(LogoutOptions::default()).unwrap();
    let got = race(&r, &b, |c| c.login("Bob", PW2, None), |_| {});
    assert!(got.unwrap().is_unlocked());
    assert_eq!(r.core.logout(&plan.token, &LogoutConfirmation::default()), Err(Error::LogoutTokenInvalid));
    assert!(matches!(r.core.state(), SessionState::Unlocked { ref account } if account.name == "Bob"));
    invariant(&r.core);
}

/// A tiny deterministic PRNG (xorshift) per thread.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn stress_mixed_calls_keep_the_invariant() {
    let secs: u64 = std::env::var("IMW_STRESS_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(4);
    let (_d, r, _b) = two_accounts();
    r.core.enable_biometric_unlock(PW).unwrap();
    let ops = Arc::new(AtomicU32::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut rounds = 0;
    while Instant::now() < deadline {
        rounds += 1;
        let (done_tx, done_rx) = channel();
        for t in 0..8u64 {
            let (rr, ops, done_tx) = (r.clone(), ops.clone(), done_tx.clone());
            std::thread::spawn(move || {
                let c = &rr.core;
                let mut seed = 0x9E37_79B9_7F4A_7C15 ^ (t + 1) * (rounds as u64 + 7);
                for _ in 0..12 {
                    let _ = match next(&mut seed) % 12 {
                        0 => c.login("Ada", PW, None).map(|_| ()),
                        1 => c.login("Bob", PW2, None).map(|_| ()),
                        2 => c.lock().map(|_| ()),
                        3 => c.unlock(PW).map(|_| ()),
                        4 => c.app_backgrounded().and_then(|_| c.app_foregrounded()).map(|_| ()),
                        5 => c
                            .prepare_logout(LogoutOptions::default())
                            .and_then(|p| c.logout(&p.token, &LogoutConfirmation::default()))
                            .map(|_| ()),
                        6 => c.sign_message(0, b"hi").map(|_| ()),
                        7 => c.addresses(6).map(|_| ()),
                        8 => c.unlock_with_biometrics().map(|_| ()),
                        9 => c.login("Ada", b"wrong password here", None).map(|_| ()),
                        10 => c.accounts().map(|_| ()),
                        _ => {
                            c.touch();
                            Ok(())
                        }
                    };
                    ops.fetch_add(1, Ordering::Relaxed);
                }
                let _ = done_tx.send(());
            });
        }
        drop(done_tx);
        for _ in 0..8 {
            done_rx.recv_timeout(Duration::from_secs(60)).expect("deadlock: a stress thread did not finish");
        }
        // Quiescent point.
        invariant(&r.core);
        // Keep the limiter from stalling the run: a success clears the failures.
        let _ = r.core.login("Ada", PW, None);
        invariant(&r.core);
    }
    assert!(ops.load(Ordering::Relaxed) > 100, "the stress test ran");
}
