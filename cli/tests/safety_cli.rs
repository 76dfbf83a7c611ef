//! Issue 20 in the CLI: `status` shows the password's age and rehearsal; `login`/`unlock` print
//! the activity since the account's last login (and put it, with the environment warnings and
//! password flags, in `--json`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use std::process::Output;

use common::{err, out, run};

const PW: &str = "correct horse battery staple 42";

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&out(o)).unwrap_or_else(|e| panic!("{e}: {}", out(o)))
}

#[test]
fn status_shows_password_age_and_rehearsal() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let o = run(dir, &["--json", "status"], "");
    assert!(json(&o).get("password").is_none(), "no session, no password facts");
    assert!(run(dir, &["account", "create", "--name", "Pia"], &format!("{PW}\n")).status.success());
    let v = json(&run(dir, &["--json", "status"], ""));
    assert_eq!(v["state"], "locked");
    assert_eq!(v["password"]["age_days"], 0);
    assert_eq!(v["password"]["rehearsal_due"], false);
    assert_eq!(v["password"]["change_due"], false);
    assert_eq!(v["password"]["biometric_unlocks_since_entered"], 0);
    let o = run(dir, &["status"], "");
    let text = out(&o);
    assert!(text.contains("password: set ") && text.contains("(0 day(s) ago)"), "{text}");
    assert!(text.contains("password rehearsal: not due (last entered 0 day(s) ago, 0 fingerprint/face unlock(s) since)"), "{text}");
}

#[test]
fn unlock_reports_what_happened_since_the_last_login() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    assert!(run(dir, &["account", "create", "--name", "Quin"], &format!("{PW}\n")).status.success());
    for _ in 0..2 {
        assert_eq!(run(dir, &["unlock"], "wrong wrong wrong\n").status.code(), Some(1));
    }
    let o = run(dir, &["unlock"], &format!("{PW}\n"));
    assert!(o.status.success(), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("Since this account's last login or unlock"), "{e}");
    assert!(e.contains("2 wrong password attempt(s)"), "{e}");
    assert!(e.contains("wrong password or code (login or unlock)"), "{e}");
    assert!(out(&o).contains("state: unlocked (Quin)"));

    // Nothing new since: nothing printed; JSON says so too.
    let o = run(dir, &["--json", "unlock"], &format!("{PW}\n"));
    let v = json(&o);
    assert_eq!(v["state"]["state"], "unlocked");
    assert_eq!(v["activity"]["failed_attempts"], 0);
    assert_eq!(v["activity"]["items"].as_array().unwrap().len(), 0);
    assert_eq!(v["warnings"].as_array().unwrap().len(), 0, "the desktop policy is quiet about phone-only risks");
    assert_eq!(v["password_rehearsal_due"], false);

    assert_eq!(run(dir, &["login", "--name", "quin"], "wrong wrong wrong\n").status.code(), Some(1));
    let v = json(&run(dir, &["--json", "login", "--name", "quin"], &format!("{PW}\n")));
    assert_eq!(v["state"], "unlocked");
    assert_eq!(v["activity"]["failed_attempts"], 1);
    let items = v["activity"]["items"].as_array().unwrap();
    assert_eq!(items[0]["category"], "failed_attempt");
    assert_eq!(items[0]["kind"], "login_failed");
    assert_eq!(items[0]["account"], "Quin");
    let events = json(&run(dir, &["--json", "events"], ""));
    assert!(events["events"].as_array().unwrap().iter().any(|e| e["kind"] == "activity_reported"));
}
