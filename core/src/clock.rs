//! Time sources, injectable so tests can move them: the wall clock (which a user can set back
//! or forward) and a monotonic clock (which only moves forward while the process runs).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Wall and monotonic time.
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch (the user can change this).
    fn now_unix(&self) -> i64;
    /// Seconds on a clock that never goes back within this process.
    fn monotonic_secs(&self) -> u64;
}

/// The system clocks.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    }
    fn monotonic_secs(&self) -> u64 {
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs()
    }
}

/// Clocks tests can set: `advance` moves both (time passes), `shift_wall` moves only the wall
/// clock (the user changed the date).
pub struct ManualClock {
    wall: AtomicI64,
    mono: AtomicI64,
}

impl ManualClock {
    pub fn new(start: i64) -> ManualClock {
        ManualClock { wall: AtomicI64::new(start), mono: AtomicI64::new(0) }
    }
    /// Time passes.
    pub fn advance(&self, secs: i64) {
        self.wall.fetch_add(secs, Ordering::SeqCst);
        self.mono.fetch_add(secs.max(0), Ordering::SeqCst);
    }
    /// The user sets the wall clock (monotonic time does not move).
    pub fn shift_wall(&self, secs: i64) {
        self.wall.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_unix(&self) -> i64 {
        self.wall.load(Ordering::SeqCst)
    }
    fn monotonic_secs(&self) -> u64 {
        self.mono.load(Ordering::SeqCst) as u64
    }
}
