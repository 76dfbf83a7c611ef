//! FFI records and enums mirroring the core's public types, with `From` conversions.

use imwallet_core::events as ev;
use imwallet_core::session as s;
use imwallet_core::session::logout as lo;
use imwallet_core::wallet::Language as CoreLanguage;

use crate::gates::Gate;

/// Argon2id cost profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KdfProfile {
    /// m = 64 MiB, t = 3, p = 1.
    Production,
    /// Fast and weak: tests only. A production core refuses accounts made with it.
    InsecureFastForTests,
}

/// Auto-lock setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AutoLock {
    Immediate,
    AfterSeconds { seconds: u32 },
    Never,
}

/// How to open a core.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CoreConfig {
    pub data_dir: String,
    pub kdf_profile: KdfProfile,
    pub auto_lock: AutoLock,
}

/// BIP39 wordlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
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

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionAccount {
    pub id: String,
    pub name: String,
}

/// The session state machine.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SessionState {
    NoAccount,
    LoggedOut,
    Locked { account: SessionAccount },
    Unlocked { account: SessionAccount },
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct AccountInfo {
    pub id: String,
    pub name: String,
    pub has_recovery_phrase: bool,
    pub backed_up: bool,
    pub biometric_enabled: bool,
    pub created_at_unix: i64,
    pub address: String,
}

/// A new account; `phrase` is UTF-8 bytes the shell shows once and then wipes.
#[derive(Debug, uniffi::Record)]
pub struct CreatedAccount {
    pub account: AccountInfo,
    pub phrase: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct LogoutOptions {
    pub clear_caches: bool,
    pub keep_global_caches: bool,
    pub remove_wallet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogoutWarning {
    NotBackedUp,
    InsecureNetwork,
    UntrustedDevice,
    WalletWillBeRemoved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogoutAction {
    WipeKeysFromMemory,
    EndSession,
    RemoveBiometricUnlock,
    ClearAccountCaches,
    ClearGlobalCaches,
    RemoveWallet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ConfirmationNeeded {
    Tap,
    TypeAccountName,
}

#[derive(Debug, Clone, uniffi::Record)]
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
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct LogoutReport {
    pub account: SessionAccount,
    pub keys_wiped: bool,
    pub session_ended: bool,
    pub biometric_removed: bool,
    pub cache_entries_cleared: u64,
    pub cache_bytes_freed: u64,
    pub wallet_removed: bool,
    pub warnings_acknowledged: Vec<LogoutWarning>,
}

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

#[derive(Debug, Clone, uniffi::Record)]
pub struct FailedAttemptsSummary {
    pub count: u32,
    pub last_failed_at_unix: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum NetworkKind {
    Unknown,
    Offline,
    Cellular,
    PrivateWifi,
    PublicWifi,
    Vpn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DeviceIntegrity {
    Unknown,
    Trusted,
    Compromised,
    DebuggerAttached,
}

// ---- conversions ----------------------------------------------------------------------------

impl From<KdfProfile> for imwallet_core::vault::kdf::KdfProfile {
    fn from(p: KdfProfile) -> Self {
        match p {
            KdfProfile::Production => Self::Production,
            KdfProfile::InsecureFastForTests => Self::InsecureFastForTests,
        }
    }
}

impl From<AutoLock> for s::autolock::AutoLock {
    fn from(a: AutoLock) -> Self {
        match a {
            AutoLock::Immediate => Self::Immediate,
            AutoLock::AfterSeconds { seconds } => Self::AfterSeconds(seconds),
            AutoLock::Never => Self::Never,
        }
    }
}

impl From<s::autolock::AutoLock> for AutoLock {
    fn from(a: s::autolock::AutoLock) -> Self {
        match a {
            s::autolock::AutoLock::Immediate => AutoLock::Immediate,
            s::autolock::AutoLock::AfterSeconds(seconds) => AutoLock::AfterSeconds { seconds },
            s::autolock::AutoLock::Never => AutoLock::Never,
        }
    }
}

impl From<Language> for CoreLanguage {
    fn from(l: Language) -> Self {
        match l {
            Language::English => Self::English,
            Language::SimplifiedChinese => Self::SimplifiedChinese,
            Language::TraditionalChinese => Self::TraditionalChinese,
            Language::Japanese => Self::Japanese,
            Language::Korean => Self::Korean,
            Language::Spanish => Self::Spanish,
            Language::French => Self::French,
            Language::Italian => Self::Italian,
            Language::Czech => Self::Czech,
            Language::Portuguese => Self::Portuguese,
        }
    }
}

impl From<CoreLanguage> for Language {
    fn from(l: CoreLanguage) -> Self {
        match l {
            CoreLanguage::English => Self::English,
            CoreLanguage::SimplifiedChinese => Self::SimplifiedChinese,
            CoreLanguage::TraditionalChinese => Self::TraditionalChinese,
            CoreLanguage::Japanese => Self::Japanese,
            CoreLanguage::Korean => Self::Korean,
            CoreLanguage::Spanish => Self::Spanish,
            CoreLanguage::French => Self::French,
            CoreLanguage::Italian => Self::Italian,
            CoreLanguage::Czech => Self::Czech,
            CoreLanguage::Portuguese => Self::Portuguese,
        }
    }
}

impl From<s::SessionAccount> for SessionAccount {
    fn from(a: s::SessionAccount) -> Self {
        SessionAccount { id: a.id, name: a.name }
    }
}

impl From<s::SessionState> for SessionState {
    fn from(st: s::SessionState) -> Self {
        match st {
            s::SessionState::NoAccount => SessionState::NoAccount,
            s::SessionState::LoggedOut => SessionState::LoggedOut,
            s::SessionState::Locked { account } => SessionState::Locked { account: account.into() },
            s::SessionState::Unlocked { account } => SessionState::Unlocked { account: account.into() },
        }
    }
}

impl From<s::AccountInfo> for AccountInfo {
    fn from(a: s::AccountInfo) -> Self {
        AccountInfo {
            id: a.id,
            name: a.name,
            has_recovery_phrase: a.has_recovery_phrase,
            backed_up: a.backed_up,
            biometric_enabled: a.biometric_enabled,
            created_at_unix: a.created_at_unix,
            address: a.address,
        }
    }
}

impl From<LogoutOptions> for lo::LogoutOptions {
    fn from(o: LogoutOptions) -> Self {
        lo::LogoutOptions { clear_caches: o.clear_caches, keep_global_caches: o.keep_global_caches, remove_wallet: o.remove_wallet }
    }
}

impl From<lo::LogoutOptions> for LogoutOptions {
    fn from(o: lo::LogoutOptions) -> Self {
        LogoutOptions { clear_caches: o.clear_caches, keep_global_caches: o.keep_global_caches, remove_wallet: o.remove_wallet }
    }
}

impl From<lo::LogoutWarning> for LogoutWarning {
    fn from(w: lo::LogoutWarning) -> Self {
        match w {
            lo::LogoutWarning::NotBackedUp => Self::NotBackedUp,
            lo::LogoutWarning::InsecureNetwork => Self::InsecureNetwork,
            lo::LogoutWarning::UntrustedDevice => Self::UntrustedDevice,
            lo::LogoutWarning::WalletWillBeRemoved => Self::WalletWillBeRemoved,
        }
    }
}

impl From<lo::LogoutAction> for LogoutAction {
    fn from(a: lo::LogoutAction) -> Self {
        match a {
            lo::LogoutAction::WipeKeysFromMemory => Self::WipeKeysFromMemory,
            lo::LogoutAction::EndSession => Self::EndSession,
            lo::LogoutAction::RemoveBiometricUnlock => Self::RemoveBiometricUnlock,
            lo::LogoutAction::ClearAccountCaches => Self::ClearAccountCaches,
            lo::LogoutAction::ClearGlobalCaches => Self::ClearGlobalCaches,
            lo::LogoutAction::RemoveWallet => Self::RemoveWallet,
        }
    }
}

impl From<lo::LogoutPlan> for LogoutPlan {
    fn from(p: lo::LogoutPlan) -> Self {
        LogoutPlan {
            token: p.token,
            account: p.account.into(),
            actions: p.actions.into_iter().map(Into::into).collect(),
            warnings: p.warnings.into_iter().map(Into::into).collect(),
            confirmation: match p.confirmation {
                lo::ConfirmationNeeded::Tap => ConfirmationNeeded::Tap,
                lo::ConfirmationNeeded::TypeAccountName => ConfirmationNeeded::TypeAccountName,
            },
            authorization: p.authorization.into(),
            expires_in_secs: p.expires_in_secs,
            options: p.options.into(),
        }
    }
}

impl From<lo::LogoutReport> for LogoutReport {
    fn from(r: lo::LogoutReport) -> Self {
        LogoutReport {
            account: r.account.into(),
            keys_wiped: r.keys_wiped,
            session_ended: r.session_ended,
            biometric_removed: r.biometric_removed,
            cache_entries_cleared: r.cache_entries_cleared,
            cache_bytes_freed: r.cache_bytes_freed,
            wallet_removed: r.wallet_removed,
            warnings_acknowledged: r.warnings_acknowledged.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<ev::SecurityEvent> for SecurityEvent {
    fn from(e: ev::SecurityEvent) -> Self {
        SecurityEvent {
            id: e.id,
            at_unix: e.at_unix,
            kind: e.kind.as_str().to_string(),
            account_id: e.account_id,
            account_name: e.account_name,
            detail: e.detail,
        }
    }
}

impl From<ev::FailedAttemptsSummary> for FailedAttemptsSummary {
    fn from(s: ev::FailedAttemptsSummary) -> Self {
        FailedAttemptsSummary { count: s.count, last_failed_at_unix: s.last_failed_at_unix }
    }
}
