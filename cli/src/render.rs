//! Printing core values for humans (colour on a terminal) or as JSON.

use imwallet_core::auth::gates::{GatePolicy, GatedAction};
use imwallet_core::events::SecurityEvent;
use imwallet_core::session::logout::{LogoutPlan, LogoutReport, LogoutWarning};
use imwallet_core::session::{AccountInfo, SessionState};
use serde_json::{json, Value};

use crate::output::Out;

pub fn state_json(s: &SessionState) -> Value {
    match s {
        SessionState::NoAccount => json!({"state": "no_account"}),
        SessionState::LoggedOut => json!({"state": "logged_out"}),
        SessionState::Locked { account } => json!({"state": "locked", "account": account.name}),
        SessionState::Unlocked { account } => json!({"state": "unlocked", "account": account.name}),
    }
}

pub fn state_text(s: &SessionState) -> String {
    match s {
        SessionState::NoAccount => "no account on this device".into(),
        SessionState::LoggedOut => "logged out".into(),
        SessionState::Locked { account } => format!("locked ({})", account.name),
        SessionState::Unlocked { account } => format!("unlocked ({})", account.name),
    }
}

pub fn state(out: &Out, s: &SessionState) {
    if out.json {
        out.print_json(&state_json(s));
    } else {
        println!("state: {}", state_text(s));
    }
}

fn policy_text(p: &GatePolicy) -> String {
    match p.fresh_within_secs {
        Some(s) => format!("{} (reused for {s} s)", p.gate.as_str()),
        None => p.gate.as_str().to_string(),
    }
}

/// `status`: the state, then each gated action's policy.
pub fn status(out: &Out, s: &SessionState, gates: &[(GatedAction, GatePolicy)]) {
    if out.json {
        let mut v = state_json(s);
        v["gates"] = gates
            .iter()
            .map(|(a, p)| (a.as_str().to_string(), json!({"gate": p.gate.as_str(), "fresh_within_secs": p.fresh_within_secs})))
            .collect();
        out.print_json(&v);
        return;
    }
    println!("state: {}", state_text(s));
    println!("gates:");
    for (a, p) in gates {
        println!("  {:<17} {}", a.as_str(), policy_text(p));
    }
}

pub fn account_json(a: &AccountInfo) -> Value {
    json!({"id": a.id, "name": a.name, "address": a.address, "backed_up": a.backed_up,
           "has_recovery_phrase": a.has_recovery_phrase, "biometric_enabled": a.biometric_enabled, "created_at": a.created_at_unix})
}

pub fn accounts(out: &Out, list: &[AccountInfo]) {
    if out.json {
        out.print_json(&json!(list.iter().map(account_json).collect::<Vec<_>>()));
        return;
    }
    if list.is_empty() {
        println!("no accounts");
    }
    for a in list {
        let flag = if a.has_recovery_phrase && !a.backed_up { "  (not backed up)" } else { "" };
        println!("{:<24} {}{}", a.name, a.address, flag);
    }
}

pub fn warning_text(w: LogoutWarning) -> &'static str {
    match w {
        LogoutWarning::NotBackedUp => "your recovery phrase was never confirmed as backed up",
        LogoutWarning::InsecureNetwork => "you are on public Wi-Fi",
        LogoutWarning::UntrustedDevice => "this device looks compromised (rooted/jailbroken or debugged)",
        LogoutWarning::WalletWillBeRemoved => "the encrypted wallet will be deleted from this device",
    }
}

/// The plan goes to stderr (it precedes a question); `--json` prints only the report.
pub fn plan(out: &Out, p: &LogoutPlan) {
    if out.json {
        return;
    }
    eprintln!("Logging out {} will:", p.account.name);
    for a in &p.actions {
        eprintln!("  - {a:?}");
    }
    for w in &p.warnings {
        out.warn(warning_text(*w));
    }
}

pub fn report(out: &Out, r: &LogoutReport) {
    if out.json {
        out.print_json(&json!({
            "account": r.account.name, "keys_wiped": r.keys_wiped, "session_ended": r.session_ended,
            "biometric_removed": r.biometric_removed, "cache_entries_cleared": r.cache_entries_cleared,
            "cache_bytes_freed": r.cache_bytes_freed, "wallet_removed": r.wallet_removed,
            "warnings_acknowledged": r.warnings_acknowledged.iter().map(|w| format!("{w:?}")).collect::<Vec<_>>(),
        }));
        return;
    }
    println!(
        "logged out {}: keys wiped {}, session ended {}, biometric removed {}, cache entries cleared {}, wallet removed {}",
        r.account.name, r.keys_wiped, r.session_ended, r.biometric_removed, r.cache_entries_cleared, r.wallet_removed
    );
}

pub fn events(out: &Out, list: &[SecurityEvent], failed_since_success: u32) {
    if out.json {
        out.print_json(&json!({
            "failed_attempts_since_last_success": failed_since_success,
            "events": list.iter().map(|e| json!({"id": e.id, "at": e.at_unix, "kind": e.kind.as_str(), "account": e.account_name, "detail": e.detail})).collect::<Vec<_>>(),
        }));
        return;
    }
    if failed_since_success > 0 {
        out.warn(&format!("{failed_since_success} failed password attempt(s) since the last successful login"));
    }
    for e in list {
        println!("{:>12}  {:<22} {:<16} {}", e.at_unix, e.kind.as_str(), e.account_name.as_deref().unwrap_or("-"), e.detail);
    }
}
