//! The Rust side of `tests/bench_kdf_peers.py`: a long-lived process that times one KDF or one
//! login per command, so the script can alternate it with the Python peers (libsodium,
//! argon2-cffi) in one run without process start-up in the numbers.
//!
//! Commands on stdin, one per line; each answers one line on stdout:
//!
//! * `derive M_KIB T P` — one `imwallet_core::vault::kdf::derive` (the function login calls):
//!   `<milliseconds> <hex of the 32-byte output>`;
//! * `login` — one `WalletCore::login` of a production-profile account (created at start-up,
//!   so it has the current default parameters): `<milliseconds>`;
//! * `sign N` — N `sign_message` calls of that account after a login: `<microseconds per call>`;
//! * `params` — the production default as `M_KIB T P`.
//!
//! Build it in release: `cargo build --release -p imwallet-core --example kdf_peer`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a measuring tool, not library code

use std::io::{BufRead, Write};
use std::time::Instant;

use imwallet_core::session::autolock::AutoLock;
use imwallet_core::vault::kdf::{self, KdfParams, KdfProfile};
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, WalletCore};

const PW: &[u8] = b"correct horse battery staple 42";
/// 16 bytes: the length the wallet uses and the only one libsodium takes.
const SALT: &[u8] = b"imwallet/salt/16";

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut core: Option<WalletCore> = None;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        let answer = match words.as_slice() {
            ["derive", m, t, p] => {
                let params = KdfParams { m_kib: m.parse().unwrap(), t: t.parse().unwrap(), p: p.parse().unwrap() };
                let start = Instant::now();
                let key = kdf::derive(PW, SALT, params).unwrap();
                let ms = start.elapsed().as_secs_f64() * 1e3;
                format!("{ms:.3} {}", hex::encode(key.expose()))
            }
            ["login"] => {
                let w = core.get_or_insert_with(|| {
                    let config = Config {
                        data_dir: dir.path().to_path_buf(),
                        kdf_profile: KdfProfile::Production,
                        default_auto_lock: AutoLock::Never,
                        unlock_needs_second_factor: false,
                        safety: Default::default(),
                    };
                    let w = WalletCore::open(config, Hooks::default()).unwrap();
                    w.create_account("Bench", PW, 12, Language::English).unwrap();
                    w
                });
                let start = Instant::now();
                w.login("Bench", PW, None).unwrap();
                format!("{:.3}", start.elapsed().as_secs_f64() * 1e3)
            }
            ["sign", n] => {
                let w = core.as_ref().expect("run `login` first");
                let n: u32 = n.parse().unwrap();
                let start = Instant::now();
                for i in 0..n {
                    w.sign_message(0, format!("message {i}").as_bytes()).unwrap();
                }
                format!("{:.1}", start.elapsed().as_secs_f64() * 1e6 / f64::from(n))
            }
            ["params"] => {
                let p = KdfProfile::Production.params();
                format!("{} {} {}", p.m_kib, p.t, p.p)
            }
            ["quit"] | [] => break,
            other => panic!("unknown command {other:?}"),
        };
        writeln!(out, "{answer}").unwrap();
        out.flush().unwrap();
    }
}
