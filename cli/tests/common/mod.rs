//! Runs the `imwallet` binary with arguments and stdin, capturing its output.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `imwallet` (optionally on `--data-dir dir`) with `stdin` piped in.
pub fn imwallet(dir: Option<&std::path::Path>, args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_imwallet"));
    if let Some(d) = dir {
        cmd.arg("--data-dir").arg(d);
        // The device's key files beside the test's data directory, not in the user's home.
        cmd.env("IMWALLET_DEVICE_KEYS_DIR", keys_dir(d));
    }
    let mut child = cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // A command that needs fewer lines than given may exit before reading them all.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => panic!("writing stdin: {e}"),
    }
    child.wait_with_output().unwrap()
}

/// Runs `imwallet --data-dir dir …`.
pub fn run(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    imwallet(Some(dir), args, stdin)
}

/// stdout as text.
pub fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Where a test's device key files go (beside its data directory).
pub fn keys_dir(dir: &std::path::Path) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}.device-keys", dir.display()))
}
