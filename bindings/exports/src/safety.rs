//! FFI types of the safety advice (issue 20, ADR 0015): the environment policy and its verdicts,
//! the login/unlock outcome with its activity summary, and the password status.
//!
//! Exported as they are (`uniffi::remote`, ADR 0008) where the core's shape is the FFI's; hand
//! mirrors where a field holds a hand-mirrored type (`SecurityEvent`, whose kind crosses as a
//! string) or the FFI takes another shape on purpose (`SafetyConfig`: a list of rule overrides
//! and plain periods instead of the core's full table).

use imwallet_core::safety as core_safety;

pub use imwallet_core::safety::{
    ActivityCategory, EnvironmentCheck, EnvironmentReport, EnvironmentRisk, PasswordStatus, RiskFinding, RiskOutcome, RiskRule,
    SensitiveAction,
};

use crate::types::{NetworkKind, SecurityEvent, SessionState};

// ---- exported as they are (remote) ---------------------------------------------------------

/// An action the environment policy guards.
#[uniffi::remote(Enum)]
pub enum SensitiveAction {
    /// `login(name, password)`.
    Login,
    /// `unlock(password)` and `unlock_with_biometrics()`.
    Unlock,
    /// `reveal_phrase(proof)`.
    RevealPhrase,
    /// `export_keystore(…)`.
    ExportKeystore,
    /// Every signature: messages, typed data, raw digests, transactions.
    Sign,
    /// `enable_biometric_unlock(password)`.
    EnableBiometrics,
    /// Turning a second factor off (`disable_hardware_key(password)`).
    DisableSecondFactor,
}

/// A risk of the device's environment.
#[uniffi::remote(Enum)]
pub enum EnvironmentRisk {
    /// Open or public Wi-Fi.
    PublicWifi,
    /// The device has no screen lock.
    NoScreenLock,
    /// Rooted / jailbroken.
    Rooted,
    /// A debugger is attached to the app.
    DebuggerAttached,
    /// An emulator or simulator.
    Emulator,
}

/// What a risk does to an action.
#[uniffi::remote(Enum)]
pub enum RiskOutcome {
    Allow,
    Warn,
    Refuse,
}

/// One cell of the policy table: `when_unknown` applies when the probe cannot tell (or throws).
/// A rule that refuses a present risk must at least warn when it is unknown, and no rule may be
/// stricter for an unknown risk than for a present one (`InvalidInput` when the core opens).
#[uniffi::remote(Record)]
pub struct RiskRule {
    pub action: SensitiveAction,
    pub risk: EnvironmentRisk,
    pub when_present: RiskOutcome,
    pub when_unknown: RiskOutcome,
}

/// A risk that warns about or refuses an action; `known` = false: it could not be ruled out.
#[uniffi::remote(Record)]
pub struct RiskFinding {
    pub risk: EnvironmentRisk,
    pub known: bool,
}

/// What the probe said (`null`/`nil`/`None`: cannot tell).
#[uniffi::remote(Record)]
pub struct EnvironmentReport {
    pub network: NetworkKind,
    pub screen_lock_set: Option<bool>,
    pub rooted: Option<bool>,
    pub debugger_attached: Option<bool>,
    pub emulator: Option<bool>,
}

/// The policy applied to one action now: `refusals` empty = it may go ahead.
#[uniffi::remote(Record)]
pub struct EnvironmentCheck {
    pub action: SensitiveAction,
    pub report: EnvironmentReport,
    pub warnings: Vec<RiskFinding>,
    pub refusals: Vec<RiskFinding>,
}

/// The session account's password age, reminder and rehearsal.
#[uniffi::remote(Record)]
pub struct PasswordStatus {
    /// When the password was set (account creation or the last change).
    pub password_set_at_unix: i64,
    pub password_age_days: u32,
    /// The app's reminder period has passed: suggest changing the password.
    pub password_change_due: bool,
    /// Biometric unlocks since the password was last entered (none: not recorded).
    pub biometric_unlocks_since_password: Option<u32>,
    /// Days since the password was last entered (none: not recorded).
    pub days_since_password: Option<u32>,
    /// The next biometric unlock will be refused until the password is entered: show the
    /// password field instead of starting the biometric prompt.
    pub password_rehearsal_due: bool,
}

/// What kind of activity an event is.
#[uniffi::remote(Enum)]
pub enum ActivityCategory {
    FailedAttempt,
    BiometricChange,
    PasswordChanged,
    SettingsChanged,
    SecondFactorChanged,
    SecretExported,
    ActionRefused,
    AccountAdded,
    AccountRemoved,
}

// ---- hand-written: the FFI shape differs on purpose -----------------------------------------

/// One reported event.
// Mirror: holds the FFI `SecurityEvent` (kind as a string).
#[derive(Debug, Clone, uniffi::Record)]
pub struct ActivityItem {
    pub category: ActivityCategory,
    pub event: SecurityEvent,
}

/// What happened since the account's previous successful login/unlock.
// Mirror: holds `ActivityItem`s.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ActivitySummary {
    /// When the previous success was (none: none is logged).
    pub since_unix: Option<i64>,
    /// Wrong passwords for this account or an unknown name since then.
    pub failed_attempts: u32,
    pub last_failed_at_unix: Option<i64>,
    /// Oldest first; at most 50 (the newest).
    pub items: Vec<ActivityItem>,
    /// Reportable events not listed.
    pub omitted: u32,
}

/// What a successful `login`, `unlock` or `unlock_with_biometrics` returns.
// Mirror: holds an `ActivitySummary`.
#[derive(Debug, Clone, uniffi::Record)]
pub struct UnlockOutcome {
    /// The session state when the call returned.
    pub state: SessionState,
    /// Environment risks the call went ahead with (also logged as `environment_warning`).
    pub warnings: Vec<RiskFinding>,
    pub activity: ActivitySummary,
    /// The next biometric unlock will ask for the password.
    pub password_rehearsal_due: bool,
    /// The password is older than the app's reminder period.
    pub password_change_due: bool,
    pub password_age_days: u32,
}

/// The app's safety settings, given once in `CoreConfig.safety` (start from
/// `default_safety_config()`). `environment_rules` override the defaults cell by cell (the
/// default config lists every cell); the periods are days (none: off).
// FFI-only shape: rule overrides and plain periods; the core holds the full table.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SafetyConfig {
    pub environment_rules: Vec<RiskRule>,
    /// Ask for the password at the next biometric unlock after this many days without it.
    pub rehearsal_after_days: Option<u32>,
    /// … or after this many biometric unlocks in a row.
    pub rehearsal_after_biometric_unlocks: Option<u32>,
    /// Remind the user to change a password this many days old (default: off).
    pub password_reminder_days: Option<u32>,
}

impl SafetyConfig {
    /// The core's policy (typed `InvalidInput` for a refused rule or period).
    pub(crate) fn to_core(&self) -> imwallet_core::Result<core_safety::SafetyPolicy> {
        let SafetyConfig { environment_rules, rehearsal_after_days, rehearsal_after_biometric_unlocks, password_reminder_days } = self;
        let policy = core_safety::SafetyPolicy {
            environment: core_safety::EnvironmentPolicy::with_rules(environment_rules)?,
            rehearsal: core_safety::RehearsalPolicy {
                after_days: *rehearsal_after_days,
                after_biometric_unlocks: *rehearsal_after_biometric_unlocks,
            },
            password_reminder_days: *password_reminder_days,
        };
        policy.validate()?;
        Ok(policy)
    }
}

/// The defaults: every rule of the documented table, rehearsal after 14 days or 30 biometric
/// unlocks, no password reminder.
#[uniffi::export]
pub fn default_safety_config() -> SafetyConfig {
    let core_safety::SafetyPolicy { environment, rehearsal, password_reminder_days } = core_safety::SafetyPolicy::default();
    SafetyConfig {
        environment_rules: environment.rules(),
        rehearsal_after_days: rehearsal.after_days,
        rehearsal_after_biometric_unlocks: rehearsal.after_biometric_unlocks,
        password_reminder_days,
    }
}

// ---- conversions (hand mirrors only) ----------------------------------------------------------

impl From<core_safety::ActivityItem> for ActivityItem {
    fn from(i: core_safety::ActivityItem) -> Self {
        let core_safety::ActivityItem { category, event } = i;
        ActivityItem { category, event: event.into() }
    }
}

impl From<core_safety::ActivitySummary> for ActivitySummary {
    fn from(s: core_safety::ActivitySummary) -> Self {
        let core_safety::ActivitySummary { since_unix, failed_attempts, last_failed_at_unix, items, omitted } = s;
        ActivitySummary { since_unix, failed_attempts, last_failed_at_unix, items: items.into_iter().map(Into::into).collect(), omitted }
    }
}

impl From<core_safety::UnlockOutcome> for UnlockOutcome {
    fn from(o: core_safety::UnlockOutcome) -> Self {
        let core_safety::UnlockOutcome { state, warnings, activity, password_rehearsal_due, password_change_due, password_age_days } = o;
        UnlockOutcome { state, warnings, activity: activity.into(), password_rehearsal_due, password_change_due, password_age_days }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_config_is_the_core_default_and_bad_rules_are_typed_errors() {
        let d = default_safety_config();
        assert_eq!(d.environment_rules.len(), 35);
        assert_eq!(d.to_core().unwrap(), core_safety::SafetyPolicy::default());
        let mut bad = d.clone();
        bad.environment_rules[0].when_present = RiskOutcome::Refuse;
        bad.environment_rules[0].when_unknown = RiskOutcome::Allow;
        assert!(matches!(bad.to_core(), Err(imwallet_core::Error::InvalidArgument { .. })));
        let mut twice = d.clone();
        twice.environment_rules.push(d.environment_rules[3]);
        assert!(twice.to_core().is_err());
        let mut zero = d;
        zero.rehearsal_after_biometric_unlocks = Some(0);
        assert!(zero.to_core().is_err());
    }
}
