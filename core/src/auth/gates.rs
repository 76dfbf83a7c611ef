//! Per-action authentication gates.
//!
//! Each sensitive action has a gate — `None`, `Biometric`, `Password` or
//! `BiometricOrPassword` — and an optional freshness window: an authorization within the last
//! N seconds satisfies the gate again; without a window an authorization is used up by the
//! action it was given for. Every biometric authorization is crypto-bound: the secret the
//! platform releases must unwrap the vault key.

use std::fmt;

/// Actions that can be gated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GatedAction {
    RevealPhrase,
    ExportKeystore,
    SignMessage,
    SignTypedData,
    SignTransaction,
    ChangeSettings,
    Logout,
    RemoveWallet,
}

impl GatedAction {
    pub const ALL: [GatedAction; 8] = [
        GatedAction::RevealPhrase,
        GatedAction::ExportKeystore,
        GatedAction::SignMessage,
        GatedAction::SignTypedData,
        GatedAction::SignTransaction,
        GatedAction::ChangeSettings,
        GatedAction::Logout,
        GatedAction::RemoveWallet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GatedAction::RevealPhrase => "reveal_phrase",
            GatedAction::ExportKeystore => "export_keystore",
            GatedAction::SignMessage => "sign_message",
            GatedAction::SignTypedData => "sign_typed_data",
            GatedAction::SignTransaction => "sign_transaction",
            GatedAction::ChangeSettings => "change_settings",
            GatedAction::Logout => "logout",
            GatedAction::RemoveWallet => "remove_wallet",
        }
    }

    /// The secure default policy.
    pub fn default_policy(self) -> GatePolicy {
        let gate = match self {
            GatedAction::RevealPhrase | GatedAction::ExportKeystore | GatedAction::RemoveWallet => Gate::Password,
            // Changing a gate also needs that action's current gate, so this default cannot be
            // used to relax "reveal needs the password".
            GatedAction::ChangeSettings
            | GatedAction::SignMessage
            | GatedAction::SignTypedData
            | GatedAction::SignTransaction
            | GatedAction::Logout => Gate::None,
        };
        GatePolicy { gate, fresh_within_secs: None }
    }
}

impl fmt::Display for GatedAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an action requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    None,
    Biometric,
    Password,
    BiometricOrPassword,
}

impl Gate {
    pub fn accepts(self, m: AuthMethod) -> bool {
        matches!(
            (self, m),
            (Gate::Biometric | Gate::BiometricOrPassword, AuthMethod::Biometric)
                | (Gate::Password | Gate::BiometricOrPassword, AuthMethod::Password)
        )
    }

    /// How strict a gate is, for picking the strictest of several: `Password` (3) >
    /// `Biometric` (2) > `BiometricOrPassword` (1) > `None` (0). Biometric ranks above
    /// biometric-or-password because it accepts a subset of the proofs.
    pub fn strength(self) -> u8 {
        match self {
            Gate::None => 0,
            Gate::BiometricOrPassword => 1,
            Gate::Biometric => 2,
            Gate::Password => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Gate::None => "none",
            Gate::Biometric => "biometric",
            Gate::Password => "password",
            Gate::BiometricOrPassword => "biometric_or_password",
        }
    }

    fn parse(s: &str) -> Option<Gate> {
        [Gate::None, Gate::Biometric, Gate::Password, Gate::BiometricOrPassword].into_iter().find(|g| g.as_str() == s)
    }
}

/// A gate and its freshness window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatePolicy {
    pub gate: Gate,
    /// An authorization this recent satisfies the gate again (None: single use).
    pub fresh_within_secs: Option<u32>,
}

impl GatePolicy {
    /// The strictest of `policies`: the strongest gate (see [`Gate::strength`]) and the
    /// shortest freshness window among the policies that have a gate, where no window (single
    /// use) is the shortest of all. No policy, or only `None` gates, gives `None`.
    pub fn strictest(policies: impl IntoIterator<Item = GatePolicy>) -> GatePolicy {
        let gated: Vec<GatePolicy> = policies.into_iter().filter(|p| p.gate != Gate::None).collect();
        let Some(gate) = gated.iter().map(|p| p.gate).max_by_key(|g| g.strength()) else {
            return GatePolicy { gate: Gate::None, fresh_within_secs: None };
        };
        let fresh_within_secs =
            if gated.iter().any(|p| p.fresh_within_secs.is_none()) { None } else { gated.iter().filter_map(|p| p.fresh_within_secs).min() };
        GatePolicy { gate, fresh_within_secs }
    }

    pub fn to_setting(self) -> String {
        format!("{}:{}", self.gate.as_str(), self.fresh_within_secs.map_or("-".to_string(), |s| s.to_string()))
    }

    pub fn from_setting(s: &str) -> Option<GatePolicy> {
        let (g, w) = s.split_once(':')?;
        let fresh_within_secs = if w == "-" { None } else { Some(w.parse().ok()?) };
        Some(GatePolicy { gate: Gate::parse(g)?, fresh_within_secs })
    }
}

/// How the user proved presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    Biometric,
    Password,
}

/// Proof offered with a gated call. `Debug` never shows the password.
#[derive(Clone, Copy)]
pub enum AuthProof<'a> {
    /// Rely on a fresh authorization (or, for biometric gates, let the core prompt).
    None,
    Password(&'a [u8]),
    /// Ask the platform's biometric prompt now.
    Biometric,
}

impl fmt::Debug for AuthProof<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthProof::None => "None",
            AuthProof::Password(_) => "Password(<redacted>)",
            AuthProof::Biometric => "Biometric",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(gate: Gate, w: Option<u32>) -> GatePolicy {
        GatePolicy { gate, fresh_within_secs: w }
    }

    #[test]
    fn strictest_takes_the_strongest_gate_and_the_shortest_window() {
        assert_eq!(GatePolicy::strictest([]), p(Gate::None, None));
        assert_eq!(GatePolicy::strictest([p(Gate::None, Some(5)), p(Gate::None, None)]), p(Gate::None, None));
        assert_eq!(GatePolicy::strictest([p(Gate::None, None), p(Gate::Password, Some(60))]), p(Gate::Password, Some(60)));
        assert_eq!(GatePolicy::strictest([p(Gate::Biometric, Some(30)), p(Gate::Password, Some(60))]), p(Gate::Password, Some(30)));
        assert_eq!(GatePolicy::strictest([p(Gate::Biometric, None), p(Gate::BiometricOrPassword, Some(60))]), p(Gate::Biometric, None));
        assert_eq!(
            GatePolicy::strictest([p(Gate::BiometricOrPassword, Some(9)), p(Gate::None, None)]),
            p(Gate::BiometricOrPassword, Some(9))
        );
    }
}
