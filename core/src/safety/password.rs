//! Password rehearsal and password age (ADR 0015).
//!
//! *Rehearsal*: users who only ever unlock with a fingerprint forget the password they need
//! after a logout. Per account the core keeps (sealed, in `account_settings`) when the password
//! was last entered correctly and how many biometric unlocks followed; once either passes the
//! app's limits, the next biometric unlock is refused with `PasswordRehearsalDue` until the
//! password is entered. A missing or unreadable record counts as due (never as rehearsed).
//!
//! *Age*: the time since the password was set (the account's creation or its last
//! `password_changed` event); past the app's reminder period (off by default) a flag and one
//! `password_change_due` event per period remind the user to change it.

use crate::safety::policy::{RehearsalPolicy, SafetyPolicy};

const DAY: i64 = 86_400;

/// How far back the wall clock may move before the rehearsal is due anyway (the user set the
/// date back: the time since the last password entry can no longer be trusted).
pub const CLOCK_BACK_TOLERANCE_SECS: i64 = DAY;

/// The rehearsal record of an account: last correct password entry and biometric unlocks since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rehearsal {
    pub password_at_unix: i64,
    pub biometric_unlocks: u32,
}

/// Whether the next biometric unlock must be refused for the password. `record` is `None` when
/// nothing (readable) is stored: due, unless rehearsal is off.
pub fn rehearsal_due(policy: &RehearsalPolicy, record: Option<Rehearsal>, now: i64) -> bool {
    if !policy.enabled() {
        return false;
    }
    let Some(r) = record else { return true };
    let by_count = policy.after_biometric_unlocks.is_some_and(|max| r.biometric_unlocks >= max);
    let elapsed = now.saturating_sub(r.password_at_unix);
    let by_time = policy.after_days.is_some_and(|d| elapsed >= i64::from(d) * DAY || elapsed < -CLOCK_BACK_TOLERANCE_SECS);
    by_count || by_time
}

/// The password facts of the session's account (lock screen, status, unlock outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordStatus {
    /// When the password was set (account creation or the last change).
    pub password_set_at_unix: i64,
    /// Whole days since then.
    pub password_age_days: u32,
    /// The app's reminder period has passed: suggest changing the password.
    pub password_change_due: bool,
    /// Biometric unlocks since the password was last entered (`None`: not recorded).
    pub biometric_unlocks_since_password: Option<u32>,
    /// Whole days since the password was last entered (`None`: not recorded).
    pub days_since_password: Option<u32>,
    /// The next biometric unlock will be refused until the password is entered.
    pub password_rehearsal_due: bool,
}

fn whole_days(secs: i64) -> u32 {
    u32::try_from(secs.max(0) / DAY).unwrap_or(u32::MAX)
}

impl PasswordStatus {
    /// The status at `now` from the stored facts.
    pub fn compute(policy: &SafetyPolicy, set_at: i64, rehearsal: Option<Rehearsal>, now: i64) -> PasswordStatus {
        let age = whole_days(now.saturating_sub(set_at));
        PasswordStatus {
            password_set_at_unix: set_at,
            password_age_days: age,
            password_change_due: policy.password_reminder_days.is_some_and(|d| age >= d),
            biometric_unlocks_since_password: rehearsal.map(|r| r.biometric_unlocks),
            days_since_password: rehearsal.map(|r| whole_days(now.saturating_sub(r.password_at_unix))),
            password_rehearsal_due: rehearsal_due(&policy.rehearsal, rehearsal, now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000;

    #[test]
    fn due_after_the_count_or_the_days_whichever_first() {
        let p = RehearsalPolicy::default();
        let r = |n, at| Some(Rehearsal { password_at_unix: at, biometric_unlocks: n });
        assert!(!rehearsal_due(&p, r(29, T0), T0));
        assert!(rehearsal_due(&p, r(30, T0), T0));
        assert!(!rehearsal_due(&p, r(0, T0), T0 + 14 * DAY - 1));
        assert!(rehearsal_due(&p, r(0, T0), T0 + 14 * DAY));
        assert!(rehearsal_due(&p, None, T0), "nothing recorded counts as due");
        assert!(!rehearsal_due(&p, r(0, T0), T0 - 3600), "a clock a little behind is tolerated");
        assert!(rehearsal_due(&p, r(0, T0), T0 - 2 * DAY), "a clock set back a lot makes it due");
        let off = RehearsalPolicy { after_days: None, after_biometric_unlocks: None };
        assert!(!rehearsal_due(&off, None, T0));
        let count_only = RehearsalPolicy { after_days: None, after_biometric_unlocks: Some(3) };
        assert!(!rehearsal_due(&count_only, r(2, T0), T0 + 400 * DAY));
    }

    #[test]
    fn age_and_reminder() {
        let mut p = SafetyPolicy::default();
        let s = PasswordStatus::compute(&p, T0, None, T0 + 200 * DAY + 5);
        assert_eq!(s.password_age_days, 200);
        assert!(!s.password_change_due, "the reminder is off by default");
        assert!(s.password_rehearsal_due);
        p.password_reminder_days = Some(180);
        let rec = Some(Rehearsal { password_at_unix: T0 + 199 * DAY, biometric_unlocks: 4 });
        let s = PasswordStatus::compute(&p, T0, rec, T0 + 200 * DAY + 5);
        assert!(s.password_change_due && !s.password_rehearsal_due);
        assert_eq!((s.biometric_unlocks_since_password, s.days_since_password), (Some(4), Some(1)));
        assert_eq!(PasswordStatus::compute(&p, T0, rec, T0 - 10).password_age_days, 0);
    }
}
