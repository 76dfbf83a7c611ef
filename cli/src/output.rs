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
