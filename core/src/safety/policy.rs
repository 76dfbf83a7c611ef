//! The environment policy (ADR 0015): for each sensitive action and each risk of the device's
//! environment, what the core does when the risk is present and when it cannot be told —
//! allow, warn (the call goes ahead, the warning comes back and is logged) or refuse (a typed
//! error naming the action and the risk). The app passes its policy when it opens the core;
//! rules it leaves out keep the defaults below.
//!
//! **Unknown never counts as safe.** A rule that refuses a present risk must at least warn when
//! the risk cannot be told (a probe that fails or cannot see it), and no rule is stricter for an
//! unknown risk than for a present one. By default an unknown risk warns wherever the present
//! risk warns or refuses.

use crate::{Error, Result};

/// An action the environment policy guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

impl SensitiveAction {
    pub const ALL: [SensitiveAction; 7] = [
        SensitiveAction::Login,
        SensitiveAction::Unlock,
        SensitiveAction::RevealPhrase,
        SensitiveAction::ExportKeystore,
        SensitiveAction::Sign,
        SensitiveAction::EnableBiometrics,
        SensitiveAction::DisableSecondFactor,
    ];

    /// A stable snake_case name (event details, `--json`).
    pub fn as_str(self) -> &'static str {
        match self {
            SensitiveAction::Login => "login",
            SensitiveAction::Unlock => "unlock",
            SensitiveAction::RevealPhrase => "reveal_phrase",
            SensitiveAction::ExportKeystore => "export_keystore",
            SensitiveAction::Sign => "sign",
            SensitiveAction::EnableBiometrics => "enable_biometrics",
            SensitiveAction::DisableSecondFactor => "disable_second_factor",
        }
    }

    /// Words for error texts: "revealing the recovery phrase".
    pub fn describe(self) -> &'static str {
        match self {
            SensitiveAction::Login => "logging in",
            SensitiveAction::Unlock => "unlocking",
            SensitiveAction::RevealPhrase => "revealing the recovery phrase",
            SensitiveAction::ExportKeystore => "exporting a keystore file",
            SensitiveAction::Sign => "signing",
            SensitiveAction::EnableBiometrics => "turning on fingerprint/face unlock",
            SensitiveAction::DisableSecondFactor => "turning off the second factor",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A risk of the device's environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

impl EnvironmentRisk {
    pub const ALL: [EnvironmentRisk; 5] = [
        EnvironmentRisk::PublicWifi,
        EnvironmentRisk::NoScreenLock,
        EnvironmentRisk::Rooted,
        EnvironmentRisk::DebuggerAttached,
        EnvironmentRisk::Emulator,
    ];

    /// A stable snake_case name (event details, `--json`).
    pub fn as_str(self) -> &'static str {
        match self {
            EnvironmentRisk::PublicWifi => "public_wifi",
            EnvironmentRisk::NoScreenLock => "no_screen_lock",
            EnvironmentRisk::Rooted => "rooted",
            EnvironmentRisk::DebuggerAttached => "debugger_attached",
            EnvironmentRisk::Emulator => "emulator",
        }
    }

    /// Words for texts, when the risk is present (`known`) or cannot be ruled out.
    pub fn describe(self, known: bool) -> &'static str {
        match (self, known) {
            (EnvironmentRisk::PublicWifi, true) => "the device is on an open or public Wi-Fi network",
            (EnvironmentRisk::PublicWifi, false) => "the network could not be checked (it may be public Wi-Fi)",
            (EnvironmentRisk::NoScreenLock, true) => "the device has no screen lock",
            (EnvironmentRisk::NoScreenLock, false) => "the device's screen lock could not be checked",
            (EnvironmentRisk::Rooted, true) => "the device is rooted or jailbroken",
            (EnvironmentRisk::Rooted, false) => "whether the device is rooted or jailbroken could not be checked",
            (EnvironmentRisk::DebuggerAttached, true) => "a debugger is attached to the app",
            (EnvironmentRisk::DebuggerAttached, false) => "whether a debugger is attached could not be checked",
            (EnvironmentRisk::Emulator, true) => "the app runs on an emulator",
            (EnvironmentRisk::Emulator, false) => "whether the app runs on an emulator could not be checked",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What a risk does to an action. Ordered: `Allow` < `Warn` < `Refuse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RiskOutcome {
    Allow,
    Warn,
    Refuse,
}

/// One cell of the policy table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskRule {
    pub action: SensitiveAction,
    pub risk: EnvironmentRisk,
    /// When the probe says the risk is there.
    pub when_present: RiskOutcome,
    /// When the probe cannot tell (or fails).
    pub when_unknown: RiskOutcome,
}

impl RiskRule {
    /// Refuses a rule under which an unknown risk would count as safe where the present risk is
    /// refused, or one stricter for an unknown risk than for a present one.
    pub fn validate(&self) -> Result<()> {
        let name = format!("{} / {}", self.action.as_str(), self.risk.as_str());
        if self.when_present == RiskOutcome::Refuse && self.when_unknown == RiskOutcome::Allow {
            return Err(Error::InvalidArgument {
                reason: format!("environment rule {name}: a risk that is refused when present must at least warn when it cannot be told"),
            });
        }
        if self.when_unknown > self.when_present {
            return Err(Error::InvalidArgument {
                reason: format!("environment rule {name}: an unknown risk cannot be treated more strictly than a present one"),
            });
        }
        Ok(())
    }
}

use RiskOutcome::{Allow as A, Refuse as R, Warn as W};

/// The defaults, present risk per action (columns in [`EnvironmentRisk::ALL`] order:
/// public Wi-Fi, no screen lock, rooted, debugger, emulator). Documented in `docs/api.md`.
const DEFAULT_PRESENT: [[RiskOutcome; 5]; 7] = [
    /* login                 */ [A, W, W, W, W],
    /* unlock                */ [A, A, A, W, A],
    /* reveal phrase         */ [W, W, W, R, W],
    /* export keystore       */ [W, W, W, R, W],
    /* sign                  */ [A, A, W, R, W],
    /* enable biometrics     */ [A, R, W, R, W],
    /* disable second factor */ [W, W, W, R, W],
];

/// The default for an unknown risk: warn wherever the present risk warns or refuses.
fn default_unknown(present: RiskOutcome) -> RiskOutcome {
    present.min(RiskOutcome::Warn)
}

/// The whole table: every action × every risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentPolicy {
    table: [[(RiskOutcome, RiskOutcome); 5]; 7],
}

impl Default for EnvironmentPolicy {
    fn default() -> Self {
        let mut table = [[(A, A); 5]; 7];
        for (a, row) in DEFAULT_PRESENT.iter().enumerate() {
            for (r, present) in row.iter().enumerate() {
                table[a][r] = (*present, default_unknown(*present));
            }
        }
        EnvironmentPolicy { table }
    }
}

impl EnvironmentPolicy {
    /// The defaults with `rules` applied over them. Each rule is validated
    /// ([`RiskRule::validate`]); naming one action and risk twice is refused.
    pub fn with_rules(rules: &[RiskRule]) -> Result<EnvironmentPolicy> {
        let mut policy = EnvironmentPolicy::default();
        let mut seen = std::collections::HashSet::new();
        for rule in rules {
            if !seen.insert((rule.action, rule.risk)) {
                return Err(Error::InvalidArgument {
                    reason: format!("environment rule {} / {} is given twice", rule.action.as_str(), rule.risk.as_str()),
                });
            }
            policy.set(*rule)?;
        }
        Ok(policy)
    }

    /// Replaces one cell (validated).
    pub fn set(&mut self, rule: RiskRule) -> Result<()> {
        rule.validate()?;
        self.table[rule.action.index()][rule.risk.index()] = (rule.when_present, rule.when_unknown);
        Ok(())
    }

    /// The rule for `action` and `risk`.
    pub fn rule(&self, action: SensitiveAction, risk: EnvironmentRisk) -> RiskRule {
        let (when_present, when_unknown) = self.table[action.index()][risk.index()];
        RiskRule { action, risk, when_present, when_unknown }
    }

    /// Every rule, action by action.
    pub fn rules(&self) -> Vec<RiskRule> {
        SensitiveAction::ALL.iter().flat_map(|a| EnvironmentRisk::ALL.iter().map(move |r| self.rule(*a, *r))).collect()
    }

    /// Checks every cell (a table built by [`EnvironmentPolicy::set`] always passes).
    pub fn validate(&self) -> Result<()> {
        self.rules().iter().try_for_each(RiskRule::validate)
    }
}

/// When the next biometric unlock asks for the password instead (ADR 0015): so that users who
/// only ever use a fingerprint do not forget the password they need after a logout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RehearsalPolicy {
    /// Days since the password was last entered (`None`: no time limit).
    pub after_days: Option<u32>,
    /// Biometric unlocks in a row without the password (`None`: no count limit).
    pub after_biometric_unlocks: Option<u32>,
}

impl Default for RehearsalPolicy {
    fn default() -> Self {
        RehearsalPolicy { after_days: Some(14), after_biometric_unlocks: Some(30) }
    }
}

impl RehearsalPolicy {
    /// Whether either limit is set.
    pub fn enabled(&self) -> bool {
        self.after_days.is_some() || self.after_biometric_unlocks.is_some()
    }
}

/// Longest period any of the safety settings accept: ten years.
pub const MAX_DAYS: u32 = 3650;
/// Most biometric unlocks in a row the rehearsal count accepts.
pub const MAX_BIOMETRIC_UNLOCKS: u32 = 10_000;

/// The app's safety settings, passed when the core is opened (`Config::safety`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SafetyPolicy {
    pub environment: EnvironmentPolicy,
    pub rehearsal: RehearsalPolicy,
    /// Remind the user to change the password once it is this many days old (`None`: never,
    /// the default).
    pub password_reminder_days: Option<u32>,
}

impl SafetyPolicy {
    /// Typed errors for out-of-range settings.
    pub fn validate(&self) -> Result<()> {
        self.environment.validate()?;
        let days = |what: &str, v: Option<u32>| match v {
            Some(d) if d == 0 || d > MAX_DAYS => Err(Error::InvalidArgument { reason: format!("{what} must be 1..={MAX_DAYS} days") }),
            _ => Ok(()),
        };
        days("the password rehearsal period", self.rehearsal.after_days)?;
        days("the password reminder period", self.password_reminder_days)?;
        match self.rehearsal.after_biometric_unlocks {
            Some(n) if n == 0 || n > MAX_BIOMETRIC_UNLOCKS => Err(Error::InvalidArgument {
                reason: format!("the biometric unlocks before a password rehearsal must be 1..={MAX_BIOMETRIC_UNLOCKS}"),
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_documented_table_and_never_treat_unknown_as_safe() {
        let p = EnvironmentPolicy::default();
        let r = p.rule(SensitiveAction::RevealPhrase, EnvironmentRisk::PublicWifi);
        assert_eq!((r.when_present, r.when_unknown), (RiskOutcome::Warn, RiskOutcome::Warn));
        let r = p.rule(SensitiveAction::EnableBiometrics, EnvironmentRisk::NoScreenLock);
        assert_eq!((r.when_present, r.when_unknown), (RiskOutcome::Refuse, RiskOutcome::Warn));
        let r = p.rule(SensitiveAction::Login, EnvironmentRisk::Rooted);
        assert_eq!((r.when_present, r.when_unknown), (RiskOutcome::Warn, RiskOutcome::Warn));
        assert_eq!(p.rule(SensitiveAction::Unlock, EnvironmentRisk::PublicWifi).when_unknown, RiskOutcome::Allow);
        assert_eq!(p.rules().len(), 35);
        for rule in p.rules() {
            rule.validate().unwrap();
            if rule.when_present != RiskOutcome::Allow {
                assert_eq!(rule.when_unknown, RiskOutcome::Warn, "{rule:?}");
            }
        }
    }

    #[test]
    fn rules_that_make_unknown_safe_or_stricter_are_refused() {
        let rule = |p, u| RiskRule { action: SensitiveAction::Sign, risk: EnvironmentRisk::Rooted, when_present: p, when_unknown: u };
        assert!(EnvironmentPolicy::with_rules(&[rule(RiskOutcome::Refuse, RiskOutcome::Allow)]).is_err());
        assert!(EnvironmentPolicy::with_rules(&[rule(RiskOutcome::Warn, RiskOutcome::Refuse)]).is_err());
        assert!(EnvironmentPolicy::with_rules(&[rule(RiskOutcome::Refuse, RiskOutcome::Refuse)]).is_ok());
        assert!(EnvironmentPolicy::with_rules(&[rule(RiskOutcome::Warn, RiskOutcome::Allow)]).is_ok());
        let twice = [rule(RiskOutcome::Warn, RiskOutcome::Warn), rule(RiskOutcome::Allow, RiskOutcome::Allow)];
        assert!(EnvironmentPolicy::with_rules(&twice).is_err());
        let p = EnvironmentPolicy::with_rules(&[rule(RiskOutcome::Refuse, RiskOutcome::Refuse)]).unwrap();
        assert_eq!(p.rule(SensitiveAction::Sign, EnvironmentRisk::Rooted).when_unknown, RiskOutcome::Refuse);
        assert_eq!(
            p.rule(SensitiveAction::Sign, EnvironmentRisk::Emulator),
            EnvironmentPolicy::default().rule(SensitiveAction::Sign, EnvironmentRisk::Emulator)
        );
    }

    #[test]
    fn out_of_range_periods_are_typed_errors() {
        let mut s = SafetyPolicy::default();
        s.validate().unwrap();
        s.rehearsal.after_days = Some(0);
        assert!(matches!(s.validate(), Err(Error::InvalidArgument { .. })));
        s.rehearsal.after_days = None;
        s.rehearsal.after_biometric_unlocks = Some(0);
        assert!(s.validate().is_err());
        s.rehearsal.after_biometric_unlocks = None;
        s.password_reminder_days = Some(MAX_DAYS + 1);
        assert!(s.validate().is_err());
        s.password_reminder_days = Some(180);
        s.validate().unwrap();
        assert!(!s.rehearsal.enabled());
    }
}
