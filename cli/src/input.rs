//! Reading secrets and lines for the CLI.
//!
//! On a terminal, prompts read keys in raw mode (`crossterm`): a secret is never echoed, and
//! Ctrl-C or Ctrl-D cancels the prompt ([`CliError::Cancelled`], exit 130) instead of killing
//! the process with the terminal left in no-echo mode; the shell catches it and goes on.
//! Otherwise one item is read per line from stdin, so scripts can pipe phrase, passphrase and
//! passwords in order. Every secret is returned in a zeroizing `String` whose buffer never
//! reallocates behind our back (it grows by copying into a fresh zeroizing buffer).

use std::io::{BufRead, IsTerminal};

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use zeroize::Zeroizing;

use crate::output::CliError;
use crate::{err_print, errln};

/// Reads secrets and plain lines, one per call.
pub struct Input {
    interactive: bool,
}

impl Input {
    pub fn new() -> Input {
        Input { interactive: std::io::stdin().is_terminal() }
    }

    pub fn interactive(&self) -> bool {
        self.interactive
    }

    /// A secret: prompted without echo on a terminal, else the next stdin line.
    pub fn secret(&mut self, prompt: &str) -> Result<Zeroizing<String>, CliError> {
        if self.interactive {
            read_key_by_key(prompt, false)
        } else {
            next_stdin_line(prompt)
        }
    }

    /// A non-secret answer: prompted with echo on a terminal, else the next stdin line.
    pub fn line(&mut self, prompt: &str) -> Result<Zeroizing<String>, CliError> {
        if self.interactive {
            read_key_by_key(prompt, true)
        } else {
            next_stdin_line(prompt)
        }
    }

    /// Asks for a secret and checks it at once: on a terminal a refused answer is explained and
    /// asked again; from a script the error ends the command.
    pub fn secret_checked(&mut self, prompt: &str, check: impl Fn(&str) -> Result<(), CliError>) -> Result<Zeroizing<String>, CliError> {
        loop {
            let s = self.secret(prompt)?;
            match check(&s) {
                Ok(()) => return Ok(s),
                Err(e) if self.interactive => {
                    e.report(&crate::output::Out::new(false));
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Leaves raw mode however the prompt ends.
struct RawMode;

impl RawMode {
    fn on() -> Result<RawMode, CliError> {
        terminal::enable_raw_mode().map_err(|e| CliError::io(format!("cannot read the terminal: {e}")))?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

fn read_key_by_key(prompt: &str, echo: bool) -> Result<Zeroizing<String>, CliError> {
    err_print!("{prompt}: ");
    let raw = RawMode::on()?;
    let mut buf = Zeroizing::new(String::with_capacity(256));
    let cancelled = loop {
        let ev = event::read().map_err(|e| CliError::io(format!("cannot read the terminal: {e}")))?;
        let Event::Key(key) = ev else { continue };
        if key.kind == KeyEventKind::Release {
            continue;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            // Enter is CR on a terminal; LF (Ctrl-J) from a pasted or scripted line ends it too.
            KeyCode::Enter => break false,
            KeyCode::Char('j') if ctrl => break false,
            KeyCode::Char('c') if ctrl => break true,
            KeyCode::Char('d') if ctrl && buf.is_empty() => break true,
            KeyCode::Char('u') if ctrl => {
                if echo {
                    err_print!("{}", "\u{8} \u{8}".repeat(buf.chars().count()));
                }
                buf.clear();
            }
            KeyCode::Backspace => {
                let erased = buf.pop().is_some();
                if erased && echo {
                    err_print!("\u{8} \u{8}");
                }
            }
            KeyCode::Char(c) if !ctrl => {
                if buf.len() + c.len_utf8() > buf.capacity() {
                    let mut bigger = Zeroizing::new(String::with_capacity(buf.capacity() * 2));
                    bigger.push_str(&buf);
                    buf = bigger;
                }
                buf.push(c);
                if echo {
                    err_print!("{c}");
                }
            }
            _ => {}
        }
    };
    drop(raw);
    errln!("");
    if cancelled {
        return Err(CliError::cancelled(format!("cancelled at \"{prompt}\"")));
    }
    Ok(buf)
}

/// One line from stdin (stdin's shared buffer keeps order across callers).
pub fn next_stdin_line(what: &str) -> Result<Zeroizing<String>, CliError> {
    let mut line = Zeroizing::new(String::with_capacity(256));
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) => Err(CliError::io(format!("expected {what} on stdin (one item per line)"))),
        Ok(_) => {
            let end = line.trim_end_matches(['\r', '\n']).len();
            line.truncate(end);
            Ok(line)
        }
        Err(e) => Err(CliError::io(format!("cannot read {what} from stdin: {e}"))),
    }
}
