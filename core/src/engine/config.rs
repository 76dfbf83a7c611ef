//! How a core is opened: its [`Config`] and the shell's [`Hooks`].

use std::path::PathBuf;
use std::sync::Arc;

use crate::auth::device_keys::DeviceKeyStore;
use crate::auth::hooks::{ClipboardHook, ConnectionHook, DeviceOwnerCheck, EnvironmentProbe, SessionListener, UnknownEnvironment};
use crate::auth::keystore::{NoKeyStore, SecureKeyStore};
use crate::auth::second_factor::AppCodeVerifier;
use crate::clock::{BootClock, Clock, NoBootClock, SystemClock};
use crate::session::autolock::AutoLock;
use crate::vault::kdf::KdfProfile;

/// How to open a core.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub kdf_profile: KdfProfile,
    /// Used until the user changes the setting.
    pub default_auto_lock: AutoLock,
    /// The app's policy: unlocking a `Locked` session also needs the account's second factor
    /// (ADR 0014). Off by default: `login` always needs it, `unlock` then does not.
    pub unlock_needs_second_factor: bool,
    /// The environment policy, password rehearsal and reminder (ADR 0015; defaults documented
    /// in `docs/api.md`). Checked when the core opens (`InvalidArgument`).
    pub safety: crate::safety::SafetyPolicy,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            kdf_profile: KdfProfile::Production,
            default_auto_lock: AutoLock::AfterSeconds(300),
            unlock_needs_second_factor: false,
            safety: Default::default(),
        }
    }
}

/// The shell's hooks.
#[derive(Clone)]
pub struct Hooks {
    pub environment: Arc<dyn EnvironmentProbe>,
    pub listener: Option<Arc<dyn SessionListener>>,
    pub clock: Arc<dyn Clock>,
    /// Time since boot that survives restarts (the attempt limiter's delays).
    pub boot_clock: Arc<dyn BootClock>,
    /// The platform's biometric-protected key store.
    pub key_store: Arc<dyn SecureKeyStore>,
    /// The platform's device-owner check (none: only wallet passwords authorize erasing an
    /// unbacked wallet).
    pub device_owner: Option<Arc<dyn DeviceOwnerCheck>>,
    /// The platform's device-bound key store (ADR 0011). `None` leaves the data directory
    /// *unbound* — names, addresses and caches in clear, the password the only barrier for a
    /// copy of the directory — and is meant for tests and tools only: the FFI always passes one.
    pub device_keys: Option<Arc<dyn DeviceKeyStore>>,
    /// The platform's security-key access, for accounts with the hardware-key factor.
    pub hardware_key: Option<Arc<dyn crate::auth::hardware_key::HardwareKey>>,
    /// The biometric prompt texts, in the user's language.
    pub prompts: crate::auth::keystore::PromptTexts,
    /// The app's check of codes its server sends, for accounts with the app-verified second
    /// factor (ADR 0014).
    pub app_codes: Option<Arc<dyn AppCodeVerifier>>,
    /// The shell's dapp-connection side (WalletConnect disconnect, site data, answering
    /// rejected requests). Without it revocations stay journaled until a core opened with one.
    pub connections: Option<Arc<dyn ConnectionHook>>,
    /// The shell's clipboard (told when to clear what it copied).
    pub clipboard: Option<Arc<dyn ClipboardHook>>,
}

impl Default for Hooks {
    fn default() -> Self {
        Hooks {
            environment: Arc::new(UnknownEnvironment),
            listener: None,
            clock: Arc::new(SystemClock),
            boot_clock: Arc::new(NoBootClock),
            key_store: Arc::new(NoKeyStore),
            device_owner: None,
            device_keys: None,
            hardware_key: None,
            prompts: Default::default(),
            app_codes: None,
            connections: None,
            clipboard: None,
        }
    }
}
