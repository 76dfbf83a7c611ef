//! Brute-force protection for password checks (ADR 0002).
//!
//! * **Per account.** Failures are counted per account id; every unknown name shares one
//!   bucket. A success clears only its own account's bucket (never the unknown bucket), so a
//!   correct login to another account — one the attacker added — resets nothing.
//! * **Counted before the KDF**, in the same `BEGIN IMMEDIATE` transaction as the check, so
//!   parallel calls serialise. After [`FREE_ATTEMPTS`] failures each further attempt waits
//!   30 s, 1 min, 5 min, 15 min, then 1 h, counted from the bucket's last attempt.
//! * **Device-wide ceiling.** After [`CEILING`] failures across all buckets within
//!   [`WINDOW_SECS`], every attempt waits [`MAX_DELAY_SECS`] from the latest failure. It decays
//!   only with time, never with a success.
//! * **Measured on the boot clock** ([`crate::clock::BootClock`]): wall-clock changes do not
//!   matter, and a refused attempt never moves an anchor. On a new boot (or with no platform
//!   boot clock, a new process) every anchor restarts from the first open, so a delay restarts
//!   in full instead of being skipped.
//! * A bucket idle for [`WINDOW_SECS`] on the same boot forgets its failures.

use rusqlite::Connection;

use crate::clock::BootReading;
use crate::store::limiter::{self as store, Bucket};
use crate::Result;

/// Attempts allowed per bucket before delays start.
pub const FREE_ATTEMPTS: u32 = 5;
/// Failures across all buckets within [`WINDOW_SECS`] that trigger the longest delay.
pub const CEILING: u32 = 20;
/// The ceiling's window, and a bucket's idle time after which it forgets its failures.
pub const WINDOW_SECS: u64 = 86_400;
/// The longest delay.
pub const MAX_DELAY_SECS: u64 = 3600;
/// The bucket every unknown account name shares.
pub const UNKNOWN_BUCKET: &str = "_unknown";

/// Delay in seconds required after `failures` consecutive failures.
pub fn delay_for(failures: u32) -> u64 {
    match failures {
        0..FREE_ATTEMPTS => 0,
        5 => 30,
        6 => 60,
        7 => 300,
        8 => 900,
        _ => MAX_DELAY_SECS,
    }
}

/// Boot-clock seconds from `anchor` to `now` (0 on another boot: restart in full).
fn elapsed(anchor: &BootReading, now: &BootReading) -> u64 {
    if anchor.boot_id == now.boot_id {
        now.secs.saturating_sub(anchor.secs)
    } else {
        0
    }
}

/// What the UI shows: attempts left before a delay, and the delay now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptStatus {
    /// Failed attempts still allowed before a delay starts (0 while a delay applies).
    pub attempts_left: u32,
    /// Seconds until the next attempt is allowed (0 = now).
    pub retry_after_secs: u64,
}

/// The bucket's failures that still count (an idle bucket forgets them).
fn live_failures(b: &Bucket, now: &BootReading) -> u32 {
    if b.anchor.boot_id == now.boot_id && elapsed(&b.anchor, now) >= WINDOW_SECS {
        0
    } else {
        b.failures
    }
}

struct Window {
    in_window: Vec<(i64, BootReading)>,
    expired: Vec<i64>,
}

fn window(conn: &Connection, now: &BootReading) -> Result<Window> {
    let (mut in_window, mut expired) = (Vec::new(), Vec::new());
    for (id, at) in store::failures(conn)? {
        if at.boot_id == now.boot_id && elapsed(&at, now) >= WINDOW_SECS {
            expired.push(id);
        } else {
            in_window.push((id, at));
        }
    }
    Ok(Window { in_window, expired })
}

/// The status of `bucket` now, ceiling included.
pub fn status(conn: &Connection, bucket: &str, now: &BootReading) -> Result<AttemptStatus> {
    let b = store::bucket(conn, bucket)?;
    let failures = b.as_ref().map_or(0, |b| live_failures(b, now));
    let mut wait = b.as_ref().map_or(0, |b| delay_for(failures).saturating_sub(elapsed(&b.anchor, now)));
    let w = window(conn, now)?;
    let in_window = w.in_window.len() as u32;
    if in_window >= CEILING {
        let since_latest = w.in_window.iter().map(|(_, at)| elapsed(at, now)).min().unwrap_or(0);
        wait = wait.max(MAX_DELAY_SECS.saturating_sub(since_latest));
    }
    let attempts_left = if wait > 0 { 0 } else { FREE_ATTEMPTS.saturating_sub(failures).min(CEILING.saturating_sub(in_window)) };
    Ok(AttemptStatus { attempts_left, retry_after_secs: wait })
}

/// Outcome of asking to attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go ahead; the attempt is counted as a failure until [`succeeded`] says otherwise.
    Admitted { window_entry: i64 },
    /// Wait this many seconds.
    Refused { retry_after_secs: u64 },
}

/// Checks the limiter and, if allowed, counts this attempt as a failure until proven otherwise.
/// A refused attempt changes nothing but the displayed last-attempt time (never backwards).
pub fn admit(conn: &Connection, bucket: &str, now: &BootReading, wall: i64) -> Result<Admission> {
    let st = status(conn, bucket, now)?;
    let old = store::bucket(conn, bucket)?;
    let last_attempt_at = old.as_ref().map_or(wall, |b| b.last_attempt_at.max(wall));
    if st.retry_after_secs > 0 {
        if let Some(b) = old {
            store::put_bucket(conn, bucket, &Bucket { last_attempt_at, ..b })?;
        }
        return Ok(Admission::Refused { retry_after_secs: st.retry_after_secs });
    }
    let failures = old.as_ref().map_or(0, |b| live_failures(b, now)).saturating_add(1);
    store::put_bucket(conn, bucket, &Bucket { failures, last_attempt_at, anchor: now.clone() })?;
    store::prune_failures(conn, &window(conn, now)?.expired)?;
    Ok(Admission::Admitted { window_entry: store::add_failure(conn, now)? })
}

/// A correct password: its own bucket forgets its failures (the unknown bucket never does),
/// and the attempt is taken out of the device-wide window (it was not a failure).
pub fn succeeded(conn: &Connection, bucket: &str, window_entry: i64) -> Result<()> {
    store::remove_failure(conn, window_entry)?;
    if bucket != UNKNOWN_BUCKET {
        if let Some(b) = store::bucket(conn, bucket)? {
            store::put_bucket(conn, bucket, &Bucket { failures: 0, ..b })?;
        }
    }
    Ok(())
}

/// The bucket of `account_id`'s second-factor guesses (ADR 0014, review 19). Every check that
/// asks for the account's factor (login, unlock under the app's policy, turning it off, new
/// recovery codes, turning on the app-verified code) counts here too, whatever the password,
/// and only a check that passed the factor clears it: a password-only success (unlock, a
/// gate), which clears the account's own bucket, does not give code guesses back.
pub fn factor_bucket(account_id: &str) -> String {
    format!("2fa:{account_id}")
}

/// The factor bucket's own status (its delays; the ceiling is the password bucket's).
fn factor_status(conn: &Connection, account_id: &str, now: &BootReading) -> Result<AttemptStatus> {
    let b = store::bucket(conn, &factor_bucket(account_id))?;
    let failures = b.as_ref().map_or(0, |b| live_failures(b, now));
    let wait = b.as_ref().map_or(0, |b| delay_for(failures).saturating_sub(elapsed(&b.anchor, now)));
    let attempts_left = if wait > 0 { 0 } else { FREE_ATTEMPTS.saturating_sub(failures) };
    Ok(AttemptStatus { attempts_left, retry_after_secs: wait })
}

/// The stricter of two statuses.
fn stricter(a: AttemptStatus, b: AttemptStatus) -> AttemptStatus {
    let wait = a.retry_after_secs.max(b.retry_after_secs);
    AttemptStatus { attempts_left: if wait > 0 { 0 } else { a.attempts_left.min(b.attempts_left) }, retry_after_secs: wait }
}

/// [`status`] of `bucket`, and — for a check that asks for `factor_account`'s second factor —
/// of that account's factor bucket: the stricter.
pub fn status_with_factor(conn: &Connection, bucket: &str, factor_account: Option<&str>, now: &BootReading) -> Result<AttemptStatus> {
    let st = status(conn, bucket, now)?;
    match factor_account {
        Some(id) => Ok(stricter(st, factor_status(conn, id, now)?)),
        None => Ok(st),
    }
}

/// Counts a factor guess of `account_id`, or refuses it (`Some(wait)`) while the factor
/// bucket's delay runs. A refused guess changes nothing.
pub fn admit_factor(conn: &Connection, account_id: &str, now: &BootReading) -> Result<Option<u64>> {
    let st = factor_status(conn, account_id, now)?;
    if st.retry_after_secs > 0 {
        return Ok(Some(st.retry_after_secs));
    }
    let name = factor_bucket(account_id);
    let old = store::bucket(conn, &name)?;
    let failures = old.as_ref().map_or(0, |b| live_failures(b, now)).saturating_add(1);
    let last_attempt_at = old.as_ref().map_or(0, |b| b.last_attempt_at);
    store::put_bucket(conn, &name, &Bucket { failures, last_attempt_at, anchor: now.clone() })?;
    Ok(None)
}

/// [`admit`] for a check that asks for `factor_account`'s second factor: refused while either
/// bucket's delay runs, and counted in both.
pub fn admit_with_factor(conn: &Connection, bucket: &str, factor_account: Option<&str>, now: &BootReading, wall: i64) -> Result<Admission> {
    if let Some(id) = factor_account {
        let wait = factor_status(conn, id, now)?.retry_after_secs;
        if wait > 0 {
            let st = status(conn, bucket, now)?;
            return Ok(Admission::Refused { retry_after_secs: wait.max(st.retry_after_secs) });
        }
    }
    let admission = admit(conn, bucket, now, wall)?;
    if let (Admission::Admitted { .. }, Some(id)) = (admission, factor_account) {
        admit_factor(conn, id, now)?;
    }
    Ok(admission)
}

/// The factor was passed: `account_id`'s factor guesses are forgotten.
pub fn factor_passed(conn: &Connection, account_id: &str) -> Result<()> {
    store::delete_bucket(conn, &factor_bucket(account_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(boot: &str, secs: u64) -> BootReading {
        BootReading { boot_id: boot.into(), secs }
    }

    #[test]
    fn elapsed_is_zero_across_boots() {
        assert_eq!(elapsed(&at("a", 10), &at("a", 50)), 40);
        assert_eq!(elapsed(&at("a", 10), &at("b", 5000)), 0);
        assert_eq!(elapsed(&at("a", 50), &at("a", 10)), 0, "never negative");
    }

    #[test]
    fn delays_grow_to_the_maximum() {
        assert_eq!((0..12).map(delay_for).collect::<Vec<_>>(), [0, 0, 0, 0, 0, 30, 60, 300, 900, 3600, 3600, 3600]);
    }
}
