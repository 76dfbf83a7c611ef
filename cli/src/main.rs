//! `imwallet` — the desktop shell over imwallet-core.
//!
//! Secrets are read from stdin (one item per line) when stdin is not a terminal and prompted
//! for without echo when it is. `--json` gives machine-readable output.

mod input;
mod keys;
mod output;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use input::Input;
use output::{CliError, Out};

#[derive(Parser)]
#[command(name = "imwallet", version, about = "imwallet: non-custodial wallet core, desktop shell")]
struct Cli {
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    json: bool,
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

fn run(cli: Cli, out: &Out) -> Result<(), CliError> {
    let mut input = Input::new();
    match cli.cmd {
        Cmd::Mnemonic { cmd: MnemonicCmd::New { words, lang } } => keys::mnemonic_new(out, words, &lang),
        Cmd::Mnemonic { cmd: MnemonicCmd::Check } => keys::mnemonic_check(out, &mut input),
        Cmd::Address { passphrase, path, count } => keys::address(out, &mut input, passphrase, path.as_deref(), count),
        Cmd::Keystore { cmd: KeystoreCmd::Address { file } } => keys::keystore_address(out, &mut input, &file),
    }
}

fn main() {
    let cli = Cli::parse();
    let out = Out::new(cli.json);
    if let Err(e) = run(cli, &out) {
        std::process::exit(e.report(&out));
    }
}
