//! Time sources, injectable so tests can move them: the wall clock (which a user can set back
//! or forward), a monotonic clock (which only moves forward while the process runs), and a
//! [`BootClock`]: elapsed time since boot (including sleep) plus an id of the boot, which
//! survives app restarts and ignores wall-clock changes. The attempt limiter measures its
//! delays on the boot clock; on a new boot (or with no platform boot clock) a delay restarts
//! in full.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, OnceLock};
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

/// Time since boot that survives app restarts (Android `SystemClock.elapsedRealtime` +
/// `Settings.Global.BOOT_COUNT`, iOS `kern.boottime` + a monotonic clock, Linux
/// `CLOCK_BOOTTIME` + `/proc/sys/kernel/random/boot_id`).
pub trait BootClock: Send + Sync {
    /// Identifies the current boot; changes on every reboot.
    fn boot_id(&self) -> Result<String, crate::auth::hooks::HookError>;
    /// Seconds since boot, including time asleep; never goes back within one boot.
    fn since_boot_secs(&self) -> Result<u64, crate::auth::hooks::HookError>;
}

/// One boot-clock reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootReading {
    pub boot_id: String,
    pub secs: u64,
}

/// The longest plausible time since boot: ten years.
pub const MAX_UPTIME_SECS: u64 = 10 * 365 * 86_400;
const MAX_BOOT_ID: usize = 128;

/// Reads `clock`; when the platform hook fails, a per-process pseudo boot is used, so a delay
/// then restarts in full rather than being skipped.
pub fn read_boot(clock: &dyn BootClock) -> BootReading {
    match (clock.boot_id(), clock.since_boot_secs()) {
        // An implausible reading (a device up for over ten years, e.g. a `-1` passed through as
        // unsigned) counts as a failing hook: it would make every anchor look expired.
        (Ok(boot_id), Ok(secs)) if !boot_id.is_empty() && boot_id.len() <= MAX_BOOT_ID && secs <= MAX_UPTIME_SECS => {
            BootReading { boot_id, secs }
        }
        _ => {
            let p = ProcessBootClock::shared();
            BootReading { boot_id: p.id.clone(), secs: p.started.elapsed().as_secs() }
        }
    }
}

/// The fallback when the platform gives no boot clock: every process is its own "boot", so a
/// restart restarts a delay in full.
pub struct ProcessBootClock {
    id: String,
    started: Instant,
}

impl ProcessBootClock {
    fn shared() -> &'static ProcessBootClock {
        static P: OnceLock<ProcessBootClock> = OnceLock::new();
        P.get_or_init(|| {
            let mut b = [0u8; 16];
            let id = match getrandom::fill(&mut b) {
                Ok(()) => format!("process-{}", hex::encode(b)),
                Err(_) => format!("process-{}-{:?}", std::process::id(), SystemTime::now()),
            };
            ProcessBootClock { id, started: Instant::now() }
        })
    }
}

/// The process pseudo boot as a hook value (the default of [`crate::Hooks`]).
pub struct NoBootClock;

impl BootClock for NoBootClock {
    fn boot_id(&self) -> Result<String, crate::auth::hooks::HookError> {
        Ok(ProcessBootClock::shared().id.clone())
    }
    fn since_boot_secs(&self) -> Result<u64, crate::auth::hooks::HookError> {
        Ok(ProcessBootClock::shared().started.elapsed().as_secs())
    }
}

/// Linux desktops: `/proc/sys/kernel/random/boot_id` and `/proc/uptime` (CLOCK_BOOTTIME,
/// which counts suspend).
pub struct LinuxBootClock;

impl BootClock for LinuxBootClock {
    fn boot_id(&self) -> Result<String, crate::auth::hooks::HookError> {
        std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
            .map(|s| s.trim().to_string())
            .map_err(|e| crate::auth::hooks::HookError { message: format!("boot id: {e}") })
    }
    fn since_boot_secs(&self) -> Result<u64, crate::auth::hooks::HookError> {
        let text =
            std::fs::read_to_string("/proc/uptime").map_err(|e| crate::auth::hooks::HookError { message: format!("uptime: {e}") })?;
        text.split('.')
            .next()
            .and_then(|s| s.trim().parse().ok())
            .ok_or(crate::auth::hooks::HookError { message: "unreadable /proc/uptime".into() })
    }
}

/// Clocks tests can set: `advance` moves both (time passes), `shift_wall` moves only the wall
/// clock (the user changed the date).
/// It is also a [`BootClock`] whose time since boot is the monotonic time; [`ManualClock::reboot`]
/// starts a new boot.
pub struct ManualClock {
    wall: AtomicI64,
    mono: AtomicI64,
    boot: Mutex<u32>,
}

impl ManualClock {
    pub fn new(start: i64) -> ManualClock {
        ManualClock { wall: AtomicI64::new(start), mono: AtomicI64::new(0), boot: Mutex::new(1) }
    }
    /// The device restarts: a new boot id, time since boot back near zero.
    pub fn reboot(&self) {
        *self.boot.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.mono.store(0, Ordering::SeqCst);
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

impl BootClock for ManualClock {
    fn boot_id(&self) -> Result<String, crate::auth::hooks::HookError> {
        Ok(format!("manual-boot-{}", *self.boot.lock().unwrap_or_else(|e| e.into_inner())))
    }
    fn since_boot_secs(&self) -> Result<u64, crate::auth::hooks::HookError> {
        Ok(self.monotonic_secs())
    }
}
