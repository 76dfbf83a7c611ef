//! Dapp connections, pending signing requests and the clipboard (issue 21, ADR 0016): the
//! core's records as they are (`uniffi::remote`), the shell's two hooks as foreign traits, and
//! the `WalletCore` methods. Revocations and rejections the core decides reach the shell
//! through `ConnectionHook`; the outcome of each revocation also arrives as a listener event
//! (`dapp_disconnected` / `dapp_disconnect_failed`).

use std::sync::Arc;

use imwallet_core as core;
use imwallet_core::auth::hooks::HookError;

pub use imwallet_core::connections::clipboard::{ClipKind, ClipboardClearReason};
pub use imwallet_core::connections::{
    DappConnection, DappRevocation, NewConnection, NewSigningRequest, RejectReason, RejectedRequest, RequestPayload, Revocation,
    RevocationStatus, SigningRequest,
};

use crate::error::{Result, WalletError};
use crate::transactions::SignedTransaction;
use crate::wallet::WalletCore;

/// A connection the shell opens (WalletConnect session approved, site permission given).
#[uniffi::remote(Record)]
pub struct NewConnection {
    /// The shell's id: a WalletConnect topic, or the origin for an in-app browser.
    pub id: String,
    pub origin: String,
    pub name: String,
    /// Addresses of the session's account the dapp may use (among its first 32).
    pub accounts: Vec<String>,
    /// EIP-155 chain ids granted.
    pub chains: Vec<u64>,
    pub permissions: Vec<String>,
}

/// A recorded connection (names and origins are sealed at rest).
#[uniffi::remote(Record)]
pub struct DappConnection {
    pub id: String,
    pub account_id: String,
    pub origin: String,
    pub name: String,
    pub accounts: Vec<String>,
    pub chains: Vec<u64>,
    pub permissions: Vec<String>,
    pub created_at_unix: i64,
    pub last_used_at_unix: i64,
}

/// Where a revocation stands.
#[uniffi::remote(Enum)]
pub enum RevocationStatus {
    /// The hook accepted the disconnection.
    Requested,
    /// Not done yet: journaled, retried on the next open and by `retry_revocations`.
    Pending,
}

/// One connection being revoked.
#[uniffi::remote(Record)]
pub struct DappRevocation {
    pub connection_id: String,
    pub origin: String,
    pub name: String,
    pub status: RevocationStatus,
}

/// What the shell is asked to disconnect.
#[uniffi::remote(Record)]
pub struct Revocation {
    pub connection_id: String,
    pub account_id: String,
    pub origin: String,
    pub name: String,
    /// `logout`, `remove_wallet`, `lock`, `user` or `erase`.
    pub reason: String,
}

/// What a dapp asks to have signed.
#[uniffi::remote(Enum)]
pub enum RequestPayload {
    PersonalSign { message: Vec<u8> },
    TypedData { json: String },
    Transaction { json: String },
}

/// A signing request as the shell submits it.
#[uniffi::remote(Record)]
pub struct NewSigningRequest {
    pub connection_id: String,
    pub account: String,
    pub chain_id: u64,
    pub payload: RequestPayload,
}

/// A request waiting for the user.
#[uniffi::remote(Record)]
pub struct SigningRequest {
    pub id: u64,
    pub connection_id: String,
    pub dapp_name: String,
    pub dapp_origin: String,
    pub account: String,
    pub address_index: u32,
    pub chain_id: u64,
    pub payload: RequestPayload,
    pub received_at_unix: i64,
}

/// Why a request was rejected.
#[uniffi::remote(Enum)]
pub enum RejectReason {
    UserRejected,
    Locked,
    LoggedOut,
    SessionEnded,
    ConnectionRevoked,
}

/// A rejected request: answer the dapp with `code` (EIP-1193) and `message`.
#[uniffi::remote(Record)]
pub struct RejectedRequest {
    pub request_id: u64,
    pub connection_id: String,
    pub reason: RejectReason,
    pub code: i32,
    pub message: String,
}

/// What the shell copied.
#[uniffi::remote(Enum)]
pub enum ClipKind {
    Address,
    Signature,
    Phrase,
    PrivateKey,
}

/// Why the core asks the shell to clear the clipboard.
#[uniffi::remote(Enum)]
pub enum ClipboardClearReason {
    Timeout,
    Locked,
    LoggedOut,
}

/// An approved request, to send back to the dapp: a 65-byte signature (r‖s‖v) or a signed
/// transaction.
// Mirror: the core's result is an enum holding its `Signature` struct; here bytes or the record.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ApprovedRequest {
    pub request_id: u64,
    pub connection_id: String,
    pub signature: Option<Vec<u8>>,
    pub transaction: Option<SignedTransaction>,
}

impl From<core::connections::ApprovedRequest> for ApprovedRequest {
    fn from(a: core::connections::ApprovedRequest) -> Self {
        let (signature, transaction) = match a.result {
            core::connections::RequestResult::Signature(s) => (Some(s.to_bytes().to_vec()), None),
            core::connections::RequestResult::Transaction(t) => (None, Some(*t)),
        };
        ApprovedRequest { request_id: a.request_id, connection_id: a.connection_id, signature, transaction }
    }
}

/// The shell's dapp side (WalletConnect `disconnect`, clearing a site's data, answering a
/// dapp). Called from a background thread with no core lock held.
#[uniffi::export(with_foreign)]
pub trait ConnectionHook: Send + Sync {
    /// Disconnect; return once the disconnection is requested. An error leaves it journaled
    /// and retried on the next open.
    fn disconnect(&self, revocation: Revocation) -> std::result::Result<(), WalletError>;
    /// The core rejected a pending request (lock, logout, revoked connection).
    fn request_rejected(&self, rejection: RejectedRequest) -> std::result::Result<(), WalletError>;
}

/// The shell's clipboard: clear what the wallet copied (only if it is still there).
#[uniffi::export(with_foreign)]
pub trait ClipboardHook: Send + Sync {
    fn clear(&self, reason: ClipboardClearReason) -> std::result::Result<(), WalletError>;
}

fn hook_err(e: WalletError) -> HookError {
    HookError { message: e.to_string() }
}

pub(crate) struct ConnectionHookAdapter(pub Arc<dyn ConnectionHook>);

impl core::auth::hooks::ConnectionHook for ConnectionHookAdapter {
    fn disconnect(&self, revocation: Revocation) -> std::result::Result<(), HookError> {
        self.0.disconnect(revocation).map_err(hook_err)
    }
    fn request_rejected(&self, rejection: RejectedRequest) -> std::result::Result<(), HookError> {
        self.0.request_rejected(rejection).map_err(hook_err)
    }
}

pub(crate) struct ClipboardAdapter(pub Arc<dyn ClipboardHook>);

impl core::auth::hooks::ClipboardHook for ClipboardAdapter {
    fn clear(&self, reason: ClipboardClearReason) -> std::result::Result<(), HookError> {
        self.0.clear(reason).map_err(hook_err)
    }
}

#[uniffi::export]
impl WalletCore {
    /// Records a connection for the unlocked account (the same id again replaces it).
    pub fn add_connection(&self, connection: NewConnection) -> Result<DappConnection> {
        Ok(self.core().add_connection(connection)?)
    }

    pub fn touch_connection(&self, id: String) -> Result<()> {
        Ok(self.core().touch_connection(&id)?)
    }

    /// The session account's connections (readable while locked).
    pub fn connections(&self) -> Result<Vec<DappConnection>> {
        Ok(self.core().connections()?)
    }

    /// Revocations this device still owes.
    pub fn pending_revocations(&self) -> Result<Vec<Revocation>> {
        Ok(self.core().pending_revocations()?)
    }

    /// Whether every dapp is disconnected when the wallet locks (default: no).
    pub fn set_disconnect_on_lock(&self, on: bool) -> Result<()> {
        Ok(self.core().set_disconnect_on_lock(on)?)
    }

    pub fn disconnect_on_lock(&self) -> Result<bool> {
        Ok(self.core().disconnect_on_lock()?)
    }

    pub fn pending_requests(&self) -> Vec<SigningRequest> {
        self.core().pending_requests()
    }

    /// The user declined: send the returned rejection to the dapp.
    pub fn reject_request(&self, id: u64) -> Result<RejectedRequest> {
        Ok(self.core().reject_request(id)?)
    }

    /// The shell copied something: returns the seconds until the core asks to clear it.
    pub fn clipboard_copied(&self, kind: ClipKind) -> u64 {
        self.core().clipboard_copied(kind)
    }

    /// The app's clipboard timeout for `kind` (1..=600 s; phrase and private key at most 60 s).
    pub fn set_clipboard_timeout(&self, kind: ClipKind, seconds: u64) -> Result<()> {
        Ok(self.core().set_clipboard_timeout(kind, seconds)?)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl WalletCore {
    /// Revokes one connection; the hook is called (async: it may go to the network).
    pub async fn revoke_connection(&self, id: String) -> Result<DappRevocation> {
        self.blocking(move |c| c.revoke_connection(&id)).await
    }

    pub async fn revoke_all_connections(&self) -> Result<Vec<DappRevocation>> {
        self.blocking(|c| c.revoke_all_connections()).await
    }

    /// Asks the hook again for every revocation still owed.
    pub async fn retry_revocations(&self) -> Result<Vec<DappRevocation>> {
        self.blocking(|c| Ok(c.retry_revocations())).await
    }

    /// Queues a request that arrived through a connection (refused at once when it names an
    /// account or chain the connection was not granted). Async: typed data (up to 2 MiB) and
    /// transactions are parsed and hashed first.
    pub async fn submit_request(&self, request: NewSigningRequest) -> Result<SigningRequest> {
        self.blocking(move |c| c.submit_request(request)).await
    }

    /// Approves a pending request through the signing call for its kind (its gate may prompt).
    pub async fn approve_request(&self, id: u64) -> Result<ApprovedRequest> {
        self.blocking(move |c| c.approve_request(id)).await.map(Into::into)
    }
}
