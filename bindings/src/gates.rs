//! FFI types for per-action gates, authentication proofs and the logout confirmation.

use imwallet_core::auth::gates as g;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum GatedAction {
    RevealPhrase,
    ExportKeystore,
    SignMessage,
    SignTypedData,
    ChangeSettings,
    Logout,
    RemoveWallet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Gate {
    None,
    Biometric,
    Password,
    BiometricOrPassword,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct GatePolicy {
    pub gate: Gate,
    /// An authorization this recent satisfies the gate again (none: single use).
    pub fresh_within_secs: Option<u32>,
}

/// Proof offered with a gated call; the password crosses as bytes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AuthProof {
    /// Rely on a fresh authorization (a biometric gate prompts by itself).
    None,
    Password {
        password: Vec<u8>,
    },
    /// The core asks the key store's biometric prompt now.
    Biometric,
}

/// The user's logout confirmation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LogoutConfirmation {
    pub typed_account_name: Option<String>,
    pub password: Option<Vec<u8>>,
    pub use_biometrics: bool,
}

impl From<GatedAction> for g::GatedAction {
    fn from(a: GatedAction) -> Self {
        match a {
            GatedAction::RevealPhrase => Self::RevealPhrase,
            GatedAction::ExportKeystore => Self::ExportKeystore,
            GatedAction::SignMessage => Self::SignMessage,
            GatedAction::SignTypedData => Self::SignTypedData,
            GatedAction::ChangeSettings => Self::ChangeSettings,
            GatedAction::Logout => Self::Logout,
            GatedAction::RemoveWallet => Self::RemoveWallet,
        }
    }
}

impl From<Gate> for g::Gate {
    fn from(x: Gate) -> Self {
        match x {
            Gate::None => Self::None,
            Gate::Biometric => Self::Biometric,
            Gate::Password => Self::Password,
            Gate::BiometricOrPassword => Self::BiometricOrPassword,
        }
    }
}

impl From<g::Gate> for Gate {
    fn from(x: g::Gate) -> Self {
        match x {
            g::Gate::None => Self::None,
            g::Gate::Biometric => Self::Biometric,
            g::Gate::Password => Self::Password,
            g::Gate::BiometricOrPassword => Self::BiometricOrPassword,
        }
    }
}

impl From<GatePolicy> for g::GatePolicy {
    fn from(p: GatePolicy) -> Self {
        g::GatePolicy { gate: p.gate.into(), fresh_within_secs: p.fresh_within_secs }
    }
}

impl From<g::GatePolicy> for GatePolicy {
    fn from(p: g::GatePolicy) -> Self {
        GatePolicy { gate: p.gate.into(), fresh_within_secs: p.fresh_within_secs }
    }
}
