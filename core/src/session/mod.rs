//! The session: state machine types, attempt limiter, auto-lock timer and logout plans.
//!
//! States are exactly DESIGN.md's: `NoAccount`, `LoggedOut`, `Locked { account }`,
//! `Unlocked { account }`; only `Unlocked` has key material in memory. The engine that drives
//! transitions is [`crate::engine::WalletCore`].

pub mod autolock;
pub mod limiter;
pub mod logout;

/// Public, non-secret facts about an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    pub id: String,
    pub name: String,
    /// Created from a phrase (`true`) or imported from a keystore file (`false`).
    pub has_recovery_phrase: bool,
    pub backed_up: bool,
    pub biometric_enabled: bool,
    /// Logging in needs the account's security key besides the password.
    pub hardware_key_enabled: bool,
    /// Logging in needs this second factor besides the password (ADR 0014). On-device
    /// information like the other fields: the login screen shows the code field from it.
    pub second_factor: Option<crate::auth::second_factor::SecondFactorMethod>,
    pub created_at_unix: i64,
    /// The first address (index 0), EIP-55.
    pub address: String,
}

/// The account a session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAccount {
    pub id: String,
    pub name: String,
}

/// The session state machine.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl SessionState {
    pub fn account(&self) -> Option<&SessionAccount> {
        match self {
            SessionState::Locked { account } | SessionState::Unlocked { account } => Some(account),
            _ => None,
        }
    }

    pub fn is_unlocked(&self) -> bool {
        matches!(self, SessionState::Unlocked { .. })
    }
}
