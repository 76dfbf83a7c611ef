//! A spinner on stderr while a slow call (Argon2, scrypt) runs — only on a terminal.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Runs `f`, showing `label` with a spinner if stderr is a terminal.
pub fn with_spinner<T>(label: &str, f: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return f();
    }
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    let label = label.to_string();
    let handle = std::thread::spawn(move || {
        let frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
        let mut i = 0;
        while !flag.load(Ordering::Relaxed) {
            eprint!("\r{} {label}…", frames[i % frames.len()]);
            let _ = std::io::stderr().flush();
            i += 1;
            std::thread::sleep(Duration::from_millis(80));
        }
        eprint!("\r{}\r", " ".repeat(label.chars().count() + 4));
    });
    let out = f();
    done.store(true, Ordering::Relaxed);
    let _ = handle.join();
    out
}
