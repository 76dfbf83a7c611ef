//! The desktop's environment probe and safety policy (ADR 0015).
//!
//! A desktop has no phone screen lock, root or emulator to detect and no portable way to tell
//! a Wi-Fi network's security, so the probe answers "cannot tell" for those; it does see a
//! debugger (`TracerPid` in `/proc/self/status` on Linux). The CLI's policy therefore lets the
//! phone-only risks pass *silently* where the phone default only warns (a warning on every
//! login that the CLI can never check would be noise) — but where the default refuses a present
//! risk (turning on biometric unlock without a screen lock), an unknown one still warns: the
//! core refuses any policy under which unknown counts as safe there.

use imwallet_core::auth::hooks::{EnvironmentProbe, HookError, NetworkKind};
use imwallet_core::safety::{EnvironmentPolicy, EnvironmentRisk, RiskOutcome, SafetyPolicy};

/// What the CLI can tell about its environment.
pub struct DesktopEnvironment;

impl EnvironmentProbe for DesktopEnvironment {
    fn network(&self) -> Result<NetworkKind, HookError> {
        Ok(NetworkKind::Unknown)
    }
    fn screen_lock_set(&self) -> Result<Option<bool>, HookError> {
        Ok(None)
    }
    fn rooted(&self) -> Result<Option<bool>, HookError> {
        Ok(None)
    }
    fn debugger_attached(&self) -> Result<Option<bool>, HookError> {
        if !cfg!(target_os = "linux") {
            return Ok(None);
        }
        let status = std::fs::read_to_string("/proc/self/status").map_err(|e| HookError { message: format!("/proc/self/status: {e}") })?;
        Ok(tracer_pid(&status).map(|pid| pid != 0))
    }
    fn emulator(&self) -> Result<Option<bool>, HookError> {
        Ok(None)
    }
}

/// `TracerPid:` of a `/proc/<pid>/status` text (`None` when absent or unreadable).
pub fn tracer_pid(status: &str) -> Option<u32> {
    status.lines().find_map(|l| l.strip_prefix("TracerPid:")).and_then(|v| v.trim().parse().ok())
}

/// The core's defaults, with the risks the desktop cannot see allowed when unknown wherever the
/// default only warns about them (refusals still warn when unknown).
pub fn desktop_safety() -> SafetyPolicy {
    let mut environment = EnvironmentPolicy::default();
    let unseen = [EnvironmentRisk::PublicWifi, EnvironmentRisk::NoScreenLock, EnvironmentRisk::Rooted, EnvironmentRisk::Emulator];
    for mut rule in EnvironmentPolicy::default().rules() {
        if unseen.contains(&rule.risk) && rule.when_present == RiskOutcome::Warn {
            rule.when_unknown = RiskOutcome::Allow;
            // Valid by construction: a warning rule may allow an unknown risk.
            let _ = environment.set(rule);
        }
    }
    SafetyPolicy { environment, ..SafetyPolicy::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imwallet_core::safety::{EnvironmentCheck, EnvironmentReport, SensitiveAction};

    #[test]
    fn tracer_pid_is_read_from_the_status_text() {
        assert_eq!(tracer_pid("Name:\timwallet\nTracerPid:\t0\nUid:\t1000"), Some(0));
        assert_eq!(tracer_pid("TracerPid:\t4242\n"), Some(4242));
        assert_eq!(tracer_pid("Name: x\n"), None);
        assert_eq!(DesktopEnvironment.debugger_attached().unwrap(), Some(false), "not under a debugger");
    }

    #[test]
    fn the_desktop_policy_is_quiet_about_phone_risks_but_never_silent_where_the_default_refuses() {
        let policy = desktop_safety();
        policy.validate().unwrap();
        let report = EnvironmentReport { debugger_attached: Some(false), ..EnvironmentReport::UNKNOWN };
        let login = EnvironmentCheck::assess(&policy.environment, SensitiveAction::Login, report);
        assert!(login.warnings.is_empty() && login.refusals.is_empty(), "{login:?}");
        let bio = EnvironmentCheck::assess(&policy.environment, SensitiveAction::EnableBiometrics, report);
        assert_eq!(bio.warnings.len(), 1);
        assert_eq!(bio.warnings[0].risk, EnvironmentRisk::NoScreenLock);
        let traced = EnvironmentReport { debugger_attached: Some(true), ..report };
        assert!(!EnvironmentCheck::assess(&policy.environment, SensitiveAction::RevealPhrase, traced).refusals.is_empty());
    }
}
