//! Runs one named case of the current test binary in a child process and measures it.
//!
//! The parent re-executes its own test binary, filtered to the test `child_entry_point`, with
//! `IMWALLET_CHILD_CASE=<case>`; that test calls [`child_main`], which runs the case and prints
//! one `CHILD-RESULT` line (work time, the child's own `VmHWM`, the outcome). Meanwhile the
//! parent polls the child's `VmHWM` (peak resident set) in `/proc` and kills it as soon as it
//! passes the memory bound or the wall-time bound, so a regression fails fast instead of
//! exhausting the (shared) machine.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Environment variable naming the case a child runs.
pub const CASE_ENV: &str = "IMWALLET_CHILD_CASE";

/// Documented bounds for one case.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Peak resident set of the whole child process (test harness included), MiB.
    pub max_peak_mib: u64,
    /// Wall time of the whole child process (start-up included).
    pub max_wall: Duration,
}

/// What a child did.
#[derive(Debug)]
pub struct Measured {
    /// `Ok` or `Err(<kind>): <message>`; `None` when the child was killed or printed nothing.
    pub outcome: Option<String>,
    /// Peak resident set (`VmHWM`), KiB: the larger of the parent's polls and the child's report.
    pub peak_kib: u64,
    /// Wall time of the child process as the parent saw it.
    pub wall: Duration,
    /// Time the case itself took inside the child.
    pub work: Option<Duration>,
    /// Why the parent killed the child, if it did.
    pub killed: Option<String>,
}

impl Measured {
    pub fn peak_mib(&self) -> f64 {
        self.peak_kib as f64 / 1024.0
    }

    /// Panics with a readable message unless the child finished within `b`.
    pub fn assert_within(&self, case: &str, b: &Bounds) {
        assert!(
            self.killed.is_none(),
            "{case}: killed ({}) after {:?}, peak {:.1} MiB",
            self.killed.as_deref().unwrap_or(""),
            self.wall,
            self.peak_mib()
        );
        assert!(self.peak_kib <= b.max_peak_mib * 1024, "{case}: peak {:.1} MiB > {} MiB", self.peak_mib(), b.max_peak_mib);
        assert!(self.wall <= b.max_wall, "{case}: took {:?} > {:?}", self.wall, b.max_wall);
    }
}

/// `VmHWM` of `/proc/<pid>/status` in KiB (`pid` may be `self`).
pub fn vm_hwm_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `case` in a child process, killing it past `bounds`.
pub fn measure(case: &str, bounds: &Bounds) -> Measured {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe)
        .args(["child_entry_point", "--exact", "--nocapture", "--test-threads=1"])
        .env(CASE_ENV, case)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let pid = child.id().to_string();
    let mut peak_kib = 0;
    let mut killed = None;
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        peak_kib = peak_kib.max(vm_hwm_kib(&pid).unwrap_or(0));
        if peak_kib > bounds.max_peak_mib * 1024 {
            killed = Some(format!("peak resident set passed {} MiB", bounds.max_peak_mib));
        } else if start.elapsed() > bounds.max_wall {
            killed = Some(format!("still running after {:?}", bounds.max_wall));
        }
        if killed.is_some() {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let wall = start.elapsed();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    let mut measured = Measured { outcome: None, peak_kib, wall, work: None, killed };
    if let Some(line) = out.lines().find_map(|l| l.split_once("CHILD-RESULT ").map(|(_, rest)| rest)) {
        let mut parts = line.splitn(3, ' ');
        let micros: u64 = parts.next().unwrap().parse().unwrap();
        let child_peak: u64 = parts.next().unwrap().parse().unwrap();
        measured.work = Some(Duration::from_micros(micros));
        measured.peak_kib = measured.peak_kib.max(child_peak);
        measured.outcome = parts.next().map(str::to_string);
    }
    measured
}

/// In a child (when [`CASE_ENV`] is set): runs `run(case)` and prints the result line.
/// In the parent's own test run it does nothing.
pub fn child_main(run: impl FnOnce(&str) -> String) {
    let Ok(case) = std::env::var(CASE_ENV) else { return };
    let start = Instant::now();
    let outcome = run(&case);
    let micros = start.elapsed().as_micros();
    let peak = vm_hwm_kib("self").unwrap_or(0);
    // libtest has already printed "test child_entry_point ... " on this line.
    println!("\nCHILD-RESULT {micros} {peak} {outcome}");
}

/// `Ok` or `Err(<kind>): <message>` (messages are cut to 200 characters).
pub fn outcome<T>(r: &imwallet_core::Result<T>) -> String {
    match r {
        Ok(_) => "Ok".to_string(),
        Err(e) => format!("Err({}): {}", e.kind(), e.to_string().chars().take(200).collect::<String>()),
    }
}

/// A keystore v3 file with the given scrypt parameters (the MAC is not for them: importing it
/// runs the whole KDF and then fails with a wrong password).
#[allow(dead_code)]
pub fn scrypt_file(n: u64, r: u64, p: u64) -> String {
    format!(
        r#"{{"version":3,"crypto":{{"cipher":"aes-128-ctr","cipherparams":{{"iv":"83dbcc02d8ccb40e466191a123791e0e"}},
        "ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt",
        "kdfparams":{{"dklen":32,"n":{n},"r":{r},"p":{p},"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"}},
        "mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"}}}}"#
    )
}

/// The same file with pbkdf2 and `c` rounds.
#[allow(dead_code)]
pub fn pbkdf2_file(c: u64) -> String {
    scrypt_file(2, 1, 1)
        .replace(r#""kdf":"scrypt""#, r#""kdf":"pbkdf2""#)
        .replace(r#""n":2,"r":1,"p":1"#, &format!(r#""c":{c},"prf":"hmac-sha256""#))
}
