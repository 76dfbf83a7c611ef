//! Addresses and signing for the session's account.
//!
//! Cached addresses are readable while `Locked`; deriving new ones and every signature need
//! `Unlocked` (typed `Locked` error otherwise), the environment policy's `Sign` rule and the signing gates (default: none;
//! a biometric gate prompts by itself, a password gate needs `authorize` first; a raw digest
//! the strictest of the signing gates). Each call counts as user activity. Typed data and
//! transactions are validated (and hashed) before any gate or key is touched.

use crate::auth::gates::{AuthProof, GatedAction};
use crate::engine::{lk, WalletCore};
use crate::safety::SensitiveAction;
use crate::store::accounts as rows;
use crate::vault::scrubbed;
use crate::wallet::tx::{SignedTransaction, Transaction};
use crate::wallet::{eip712, sign, Signature};
use crate::{Error, Result};

/// Which gate a signature passes.
enum SigningGate {
    Action(GatedAction),
    /// The strictest of the signing policies (raw digests).
    Strictest,
}

/// Upper bound on addresses per call.
pub const MAX_ADDRESSES: u32 = 1000;

impl WalletCore {
    /// EIP-55 addresses `0..count` of the session's account.
    pub fn addresses(&self, count: u32) -> Result<Vec<String>> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.addresses_unscrubbed(count))
    }

    fn addresses_unscrubbed(&self, count: u32) -> Result<Vec<String>> {
        if count == 0 || count > MAX_ADDRESSES {
            return Err(Error::InvalidArgument { reason: format!("count must be 1..={MAX_ADDRESSES}") });
        }
        let (account, _) = self.inner.session_account()?;
        let cached = rows::cached_addresses(lk(&self.inner.store).conn(), &account.id)?;
        if cached.len() as u32 >= count {
            return Ok(cached.into_iter().take(count as usize).collect());
        }
        let mut out = cached;
        self.inner.with_unlocked(|u| {
            if u.keys.account_id != account.id {
                return Err(Error::Locked);
            }
            for i in out.len() as u32..count {
                out.push(u.keys.secret.key(i)?.address().to_checksum());
            }
            Ok(())
        })?;
        lk(&self.inner.store).write(|tx| {
            for (i, a) in out.iter().enumerate() {
                rows::cache_address(tx, &account.id, i as u32, a)?;
            }
            Ok(())
        })?;
        self.inner.touch();
        Ok(out)
    }

    fn with_key<T>(&self, index: u32, gate: SigningGate, f: impl FnOnce(&crate::wallet::PrivateKey) -> Result<T>) -> Result<T> {
        let account = self.inner.require_unlocked()?;
        // Every signature — message, typed data, digest, transaction — passes the one `Sign` rule.
        let warnings = self.inner.guard(SensitiveAction::Sign, Some(&account))?;
        match gate {
            SigningGate::Action(a) => self.inner.check_gate(a, AuthProof::None)?,
            SigningGate::Strictest => self.inner.check_strictest_signing_gate()?,
        }
        self.inner.log_warnings_now(SensitiveAction::Sign, &account, &warnings)?;
        let key = self.inner.with_unlocked(|u| if u.account.id == account.id { u.keys.secret.key(index) } else { Err(Error::Locked) })?;
        self.inner.touch();
        f(&key)
    }

    /// EIP-191 `personal_sign` with address `index`.
    pub fn sign_message(&self, index: u32, message: &[u8]) -> Result<Signature> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.sign_message_unscrubbed(index, message))
    }

    fn sign_message_unscrubbed(&self, index: u32, message: &[u8]) -> Result<Signature> {
        self.with_key(index, SigningGate::Action(GatedAction::SignMessage), |k| sign::personal_sign(k, message))
    }

    /// EIP-712 `eth_signTypedData_v4` with address `index`.
    pub fn sign_typed_data(&self, index: u32, json: &str) -> Result<Signature> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.sign_typed_data_unscrubbed(index, json))
    }

    fn sign_typed_data_unscrubbed(&self, index: u32, json: &str) -> Result<Signature> {
        // Validated, bounded and hashed first: no key is derived and no gate prompt is shown for
        // a payload that is refused or costly.
        let digest = eip712::digest(json)?;
        self.with_key(index, SigningGate::Action(GatedAction::SignTypedData), |k| eip712::sign_typed_digest(k, &digest))
    }

    /// Signs a raw 32-byte digest with address `index`. A digest can be the hash of a message,
    /// of typed data or of a transaction, so it needs the strictest of the three signing
    /// policies in force now ([`crate::auth::gates::GatePolicy::strictest`]); only an
    /// `authorize(SignTransaction, …)` that policy accepts pays for it (ADR 0013, review fix).
    pub fn sign_digest(&self, index: u32, digest: &[u8]) -> Result<Signature> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.sign_digest_unscrubbed(index, digest))
    }

    fn sign_digest_unscrubbed(&self, index: u32, digest: &[u8]) -> Result<Signature> {
        let d: [u8; 32] = digest.try_into().map_err(|_| Error::InvalidArgument { reason: "a digest is exactly 32 bytes".into() })?;
        self.with_key(index, SigningGate::Strictest, |k| sign::sign_digest(k, &d))
    }

    /// Signs the transaction request `json` (legacy/EIP-155, EIP-2930 or EIP-1559; shape in
    /// `docs/api.md`) with address `index`, behind the `SignTransaction` gate. `chain_id` is the
    /// chain the app is on: a request for another chain fails with [`Error::ChainIdMismatch`],
    /// one without `chainId` is signed for it. A `from` that is not address `index` fails with
    /// [`Error::SignerMismatch`]. Returns the raw transaction, its hash and the summary of
    /// exactly what was signed (the one [`crate::wallet::tx::summarize`] shows beforehand).
    pub fn sign_transaction(&self, index: u32, json: &str, chain_id: u64) -> Result<SignedTransaction> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.sign_transaction_unscrubbed(index, json, chain_id))
    }

    fn sign_transaction_unscrubbed(&self, index: u32, json: &str, chain_id: u64) -> Result<SignedTransaction> {
        // Validated, bounded and checked against the declared chain first: no key is derived and
        // no gate prompt is shown for a request that is refused.
        let tx = Transaction::from_json(json, chain_id)?;
        self.with_key(index, SigningGate::Action(GatedAction::SignTransaction), |k| {
            let signer = k.address();
            match tx.sender() {
                Some(from) if *from != signer => Err(Error::SignerMismatch { expected: signer.to_checksum(), found: from.to_checksum() }),
                _ => tx.sign(k),
            }
        })
    }
}
