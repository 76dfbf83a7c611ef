//! Gate checks: does this call carry (or have recently had) the authentication its action
//! requires? Policies are device settings (`gate.<action>`); changing one needs the current
//! gate of that action *and* the `ChangeSettings` gate, so a stolen unlocked phone cannot
//! relax "reveal phrase needs the password".

use crate::auth::gates::{AuthMethod, AuthProof, Gate, GatePolicy, GatedAction};
use crate::engine::{lk, Inner, WalletCore};
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

impl Inner {
    pub(crate) fn policy(&self, action: GatedAction) -> GatePolicy {
        lk(&self.store)
            .setting(&format!("gate.{}", action.as_str()))
            .ok()
            .flatten()
            .and_then(|s| GatePolicy::from_setting(&s))
            .unwrap_or_else(|| action.default_policy())
    }

    /// Records a grant in the unlocked session of generation `gen` (nowhere otherwise: a
    /// locked session keeps no grants, and a newer session must not inherit one).
    fn record_grant(&self, gen: u64, action: GatedAction, method: AuthMethod) {
        let mono = self.clock.monotonic_secs();
        self.with_cell(|c| {
            if let (true, super::session::Session::Unlocked(u)) = (c.generation == gen, &mut c.session) {
                u.grants.insert(action, (method, mono));
            }
        });
    }

    fn take_grant(&self, action: GatedAction) {
        let _ = self.with_unlocked(|u| Ok(u.grants.remove(&action)));
    }

    /// Verifies `proof` for the session's account and records it for `action`.
    fn prove(&self, action: GatedAction, proof: AuthProof<'_>) -> Result<AuthMethod> {
        let (account, gen) = self.session_account()?;
        let row = self.row(&account.id)?;
        let mut out = Vec::new();
        let r = match proof {
            AuthProof::Password(pw) => self.check_password(Some(&row), pw, &mut out).map(|_| AuthMethod::Password),
            AuthProof::Biometric => self
                .biometric_proof(&row, &format!("Confirm: {}", action.as_str().replace('_', " ")), &mut out)
                .map(|_| AuthMethod::Biometric),
            AuthProof::None => {
                Err(Error::AuthorizationRequired { action: action.to_string(), accepted: "a password or biometric proof".into() })
            }
        };
        self.emit(out);
        let m = r?;
        self.record_grant(gen, action, m);
        Ok(m)
    }

    /// Passes when `action`'s gate is satisfied by a fresh authorization or by `proof`.
    /// With no proof, a biometric-capable gate prompts for biometrics itself.
    pub(crate) fn check_gate(&self, action: GatedAction, proof: AuthProof<'_>) -> Result<()> {
        let policy = self.policy(action);
        if policy.gate == Gate::None {
            return Ok(());
        }
        let now = self.clock.monotonic_secs();
        let granted = self.with_unlocked(|u| {
            if let Some((m, t)) = u.grants.get(&action).copied() {
                if policy.gate.accepts(m) {
                    match policy.fresh_within_secs {
                        Some(w) if now.saturating_sub(t) <= u64::from(w) => return Ok(true),
                        None => {
                            u.grants.remove(&action);
                            return Ok(true);
                        }
                        Some(_) => {}
                    }
                }
            }
            Ok(false)
        });
        if granted.unwrap_or(false) {
            return Ok(());
        }
        let required = || Error::AuthorizationRequired { action: action.to_string(), accepted: accepted(policy.gate).into() };
        let proof = match proof {
            AuthProof::None if policy.gate.accepts(AuthMethod::Biometric) && self.biometric_enabled()? => AuthProof::Biometric,
            AuthProof::None => return Err(required()),
            AuthProof::Password(_) if !policy.gate.accepts(AuthMethod::Password) => return Err(required()),
            AuthProof::Biometric if !policy.gate.accepts(AuthMethod::Biometric) => return Err(required()),
            p => p,
        };
        self.prove(action, proof)?;
        if policy.fresh_within_secs.is_none() {
            self.take_grant(action);
        }
        Ok(())
    }

    fn biometric_enabled(&self) -> Result<bool> {
        let (account, _) = self.session_account()?;
        Ok(self.row(&account.id)?.biometric_wrap.is_some())
    }
}

impl WalletCore {
    /// Authorizes `action` ahead of a call that takes no proof (e.g. signing).
    pub fn authorize(&self, action: GatedAction, proof: AuthProof<'_>) -> Result<()> {
        scrubbed(|| {
            let policy = self.inner.policy(action);
            if policy.gate == Gate::None {
                return Ok(());
            }
            match proof {
                AuthProof::Password(_) if !policy.gate.accepts(AuthMethod::Password) => {
                    Err(Error::AuthorizationRequired { action: action.to_string(), accepted: accepted(policy.gate).into() })
                }
                AuthProof::Biometric if !policy.gate.accepts(AuthMethod::Biometric) => {
                    Err(Error::AuthorizationRequired { action: action.to_string(), accepted: accepted(policy.gate).into() })
                }
                p => self.inner.prove(action, p).map(|_| ()),
            }
        })
    }

    /// The policy in force for `action`.
    pub fn gate_policy(&self, action: GatedAction) -> GatePolicy {
        self.inner.policy(action)
    }

    /// Changes `action`'s policy; needs `action`'s current gate and the `ChangeSettings` gate.
    pub fn set_gate_policy(&self, action: GatedAction, policy: GatePolicy, proof: AuthProof<'_>) -> Result<()> {
        scrubbed(|| {
            if policy.fresh_within_secs.is_some_and(|w| w > 86_400) {
                return Err(Error::InvalidArgument { reason: "a freshness window is at most 24 h".into() });
            }
            self.inner.check_gate(action, proof)?;
            if action != GatedAction::ChangeSettings {
                self.inner.check_gate(GatedAction::ChangeSettings, proof)?;
            }
            lk(&self.inner.store).set_setting(&format!("gate.{}", action.as_str()), &policy.to_setting())?;
            self.inner.take_grant(action);
            Ok(())
        })
    }
}
