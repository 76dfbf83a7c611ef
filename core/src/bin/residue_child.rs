//! Test helper (feature `memory-residue`): drives a wallet's lifecycle one command at a time so
//! the parent test (`tests/memory_residue.rs`) can read this process's memory between steps.
//!
//! Usage: `imwallet-residue-child DIR`. Commands arrive on stdin, one per line; after each the
//! child prints `OK <command>` (or `ERR <command> <kind>: <message>`) and blocks on the next line,
//! so the parent scans a process that is standing still. The child keeps no secrets of its own:
//!
//! - stdin is read through a private, unbuffered handle into a zeroizing buffer of fixed
//!   capacity (std's `Stdin` would keep every line in its own buffer, never wiped);
//! - the phrase `create_account` returns is wiped at once;
//! - the only secrets it holds on purpose are the *control* of step `reveal`: the revealed
//!   phrase and the seed and key it derives from it through the public wallet API (so the parent
//!   can prove that it finds a seed and a key where they are), dropped before the next command.
//!   Like any careful caller of the lower-level wallet functions, it derives them inside
//!   [`scrubbed`] straight into a heap slot, so their stack temporaries go too. The `WalletCore`
//!   calls themselves are made bare: they must clean up after themselves.
//!
//! Commands: `create`, `import <phrase>|<passphrase>`, `sign`, `reveal <passphrase>`, `lock`,
//! `unlock`, `bio-enable`, `bio-unlock`, `logout`, `login <name>`, `remove <name>`, `erase`,
//! `exit`.

use std::fs::File;
use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::Arc;

use imwallet_core::auth::gates::AuthProof;
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::vault::{scrubbed, SecretBytes};
use imwallet_core::wallet::{DerivationPath, Language, Mnemonic, PrivateKey};
use imwallet_core::{Config, Error, Hooks, Result, WalletCore};
use zeroize::{Zeroize, Zeroizing};

/// The password of every account the child creates (not one of the secrets the parent counts).
pub const PASSWORD: &[u8] = b"correct horse battery staple 42";
/// Name of the account created with a new phrase.
pub const CREATED: &str = "Alice";
/// Name of the account imported from the parent's phrase.
pub const IMPORTED: &str = "Bob";

/// Longest command line accepted; the line buffer never grows (a reallocation would leave the
/// old buffer behind unwiped).
const LINE_CAP: usize = 4096;

/// What step `reveal` holds until the next command (dropped = zeroized).
#[allow(dead_code)] // held only to be found in memory
struct Control {
    phrase: SecretBytes,
    seed: SecretBytes,
    key: PrivateKey,
}

fn bad(reason: &str) -> Error {
    Error::InvalidArgument { reason: reason.into() }
}

/// Standard input as a plain, unbuffered file (a duplicate of the handle).
#[cfg(unix)]
fn raw_stdin() -> std::io::Result<File> {
    use std::os::fd::AsFd;
    Ok(File::from(std::io::stdin().as_fd().try_clone_to_owned()?))
}

/// Standard input as a plain, unbuffered file (a duplicate of the handle).
#[cfg(windows)]
fn raw_stdin() -> std::io::Result<File> {
    use std::os::windows::io::AsHandle;
    Ok(File::from(std::io::stdin().as_handle().try_clone_to_owned()?))
}

/// Reads one line (without the newline) into `line`, byte by byte; `false` at end of input.
fn read_line(input: &mut File, line: &mut Zeroizing<Vec<u8>>) -> std::io::Result<bool> {
    line.zeroize();
    let mut byte = [0u8; 1];
    loop {
        if input.read(&mut byte)? == 0 {
            return Ok(!line.is_empty());
        }
        if byte[0] == b'\n' {
            return Ok(true);
        }
        if line.len() == LINE_CAP {
            return Err(std::io::Error::other("command line too long"));
        }
        line.push(byte[0]);
    }
}

fn logout(core: &WalletCore, remove: bool, name: Option<&str>) -> Result<()> {
    let plan = core.prepare_logout(LogoutOptions { remove_wallet: remove, ..LogoutOptions::default() })?;
    let confirmation = LogoutConfirmation {
        typed_account_name: name.map(str::to_string),
        password: remove.then(|| SecretBytes::from_slice(PASSWORD)),
        use_biometrics: false,
    };
    core.logout(&plan.token, &confirmation)?;
    Ok(())
}

/// Reveals the phrase and derives the control seed and key into `slot` (on the heap).
fn control(core: &WalletCore, passphrase: &[u8], slot: &mut Option<Control>) -> Result<()> {
    let phrase = core.reveal_phrase(AuthProof::Password(PASSWORD))?;
    let passphrase = std::str::from_utf8(passphrase).map_err(|_| bad("passphrase is not UTF-8"))?;
    scrubbed(|| {
        let mnemonic = Mnemonic::parse(phrase.expose_str()?)?;
        let seed = mnemonic.to_seed(passphrase)?;
        let key = PrivateKey::derive(&seed, &DerivationPath::ethereum(0)?)?;
        *slot = Some(Control { phrase, seed, key });
        Ok(())
    })
}

fn run(core: &WalletCore, cmd: &str, arg: &[u8], held: &mut Option<Control>) -> Result<()> {
    let arg_str = || std::str::from_utf8(arg).map_err(|_| bad("argument is not UTF-8"));
    match cmd {
        "create" => {
            let mut created = core.create_account(CREATED, PASSWORD, 12, Language::English)?;
            created.phrase.zeroize();
        }
        "import" => {
            let split = arg.iter().position(|b| *b == b'|').ok_or_else(|| bad("import needs <phrase>|<passphrase>"))?;
            let (phrase, passphrase) = (&arg[..split], &arg[split + 1..]);
            core.import_account(IMPORTED, phrase, Some(passphrase), PASSWORD)?;
        }
        "sign" => {
            core.sign_message(0, b"memory residue test")?;
        }
        "reveal" => control(core, arg, held)?,
        "lock" => drop(core.lock()?),
        "unlock" => drop(core.unlock(PASSWORD)?),
        "bio-enable" => core.enable_biometric_unlock(PASSWORD)?,
        "bio-unlock" => drop(core.unlock_with_biometrics()?),
        "logout" => logout(core, false, None)?,
        "login" => drop(core.login(arg_str()?, PASSWORD, None)?),
        "remove" => logout(core, true, Some(arg_str()?))?,
        "erase" => {
            // Alice was never backed up: her password authorizes the reset.
            let proofs = imwallet_core::engine::EraseProofs {
                passwords: vec![(CREATED.to_string(), imwallet_core::vault::SecretBytes::from_slice(PASSWORD))],
                use_device_owner: false,
            };
            core.erase_all_data(imwallet_core::engine::ERASE_PHRASE, &proofs)?;
        }
        other => return Err(bad(&format!("unknown command {other}"))),
    }
    Ok(())
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: imwallet-residue-child DIR");
        return ExitCode::from(2);
    };
    let mut input = match raw_stdin() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot open stdin: {e}");
            return ExitCode::FAILURE;
        }
    };
    let config = Config {
        data_dir: dir.clone().into(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    let hooks = Hooks {
        key_store: Arc::new(MemoryKeyStore::new()),
        // Key files beside the data directory, so the test can read the database too.
        device_keys: Some(Arc::new(imwallet_core::auth::device_keys::FileDeviceKeys::new(format!("{dir}-device-keys")))),
        ..Hooks::default()
    };
    let core = match WalletCore::open(config, hooks) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot open the core: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "READY {}", std::process::id()).and_then(|_| out.flush());
    let mut line = Zeroizing::new(Vec::with_capacity(LINE_CAP));
    // On the heap, so that dropping it wipes the one place it is.
    let mut held: Box<Option<Control>> = Box::new(None);
    loop {
        match read_line(&mut input, &mut line) {
            Ok(true) => {}
            Ok(false) => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cannot read a command: {e}");
                return ExitCode::FAILURE;
            }
        }
        // The previous step's control secrets go before the next step runs.
        *held = None;
        let (cmd, arg) = match line.iter().position(|b| *b == b' ') {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => (&line[..], &[][..]),
        };
        let cmd = String::from_utf8_lossy(cmd).into_owned();
        if cmd == "exit" {
            return ExitCode::SUCCESS;
        }
        let result = run(&core, &cmd, arg, &mut held);
        line.zeroize();
        let reply = match result {
            Ok(()) => writeln!(out, "OK {cmd}"),
            Err(e) => writeln!(out, "ERR {cmd} {}: {e}", e.kind()),
        };
        if reply.and_then(|_| out.flush()).is_err() {
            return ExitCode::FAILURE;
        }
    }
}
