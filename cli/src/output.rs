//! Output and errors for the CLI: plain text or `--json`; colour through `anstream`, which
//! drops it when the stream is not a terminal or `NO_COLOR` is set.
//!
//! A failed command prints the typed error (kind + message) to stderr — or as a JSON object on
//! stdout with `--json` — and exits non-zero: 1 for a core error, 2 for usage, 3 for I/O, 130
//! when the user cancelled (Ctrl-C, Ctrl-D, declining, a wrong confirmation phrase), 141 when
//! stdout was closed (`imwallet … | head`). Typo suggestions for a recovery word follow on
//! their own line (JSON: `suggestions`); a wrong password carries `attempts_left` and
//! `retry_after_secs`.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde_json::{json, Value};

pub const WARN: Style = AnsiColor::Yellow.on_default();
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();

/// Writes a line to stdout; a closed stdout (broken pipe) becomes [`CliError::BrokenPipe`]
/// instead of a panic, so callers unwind normally (temporary data is removed).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::write_out(format_args!($($arg)*))
    };
}

/// Writes a line to stderr, ignoring a closed stderr.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::write_err(format_args!($($arg)*), true)
    };
}

/// Writes to stderr without a newline (prompts), ignoring a closed stderr.
#[macro_export]
macro_rules! err_print {
    ($($arg:tt)*) => {
        $crate::output::write_err(format_args!($($arg)*), false)
    };
}

pub fn write_out(args: std::fmt::Arguments<'_>) -> Result<(), CliError> {
    let mut o = anstream::stdout().lock();
    o.write_fmt(args).and_then(|()| o.write_all(b"\n")).and_then(|()| o.flush()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Io(format!("cannot write to stdout: {e}"))
        }
    })
}

pub fn write_err(args: std::fmt::Arguments<'_>, newline: bool) {
    // A session notice printed while a spinner runs goes above it (progress.rs).
    if newline && crate::progress::print_above(&args.to_string()) {
        return;
    }
    let mut e = anstream::stderr().lock();
    let _ = e.write_fmt(args);
    if newline {
        let _ = e.write_all(b"\n");
    }
    let _ = e.flush();
}

/// How to print.
pub struct Out {
    pub json: bool,
}

impl Out {
    pub fn new(json: bool) -> Out {
        Out { json }
    }

    pub fn print_json(&self, v: &Value) -> Result<(), CliError> {
        outln!("{}", serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into()))
    }

    /// A warning line on stderr (yellow on a terminal), in every mode.
    pub fn warn(&self, msg: &str) {
        errln!("{WARN}! {msg}{WARN:#}");
    }
}

/// Why a command failed.
#[derive(Debug)]
pub enum CliError {
    Core(imwallet_core::Error),
    Usage(String),
    Io(String),
    /// The user cancelled: Ctrl-C or Ctrl-D at a prompt, "no", a wrong confirmation phrase.
    Cancelled(String),
    /// stdout was closed by the reader (`| head`): stop quietly.
    BrokenPipe,
    /// Already reported (the shell's script failures): only the exit code is left.
    Reported(i32),
}

impl CliError {
    pub fn usage(s: impl Into<String>) -> CliError {
        CliError::Usage(s.into())
    }
    pub fn io(s: impl Into<String>) -> CliError {
        CliError::Io(s.into())
    }
    pub fn cancelled(s: impl Into<String>) -> CliError {
        CliError::Cancelled(s.into())
    }

    /// The exit code of this error.
    pub fn code(&self) -> i32 {
        match self {
            CliError::Core(_) => 1,
            CliError::Usage(_) => 2,
            CliError::Io(_) => 3,
            CliError::Cancelled(_) => 130,
            CliError::BrokenPipe => 141,
            CliError::Reported(code) => *code,
        }
    }

    pub fn report(&self, out: &Out) -> i32 {
        let code = self.code();
        let (kind, msg) = match self {
            CliError::BrokenPipe | CliError::Reported(_) => return code,
            CliError::Core(e @ imwallet_core::Error::DataDirectoryInUse { holder_pid }) => {
                (e.kind(), format!("{e}{}", holder_pid.map(holder_hint).unwrap_or_default()))
            }
            CliError::Core(e) => (e.kind(), e.to_string()),
            CliError::Usage(m) => ("Usage", m.clone()),
            CliError::Io(m) => ("Io", m.clone()),
            CliError::Cancelled(m) => ("Cancelled", m.clone()),
        };
        // Typo suggestions are a field of the error, not part of its message (which apps log):
        // shown to the user here, on their own line (or as their own JSON field).
        let suggestions = match self {
            CliError::Core(imwallet_core::Error::MnemonicUnknownWord { suggestions, .. }) => suggestions.as_slice(),
            _ => &[],
        };
        if out.json {
            let mut err = json!({"kind": kind, "message": msg, "exit_code": code});
            if !suggestions.is_empty() {
                err["suggestions"] = json!(suggestions);
            }
            match self {
                CliError::Core(imwallet_core::Error::InvalidCredentials { attempts_left, retry_after_secs }) => {
                    err["attempts_left"] = json!(attempts_left);
                    err["retry_after_secs"] = json!(retry_after_secs);
                }
                CliError::Core(imwallet_core::Error::TooManyAttempts { retry_after_secs }) => {
                    err["attempts_left"] = json!(0);
                    err["retry_after_secs"] = json!(retry_after_secs);
                }
                CliError::Core(imwallet_core::Error::WalletAlreadyOnDevice { account }) => err["account"] = json!(account),
                _ => {}
            }
            // Nothing more to do if stdout is gone.
            let _ = out.print_json(&json!({ "error": err }));
            return code;
        }
        errln!("{ERROR}error{ERROR:#} [{kind}]: {msg}");
        if !suggestions.is_empty() {
            errln!("  did you mean {}?", suggestions.join(", "));
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
