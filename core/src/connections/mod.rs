//! Dapp connections, the signing requests that arrive through them, and the clipboard
//! (issue 21, ADR 0016).
//!
//! A **connection** is what the shell opened for the account: a WalletConnect session (its
//! topic) or an in-app browser permission (its origin). The core records it per account
//! (`store::connections`, names/origins/grants sealed under the account's device key), and a
//! logout — or `revoke_connection` — deletes it and journals a **revocation** in the same
//! transaction. The revocation is carried out through the shell's [`crate::auth::hooks::ConnectionHook`]
//! after the commit, with no core lock held; one that fails (or that a dying process never
//! reached) stays journaled and is retried on the next open.
//!
//! A **signing request** arrives through a connection and waits in the unlocked session
//! ([`RequestQueue`]): it is refused at once when it names an account or a chain the connection
//! was not granted, approved through the ordinary signing calls (gates included), or rejected —
//! by the user, or by the core when the session is locked or ended, with a typed
//! [`RejectReason`] the shell sends back to the dapp.

pub mod clipboard;
mod requests;

pub use requests::{
    ApprovedRequest, NewSigningRequest, RejectReason, RejectedRequest, RequestPayload, RequestQueue, RequestResult, SigningRequest,
    MAX_MESSAGE_BYTES, MAX_PENDING_REQUESTS,
};

use crate::{Error, Result};

/// Upper bounds on what a shell may record for one connection.
pub const MAX_ID_CHARS: usize = 256;
pub const MAX_ORIGIN_CHARS: usize = 2048;
pub const MAX_NAME_CHARS: usize = 256;
pub const MAX_GRANTS: usize = 64;
/// Connections kept per account.
pub const MAX_CONNECTIONS: u32 = 256;

/// A connection the shell opens (WalletConnect session approved, site permission given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConnection {
    /// The shell's id for it: a WalletConnect topic, or the origin for an in-app browser.
    pub id: String,
    /// The dapp's origin, e.g. `https://app.uniswap.org`.
    pub origin: String,
    /// The dapp's display name.
    pub name: String,
    /// Addresses of the session's account the dapp may ask to sign with (EIP-55 or lower case).
    pub accounts: Vec<String>,
    /// Chains the dapp may ask for (EIP-155 ids).
    pub chains: Vec<u64>,
    /// Methods or capabilities granted (e.g. `personal_sign`, `eth_sendTransaction`).
    pub permissions: Vec<String>,
}

/// A recorded connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DappConnection {
    pub id: String,
    pub account_id: String,
    pub origin: String,
    pub name: String,
    /// EIP-55 addresses granted.
    pub accounts: Vec<String>,
    pub chains: Vec<u64>,
    pub permissions: Vec<String>,
    pub created_at_unix: i64,
    pub last_used_at_unix: i64,
}

/// Where a revocation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationStatus {
    /// The shell's hook accepted the disconnection (it may still be on its way to the dapp).
    Requested,
    /// Not done yet (the hook failed, or none is set): journaled, retried on the next open and
    /// by `retry_revocations`.
    Pending,
}

/// One connection being revoked, as a logout report or `revoke_connection` tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DappRevocation {
    pub connection_id: String,
    pub origin: String,
    pub name: String,
    pub status: RevocationStatus,
}

/// What the shell is told to revoke (the hook's argument).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub connection_id: String,
    pub account_id: String,
    pub origin: String,
    pub name: String,
    /// Why: `logout`, `remove_wallet`, `lock`, `user`.
    pub reason: String,
}

/// The grants of a connection as stored (sealed JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Grants {
    /// (address index, EIP-55 address).
    pub accounts: Vec<(u32, String)>,
    pub chains: Vec<u64>,
    pub permissions: Vec<String>,
}

impl Grants {
    /// The index of `address` if the connection was granted it (case-insensitive).
    pub fn index_of(&self, address: &str) -> Option<u32> {
        self.accounts.iter().find(|(_, a)| a.eq_ignore_ascii_case(address.trim())).map(|(i, _)| *i)
    }
}

fn bad(reason: impl Into<String>) -> Error {
    Error::InvalidArgument { reason: reason.into() }
}

fn printable(field: &str, s: &str, max: usize) -> Result<()> {
    if s.trim().is_empty() {
        return Err(bad(format!("the connection's {field} is empty")));
    }
    if s.chars().count() > max {
        return Err(bad(format!("the connection's {field} is longer than {max} characters")));
    }
    if s.chars().any(char::is_control) {
        return Err(bad(format!("the connection's {field} contains control characters")));
    }
    Ok(())
}

impl NewConnection {
    /// Checks sizes and shapes (addresses are checked against the account by the engine).
    pub fn validate(&self) -> Result<()> {
        printable("id", &self.id, MAX_ID_CHARS)?;
        printable("origin", &self.origin, MAX_ORIGIN_CHARS)?;
        printable("name", &self.name, MAX_NAME_CHARS)?;
        if self.accounts.is_empty() {
            return Err(bad("a connection is granted at least one account"));
        }
        if self.chains.is_empty() {
            return Err(bad("a connection is granted at least one chain"));
        }
        if self.accounts.len() > MAX_GRANTS || self.chains.len() > MAX_GRANTS || self.permissions.len() > MAX_GRANTS {
            return Err(bad(format!("at most {MAX_GRANTS} accounts, chains and permissions per connection")));
        }
        if self.chains.contains(&0) {
            return Err(bad("chain id 0 is not a chain"));
        }
        for p in &self.permissions {
            printable("permission", p, MAX_NAME_CHARS)?;
        }
        Ok(())
    }
}
