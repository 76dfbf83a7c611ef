//! The safety advice users are given, enforced (issue 20, ADR 0015).
//!
//! * **Environment guard.** Every sensitive action ([`SensitiveAction`]) first reads the
//!   environment probe — with no core lock held — and applies the app's policy: a refusal is
//!   logged (`environment_refused`) and returned as [`Error::EnvironmentRefused`] before any
//!   password is checked or prompt shown; warnings go ahead with the action, are logged with it
//!   (`environment_warning`) and come back in login/unlock outcomes ([`EnvironmentCheck`] gives
//!   them beforehand for a confirmation screen).
//! * **Password rehearsal.** Every correct password (any check, under the limiter) and every new
//!   account write the account's rehearsal record; every biometric unlock counts one more, in
//!   the unlock's own transition. A biometric unlock whose rehearsal is due is refused before
//!   the prompt and again inside the transition (a concurrent unlock cannot slip past).
//! * **Password age** (from the account's recorded set time) and the **activity summary** (from
//!   the security log: chosen on the unsealed columns, only the listed events opened) are read
//!   inside the unlock transition, before its own success event is written.

use rusqlite::Connection;

use crate::clock::BootReading;
use crate::engine::{lk, Inner, Notice, WalletCore};
use crate::events::EventKind;
use crate::safety::activity::{self, ActivityItem, ActivitySummary};
use crate::safety::environment::{self, EnvironmentCheck, EnvironmentReport, RiskFinding};
use crate::safety::password::Moment;
use crate::safety::{PasswordStatus, SensitiveAction, UnlockOutcome};
use crate::session::{SessionAccount, SessionState};
use crate::store::account_settings;
use crate::store::accounts::AccountRow;
use crate::store::events;
use crate::{Error, Result};

/// What the password status is computed from.
struct PasswordFacts {
    set: Moment,
    /// `set` is stored (false: derived from the log for an account from before ADR 0015).
    recorded: bool,
    rehearsal: Option<crate::safety::password::Rehearsal>,
}

fn rehearsal_error(status: &PasswordStatus) -> Error {
    Error::PasswordRehearsalDue {
        biometric_unlocks: status.biometric_unlocks_since_password,
        days_since_password: status.days_since_password,
    }
}

impl Inner {
    /// The policy's verdict on `action` now. Reads the probe: never call it with a core lock held.
    pub(crate) fn environment_check(&self, action: SensitiveAction) -> EnvironmentCheck {
        EnvironmentCheck::assess(&self.config.safety.environment, action, EnvironmentReport::read(self.env.as_ref()))
    }

    /// Guards `action`: a refusal is logged (`environment_refused`, about `account` when there is
    /// one) and returned as `EnvironmentRefused` naming the first refusing risk; otherwise the
    /// warnings, which the caller logs with its action ([`Inner::log_warnings`]).
    pub(crate) fn guard(&self, action: SensitiveAction, account: Option<&SessionAccount>) -> Result<Vec<RiskFinding>> {
        let check = self.environment_check(action);
        let Some(first) = check.refusals.first().copied() else { return Ok(check.warnings) };
        let detail = environment::detail(action, &check.refusals);
        let mut out = Vec::new();
        lk(&self.store).write(|tx| self.event_if_present(tx, EventKind::EnvironmentRefused, account, &detail, &mut out).map(|_| ()))?;
        self.emit(out);
        Err(Error::EnvironmentRefused { action, risk: first.risk, known: first.known })
    }

    /// Logs `warnings` of `action` (nothing when there are none) in the action's transaction.
    pub(crate) fn log_warnings(
        &self,
        conn: &Connection,
        action: SensitiveAction,
        account: Option<&SessionAccount>,
        warnings: &[RiskFinding],
        out: &mut Vec<Notice>,
    ) -> Result<()> {
        if warnings.is_empty() {
            return Ok(());
        }
        self.event(conn, EventKind::EnvironmentWarning, account, &environment::detail(action, warnings), out)
    }

    /// Logs `warnings` on their own (an action that writes nothing else, e.g. a signature).
    pub(crate) fn log_warnings_now(&self, action: SensitiveAction, account: &SessionAccount, warnings: &[RiskFinding]) -> Result<()> {
        if warnings.is_empty() {
            return Ok(());
        }
        let mut out = Vec::new();
        lk(&self.store).write(|tx| self.log_warnings(tx, action, Some(account), warnings, &mut out))?;
        self.emit(out);
        Ok(())
    }

    /// When `row`'s password was set and its rehearsal record. The set time is its record, or —
    /// for an account from before ADR 0015 — its last `password_changed` event or its creation
    /// (one scan of the log, until the next login/unlock records it: `recorded` is false).
    fn password_facts(&self, conn: &Connection, row: &AccountRow) -> Result<PasswordFacts> {
        let rehearsal = account_settings::rehearsal(conn, &row.id);
        if let Some(set) = account_settings::password_set_at(conn, &row.id) {
            return Ok(PasswordFacts { set, recorded: true, rehearsal });
        }
        let unix = events::last_of(conn, &row.id, &[EventKind::PasswordChanged])?.map_or(row.created_at, |(_, at)| at);
        Ok(PasswordFacts { set: Moment { unix, boot: None }, recorded: false, rehearsal })
    }

    fn status_of(&self, facts: &PasswordFacts, boot: &BootReading) -> PasswordStatus {
        PasswordStatus::compute(&self.config.safety, &facts.set, facts.rehearsal.as_ref(), self.now(), boot)
    }

    /// `row`'s password status now (`boot`: the boot clock, read before any lock was taken):
    /// age from when the password was set, rehearsal from its record.
    pub(crate) fn password_status_in(&self, conn: &Connection, row: &AccountRow, boot: &BootReading) -> Result<PasswordStatus> {
        Ok(self.status_of(&self.password_facts(conn, row)?, boot))
    }

    /// Refuses a biometric unlock of `row` whose password rehearsal is due (logged), before any
    /// prompt is shown.
    pub(crate) fn check_rehearsal(&self, row: &AccountRow, account: &SessionAccount) -> Result<()> {
        if !self.config.safety.rehearsal.enabled() {
            return Ok(());
        }
        let boot = self.boot_now();
        let status = self.password_status_in(lk(&self.store).conn(), row, &boot)?;
        if !status.password_rehearsal_due {
            return Ok(());
        }
        let mut out = Vec::new();
        lk(&self.store).write(|tx| self.event_if_present(tx, EventKind::PasswordRehearsalDue, Some(account), "", &mut out).map(|_| ()))?;
        self.emit(out);
        Err(rehearsal_error(&status))
    }

    /// What happened since `account_id`'s previous successful login/unlock (or creation).
    pub(crate) fn activity_since_last_success(&self, conn: &Connection, account_id: &str) -> Result<ActivitySummary> {
        let since = events::last_of(conn, account_id, &activity::SUCCESS_KINDS)?;
        let after_id = since.map_or(0, |(id, _)| id);
        let failures = events::failures_after(conn, after_id, account_id)?;
        // Chosen from the unsealed columns; only the listed events' text is opened.
        let (heads, unscanned) = events::heads_after(conn, after_id, activity::MAX_SCANNED)?;
        let (chosen, omitted) = activity::select(account_id, &heads, unscanned);
        let ids: Vec<i64> = chosen.iter().map(|(id, _)| *id).collect();
        let mut opened: std::collections::HashMap<i64, crate::events::SecurityEvent> =
            events::by_ids(conn, &ids)?.into_iter().map(|e| (e.id, e)).collect();
        let items = chosen.into_iter().filter_map(|(id, category)| Some(ActivityItem { category, event: opened.remove(&id)? })).collect();
        Ok(ActivitySummary::new(since.map(|(_, at)| at), failures, items, omitted))
    }

    /// The safety part of a successful login/unlock, inside its transition (`kind` is its
    /// success event; `boot` read before the transition): the activity summary (read before
    /// `kind` is logged), the rehearsal count of a biometric unlock (refused here too when due),
    /// the events, and the outcome.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_unlocked(
        &self,
        tx: &Connection,
        row: &AccountRow,
        account: &SessionAccount,
        kind: EventKind,
        warnings: Vec<RiskFinding>,
        boot: &BootReading,
        out: &mut Vec<Notice>,
    ) -> Result<UnlockOutcome> {
        let summary = self.activity_since_last_success(tx, &row.id)?;
        let mut facts = self.password_facts(tx, row)?;
        if kind == EventKind::BiometricUnlock {
            let before = self.status_of(&facts, boot);
            if before.password_rehearsal_due {
                return Err(rehearsal_error(&before));
            }
            // Not due, so the record was readable: one more biometric unlock without the password.
            if let Some(r) = facts.rehearsal.as_mut() {
                r.biometric_unlocks = r.biometric_unlocks.saturating_add(1);
                account_settings::set_biometric_unlocks(tx, &row.id, r.biometric_unlocks)?;
            }
        }
        self.event(tx, kind, Some(account), "", out)?;
        let action = if kind == EventKind::LoginSucceeded { SensitiveAction::Login } else { SensitiveAction::Unlock };
        self.log_warnings(tx, action, Some(account), &warnings, out)?;
        if !facts.recorded {
            account_settings::backfill_password_set_at(tx, &row.id, facts.set.unix)?;
        }
        let status = self.status_of(&facts, boot);
        // One reminder per password: remembered by the time that password was set.
        if status.password_change_due && account_settings::reminded_for(tx, &row.id) != Some(facts.set.unix) {
            let detail = format!("the password is {} days old", status.password_age_days);
            self.event(tx, EventKind::PasswordChangeDue, Some(account), &detail, out)?;
            account_settings::set_reminded_for(tx, &row.id, facts.set.unix)?;
        }
        if !summary.is_empty() {
            self.event(tx, EventKind::ActivityReported, Some(account), &summary.detail(), out)?;
        }
        Ok(UnlockOutcome {
            state: SessionState::Unlocked { account: account.clone() },
            warnings,
            activity: summary,
            password_rehearsal_due: status.password_rehearsal_due,
            password_change_due: status.password_change_due,
            password_age_days: status.password_age_days,
        })
    }

    /// The outcome of an unlock that found the session already unlocked: nothing happened.
    pub(crate) fn already_unlocked(&self, state: SessionState) -> Result<UnlockOutcome> {
        let mut outcome = UnlockOutcome::already(state);
        if let Some(account) = outcome.state.account() {
            let row = self.row(&account.id)?;
            let boot = self.boot_now();
            let status = self.password_status_in(lk(&self.store).conn(), &row, &boot)?;
            outcome.password_rehearsal_due = status.password_rehearsal_due;
            outcome.password_change_due = status.password_change_due;
            outcome.password_age_days = status.password_age_days;
        }
        Ok(outcome)
    }
}

impl WalletCore {
    /// What the environment policy says about `action` now: the probe's answers, the warnings
    /// the action would go ahead with and the risks that would refuse it. For a confirmation
    /// screen before the action (the action checks again). Calls the probe.
    pub fn environment_check(&self, action: SensitiveAction) -> EnvironmentCheck {
        self.inner.environment_check(action)
    }

    /// The session account's password age, reminder and rehearsal (also while `Locked`: the
    /// lock screen shows the password field instead of starting the biometric prompt when the
    /// rehearsal is due). `NotLoggedIn` without a session.
    pub fn password_status(&self) -> Result<PasswordStatus> {
        let (account, _) = self.inner.session_account()?;
        let row = self.inner.row(&account.id)?;
        let boot = self.inner.boot_now();
        self.inner.password_status_in(lk(&self.inner.store).conn(), &row, &boot)
    }
}
