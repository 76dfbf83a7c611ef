//! The command line: `imwallet`'s options and subcommands (clap derive), with their help texts.

use std::path::PathBuf;

use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "imwallet",
    version,
    about = "imwallet: non-custodial wallet core, desktop shell",
    after_help = "Secrets are prompted for without echo on a terminal, else read one per line from stdin.\n\
                  Exit codes: 0 ok, 1 a typed core error, 2 usage, 3 I/O, 130 cancelled (Ctrl-C, Ctrl-D, \
                  declining, a wrong confirmation), 141 stdout closed."
)]
pub(crate) struct Cli {
    /// Machine-readable JSON output on stdout (errors too: {"error": {"kind", "message", …}}).
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Wallet data directory [default: $XDG_DATA_HOME/imwallet or ~/.local/share/imwallet].
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) cmd: Cmd,
}

#[derive(Subcommand)]
pub(crate) enum Cmd {
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
    /// Log in with account name + password (and the code, with two-step verification on).
    Login {
        /// The account name (case-insensitive).
        #[arg(long)]
        name: String,
    },
    /// Unlock the current session with the password (or --biometric).
    Unlock {
        /// Use biometric unlock (a terminal confirmation stands in for the sensor).
        #[arg(long)]
        biometric: bool,
    },
    /// Two-step verification (authenticator app, recovery codes) for the current account.
    #[command(name = "2fa")]
    TwoFa {
        #[command(subcommand)]
        cmd: crate::two_factor::TwoFaCmd,
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
    /// Dapps connected to the logged-in account (WalletConnect sessions, site permissions).
    Connections {
        #[command(subcommand)]
        cmd: ConnectionsCmd,
    },
    /// Security events, newest first.
    Events {
        /// How many events to show.
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
    Demo {
        /// Do not wait for Enter between the steps (the default when stdin or stdout is not a terminal).
        #[arg(long)]
        no_pause: bool,
    },
    /// Print a shell completion script (e.g. `imwallet completions bash > ~/.local/share/bash-completion/completions/imwallet`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `imwallet man | man -l -`.
    Man,
}

/// Word counts BIP39 allows.
pub(crate) const WORD_COUNTS: [&str; 5] = ["12", "15", "18", "21", "24"];
/// Recovery-phrase languages (BIP39 word lists).
pub(crate) const LANGS: [&str; 10] = ["en", "zh-hans", "zh-hant", "ja", "ko", "es", "fr", "it", "cs", "pt"];

pub(crate) fn word_count() -> impl clap::builder::TypedValueParser<Value = u32> {
    clap::builder::PossibleValuesParser::new(WORD_COUNTS).map(|s| s.parse::<u32>().unwrap_or(12))
}

#[derive(Subcommand)]
pub(crate) enum MnemonicCmd {
    /// Generate a new phrase.
    New {
        /// Number of words.
        #[arg(long, default_value = "12", value_parser = word_count())]
        words: u32,
        /// Word-list language: en, zh-hans, zh-hant, ja, ko, es, fr, it, cs, pt.
        #[arg(long, default_value = "en", value_parser = LANGS)]
        lang: String,
    },
    /// Check a phrase (on stdin): language and word count, or the typed error.
    Check,
}

#[derive(Subcommand)]
pub(crate) enum KeystoreCmd {
    /// Verify FILE with the password on stdin and print its address.
    Address {
        /// The keystore v3 JSON file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
pub(crate) enum AccountCmd {
    /// Create an account with a new recovery phrase (password on stdin).
    Create {
        /// Account name: 1–64 visible characters, unique on this device (case-insensitive).
        #[arg(long)]
        name: String,
        /// Number of words of the new recovery phrase.
        #[arg(long, default_value = "12", value_parser = word_count())]
        words: u32,
        /// Word-list language: en, zh-hans, zh-hant, ja, ko, es, fr, it, cs, pt.
        #[arg(long, default_value = "en", value_parser = LANGS)]
        lang: String,
    },
    /// Import from a recovery phrase (phrase, [passphrase], password on stdin).
    Import {
        /// Account name: 1–64 visible characters, unique on this device (case-insensitive).
        #[arg(long)]
        name: String,
        /// Also read a BIP39 passphrase (the "25th word") after the phrase.
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
pub(crate) enum BiometricsCmd {
    /// Enable (password on stdin).
    Enable,
    /// Disable.
    Disable,
}

#[derive(Subcommand)]
pub(crate) enum ConnectionsCmd {
    /// The connected dapps (readable while locked).
    List,
    /// Record a connection (asks for the password): for trying the flow on a desktop.
    Add {
        /// The connection's id (a WalletConnect topic, or the origin).
        #[arg(long)]
        id: String,
        /// The dapp's origin, e.g. https://app.example.
        #[arg(long)]
        origin: String,
        /// The dapp's name.
        #[arg(long)]
        name: String,
        /// An address index the dapp may use (repeatable; default 0).
        #[arg(long = "index", default_values_t = [0u32])]
        indexes: Vec<u32>,
        /// A chain id the dapp may use (repeatable; default 1).
        #[arg(long = "chain", default_values_t = [1u64])]
        chains: Vec<u64>,
    },
    /// Disconnect one dapp (by id) or every one (--all).
    Revoke {
        /// The connection id (see `connections list`).
        id: Option<String>,
        #[arg(long, conflicts_with = "id")]
        all: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum CacheCmd {
    /// Entries and bytes per kind.
    Usage,
    /// Clear all caches, some kinds (--kind, repeatable), or the current account's (--account).
    Clear {
        /// A cache kind to clear (repeatable), e.g. balances, token_metadata, or a file cache name.
        #[arg(long = "kind", value_name = "KIND")]
        kinds: Vec<String>,
        /// Only the logged-in account's caches.
        #[arg(long, conflicts_with = "kinds")]
        account: bool,
    },
}

pub(crate) const TX_HELP: &str = "Sign a transaction request and print the raw signed transaction and its hash.

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
pub(crate) enum SignCmd {
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
pub(crate) enum BackupCmd {
    /// Password, then the three words asked for.
    Confirm,
}

#[derive(Subcommand)]
pub(crate) enum PasswordCmd {
    /// Current password, then the new one (twice on a terminal).
    Change,
}
