//! FFI records and enums for the core's public types.
//!
//! Where a core type already has the shape the FFI needs, it is exported as it is with
//! `#[uniffi::remote(Record | Enum)]` (the bdk-ffi pattern): the item below repeats the core's
//! definition and UniFFI's generated conversion names every field and variant, so a field or
//! variant added in the core fails to compile here instead of being dropped at the FFI. A
//! hand-written mirror remains only where the FFI shape differs on purpose; each says why.
//! See ADR 0008.

use std::fmt;

pub use imwallet_core::auth::hooks::NetworkKind;
pub use imwallet_core::events::FailedAttemptsSummary;
pub use imwallet_core::session::limiter::AttemptStatus;
pub use imwallet_core::session::logout::{ConfirmationNeeded, LogoutAction, LogoutOptions, LogoutPlan, LogoutReport, LogoutWarning};
pub use imwallet_core::session::{AccountInfo, SessionAccount, SessionState};
pub use imwallet_core::vault::kdf::KdfProfile;
pub use imwallet_core::wallet::Language;

use crate::second_factor::SecondFactorMethod;
use imwallet_core::auth::gates::Gate;
use imwallet_core::events as ev;
use imwallet_core::session::autolock::AutoLock as CoreAutoLock;

// ---- exported as they are (remote) ---------------------------------------------------------

/// The attempt limiter for one account: failures left before a delay, and the delay now.
#[uniffi::remote(Record)]
pub struct AttemptStatus {
    pub attempts_left: u32,
    pub retry_after_secs: u64,
}

/// Argon2id cost profile.
#[uniffi::remote(Enum)]
pub enum KdfProfile {
    /// New accounts m = 64 MiB, t = 3, p = 4; accounts down to p = 1 still open and are
    /// upgraded on their next password login.
    Production,
    /// Fast and weak: tests only. A production core refuses accounts made with it.
    InsecureFastForTests,
    /// Tests only: the fast profile as it was before its default had four lanes (accounts a
    /// core opened with `InsecureFastForTests` upgrades).
    InsecureFastForTestsPreviousDefault,
}

/// BIP39 wordlist.
#[uniffi::remote(Enum)]
pub enum Language {
    English,
    SimplifiedChinese,
    TraditionalChinese,
    Japanese,
    Korean,
    Spanish,
    French,
    Italian,
    Czech,
    Portuguese,
}

/// The account a session belongs to.
#[uniffi::remote(Record)]
pub struct SessionAccount {
    pub id: String,
    pub name: String,
}

/// The session state machine.
#[uniffi::remote(Enum)]
pub enum SessionState {
    /// No account exists on this device.
    NoAccount,
    /// Accounts exist, nobody is logged in.
    LoggedOut,
    /// Session kept, keys wiped.
    Locked { account: SessionAccount },
    /// Keys in memory.
    Unlocked { account: SessionAccount },
}

/// Public, non-secret facts about an account.
#[uniffi::remote(Record)]
pub struct AccountInfo {
    pub id: String,
    pub name: String,
    /// Created from a phrase (`true`) or imported from a keystore file (`false`).
    pub has_recovery_phrase: bool,
    pub backed_up: bool,
    pub biometric_enabled: bool,
    pub hardware_key_enabled: bool,
    /// Logging in also needs this second factor (none: the password alone).
    pub second_factor: Option<SecondFactorMethod>,
    pub created_at_unix: i64,
    /// The first address (index 0), EIP-55.
    pub address: String,
}

/// What the user chose on the logout screen.
#[uniffi::remote(Record)]
pub struct LogoutOptions {
    /// Clear this account's caches.
    pub clear_caches: bool,
    /// When clearing, keep non-sensitive global caches such as token metadata.
    pub keep_global_caches: bool,
    /// Remove the wallet (encrypted vault) from this device.
    pub remove_wallet: bool,
}

/// Something the user should know before confirming.
#[uniffi::remote(Enum)]
pub enum LogoutWarning {
    /// The recovery phrase was never confirmed as backed up.
    NotBackedUp,
    /// On public Wi-Fi.
    InsecureNetwork,
    /// Rooted/jailbroken device or a debugger attached.
    UntrustedDevice,
    /// The encrypted wallet will be deleted from this device.
    WalletWillBeRemoved,
}

/// One thing logout will do.
#[uniffi::remote(Enum)]
pub enum LogoutAction {
    WipeKeysFromMemory,
    EndSession,
    RemoveBiometricUnlock,
    ClearAccountCaches,
    ClearGlobalCaches,
    RemoveWallet,
    /// Disconnect the account's dapps (names in `dapps_to_disconnect`).
    DisconnectDapps,
    RejectPendingRequests,
    ClearClipboard,
}

/// What the user must do to confirm.
#[uniffi::remote(Enum)]
pub enum ConfirmationNeeded {
    /// A plain "Log out" tap.
    Tap,
    /// Type the account name: removing a wallet whose phrase was never backed up loses it.
    TypeAccountName,
}

/// The plan shown on the logout screen.
#[uniffi::remote(Record)]
pub struct LogoutPlan {
    pub token: String,
    pub account: SessionAccount,
    pub actions: Vec<LogoutAction>,
    pub warnings: Vec<LogoutWarning>,
    pub confirmation: ConfirmationNeeded,
    /// What the Logout/RemoveWallet gate needs in the confirmation.
    pub authorization: Gate,
    pub expires_in_secs: u64,
    pub options: LogoutOptions,
    /// The names of the dapps logout will disconnect.
    pub dapps_to_disconnect: Vec<String>,
}

/// What logout did.
#[uniffi::remote(Record)]
pub struct LogoutReport {
    pub account: SessionAccount,
    pub keys_wiped: bool,
    pub session_ended: bool,
    pub biometric_removed: bool,
    pub cache_entries_cleared: u64,
    pub cache_bytes_freed: u64,
    pub wallet_removed: bool,
    pub wallet_data_shredded: bool,
    pub warnings_acknowledged: Vec<LogoutWarning>,
    /// Each revoked dapp: `Requested` (hook accepted; outcome as a listener event) or `Pending`.
    pub dapps_disconnected: Vec<imwallet_core::connections::DappRevocation>,
    /// Revocations still owed by this device after this logout.
    pub revocations_pending: u32,
    pub requests_rejected: u32,
    pub clipboard_cleared: bool,
}

/// Failed password attempts since the last success.
#[uniffi::remote(Record)]
pub struct FailedAttemptsSummary {
    pub count: u32,
    pub last_failed_at_unix: Option<i64>,
}

/// The network the device is on, as the shell sees it.
#[uniffi::remote(Enum)]
pub enum NetworkKind {
    /// The shell cannot tell (or its probe failed).
    Unknown,
    Offline,
    Cellular,
    /// Wi-Fi secured with WPA2/WPA3 (or 802.1X) and no captive portal.
    PrivateWifi,
    /// Open (unencrypted or OWE-only) or public Wi-Fi: a hotspot, a captive portal.
    PublicWifi,
    /// Wi-Fi whose security the platform does not report (iOS): counts as unknown.
    WifiSecurityUnknown,
    /// Traffic goes through a VPN.
    Vpn,
}

// ---- hand-written: the FFI shape differs on purpose -----------------------------------------

/// Auto-lock setting.
// Mirror: the core's `AfterSeconds(u32)` is a tuple variant; foreign code gets a named `seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AutoLock {
    Immediate,
    AfterSeconds { seconds: u32 },
    Never,
}

/// How to open a core.
// Mirror: the core's `Config` holds a `PathBuf`, names the setting `default_auto_lock` and holds
// the full safety table (`SafetyConfig` here).
#[derive(Debug, Clone, uniffi::Record)]
pub struct CoreConfig {
    pub data_dir: String,
    pub kdf_profile: KdfProfile,
    pub auto_lock: AutoLock,
    /// The app's policy: unlocking a locked session also needs the account's second factor
    /// (`login` always does). Off by default.
    #[uniffi(default = false)]
    pub unlock_needs_second_factor: bool,
    /// The environment policy, password rehearsal and reminder (ADR 0015); none: the defaults
    /// (`default_safety_config()`).
    #[uniffi(default)]
    pub safety: Option<crate::safety::SafetyConfig>,
}

/// A new account; `phrase` is UTF-8 bytes the shell shows once and then wipes. Printing it
/// (`toString()`, `str()`/`repr()`, `description`) shows `<redacted>` instead of the phrase.
// Mirror: the phrase is a `SecretBytes` in the core, bytes here; printing is redacted.
#[derive(uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct CreatedAccount {
    pub account: AccountInfo,
    pub phrase: Vec<u8>,
}

impl fmt::Debug for CreatedAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedAccount").field("account", &self.account).field("phrase", &Redacted).finish()
    }
}

impl fmt::Display for CreatedAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// One logged security event.
// Mirror: `kind` crosses as its stable snake_case name (an open set for shells), not the core enum.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SecurityEvent {
    pub id: i64,
    pub at_unix: i64,
    /// snake_case kind, e.g. `login_failed`, `logged_out`.
    pub kind: String,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub detail: String,
}

/// Printed in place of a secret.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

// ---- conversions (hand mirrors only) ----------------------------------------------------------

impl From<AutoLock> for CoreAutoLock {
    fn from(a: AutoLock) -> Self {
        match a {
            AutoLock::Immediate => Self::Immediate,
            AutoLock::AfterSeconds { seconds } => Self::AfterSeconds(seconds),
            AutoLock::Never => Self::Never,
        }
    }
}

impl From<CoreAutoLock> for AutoLock {
    fn from(a: CoreAutoLock) -> Self {
        match a {
            CoreAutoLock::Immediate => Self::Immediate,
            CoreAutoLock::AfterSeconds(seconds) => Self::AfterSeconds { seconds },
            CoreAutoLock::Never => Self::Never,
        }
    }
}

impl From<ev::SecurityEvent> for SecurityEvent {
    fn from(e: ev::SecurityEvent) -> Self {
        let ev::SecurityEvent { id, at_unix, kind, account_id, account_name, detail } = e;
        SecurityEvent { id, at_unix, kind: kind.as_str().to_string(), account_id, account_name, detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_account_prints_the_phrase_redacted() {
        let phrase = b"abandon ability able about above absent absorb abstract absurd abuse access accident";
        let account = AccountInfo {
            id: "id".into(),
            name: "Alice".into(),
            has_recovery_phrase: true,
            backed_up: false,
            biometric_enabled: false,
            hardware_key_enabled: false,
            second_factor: None,
            created_at_unix: 0,
            address: "0x0".into(),
        };
        let created = CreatedAccount { account, phrase: phrase.to_vec() };
        for shown in [format!("{created:?}"), format!("{created}"), format!("{created:#?}")] {
            assert!(!shown.contains("abandon ability"), "{shown}");
            assert!(!shown.contains(&format!("{:?}", &phrase[..])), "{shown}");
            assert!(shown.contains("<redacted>") && shown.contains("Alice"), "{shown}");
        }
    }
}
