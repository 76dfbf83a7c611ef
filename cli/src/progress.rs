//! A spinner on stderr while a slow call (Argon2, scrypt) runs — only on a terminal
//! (`indicatif`). Lines printed to stderr meanwhile (session notices from the listener's
//! thread) go above the spinner instead of through it.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Runs `f`, showing `label` with a spinner if stderr is a terminal.
pub fn with_spinner<T>(label: &str, f: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return f();
    }
    let pb = ProgressBar::new_spinner().with_message(format!("{label}…"));
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        pb.set_style(style);
    }
    pb.enable_steady_tick(Duration::from_millis(80));
    *ACTIVE.lock().unwrap_or_else(|e| e.into_inner()) = Some(pb.clone());
    let out = f();
    ACTIVE.lock().unwrap_or_else(|e| e.into_inner()).take();
    pb.finish_and_clear();
    out
}

/// Prints `line` above the running spinner; false when none runs.
pub fn print_above(line: &str) -> bool {
    match ACTIVE.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        Some(pb) => {
            pb.println(line);
            true
        }
        None => false,
    }
}
