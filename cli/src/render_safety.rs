//! Printing the safety advice (ADR 0015): the environment warnings of a login or unlock, the
//! activity since the account's previous one, and the password's age and rehearsal. In text
//! mode they go to stderr (like the logout plan's warnings); `--json` puts them in the result.

use imwallet_core::safety::{ActivitySummary, PasswordStatus, RiskFinding, SensitiveAction, UnlockOutcome};
use imwallet_core::WalletCore;
use serde_json::{json, Value};

use crate::errln;
use crate::output::{CliError, Out, BOLD};
use crate::render::{event_text, state_json, utc};

pub fn finding_json(f: &RiskFinding) -> Value {
    json!({"risk": f.risk.as_str(), "known": f.known, "text": f.describe()})
}

pub fn activity_json(a: &ActivitySummary) -> Value {
    json!({
        "since": a.since_unix, "since_utc": a.since_unix.map(utc),
        "failed_attempts": a.failed_attempts, "last_failed_at": a.last_failed_at_unix,
        "items": a.items.iter().map(|i| json!({
            "category": i.category.as_str(), "kind": i.event.kind.as_str(), "text": event_text(i.event.kind),
            "at": i.event.at_unix, "at_utc": utc(i.event.at_unix), "account": i.event.account_name, "detail": i.event.detail,
        })).collect::<Vec<_>>(),
        "omitted": a.omitted,
    })
}

/// The safety fields of a login/unlock result, added to the command's JSON object `v`:
/// `warnings`, `activity`, `password_age_days`, `password_rehearsal_due`, `password_change_due`.
pub fn add_outcome_json(v: &mut Value, o: &UnlockOutcome) {
    v["warnings"] = o.warnings.iter().map(finding_json).collect();
    v["activity"] = activity_json(&o.activity);
    v["password_age_days"] = json!(o.password_age_days);
    v["password_rehearsal_due"] = json!(o.password_rehearsal_due);
    v["password_change_due"] = json!(o.password_change_due);
}

/// `login --json`: the state's fields and the safety fields.
pub fn outcome_json(o: &UnlockOutcome) -> Value {
    let mut v = state_json(&o.state);
    add_outcome_json(&mut v, o);
    v
}

/// Text mode: the warnings, the activity since the previous login and the password notes, on
/// stderr (nothing when there is nothing to say).
pub fn outcome_notes(out: &Out, o: &UnlockOutcome) {
    for w in &o.warnings {
        out.warn(w.describe());
    }
    let a = &o.activity;
    if !a.is_empty() {
        let since = a.since_unix.map(|s| format!(" ({})", utc(s))).unwrap_or_default();
        errln!("{BOLD}Since this account's last login or unlock{since}:{BOLD:#}");
        if a.failed_attempts > 0 {
            let last = a.last_failed_at_unix.map(|t| format!(", the last at {}", utc(t))).unwrap_or_default();
            out.warn(&format!("{} wrong password attempt(s){last}", a.failed_attempts));
        }
        for i in &a.items {
            let who = match (&i.event.account_id, &i.event.account_name) {
                (None, _) => "unknown name",
                (Some(_), Some(n)) => n.as_str(),
                (Some(_), None) => "a removed wallet",
            };
            let detail = if i.event.detail.is_empty() { String::new() } else { format!(" ({})", i.event.detail) };
            errln!("  {}  {:<16} {}{}", utc(i.event.at_unix), who, event_text(i.event.kind), detail);
        }
        if a.omitted > 0 {
            errln!("  … and up to {} more (`imwallet events`)", a.omitted);
        }
    }
    if o.password_rehearsal_due {
        out.warn("next time, unlock with your password: fingerprint/face unlock will ask for it so you keep remembering it");
    }
    if o.password_change_due {
        out.warn(&format!("your password is {} days old: consider changing it (`imwallet password change`)", o.password_age_days));
    }
}

pub fn password_json(s: &PasswordStatus) -> Value {
    json!({
        "set_at": s.password_set_at_unix, "set_at_utc": utc(s.password_set_at_unix), "age_days": s.password_age_days,
        "change_due": s.password_change_due, "days_since_entered": s.days_since_password,
        "biometric_unlocks_since_entered": s.biometric_unlocks_since_password, "rehearsal_due": s.password_rehearsal_due,
    })
}

/// `status` lines about the password.
pub fn password_lines(s: &PasswordStatus) -> Vec<String> {
    let mut lines = vec![format!(
        "password: set {} ({} day(s) ago){}",
        utc(s.password_set_at_unix),
        s.password_age_days,
        if s.password_change_due { " — time to change it" } else { "" }
    )];
    let entered = match (s.days_since_password, s.biometric_unlocks_since_password) {
        (Some(d), Some(n)) => format!("last entered {d} day(s) ago, {n} fingerprint/face unlock(s) since"),
        _ => "not entered since this version recorded it".to_string(),
    };
    let due = if s.password_rehearsal_due { "due: the next unlock asks for the password" } else { "not due" };
    lines.push(format!("password rehearsal: {due} ({entered})"));
    lines
}

/// Before a sensitive action asks for anything: its environment warnings on stderr, or the
/// refusal the action itself would give (so no password is typed for nothing).
pub fn before(out: &Out, core: &WalletCore, action: SensitiveAction) -> Result<(), CliError> {
    let check = core.environment_check(action);
    if let Some(r) = check.refusals.first() {
        return Err(imwallet_core::Error::EnvironmentRefused { action, risk: r.risk, known: r.known }.into());
    }
    for w in &check.warnings {
        out.warn(w.describe());
    }
    Ok(())
}
