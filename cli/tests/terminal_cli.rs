//! The CLI on a real pseudo-terminal (rexpect): raw-mode prompts, Ctrl-C / Ctrl-D, re-asking
//! refused input, and the shell (a cancelled prompt keeps it running; an auto-lock notice is
//! printed above a redrawn prompt).
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns

mod common;

use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{spawn_command, PtySession};

const PW: &str = "correct horse battery staple 42";

fn spawn(dir: &std::path::Path, args: &[&str]) -> PtySession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_imwallet"));
    cmd.arg("--data-dir").arg(dir).args(args).env("NO_COLOR", "1").env("IMWALLET_DEVICE_KEYS_DIR", common::keys_dir(dir));
    spawn_command(cmd, Some(30_000)).unwrap()
}

fn exit_code(p: &mut PtySession) -> i32 {
    p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("not a normal exit: {other:?}"),
    }
}

fn with_account(dir: &std::path::Path) {
    let o = common::imwallet(Some(dir), &["account", "create", "--name", "Ann"], &format!("{PW}\n"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn ctrl_c_and_ctrl_d_at_a_prompt_cancel_with_130() {
    let d = tempfile::tempdir().unwrap();
    for key in ['c', 'd'] {
        let mut p = spawn(d.path(), &["account", "create", "--name", "Ann"]);
        p.exp_string("new wallet password: ").unwrap();
        p.send_control(key).unwrap();
        p.exp_string("[Cancelled]").unwrap();
        assert_eq!(exit_code(&mut p), 130, "Ctrl-{key}");
    }
    let o = common::imwallet(Some(d.path()), &["--json", "account", "list"], "");
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
}

#[test]
fn a_refused_password_is_asked_again_before_the_repeat_prompt() {
    let d = tempfile::tempdir().unwrap();
    let mut p = spawn(d.path(), &["account", "create", "--name", "Ann"]);
    p.exp_string("new wallet password: ").unwrap();
    p.send_line("password123").unwrap();
    p.exp_string("[PasswordTooWeak]").unwrap();
    p.exp_string("new wallet password: ").unwrap();
    p.send_line(PW).unwrap();
    p.exp_string("repeat it: ").unwrap();
    p.send_line("a different one entirely 77").unwrap();
    p.exp_string("the two passwords differ").unwrap();
    p.exp_string("new wallet password: ").unwrap();
    p.send_line(PW).unwrap();
    p.exp_string("repeat it: ").unwrap();
    p.send_line(PW).unwrap();
    p.exp_string("account Ann created").unwrap();
    assert_eq!(exit_code(&mut p), 0);
}

#[test]
fn a_mistyped_phrase_is_asked_again_before_any_password() {
    let d = tempfile::tempdir().unwrap();
    let mut p = spawn(d.path(), &["account", "import", "--name", "Dev"]);
    p.exp_string("recovery phrase: ").unwrap();
    p.send_line("test test test test test test test test test test test tset").unwrap();
    p.exp_string("[MnemonicUnknownWord]").unwrap();
    p.exp_string("did you mean").unwrap();
    p.exp_string("recovery phrase: ").unwrap();
    p.send_control('c').unwrap();
    assert_eq!(exit_code(&mut p), 130);
}

#[test]
fn shell_ctrl_c_cancels_the_prompt_not_the_shell_and_auto_lock_redraws_the_prompt() {
    let d = tempfile::tempdir().unwrap();
    with_account(d.path());
    let mut p = spawn(d.path(), &["shell"]);
    p.exp_string("imwallet> ").unwrap();
    p.send_line("unlock").unwrap();
    p.exp_string("wallet password: ").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("[Cancelled]").unwrap();
    p.exp_string("imwallet> ").unwrap();
    p.send_line("unlock").unwrap();
    p.exp_string("wallet password: ").unwrap();
    p.send_line(PW).unwrap();
    p.exp_string("[session] unlocked (Ann)").unwrap();
    p.exp_string("imwallet> ").unwrap();
    p.send_line("autolock 1").unwrap();
    p.exp_string("wallet password: ").unwrap();
    p.send_line(PW).unwrap();
    // Nothing typed: the auto-lock notice comes while the line editor waits, above a redrawn prompt.
    p.exp_string("imwallet> ").unwrap();
    p.exp_string("[session] locked (Ann)").unwrap();
    p.exp_string("imwallet> ").unwrap();
    p.send_line("status").unwrap();
    p.exp_string("state: locked (Ann)").unwrap();
    p.send_control('d').unwrap();
    assert_eq!(exit_code(&mut p), 0);
}

#[test]
fn the_demo_waits_between_steps_and_ctrl_c_ends_it_cleanly() {
    let d = tempfile::tempdir().unwrap();
    let mut p = spawn(d.path(), &["demo"]);
    let (_, name) = p.exp_regex(r"imwallet-demo-[0-9]+").unwrap();
    p.exp_string("1. Create a wallet").unwrap();
    p.exp_string("press Enter for the next step").unwrap();
    p.send_line("").unwrap();
    p.exp_string("2. Log out safely").unwrap();
    p.exp_string("press Enter for the next step").unwrap();
    p.send_control('c').unwrap();
    assert_eq!(exit_code(&mut p), 130);
    let dir = std::env::temp_dir().join(name);
    assert!(!dir.exists(), "{} left behind", dir.display());
}
