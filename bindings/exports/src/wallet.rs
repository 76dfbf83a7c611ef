//! The exported `WalletCore` object: one per data directory, thin wrappers only. Its session,
//! logout, biometric and gate calls are here; the account and key calls in [`crate::accounts`].

use std::sync::Arc;

use imwallet_core as core;
use imwallet_core::vault::keystore::ExportKdf;
use imwallet_core::vault::SecretBytes;
use zeroize::Zeroizing;

use crate::connections::{ClipboardAdapter, ClipboardHook, ConnectionHook, ConnectionHookAdapter};
use crate::device_keys::{DeviceKeyStore, DeviceKeysAdapter};
use crate::error::{Result, WalletError};
use crate::gates::*;
use crate::hardware_key::{HardwareKey, HardwareKeyAdapter};
use crate::hooks::{
    BootClock, BootClockAdapter, DeviceOwnerAdapter, DeviceOwnerCheck, EnvAdapter, EnvironmentProbe, ListenerAdapter, SessionListener,
};
use crate::keystore::{KeyStoreAdapter, PromptTexts, SecureKeyStore};
use crate::safety::{EnvironmentCheck, PasswordStatus, SensitiveAction, UnlockOutcome};
use crate::second_factor::{AppCodeAdapter, AppCodeVerifier, SecondFactor};
use crate::types::*;

/// The wallet core (see `docs/api.md`).
#[derive(uniffi::Object)]
pub struct WalletCore {
    core: Arc<core::WalletCore>,
    pub(crate) export_kdf: ExportKdf,
}

impl WalletCore {
    pub(crate) fn core(&self) -> &core::WalletCore {
        &self.core
    }

    /// Runs a KDF-bound call on tokio's blocking pool.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&core::WalletCore) -> core::Result<T> + Send + 'static,
    ) -> Result<T> {
        self.cancellable(move |c, _| f(c)).await
    }

    /// Like [`Self::blocking`], with a cancellation flag that is set if the foreign future is
    /// dropped (a cancelled Kotlin coroutine or Swift task): the core then discards the result
    /// (and wipes any key it derived) instead of applying it.
    pub(crate) async fn cancellable<T: Send + 'static>(
        &self,
        f: impl FnOnce(&core::WalletCore, &core::Cancel) -> core::Result<T> + Send + 'static,
    ) -> Result<T> {
        let c = self.core.clone();
        let cancel = core::Cancel::new();
        let on_drop = CancelOnDrop(Some(cancel.clone()));
        let out = tokio::task::spawn_blocking(move || f(&c, &cancel)).await;
        on_drop.disarm();
        Ok(out??)
    }
}

/// Sets the flag when dropped before [`CancelOnDrop::disarm`] (the awaiting future went away).
struct CancelOnDrop(Option<core::Cancel>);

impl CancelOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.cancel();
        }
    }
}

pub(crate) fn secret(v: Vec<u8>) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(v)
}

#[uniffi::export(async_runtime = "tokio")]
impl WalletCore {
    /// Opens (creating if needed) the data directory. Hooks left out use the core's defaults:
    /// without `boot_clock` a limiter delay restarts in full on every app start; `device_owner`
    /// (optional, last) lets "reset app" confirm the device owner instead of asking every
    /// unbacked wallet's password; `prompt_texts` (optional) are the biometric prompt texts
    /// in the user's language (default: English, `default_prompt_texts()`); `app_code_verifier`
    /// (optional) checks the codes the app's server sends, for accounts with the app-verified
    /// second factor; `connection_hook` disconnects dapps and answers rejected requests,
    /// `clipboard` clears what the wallet copied.
    // One optional argument per platform hook, each with a default: Kotlin, Swift and Python
    // callers name only the hooks they have, which a hooks record could not offer as simply.
    #[allow(clippy::too_many_arguments)]
    #[uniffi::constructor(default(
        boot_clock = None,
        device_owner = None,
        device_keys = None,
        hardware_key = None,
        prompt_texts = None,
        app_code_verifier = None,
        connection_hook = None,
        clipboard = None
    ))]
    pub fn new(
        config: CoreConfig,
        environment: Option<Arc<dyn EnvironmentProbe>>,
        listener: Option<Arc<dyn SessionListener>>,
        key_store: Option<Arc<dyn SecureKeyStore>>,
        boot_clock: Option<Arc<dyn BootClock>>,
        device_owner: Option<Arc<dyn DeviceOwnerCheck>>,
        device_keys: Option<Arc<dyn DeviceKeyStore>>,
        hardware_key: Option<Arc<dyn HardwareKey>>,
        prompt_texts: Option<PromptTexts>,
        app_code_verifier: Option<Arc<dyn AppCodeVerifier>>,
        connection_hook: Option<Arc<dyn ConnectionHook>>,
        clipboard: Option<Arc<dyn ClipboardHook>>,
    ) -> Result<Arc<Self>> {
        let profile = config.kdf_profile;
        let mut hooks = core::Hooks::default();
        if let Some(e) = environment {
            hooks.environment = Arc::new(EnvAdapter(e));
        }
        if let Some(l) = listener {
            hooks.listener = Some(Arc::new(ListenerAdapter(l)));
        }
        if let Some(k) = key_store {
            hooks.key_store = Arc::new(KeyStoreAdapter(k));
        }
        if let Some(b) = boot_clock {
            hooks.boot_clock = Arc::new(BootClockAdapter(b));
        }
        if let Some(d) = device_owner {
            hooks.device_owner = Some(Arc::new(DeviceOwnerAdapter(d)));
        }
        if let Some(d) = device_keys {
            hooks.device_keys = Some(Arc::new(DeviceKeysAdapter(d)));
        }
        if let Some(h) = hardware_key {
            hooks.hardware_key = Some(Arc::new(HardwareKeyAdapter(h)));
        }
        if let Some(p) = prompt_texts {
            hooks.prompts = p;
        }
        if let Some(v) = app_code_verifier {
            hooks.app_codes = Some(Arc::new(AppCodeAdapter(v)));
        }
        let CoreConfig { data_dir, kdf_profile: _, auto_lock, unlock_needs_second_factor, safety } = config;
        let safety = match safety {
            Some(s) => s.to_core()?,
            None => Default::default(),
        };
        let cfg = core::Config {
            data_dir: data_dir.into(),
            kdf_profile: profile,
            default_auto_lock: auto_lock.into(),
            unlock_needs_second_factor,
            safety,
        };
        if let Some(h) = connection_hook {
            hooks.connections = Some(Arc::new(ConnectionHookAdapter(h)));
        }
        if let Some(c) = clipboard {
            hooks.clipboard = Some(Arc::new(ClipboardAdapter(c)));
        }
        let c = core::WalletCore::open(cfg, hooks)?;
        let export_kdf = if profile == core::vault::kdf::KdfProfile::Production { ExportKdf::STANDARD } else { ExportKdf::LIGHT };
        Ok(Arc::new(WalletCore { core: Arc::new(c), export_kdf }))
    }

    // ---- session ------------------------------------------------------------------------

    pub fn state(&self) -> SessionState {
        self.core.state()
    }

    pub fn set_listener(&self, listener: Option<Arc<dyn SessionListener>>) {
        self.core.set_listener(listener.map(|l| Arc::new(ListenerAdapter(l)) as Arc<dyn core::auth::hooks::SessionListener>));
    }

    /// Logs in: the environment policy first (`EnvironmentRefused`), then the password and the
    /// account's second factor when it has one on (`AccountInfo.second_factor`; a missing or
    /// wrong factor fails exactly like a wrong password: `InvalidCredentials`, counted). Returns
    /// the state, the environment warnings, the activity since the account's previous login or
    /// unlock, and the password's rehearsal/age flags.
    #[uniffi::method(default(factor = None))]
    pub async fn login(&self, account_name: String, password: Vec<u8>, factor: Option<SecondFactor>) -> Result<UnlockOutcome> {
        let (pw, factor) = (secret(password), factor.map(imwallet_core::auth::second_factor::SecondFactor::from));
        self.cancellable(move |c, x| c.login_with(&account_name, &pw, factor.as_ref(), x)).await.map(Into::into)
    }

    /// Unlocks a locked session with the password (as `login`); `factor` is needed only when
    /// the app opened the core with `CoreConfig.unlock_needs_second_factor` (otherwise not
    /// looked at).
    #[uniffi::method(default(factor = None))]
    pub async fn unlock(&self, password: Vec<u8>, factor: Option<SecondFactor>) -> Result<UnlockOutcome> {
        let (pw, factor) = (secret(password), factor.map(imwallet_core::auth::second_factor::SecondFactor::from));
        self.cancellable(move |c, x| c.unlock_with_factor(&pw, factor.as_ref(), x)).await.map(Into::into)
    }

    /// What the environment policy says about `action` now (for a confirmation screen before
    /// it; the action checks again). Calls the environment probe.
    pub fn environment_check(&self, action: SensitiveAction) -> EnvironmentCheck {
        self.core.environment_check(action)
    }

    /// The session account's password age, reminder and rehearsal (also while locked).
    pub fn password_status(&self) -> Result<PasswordStatus> {
        Ok(self.core.password_status()?)
    }

    pub fn lock(&self) -> Result<SessionState> {
        Ok(self.core.lock()?)
    }

    pub fn touch(&self) {
        self.core.touch()
    }

    pub fn app_backgrounded(&self) -> Result<SessionState> {
        Ok(self.core.app_backgrounded()?)
    }

    pub fn app_foregrounded(&self) -> Result<SessionState> {
        Ok(self.core.app_foregrounded()?)
    }

    /// Changes the session account's auto-lock; needs an unlocked session and a password or
    /// biometric proof made with this call (the ChangeSettings gate decides which).
    pub async fn set_auto_lock(&self, setting: AutoLock, proof: AuthProof) -> Result<()> {
        let proof = OwnedProof::from(proof);
        self.blocking(move |c| c.set_auto_lock(setting.into(), proof.as_core())).await
    }

    pub fn auto_lock(&self) -> AutoLock {
        self.core.auto_lock().into()
    }

    pub fn retry_after_secs(&self) -> Result<u64> {
        Ok(self.core.retry_after_secs()?)
    }

    /// Attempts left before a delay and the delay now: for `account_name` (login screen) or,
    /// with `None`, the session's account (lock screen).
    pub fn attempt_status(&self, account_name: Option<String>) -> Result<AttemptStatus> {
        Ok(self.core.attempt_status(account_name.as_deref())?)
    }

    // ---- logout & events ----------------------------------------------------------------

    pub fn prepare_logout(&self, options: LogoutOptions) -> Result<LogoutPlan> {
        Ok(self.core.prepare_logout(options)?)
    }

    /// Carries out a plan (may prompt for biometrics or check the password: async).
    pub async fn logout(&self, token: String, confirmation: LogoutConfirmation) -> Result<LogoutReport> {
        let LogoutConfirmation { typed_account_name, password, use_biometrics } = confirmation;
        let c = core::session::logout::LogoutConfirmation { typed_account_name, password: password.map(SecretBytes::new), use_biometrics };
        self.blocking(move |core| core.logout(&token, &c)).await
    }

    // ---- biometrics & gates -------------------------------------------------------------

    /// Enables fingerprint/face unlock (the password is needed now).
    pub async fn enable_biometric_unlock(&self, password: Vec<u8>) -> Result<()> {
        let pw = secret(password);
        self.blocking(move |c| c.enable_biometric_unlock(&pw)).await
    }

    /// Async: deletes the platform key-store entry (a key-store call never runs on the UI thread).
    pub async fn disable_biometric_unlock(&self) -> Result<()> {
        self.blocking(|c| c.disable_biometric_unlock()).await
    }

    /// Unlocks with fingerprint/face: the key store's prompt releases a secret the core proves.
    /// `PasswordRehearsalDue` (no prompt shown) when the password is needed this time.
    pub async fn unlock_with_biometrics(&self) -> Result<UnlockOutcome> {
        self.cancellable(|c, x| c.unlock_with_biometrics_with(x)).await.map(Into::into)
    }

    /// Authorizes `action` ahead of a call that takes no proof (e.g. signing).
    pub async fn authorize(&self, action: GatedAction, proof: AuthProof) -> Result<()> {
        let proof = OwnedProof::from(proof);
        self.blocking(move |c| c.authorize(action, proof.as_core())).await
    }

    pub fn gate_policy(&self, action: GatedAction) -> GatePolicy {
        self.core.gate_policy(action)
    }

    /// Changes a gate of the session's account; needs an unlocked session and a password or
    /// biometric proof made with this call, accepted by that action's current gate and the
    /// ChangeSettings gate.
    pub async fn set_gate_policy(&self, action: GatedAction, policy: GatePolicy, proof: AuthProof) -> Result<()> {
        let proof = OwnedProof::from(proof);
        self.blocking(move |c| c.set_gate_policy(action, policy, proof.as_core())).await
    }

    pub fn security_events(&self, limit: u32) -> Result<Vec<SecurityEvent>> {
        Ok(self.core.security_events(limit)?.into_iter().map(Into::into).collect())
    }

    pub fn failed_attempts_summary(&self) -> Result<FailedAttemptsSummary> {
        Ok(self.core.failed_attempts_summary()?)
    }
}

impl From<WalletError> for core::Error {
    fn from(e: WalletError) -> Self {
        core::Error::HookFailed { message: e.to_string() }
    }
}
