//! `imwallet shell`: an interactive session that stays unlocked while the process runs, with
//! auto-lock, state changes printed as they happen. Commands and secrets are read from the
//! same input (a terminal, or a script piped on stdin).

use std::path::Path;
use std::sync::Arc;

use imwallet_core::auth::gates::AuthProof;
use imwallet_core::auth::hooks::{HookError, SessionListener};
use imwallet_core::events::SecurityEvent;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::LogoutOptions;
use imwallet_core::session::SessionState;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, WalletCore};

use crate::input::Input;
use crate::output::{CliError, Out};
use crate::progress::with_spinner;
use crate::render;
use crate::session_cmds::{confirm_backup_words, login, logout, new_password};

struct Announce;

impl SessionListener for Announce {
    fn on_state_changed(&self, state: SessionState) -> Result<(), HookError> {
        eprintln!("[session] {}", render::state_text(&state));
        Ok(())
    }
    fn on_security_event(&self, _: SecurityEvent) -> Result<(), HookError> {
        Ok(())
    }
}

const HELP: &str = "commands: status | accounts | create NAME [WORDS] [LANG] | import NAME | login NAME | unlock | lock |
          addresses [N] | sign TEXT | backup | reveal | password | autolock SECONDS|immediate|never |
          logout [remove] | events [N] | help | quit";

pub fn run(out: &Out, input: &mut Input, dir: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir).map_err(|e| CliError::io(format!("cannot create {}: {e}", dir.display())))?;
    let hooks = Hooks {
        listener: Some(Arc::new(Announce)),
        key_store: crate::biometric::key_store(dir),
        boot_clock: Arc::new(imwallet_core::clock::LinuxBootClock),
        device_keys: Some(crate::device_keys::store(dir)),
        ..Hooks::default()
    };
    let core = WalletCore::open(Config::new(dir), hooks)?;
    eprintln!("imwallet shell on {} — {}", dir.display(), render::state_text(&core.state()));
    eprintln!("{HELP}");
    loop {
        let line = match input.line("imwallet>") {
            Ok(l) => l,
            Err(_) => return Ok(()), // end of input
        };
        let parts: Vec<&str> = line.split_whitespace().collect();
        let Some((cmd, args)) = parts.split_first() else {
            continue;
        };
        if matches!(*cmd, "quit" | "exit") {
            return Ok(());
        }
        core.touch();
        if let Err(e) = step(out, input, &core, cmd, args) {
            e.report(out);
        }
    }
}

fn step(out: &Out, input: &mut Input, core: &WalletCore, cmd: &str, args: &[&str]) -> Result<(), CliError> {
    match cmd {
        "help" => eprintln!("{HELP}"),
        "status" => render::state(out, &core.state()),
        "accounts" => render::accounts(out, &core.accounts()?),
        "create" => {
            let name = args.first().ok_or_else(|| CliError::usage("create NAME [WORDS] [LANG]"))?;
            let words = args.get(1).map(|w| w.parse().map_err(|_| CliError::usage("WORDS is a number"))).transpose()?.unwrap_or(12);
            let lang = Language::from_code(args.get(2).unwrap_or(&"en"))?;
            let pw = new_password(input, "new wallet password")?;
            let c = with_spinner("deriving the vault key", || core.create_account(name, pw.as_bytes(), words, lang))?;
            println!("{}", c.phrase.expose_str()?);
            out.warn("write the recovery phrase down, then run `backup`");
        }
        "import" => {
            let name = args.first().ok_or_else(|| CliError::usage("import NAME"))?;
            let phrase = input.secret("recovery phrase")?;
            let pw = new_password(input, "new wallet password")?;
            let a = with_spinner("deriving the vault key", || core.import_account(name, phrase.as_bytes(), None, pw.as_bytes()))?;
            render::accounts(out, &[a]);
        }
        "login" => {
            let name = args.first().ok_or_else(|| CliError::usage("login NAME"))?;
            login(core, input, Some(name))?;
        }
        "unlock" => {
            login(core, input, None)?;
        }
        "lock" => {
            core.lock()?;
        }
        "addresses" => {
            let n = args.first().map(|n| n.parse().map_err(|_| CliError::usage("addresses [N]"))).transpose()?.unwrap_or(1);
            for a in core.addresses(n)? {
                println!("{a}");
            }
        }
        "sign" => {
            let text = args.join(" ");
            println!("{}", core.sign_message(0, text.as_bytes())?.to_hex());
        }
        "backup" => {
            confirm_backup_words(core, input)?;
            println!("backup confirmed");
        }
        "reveal" => {
            let pw = input.secret("wallet password")?;
            let phrase = with_spinner("checking the password", || core.reveal_phrase(AuthProof::Password(pw.as_bytes())))?;
            println!("{}", phrase.expose_str()?);
        }
        "password" => {
            let old = input.secret("current wallet password")?;
            let new = new_password(input, "new wallet password")?;
            with_spinner("re-wrapping the vault key", || core.change_password(old.as_bytes(), new.as_bytes()))?;
            println!("password changed");
        }
        "autolock" => {
            let setting = match args.first().copied() {
                Some("immediate") => AutoLock::Immediate,
                Some("never") => AutoLock::Never,
                Some(n) => AutoLock::AfterSeconds(n.parse().map_err(|_| CliError::usage("autolock SECONDS|immediate|never"))?),
                None => return Err(CliError::usage("autolock SECONDS|immediate|never")),
            };
            let pw = input.secret("wallet password")?;
            with_spinner("checking the password", || core.set_auto_lock(setting, AuthProof::Password(pw.as_bytes())))?;
        }
        "logout" => {
            let remove = args.first() == Some(&"remove");
            logout(out, input, core, LogoutOptions { remove_wallet: remove, ..LogoutOptions::default() }, false)?;
        }
        "events" => {
            let n = args.first().and_then(|n| n.parse().ok()).unwrap_or(20);
            render::events(out, &core.security_events(n)?, core.failed_attempts_summary()?.count);
        }
        other => return Err(CliError::usage(format!("unknown command '{other}' (try help)"))),
    }
    Ok(())
}
