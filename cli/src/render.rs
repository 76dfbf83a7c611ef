//! Printing core values for humans (words, local-free UTC times) or as complete JSON.

use imwallet_core::auth::gates::{GatePolicy, GatedAction};
use imwallet_core::connections::RevocationStatus;
use imwallet_core::events::{EventKind, SecurityEvent};
use imwallet_core::safety::PasswordStatus;
use imwallet_core::session::logout::{ConfirmationNeeded, LogoutAction, LogoutPlan, LogoutReport, LogoutWarning};
use imwallet_core::session::{AccountInfo, SessionState};
use serde_json::{json, Value};

use crate::output::{CliError, Out, BOLD, DIM};
use crate::{errln, outln};

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

pub fn state(out: &Out, s: &SessionState) -> Result<(), CliError> {
    if out.json {
        out.print_json(&state_json(s))
    } else {
        outln!("state: {}", state_text(s))
    }
}

fn policy_text(p: &GatePolicy) -> String {
    match p.fresh_within_secs {
        Some(s) => format!("{} (reused for {s} s)", p.gate.as_str()),
        None => p.gate.as_str().to_string(),
    }
}

/// `status`: the state, the password's age and rehearsal (with a session), then each gated
/// action's policy.
pub fn status(out: &Out, s: &SessionState, password: Option<&PasswordStatus>, gates: &[(GatedAction, GatePolicy)]) -> Result<(), CliError> {
    if out.json {
        let mut v = state_json(s);
        if let Some(p) = password {
            v["password"] = crate::render_safety::password_json(p);
        }
        v["gates"] = gates
            .iter()
            .map(|(a, p)| (a.as_str().to_string(), json!({"gate": p.gate.as_str(), "fresh_within_secs": p.fresh_within_secs})))
            .collect();
        return out.print_json(&v);
    }
    outln!("state: {}", state_text(s))?;
    for line in password.map(crate::render_safety::password_lines).unwrap_or_default() {
        outln!("{line}")?;
    }
    outln!("gates:")?;
    for (a, p) in gates {
        outln!("  {:<17} {}", a.as_str(), policy_text(p))?;
    }
    Ok(())
}

pub fn account_json(a: &AccountInfo) -> Value {
    json!({"id": a.id, "name": a.name, "address": a.address, "backed_up": a.backed_up,
           "has_recovery_phrase": a.has_recovery_phrase, "biometric_enabled": a.biometric_enabled,
           "second_factor": a.second_factor.map(|m| m.as_str()),
           "created_at": a.created_at_unix, "created_at_utc": utc(a.created_at_unix)})
}

pub fn accounts(out: &Out, list: &[AccountInfo]) -> Result<(), CliError> {
    if out.json {
        return out.print_json(&json!(list.iter().map(account_json).collect::<Vec<_>>()));
    }
    if list.is_empty() {
        outln!("no accounts")?;
    }
    for a in list {
        let flag = if a.has_recovery_phrase && !a.backed_up { "  (not backed up)" } else { "" };
        let two_step = if a.second_factor.is_some() { "  (two-step verification)" } else { "" };
        outln!("{:<24} {}{}{}", a.name, a.address, flag, two_step)?;
    }
    Ok(())
}

pub fn warning_text(w: LogoutWarning) -> &'static str {
    match w {
        LogoutWarning::NotBackedUp => "your recovery phrase was never confirmed as backed up",
        LogoutWarning::InsecureNetwork => "you are on public Wi-Fi",
        LogoutWarning::UntrustedDevice => "this device looks compromised (rooted/jailbroken or debugged)",
        LogoutWarning::WalletWillBeRemoved => "the encrypted wallet will be deleted from this device",
    }
}

pub fn warning_code(w: LogoutWarning) -> &'static str {
    match w {
        LogoutWarning::NotBackedUp => "not_backed_up",
        LogoutWarning::InsecureNetwork => "insecure_network",
        LogoutWarning::UntrustedDevice => "untrusted_device",
        LogoutWarning::WalletWillBeRemoved => "wallet_will_be_removed",
    }
}

pub fn action_text(a: LogoutAction) -> &'static str {
    match a {
        LogoutAction::WipeKeysFromMemory => "wipe the keys from memory",
        LogoutAction::EndSession => "end the session",
        LogoutAction::RemoveBiometricUnlock => "turn off fingerprint/face unlock",
        LogoutAction::ClearAccountCaches => "clear this account's caches",
        LogoutAction::ClearGlobalCaches => "clear the shared caches (token metadata …)",
        LogoutAction::RemoveWallet => "delete the encrypted wallet from this device",
        LogoutAction::DisconnectDapps => "disconnect the connected dapps",
        LogoutAction::RejectPendingRequests => "reject the signing requests waiting for approval",
        LogoutAction::ClearClipboard => "clear what the wallet copied to the clipboard",
    }
}

/// The plan goes to stderr (it precedes a question) in every mode, `--json` included: the
/// user sees every warning the report will say they acknowledged.
pub fn plan(p: &LogoutPlan) {
    errln!("{BOLD}Logging out {} will:{BOLD:#}", p.account.name);
    for a in &p.actions {
        match a {
            LogoutAction::DisconnectDapps => {
                let n = p.dapps_to_disconnect.len();
                errln!("  - disconnect {n} dapp{}: {}", if n == 1 { "" } else { "s" }, p.dapps_to_disconnect.join(", "))
            }
            _ => errln!("  - {}", action_text(*a)),
        }
    }
    for w in &p.warnings {
        crate::output::Out::new(false).warn(warning_text(*w));
    }
    if p.confirmation == ConfirmationNeeded::TypeAccountName {
        errln!("To confirm, you will type the account name.");
    }
}

pub fn report(out: &Out, r: &LogoutReport) -> Result<(), CliError> {
    let dapps: Vec<Value> = r
        .dapps_disconnected
        .iter()
        .map(|d| json!({"id": d.connection_id, "name": d.name, "origin": d.origin, "status": revocation_status(d.status)}))
        .collect();
    if out.json {
        return out.print_json(&json!({
            "account": r.account.name, "keys_wiped": r.keys_wiped, "session_ended": r.session_ended,
            "biometric_removed": r.biometric_removed, "cache_entries_cleared": r.cache_entries_cleared,
            "cache_bytes_freed": r.cache_bytes_freed, "wallet_removed": r.wallet_removed,
            "warnings_acknowledged": r.warnings_acknowledged.iter().map(|w| warning_code(*w)).collect::<Vec<_>>(),
            "dapps_disconnected": dapps, "revocations_pending": r.revocations_pending,
            "requests_rejected": r.requests_rejected, "clipboard_cleared": r.clipboard_cleared,
        }));
    }
    outln!(
        "logged out {}: keys wiped {}, session ended {}, biometric removed {}, cache entries cleared {}, wallet removed {}",
        r.account.name,
        r.keys_wiped,
        r.session_ended,
        r.biometric_removed,
        r.cache_entries_cleared,
        r.wallet_removed
    )?;
    for d in &r.dapps_disconnected {
        outln!("  dapp {} ({}): disconnect {}", d.name, d.origin, revocation_status(d.status))?;
    }
    if r.revocations_pending > 0 {
        out.warn(&format!("{} dapp disconnection(s) still pending: retried on the next start", r.revocations_pending));
    }
    if r.requests_rejected > 0 {
        outln!("  {} pending signing request(s) rejected", r.requests_rejected)?;
    }
    if r.clipboard_cleared {
        outln!("  clipboard cleared")?;
    }
    Ok(())
}

pub fn revocation_status(s: RevocationStatus) -> &'static str {
    match s {
        RevocationStatus::Requested => "requested",
        RevocationStatus::Pending => "pending",
    }
}

/// What an event means, in words.
pub fn event_text(k: EventKind) -> &'static str {
    match k {
        EventKind::AccountCreated => "account created",
        EventKind::AccountImported => "account imported",
        EventKind::LoginSucceeded => "logged in",
        EventKind::LoginFailed => "wrong password or code (login or unlock)",
        EventKind::DelayStarted => "too many wrong passwords: delay started",
        EventKind::Unlocked => "unlocked",
        EventKind::LockedManually => "locked",
        EventKind::LockedAutomatically => "locked automatically",
        EventKind::PasswordChanged => "password changed",
        EventKind::BackupConfirmed => "backup confirmed",
        EventKind::PhraseRevealed => "recovery phrase shown",
        EventKind::KeystoreExported => "keystore file exported",
        EventKind::LoggedOut => "logged out",
        EventKind::WalletRemoved => "wallet removed",
        EventKind::BiometricEnabled => "fingerprint/face unlock on",
        EventKind::BiometricDisabled => "fingerprint/face unlock off",
        EventKind::BiometricUnlock => "unlocked with fingerprint/face",
        EventKind::BiometricInvalidated => "fingerprint/face unlock turned off (biometrics changed)",
        EventKind::CachesCleared => "caches cleared",
        EventKind::DataErased => "all data erased",
        EventKind::OrphansPurged => "leftover key-store entries removed",
        EventKind::HardwareKeyEnabled => "security key required at login",
        EventKind::HardwareKeyDisabled => "security key no longer required",
        EventKind::SecondFactorEnabled => "two-step verification on",
        EventKind::SecondFactorDisabled => "two-step verification off",
        EventKind::RecoveryCodeUsed => "logged in with a recovery code",
        EventKind::RecoveryCodesRegenerated => "new recovery codes (the old ones no longer work)",
        EventKind::GateChanged => "a gate changed",
        EventKind::AutoLockChanged => "auto-lock changed",
        EventKind::EnvironmentWarning => "went ahead despite an environment warning",
        EventKind::EnvironmentRefused => "refused by the environment policy",
        EventKind::PasswordRehearsalDue => "fingerprint/face unlock refused: the password is due",
        EventKind::PasswordChangeDue => "reminder: time to change the password",
        EventKind::ActivityReported => "activity since the last login shown",
        EventKind::DappConnected => "dapp connected",
        EventKind::DappDisconnected => "dapp disconnected",
        EventKind::DappDisconnectFailed => "dapp disconnection failed (retried on the next start)",
    }
}

pub fn events(out: &Out, list: &[SecurityEvent], failed_since_success: u32) -> Result<(), CliError> {
    if out.json {
        return out.print_json(&json!({
            "failed_attempts_since_last_success": failed_since_success,
            "events": list.iter().map(|e| json!({
                "id": e.id, "at": e.at_unix, "at_utc": utc(e.at_unix), "kind": e.kind.as_str(),
                "text": event_text(e.kind), "account": e.account_name, "detail": e.detail,
            })).collect::<Vec<_>>(),
        }));
    }
    if failed_since_success > 0 {
        out.warn(&format!("{failed_since_success} failed password attempt(s) since the last successful login"));
    }
    for e in list {
        let detail = if e.detail.is_empty() { String::new() } else { format!(" {DIM}({}){DIM:#}", e.detail) };
        outln!("{}  {:<16} {}{}", utc(e.at_unix), e.account_name.as_deref().unwrap_or("-"), event_text(e.kind), detail)?;
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM:SS UTC` for Unix seconds (no time-zone database needed).
pub fn utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", secs / 3600, secs % 3600 / 60, secs % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(super::utc(1_767_225_599), "2025-12-31 23:59:59 UTC");
    }
}
