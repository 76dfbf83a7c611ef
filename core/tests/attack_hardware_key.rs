//! Adversarial review of issue 17 / ADR 0011, the hardware-key factor: races with password
//! changes, pre-factor wraps and biometrics, the limiter, every password path.
//!
//! * `finding_*` tests assert a promise the code breaks (kept `#[ignore]`d with the reason when
//!   it is documented as not defended); `fixed_*` broke on the reviewed code and are fixed.
//! * `held_*` tests are attacks that did not work: they pass and stay as regressions.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::device_rig::*;
use common::*;
use imwallet_core::auth::gates::{AuthProof, Gate, GatePolicy, GatedAction};
use imwallet_core::auth::hardware_key::{HardwareKey, HardwareKeyError, MemoryHardwareKey};
use imwallet_core::auth::hooks::HookError;
use imwallet_core::clock::{BootClock, ManualClock};
use imwallet_core::engine::ERASE_PHRASE;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::vault::keystore::ExportKdf;
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::Language;
use imwallet_core::{Error, WalletCore};

/// A security key whose PRF call can be held (the user is slow to touch it).
#[derive(Default)]
struct SlowKey {
    inner: MemoryHardwareKey,
    hold_next_prf: AtomicBool,
    held: Latch,
    release: Latch,
}

impl HardwareKey for SlowKey {
    fn enroll(&self, account_id: &str, account_name: &str) -> Result<(), HardwareKeyError> {
        self.inner.enroll(account_id, account_name)
    }
    fn prf(&self, account_id: &str, salt: &[u8]) -> Result<SecretBytes, HardwareKeyError> {
        if self.hold_next_prf.swap(false, Ordering::SeqCst) {
            self.held.open();
            self.release.wait();
        }
        self.inner.prf(account_id, salt)
    }
}

/// Promise 4 (races) and the password-change contract. `enable_hardware_key` re-wraps without
/// checking that the row still holds the wrap it verified (no compare-and-swap, unlike the KDF
/// upgrade). A `change_password` that completes (Ok) while the user is touching the key is
/// silently undone: the old password opens the wallet again, the new one does not.
#[test]
fn fixed_enable_hardware_key_no_longer_undoes_a_concurrent_password_change() {
    let dir = tempfile::tempdir().unwrap();
    let key = Arc::new(SlowKey::default());
    let core = Arc::new(core_on(dir.path(), device_for(dir.path()), Some(key.clone()), None).unwrap());
    core.create_account("Hana", PW, 12, Language::English).unwrap();
    key.hold_next_prf.store(true, Ordering::SeqCst);
    let c = core.clone();
    let enabler = std::thread::spawn(move || c.enable_hardware_key(PW));
    assert!(key.held.wait());
    core.change_password(PW, PW2).expect("the password change succeeds");
    key.release.open();
    // Fixed: the enable sees the wrap changed under it and writes nothing.
    assert_eq!(enabler.join().unwrap(), Err(Error::SessionChanged));
    assert!(!core.accounts().unwrap()[0].hardware_key_enabled);
    core.lock().unwrap();
    assert!(core.unlock(PW).is_err(), "the old password stays dead");
    core.unlock(PW2).expect("the new password works");
}

/// A boot clock that holds the first reading made on the thread named "changer".
struct SlowBoot {
    clock: Arc<ManualClock>,
    armed: AtomicBool,
    held: Latch,
    release: Latch,
}

impl BootClock for SlowBoot {
    fn boot_id(&self) -> Result<String, HookError> {
        if thread_is("changer") && self.armed.swap(false, Ordering::SeqCst) {
            self.held.open();
            self.release.wait();
        }
        self.clock.boot_id()
    }
    fn since_boot_secs(&self) -> Result<u64, HookError> {
        self.clock.since_boot_secs()
    }
}

/// Promise 4 ("a password change keeps the factor") under a race. `change_password` reads the
/// row (no factor yet), then `enable_hardware_key` commits, then the password change writes a
/// wrap under the new password alone and leaves `hw_salt` set: every login now mixes in the
/// PRF, which that wrap was not made with. Both calls returned Ok; the wallet opens with
/// neither password (with the key) — recovery phrase only.
#[test]
fn fixed_change_password_racing_enable_hardware_key_no_longer_locks_the_wallet_out() {
    let dir = tempfile::tempdir().unwrap();
    let key = Arc::new(MemoryHardwareKey::new());
    let boot = Arc::new(SlowBoot {
        clock: Arc::new(ManualClock::new(1_800_000_000)),
        armed: AtomicBool::new(false),
        held: Latch::default(),
        release: Latch::default(),
    });
    let core = Arc::new(core_on(dir.path(), device_for(dir.path()), Some(key.clone()), Some(boot.clone())).unwrap());
    core.create_account("Hana", PW, 12, Language::English).unwrap();
    boot.armed.store(true, Ordering::SeqCst);
    let c = core.clone();
    let changer = std::thread::Builder::new().name("changer".into()).spawn(move || c.change_password(PW, PW2)).unwrap();
    assert!(boot.held.wait());
    core.enable_hardware_key(PW).expect("the factor is enabled");
    boot.release.open();
    // Fixed: the password change sees the wrap changed under it and writes nothing.
    assert_eq!(changer.join().unwrap(), Err(Error::SessionChanged));
    assert!(core.accounts().unwrap()[0].hardware_key_enabled);
    core.lock().unwrap();
    let with_new = core.unlock(PW2).map(|_| ());
    let _ = core.lock();
    let with_old = core.unlock(PW).map(|_| ());
    assert!(
        with_new.is_ok() || with_old.is_ok(),
        "both calls returned Ok and the security key is present, yet neither password opens the wallet: new {with_new:?}, old {with_old:?}"
    );
}

/// Promise 4 ("no sequence turns it off or bypasses it without both proofs"). Enabling the
/// factor re-wraps under the same account scope key, so a sealed wrap from before it still
/// opens: whoever has the device and an older copy of the data directory (an OS backup
/// restored to the same phone, a copy taken earlier) puts the old row values back and logs in
/// with the password alone. (Same for a password change: the old password comes back.)
#[test]
#[ignore = "not defended, documented in ADR 0011: needs the device plus an older copy written back"]
fn finding_a_wrap_from_before_the_factor_still_opens_with_the_password_alone() {
    let dir = tempfile::tempdir().unwrap();
    let key = Arc::new(MemoryHardwareKey::new());
    let old: (i64, i64, i64, Vec<u8>, Vec<u8>) = {
        let core = core_on(dir.path(), device_for(dir.path()), Some(key.clone()), None).unwrap();
        core.create_account("Hana", PW, 12, Language::English).unwrap();
        let old = db(dir.path())
            .query_row("SELECT kdf_m_kib, kdf_t, kdf_p, kdf_salt, password_wrap FROM accounts", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap();
        core.enable_hardware_key(PW).unwrap();
        old
    };
    db(dir.path())
        .execute(
            "UPDATE accounts SET kdf_m_kib = ?1, kdf_t = ?2, kdf_p = ?3, kdf_salt = ?4, password_wrap = ?5, hw_salt = NULL",
            rusqlite::params![old.0, old.1, old.2, old.3, old.4],
        )
        .unwrap();
    // No security key at all: the app is even opened without the hook.
    let core = core_on(dir.path(), device_for(dir.path()), None, None).unwrap();
    let r = core.login("Hana", PW, None);
    assert!(r.is_err(), "a pre-factor wrap put back into the row opened the vault with the password alone: {r:?}");
}

/// Promise 4 (low; the ADR is silent). A biometric unlock enabled *before* the factor (its
/// enrolment needed the password only) stays on when the factor is enabled: the vault then
/// opens with a fingerprint and no security key, through a wrap no key ever authorized.
#[test]
fn fixed_biometric_unlock_from_before_the_factor_is_turned_off_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let key = Arc::new(ToggleKey::default());
    let core = core_on(dir.path(), device_for(dir.path()), Some(key.clone()), None).unwrap();
    core.create_account("Hana", PW, 12, Language::English).unwrap();
    core.enable_biometric_unlock(PW).unwrap();
    core.enable_hardware_key(PW).unwrap();
    let info = &core.accounts().unwrap()[0];
    // Fixed: turning the factor on drops the biometric wrap made with the password alone.
    assert!(info.hardware_key_enabled && !info.biometric_enabled);
    core.lock().unwrap();
    key.absent.store(true, Ordering::SeqCst);
    let r = core.unlock_with_biometrics();
    assert!(r.is_err(), "the hardware-key factor is on and no key is present, yet a pre-factor biometric wrap unlocked: {r:?}");
}

// (The finding "the desktop shell leaves every data directory unbound" is fixed in the CLI,
// which now opens with a key-file device store: `cli/tests/session_cli.rs`
// `the_cli_binds_its_data_directory_to_device_keys`.)

fn factor_core(dir: &Path) -> (WalletCore, Arc<ToggleKey>, String) {
    let key = Arc::new(ToggleKey::default());
    let core = core_on(dir, device_for(dir), Some(key.clone()), None).unwrap();
    let id = core.create_account("Hana", PW, 12, Language::English).unwrap().account.id;
    core.enable_hardware_key(PW).unwrap();
    (core, key, id)
}

/// Promise 4: a wrong security key with the right password is a wrong password, and five of
/// them start the delay; so do five cancelled key prompts.
#[test]
fn held_wrong_keys_and_cancelled_prompts_fill_the_limiter() {
    let dir = tempfile::tempdir().unwrap();
    let (core, key, id) = factor_core(dir.path());
    core.lock().unwrap();
    key.inner.swap_key(&id);
    for i in 0..5 {
        let e = core.unlock(PW).unwrap_err();
        assert!(matches!(e, Error::InvalidCredentials { .. }), "attempt {i}: {e:?}");
    }
    assert!(matches!(core.unlock(PW).unwrap_err(), Error::TooManyAttempts { .. }));
    let dir = tempfile::tempdir().unwrap();
    let (core, key, _) = factor_core(dir.path());
    core.lock().unwrap();
    for _ in 0..5 {
        key.inner.script_next(HardwareKeyError::Cancelled);
        assert_eq!(core.unlock(PW2).unwrap_err(), Error::HardwareKeyCancelled);
    }
    assert!(matches!(core.unlock(PW).unwrap_err(), Error::TooManyAttempts { .. }), "cancelled prompts are counted attempts");
}

/// Promise 4: with the factor on and the key absent, no call that takes the password does
/// anything — from the unlocked session (a thief who knows the password) or the lock screen.
/// Each call runs in a fresh session after a successful unlock (so the limiter never answers
/// first, and no cached grant exists), and must fail on the missing key.
#[test]
fn held_every_password_path_needs_the_key_too() {
    let dir = tempfile::tempdir().unwrap();
    let (core, key, _) = factor_core(dir.path());
    let none = GatePolicy { gate: Gate::None, fresh_within_secs: None };
    type Call<'a> = Box<dyn Fn() -> imwallet_core::Result<()> + 'a>;
    let c = &core;
    let calls: Vec<(&str, Call)> = vec![
        ("reveal_phrase", Box::new(move || c.reveal_phrase(AuthProof::Password(PW)).map(|_| ()))),
        ("export_keystore", Box::new(move || c.export_keystore(AuthProof::Password(PW), 0, b"x", ExportKdf::LIGHT).map(|_| ()))),
        ("authorize", Box::new(move || c.authorize(GatedAction::RevealPhrase, AuthProof::Password(PW)))),
        ("set_gate_policy", Box::new(move || c.set_gate_policy(GatedAction::RevealPhrase, none, AuthProof::Password(PW)))),
        ("set_auto_lock", Box::new(move || c.set_auto_lock(AutoLock::Never, AuthProof::Password(PW)))),
        ("enable_biometric_unlock", Box::new(move || c.enable_biometric_unlock(PW))),
        ("change_password", Box::new(move || c.change_password(PW, PW2))),
        ("disable_hardware_key", Box::new(move || c.disable_hardware_key(PW))),
        ("erase_all_data", Box::new(move || c.erase_all_data(ERASE_PHRASE, &erase_with_passwords(&[("Hana", PW)])).map(|_| ()))),
        (
            "logout(remove_wallet)",
            Box::new(move || {
                let plan = c.prepare_logout(LogoutOptions { remove_wallet: true, ..LogoutOptions::default() })?;
                let confirm = LogoutConfirmation {
                    typed_account_name: Some("Hana".into()),
                    password: Some(SecretBytes::from_slice(PW)),
                    use_biometrics: false,
                };
                c.logout(&plan.token, &confirm).map(|_| ())
            }),
        ),
        ("change_password (locked)", Box::new(move || c.lock().and_then(|_| c.change_password(PW, PW2)))),
        ("enable_biometric_unlock (locked)", Box::new(move || c.lock().and_then(|_| c.enable_biometric_unlock(PW)))),
        ("unlock (locked)", Box::new(move || c.lock().and_then(|_| c.unlock(PW)).map(|_| ()))),
    ];
    for (what, call) in &calls {
        key.absent.store(false, Ordering::SeqCst);
        core.lock().unwrap();
        core.unlock(PW).unwrap();
        key.absent.store(true, Ordering::SeqCst);
        let r = call();
        assert!(matches!(r, Err(Error::HardwareKeyUnavailable { .. })), "{what} with the password alone gave {r:?}");
    }
    key.absent.store(false, Ordering::SeqCst);
    let info = &core.accounts().unwrap()[0];
    assert!(info.hardware_key_enabled && !info.biometric_enabled, "{info:?}");
    assert_eq!(core.gate_policy(GatedAction::RevealPhrase).gate, Gate::Password);
    core.lock().unwrap();
    core.unlock(PW).unwrap();
}
