//! The safety advice users are given, enforced (issue 20, ADR 0015):
//!
//! * [`policy`] — the environment policy: per sensitive action, each environment risk (public
//!   Wi-Fi, no screen lock, rooted, debugger, emulator) allows, warns or refuses; an unknown
//!   risk never counts as safe. Plus the rehearsal and password-reminder settings.
//! * [`environment`] — reading the probe (a failing question is unknown) and the verdict.
//! * [`password`] — password rehearsal (the next biometric unlock asks for the password after
//!   N days or N biometric unlocks) and password age.
//! * [`activity`] — what happened since the account's previous successful login/unlock.
//!
//! The engine applies them in `engine/safety.rs`.

pub mod activity;
pub mod environment;
pub mod password;
pub mod policy;

pub use activity::{ActivityCategory, ActivityItem, ActivitySummary};
pub use environment::{EnvironmentCheck, EnvironmentReport, RiskFinding};
pub use password::PasswordStatus;
pub use policy::{EnvironmentPolicy, EnvironmentRisk, RehearsalPolicy, RiskOutcome, RiskRule, SafetyPolicy, SensitiveAction};

use crate::session::SessionState;

/// What a successful `login`, `unlock` or `unlock_with_biometrics` returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnlockOutcome {
    /// The session state when the call returned (`Unlocked`, unless a lock or logout landed
    /// right after the unlock).
    pub state: SessionState,
    /// Environment risks the call went ahead with (also logged as `environment_warning`).
    pub warnings: Vec<RiskFinding>,
    /// What happened since the account's previous successful login/unlock.
    pub activity: ActivitySummary,
    /// The next biometric unlock will ask for the password (rehearsal).
    pub password_rehearsal_due: bool,
    /// The password is older than the app's reminder period.
    pub password_change_due: bool,
    /// Whole days since the password was set.
    pub password_age_days: u32,
}

impl UnlockOutcome {
    /// The outcome of a call that found the session already unlocked (nothing happened).
    pub fn already(state: SessionState) -> UnlockOutcome {
        UnlockOutcome {
            state,
            warnings: Vec::new(),
            activity: ActivitySummary::default(),
            password_rehearsal_due: false,
            password_change_due: false,
            password_age_days: 0,
        }
    }

    /// Whether the session is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.state.is_unlocked()
    }
}
