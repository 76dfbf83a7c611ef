//! Auto-lock: an idle timeout driven by a tokio timer.
//!
//! The engine publishes a deadline (or none) on a watch channel; a task on the core's runtime
//! sleeps until it, re-arming whenever `touch()` moves it, and locks the session when it
//! passes. Backgrounding applies the same timeout (or locks at once for `Immediate`), and on
//! return to the foreground the elapsed time is checked against both clocks in case the OS
//! suspended the timer.

use std::time::Duration;

use crate::{Error, Result};

/// The stored auto-lock setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoLock {
    /// Lock as soon as the app goes to the background.
    Immediate,
    /// Lock after this many seconds without activity (UI presets: 30, 60, 300, 900).
    AfterSeconds(u32),
    /// Never lock automatically.
    Never,
}

impl AutoLock {
    /// Validates a setting.
    pub fn validate(self) -> Result<AutoLock> {
        match self {
            AutoLock::AfterSeconds(0) => {
                Err(Error::InvalidArgument { reason: "auto-lock seconds must be at least 1 (or use Immediate)".into() })
            }
            AutoLock::AfterSeconds(s) if s > 86_400 => {
                Err(Error::InvalidArgument { reason: "auto-lock is at most 24 h (or use Never)".into() })
            }
            ok => Ok(ok),
        }
    }

    /// Idle timeout while in the foreground.
    pub fn idle_timeout(self) -> Option<Duration> {
        match self {
            AutoLock::AfterSeconds(s) => Some(Duration::from_secs(u64::from(s))),
            AutoLock::Immediate | AutoLock::Never => None,
        }
    }

    pub fn to_setting(self) -> String {
        match self {
            AutoLock::Immediate => "immediate".into(),
            AutoLock::Never => "never".into(),
            AutoLock::AfterSeconds(s) => s.to_string(),
        }
    }

    pub fn from_setting(s: &str) -> Option<AutoLock> {
        match s {
            "immediate" => Some(AutoLock::Immediate),
            "never" => Some(AutoLock::Never),
            n => n.parse().ok().map(AutoLock::AfterSeconds),
        }
    }
}
