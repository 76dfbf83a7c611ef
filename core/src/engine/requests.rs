//! Signing requests from dapp connections: submit, list, approve, reject (issue 21).
//!
//! A request is checked before it is queued — the connection exists for the session's account,
//! the address and the chain were granted to it, the payload parses (a transaction for another
//! chain, or typed data whose domain names another chain, is refused) — and waits in the
//! unlocked session. Approving goes through the ordinary signing calls (`sign_message`,
//! `sign_typed_data`, `sign_transaction`): the same gates, nothing around them. A gate that
//! refuses leaves the request pending; a session that changed while signing discards the
//! signature. A lock, a logout or an account switch rejects every pending request.

use std::sync::atomic::Ordering;

use crate::connections::{
    ApprovedRequest, NewSigningRequest, RejectReason, RejectedRequest, RequestPayload, RequestResult, SigningRequest, MAX_MESSAGE_BYTES,
};
use crate::engine::session::Session;
use crate::engine::{lk, WalletCore};
use crate::store::connections as rows;
use crate::wallet::tx::Transaction;
use crate::{Error, Result};

/// The `chainId` of typed data's domain, if it names one (number, decimal or 0x-hex string).
fn typed_data_chain(json: &str) -> Result<Option<u64>> {
    let bad = |r: &str| Error::InvalidTypedData { reason: r.to_string() };
    let v: serde_json::Value = serde_json::from_str(json).map_err(|_| bad("not JSON"))?;
    let Some(c) = v.get("domain").and_then(|d| d.get("chainId")) else { return Ok(None) };
    let parsed = match c {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            Some(h) => u64::from_str_radix(h, 16).ok(),
            None => s.parse().ok(),
        },
        _ => None,
    };
    parsed.map(Some).ok_or_else(|| bad("the domain's chainId is not a chain id"))
}

/// Checks a payload against the request's chain and address (no key, no gate).
fn check_payload(r: &NewSigningRequest) -> Result<()> {
    match &r.payload {
        RequestPayload::PersonalSign { message } if message.len() > MAX_MESSAGE_BYTES => {
            Err(Error::InvalidArgument { reason: format!("a message to sign is at most {MAX_MESSAGE_BYTES} bytes") })
        }
        RequestPayload::PersonalSign { .. } => Ok(()),
        RequestPayload::TypedData { json } => {
            crate::wallet::eip712::digest(json)?;
            match typed_data_chain(json)? {
                Some(found) if found != r.chain_id => Err(Error::ChainIdMismatch { expected: r.chain_id, found }),
                _ => Ok(()),
            }
        }
        RequestPayload::Transaction { json } => {
            let tx = Transaction::from_json(json, r.chain_id)?;
            match tx.sender() {
                Some(from) if !from.to_checksum().eq_ignore_ascii_case(r.account.trim()) => {
                    Err(Error::SignerMismatch { expected: r.account.clone(), found: from.to_checksum() })
                }
                _ => Ok(()),
            }
        }
    }
}

impl WalletCore {
    /// Queues a signing request that arrived through connection `r.connection_id`. Refused —
    /// nothing queued — when the connection is unknown for the session's account
    /// (`ConnectionNotFound`), the address or chain was not granted to it (`AccountNotGranted`,
    /// `ChainNotGranted`), the payload is invalid or names another chain, or the wallet is not
    /// unlocked (`Locked`: ask the user to unlock, then submit).
    pub fn submit_request(&self, r: NewSigningRequest) -> Result<SigningRequest> {
        check_payload(&r)?;
        let i = &self.inner;
        let now = i.now();
        let queued = i.with_cell(|cell| {
            let u = match &mut cell.session {
                Session::Unlocked(u) => u,
                Session::Locked { .. } => return Err(Error::Locked),
                _ => return Err(Error::NotLoggedIn),
            };
            let store = lk(&i.store);
            let c = rows::get(store.conn(), &u.account.id, &r.connection_id)?.ok_or(Error::ConnectionNotFound)?;
            if !c.grants.chains.contains(&r.chain_id) {
                return Err(Error::ChainNotGranted { chain_id: r.chain_id });
            }
            let index = c.grants.index_of(&r.account).ok_or_else(|| Error::AccountNotGranted { account: r.account.clone() })?;
            let account = c.grants.accounts.iter().find(|(i, _)| *i == index).map(|(_, a)| a.clone()).unwrap_or_default();
            let req = SigningRequest {
                id: i.next_request.fetch_add(1, Ordering::SeqCst),
                connection_id: c.connection.id.clone(),
                dapp_name: c.connection.name.clone(),
                dapp_origin: c.connection.origin.clone(),
                account,
                address_index: index,
                chain_id: r.chain_id,
                payload: r.payload.clone(),
                received_at_unix: now,
            };
            u.requests.push(req.clone())?;
            // Best effort: a failed timestamp update does not refuse the request.
            let _ = rows::touch(store.conn(), &u.account.id, &r.connection_id, now);
            Ok(req)
        })?;
        Ok(queued)
    }

    /// The requests waiting in the unlocked session, oldest first (none otherwise: a lock
    /// rejected them).
    pub fn pending_requests(&self) -> Vec<SigningRequest> {
        self.inner.with_cell(|c| match &c.session {
            Session::Unlocked(u) => u.requests.list(),
            _ => Vec::new(),
        })
    }

    /// Approves request `id`: signs it through the ordinary signing call for its kind, behind
    /// that call's gate. On a gate refusal the request stays pending (authorize, then approve
    /// again); once signed it is answered and leaves the queue.
    pub fn approve_request(&self, id: u64) -> Result<ApprovedRequest> {
        let i = &self.inner;
        let (req, gen) = i.with_cell(|c| match &c.session {
            Session::Unlocked(u) => Ok((u.requests.get(id)?, c.generation)),
            _ => Err(Error::RequestNotFound),
        })?;
        // The connection must still be there with the same grants (a revocation rejects its
        // requests, but the row is checked again: nothing signs for a revoked connection).
        let (account, _) = i.session_account()?;
        let c = rows::get(lk(&i.store).conn(), &account.id, &req.connection_id)?.ok_or(Error::ConnectionNotFound)?;
        if !c.grants.chains.contains(&req.chain_id) {
            return Err(Error::ChainNotGranted { chain_id: req.chain_id });
        }
        if c.grants.index_of(&req.account) != Some(req.address_index) {
            return Err(Error::AccountNotGranted { account: req.account.clone() });
        }
        let result = match &req.payload {
            RequestPayload::PersonalSign { message } => RequestResult::Signature(self.sign_message(req.address_index, message)?),
            RequestPayload::TypedData { json } => RequestResult::Signature(self.sign_typed_data(req.address_index, json)?),
            RequestPayload::Transaction { json } => {
                RequestResult::Transaction(Box::new(self.sign_transaction(req.address_index, json, req.chain_id)?))
            }
        };
        // Answered only from the session it arrived in: after a lock (which already told the
        // dapp "rejected") the signature is discarded.
        i.with_cell(|c| match &mut c.session {
            Session::Unlocked(u) if c.generation == gen => u.requests.remove(id).map(|_| ()).ok_or(Error::RequestNotFound),
            _ => Err(Error::SessionChanged),
        })?;
        Ok(ApprovedRequest { request_id: req.id, connection_id: req.connection_id, result })
    }

    /// The user declined request `id`: it leaves the queue; send the returned rejection to the
    /// dapp (the connection hook is not called for it).
    pub fn reject_request(&self, id: u64) -> Result<RejectedRequest> {
        self.inner.with_cell(|c| match &mut c.session {
            Session::Unlocked(u) => {
                u.requests.remove(id).map(|r| RejectedRequest::new(&r, RejectReason::UserRejected)).ok_or(Error::RequestNotFound)
            }
            _ => Err(Error::RequestNotFound),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::typed_data_chain;

    #[test]
    fn typed_data_chain_forms() {
        assert_eq!(typed_data_chain(r#"{"domain":{"chainId":5}}"#).unwrap(), Some(5));
        assert_eq!(typed_data_chain(r#"{"domain":{"chainId":"0x89"}}"#).unwrap(), Some(137));
        assert_eq!(typed_data_chain(r#"{"domain":{"chainId":"10"}}"#).unwrap(), Some(10));
        assert_eq!(typed_data_chain(r#"{"domain":{}}"#).unwrap(), None);
        assert!(typed_data_chain(r#"{"domain":{"chainId":-1}}"#).is_err());
    }
}
