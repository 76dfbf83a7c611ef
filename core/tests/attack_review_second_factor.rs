//! Review 19: a second pass of attacks on the second factor (ADR 0014), through the public API,
//! after `attack_second_factor.rs`. Each test says what it attacks and what it would catch.
//!
//! * `broken_*`: attacks that succeeded on the code as merged (issue 19) and are now fixed; the
//!   test performs the attack and asserts that it fails.
//! * `held_*`: attacks that failed; kept as regressions.

mod common;

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use common::factor_rig::*;
use common::*;
use imwallet_core::auth::gates::{AuthProof, GatedAction};
use imwallet_core::auth::hardware_key::{HardwareKey, HardwareKeyError, MemoryHardwareKey};
use imwallet_core::auth::second_factor::{MemoryAppCodeVerifier, SecondFactor, SecondFactorMethod};
use imwallet_core::clock::ManualClock;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::limiter::FREE_ATTEMPTS;
use imwallet_core::session::SessionState;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Error, Hooks, WalletCore};

fn bad(e: &Error) -> bool {
    matches!(e, Error::InvalidCredentials { .. })
}

fn limited(e: &Error) -> bool {
    matches!(e, Error::TooManyAttempts { .. })
}

// ---------------------------------------------------------------------------------------------
// Claim 6: nothing lets an attacker guess codes faster than the limiter allows.
// ---------------------------------------------------------------------------------------------

/// The attack: a thief with the phone (a `Locked` session, kept across restarts) who knows the
/// password. By default `unlock` needs only the password, so the thief is in the wallet; to log
/// in elsewhere, or to turn the factor off, they need the authenticator's code and guess it:
/// through `login` (allowed from any state) and `disable_second_factor`. Every fourth guess they
/// make a password-only proof (lock + unlock, a gate) — a success, which on the merged code
/// cleared the account's bucket, so the per-account delays never started: 20 guesses straight
/// (until the device ceiling), then one an hour, instead of five then 30 s, 1 min, 5 min...
///
/// Fixed: failed factor checks are also counted in the account's factor bucket, which only a
/// check that passed the factor clears. The test fails if a password-only success clears it.
#[test]
fn broken_password_only_proofs_reset_the_count_of_code_guesses() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (app, _) = with_totp(&r, "Ann");
    r.core.lock().unwrap();
    let mut undelayed = 0;
    for guess in 0..30u32 {
        // A password-only success before every fourth guess (the bucket reset of the attack).
        if guess % 4 == 0 {
            if guess % 8 == 0 {
                r.core.lock().unwrap();
                match r.core.unlock(PW) {
                    Ok(s) => assert!(s.is_unlocked()),
                    // The device ceiling (20 failures a day) stops even the password.
                    Err(e) if limited(&e) => break,
                    Err(e) => panic!("{e:?}"),
                }
            } else {
                r.core.authorize(GatedAction::RevealPhrase, AuthProof::Password(PW)).unwrap();
            }
        }
        let wrong = SecondFactor::totp(wrong_code(&app.code(&r.clock)).as_bytes());
        let e = if guess % 2 == 0 {
            r.core.login("Ann", PW, Some(&wrong)).unwrap_err()
        } else {
            r.core.disable_second_factor(PW, &wrong).unwrap_err()
        };
        if limited(&e) {
            break;
        }
        assert!(bad(&e), "{e:?}");
        undelayed += 1;
    }
    assert_eq!(undelayed, FREE_ATTEMPTS, "code guesses before a delay");
    // What the login screen shows agrees with what the limiter does.
    assert!(r.core.attempt_status(Some("Ann")).unwrap().retry_after_secs > 0);
    // The right code still waits for the delay; after it, it logs in and clears the count.
    assert!(limited(&r.core.login("Ann", PW, Some(&app.factor(&r.clock))).unwrap_err()));
    r.clock.advance(31);
    assert!(r.core.login("Ann", PW, Some(&app.factor(&r.clock))).unwrap().is_unlocked());
    assert_eq!(r.core.attempt_status(Some("Ann")).unwrap().attempts_left, FREE_ATTEMPTS);
}

/// The same count must not become an oracle: the factor bucket counts every failed login of the
/// account whatever the password, so two devices — one where the attacker types a wrong
/// password, one the right one, both with wrong codes, then a password-only unlock by the owner
/// — show the same limiter. Fails if only right-password attempts were counted there.
#[test]
fn held_the_factor_count_says_nothing_about_the_password() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open_factor(da.path()), open_factor(db.path()));
    let (app_a, _) = with_totp(&a, "Bea");
    let (app_b, _) = with_totp(&b, "Bea");
    a.core.lock().unwrap();
    b.core.lock().unwrap();
    for round in 0..3 {
        let wa = SecondFactor::totp(wrong_code(&app_a.code(&a.clock)).as_bytes());
        let wb = SecondFactor::totp(wrong_code(&app_b.code(&b.clock)).as_bytes());
        let ea = a.core.login("Bea", PW2, Some(&wa)).unwrap_err();
        let eb = b.core.login("Bea", PW, Some(&wb)).unwrap_err();
        assert_eq!(ea, eb, "round {round}");
    }
    // The owner unlocks with the password on both (clears the password bucket only).
    a.core.unlock(PW).unwrap();
    b.core.unlock(PW).unwrap();
    assert_eq!(a.core.attempt_status(Some("Bea")).unwrap(), b.core.attempt_status(Some("Bea")).unwrap());
    for round in 0..3 {
        let wa = SecondFactor::totp(wrong_code(&app_a.code(&a.clock)).as_bytes());
        let wb = SecondFactor::totp(wrong_code(&app_b.code(&b.clock)).as_bytes());
        let ea = a.core.login("Bea", PW2, Some(&wa)).unwrap_err();
        let eb = b.core.login("Bea", PW, Some(&wb)).unwrap_err();
        assert_eq!(ea, eb, "after the unlock, round {round}");
        assert_eq!(a.core.attempt_status(Some("Bea")).unwrap(), b.core.attempt_status(Some("Bea")).unwrap());
    }
}

/// The attack: someone at an unlocked phone with the password (no factor on yet) asks the app's
/// server whether codes are right through `enable_app_verified_factor`, as fast as the KDF
/// runs: on the merged code a rejected code was not counted anywhere (the password check before
/// it even cleared the bucket). Fixed: a rejected code counts in the account's factor bucket,
/// checked before the server is asked. Fails if the server is asked more than five times
/// without a delay.
#[test]
fn broken_enabling_the_app_verified_code_let_codes_be_guessed_without_limit() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let id = r.core.create_account("Cy", PW, 12, Language::English).unwrap().account.id;
    r.server.send(&id, b"424242");
    let calls = || r.server.calls.load(std::sync::atomic::Ordering::SeqCst);
    let mut rejected = 0;
    for guess in 0..40u32 {
        let code = format!("{guess:06}");
        match r.core.enable_app_verified_factor(PW, code.as_bytes()) {
            Err(Error::SecondFactorCodeRejected) => rejected += 1,
            Err(e) if limited(&e) => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(rejected, FREE_ATTEMPTS);
    assert_eq!(calls(), FREE_ATTEMPTS, "the server was not asked while delayed");
    // After the delay the right code turns it on, and the count is cleared.
    r.clock.advance(31);
    r.core.enable_app_verified_factor(PW, b"424242").unwrap();
    assert_eq!(r.core.accounts().unwrap()[0].second_factor, Some(SecondFactorMethod::AppVerified));
    assert_eq!(r.core.attempt_status(Some("Cy")).unwrap().attempts_left, FREE_ATTEMPTS);
}

// ---------------------------------------------------------------------------------------------
// Claims 2 and 3: a code works once — also across a regeneration / re-enrollment in flight.
// ---------------------------------------------------------------------------------------------

/// A security key that, when armed, stops inside its next PRF call until released: it holds a
/// login between reading the account's factor (before the KDF) and using it up.
struct PausingKey {
    inner: MemoryHardwareKey,
    armed: Mutex<Option<(mpsc::Sender<()>, mpsc::Receiver<()>)>>,
}

impl PausingKey {
    /// Arms the pause; returns (entered, release).
    fn arm(&self) -> (mpsc::Receiver<()>, mpsc::Sender<()>) {
        let (entered_tx, entered_rx) = mpsc::channel();
        let (go_tx, go_rx) = mpsc::channel();
        *self.armed.lock().unwrap() = Some((entered_tx, go_rx));
        (entered_rx, go_tx)
    }
}

impl HardwareKey for PausingKey {
    fn enroll(&self, account_id: &str, name: &str) -> Result<(), HardwareKeyError> {
        self.inner.enroll(account_id, name)
    }
    fn prf(&self, account_id: &str, salt: &[u8]) -> Result<SecretBytes, HardwareKeyError> {
        let armed = self.armed.lock().unwrap().take();
        if let Some((entered, go)) = armed {
            entered.send(()).unwrap();
            go.recv().unwrap();
        }
        self.inner.prf(account_id, salt)
    }
}

fn open_pausing(dir: &std::path::Path) -> (Arc<WalletCore>, Arc<ManualClock>, Arc<PausingKey>) {
    let clock = Arc::new(ManualClock::new(T0));
    let key = Arc::new(PausingKey { inner: MemoryHardwareKey::new(), armed: Mutex::new(None) });
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        safety: Default::default(),
        unlock_needs_second_factor: false,
    };
    let hooks = Hooks {
        clock: clock.clone(),
        boot_clock: clock.clone(),
        device_keys: Some(device_for(dir)),
        hardware_key: Some(key.clone()),
        app_codes: Some(Arc::new(MemoryAppCodeVerifier::new())),
        ..Hooks::default()
    };
    let core = Arc::new(WalletCore::open(config, hooks).unwrap());
    core.create_account("Dee", PW, 12, Language::English).unwrap();
    core.enable_hardware_key(PW).unwrap();
    (core, clock, key)
}

fn enroll(core: &WalletCore, clock: &ManualClock) -> (Authenticator, Vec<SecretBytes>) {
    let e = core.begin_totp_enrollment(PW, "imwallet").unwrap();
    let app = Authenticator::scan(e.otpauth_uri.expose());
    let codes = core.confirm_totp_enrollment(app.code(clock).as_bytes()).unwrap();
    (app, codes)
}

/// The attack: the owner's printed recovery codes were seen, so the owner takes new ones
/// (`regenerate_recovery_codes`: "the old ones stop working"). A login with an old code that
/// read the account's factor before the regeneration — while its KDF (and here the security
/// key) runs — was matched against the old hashes by index and used up the *new* code of the
/// same index: the old code logged in. Fixed: the success transaction re-checks the matched
/// hash against the stored one. Fails if the stale match is used up by index alone.
#[test]
fn broken_a_replaced_recovery_code_logged_in_when_racing_the_regeneration() {
    let dir = tempfile::tempdir().unwrap();
    let (core, clock, key) = open_pausing(dir.path());
    let (app, old) = enroll(&core, &clock);
    clock.advance(30);
    let (entered, release) = key.arm();
    let attacker = {
        let (core, code) = (core.clone(), old[3].clone());
        std::thread::spawn(move || core.login("Dee", PW, Some(&SecondFactor::RecoveryCode { code })))
    };
    entered.recv().unwrap();
    // The owner, meanwhile, takes new codes.
    let new = core.regenerate_recovery_codes(PW, &app.factor(&clock)).unwrap();
    release.send(()).unwrap();
    let e = attacker.join().unwrap().unwrap_err();
    assert!(bad(&e), "{e:?}");
    assert_eq!(core.second_factor_status().unwrap().recovery_codes_left, 10, "no new code was used up");
    // The new code of that index still works, once.
    log_out(&core);
    assert!(core.login("Dee", PW, Some(&SecondFactor::RecoveryCode { code: new[3].clone() })).unwrap().is_unlocked());
}

/// The attack: the owner's authenticator was stolen, so the owner turns the factor off and
/// enrolls a new authenticator. A login with the stolen app's code (for the next step, inside
/// the window) that read the old secret before the change passed the re-check of the success
/// transaction, which only compared the step with the new enrollment's last step. Fixed: the
/// success transaction also checks that the secret is still the one the code matched. Fails if
/// only the step is compared.
#[test]
fn broken_a_removed_authenticator_logged_in_when_racing_the_new_enrollment() {
    let dir = tempfile::tempdir().unwrap();
    let (core, clock, key) = open_pausing(dir.path());
    let (stolen, _) = enroll(&core, &clock);
    clock.advance(30);
    let next_step = SecondFactor::totp(stolen.code_at(T0 + 60).as_bytes());
    let (entered, release) = key.arm();
    let attacker = {
        let core = core.clone();
        std::thread::spawn(move || core.login("Dee", PW, Some(&next_step)))
    };
    entered.recv().unwrap();
    core.disable_second_factor(PW, &stolen.factor(&clock)).unwrap();
    let (fresh, _) = enroll(&core, &clock);
    release.send(()).unwrap();
    let e = attacker.join().unwrap().unwrap_err();
    assert!(bad(&e), "{e:?}");
    // The new authenticator logs in.
    log_out(&core);
    clock.advance(30);
    assert!(core.login("Dee", PW, Some(&fresh.factor(&clock))).unwrap().is_unlocked());
}

/// A code spent on one call is spent for every other: a login's code cannot then turn the factor
/// off or take new recovery codes, the enrollment's code cannot log in, and a recovery code used
/// to turn the factor off is gone with it. Fails if any call checks a code without recording
/// the step / deleting the code in its success transaction.
#[test]
fn held_a_code_spent_on_one_call_is_spent_for_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    r.core.create_account("Eli", PW, 12, Language::English).unwrap();
    let e = r.core.begin_totp_enrollment(PW, "imwallet").unwrap();
    let app = Authenticator::scan(e.otpauth_uri.expose());
    let enroll_code = app.factor(&r.clock);
    let SecondFactor::Totp { code } = &enroll_code else { unreachable!() };
    let codes = r.core.confirm_totp_enrollment(code.expose()).unwrap();
    log_out(&r.core);
    assert!(bad(&r.core.login("Eli", PW, Some(&enroll_code)).unwrap_err()), "the enrollment's code");
    r.clock.advance(30);
    let c = app.factor(&r.clock);
    assert!(r.core.login("Eli", PW, Some(&c)).unwrap().is_unlocked());
    assert!(bad(&r.core.disable_second_factor(PW, &c).unwrap_err()), "the login's code, to turn it off");
    assert!(bad(&r.core.regenerate_recovery_codes(PW, &c).unwrap_err()), "… or for new codes");
    // A recovery code spent on a login cannot then turn the factor off.
    log_out(&r.core);
    let rc = SecondFactor::RecoveryCode { code: codes[0].clone() };
    assert!(r.core.login("Eli", PW, Some(&rc)).unwrap().is_unlocked());
    assert!(bad(&r.core.disable_second_factor(PW, &rc).unwrap_err()), "a spent recovery code, to turn it off");
    assert_eq!(r.core.second_factor_status().unwrap().method, Some(SecondFactorMethod::Totp));
    assert_eq!(r.core.second_factor_status().unwrap().recovery_codes_left, 9);
}

// ---------------------------------------------------------------------------------------------
// Claim 5: the secret and the codes never show.
// ---------------------------------------------------------------------------------------------

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Every secret value of a factor's life — raw secret, Base32, URI, each recovery code with and
/// without its dash, codes typed — is looked for in what an attacker can read without the
/// password: the security log, the listener, every error's text and `Debug`, the `Debug` of the
/// values, and every file of the data directory after the factor was turned off (WAL and free
/// pages scrubbed). Fails on the first value found.
#[test]
fn held_the_secret_and_codes_show_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    r.core.create_account("Fay", PW, 12, Language::English).unwrap();
    let e = r.core.begin_totp_enrollment(PW, "imwallet").unwrap();
    let app = Authenticator::scan(e.otpauth_uri.expose());
    let mut secrets: Vec<Vec<u8>> = vec![
        app.secret.clone(),
        e.secret_base32.expose().to_vec(),
        e.otpauth_uri.expose().to_vec(),
        e.secret_base32.expose()[..16].to_vec(),
    ];
    let mut texts = vec![format!("{e:?}")];
    let codes = r.core.confirm_totp_enrollment(app.code(&r.clock).as_bytes()).unwrap();
    for c in &codes {
        secrets.push(c.expose().to_vec());
        secrets.push(c.expose().iter().copied().filter(|b| *b != b'-').collect());
        texts.push(format!("{c:?}"));
    }
    r.clock.advance(30);
    log_out(&r.core);
    // Wrong and right attempts of every kind, collecting every error.
    let typed = app.code(&r.clock);
    let attempts = [
        SecondFactor::totp(wrong_code(&typed).as_bytes()),
        SecondFactor::recovery_code(&codes[1].expose()[..6]),
        SecondFactor::app_verified(typed.as_bytes()),
    ];
    for f in &attempts {
        texts.push(format!("{f:?}"));
        let e = r.core.login("Fay", PW, Some(f)).unwrap_err();
        texts.push(format!("{e} {e:?}"));
    }
    r.core.login("Fay", PW, Some(&SecondFactor::RecoveryCode { code: codes[0].clone() })).unwrap();
    texts.push(format!("{:?}", r.core.second_factor_status().unwrap()));
    let e = r.core.regenerate_recovery_codes(PW2, &SecondFactor::RecoveryCode { code: codes[1].clone() }).unwrap_err();
    texts.push(format!("{e} {e:?}"));
    let new = r.core.regenerate_recovery_codes(PW, &SecondFactor::RecoveryCode { code: codes[1].clone() }).unwrap();
    for c in &new {
        secrets.push(c.expose().to_vec());
    }
    r.clock.advance(30);
    r.core.disable_second_factor(PW, &app.factor(&r.clock)).unwrap();
    for ev in r.core.security_events(200).unwrap() {
        texts.push(format!("{ev:?}"));
    }
    for ev in r.rec.events.lock().unwrap().iter() {
        texts.push(format!("{ev:?}"));
    }
    let all = texts.join("\n");
    for s in &secrets {
        assert!(!contains(all.as_bytes(), s), "a secret value in: {all}");
    }
    // Every file of the data directory, after turning it off.
    drop(r);
    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        for s in &secrets {
            assert!(!contains(&bytes, s), "a secret value in {}", entry.display());
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Claim 7: hostile input never panics, and always gets a typed error.
// ---------------------------------------------------------------------------------------------

fn hostile() -> Vec<Vec<u8>> {
    vec![
        vec![],
        b"1".to_vec(),
        b"12345".to_vec(),
        b"1234567".to_vec(),
        b"------".to_vec(),
        b" 1 2 3 4 5 6 ".to_vec(),
        "١٢٣٤٥٦".as_bytes().to_vec(),
        "ＡＢＣＤＥ-ＦＧＨＪＫ".as_bytes().to_vec(),
        vec![0xff, 0xfe, 0x00, 0x80, b'1'],
        vec![0u8; 6],
        vec![b'9'; 1 << 20],
        vec![b'-'; 1 << 20],
        b"AAAAA-AAAAA".repeat(50_000),
        "🔑".repeat(10_000).into_bytes(),
    ]
}

/// Every call that takes a code, with every hostile code (and hostile issuers): each returns a
/// typed error (a panic would fail the test; at the FFI it would abort the app), and none of
/// them logs in or changes the factor. Fails if any input turns into a pass or a panic.
#[test]
fn held_hostile_codes_get_typed_errors_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let r = open_factor(dir.path());
    let (_, _) = with_totp(&r, "Gil");
    for issuer in ["", "a\u{0}b", "a\nb", &"x".repeat(100_000)] {
        let e = r.core.begin_totp_enrollment(PW, issuer).unwrap_err();
        assert!(matches!(e, Error::InvalidArgument { .. }), "{e:?}");
    }
    // An account with no factor: hostile codes to finish an enrollment and to turn on the
    // app-verified code (the server is asked; it says no).
    let other = tempfile::tempdir().unwrap();
    let r3 = open_factor(other.path());
    r3.core.create_account("Ivo", PW, 12, Language::English).unwrap();
    for code in hostile() {
        // Odd issuers and account names are encoded, not refused or misparsed.
        let e = r3.core.begin_totp_enrollment(PW, "\u{202e}évil: x?&y=1").unwrap();
        assert!(e.otpauth_uri.expose().is_ascii());
        assert_eq!(r3.core.confirm_totp_enrollment(&code).unwrap_err(), Error::SecondFactorCodeRejected);
        let e = r3.core.enable_app_verified_factor(PW, &code).unwrap_err();
        assert!(e == Error::SecondFactorCodeRejected || limited(&e), "{e:?}");
        r3.clock.advance(90_000);
    }
    assert_eq!(r3.core.accounts().unwrap()[0].second_factor, None);
    log_out(&r.core);
    for (i, code) in hostile().into_iter().enumerate() {
        for f in [SecondFactor::totp(&code), SecondFactor::recovery_code(&code), SecondFactor::app_verified(&code)] {
            let e = r.core.login("Gil", PW, Some(&f)).unwrap_err();
            assert!(bad(&e) || limited(&e), "{i}: {e:?}");
            // The limiter forgets (a new day), so every input reaches the factor check.
            r.clock.advance(90_000);
        }
    }
    assert_eq!(r.core.state(), SessionState::LoggedOut);
    // Turning off / new codes with hostile factors, from an unlocked session.
    let app2_dir = tempfile::tempdir().unwrap();
    let r2 = open_factor(app2_dir.path());
    with_totp(&r2, "Hal");
    for code in hostile() {
        for f in [SecondFactor::totp(&code), SecondFactor::recovery_code(&code), SecondFactor::app_verified(&code)] {
            let e = r2.core.disable_second_factor(PW, &f).unwrap_err();
            assert!(bad(&e) || limited(&e), "{e:?}");
            let e = r2.core.regenerate_recovery_codes(PW, &f).unwrap_err();
            assert!(bad(&e) || limited(&e), "{e:?}");
            r2.clock.advance(90_000);
        }
    }
    assert_eq!(r2.core.second_factor_status().unwrap().method, Some(SecondFactorMethod::Totp));
}
