//! FFI types for per-action gates, authentication proofs and the logout confirmation.
//!
//! The gate types are the core's, exported as they are (`uniffi::remote`); the proof and the
//! confirmation are hand-written because they carry a password. Printing either
//! (`toString()`, `str()`/`repr()`, `description`) shows `<redacted>` instead of the password:
//! UniFFI builds those from the `Debug`/`Display` exports below, not from the fields.

use std::fmt;

use imwallet_core as core;
use zeroize::Zeroizing;

pub use imwallet_core::auth::gates::{Gate, GatePolicy, GatedAction};

use crate::types::Redacted;

/// An action that can be gated.
#[uniffi::remote(Enum)]
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

/// What an action requires.
#[uniffi::remote(Enum)]
pub enum Gate {
    None,
    Biometric,
    Password,
    BiometricOrPassword,
}

/// A gate and its freshness window.
#[uniffi::remote(Record)]
pub struct GatePolicy {
    pub gate: Gate,
    /// An authorization this recent satisfies the gate again (none: single use).
    pub fresh_within_secs: Option<u32>,
}

/// Proof offered with a gated call; the password crosses as bytes.
// Mirror: the core's `AuthProof<'a>` borrows the password; here it is owned bytes, printed redacted.
#[derive(uniffi::Enum)]
#[uniffi::export(Debug, Display)]
pub enum AuthProof {
    /// Rely on a fresh authorization (a biometric gate prompts by itself).
    None,
    Password {
        password: Vec<u8>,
    },
    /// The core asks the key store's biometric prompt now.
    Biometric,
}

impl fmt::Debug for AuthProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthProof::None => f.write_str("None"),
            AuthProof::Password { .. } => f.debug_struct("Password").field("password", &Redacted).finish(),
            AuthProof::Biometric => f.write_str("Biometric"),
        }
    }
}

impl fmt::Display for AuthProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthProof::{self:?}")
    }
}

/// The user's logout confirmation.
// Mirror: the core holds the password as `SecretBytes`; here it is bytes, printed redacted.
#[derive(uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct LogoutConfirmation {
    pub typed_account_name: Option<String>,
    pub password: Option<Vec<u8>>,
    pub use_biometrics: bool,
}

impl fmt::Debug for LogoutConfirmation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogoutConfirmation")
            .field("typed_account_name", &self.typed_account_name)
            .field("password", &self.password.as_ref().map(|_| Redacted))
            .field("use_biometrics", &self.use_biometrics)
            .finish()
    }
}

impl fmt::Display for LogoutConfirmation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// An FFI proof moved onto the blocking pool (password wiped on drop).
pub(crate) enum OwnedProof {
    None,
    Password(Zeroizing<Vec<u8>>),
    Biometric,
}

impl From<AuthProof> for OwnedProof {
    fn from(p: AuthProof) -> Self {
        match p {
            AuthProof::None => OwnedProof::None,
            AuthProof::Password { password } => OwnedProof::Password(Zeroizing::new(password)),
            AuthProof::Biometric => OwnedProof::Biometric,
        }
    }
}

impl OwnedProof {
    pub(crate) fn as_core(&self) -> core::auth::gates::AuthProof<'_> {
        match self {
            OwnedProof::None => core::auth::gates::AuthProof::None,
            OwnedProof::Password(p) => core::auth::gates::AuthProof::Password(p),
            OwnedProof::Biometric => core::auth::gates::AuthProof::Biometric,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PW: &[u8] = b"correct horse battery staple 42";

    fn assert_redacted(shown: &str) {
        assert!(!shown.contains("correct horse"), "{shown}");
        assert!(!shown.contains(&format!("{PW:?}")), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn proof_and_confirmation_print_redacted() {
        let proof = AuthProof::Password { password: PW.to_vec() };
        assert_redacted(&format!("{proof:?}"));
        assert_redacted(&format!("{proof}"));
        assert_eq!(format!("{}", AuthProof::Biometric), "AuthProof::Biometric");

        let c = LogoutConfirmation { typed_account_name: Some("Eve".into()), password: Some(PW.to_vec()), use_biometrics: false };
        assert_redacted(&format!("{c:?}"));
        assert_redacted(&format!("{c}"));
        assert!(format!("{c}").contains("Eve"));
        let none = LogoutConfirmation { typed_account_name: None, password: None, use_biometrics: true };
        assert!(format!("{none:?}").contains("password: None"));
    }
}
