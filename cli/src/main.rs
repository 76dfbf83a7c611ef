//! `imwallet` — the desktop shell over imwallet-core.
//!
//! Secrets are read from stdin (one item per line) when stdin is not a terminal and prompted
//! for without echo when it is. `--json` gives machine-readable output; `--data-dir` chooses
//! the wallet directory (default: the platform's data directory).

mod biometric;
mod data_cmds;
mod demo;
mod device_keys;
mod input;
mod keys;
mod output;
mod progress;
mod render;
mod session_cmds;
mod shell;
mod tx_cmds;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use imwallet_core::session::logout::LogoutOptions;

use input::Input;
use output::{CliError, Out};
use session_cmds as sc;

#[derive(Parser)]
#[command(name = "imwallet", version, about = "imwallet: non-custodial wallet core, desktop shell")]
struct Cli {
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    json: bool,
    /// Wallet data directory (default: the platform's data directory).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Recovery phrases (BIP39).
    Mnemonic {
        #[command(subcommand)]
        cmd: MnemonicCmd,
    },
    /// Print EIP-55 addresses of a phrase (phrase on stdin).
    Address {
        /// Read a BIP39 passphrase after the phrase.
        #[arg(long)]
        passphrase: bool,
        /// Parent path; addresses are PATH/0 … PATH/(N-1).
        #[arg(long)]
        path: Option<String>,
        /// How many addresses.
        #[arg(long, default_value_t = 1)]
        count: u32,
    },
    /// Keystore v3 files.
    Keystore {
        #[command(subcommand)]
        cmd: KeystoreCmd,
    },
    /// Accounts on this device.
    Account {
        #[command(subcommand)]
        cmd: AccountCmd,
    },
    /// Confirm the recovery-phrase backup (password, then the words asked for).
    Backup {
        #[command(subcommand)]
        cmd: BackupCmd,
    },
    /// Sign with the current account (the password comes first, on stdin or a prompt).
    Sign {
        #[command(subcommand)]
        cmd: SignCmd,
    },
    /// Log in with account name + password.
    Login {
        #[arg(long)]
        name: String,
    },
    /// Unlock the current session with the password (or --biometric).
    Unlock {
        /// Use biometric unlock (a terminal confirmation stands in for the sensor).
        #[arg(long)]
        biometric: bool,
    },
    /// Biometric unlock on/off for the current account.
    Biometrics {
        #[command(subcommand)]
        cmd: BiometricsCmd,
    },
    /// Lock the current session.
    Lock,
    /// Show the session state.
    Status,
    /// Log out: shows the plan and warnings, asks for the confirmation it needs.
    Logout {
        /// Also delete the encrypted wallet from this device.
        #[arg(long)]
        remove_wallet: bool,
        /// Keep this account's caches.
        #[arg(long)]
        keep_caches: bool,
        /// Also clear global caches (token metadata …).
        #[arg(long)]
        clear_global_caches: bool,
        /// Skip the y/N question (never skips typing the account name).
        #[arg(long)]
        yes: bool,
    },
    /// Security events, newest first.
    Events {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Change the wallet password.
    Password {
        #[command(subcommand)]
        cmd: PasswordCmd,
    },
    /// App caches.
    Cache {
        #[command(subcommand)]
        cmd: CacheCmd,
    },
    /// Erase every wallet, setting, cache and event on this device (asks for a fixed phrase).
    Reset,
    /// Interactive session (stays unlocked while it runs; auto-lock included).
    Shell,
    /// Guided walkthrough on a temporary directory: log out safely, unlock, clear data.
    Demo,
}

#[derive(Subcommand)]
enum MnemonicCmd {
    /// Generate a new phrase.
    New {
        #[arg(long, default_value_t = 12)]
        words: u32,
        /// en, zh-hans, zh-hant, ja, ko, es, fr, it, cs, pt
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Check a phrase (on stdin): language and word count, or the typed error.
    Check,
}

#[derive(Subcommand)]
enum KeystoreCmd {
    /// Verify FILE with the password on stdin and print its address.
    Address { file: PathBuf },
}

#[derive(Subcommand)]
enum AccountCmd {
    /// Create an account with a new recovery phrase (password on stdin).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 12)]
        words: u32,
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Import from a recovery phrase (phrase, [passphrase], password on stdin).
    Import {
        #[arg(long)]
        name: String,
        #[arg(long)]
        passphrase: bool,
        /// Import a keystore v3 file instead of a phrase (keystore password, then password).
        #[arg(long)]
        keystore: Option<PathBuf>,
    },
    /// List accounts.
    List,
}

#[derive(Subcommand)]
enum BiometricsCmd {
    /// Enable (password on stdin).
    Enable,
    /// Disable.
    Disable,
}

#[derive(Subcommand)]
enum CacheCmd {
    /// Entries and bytes per kind.
    Usage,
    /// Clear all caches, some kinds (--kind, repeatable), or the current account's (--account).
    Clear {
        #[arg(long = "kind")]
        kinds: Vec<String>,
        #[arg(long, conflicts_with = "kinds")]
        account: bool,
    },
}

const TX_HELP: &str = "Sign a transaction request and print the raw signed transaction and its hash.

The request is JSON (the eth_signTransaction shape; docs/api.md):
  {\"type\": \"0x2\", \"chainId\": \"0x1\", \"nonce\": \"0x0\", \"gas\": \"0x5208\",
   \"maxFeePerGas\": \"0x6fc23ac00\", \"maxPriorityFeePerGas\": \"0x77359400\",
   \"to\": \"0x3535353535353535353535353535353535353535\", \"value\": \"1500000000000000000\",
   \"data\": \"0x\", \"accessList\": []}
Quantities are numbers, 0x-hex or decimal strings; type 0x0 (legacy, EIP-155) and 0x1 take
gasPrice instead of the two fees; without \"to\" it deploys \"data\"; without \"type\" it is
inferred from the fee fields; \"from\", if given, must be the signing address; \"gasLimit\" and
\"input\" are accepted for \"gas\" and \"data\". A request for a chain other than --chain-id is
refused, and so is everything malformed or out of range, before the password is asked for.

The summary is shown on stderr, then the question (--yes skips it). Piped stdin is read in
order: the request (for -), the password, the answer.";

#[derive(Subcommand)]
enum SignCmd {
    /// Sign a transaction request (JSON from FILE, or - for stdin).
    #[command(long_about = TX_HELP)]
    Tx {
        /// The request: a JSON file, or - for stdin.
        file: PathBuf,
        /// The chain the app is on (1 = Ethereum mainnet); a request for another chain is refused.
        #[arg(long)]
        chain_id: u64,
        /// Which address of the account signs (m/44'/60'/0'/0/INDEX).
        #[arg(long, default_value_t = 0)]
        index: u32,
        /// Sign without asking (the summary is still shown).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum BackupCmd {
    Confirm,
}

#[derive(Subcommand)]
enum PasswordCmd {
    Change,
}

fn run(cli: Cli, out: &Out) -> Result<(), CliError> {
    let mut input = Input::new();
    let dir = cli.data_dir.unwrap_or_else(sc::default_data_dir);
    let i = &mut input;
    match cli.cmd {
        Cmd::Mnemonic { cmd: MnemonicCmd::New { words, lang } } => keys::mnemonic_new(out, words, &lang),
        Cmd::Mnemonic { cmd: MnemonicCmd::Check } => keys::mnemonic_check(out, i),
        Cmd::Address { passphrase, path, count } => keys::address(out, i, passphrase, path.as_deref(), count),
        Cmd::Keystore { cmd: KeystoreCmd::Address { file } } => keys::keystore_address(out, i, &file),
        Cmd::Account { cmd: AccountCmd::Create { name, words, lang } } => sc::account_create(out, i, &dir, &name, words, &lang),
        Cmd::Account { cmd: AccountCmd::Import { name, keystore: Some(file), .. } } => {
            sc::account_import_keystore(out, i, &dir, &name, &file)
        }
        Cmd::Account { cmd: AccountCmd::Import { name, passphrase, keystore: None } } => {
            sc::account_import(out, i, &dir, &name, passphrase)
        }
        Cmd::Account { cmd: AccountCmd::List } => sc::account_list(out, &dir),
        Cmd::Backup { cmd: BackupCmd::Confirm } => sc::backup_confirm(out, i, &dir),
        Cmd::Sign { cmd: SignCmd::Tx { file, chain_id, index, yes } } => tx_cmds::sign_tx(out, i, &dir, &file, chain_id, index, yes),
        Cmd::Login { name } => sc::cmd_login(out, i, &dir, &name),
        Cmd::Unlock { biometric } => sc::cmd_unlock(out, i, &dir, biometric),
        Cmd::Biometrics { cmd } => sc::biometrics(out, i, &dir, matches!(cmd, BiometricsCmd::Enable)),
        Cmd::Lock => sc::cmd_lock(out, &dir),
        Cmd::Status => sc::cmd_status(out, &dir),
        Cmd::Logout { remove_wallet, keep_caches, clear_global_caches, yes } => {
            let options = LogoutOptions { clear_caches: !keep_caches, keep_global_caches: !clear_global_caches, remove_wallet };
            sc::cmd_logout(out, i, &dir, options, yes)
        }
        Cmd::Events { limit } => sc::cmd_events(out, &dir, limit),
        Cmd::Password { cmd: PasswordCmd::Change } => sc::password_change(out, i, &dir),
        Cmd::Cache { cmd: CacheCmd::Usage } => data_cmds::usage(out, &dir),
        Cmd::Cache { cmd: CacheCmd::Clear { kinds, account } } => data_cmds::clear(out, &dir, &kinds, account),
        Cmd::Reset => data_cmds::reset(out, i, &dir),
        Cmd::Shell => shell::run(out, i, &dir),
        Cmd::Demo => demo::run(out),
    }
}

fn main() {
    let cli = Cli::parse();
    let out = Out::new(cli.json);
    if let Err(e) = run(cli, &out) {
        std::process::exit(e.report(&out));
    }
}
