//! `imwallet shell`: an interactive session that stays unlocked while the process runs, with
//! auto-lock, state changes printed as they happen. Commands and secrets are read from the
//! same input (a terminal, or a script piped on stdin).
//!
//! On a terminal the command line is `rustyline` (history, line editing; Ctrl-C clears the
//! line, Ctrl-D leaves), secrets are raw-mode prompts that Ctrl-C cancels without leaving the
//! shell, and session notices (an auto-lock) are printed above the prompt, which is redrawn.
//! A piped script goes on after a failed command and exits with the first failure's code.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use rustyline::error::ReadlineError;
use rustyline::{DefaultEditor, ExternalPrinter};

use imwallet_core::auth::gates::AuthProof;
use imwallet_core::auth::hooks::{HookError, SessionListener};
use imwallet_core::events::SecurityEvent;
use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::LogoutOptions;
use imwallet_core::session::SessionState;
use imwallet_core::wallet::Language;
use imwallet_core::{Hooks, WalletCore};

use crate::input::{next_stdin_line, Input};
use crate::output::{CliError, Out};
use crate::progress::with_spinner;
use crate::session_cmds::{confirm_backup_words, login, logout, new_password, recovery_phrase, status};
use crate::{errln, outln, render};

type Printer = Box<dyn ExternalPrinter + Send>;

/// Where notices go while the line editor waits for a command (it redraws the prompt).
static PRINTER: Mutex<Option<Printer>> = Mutex::new(None);
static READING_COMMAND: AtomicBool = AtomicBool::new(false);

/// A session notice: above the prompt while a command is being typed, above the spinner
/// while a call runs, else on its own line.
fn notice(line: String) {
    if READING_COMMAND.load(Ordering::SeqCst) {
        if let Some(p) = PRINTER.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            if p.print(format!("{line}\n")).is_ok() {
                return;
            }
        }
    }
    errln!("{line}");
}

struct Announce;

impl SessionListener for Announce {
    fn on_state_changed(&self, state: SessionState) -> Result<(), HookError> {
        notice(format!("[session] {}", render::state_text(&state)));
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
        environment: Arc::new(crate::environment::DesktopEnvironment),
        listener: Some(Arc::new(Announce)),
        key_store: crate::biometric::key_store(dir),
        boot_clock: Arc::new(imwallet_core::clock::LinuxBootClock),
        device_keys: Some(crate::device_keys::store(dir)),
        ..Hooks::default()
    };
    let core = WalletCore::open(crate::session_cmds::config(dir), hooks)?;
    errln!("imwallet shell on {} — {}", dir.display(), render::state_text(&core.state()));
    errln!("{HELP}");
    let mut editor = if input.interactive() {
        let mut rl = DefaultEditor::new().map_err(|e| CliError::io(format!("cannot start the line editor: {e}")))?;
        if let Ok(p) = rl.create_external_printer() {
            *PRINTER.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(p));
        }
        Some(rl)
    } else {
        None
    };
    let mut first_failure: Option<i32> = None;
    loop {
        let line = match editor.as_mut() {
            Some(rl) => {
                READING_COMMAND.store(true, Ordering::SeqCst);
                let read = rl.readline("imwallet> ");
                READING_COMMAND.store(false, Ordering::SeqCst);
                match read {
                    Ok(l) => {
                        let _ = rl.add_history_entry(l.as_str());
                        zeroize::Zeroizing::new(l)
                    }
                    Err(ReadlineError::Interrupted) => continue,
                    Err(ReadlineError::Eof) => break,
                    Err(e) => return Err(CliError::io(format!("cannot read a command: {e}"))),
                }
            }
            None => match next_stdin_line("a command") {
                Ok(l) => l,
                Err(_) => break, // end of the script
            },
        };
        let parts: Vec<&str> = line.split_whitespace().collect();
        let Some((cmd, args)) = parts.split_first() else {
            continue;
        };
        if matches!(*cmd, "quit" | "exit") {
            break;
        }
        core.touch();
        match step(out, input, &core, cmd, args) {
            Ok(()) => {}
            Err(CliError::BrokenPipe) => return Err(CliError::BrokenPipe),
            Err(e) => {
                let code = e.report(out);
                first_failure.get_or_insert(code);
            }
        }
    }
    PRINTER.lock().unwrap_or_else(|e| e.into_inner()).take();
    match first_failure {
        // A script that hit an error says so in its exit code (the error was printed).
        Some(code) if !input.interactive() => Err(CliError::Reported(code)),
        _ => Ok(()),
    }
}

fn step(out: &Out, input: &mut Input, core: &WalletCore, cmd: &str, args: &[&str]) -> Result<(), CliError> {
    match cmd {
        "help" => errln!("{HELP}"),
        "status" => status(out, core)?,
        "accounts" => render::accounts(out, &core.accounts()?)?,
        "create" => {
            let name = args.first().ok_or_else(|| CliError::usage("create NAME [WORDS] [LANG]"))?;
            let words = args.get(1).map(|w| w.parse().map_err(|_| CliError::usage("WORDS is a number"))).transpose()?.unwrap_or(12);
            let lang = Language::from_code(args.get(2).unwrap_or(&"en"))?;
            let pw = new_password(input, "new wallet password", name)?;
            let c = with_spinner("deriving the vault key", || core.create_account(name, pw.as_bytes(), words, lang))?;
            outln!("{}", c.phrase.expose_str()?)?;
            out.warn("write the recovery phrase down, then run `backup`");
        }
        "import" => {
            let name = args.first().ok_or_else(|| CliError::usage("import NAME"))?;
            let phrase = recovery_phrase(input)?;
            let pw = new_password(input, "new wallet password", name)?;
            let a = with_spinner("deriving the vault key", || core.import_account(name, phrase.as_bytes(), None, pw.as_bytes()))?;
            render::accounts(out, &[a])?;
        }
        "login" => {
            let name = args.first().ok_or_else(|| CliError::usage("login NAME"))?;
            login(out, core, input, Some(name))?;
        }
        "unlock" => {
            login(out, core, input, None)?;
        }
        "lock" => {
            core.lock()?;
        }
        "addresses" => {
            let n = args.first().map(|n| n.parse().map_err(|_| CliError::usage("addresses [N]"))).transpose()?.unwrap_or(1);
            for a in core.addresses(n)? {
                outln!("{a}")?;
            }
        }
        "sign" => {
            let text = args.join(" ");
            outln!("{}", core.sign_message(0, text.as_bytes())?.to_hex())?;
        }
        "backup" => {
            confirm_backup_words(core, input)?;
            outln!("backup confirmed")?;
        }
        "reveal" => {
            crate::render_safety::before(out, core, imwallet_core::safety::SensitiveAction::RevealPhrase)?;
            let pw = input.secret("wallet password")?;
            let phrase = with_spinner("checking the password", || core.reveal_phrase(AuthProof::Password(pw.as_bytes())))?;
            outln!("{}", phrase.expose_str()?)?;
        }
        "password" => {
            let account = core.state().account().map(|a| a.name.clone()).unwrap_or_default();
            let old = input.secret("current wallet password")?;
            let new = new_password(input, "new wallet password", &account)?;
            with_spinner("re-wrapping the vault key", || core.change_password(old.as_bytes(), new.as_bytes()))?;
            outln!("password changed")?;
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
            render::events(out, &core.security_events(n)?, core.failed_attempts_summary()?.count)?;
        }
        other => return Err(CliError::usage(format!("unknown command '{other}' (try help)"))),
    }
    Ok(())
}
