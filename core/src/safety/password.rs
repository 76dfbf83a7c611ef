//! Password rehearsal and password age (ADR 0015).
//!
//! *Rehearsal*: users who only ever unlock with a fingerprint forget the password they need
//! after a logout. Per account the core keeps (sealed, in `account_settings`) when the password
//! was last entered correctly — on the wall clock and on the boot clock — and how many biometric
//! unlocks followed; once either passes the app's limits, the next biometric unlock is refused
//! with `PasswordRehearsalDue` until the password is entered. The time since the entry is the
//! longer of the two clocks' (the boot clock only within the same boot), so setting the date back
//! does not postpone it; a date set back by more than a day makes it due at once. A missing or
//! unreadable record counts as due (never as rehearsed).
//!
//! *Age*: the time since the password was set (recorded, with the boot clock, at creation and at
//! every change; for an account from before this record, its last `password_changed` event or its
//! creation); past the app's reminder period (off by default) a flag on every login/unlock and one
//! `password_change_due` event per password remind the user to change it.
//! Both periods are measured like the rehearsal's ([`Moment::elapsed`]).

use crate::clock::BootReading;
use crate::safety::policy::{RehearsalPolicy, SafetyPolicy};

const DAY: i64 = 86_400;

/// How far back the wall clock may move before the rehearsal is due anyway (the user set the
/// date back: the time since the last password entry can no longer be trusted).
pub const CLOCK_BACK_TOLERANCE_SECS: i64 = DAY;

/// A point in time on the wall clock and, when recorded, the boot clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    pub unix: i64,
    pub boot: Option<BootReading>,
}

impl Moment {
    /// Seconds since this moment: the longer of the wall clock's and (same boot) the boot
    /// clock's; negative only when the wall clock is behind and no boot time counts.
    pub fn elapsed(&self, now: i64, boot: &BootReading) -> i64 {
        let wall = now.saturating_sub(self.unix);
        let on_boot = match &self.boot {
            Some(b) if b.boot_id == boot.boot_id => i64::try_from(boot.secs.saturating_sub(b.secs)).unwrap_or(i64::MAX),
            _ => i64::MIN,
        };
        wall.max(on_boot)
    }
}

/// The rehearsal record of an account: last correct password entry and biometric unlocks since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rehearsal {
    pub password_at: Moment,
    pub biometric_unlocks: u32,
}

/// Whether the next biometric unlock must be refused for the password. `record` is `None` when
/// nothing (readable) is stored: due, unless rehearsal is off.
pub fn rehearsal_due(policy: &RehearsalPolicy, record: Option<&Rehearsal>, now: i64, boot: &BootReading) -> bool {
    if !policy.enabled() {
        return false;
    }
    let Some(r) = record else { return true };
    let by_count = policy.after_biometric_unlocks.is_some_and(|max| r.biometric_unlocks >= max);
    let set_back = now.saturating_sub(r.password_at.unix) < -CLOCK_BACK_TOLERANCE_SECS;
    let elapsed = r.password_at.elapsed(now, boot);
    let by_time = policy.after_days.is_some_and(|d| elapsed >= i64::from(d) * DAY || set_back);
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
    /// The status at `now` (and `boot`) from the stored facts: the password was set at `set`.
    pub fn compute(policy: &SafetyPolicy, set: &Moment, rehearsal: Option<&Rehearsal>, now: i64, boot: &BootReading) -> PasswordStatus {
        let age = whole_days(set.elapsed(now, boot));
        PasswordStatus {
            password_set_at_unix: set.unix,
            password_age_days: age,
            password_change_due: policy.password_reminder_days.is_some_and(|d| age >= d),
            biometric_unlocks_since_password: rehearsal.map(|r| r.biometric_unlocks),
            days_since_password: rehearsal.map(|r| whole_days(r.password_at.elapsed(now, boot))),
            password_rehearsal_due: rehearsal_due(&policy.rehearsal, rehearsal, now, boot),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000;

    fn boot(id: &str, secs: u64) -> BootReading {
        BootReading { boot_id: id.into(), secs }
    }

    fn rec(n: u32, at: i64, b: Option<BootReading>) -> Option<Rehearsal> {
        Some(Rehearsal { password_at: Moment { unix: at, boot: b }, biometric_unlocks: n })
    }

    fn wall(unix: i64) -> Moment {
        Moment { unix, boot: None }
    }

    #[test]
    fn due_after_the_count_or_the_days_whichever_first() {
        let p = RehearsalPolicy::default();
        let b0 = boot("b1", 100);
        assert!(!rehearsal_due(&p, rec(29, T0, Some(b0.clone())).as_ref(), T0, &b0));
        assert!(rehearsal_due(&p, rec(30, T0, Some(b0.clone())).as_ref(), T0, &b0));
        assert!(!rehearsal_due(&p, rec(0, T0, None).as_ref(), T0 + 14 * DAY - 1, &b0));
        assert!(rehearsal_due(&p, rec(0, T0, None).as_ref(), T0 + 14 * DAY, &b0));
        assert!(rehearsal_due(&p, None, T0, &b0), "nothing recorded counts as due");
        assert!(!rehearsal_due(&p, rec(0, T0, None).as_ref(), T0 - 3600, &b0), "a clock a little behind is tolerated");
        assert!(rehearsal_due(&p, rec(0, T0, None).as_ref(), T0 - 2 * DAY, &b0), "a clock set back a lot makes it due");
        let off = RehearsalPolicy { after_days: None, after_biometric_unlocks: None };
        assert!(!rehearsal_due(&off, None, T0, &b0));
        let count_only = RehearsalPolicy { after_days: None, after_biometric_unlocks: Some(3) };
        assert!(!rehearsal_due(&count_only, rec(2, T0, None).as_ref(), T0 + 400 * DAY, &b0));
    }

    #[test]
    fn the_boot_clock_keeps_counting_when_the_wall_clock_is_set_back() {
        let p = RehearsalPolicy::default();
        let r = rec(0, T0, Some(boot("b1", 100)));
        // 14 days on this boot, the wall clock set back to one day after the entry.
        let later = boot("b1", 100 + 14 * DAY as u64);
        assert!(rehearsal_due(&p, r.as_ref(), T0 + DAY, &later));
        assert_eq!(r.as_ref().unwrap().password_at.elapsed(T0 + DAY, &later), 14 * DAY);
        // Another boot: only the wall clock counts.
        assert!(!rehearsal_due(&p, r.as_ref(), T0 + DAY, &boot("b2", 5)));
    }

    #[test]
    fn age_and_reminder() {
        let mut p = SafetyPolicy::default();
        let b = boot("b1", 0);
        let s = PasswordStatus::compute(&p, &wall(T0), None, T0 + 200 * DAY + 5, &b);
        assert_eq!(s.password_age_days, 200);
        assert!(!s.password_change_due, "the reminder is off by default");
        assert!(s.password_rehearsal_due);
        p.password_reminder_days = Some(180);
        let r = rec(4, T0 + 199 * DAY, None);
        let s = PasswordStatus::compute(&p, &wall(T0), r.as_ref(), T0 + 200 * DAY + 5, &b);
        assert!(s.password_change_due && !s.password_rehearsal_due);
        assert_eq!((s.biometric_unlocks_since_password, s.days_since_password), (Some(4), Some(1)));
        assert_eq!(PasswordStatus::compute(&p, &wall(T0), r.as_ref(), T0 - 10, &b).password_age_days, 0);
        // Measured on the boot clock too: a date set back does not make the password younger.
        let set = Moment { unix: T0, boot: Some(boot("b1", 0)) };
        let s = PasswordStatus::compute(&p, &set, r.as_ref(), T0, &boot("b1", 180 * DAY as u64));
        assert_eq!((s.password_age_days, s.password_change_due), (180, true));
    }
}
