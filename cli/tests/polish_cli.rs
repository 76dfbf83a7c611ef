//! What a new user meets, piped (the terminal cases are in terminal_cli.rs): exit codes, JSON
//! everywhere, early input checks, human output, completions and the man page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns

mod common;

use std::io::Read;
use std::process::{Command, Output, Stdio};

const PW: &str = "correct horse battery staple 42";
const JUNK: &str = "test test test test test test test test test test test junk";

fn run(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    common::imwallet(Some(dir), args, stdin)
}
fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out(o)))
}

#[test]
fn usage_errors_exit_2_and_are_json_with_json() {
    let d = tempfile::tempdir().unwrap();
    let o = run(d.path(), &["--json", "mnemonic", "new", "--words", "13"], "");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["error"]["kind"], "Usage");
    assert!(json(&o)["error"]["message"].as_str().unwrap().contains("possible values: 12, 15, 18, 21, 24"));
    let o = run(d.path(), &["--json", "foo"], "");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["error"]["exit_code"], 2);
    let o = run(d.path(), &["account", "create", "--name", "x", "--lang", "xx"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("zh-hans"), "the languages are listed: {}", err(&o));
    let help = out(&run(d.path(), &["account", "create", "--help"], ""));
    for needle in ["--name", "--words", "--lang", "Word-list language", "cs, pt"] {
        assert!(help.contains(needle), "{needle} in help: {help}");
    }
}

#[test]
fn completions_and_man_page() {
    let d = tempfile::tempdir().unwrap();
    for (shell, needle) in [("bash", "_imwallet()"), ("zsh", "#compdef imwallet"), ("fish", "complete -c imwallet")] {
        let o = run(d.path(), &["completions", shell], "");
        assert!(o.status.success());
        assert!(out(&o).contains(needle), "{shell}");
        assert!(out(&o).contains("logout"), "{shell}: subcommands");
    }
    let man = run(d.path(), &["man"], "");
    assert!(man.status.success());
    assert!(out(&man).contains(".TH imwallet 1"));
}

/// `imwallet demo | head`: no panic, exit 141, the temporary data directory is gone.
#[test]
fn closed_stdout_stops_quietly_and_cleans_up() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imwallet"))
        .args(["demo", "--no-pause"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let dir = std::env::temp_dir().join(format!("imwallet-demo-{}", child.id()));
    assert!(!dir.exists(), "{} left behind", dir.display());
}

#[test]
fn inputs_are_checked_before_the_work_they_make_useless() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    // A mistyped phrase fails before any password is asked for (stdin holds only the phrase).
    let o = run(dir, &["account", "import", "--name", "Dev"], "test test test test test test test test test test test test\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("[MnemonicChecksum]"), "{}", err(&o));
    // A weak password fails before the KDF, with the policy's reason.
    let o = run(dir, &["account", "create", "--name", "Ann"], "password123\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("[PasswordTooWeak]"), "{}", err(&o));
    // A one-letter account name no longer forbids every password containing that letter.
    let o = run(dir, &["--json", "account", "create", "--name", "a"], "a quiet harbour at dawn 1987\n");
    assert!(o.status.success(), "{}", err(&o));
    // The same phrase under a second name is refused, naming the first.
    let o = run(dir, &["account", "import", "--name", "Dev"], &format!("{JUNK}\n{PW}\n"));
    assert!(o.status.success(), "{}", err(&o));
    let o = run(dir, &["--json", "account", "import", "--name", "Dev2"], &format!("{JUNK}\n{PW}\n"));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["error"]["kind"], "WalletAlreadyOnDevice");
    assert_eq!(json(&o)["error"]["account"], "Dev");
    // The typed account name for removing an unbacked wallet is checked before the password.
    let o = run(dir, &["login", "--name", "a"], "a quiet harbour at dawn 1987\n");
    assert!(o.status.success(), "{}", err(&o));
    let o = run(dir, &["logout", "--remove-wallet"], "b\n");
    assert_eq!(o.status.code(), Some(130), "{}", err(&o));
    // A wrong reset phrase cancels before any password.
    let o = run(dir, &["reset"], "erase it\n");
    assert_eq!(o.status.code(), Some(130), "{}", err(&o));
    assert!(json(&run(dir, &["--json", "account", "list"], "")).as_array().unwrap().len() == 2);
}

#[test]
fn logout_shows_the_plan_in_every_mode_and_reports_what_was_shown() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let o = run(dir, &["account", "create", "--name", "Ann"], &format!("{PW}\n"));
    assert!(o.status.success(), "{}", err(&o));
    let o = run(dir, &["--json", "logout"], "y\n");
    assert!(o.status.success(), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("Logging out Ann will:") && e.contains("wipe the keys from memory"), "{e}");
    assert!(e.contains("never confirmed as backed up"), "the warning is shown: {e}");
    assert!(!e.contains("WipeKeysFromMemory"), "no code names: {e}");
    assert_eq!(json(&o)["warnings_acknowledged"], serde_json::json!(["not_backed_up"]));
}

#[test]
fn wrong_passwords_say_what_is_left_and_json_has_the_numbers() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    run(dir, &["account", "create", "--name", "Ann"], &format!("{PW}\n"));
    run(dir, &["lock"], "");
    let o = run(dir, &["--json", "unlock"], "not the password at all\n");
    assert_eq!(o.status.code(), Some(1));
    let e = &json(&o)["error"];
    assert_eq!(e["kind"], "InvalidCredentials");
    assert!(e["attempts_left"].as_u64().unwrap() >= 1, "{e}");
    assert_eq!(e["retry_after_secs"], 0);
    for _ in 0..6 {
        run(dir, &["unlock"], "not the password at all\n");
    }
    // With the delay running, the command refuses before asking for the password.
    let o = run(dir, &["--json", "unlock"], "");
    assert_eq!(o.status.code(), Some(1));
    let e = &json(&o)["error"];
    assert_eq!(e["kind"], "TooManyAttempts", "{e}");
    assert!(e["retry_after_secs"].as_u64().unwrap() > 0);
    // Events: UTC times and words, not Unix seconds and code names (JSON keeps both).
    let o = run(dir, &["events"], "");
    assert!(out(&o).contains(" UTC") && out(&o).contains("wrong password"), "{}", out(&o));
    let ev = json(&run(dir, &["--json", "events"], ""));
    assert!(ev["events"][0]["at_utc"].as_str().unwrap().ends_with("UTC"));
    assert!(ev["events"][0]["at"].is_i64());
}
