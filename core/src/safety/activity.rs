//! What happened since an account's previous successful login or unlock (ADR 0015): returned
//! by every successful `login`/`unlock`/`unlock_with_biometrics` and announced with an
//! `activity_reported` event, so the user can spot activity that was not theirs.
//!
//! It is read from the security log (`events`): every event after the account's previous
//! success (login, unlock, biometric unlock, or its creation) whose kind has a category below.
//! Each event kind is placed in exactly one category (or none) by [`category`], an exhaustive
//! match: a new event kind does not compile until it is placed, and placing it is all it takes
//! to report it.

use crate::events::{EventKind, SecurityEvent};

/// What kind of activity an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActivityCategory {
    /// A wrong password (or security key) for this account or an unknown name, and the delays.
    FailedAttempt,
    /// Biometric unlock turned on, off, or invalidated (new enrollment, stale key).
    BiometricChange,
    /// The password was changed.
    PasswordChanged,
    /// A gate or the auto-lock setting changed.
    SettingsChanged,
    /// A second factor was turned on or off.
    SecondFactorChanged,
    /// The recovery phrase was shown or a keystore file exported.
    SecretExported,
    /// The environment policy refused an action on this account.
    ActionRefused,
    /// Another account was created or imported on this device.
    AccountAdded,
    /// Another account was removed from this device.
    AccountRemoved,
}

impl ActivityCategory {
    /// A stable snake_case name (`--json`).
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityCategory::FailedAttempt => "failed_attempt",
            ActivityCategory::BiometricChange => "biometric_change",
            ActivityCategory::PasswordChanged => "password_changed",
            ActivityCategory::SettingsChanged => "settings_changed",
            ActivityCategory::SecondFactorChanged => "second_factor_changed",
            ActivityCategory::SecretExported => "secret_exported",
            ActivityCategory::ActionRefused => "action_refused",
            ActivityCategory::AccountAdded => "account_added",
            ActivityCategory::AccountRemoved => "account_removed",
        }
    }
}

/// Whose events a category reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The account's own events (failed attempts also: those with an unknown name).
    Account,
    /// Other accounts' events on this device.
    OtherAccounts,
}

/// The category (and scope) of an event kind; `None`: not reported.
pub fn category(kind: EventKind) -> Option<(ActivityCategory, Scope)> {
    use ActivityCategory as C;
    use EventKind as K;
    let own = |c| Some((c, Scope::Account));
    match kind {
        K::LoginFailed | K::DelayStarted => own(C::FailedAttempt),
        K::BiometricEnabled | K::BiometricDisabled | K::BiometricInvalidated => own(C::BiometricChange),
        K::PasswordChanged => own(C::PasswordChanged),
        K::GateChanged | K::AutoLockChanged => own(C::SettingsChanged),
        K::HardwareKeyEnabled
        | K::HardwareKeyDisabled
        | K::SecondFactorEnabled
        | K::SecondFactorDisabled
        | K::RecoveryCodesRegenerated
        // A recovery code spent: the owner should know if it was not them.
        | K::RecoveryCodeUsed => own(C::SecondFactorChanged),
        K::PhraseRevealed | K::KeystoreExported => own(C::SecretExported),
        K::EnvironmentRefused => own(C::ActionRefused),
        K::AccountCreated | K::AccountImported => Some((C::AccountAdded, Scope::OtherAccounts)),
        K::WalletRemoved => Some((C::AccountRemoved, Scope::OtherAccounts)),
        // The user's own session and routine events.
        K::LoginSucceeded
        | K::Unlocked
        | K::BiometricUnlock
        | K::LockedManually
        | K::LockedAutomatically
        | K::BackupConfirmed
        | K::LoggedOut
        | K::CachesCleared
        | K::DataErased
        | K::OrphansPurged
        | K::EnvironmentWarning
        | K::PasswordRehearsalDue
        | K::PasswordChangeDue
        | K::ActivityReported
        // Dapps are connected from an unlocked session (the user's own), and disconnected by
        // logout or the user.
        | K::DappConnected
        | K::DappDisconnected
        | K::DappDisconnectFailed => None,
    }
}

/// The event kinds that end an account's "since": its successes and its creation.
pub const SUCCESS_KINDS: [EventKind; 5] =
    [EventKind::LoginSucceeded, EventKind::Unlocked, EventKind::BiometricUnlock, EventKind::AccountCreated, EventKind::AccountImported];

/// Items listed at most (the newest are kept; the rest are counted in `omitted`).
pub const MAX_ITEMS: usize = 50;
/// Events read at most after the previous success.
pub const MAX_SCANNED: u32 = 1000;

/// One reported event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityItem {
    pub category: ActivityCategory,
    pub event: SecurityEvent,
}

/// An event's unsealed columns: enough to choose what to report before any text is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventHead {
    pub id: i64,
    pub kind: EventKind,
    pub account_id: Option<String>,
}

impl EventHead {
    pub fn of(e: &SecurityEvent) -> EventHead {
        EventHead { id: e.id, kind: e.kind, account_id: e.account_id.clone() }
    }
}

/// The events of `heads` (oldest first) to report to `account_id`, with their category: the
/// newest [`MAX_ITEMS`]; `omitted` counts the reportable ones left out plus `unscanned`.
pub fn select(account_id: &str, heads: &[EventHead], unscanned: u64) -> (Vec<(i64, ActivityCategory)>, u32) {
    let mut chosen: Vec<(i64, ActivityCategory)> = heads
        .iter()
        .filter_map(|h| {
            let (cat, scope) = category(h.kind)?;
            let mine = h.account_id.as_deref() == Some(account_id);
            let reported = match scope {
                Scope::Account => mine || (cat == ActivityCategory::FailedAttempt && h.account_id.is_none()),
                Scope::OtherAccounts => !mine && h.account_id.is_some(),
            };
            reported.then_some((h.id, cat))
        })
        .collect();
    let extra = chosen.len().saturating_sub(MAX_ITEMS);
    chosen.drain(..extra);
    (chosen, u32::try_from(extra as u64 + unscanned).unwrap_or(u32::MAX))
}

/// What happened since the account's previous successful login/unlock.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActivitySummary {
    /// When the previous success was (`None`: none is logged).
    pub since_unix: Option<i64>,
    /// Wrong passwords for this account or an unknown name since then.
    pub failed_attempts: u32,
    pub last_failed_at_unix: Option<i64>,
    /// The events, oldest first (failed attempts with their times).
    pub items: Vec<ActivityItem>,
    /// Reportable events not listed (beyond [`MAX_ITEMS`], or not read).
    pub omitted: u32,
}

impl ActivitySummary {
    /// Nothing to report.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.omitted == 0 && self.failed_attempts == 0
    }

    /// Builds the summary for `account_id` from the events after its previous success
    /// (`scanned`, oldest first; `unscanned` more were not read) and the failure count.
    pub fn build(
        account_id: &str,
        since_unix: Option<i64>,
        failures: (u32, Option<i64>),
        scanned: Vec<SecurityEvent>,
        unscanned: u64,
    ) -> ActivitySummary {
        let heads: Vec<EventHead> = scanned.iter().map(EventHead::of).collect();
        let (chosen, omitted) = select(account_id, &heads, unscanned);
        let mut by_id: std::collections::HashMap<i64, SecurityEvent> = scanned.into_iter().map(|e| (e.id, e)).collect();
        let items = chosen.into_iter().filter_map(|(id, category)| Some(ActivityItem { category, event: by_id.remove(&id)? })).collect();
        ActivitySummary::new(since_unix, failures, items, omitted)
    }

    /// The summary of the chosen `items` (oldest first).
    pub fn new(
        since_unix: Option<i64>,
        (failed_attempts, last_failed_at_unix): (u32, Option<i64>),
        items: Vec<ActivityItem>,
        omitted: u32,
    ) -> ActivitySummary {
        ActivitySummary { since_unix, failed_attempts, last_failed_at_unix, items, omitted }
    }

    /// Counts per category for the `activity_reported` event: `failed_attempt 3, settings_changed 1`.
    pub fn detail(&self) -> String {
        let mut counts: Vec<(ActivityCategory, u32)> = Vec::new();
        for item in &self.items {
            match counts.iter_mut().find(|(c, _)| *c == item.category) {
                Some((_, n)) => *n += 1,
                None => counts.push((item.category, 1)),
            }
        }
        let mut parts: Vec<String> = counts.iter().map(|(c, n)| format!("{} {n}", c.as_str())).collect();
        if self.omitted > 0 {
            parts.push(format!("more {}", self.omitted));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: i64, kind: EventKind, account: Option<&str>) -> SecurityEvent {
        SecurityEvent { id, at_unix: 1000 + id, kind, account_id: account.map(str::to_string), account_name: None, detail: String::new() }
    }

    #[test]
    fn own_events_unknown_name_failures_and_other_accounts_additions() {
        let events = vec![
            ev(1, EventKind::LoginFailed, Some("a")),
            ev(2, EventKind::LoginFailed, None),
            ev(3, EventKind::LoginFailed, Some("b")),
            ev(4, EventKind::GateChanged, Some("b")),
            ev(5, EventKind::AccountCreated, Some("b")),
            ev(6, EventKind::BiometricInvalidated, Some("a")),
            ev(7, EventKind::GateChanged, Some("a")),
            ev(8, EventKind::LockedManually, Some("a")),
            ev(9, EventKind::EnvironmentWarning, Some("a")),
        ];
        let s = ActivitySummary::build("a", Some(900), (2, Some(1002)), events, 0);
        let got: Vec<(i64, ActivityCategory)> = s.items.iter().map(|i| (i.event.id, i.category)).collect();
        assert_eq!(
            got,
            vec![
                (1, ActivityCategory::FailedAttempt),
                (2, ActivityCategory::FailedAttempt),
                (5, ActivityCategory::AccountAdded),
                (6, ActivityCategory::BiometricChange),
                (7, ActivityCategory::SettingsChanged),
            ]
        );
        assert_eq!(s.detail(), "failed_attempt 2, account_added 1, biometric_change 1, settings_changed 1");
        assert!(!s.is_empty());
        assert!(ActivitySummary::build("a", None, (0, None), vec![ev(1, EventKind::Unlocked, Some("a"))], 0).is_empty());
    }

    #[test]
    fn the_newest_items_are_kept_and_the_rest_counted() {
        let events: Vec<SecurityEvent> = (1..=70).map(|i| ev(i, EventKind::LoginFailed, Some("a"))).collect();
        let s = ActivitySummary::build("a", None, (70, Some(1070)), events, 5);
        assert_eq!(s.items.len(), MAX_ITEMS);
        assert_eq!(s.items[0].event.id, 21);
        assert_eq!(s.omitted, 25);
    }
}
