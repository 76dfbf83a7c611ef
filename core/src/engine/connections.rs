//! Dapp connections of the session's account: add, touch, list, revoke one or all (issue 21,
//! ADR 0016), and carrying out journaled revocations through the shell's hook.
//!
//! A revocation is written in the transaction that deletes its connection; the hook runs after
//! the commit with no core lock held, and only an accepted call deletes the journal row (with
//! a `dapp_disconnected` event). A failing hook leaves the row (`dapp_disconnect_failed`) for
//! the next open or [`WalletCore::retry_revocations`].

use crate::auth::hooks::HookError;
use crate::connections::{
    DappConnection, DappRevocation, Grants, NewConnection, RejectReason, Revocation, RevocationStatus, MAX_CONNECTIONS,
};
use crate::engine::session::Session;
use crate::engine::{lk, Inner, Notice, WalletCore};
use crate::events::EventKind;
use crate::session::SessionAccount;
use crate::store::connections as rows;
use crate::store::crash::crash_point;
use crate::{Error, Result};

/// Addresses a connection may be granted: the first this many of the account.
pub const MAX_GRANTABLE_INDEX: u32 = 32;

impl WalletCore {
    /// Records a connection the shell opened for the unlocked account (the same id again
    /// replaces it). Every granted address must be one of the account's first
    /// [`MAX_GRANTABLE_INDEX`] addresses.
    pub fn add_connection(&self, c: NewConnection) -> Result<DappConnection> {
        c.validate()?;
        let i = &self.inner;
        let (account, gen) = i.unlocked_account()?;
        let owned = self.addresses(MAX_GRANTABLE_INDEX)?;
        let mut accounts = Vec::with_capacity(c.accounts.len());
        for a in &c.accounts {
            let idx = owned
                .iter()
                .position(|o| o.eq_ignore_ascii_case(a.trim()))
                .ok_or_else(|| Error::AccountNotGranted { account: a.clone() })?;
            if !accounts.iter().any(|(i, _)| *i == idx as u32) {
                accounts.push((idx as u32, owned[idx].clone()));
            }
        }
        let mut chains = c.chains.clone();
        chains.dedup();
        let grants = Grants { accounts, chains, permissions: c.permissions.clone() };
        let now = i.now();
        let mut out = Vec::new();
        let stored = i.with_cell(|cell| {
            if cell.generation != gen || !matches!(cell.session, Session::Unlocked(_)) {
                return Err(Error::SessionChanged);
            }
            lk(&i.store).write(|tx| {
                let existing = rows::get(tx, &account.id, &c.id)?;
                if existing.is_none() && rows::count(tx, &account.id)? >= MAX_CONNECTIONS {
                    return Err(Error::InvalidArgument { reason: format!("at most {MAX_CONNECTIONS} dapp connections per account") });
                }
                let created = existing.as_ref().map_or(now, |e| e.connection.created_at_unix);
                let conn = DappConnection {
                    id: c.id.clone(),
                    account_id: account.id.clone(),
                    origin: c.origin.clone(),
                    name: c.name.clone(),
                    accounts: grants.accounts.iter().map(|(_, a)| a.clone()).collect(),
                    chains: grants.chains.clone(),
                    permissions: grants.permissions.clone(),
                    created_at_unix: created,
                    last_used_at_unix: now,
                };
                rows::put(tx, &account.id, &conn, &grants)?;
                if existing.is_none() {
                    i.event(tx, EventKind::DappConnected, Some(&account), &format!("{} ({})", c.name, c.origin), &mut out)?;
                }
                Ok(conn)
            })
        });
        i.emit(out);
        i.touch();
        stored
    }

    /// Marks a connection of the session's account used now.
    pub fn touch_connection(&self, id: &str) -> Result<()> {
        let i = &self.inner;
        let (account, _) = i.session_account()?;
        let now = i.now();
        if !lk(&i.store).write(|tx| rows::touch(tx, &account.id, id, now))? {
            return Err(Error::ConnectionNotFound);
        }
        Ok(())
    }

    /// The session account's connections, oldest first (readable while locked).
    pub fn connections(&self) -> Result<Vec<DappConnection>> {
        let (account, _) = self.inner.session_account()?;
        Ok(rows::list(lk(&self.inner.store).conn(), &account.id)?.into_iter().map(|s| s.connection).collect())
    }

    /// Revokes one connection of the session's account (locked or unlocked): deleted and
    /// journaled in one transaction, its pending requests rejected, then the hook is asked.
    pub fn revoke_connection(&self, id: &str) -> Result<DappRevocation> {
        let mut done = self.revoke(Some(id))?;
        done.pop().ok_or(Error::ConnectionNotFound)
    }

    /// Revokes every connection of the session's account.
    pub fn revoke_all_connections(&self) -> Result<Vec<DappRevocation>> {
        self.revoke(None)
    }

    fn revoke(&self, id: Option<&str>) -> Result<Vec<DappRevocation>> {
        let i = &self.inner;
        let now = i.now();
        let (journaled, rejected) = i.with_cell(|cell| {
            let account = cell.session.account().cloned().ok_or(Error::NotLoggedIn)?;
            let journaled = lk(&i.store).write(|tx| rows::revoke(tx, &account.id, id, "user", now))?;
            if id.is_some() && journaled.is_empty() {
                return Err(Error::ConnectionNotFound);
            }
            let rejected = match &mut cell.session {
                Session::Unlocked(u) => journaled
                    .iter()
                    .flat_map(|(_, r)| u.requests.reject_all(Some(&r.connection_id), RejectReason::ConnectionRevoked))
                    .collect(),
                _ => Vec::new(),
            };
            Ok((journaled, rejected))
        })?;
        i.emit(rejected.into_iter().map(Notice::Rejected).collect());
        Ok(i.carry_out(journaled))
    }

    /// Revocations still owed by this device (every account), oldest first.
    pub fn pending_revocations(&self) -> Result<Vec<Revocation>> {
        Ok(rows::pending(lk(&self.inner.store).conn(), None)?.into_iter().map(|(_, r)| r).collect())
    }

    /// Asks the hook again for every revocation still owed (e.g. when the network is back).
    pub fn retry_revocations(&self) -> Vec<DappRevocation> {
        self.inner.run_revocations()
    }

    /// The app's choice: disconnect every dapp of the account when the wallet locks (manual,
    /// auto-lock, backgrounding). Off by default: a lock keeps connections and rejects only the
    /// pending requests. Stored on the device.
    pub fn set_disconnect_on_lock(&self, on: bool) -> Result<()> {
        lk(&self.inner.store).set_setting(rows::DISCONNECT_ON_LOCK, if on { "1" } else { "0" })
    }

    pub fn disconnect_on_lock(&self) -> Result<bool> {
        rows::disconnect_on_lock(lk(&self.inner.store).conn())
    }
}

impl Inner {
    /// Carries out journaled revocations with no core lock held: each one not already in flight
    /// on another thread is claimed, the hook is called for it, then every outcome is written
    /// in one transaction (accepted: the journal row goes; failed: it stays, counted) with its
    /// event. Never fails: whatever could not be done is reported `Pending` and stays owed.
    pub(crate) fn carry_out(&self, journaled: Vec<(String, Revocation)>) -> Vec<DappRevocation> {
        let claimed: Vec<(String, Revocation)> = {
            let mut flight = lk(&self.revoking);
            journaled.into_iter().filter(|(k, _)| flight.insert(k.clone())).collect()
        };
        let mut outcomes = Vec::with_capacity(claimed.len());
        for (n, (rkey, rev)) in claimed.into_iter().enumerate() {
            let result = match &self.connection_hook {
                Some(h) => h.disconnect(rev.clone()),
                None => Err(HookError { message: "no connection hook is set".into() }),
            };
            if n == 0 {
                crash_point("revoke.after_first_hook");
            }
            outcomes.push((rkey, rev, result));
        }
        let had_hook = self.connection_hook.is_some();
        let mut notices = Vec::new();
        let written = lk(&self.store).write(|tx| {
            for (rkey, rev, result) in &outcomes {
                let account = crate::store::accounts::by_id(tx, &rev.account_id)?.map(|a| SessionAccount { id: a.id, name: a.name });
                let what = format!("{} ({})", rev.name, rev.origin);
                match result {
                    Ok(()) => {
                        rows::revocation_done(tx, rkey)?;
                        self.event(tx, EventKind::DappDisconnected, account.as_ref(), &what, &mut notices)?;
                    }
                    Err(e) => {
                        rows::revocation_failed(tx, rkey)?;
                        if had_hook {
                            let detail = format!("{what}: {}", e.message);
                            self.event(tx, EventKind::DappDisconnectFailed, account.as_ref(), &detail, &mut notices)?;
                        }
                    }
                }
            }
            Ok(())
        });
        {
            let mut flight = lk(&self.revoking);
            for (rkey, _, _) in &outcomes {
                flight.remove(rkey);
            }
        }
        if written.is_err() {
            notices.clear();
        }
        self.emit(notices);
        outcomes
            .into_iter()
            .map(|(_, rev, result)| DappRevocation {
                connection_id: rev.connection_id,
                origin: rev.origin,
                name: rev.name,
                status: if result.is_ok() && written.is_ok() { RevocationStatus::Requested } else { RevocationStatus::Pending },
            })
            .collect()
    }

    /// Every revocation still owed, asked of the hook again.
    pub(crate) fn run_revocations(&self) -> Vec<DappRevocation> {
        let owed = match rows::pending(lk(&self.store).conn(), None) {
            Ok(o) => o,
            Err(_) => return Vec::new(),
        };
        self.carry_out(owed)
    }
}
