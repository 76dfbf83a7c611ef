//! Brute-force protection for password checks.
//!
//! One device-wide counter in the database. Each attempt is counted *before* the KDF runs (in
//! the same `BEGIN IMMEDIATE` transaction as the check, so parallel calls serialise), and reset
//! only by a success. After [`FREE_ATTEMPTS`] consecutive failures every further attempt must
//! wait a growing delay (30 s, 1 min, 5 min, 15 min, then 1 h) counted from the last attempt.
//! A restart keeps the counter (it is persisted); a wall clock set back restarts the full delay
//! from "now" instead of shortening it; within a process the monotonic clock is consulted too,
//! so setting the clock forward does not help either.

use rusqlite::Transaction;

use crate::store::limiter as store;
use crate::Result;

/// Attempts allowed before delays start.
pub const FREE_ATTEMPTS: u32 = 5;

/// Delay in seconds required after `failures` consecutive failures.
pub fn delay_for(failures: u32) -> u64 {
    match failures {
        0..FREE_ATTEMPTS => 0,
        5 => 30,
        6 => 60,
        7 => 300,
        8 => 900,
        _ => 3600,
    }
}

/// In-process monotonic memory of the last counted attempt.
#[derive(Default)]
pub struct MonotonicGuard {
    last: Option<u64>,
}

/// Outcome of asking to attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go ahead; this many failures are counted so far, including this attempt.
    Admitted { failures: u32 },
    /// Wait this many seconds.
    Refused { retry_after_secs: u64 },
}

/// Checks the limiter and, if allowed, counts this attempt as a failure until proven otherwise.
/// The caller commits the transaction in both outcomes.
pub fn admit(tx: &Transaction<'_>, now: i64, mono: u64, guard: &mut MonotonicGuard) -> Result<Admission> {
    let (failures, last) = store::read(tx)?;
    let delay = delay_for(failures);
    if delay > 0 {
        if now < last {
            // Clock set back: restart the full delay from now, never shorten it.
            store::write(tx, failures, now)?;
            return Ok(Admission::Refused { retry_after_secs: delay });
        }
        let wall_left = (last + delay as i64 - now).max(0) as u64;
        let mono_left = guard.last.map_or(0, |t| delay.saturating_sub(mono.saturating_sub(t)));
        let left = wall_left.max(mono_left);
        if left > 0 {
            return Ok(Admission::Refused { retry_after_secs: left });
        }
    }
    let failures = failures.saturating_add(1);
    store::write(tx, failures, now)?;
    guard.last = Some(mono);
    Ok(Admission::Admitted { failures })
}

/// A correct password: forget the failures.
pub fn reset(tx: &Transaction<'_>, guard: &mut MonotonicGuard) -> Result<()> {
    let (_, last) = store::read(tx)?;
    store::write(tx, 0, last)?;
    guard.last = None;
    Ok(())
}

/// Seconds until the next attempt is allowed (0 = now).
pub fn retry_after(conn: &rusqlite::Connection, now: i64) -> Result<u64> {
    let (failures, last) = store::read(conn)?;
    let delay = delay_for(failures);
    if delay == 0 {
        return Ok(0);
    }
    if now < last {
        return Ok(delay);
    }
    Ok((last + delay as i64 - now).max(0) as u64)
}
