//! Gate checks: does this call carry (or have recently had) the authentication its action
//! requires? Policies are **per account** (`account_settings`, key `gate.<action>`; the action's
//! default when none is stored), so one account can never relax another's gates.
//!
//! Changing a gate (or the auto-lock setting) needs an **unlocked** session and a password or
//! biometric proof **made in that call** — a cached authorization never suffices — accepted by
//! the action's current gate *and* the `ChangeSettings` gate. A raw digest can be anything's
//! hash — a message's, typed data's or a transaction's — so [`WalletCore::sign_digest`] needs
//! the strictest of the three signing policies ([`GatePolicy::strictest`]).

use crate::auth::gates::{AuthMethod, AuthProof, Gate, GatePolicy, GatedAction};
use crate::engine::session::Session;
use crate::engine::{lk, Inner, WalletCore};
use crate::events::EventKind;
use crate::session::SessionAccount;
use crate::store::account_settings as settings;
use crate::vault::scrubbed;
use crate::{Error, Result};

fn accepted(g: Gate) -> &'static str {
    match g {
        Gate::None => "nothing",
        Gate::Biometric => "fingerprint/face",
        Gate::Password => "the wallet password",
        Gate::BiometricOrPassword => "fingerprint/face or the wallet password",
    }
}

fn required(label: &str, g: Gate) -> Error {
    Error::AuthorizationRequired { action: label.to_string(), accepted: accepted(g).into() }
}

/// The signing actions whose policies a raw digest must satisfy (a digest can be a message's,
/// typed data's or a transaction's signing hash).
const SIGNING: [GatedAction; 3] = [GatedAction::SignMessage, GatedAction::SignTypedData, GatedAction::SignTransaction];

impl Inner {
    /// `account_id`'s policy for `action` (the action's default when none is stored or the
    /// stored value is unreadable).
    /// A stored value that cannot be read or parsed (tampered, damaged) never falls back to the
    /// default, which may be looser: it is the strictest policy, the password every time.
    pub(crate) fn policy_for(&self, account_id: &str, action: GatedAction) -> GatePolicy {
        self.policy_in(lk(&self.store).conn(), account_id, action)
    }

    /// [`Inner::policy_for`] on a given connection (inside a transaction).
    pub(crate) fn policy_in(&self, conn: &rusqlite::Connection, account_id: &str, action: GatedAction) -> GatePolicy {
        let strictest = GatePolicy { gate: Gate::Password, fresh_within_secs: None };
        match settings::get(conn, account_id, &settings::gate_key(action.as_str())) {
            Ok(None) => action.default_policy(),
            Ok(Some(s)) => GatePolicy::from_setting(&s).unwrap_or(strictest),
            Err(_) => strictest,
        }
    }

    /// The session account's policy for `action` (the default without a session).
    pub(crate) fn policy(&self, action: GatedAction) -> GatePolicy {
        match self.session_account() {
            Ok((account, _)) => self.policy_for(&account.id, action),
            Err(_) => action.default_policy(),
        }
    }

    /// The unlocked session's account and generation, or `Locked`/`NotLoggedIn`.
    pub(crate) fn unlocked_account(&self) -> Result<(SessionAccount, u64)> {
        self.with_cell(|c| match &c.session {
            Session::Unlocked(u) => Ok((u.account.clone(), c.generation)),
            Session::Locked { .. } => Err(Error::Locked),
            _ => Err(Error::NotLoggedIn),
        })
    }

    /// Records a grant in the unlocked session of generation `gen` (nowhere otherwise: a
    /// locked session keeps no grants, and a newer session must not inherit one).
    fn record_grant(&self, gen: u64, action: GatedAction, method: AuthMethod) {
        let mono = self.clock.monotonic_secs();
        self.with_cell(|c| {
            if let (true, Session::Unlocked(u)) = (c.generation == gen, &mut c.session) {
                u.grants.insert(action, (method, mono));
            }
        });
    }

    /// Checks `proof` for `account` now (KDF under the limiter, or a crypto-bound biometric
    /// prompt) without recording anything. No core lock is held while it runs.
    fn verify_proof(&self, account: &SessionAccount, label: &str, proof: AuthProof<'_>) -> Result<AuthMethod> {
        let row = self.row(&account.id)?;
        let mut out = Vec::new();
        let r = match proof {
            AuthProof::Password(pw) => self.check_password(Some(&row), pw, &mut out).map(|_| AuthMethod::Password),
            AuthProof::Biometric => self.biometric_proof(&row, self.prompts.confirm(label), &mut out).map(|_| AuthMethod::Biometric),
            AuthProof::None => {
                Err(Error::AuthorizationRequired { action: label.to_string(), accepted: "a password or biometric proof".into() })
            }
        };
        self.emit(out);
        r
    }

    /// A proof made in this call, accepted by every gate in `gates` (`None` gates accept any
    /// proof). A cached authorization never counts. Used to change settings.
    pub(crate) fn fresh_proof(&self, account: &SessionAccount, label: &str, gates: &[Gate], proof: AuthProof<'_>) -> Result<AuthMethod> {
        let method = match proof {
            AuthProof::Password(_) => AuthMethod::Password,
            AuthProof::Biometric => AuthMethod::Biometric,
            AuthProof::None => {
                return Err(Error::AuthorizationRequired {
                    action: label.to_string(),
                    accepted: "a password or biometric proof made with this change".into(),
                })
            }
        };
        if let Some(g) = gates.iter().find(|g| **g != Gate::None && !g.accepts(method)) {
            return Err(required(label, *g));
        }
        self.verify_proof(account, label, proof)
    }

    /// Passes when `action`'s gate is satisfied by a fresh authorization or by `proof`.
    /// With no proof, a biometric-capable gate prompts for biometrics itself.
    pub(crate) fn check_gate(&self, action: GatedAction, proof: AuthProof<'_>) -> Result<()> {
        let (account, gen) = self.session_account()?;
        let policy = self.policy_for(&account.id, action);
        self.check_policy(&account, gen, action.as_str(), &[(action, policy)], policy, proof)
    }

    /// Passes when the strictest of the signing policies in force now is satisfied (raw
    /// digests): by a grant of either signing action that this policy accepts and that is
    /// still fresh under both its own and the strictest window, or by a biometric prompt.
    pub(crate) fn check_strictest_signing_gate(&self) -> Result<()> {
        let (account, gen) = self.session_account()?;
        let own: Vec<(GatedAction, GatePolicy)> = SIGNING.iter().map(|a| (*a, self.policy_for(&account.id, *a))).collect();
        let gates: Vec<Gate> = own.iter().map(|(_, p)| p.gate).collect();
        if gates.contains(&Gate::Biometric) && gates.contains(&Gate::Password) {
            // No single proof satisfies both (they accept disjoint methods): each gate on its
            // own, so a digest never needs less than either signing action.
            for (action, _) in &own {
                self.check_gate(*action, AuthProof::None)?;
            }
            return Ok(());
        }
        let policy = GatePolicy::strictest(own.iter().map(|(_, p)| *p));
        // A digest may be a transaction's signing hash: only a `SignTransaction` authorization
        // pays for it (a message approval must never buy a blindly signed transaction).
        let tx_only: Vec<(GatedAction, GatePolicy)> = own.into_iter().filter(|(a, _)| *a == GatedAction::SignTransaction).collect();
        self.check_policy(&account, gen, "sign_digest", &tx_only, policy, AuthProof::None)
    }

    /// The gate check: `policy` must be satisfied by a grant of one of `own` (each with its own
    /// policy) or by `proof`. A grant is used up when `policy` has no window. A proof made here
    /// is recorded as a grant only for a single action with a window.
    fn check_policy(
        &self,
        account: &SessionAccount,
        gen: u64,
        label: &str,
        own: &[(GatedAction, GatePolicy)],
        policy: GatePolicy,
        proof: AuthProof<'_>,
    ) -> Result<()> {
        if policy.gate == Gate::None {
            return Ok(());
        }
        let now = self.clock.monotonic_secs();
        let fresh = |t: u64, w: Option<u32>| w.is_none_or(|w| now.saturating_sub(t) <= u64::from(w));
        let granted = self.with_cell(|c| {
            if c.generation != gen {
                return Err(Error::SessionChanged);
            }
            let Session::Unlocked(u) = &mut c.session else { return Ok(false) };
            for (action, own_policy) in own {
                if let Some((m, t)) = u.grants.get(action).copied() {
                    if policy.gate.accepts(m) && fresh(t, own_policy.fresh_within_secs) && fresh(t, policy.fresh_within_secs) {
                        if policy.fresh_within_secs.is_none() {
                            u.grants.remove(action);
                        }
                        return Ok(true);
                    }
                }
            }
            Ok(false)
        })?;
        if granted {
            return Ok(());
        }
        let proof = match proof {
            AuthProof::None if policy.gate.accepts(AuthMethod::Biometric) && self.biometric_enabled(&account.id)? => AuthProof::Biometric,
            AuthProof::None => return Err(required(label, policy.gate)),
            AuthProof::Password(_) if !policy.gate.accepts(AuthMethod::Password) => return Err(required(label, policy.gate)),
            AuthProof::Biometric if !policy.gate.accepts(AuthMethod::Biometric) => return Err(required(label, policy.gate)),
            p => p,
        };
        let method = self.verify_proof(account, label, proof)?;
        if let ([(action, _)], Some(_)) = (own, policy.fresh_within_secs) {
            self.record_grant(gen, *action, method);
        }
        Ok(())
    }

    fn biometric_enabled(&self, account_id: &str) -> Result<bool> {
        Ok(self.row(account_id)?.biometric_wrap.is_some())
    }
}

impl WalletCore {
    /// Authorizes `action` ahead of a call that takes no proof (e.g. signing).
    pub fn authorize(&self, action: GatedAction, proof: AuthProof<'_>) -> Result<()> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.authorize_unscrubbed(action, proof))
    }

    fn authorize_unscrubbed(&self, action: GatedAction, proof: AuthProof<'_>) -> Result<()> {
        let (account, gen) = self.inner.session_account()?;
        let policy = self.inner.policy_for(&account.id, action);
        if policy.gate == Gate::None {
            return Ok(());
        }
        match proof {
            AuthProof::Password(_) if !policy.gate.accepts(AuthMethod::Password) => Err(required(action.as_str(), policy.gate)),
            AuthProof::Biometric if !policy.gate.accepts(AuthMethod::Biometric) => Err(required(action.as_str(), policy.gate)),
            p => {
                let m = self.inner.verify_proof(&account, action.as_str(), p)?;
                self.inner.record_grant(gen, action, m);
                Ok(())
            }
        }
    }

    /// The session account's policy for `action` (the action's default without a session).
    pub fn gate_policy(&self, action: GatedAction) -> GatePolicy {
        self.inner.policy(action)
    }

    /// Changes `action`'s policy for the session's account. Needs an unlocked session and a
    /// password or biometric proof made in this call, accepted by `action`'s current gate and
    /// the `ChangeSettings` gate (a cached authorization is not enough).
    pub fn set_gate_policy(&self, action: GatedAction, policy: GatePolicy, proof: AuthProof<'_>) -> Result<()> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.set_gate_policy_unscrubbed(action, policy, proof))
    }

    fn set_gate_policy_unscrubbed(&self, action: GatedAction, policy: GatePolicy, proof: AuthProof<'_>) -> Result<()> {
        if policy.fresh_within_secs.is_some_and(|w| w > 86_400) {
            return Err(Error::InvalidArgument { reason: "a freshness window is at most 24 h".into() });
        }
        if policy.fresh_within_secs == Some(0) {
            // On a clock of whole seconds a 0 s window would be reusable for up to a second:
            // looser than no window at all.
            return Err(Error::InvalidArgument {
                reason: "a freshness window is at least 1 s (no window = once per authorization)".into(),
            });
        }
        let i = &self.inner;
        let (account, gen) = i.unlocked_account()?;
        let gates = [i.policy_for(&account.id, action).gate, i.policy_for(&account.id, GatedAction::ChangeSettings).gate];
        i.fresh_proof(&account, "change_settings", &gates, proof)?;
        // Written only if the session is still the one that gave the proof.
        let mut out = Vec::new();
        let result = i.with_cell(|c| {
            let Session::Unlocked(u) = &mut c.session else { return Err(Error::SessionChanged) };
            if c.generation != gen {
                return Err(Error::SessionChanged);
            }
            lk(&i.store).write(|tx| {
                let old = i.policy_in(tx, &account.id, action);
                if !settings::set(tx, &account.id, &settings::gate_key(action.as_str()), &policy.to_setting())? {
                    return Err(Error::AccountNotFound);
                }
                let detail = format!("{}: {} → {}", action.as_str(), old.to_setting(), policy.to_setting());
                i.event(tx, EventKind::GateChanged, Some(&account), &detail, &mut out)
            })?;
            u.grants.remove(&action);
            Ok(())
        });
        // Announced only once committed.
        result.map(|()| i.emit(out))
    }
}
