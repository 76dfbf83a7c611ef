//! Reading the environment probe and applying the policy to it.
//!
//! [`EnvironmentReport::read`] asks each of the probe's questions separately: a question that
//! fails (a host exception) is "cannot tell" for that answer only, and never "safe".

use crate::auth::hooks::{EnvironmentProbe, NetworkKind};
use crate::safety::policy::{EnvironmentPolicy, EnvironmentRisk, RiskOutcome, SensitiveAction};

/// What the probe said (each answer may be unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvironmentReport {
    pub network: NetworkKind,
    pub screen_lock_set: Option<bool>,
    pub rooted: Option<bool>,
    pub debugger_attached: Option<bool>,
    pub emulator: Option<bool>,
}

impl EnvironmentReport {
    /// Every answer unknown.
    pub const UNKNOWN: EnvironmentReport =
        EnvironmentReport { network: NetworkKind::Unknown, screen_lock_set: None, rooted: None, debugger_attached: None, emulator: None };

    /// Asks the probe (a foreign hook: never called with a core lock held). A failing question
    /// is unknown.
    pub fn read(probe: &dyn EnvironmentProbe) -> EnvironmentReport {
        EnvironmentReport {
            network: probe.network().unwrap_or(NetworkKind::Unknown),
            screen_lock_set: probe.screen_lock_set().unwrap_or(None),
            rooted: probe.rooted().unwrap_or(None),
            debugger_attached: probe.debugger_attached().unwrap_or(None),
            emulator: probe.emulator().unwrap_or(None),
        }
    }

    /// Whether `risk` is there: `Some(true)` present, `Some(false)` ruled out, `None` unknown.
    pub fn risk(&self, risk: EnvironmentRisk) -> Option<bool> {
        match risk {
            EnvironmentRisk::PublicWifi => match self.network {
                NetworkKind::PublicWifi => Some(true),
                NetworkKind::Unknown | NetworkKind::WifiSecurityUnknown => None,
                NetworkKind::Offline | NetworkKind::Cellular | NetworkKind::PrivateWifi | NetworkKind::Vpn => Some(false),
            },
            EnvironmentRisk::NoScreenLock => self.screen_lock_set.map(|set| !set),
            EnvironmentRisk::Rooted => self.rooted,
            EnvironmentRisk::DebuggerAttached => self.debugger_attached,
            EnvironmentRisk::Emulator => self.emulator,
        }
    }
}

/// A risk that warns about or refuses an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskFinding {
    pub risk: EnvironmentRisk,
    /// `true`: the probe said the risk is there; `false`: it could not be ruled out.
    pub known: bool,
}

impl RiskFinding {
    /// Words for the user ("the device is rooted or jailbroken").
    pub fn describe(&self) -> &'static str {
        self.risk.describe(self.known)
    }
}

/// The policy applied to one action in one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentCheck {
    pub action: SensitiveAction,
    pub report: EnvironmentReport,
    /// Risks that let the action go ahead with a warning.
    pub warnings: Vec<RiskFinding>,
    /// Risks that refuse the action (empty: it may go ahead).
    pub refusals: Vec<RiskFinding>,
}

impl EnvironmentCheck {
    /// The policy's verdict on `report` for `action`.
    pub fn assess(policy: &EnvironmentPolicy, action: SensitiveAction, report: EnvironmentReport) -> EnvironmentCheck {
        let mut check = EnvironmentCheck { action, report, warnings: Vec::new(), refusals: Vec::new() };
        for risk in EnvironmentRisk::ALL {
            let rule = policy.rule(action, risk);
            let (outcome, known) = match report.risk(risk) {
                Some(false) => continue,
                Some(true) => (rule.when_present, true),
                None => (rule.when_unknown, false),
            };
            let finding = RiskFinding { risk, known };
            match outcome {
                RiskOutcome::Allow => {}
                RiskOutcome::Warn => check.warnings.push(finding),
                RiskOutcome::Refuse => check.refusals.push(finding),
            }
        }
        check
    }

    /// The overall verdict.
    pub fn outcome(&self) -> RiskOutcome {
        if !self.refusals.is_empty() {
            RiskOutcome::Refuse
        } else if !self.warnings.is_empty() {
            RiskOutcome::Warn
        } else {
            RiskOutcome::Allow
        }
    }
}

/// Event detail for findings: `reveal_phrase: public_wifi, rooted (unknown)`.
pub fn detail(action: SensitiveAction, findings: &[RiskFinding]) -> String {
    let list: Vec<String> =
        findings.iter().map(|f| if f.known { f.risk.as_str().to_string() } else { format!("{} (unknown)", f.risk.as_str()) }).collect();
    format!("{}: {}", action.as_str(), list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::hooks::HookError;

    struct Throwing;
    impl EnvironmentProbe for Throwing {
        fn network(&self) -> Result<NetworkKind, HookError> {
            Err(HookError { message: "boom".into() })
        }
        fn screen_lock_set(&self) -> Result<Option<bool>, HookError> {
            Err(HookError { message: "boom".into() })
        }
        fn rooted(&self) -> Result<Option<bool>, HookError> {
            Err(HookError { message: "boom".into() })
        }
        fn debugger_attached(&self) -> Result<Option<bool>, HookError> {
            Err(HookError { message: "boom".into() })
        }
        fn emulator(&self) -> Result<Option<bool>, HookError> {
            Err(HookError { message: "boom".into() })
        }
    }

    #[test]
    fn a_throwing_probe_reads_as_unknown_and_never_as_safe() {
        let report = EnvironmentReport::read(&Throwing);
        assert_eq!(report, EnvironmentReport::UNKNOWN);
        for risk in EnvironmentRisk::ALL {
            assert_eq!(report.risk(risk), None, "{risk:?}");
        }
        let check = EnvironmentCheck::assess(&EnvironmentPolicy::default(), SensitiveAction::RevealPhrase, report);
        assert!(check.refusals.is_empty());
        assert_eq!(check.warnings.len(), 5);
        assert!(check.warnings.iter().all(|w| !w.known));
    }

    #[test]
    fn ios_wifi_is_unknown_and_a_secured_one_is_safe() {
        let mut r = EnvironmentReport {
            screen_lock_set: Some(true),
            rooted: Some(false),
            debugger_attached: Some(false),
            emulator: Some(false),
            ..EnvironmentReport::UNKNOWN
        };
        r.network = NetworkKind::WifiSecurityUnknown;
        assert_eq!(r.risk(EnvironmentRisk::PublicWifi), None);
        r.network = NetworkKind::PrivateWifi;
        let check = EnvironmentCheck::assess(&EnvironmentPolicy::default(), SensitiveAction::RevealPhrase, r);
        assert_eq!(check.outcome(), RiskOutcome::Allow);
        r.network = NetworkKind::PublicWifi;
        r.debugger_attached = Some(true);
        let check = EnvironmentCheck::assess(&EnvironmentPolicy::default(), SensitiveAction::RevealPhrase, r);
        assert_eq!(check.warnings, vec![RiskFinding { risk: EnvironmentRisk::PublicWifi, known: true }]);
        assert_eq!(check.refusals, vec![RiskFinding { risk: EnvironmentRisk::DebuggerAttached, known: true }]);
        assert_eq!(detail(check.action, &check.warnings), "reveal_phrase: public_wifi");
    }
}
