//! Kill -9 fault campaign: a child (`imwallet-crash-child DIR campaign`) loops create / change
//! password / logout / login / cache clear / remove wallet / erase on one data directory and
//! announces each step; the parent SIGKILLs it at random moments (not only at named crash
//! points), reopens the directory (which runs journal recovery) and checks:
//!
//! * every account that existed before the interrupted operation is still there and opens with
//!   its old or its new password — never neither — unless that operation was removing it;
//! * no account exists that the model does not know (only the one being created may appear);
//! * no half-removed wallet: every listed account logs in and derives an address;
//! * the journal is empty after recovery;
//! * no plaintext canary in any file: a recovery phrase never, an account's cache canary never
//!   after that account's logout (which clears and scrubs its caches);
//! * every account gets a dapp connection when created: after every completed logout (or
//!   removal) its dapp was asked to disconnect, and after recovery no revocation is owed.
//!
//! `IMW_KILLS` sets the number of kills: 20 in the plain test run, 100 in `tests/harden.sh`
//! (the README's test command), 1,000 in `tests/harden.sh --long`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pw {
    Old,
    New,
    Either,
}

#[derive(Debug, Clone)]
struct Acct {
    pw: Pw,
    /// `false` while its creation or removal is in flight (it may or may not exist).
    certain: bool,
    removing: bool,
}

#[derive(Default)]
struct Model {
    accounts: BTreeMap<String, Acct>,
    /// Accounts the current child touched (checked in full after the kill).
    touched: BTreeSet<String>,
    /// The next unused account number.
    next: u64,
    phrases: Vec<String>,
    /// Accounts whose caches a completed logout (or removal/erase) cleared.
    cleared: BTreeSet<String>,
    erasing: bool,
}

impl Model {
    fn apply(&mut self, line: &str) {
        let mut it = line.splitn(3, ' ');
        let (verb, op, name) = (it.next().unwrap_or(""), it.next().unwrap_or(""), it.next().unwrap_or("").to_string());
        if let Some(n) = name.strip_prefix('k').and_then(|n| n.parse::<u64>().ok()) {
            self.next = self.next.max(n + 1);
            self.touched.insert(name.clone());
        }
        match (verb, op) {
            ("begin", "create") => {
                self.accounts.insert(name, Acct { pw: Pw::Old, certain: false, removing: false });
            }
            ("done", "create") => self.accounts.entry(name).or_insert(Acct { pw: Pw::Old, certain: true, removing: false }).certain = true,
            ("phrase", phrase_owner) => {
                let _ = phrase_owner;
                // "phrase <name> <words…>": the words are the rest of the line.
                self.phrases.push(line.splitn(3, ' ').nth(2).unwrap_or("").to_string());
            }
            ("begin", "password") => {
                if let Some(a) = self.accounts.get_mut(&name) {
                    a.pw = Pw::Either;
                }
            }
            ("done", "password") => {
                if let Some(a) = self.accounts.get_mut(&name) {
                    a.pw = Pw::New;
                }
            }
            ("done", "logout") | ("done", "clear") => {
                self.cleared.insert(name);
            }
            ("begin", "remove") => {
                if let Some(a) = self.accounts.get_mut(&name) {
                    a.removing = true;
                }
            }
            ("done", "remove") => {
                self.accounts.remove(&name);
                self.cleared.insert(name);
            }
            ("begin", "erase") => self.erasing = true,
            ("done", "erase") => {
                self.cleared.extend(self.accounts.keys().cloned());
                self.accounts.clear();
                self.erasing = false;
            }
            _ => {}
        }
    }

    /// After recovery the interrupted operation either happened or did not: settle the model
    /// on what the directory shows.
    fn settle(&mut self, present: &BTreeSet<String>) {
        if self.erasing {
            if present.is_empty() {
                self.cleared.extend(self.accounts.keys().cloned());
                self.accounts.clear();
            }
            self.erasing = false;
        }
        self.accounts.retain(|name, a| if !a.certain || a.removing { present.contains(name) } else { true });
        for a in self.accounts.values_mut() {
            a.certain = true;
            a.removing = false;
        }
    }
}

/// The rig on the key-file device shared with the child processes (shadows `common::open`).
/// The rig with the dapp hook the child uses (the same log), so owed revocations complete.
fn open(dir: &Path) -> Rig {
    open_on_files_with_dapps(dir, std::sync::Arc::new(common::dapp_rig::LogDapps::of(dir)))
}

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The account names of every `CANARY-<name>.` in `bytes` (the dot ends a name: `k2` is not a
/// prefix of `k24`).
fn canaries_in(bytes: &[u8]) -> Vec<String> {
    const TAG: &[u8] = b"CANARY-";
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = bytes[i..].windows(TAG.len()).position(|w| w == TAG) {
        let start = i + at + TAG.len();
        let end = bytes[start..].iter().position(|b| *b == b'.').map_or(bytes.len(), |e| start + e);
        out.push(String::from_utf8_lossy(&bytes[start..end.min(start + 32)]).into_owned());
        i = start;
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The limiter is not under test here: the parent's password probes must not trip it.
fn reset_limiter(dir: &Path) {
    let c = rusqlite::Connection::open(dir.join("imwallet.db")).unwrap();
    c.execute_batch("DELETE FROM attempt_buckets; DELETE FROM attempt_failures;").unwrap();
}

#[test]
fn kill_9_at_random_moments_never_loses_or_half_removes_a_wallet() {
    let kills: u32 = std::env::var("IMW_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let _keys = KeysDir(keys_dir_of(dir.path()));
    let _log = common::dapp_rig::RevokedLog::of(dir.path());
    let mut model = Model::default();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let started = Instant::now();
    let mut interrupted: BTreeMap<String, u32> = BTreeMap::new();
    let mut history: Vec<String> = Vec::new();
    let mut phrases_seen = 0usize;
    for kill in 0..kills {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        model.touched.clear();
        let mut child = Command::new(env!("CARGO_BIN_EXE_imwallet-crash-child"))
            .arg(dir.path())
            .arg("campaign")
            .env("IMW_CAMPAIGN_START", model.next.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Kill after a random number of announced steps, at a random moment inside the next one.
        let steps = 1 + (seed % 12) as usize;
        let mut last = String::new();
        for _ in 0..steps {
            match rx.recv_timeout(Duration::from_secs(20)) {
                Ok(line) => {
                    model.apply(&line);
                    history.push(line.clone());
                    last = line;
                }
                Err(_) => break,
            }
        }
        std::thread::sleep(Duration::from_micros((seed >> 20) % 4000));
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        for line in rx.try_iter() {
            model.apply(&line);
            history.push(line.clone());
            last = line;
        }
        history.push(format!("--- kill {kill}"));
        *interrupted.entry(last.split(' ').take(2).collect::<Vec<_>>().join(" ")).or_default() += 1;

        // Reopen: journal recovery runs here.
        reset_limiter(dir.path());
        let r = open(dir.path());
        let journal: i64 = rusqlite::Connection::open(dir.path().join("imwallet.db"))
            .unwrap()
            .query_row("SELECT COUNT(*) FROM journal", [], |x| x.get(0))
            .unwrap();
        assert_eq!(journal, 0, "kill {kill} (after `{last}`): the journal is empty after recovery");
        assert_eq!(r.core.pending_revocations().unwrap(), vec![], "kill {kill} (after `{last}`): no dapp revocation owed after recovery");
        let revoked = common::dapp_rig::revoked_log(dir.path());
        for done in history.iter().filter_map(|l| l.strip_prefix("done logout ").or_else(|| l.strip_prefix("done remove "))) {
            let id = format!("dapp-{done}");
            assert!(revoked.contains(&id), "kill {kill}: {done} logged out but its dapp was never asked to disconnect");
        }
        let present: BTreeSet<String> = r.core.accounts().unwrap().into_iter().map(|a| a.name).collect();
        model.settle(&present);
        let known: BTreeSet<String> = model.accounts.keys().cloned().collect();
        assert_eq!(present, known, "kill {kill} (after `{last}`): accounts on disk vs the model");
        // Every account this child touched, and a few older ones, must open.
        let sample: BTreeSet<&String> =
            model.accounts.keys().filter(|n| model.touched.contains(*n)).chain(model.accounts.keys().take(3)).collect();
        for (name, a) in model.accounts.iter().filter(|(n, _)| sample.contains(n)) {
            let opened = match a.pw {
                Pw::Old => r.core.login(name, PW, None).is_ok(),
                Pw::New => r.core.login(name, PW2, None).is_ok(),
                Pw::Either => r.core.login(name, PW2, None).is_ok() || r.core.login(name, PW, None).is_ok(),
            };
            assert!(opened, "kill {kill} (after `{last}`): {name} opens with neither password");
            assert_eq!(r.core.addresses(1).unwrap().len(), 1, "kill {kill}: {name} is whole");
        }
        // Keep the directory small: now and then the parent resets the app itself.
        if kill % 25 == 24 {
            r.core.erase_all_data(imwallet_core::engine::ERASE_PHRASE, &by_owner()).unwrap();
            model.cleared.extend(model.accounts.keys().cloned());
            model.accounts.clear();
        }
        drop(r);
        // No plaintext canary in any file: every cache canary is found in one pass per file;
        // the phrases of this round are checked every time, all phrases every 50 kills.
        let all_phrases = kill % 50 == 49 || kill + 1 == kills;
        let phrases: &[String] = if all_phrases { &model.phrases } else { &model.phrases[phrases_seen.min(model.phrases.len())..] };
        for f in files(dir.path()) {
            let bytes = std::fs::read(&f).unwrap_or_default();
            for p in phrases {
                assert!(!contains(&bytes, p.as_bytes()), "kill {kill}: a recovery phrase in plaintext in {}", f.display());
            }
            for name in canaries_in(&bytes) {
                assert!(
                    !model.cleared.contains(&name),
                    "kill {kill}: CANARY-{name}. survives in {}; history:\n{}",
                    f.display(),
                    history.iter().filter(|l| !l.starts_with("phrase")).cloned().collect::<Vec<_>>().join("\n")
                );
            }
        }
        phrases_seen = model.phrases.len();
    }
    eprintln!("kill campaign: {kills} kills in {:.1} s; interrupted steps: {interrupted:?}", started.elapsed().as_secs_f64());
}
