//! Logout plans: what logging out will do, what it warns about, what it needs confirmed.
//!
//! `prepare_logout` returns a [`LogoutPlan`] with a single-use token that expires after
//! [`PLAN_TTL`]; `logout(token, confirmation)` carries it out and returns a [`LogoutReport`].
//! Plans belong to the session that issued them (they live inside it, see
//! `engine::session`); using the same token again returns the same report only while nothing
//! changed since that logout.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::session::SessionAccount;
use crate::{Error, Result};

/// How long a plan stays valid.
pub const PLAN_TTL: Duration = Duration::from_secs(120);

/// What the user chose on the logout screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogoutOptions {
    /// Clear this account's caches (default true).
    pub clear_caches: bool,
    /// When clearing, keep non-sensitive global caches such as token metadata (default true).
    pub keep_global_caches: bool,
    /// Remove the wallet (encrypted vault) from this device.
    pub remove_wallet: bool,
}

impl Default for LogoutOptions {
    fn default() -> Self {
        LogoutOptions { clear_caches: true, keep_global_caches: true, remove_wallet: false }
    }
}

/// Something the user should know before confirming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutWarning {
    /// The recovery phrase was never confirmed as backed up.
    NotBackedUp,
    /// On public Wi-Fi.
    InsecureNetwork,
    /// Rooted/jailbroken device or a debugger attached.
    UntrustedDevice,
    /// The encrypted wallet will be deleted from this device.
    WalletWillBeRemoved,
}

/// One thing logout will do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutAction {
    WipeKeysFromMemory,
    EndSession,
    RemoveBiometricUnlock,
    ClearAccountCaches,
    ClearGlobalCaches,
    RemoveWallet,
    /// Disconnect the account's dapps (their names: [`LogoutPlan::dapps_to_disconnect`]).
    DisconnectDapps,
    /// Reject the signing requests waiting for approval.
    RejectPendingRequests,
    /// Tell the shell to clear what the wallet copied to the clipboard.
    ClearClipboard,
}

/// What the user must do to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmationNeeded {
    /// A plain "Log out" tap.
    Tap,
    /// Type the account name: removing a wallet whose phrase was never backed up loses it.
    TypeAccountName,
}

/// The plan shown on the logout screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutPlan {
    pub token: String,
    pub account: SessionAccount,
    pub actions: Vec<LogoutAction>,
    pub warnings: Vec<LogoutWarning>,
    pub confirmation: ConfirmationNeeded,
    /// The authentication the `Logout` (or `RemoveWallet`) gate requires.
    pub authorization: crate::auth::gates::Gate,
    pub expires_in_secs: u64,
    pub options: LogoutOptions,
    /// The names of the dapps logout will disconnect ("disconnect N dapps").
    pub dapps_to_disconnect: Vec<String>,
}

/// The user's confirmation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogoutConfirmation {
    /// Required for [`ConfirmationNeeded::TypeAccountName`].
    pub typed_account_name: Option<String>,
    /// The wallet password, when the plan's `authorization` accepts it.
    pub password: Option<crate::vault::SecretBytes>,
    /// Prove with fingerprint/face (the core prompts), when the plan's `authorization` accepts it.
    pub use_biometrics: bool,
}

/// What logout did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutReport {
    pub account: SessionAccount,
    pub keys_wiped: bool,
    pub session_ended: bool,
    pub biometric_removed: bool,
    pub cache_entries_cleared: u64,
    pub cache_bytes_freed: u64,
    pub wallet_removed: bool,
    /// The removed wallet's device key was deleted: whatever of it flash storage keeps is
    /// unreadable (crypto-shredded). False for a logout, an unbound store, or a deletion the
    /// platform refused (then retried on the next open).
    pub wallet_data_shredded: bool,
    pub warnings_acknowledged: Vec<LogoutWarning>,
    /// Every dapp connection logout revoked: `Requested` (the shell's hook accepted the
    /// disconnection; its outcome arrives as a `dapp_disconnected` / `dapp_disconnect_failed`
    /// event) or `Pending` (journaled, retried on the next open).
    pub dapps_disconnected: Vec<crate::connections::DappRevocation>,
    /// Revocations this device still owes after this logout (any account, earlier ones too).
    pub revocations_pending: u32,
    /// Signing requests that were waiting and were rejected (`LoggedOut`).
    pub requests_rejected: u32,
    /// The clipboard hook was told to clear what the wallet had copied, and did.
    pub clipboard_cleared: bool,
}

struct Pending {
    plan: LogoutPlan,
    created: Instant,
}

/// Outstanding plans of one session.
#[derive(Default)]
pub struct PlanRegistry {
    pending: HashMap<String, Pending>,
}

/// Plans kept per session (older ones are dropped first).
const MAX_PLANS: usize = 16;

impl PlanRegistry {
    pub fn insert(&mut self, plan: LogoutPlan) {
        self.pending.retain(|_, p| p.created.elapsed() < PLAN_TTL);
        if self.pending.len() >= MAX_PLANS {
            if let Some(oldest) = self.pending.iter().min_by_key(|(_, p)| p.created).map(|(t, _)| t.clone()) {
                self.pending.remove(&oldest);
            }
        }
        self.pending.insert(plan.token.clone(), Pending { plan, created: Instant::now() });
    }

    /// A valid pending plan.
    pub fn get(&self, token: &str) -> Result<LogoutPlan> {
        let p = self.pending.get(token).ok_or(Error::LogoutTokenInvalid)?;
        if p.created.elapsed() >= PLAN_TTL {
            return Err(Error::LogoutTokenExpired);
        }
        Ok(p.plan.clone())
    }

    /// Consumes a pending plan (single use).
    pub fn remove(&mut self, token: &str) {
        self.pending.remove(token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(token: &str) -> LogoutPlan {
        LogoutPlan {
            token: token.into(),
            account: SessionAccount { id: "a".into(), name: "A".into() },
            actions: vec![],
            warnings: vec![],
            confirmation: ConfirmationNeeded::Tap,
            authorization: crate::auth::gates::Gate::None,
            expires_in_secs: PLAN_TTL.as_secs(),
            options: LogoutOptions::default(),
            dapps_to_disconnect: vec![],
        }
    }

    #[test]
    fn tokens_expire_and_are_single_use() {
        let mut r = PlanRegistry::default();
        r.insert(plan("t1"));
        if let Some(p) = r.pending.get_mut("t1") {
            p.created = Instant::now() - PLAN_TTL;
        }
        assert!(matches!(r.get("t1"), Err(Error::LogoutTokenExpired)));
        r.insert(plan("t2"));
        assert!(matches!(r.get("t2"), Ok(p) if p.token == "t2"));
        r.remove("t2");
        assert!(matches!(r.get("t2"), Err(Error::LogoutTokenInvalid)));
    }

    #[test]
    fn plans_are_bounded() {
        let mut r = PlanRegistry::default();
        for i in 0..100 {
            r.insert(plan(&format!("t{i}")));
        }
        assert!(r.pending.len() <= MAX_PLANS);
        assert!(r.get("t99").is_ok());
    }
}
