//! The rig of the second-factor suites (`second_factor.rs`, `attack_second_factor.rs`): a core
//! with a settable clock, the scripted app server (`MemoryAppCodeVerifier`) and the app's
//! "second factor on unlock" policy, and an authenticator app that reads the `otpauth://` URI
//! the way a real one does.
#![allow(dead_code, unused_imports, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use super::*;
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::auth::second_factor::{AppCodeVerifier, MemoryAppCodeVerifier, SecondFactor};
use imwallet_core::clock::ManualClock;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, WalletCore};

/// The start of every rig's clock: a moment well inside a 30 s step.
pub const T0: i64 = 1_800_000_010;

pub struct FactorRig {
    pub core: WalletCore,
    pub clock: Arc<ManualClock>,
    pub server: Arc<MemoryAppCodeVerifier>,
    pub rec: Arc<Recorder>,
}

/// A core on `dir` (one phone per directory) with the app server hook; `unlock_policy` is the
/// app's "second factor on unlock".
pub fn factor_core(
    dir: &Path,
    clock: Arc<ManualClock>,
    server: Option<Arc<dyn AppCodeVerifier>>,
    unlock_policy: bool,
) -> (WalletCore, Arc<Recorder>) {
    let rec = Arc::new(Recorder::default());
    let config = Config {
        data_dir: dir.to_path_buf(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        safety: Default::default(),
        unlock_needs_second_factor: unlock_policy,
    };
    let hooks = Hooks {
        clock: clock.clone(),
        boot_clock: clock,
        listener: Some(rec.clone()),
        key_store: Arc::new(MemoryKeyStore::new()),
        device_keys: Some(device_for(dir)),
        app_codes: server,
        ..Hooks::default()
    };
    (WalletCore::open(config, hooks).unwrap(), rec)
}

pub fn open_factor(dir: &Path) -> FactorRig {
    open_factor_with(dir, false)
}

pub fn open_factor_with(dir: &Path, unlock_policy: bool) -> FactorRig {
    let clock = Arc::new(ManualClock::new(T0));
    let server = Arc::new(MemoryAppCodeVerifier::new());
    let (core, rec) = factor_core(dir, clock.clone(), Some(server.clone()), unlock_policy);
    FactorRig { core, clock, server, rec }
}

/// An authenticator app: the secret it took from a scanned `otpauth://` URI.
pub struct Authenticator {
    pub secret: Vec<u8>,
}

impl Authenticator {
    /// Reads the URI as authenticator apps do (Key Uri Format): scheme, type, parameters.
    pub fn scan(uri: &[u8]) -> Authenticator {
        let uri = std::str::from_utf8(uri).unwrap();
        let rest = uri.strip_prefix("otpauth://totp/").unwrap_or_else(|| panic!("not a TOTP URI: {uri}"));
        let (_, query) = rest.split_once('?').unwrap();
        let param = |k: &str| query.split('&').find_map(|kv| kv.strip_prefix(&format!("{k}="))).map(str::to_string);
        assert_eq!(param("algorithm").as_deref(), Some("SHA1"));
        assert_eq!(param("digits").as_deref(), Some("6"));
        assert_eq!(param("period").as_deref(), Some("30"));
        let secret = totp_rs::Secret::try_from_base32(param("secret").unwrap()).unwrap().as_bytes().to_vec();
        Authenticator { secret }
    }

    /// The code the app shows at `unix` seconds.
    pub fn code_at(&self, unix: i64) -> String {
        imwallet_core::auth::totp::code_at(&self.secret, unix as u64).unwrap().to_string()
    }

    /// The code the app shows now on `clock`.
    pub fn code(&self, clock: &ManualClock) -> String {
        use imwallet_core::clock::Clock;
        self.code_at(clock.now_unix())
    }

    pub fn factor(&self, clock: &ManualClock) -> SecondFactor {
        SecondFactor::totp(self.code(clock).as_bytes())
    }
}

/// A code guaranteed not to be `good` (nor, practically, any code of the window).
pub fn wrong_code(good: &str) -> String {
    let d = (good.as_bytes()[0] - b'0' + 5) % 10;
    format!("{d}{}", &good[1..])
}

/// Creates `name` (unlocked) and turns the authenticator factor on; returns the app and the
/// recovery codes. The clock then moves one step on, so the enrollment's code is spent.
pub fn with_totp(r: &FactorRig, name: &str) -> (Authenticator, Vec<SecretBytes>) {
    r.core.create_account(name, PW, 12, Language::English).unwrap();
    let e = r.core.begin_totp_enrollment(PW, "imwallet").unwrap();
    let app = Authenticator::scan(e.otpauth_uri.expose());
    let codes = r.core.confirm_totp_enrollment(app.code(&r.clock).as_bytes()).unwrap();
    r.clock.advance(30);
    (app, codes)
}

/// Logs the session's account out (a tap: keeps the wallet).
pub fn log_out(core: &WalletCore) {
    let plan = core.prepare_logout(imwallet_core::session::logout::LogoutOptions::default()).unwrap();
    core.logout(&plan.token, &imwallet_core::session::logout::LogoutConfirmation::default()).unwrap();
}
