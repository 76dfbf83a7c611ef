//! Output and errors for the CLI: plain text or `--json`, colour only on a terminal.
//!
//! A failed command prints the typed error (kind + message) to stderr — or as a JSON object on
//! stdout with `--json` — and exits non-zero: 1 for a core error, 2 for usage, 3 for I/O. Typo
//! suggestions for a recovery word follow on their own line (JSON: `suggestions`).

use std::io::IsTerminal;

use serde_json::{json, Value};

/// How to print.
pub struct Out {
    pub json: bool,
    pub color: bool,
}

impl Out {
    pub fn new(json: bool) -> Out {
        Out { json, color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() }
    }

    pub fn print_json(&self, v: &Value) {
        println!("{}", serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into()));
    }

    /// A warning line on stderr (yellow on a terminal).
    pub fn warn(&self, msg: &str) {
        if self.color {
            eprintln!("\x1b[33m! {msg}\x1b[0m");
        } else {
            eprintln!("! {msg}");
        }
    }
}

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    Core(imwallet_core::Error),
    Usage(String),
    Io(String),
}

impl CliError {
    pub fn usage(s: impl Into<String>) -> CliError {
        CliError::Usage(s.into())
    }
    pub fn io(s: impl Into<String>) -> CliError {
        CliError::Io(s.into())
    }

    pub fn report(&self, out: &Out) -> i32 {
        let (kind, msg, code) = match self {
            CliError::Core(e @ imwallet_core::Error::DataDirectoryInUse { holder_pid }) => {
                (e.kind(), format!("{e}{}", holder_pid.map(holder_hint).unwrap_or_default()), 1)
            }
            CliError::Core(e) => (e.kind(), e.to_string(), 1),
            CliError::Usage(m) => ("Usage", m.clone(), 2),
            CliError::Io(m) => ("Io", m.clone(), 3),
        };
        // Typo suggestions are a field of the error, not part of its message (which apps log):
        // shown to the user here, on their own line (or as their own JSON field).
        let suggestions = match self {
            CliError::Core(imwallet_core::Error::MnemonicUnknownWord { suggestions, .. }) => suggestions.as_slice(),
            _ => &[],
        };
        if out.json {
            let mut err = json!({"kind": kind, "message": msg});
            if !suggestions.is_empty() {
                err["suggestions"] = json!(suggestions);
            }
            out.print_json(&json!({ "error": err }));
            return code;
        }
        if out.color {
            eprintln!("\x1b[31merror\x1b[0m [{kind}]: {msg}");
        } else {
            eprintln!("error [{kind}]: {msg}");
        }
        if !suggestions.is_empty() {
            eprintln!("  did you mean {}?", suggestions.join(", "));
        }
        code
    }
}

/// Which command owns the data directory (from `/proc`, Linux desktops), as advice.
fn holder_hint(pid: u32) -> String {
    let cmd = std::fs::read(format!("/proc/{pid}/cmdline"))
        .ok()
        .map(|b| b.split(|c| *c == 0).filter(|a| !a.is_empty()).map(|a| String::from_utf8_lossy(a).into_owned()).collect::<Vec<_>>())
        .unwrap_or_default();
    let shown: Vec<&str> = cmd.iter().map(String::as_str).filter(|a| !a.starts_with('-')).take(3).collect();
    match shown.as_slice() {
        [] => String::new(),
        [exe, rest @ ..] => {
            let exe = std::path::Path::new(exe).file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            let what = std::iter::once(exe.as_str()).chain(rest.iter().copied()).collect::<Vec<_>>().join(" ");
            let advice = if rest.first() == Some(&"shell") { " (type `exit` in that shell)" } else { "" };
            format!("\nit is open in `{what}`{advice}; close that command and run this one again")
        }
    }
}

impl From<imwallet_core::Error> for CliError {
    fn from(e: imwallet_core::Error) -> Self {
        CliError::Core(e)
    }
}

impl From<String> for CliError {
    fn from(s: String) -> Self {
        CliError::Io(s)
    }
}
