//! Memory residue: after lock, logout, wallet removal and erase, no secret is left anywhere in
//! the process's memory — in the spirit of Bitwarden's `memory-testing`.
//!
//! A child process (`imwallet-residue-child`, feature `memory-residue`) runs a wallet's
//! lifecycle one command at a time and blocks between commands; after each step this test reads
//! every readable and writable mapping of the child (`/proc/PID/maps` + `/proc/PID/mem`: heap with
//! its free chunks, every thread's stack, anonymous mappings, `.data`/`.bss`; read-only mappings
//! hold nothing a run could have written) and counts each secret in every form it may take: raw
//! bytes, lower- and upper-case hex, bytes 16..32 alone (what survives of a freed copy whose
//! first 16 bytes glibc reused for its free-list links, or of an outgrown buffer holding a
//! prefix), and for the private key its little-endian byte order — how k256 keeps a scalar in
//! memory, four 64-bit limbs least significant first — and each limb on its own.
//!
//! The secrets: for account A (created with a new phrase, which the child wipes at once) and
//! account B (imported from a phrase and a 90-byte BIP39 passphrase this test chose, fresh per
//! run), the BIP39 entropy, the phrase text, the passphrase, the 64-byte seed, the account-0
//! private key (`m/44'/60'/0'/0/0`), the random vault key and the password-derived key. The child
//! keeps no copy of its own; this test learns A's secrets and both keys from the database, as any
//! holder of the password could: Argon2id with the stored parameters gives the password key,
//! which opens the password wrap (the vault key), which opens the vault (entropy, passphrase).
//! The password itself is counted and shown but not asserted: zxcvbn, the strength check of
//! create and import, builds substrings of it that it frees unwiped, beyond the core's reach.
//!
//! Expectations per step:
//! - **unlocked**: the account's entropy and vault key are found (the control: the scan sees the
//!   session's key material where it lives), and nothing else: the session holds entropy,
//!   passphrase and vault key in binary form only; seed and private keys exist only while an
//!   operation uses them; the other account's secrets are gone;
//! - **reveal**: the child holds the revealed phrase and a seed and key it derived from it — the
//!   control for those forms (k256's limb layout included);
//! - **lock, logout, remove, erase**: every count is 0.
//!
//! Determinism: the child's memory stands still while it is scanned — it is blocked in
//! `read(2)`, and the core's only other thread, the auto-lock timer, is idle (`AutoLock::Never`).
//! Each step is scanned twice and a count is the smaller of the two: a residue must be there
//! both times. What the test cannot promise is to see every unwiped free: glibc may grow a
//! buffer in place or hand a freed chunk out again before the scan, so such a leak shows in some
//! runs and not others. Each check therefore comes right after the operation that would leave
//! the residue, and a leak found once is a bug (with `IMWALLET_RESIDUE_WHERE=1` every hit is
//! printed with its mapping and address). The fixes so far: the stack scrub after every
//! key-handling `WalletCore` call (`vault::scrubbed`), NFKD of secrets and the vault encoding
//! allocated at their final size.

#![cfg(all(feature = "memory-residue", target_os = "linux"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use imwallet_core::store::accounts as rows;
use imwallet_core::store::DB_FILE;
use imwallet_core::vault::aead::{self, Purpose};
use imwallet_core::vault::secrets::AccountSecret;
use imwallet_core::vault::{kdf, random_array, SecretBytes};
use imwallet_core::wallet::{DerivationPath, Language, Mnemonic, PrivateKey};
use memchr::memmem::Finder;

/// The child's password (see `src/bin/residue_child.rs`).
const PASSWORD: &[u8] = b"correct horse battery staple 42";
const A: &str = "Alice";
const B: &str = "Bob";
/// Scans per step; a count is the minimum over them.
const SCANS: usize = 2;
/// The whole lifecycle takes about 2 s in a debug build; a child still running after this hung.
const WATCHDOG: Duration = Duration::from_secs(120);
/// Bytes read from `/proc/PID/mem` at a time.
const CHUNK: usize = 4 << 20;

/// One byte pattern to count.
struct Needle {
    account: &'static str,
    secret: &'static str,
    form: &'static str,
    /// `false`: counted and shown, never failed on (the password's needles).
    asserted: bool,
    finder: Finder<'static>,
}

impl Needle {
    fn new(account: &'static str, secret: &'static str, form: &'static str, bytes: &[u8]) -> Needle {
        Needle { account, secret, form, asserted: true, finder: Finder::new(bytes).into_owned() }
    }
    fn label(&self) -> String {
        format!("{} {} {}{}", self.account, self.secret, self.form, if self.asserted { "" } else { " (info)" })
    }
    fn len(&self) -> usize {
        self.finder.needle().len()
    }
}

/// Raw bytes, lower- and upper-case hex.
fn byte_forms(out: &mut Vec<Needle>, account: &'static str, secret: &'static str, raw: &[u8]) {
    let hex = hex::encode(raw);
    out.push(Needle::new(account, secret, "raw", raw));
    out.push(Needle::new(account, secret, "hex", hex.as_bytes()));
    out.push(Needle::new(account, secret, "HEX", hex.to_uppercase().as_bytes()));
}

/// Bytes 16..32: what survives of a copy whose first 16 bytes the allocator overwrote when it
/// was freed (glibc keeps its free-list links there), or of a partial copy (a buffer that grew).
fn tail_form(out: &mut Vec<Needle>, account: &'static str, secret: &'static str, bytes: &[u8]) {
    out.push(Needle::new(account, secret, "[16..32]", &bytes[16..32.min(bytes.len())]));
}

/// Text, whole and its bytes 16..32.
fn text_forms(out: &mut Vec<Needle>, account: &'static str, secret: &'static str, text: &[u8]) {
    out.push(Needle::new(account, secret, "text", text));
    tail_form(out, account, secret, text);
}

/// What an account's secrets are; the vault key is learned later for B.
struct Secrets {
    account: &'static str,
    entropy: SecretBytes,
    passphrase: String,
}

impl Secrets {
    fn needles(&self, keys: Option<&Keys>) -> Vec<Needle> {
        let acc = self.account;
        let mnemonic = Mnemonic::from_entropy(self.entropy.expose(), Language::English).unwrap();
        let seed = mnemonic.to_seed(&self.passphrase).unwrap();
        let key = PrivateKey::derive(&seed, &DerivationPath::ethereum(0).unwrap()).unwrap().to_bytes();
        let mut out = Vec::new();
        byte_forms(&mut out, acc, "entropy", self.entropy.expose());
        text_forms(&mut out, acc, "phrase", mnemonic.phrase().unwrap().expose());
        if !self.passphrase.is_empty() {
            text_forms(&mut out, acc, "passphrase", self.passphrase.as_bytes());
        }
        byte_forms(&mut out, acc, "seed", seed.expose());
        tail_form(&mut out, acc, "seed", seed.expose());
        byte_forms(&mut out, acc, "key", key.expose());
        tail_form(&mut out, acc, "key", key.expose());
        let le: Vec<u8> = key.expose().iter().rev().copied().collect();
        out.push(Needle::new(acc, "key", "LE/limbs", &le));
        for (i, form) in ["limb0", "limb1", "limb2", "limb3"].into_iter().enumerate() {
            out.push(Needle::new(acc, "key", form, &le[i * 8..i * 8 + 8]));
        }
        if let Some(k) = keys {
            byte_forms(&mut out, acc, "vault key", k.vault_key.expose());
            tail_form(&mut out, acc, "vault key", k.vault_key.expose());
            byte_forms(&mut out, acc, "pw key", k.password_key.expose());
            tail_form(&mut out, acc, "pw key", k.password_key.expose());
        }
        out
    }
}

/// The keys of an account's key hierarchy.
struct Keys {
    /// Argon2id(password, salt): opens the password wrap.
    password_key: SecretBytes,
    /// Random: opens the vault.
    vault_key: SecretBytes,
}

/// Opens `name`'s vault from the database with the password: (entropy, passphrase, keys).
fn learn(dir: &Path, name: &str) -> (SecretBytes, String, Keys) {
    let conn = rusqlite::Connection::open_with_flags(dir.join(DB_FILE), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    // The child's device: the key files beside the data directory.
    let device = imwallet_core::auth::device_keys::FileDeviceKeys::new(common::keys_dir_of(dir));
    imwallet_core::engine::attach_device_keys(&conn, &device).unwrap();
    let row = rows::all(&conn).unwrap().into_iter().find(|r| r.name == name).unwrap();
    let password_key = kdf::derive(PASSWORD, &row.kdf_salt, row.kdf).unwrap();
    let vault_key = aead::open(&password_key, &row.id, Purpose::PasswordWrap, &row.password_wrap).unwrap().unwrap();
    let plain = aead::open(&vault_key, &row.id, Purpose::Vault, &row.vault_blob).unwrap().unwrap();
    match AccountSecret::decode(&plain).unwrap() {
        AccountSecret::Mnemonic { mnemonic, passphrase } => {
            (mnemonic.entropy().clone(), String::from_utf8(passphrase.expose().to_vec()).unwrap(), Keys { password_key, vault_key })
        }
        AccountSecret::PrivateKey(_) => panic!("{name} has no phrase"),
    }
}

/// A readable and writable mapping of the child.
struct Region {
    start: u64,
    end: u64,
    name: String,
}

fn writable_regions(pid: u32) -> Vec<Region> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    maps.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (range, perms) = (f.next()?, f.next()?);
            let path = f.nth(3).unwrap_or("");
            if !perms.starts_with("rw") || path == "[vvar]" || path == "[vsyscall]" {
                return None;
            }
            let (s, e) = range.split_once('-')?;
            let (start, end) = (u64::from_str_radix(s, 16).ok()?, u64::from_str_radix(e, 16).ok()?);
            Some(Region { start, end, name: if path.is_empty() { "anon".into() } else { path.into() } })
        })
        .collect()
}

/// Counts every needle in the child's writable memory; also returns the bytes read. With
/// `IMWALLET_RESIDUE_WHERE=1` each hit is printed with its mapping and address.
fn scan(pid: u32, needles: &[Needle], buf: &mut Vec<u8>) -> (Vec<usize>, u64) {
    let verbose = std::env::var_os("IMWALLET_RESIDUE_WHERE").is_some();
    let mem = File::open(format!("/proc/{pid}/mem"))
        .unwrap_or_else(|e| panic!("cannot read the child's memory ({e}): run as root, or with kernel.yama.ptrace_scope ≤ 1"));
    let overlap = needles.iter().map(Needle::len).max().unwrap_or(1) - 1;
    let mut counts = vec![0; needles.len()];
    let mut total = 0u64;
    for r in writable_regions(pid) {
        let mut at = r.start;
        while at < r.end {
            let want = ((r.end - at) as usize).min(CHUNK + overlap);
            buf.resize(want, 0);
            let mut got = 0;
            while got < want {
                match mem.read_at(&mut buf[got..], at + got as u64) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got += n,
                }
            }
            // Matches starting in the overlap are counted with the next chunk.
            let last = at + want as u64 >= r.end;
            let limit = if last { got } else { CHUNK.min(got) };
            for (n, c) in needles.iter().zip(counts.iter_mut()) {
                for p in n.finder.find_iter(&buf[..got]).filter(|p| *p < limit) {
                    *c += 1;
                    if verbose {
                        let addr = at + p as u64;
                        println!("  {} at {addr:#x} ({} +{:#x}, {} bytes)", n.label(), r.name, addr - r.start, r.end - r.start);
                    }
                }
            }
            total += got as u64;
            if got < want {
                break; // an unreadable page: the rest of this mapping is skipped
            }
            at += CHUNK as u64;
        }
    }
    (counts, total)
}

struct ChildProc {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    pid: u32,
    /// Dropped with the child: tells the watchdog to stand down.
    _watchdog: mpsc::Sender<()>,
}

impl ChildProc {
    fn spawn(dir: &Path) -> ChildProc {
        let mut child = Command::new(env!("CARGO_BIN_EXE_imwallet-residue-child"))
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(line.starts_with("READY "), "child did not start: {line:?}");
        let pid = child.id();
        // A hung child would block the reads below forever: kill it past the deadline (its
        // closed pipes then fail the test).
        let (tx, rx) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(WATCHDOG) {
                eprintln!("memory residue: the child is still running after {WATCHDOG:?}; killing it");
                let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            }
        });
        ChildProc { child, stdin, stdout, pid, _watchdog: tx }
    }

    fn command(&mut self, cmd: &str) {
        self.stdin.write_all(cmd.as_bytes()).unwrap();
        self.stdin.write_all(b"\n").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let verb = cmd.split(' ').next().unwrap();
        assert_eq!(line.trim_end(), format!("OK {verb}"), "child failed {verb}");
    }
}

impl Drop for ChildProc {
    fn drop(&mut self) {
        let _ = self.stdin.write_all(b"exit\n");
        let _ = self.child.wait();
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// Nothing exists yet.
    Baseline,
    /// The account is unlocked: its entropy and vault key are found, nothing else.
    Unlocked(&'static str),
    /// `reveal`: the child holds the phrase, seed and key of the account.
    Control(&'static str),
    /// Every count is 0.
    Gone,
}

/// Checks one step's counts; returns what failed.
fn check(step: &str, expect: Expect, needles: &[Needle], counts: &[usize]) -> Vec<String> {
    let mut failures = Vec::new();
    let count = |acc: &str, secret: &str, form: &str| {
        needles.iter().zip(counts).filter(|(n, _)| n.account == acc && n.secret == secret && n.form == form).map(|(_, c)| *c).sum::<usize>()
    };
    let mut must_find = |acc: &str, secret: &str, form: &str| {
        if count(acc, secret, form) == 0 {
            failures.push(format!("{step}: control not found: {acc} {secret} {form}"));
        }
    };
    // The account whose secrets may be found, and which of them.
    let (owner, live): (Option<&str>, &[&str]) = match expect {
        Expect::Unlocked(acc) => {
            must_find(acc, "entropy", "raw");
            must_find(acc, "vault key", "raw");
            (Some(acc), &["entropy", "passphrase", "vault key"])
        }
        Expect::Control(acc) => {
            must_find(acc, "entropy", "raw");
            must_find(acc, "vault key", "raw");
            must_find(acc, "phrase", "text");
            must_find(acc, "seed", "raw");
            must_find(acc, "key", "LE/limbs");
            (Some(acc), &["entropy", "passphrase", "vault key", "phrase", "seed", "key"])
        }
        Expect::Baseline | Expect::Gone => (None, &[]),
    };
    for (n, c) in needles.iter().zip(counts) {
        // Binary forms only: nothing is ever hex-encoded.
        let binary = !matches!(n.form, "hex" | "HEX");
        let allowed = !n.asserted || (owner == Some(n.account) && live.contains(&n.secret) && binary);
        if *c > 0 && !allowed {
            failures.push(format!("{step}: residue: {} found {c}×", n.label()));
        }
    }
    failures
}

#[test]
fn no_secret_outlives_lock_logout_remove_or_erase() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let _keys = common::KeysDir(common::keys_dir_of(dir.path()));

    // B: a phrase and a long passphrase of this test's choosing (fresh per run).
    let b_mnemonic = Mnemonic::generate(12, Language::English).unwrap();
    let b_phrase = String::from_utf8(b_mnemonic.phrase().unwrap().expose().to_vec()).unwrap();
    let b_passphrase =
        format!("a long BIP39 passphrase, longer than the vault encoding buffer holds, run {}", hex::encode(random_array::<8>().unwrap()));
    let b = Secrets { account: B, entropy: b_mnemonic.entropy().clone(), passphrase: b_passphrase.clone() };
    let mut a: Option<Secrets> = None;
    let mut keys: BTreeMap<&str, Keys> = BTreeMap::new();

    let steps: Vec<(&str, String, Expect)> = vec![
        ("start", String::new(), Expect::Baseline),
        ("create", "create".into(), Expect::Unlocked(A)),
        ("import", format!("import {b_phrase}|{b_passphrase}"), Expect::Unlocked(B)),
        ("sign", "sign".into(), Expect::Unlocked(B)),
        ("reveal", format!("reveal {b_passphrase}"), Expect::Control(B)),
        ("lock", "lock".into(), Expect::Gone),
        ("unlock", "unlock".into(), Expect::Unlocked(B)),
        ("bio-on", "bio-enable".into(), Expect::Unlocked(B)),
        ("lock2", "lock".into(), Expect::Gone),
        ("bio-unl", "bio-unlock".into(), Expect::Unlocked(B)),
        ("logout", "logout".into(), Expect::Gone),
        ("login", format!("login {B}"), Expect::Unlocked(B)),
        ("remove", format!("remove {B}"), Expect::Gone),
        ("login-A", format!("login {A}"), Expect::Unlocked(A)),
        ("erase", "erase".into(), Expect::Gone),
    ];

    let mut child = ChildProc::spawn(dir.path());
    let mut buf = Vec::with_capacity(CHUNK + 256);
    // label → count per step (None: the secret was not known yet at that step).
    let mut table: BTreeMap<String, Vec<Option<usize>>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut failures = Vec::new();
    let mut scanned_mib = Vec::new();
    for (i, (step, cmd, expect)) in steps.iter().enumerate() {
        if !cmd.is_empty() {
            child.command(cmd);
        }
        // Learn what the step created.
        if *step == "create" {
            let (entropy, passphrase, vk) = learn(dir.path(), A);
            a = Some(Secrets { account: A, entropy, passphrase });
            keys.insert(A, vk);
        }
        if *step == "import" {
            let (entropy, passphrase, vk) = learn(dir.path(), B);
            assert!(entropy == b.entropy && passphrase == b_passphrase, "B's vault does not hold the imported phrase");
            keys.insert(B, vk);
        }
        let mut needles = b.needles(keys.get(B));
        if let Some(a) = &a {
            needles.extend(a.needles(keys.get(A)));
        }
        // The password is shown, not asserted: zxcvbn (the strength check of create, import and
        // change_password) builds substrings of it that it frees unwiped, out of the core's reach.
        let from = needles.len();
        text_forms(&mut needles, "any", "password", PASSWORD);
        needles[from..].iter_mut().for_each(|n| n.asserted = false);
        let mut counts = vec![usize::MAX; needles.len()];
        let mut bytes = 0;
        for _ in 0..SCANS {
            let (c, total) = scan(child.pid, &needles, &mut buf);
            counts.iter_mut().zip(c).for_each(|(m, c)| *m = (*m).min(c));
            bytes = total;
        }
        scanned_mib.push(bytes as f64 / (1 << 20) as f64);
        failures.extend(check(step, *expect, &needles, &counts));
        for (n, c) in needles.iter().zip(&counts) {
            let label = n.label();
            if !table.contains_key(&label) {
                order.push(label.clone());
            }
            let row = table.entry(label).or_insert_with(|| vec![None; steps.len()]);
            row[i] = Some(*c);
        }
    }
    drop(child);

    // The table: one row per needle, one column per step.
    let width = order.iter().map(String::len).max().unwrap_or(10);
    let mut out = format!("{:width$}", "needle \\ step");
    for (step, _, _) in &steps {
        out += &format!(" {:>7}", step);
    }
    out += "\n";
    for label in &order {
        out += &format!("{label:width$}");
        for c in &table[label] {
            out += &match c {
                Some(c) => format!(" {c:>7}"),
                None => format!(" {:>7}", "-"),
            };
        }
        out += "\n";
    }
    out += &format!("{:width$}", "MiB scanned");
    for m in &scanned_mib {
        out += &format!(" {m:>7.1}");
    }
    println!("{out}\nmemory residue: {} steps × {SCANS} scans in {:.1?}", steps.len(), started.elapsed());
    assert!(failures.is_empty(), "memory residue:\n{}\n{out}", failures.join("\n"));
}
