//! `imwallet connections list|add|revoke` and the desktop's dapp hook (issue 21).
//!
//! The desktop has no WalletConnect client: its hook prints each disconnection it is asked for
//! (to stderr) and accepts it, so a logout still plans, journals and reports every dapp, and a
//! real client can take the hook's place.

use std::path::Path;

use imwallet_core::auth::hooks::{ConnectionHook, HookError};
use imwallet_core::connections::{DappConnection, NewConnection, RejectedRequest, Revocation};
use serde_json::json;

use crate::input::Input;
use crate::output::{CliError, Out, DIM};
use crate::render::{revocation_status, utc};
use crate::session_cmds::{login, open};
use crate::{errln, outln};

/// Prints what the core asks of the dapp side.
pub struct PrintingDapps;

impl ConnectionHook for PrintingDapps {
    fn disconnect(&self, r: Revocation) -> Result<(), HookError> {
        errln!("{DIM}   disconnecting dapp {} ({}){DIM:#}", r.name, r.origin);
        Ok(())
    }
    fn request_rejected(&self, r: RejectedRequest) -> Result<(), HookError> {
        errln!("{DIM}   signing request {} rejected: {} ({}){DIM:#}", r.request_id, r.message, r.code);
        Ok(())
    }
}

fn connection_json(c: &DappConnection) -> serde_json::Value {
    json!({"id": c.id, "name": c.name, "origin": c.origin, "accounts": c.accounts, "chains": c.chains,
           "permissions": c.permissions, "created_at": c.created_at_unix, "last_used_at": c.last_used_at_unix})
}

/// The logged-in account's connections (also while locked).
pub fn list(out: &Out, dir: &Path) -> Result<(), CliError> {
    let list = open(dir)?.connections()?;
    if out.json {
        return out.print_json(&json!(list.iter().map(connection_json).collect::<Vec<_>>()));
    }
    if list.is_empty() {
        outln!("no connected dapps")?;
    }
    for c in &list {
        let chains: Vec<String> = c.chains.iter().map(u64::to_string).collect();
        outln!("{:<24} {:<32} chains {}  last used {}  id {}", c.name, c.origin, chains.join(","), utc(c.last_used_at_unix), c.id)?;
    }
    Ok(())
}

/// Records a connection (unlocks with the password first): for trying the flow on a desktop.
pub fn add(out: &Out, input: &mut Input, dir: &Path, new: NewConnection, indexes: &[u32]) -> Result<(), CliError> {
    let core = open(dir)?;
    login(out, &core, input, None)?;
    let max = indexes.iter().copied().max().unwrap_or(0) + 1;
    let addresses = core.addresses(max)?;
    let accounts = indexes.iter().map(|i| addresses[*i as usize].clone()).collect();
    let c = core.add_connection(NewConnection { accounts, ..new })?;
    if out.json {
        out.print_json(&connection_json(&c))
    } else {
        outln!("connected {} ({}) to {}", c.name, c.origin, c.accounts.join(", "))
    }
}

/// Revokes one connection, or every one with `all`.
pub fn revoke(out: &Out, dir: &Path, id: Option<&str>, all: bool) -> Result<(), CliError> {
    let core = open(dir)?;
    let done = match (id, all) {
        (Some(id), false) => vec![core.revoke_connection(id)?],
        (None, true) => core.revoke_all_connections()?,
        _ => return Err(CliError::usage("give a connection id, or --all")),
    };
    if out.json {
        return out.print_json(&json!(done
            .iter()
            .map(|d| json!({"id": d.connection_id, "name": d.name, "origin": d.origin, "status": revocation_status(d.status)}))
            .collect::<Vec<_>>()));
    }
    if done.is_empty() {
        outln!("no connected dapps")?;
    }
    for d in &done {
        outln!("{} ({}): disconnect {}", d.name, d.origin, revocation_status(d.status))?;
    }
    Ok(())
}
