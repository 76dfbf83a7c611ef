//! `imwallet cache usage|clear` and `imwallet reset` (erase all data).

use std::path::Path;

use imwallet_core::cache::{CacheKind, ClearScope};
use imwallet_core::engine::{EraseProofs, ERASE_PHRASE};
use imwallet_core::vault::SecretBytes;
use serde_json::json;

use crate::input::Input;
use crate::output::{CliError, Out};
use crate::progress::with_spinner;
use crate::session_cmds::open;
use crate::{errln, outln};

pub fn usage(out: &Out, dir: &Path) -> Result<(), CliError> {
    let list = open(dir)?.cache_usage()?;
    if out.json {
        out.print_json(&json!(list
            .iter()
            .map(|u| json!({"kind": u.kind.name(), "entries": u.entries, "bytes": u.bytes, "files": u.files}))
            .collect::<Vec<_>>()))?;
    } else {
        for u in &list {
            outln!("{:<22} {:>8} entries {:>12} bytes", u.kind.name(), u.entries, u.bytes)?;
        }
    }
    Ok(())
}

pub fn clear(out: &Out, dir: &Path, kinds: &[String], account: bool) -> Result<(), CliError> {
    let core = open(dir)?;
    let scope = if account {
        ClearScope::Account(core.state().account().map(|a| a.id.clone()).ok_or(imwallet_core::Error::NotLoggedIn)?)
    } else if kinds.is_empty() {
        ClearScope::All
    } else {
        ClearScope::Kinds(kinds.iter().map(|k| CacheKind::parse(k)).collect::<Result<_, _>>()?)
    };
    let r = core.clear_cache(&scope)?;
    if out.json {
        out.print_json(&json!({"entries_removed": r.entries_removed, "files_removed": r.files_removed, "bytes_freed": r.bytes_freed, "duration_ms": r.duration_ms}))?;
    } else {
        outln!(
            "cleared {} entries and {} files, {} bytes freed in {} ms",
            r.entries_removed,
            r.files_removed,
            r.bytes_freed,
            r.duration_ms
        )?;
    }
    Ok(())
}

/// Shows what will be destroyed, then asks for the fixed phrase.
pub fn reset(out: &Out, input: &mut Input, dir: &Path) -> Result<(), CliError> {
    let core = open(dir)?;
    let plan = core.prepare_erase()?;
    // The plan goes to stderr in every mode (--json too): the user sees what will be lost.
    errln!("This erases every wallet, setting, cache and security event on this device: {}", plan.account_names.join(", "));
    for name in &plan.not_backed_up {
        out.warn(&format!("{name}: the recovery phrase was never backed up — this wallet will be lost for good"));
    }
    // The phrase is checked as soon as it is typed: a wrong one cancels (exit 130), before any
    // password is asked for.
    let typed = input.line(&format!("type {ERASE_PHRASE} to confirm"))?;
    if typed.trim() != ERASE_PHRASE {
        return Err(CliError::cancelled(format!("reset cancelled: the confirmation was not \"{ERASE_PHRASE}\"")));
    }
    // A wallet that is not backed up is erased only with its password (the desktop has no
    // device-owner check).
    let mut proofs = EraseProofs::default();
    if plan.authorization_needed {
        for name in &plan.not_backed_up {
            let pw = input.secret(&format!("password of {name} (not backed up)"))?;
            proofs.passwords.push((name.clone(), SecretBytes::from_str_bytes(&pw)));
        }
    }
    let r = with_spinner("checking and erasing", || core.erase_all_data(typed.trim(), &proofs))?;
    if out.json {
        out.print_json(&json!({"accounts_removed": r.accounts_removed, "events_removed": r.events_removed, "cache_entries_removed": r.caches.entries_removed, "cache_files_removed": r.caches.files_removed, "duration_ms": r.duration_ms}))?;
    } else {
        outln!(
            "erased {} account(s), {} event(s), {} cache entries and {} files in {} ms",
            r.accounts_removed,
            r.events_removed,
            r.caches.entries_removed,
            r.caches.files_removed,
            r.duration_ms
        )?;
    }
    Ok(())
}
