//! Reading secrets and lines for the CLI.
//!
//! When stdin is a terminal, secrets are prompted for without echo (rpassword); otherwise one
//! item is read per line from stdin, so scripts can pipe phrase, passphrase and passwords in
//! order. Every secret is returned in a zeroizing `String`.

use std::io::{BufRead, IsTerminal};

use zeroize::Zeroizing;

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
    pub fn secret(&mut self, prompt: &str) -> Result<Zeroizing<String>, String> {
        if self.interactive {
            rpassword::prompt_password(format!("{prompt}: ")).map(Zeroizing::new).map_err(|e| format!("cannot read {prompt}: {e}"))
        } else {
            self.next_line(prompt)
        }
    }

    /// A non-secret answer: prompted with echo on a terminal, else the next stdin line.
    pub fn line(&mut self, prompt: &str) -> Result<Zeroizing<String>, String> {
        if self.interactive {
            eprint!("{prompt}: ");
        }
        self.next_line(prompt)
    }

    fn next_line(&mut self, what: &str) -> Result<Zeroizing<String>, String> {
        next_stdin_line(what)
    }
}

/// One line from stdin (stdin's shared buffer keeps order across callers).
pub fn next_stdin_line(what: &str) -> Result<Zeroizing<String>, String> {
    {
        match std::io::stdin().lock().lines().next() {
            Some(Ok(l)) => Ok(Zeroizing::new(l.trim_end_matches('\r').to_string())),
            Some(Err(e)) => Err(format!("cannot read {what} from stdin: {e}")),
            None => Err(format!("expected {what} on stdin (one item per line)")),
        }
    }
}
