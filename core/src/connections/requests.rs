//! Signing requests that arrive through a dapp connection.
//!
//! They wait in the unlocked session ([`RequestQueue`], inside `engine::session::Unlocked`) and
//! die with it: a lock, a logout or an account switch rejects every one of them with a typed
//! [`RejectReason`] that the shell's connection hook sends back to the dapp. A request can never
//! outlive the session it arrived in, so approving it always needs that session unlocked.

use crate::wallet::tx::SignedTransaction;
use crate::wallet::Signature;
use crate::{Error, Result};

/// Requests waiting per session.
pub const MAX_PENDING_REQUESTS: usize = 64;
/// Largest `personal_sign` message accepted.
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// What a dapp asks to have signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestPayload {
    /// EIP-191 `personal_sign`.
    PersonalSign { message: Vec<u8> },
    /// EIP-712 `eth_signTypedData_v4` (its domain's `chainId`, when present, must be the
    /// request's chain).
    TypedData { json: String },
    /// `eth_signTransaction` / `eth_sendTransaction` (signed here; the shell broadcasts).
    Transaction { json: String },
}

impl RequestPayload {
    pub fn method(&self) -> &'static str {
        match self {
            RequestPayload::PersonalSign { .. } => "personal_sign",
            RequestPayload::TypedData { .. } => "eth_signTypedData_v4",
            RequestPayload::Transaction { .. } => "eth_sendTransaction",
        }
    }
}

/// A request as the shell submits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSigningRequest {
    pub connection_id: String,
    /// The address the dapp wants to sign with.
    pub account: String,
    /// The chain the dapp is on (EIP-155 id).
    pub chain_id: u64,
    pub payload: RequestPayload,
}

/// A request waiting for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningRequest {
    /// The core's id (unique for the life of the open core).
    pub id: u64,
    pub connection_id: String,
    /// The dapp's name and origin, to show.
    pub dapp_name: String,
    pub dapp_origin: String,
    /// EIP-55 address to sign with, and its index.
    pub account: String,
    pub address_index: u32,
    pub chain_id: u64,
    pub payload: RequestPayload,
    pub received_at_unix: i64,
}

/// Why a request was rejected: the shell answers the dapp with [`RejectReason::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectReason {
    /// The user declined.
    UserRejected,
    /// The wallet was locked before the user answered.
    Locked,
    /// The account logged out (or its wallet was removed).
    LoggedOut,
    /// Another account logged in, or the app data was erased.
    SessionEnded,
    /// The connection it came through was revoked.
    ConnectionRevoked,
}

impl RejectReason {
    /// The EIP-1193 provider error code to answer with (4001 user rejected, 4100 unauthorized,
    /// 4900 disconnected).
    pub fn code(self) -> i32 {
        match self {
            RejectReason::UserRejected => 4001,
            RejectReason::Locked => 4100,
            RejectReason::LoggedOut | RejectReason::SessionEnded | RejectReason::ConnectionRevoked => 4900,
        }
    }

    /// A message for the dapp (no account detail).
    pub fn message(self) -> &'static str {
        match self {
            RejectReason::UserRejected => "User rejected the request.",
            RejectReason::Locked => "The wallet was locked before the request was approved.",
            RejectReason::LoggedOut => "The wallet logged out.",
            RejectReason::SessionEnded => "The wallet session ended.",
            RejectReason::ConnectionRevoked => "The wallet disconnected this dapp.",
        }
    }
}

/// A rejected request, as the shell's hook (or `reject_request`) gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRequest {
    pub request_id: u64,
    pub connection_id: String,
    pub reason: RejectReason,
    /// [`RejectReason::code`] and [`RejectReason::message`], ready to send.
    pub code: i32,
    pub message: String,
}

impl RejectedRequest {
    pub fn new(r: &SigningRequest, reason: RejectReason) -> RejectedRequest {
        RejectedRequest {
            request_id: r.id,
            connection_id: r.connection_id.clone(),
            reason,
            code: reason.code(),
            message: reason.message().to_string(),
        }
    }
}

/// What approving a request produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestResult {
    Signature(Signature),
    Transaction(Box<SignedTransaction>),
}

/// An approved request, to send back to the dapp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedRequest {
    pub request_id: u64,
    pub connection_id: String,
    pub result: RequestResult,
}

/// The requests of one unlocked session, oldest first.
#[derive(Debug, Default)]
pub struct RequestQueue {
    pending: Vec<SigningRequest>,
}

impl RequestQueue {
    pub fn push(&mut self, r: SigningRequest) -> Result<()> {
        if self.pending.len() >= MAX_PENDING_REQUESTS {
            return Err(Error::InvalidArgument {
                reason: format!("{MAX_PENDING_REQUESTS} signing requests are already waiting: answer some first"),
            });
        }
        self.pending.push(r);
        Ok(())
    }

    pub fn list(&self) -> Vec<SigningRequest> {
        self.pending.clone()
    }

    pub fn get(&self, id: u64) -> Result<SigningRequest> {
        self.pending.iter().find(|r| r.id == id).cloned().ok_or(Error::RequestNotFound)
    }

    pub fn remove(&mut self, id: u64) -> Option<SigningRequest> {
        let at = self.pending.iter().position(|r| r.id == id)?;
        Some(self.pending.remove(at))
    }

    pub fn len(&self) -> usize {
        self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Removes every request (of `connection_id` only, when given) and returns their rejections.
    pub fn reject_all(&mut self, connection_id: Option<&str>, reason: RejectReason) -> Vec<RejectedRequest> {
        let (gone, keep): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.pending).into_iter().partition(|r| connection_id.is_none_or(|c| r.connection_id == c));
        self.pending = keep;
        gone.iter().map(|r| RejectedRequest::new(r, reason)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(id: u64, conn: &str) -> SigningRequest {
        SigningRequest {
            id,
            connection_id: conn.into(),
            dapp_name: "D".into(),
            dapp_origin: "https://d".into(),
            account: "0x0".into(),
            address_index: 0,
            chain_id: 1,
            payload: RequestPayload::PersonalSign { message: b"hi".to_vec() },
            received_at_unix: 0,
        }
    }

    #[test]
    fn rejects_by_connection_and_is_bounded() {
        let mut q = RequestQueue::default();
        q.push(req(1, "a")).unwrap();
        q.push(req(2, "b")).unwrap();
        q.push(req(3, "a")).unwrap();
        let r = q.reject_all(Some("a"), RejectReason::ConnectionRevoked);
        assert_eq!(r.iter().map(|r| r.request_id).collect::<Vec<_>>(), vec![1, 3]);
        assert!(r.iter().all(|r| r.code == 4900));
        assert_eq!(q.len(), 1);
        assert!(matches!(q.get(1), Err(Error::RequestNotFound)));
        for i in 10..(10 + MAX_PENDING_REQUESTS as u64 - 1) {
            q.push(req(i, "c")).unwrap();
        }
        assert!(q.push(req(999, "c")).is_err());
        assert_eq!(q.reject_all(None, RejectReason::Locked).len(), MAX_PENDING_REQUESTS);
        assert!(q.is_empty());
    }
}
