//! `imwallet` — the desktop shell over imwallet-core.
//!
//! Secrets are read from stdin (one item per line) when stdin is not a terminal and prompted
//! for without echo when it is. `--json` gives machine-readable output; `--data-dir` chooses
//! the wallet directory (default: the platform's data directory).

mod args;
mod biometric;
mod connection_cmds;
mod data_cmds;
mod demo;
mod device_keys;
mod environment;
mod input;
mod keys;
mod output;
mod progress;
mod render;
mod render_safety;
mod session_cmds;
mod shell;
mod two_factor;
mod tx_cmds;

use clap::{CommandFactory, Parser};
use imwallet_core::session::logout::LogoutOptions;

use args::*;
use input::Input;
use output::{CliError, Out};
use session_cmds as sc;

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
        Cmd::TwoFa { cmd } => two_factor::run(out, i, &dir, cmd),
        Cmd::Biometrics { cmd } => sc::biometrics(out, i, &dir, matches!(cmd, BiometricsCmd::Enable)),
        Cmd::Lock => sc::cmd_lock(out, &dir),
        Cmd::Status => sc::cmd_status(out, &dir),
        Cmd::Logout { remove_wallet, keep_caches, clear_global_caches, yes } => {
            let options = LogoutOptions { clear_caches: !keep_caches, keep_global_caches: !clear_global_caches, remove_wallet };
            sc::cmd_logout(out, i, &dir, options, yes)
        }
        Cmd::Events { limit } => sc::cmd_events(out, &dir, limit),
        Cmd::Connections { cmd: ConnectionsCmd::List } => connection_cmds::list(out, &dir),
        Cmd::Connections { cmd: ConnectionsCmd::Add { id, origin, name, indexes, chains } } => {
            let new = imwallet_core::connections::NewConnection { id, origin, name, accounts: vec![], chains, permissions: vec![] };
            connection_cmds::add(out, i, &dir, new, &indexes)
        }
        Cmd::Connections { cmd: ConnectionsCmd::Revoke { id, all } } => connection_cmds::revoke(out, &dir, id.as_deref(), all),
        Cmd::Password { cmd: PasswordCmd::Change } => sc::password_change(out, i, &dir),
        Cmd::Cache { cmd: CacheCmd::Usage } => data_cmds::usage(out, &dir),
        Cmd::Cache { cmd: CacheCmd::Clear { kinds, account } } => data_cmds::clear(out, &dir, &kinds, account),
        Cmd::Reset => data_cmds::reset(out, i, &dir),
        Cmd::Shell => shell::run(out, i, &dir),
        Cmd::Demo { no_pause } => demo::run(out, i, no_pause),
        Cmd::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "imwallet", &mut buf);
            outln!("{}", String::from_utf8_lossy(&buf).trim_end())
        }
        Cmd::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut buf).map_err(|e| CliError::io(e.to_string()))?;
            outln!("{}", String::from_utf8_lossy(&buf).trim_end())
        }
    }
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let wants_json = std::env::args_os().skip(1).take_while(|a| a != "--").any(|a| a == "--json");
            if wants_json && !matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                // A usage error in --json mode is JSON too (exit 2).
                let msg = e.render().to_string();
                let err = CliError::usage(msg.trim_end().trim_start_matches("error: "));
                std::process::exit(err.report(&Out::new(true)));
            }
            e.exit();
        }
    };
    let out = Out::new(cli.json);
    if let Err(e) = run(cli, &out) {
        std::process::exit(e.report(&out));
    }
}
