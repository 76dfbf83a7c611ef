//! One-shot account and session commands over a data directory.
//!
//! A process holds an unlocked session only while it runs, so every command that needs keys
//! asks for the password itself; `login`/`lock`/`logout` change the session persisted in the
//! data directory (it reopens `Locked`). For a session that stays unlocked, use `imwallet shell`.
//! `login`/`unlock` print the environment warnings and the activity since the account's last
//! login (ADR 0015); `status` the password's age and rehearsal.

use std::path::{Path, PathBuf};

use imwallet_core::auth::gates::{AuthProof, Gate, GatePolicy, GatedAction};
use imwallet_core::auth::{names, password};
use imwallet_core::safety::{SensitiveAction, UnlockOutcome};
use imwallet_core::session::logout::{ConfirmationNeeded, LogoutConfirmation, LogoutOptions};
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::{Language, Mnemonic};
use imwallet_core::{Config, Hooks, WalletCore};
use serde_json::json;
use zeroize::Zeroizing;

use crate::input::Input;
use crate::output::{CliError, Out};
use crate::progress::with_spinner;
use crate::{errln, outln, render, render_safety};

/// A per-user folder of imwallet's: `$<xdg_var>/imwallet` when set, else `~/<linux>` (or
/// `~/<macos>` on macOS).
pub fn user_dir(xdg_var: &str, linux: &str, macos: &str) -> PathBuf {
    if let Some(x) = std::env::var_os(xdg_var).filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("imwallet");
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    home.join(if cfg!(target_os = "macos") { macos } else { linux })
}

/// The platform's data directory for imwallet.
pub fn default_data_dir() -> PathBuf {
    user_dir("XDG_DATA_HOME", ".local/share/imwallet", "Library/Application Support/imwallet")
}

pub fn open(dir: &Path) -> Result<WalletCore, CliError> {
    std::fs::create_dir_all(dir).map_err(|e| CliError::io(format!("cannot create {}: {e}", dir.display())))?;
    // The limiter measures delays on the boot clock, so a one-shot command per attempt cannot
    // restart them.
    let hooks = Hooks {
        environment: std::sync::Arc::new(crate::environment::DesktopEnvironment),
        key_store: crate::biometric::key_store(dir),
        boot_clock: std::sync::Arc::new(imwallet_core::clock::LinuxBootClock),
        device_keys: Some(crate::device_keys::store(dir)),
        connections: Some(std::sync::Arc::new(crate::connection_cmds::PrintingDapps)),
        ..Hooks::default()
    };
    Ok(WalletCore::open(config(dir), hooks)?)
}

/// The CLI's core configuration: the desktop's safety policy (`environment.rs`).
pub fn config(dir: &Path) -> Config {
    Config { safety: crate::environment::desktop_safety(), ..Config::new(dir) }
}

/// A new password for `account`: checked against the policy as soon as it is typed (before the
/// repeat prompt), asked twice on a terminal, and asked again there when refused or mistyped.
pub fn new_password(input: &mut Input, what: &str, account: &str) -> Result<Zeroizing<String>, CliError> {
    loop {
        let pw = input.secret_checked(what, |pw| Ok(password::check_new_password(pw.as_bytes(), &[account])?))?;
        if !input.interactive() {
            return Ok(pw);
        }
        let again = input.secret("repeat it")?;
        if *again == *pw {
            return Ok(pw);
        }
        errln!("the two passwords differ; once more");
    }
}

/// A recovery phrase, checked (word list, checksum) as soon as it is entered.
pub fn recovery_phrase(input: &mut Input) -> Result<Zeroizing<String>, CliError> {
    input.secret_checked("recovery phrase", |p| Ok(Mnemonic::parse(p).map(|_| ())?))
}

/// Refuses before any prompt when the attempt limiter's delay is running, and says how many
/// attempts are left before one starts.
pub(crate) fn before_password(core: &WalletCore, name: Option<&str>) -> Result<(), CliError> {
    let status = core.attempt_status(name)?;
    if status.retry_after_secs > 0 {
        return Err(imwallet_core::Error::TooManyAttempts { retry_after_secs: status.retry_after_secs }.into());
    }
    if status.attempts_left <= 2 {
        crate::output::Out::new(false).warn(&format!("{} attempt(s) left before a delay starts", status.attempts_left));
    }
    Ok(())
}

pub fn account_create(out: &Out, input: &mut Input, dir: &Path, name: &str, words: u32, lang: &str) -> Result<(), CliError> {
    let language = Language::from_code(lang)?;
    let core = open(dir)?;
    names::normalize(name)?;
    let pw = new_password(input, "new wallet password", name)?;
    let created = with_spinner("deriving the vault key", || core.create_account(name, pw.as_bytes(), words, language))?;
    let phrase = created.phrase.expose_str()?;
    if out.json {
        out.print_json(&json!({"account": render::account_json(&created.account), "phrase": phrase}))?;
    } else {
        outln!("{phrase}")?;
        errln!("account {} created: {}", created.account.name, created.account.address);
        out.warn("write the recovery phrase down, then run `imwallet backup confirm`");
    }
    Ok(())
}

pub fn account_import(out: &Out, input: &mut Input, dir: &Path, name: &str, passphrase: bool) -> Result<(), CliError> {
    let core = open(dir)?;
    names::normalize(name)?;
    let phrase = recovery_phrase(input)?;
    let pass = if passphrase { Some(input.secret("BIP39 passphrase")?) } else { None };
    let pw = new_password(input, "new wallet password", name)?;
    let a = with_spinner("deriving the vault key", || {
        core.import_account(name, phrase.as_bytes(), pass.as_ref().map(|p| p.as_bytes()), pw.as_bytes())
    })?;
    render::accounts(out, &[a])
}

pub fn account_import_keystore(out: &Out, input: &mut Input, dir: &Path, name: &str, file: &Path) -> Result<(), CliError> {
    let json_text = std::fs::read_to_string(file).map_err(|e| CliError::io(format!("cannot read {}: {e}", file.display())))?;
    let core = open(dir)?;
    names::normalize(name)?;
    let kpw = input.secret("keystore file password")?;
    let pw = new_password(input, "new wallet password", name)?;
    let a = with_spinner("decrypting the keystore", || core.import_keystore(name, &json_text, kpw.as_bytes(), pw.as_bytes()))?;
    render::accounts(out, &[a])
}

pub fn account_list(out: &Out, dir: &Path) -> Result<(), CliError> {
    render::accounts(out, &open(dir)?.accounts()?)
}

/// Logs `name` in (or unlocks the persisted session when `name` is `None`). A login asks for
/// the second factor after the password when the account has one on (`two_factor.rs`). In
/// text mode the environment warnings, the activity since the account's last login and the
/// password notes go to stderr.
pub fn login(out: &Out, core: &WalletCore, input: &mut Input, name: Option<&str>) -> Result<UnlockOutcome, CliError> {
    before_password(core, name)?;
    let pw = input.secret("wallet password")?;
    let outcome = match name {
        Some(n) => {
            let factor = crate::two_factor::login_factor(input, core, n)?;
            with_spinner("checking the password", || core.login(n, pw.as_bytes(), factor.as_ref()))?
        }
        None => with_spinner("checking the password", || core.unlock(pw.as_bytes()))?,
    };
    if !out.json {
        render_safety::outcome_notes(out, &outcome);
    }
    Ok(outcome)
}

pub fn cmd_login(out: &Out, input: &mut Input, dir: &Path, name: &str) -> Result<(), CliError> {
    let core = open(dir)?;
    let o = login(out, &core, input, Some(name))?;
    if out.json {
        out.print_json(&render_safety::outcome_json(&o))
    } else {
        render::state(out, &o.state)
    }
}

pub fn cmd_unlock(out: &Out, input: &mut Input, dir: &Path, biometric: bool) -> Result<(), CliError> {
    let core = open(dir)?;
    let o = if biometric {
        match core.unlock_with_biometrics() {
            // The rehearsal: on a terminal, ask for the password right away.
            Err(e @ imwallet_core::Error::PasswordRehearsalDue { .. }) if input.interactive() => {
                out.warn(&e.to_string());
                login(out, &core, input, None)?
            }
            other => {
                let o = other?;
                if !out.json {
                    render_safety::outcome_notes(out, &o);
                }
                o
            }
        }
    } else {
        login(out, &core, input, None)?
    };
    if out.json {
        let mut v = json!({"state": render::state_json(&o.state), "addresses": core.addresses(1)?});
        render_safety::add_outcome_json(&mut v, &o);
        out.print_json(&v)?;
    } else {
        render::state(out, &o.state)?;
        outln!("address: {}", core.addresses(1)?.join(", "))?;
    }
    Ok(())
}

pub fn cmd_lock(out: &Out, dir: &Path) -> Result<(), CliError> {
    let core = open(dir)?;
    render::state(out, &core.lock()?)
}

/// The session state and the session account's gates (the defaults without a session).
pub fn cmd_status(out: &Out, dir: &Path) -> Result<(), CliError> {
    status(out, &open(dir)?)
}

/// The session state, the password's age and rehearsal, and the session account's gates.
pub fn status(out: &Out, core: &WalletCore) -> Result<(), CliError> {
    let gates: Vec<(GatedAction, GatePolicy)> = GatedAction::ALL.iter().map(|a| (*a, core.gate_policy(*a))).collect();
    let password = match core.password_status() {
        Ok(p) => Some(p),
        Err(imwallet_core::Error::NotLoggedIn) => None,
        Err(e) => return Err(e.into()),
    };
    render::status(out, &core.state(), password.as_ref(), &gates)
}

pub fn backup_confirm(out: &Out, input: &mut Input, dir: &Path) -> Result<(), CliError> {
    let core = open(dir)?;
    login(out, &core, input, None)?;
    confirm_backup_words(&core, input)?;
    if out.json {
        out.print_json(&json!({"backed_up": true}))?;
    } else {
        outln!("backup confirmed")?;
    }
    Ok(())
}

pub fn password_change(out: &Out, input: &mut Input, dir: &Path) -> Result<(), CliError> {
    let core = open(dir)?;
    let account = core.state().account().map(|a| a.name.clone()).unwrap_or_default();
    before_password(&core, None)?;
    let old = input.secret("current wallet password")?;
    let new = new_password(input, "new wallet password", &account)?;
    with_spinner("re-wrapping the vault key", || core.change_password(old.as_bytes(), new.as_bytes()))?;
    if out.json {
        out.print_json(&json!({"password_changed": true}))?;
    } else {
        outln!("password changed")?;
    }
    Ok(())
}

/// Shows the plan and its warnings, asks for the confirmation it needs, logs out.
pub fn logout(out: &Out, input: &mut Input, core: &WalletCore, options: LogoutOptions, yes: bool) -> Result<(), CliError> {
    let plan = core.prepare_logout(options)?;
    render::plan(&plan);
    let mut confirmation = match plan.confirmation {
        ConfirmationNeeded::Tap if yes => LogoutConfirmation::default(),
        ConfirmationNeeded::Tap => {
            let answer = input.line("log out? [y/N]")?;
            if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
                return Err(CliError::cancelled("logout cancelled"));
            }
            LogoutConfirmation::default()
        }
        ConfirmationNeeded::TypeAccountName => {
            out.warn("this wallet was never backed up: removing it loses it for good");
            // Checked as soon as it is typed, before the password and its KDF.
            let typed = input.line(&format!("type the account name ({}) to confirm", plan.account.name))?;
            if names::key(&typed) != names::key(&plan.account.name) {
                return Err(CliError::cancelled(format!("logout cancelled: \"{}\" is not the account name", typed.as_str())));
            }
            LogoutConfirmation { typed_account_name: Some(typed.to_string()), ..Default::default() }
        }
    };
    match plan.authorization {
        Gate::None => {}
        Gate::Biometric => confirmation.use_biometrics = true,
        Gate::Password | Gate::BiometricOrPassword => {
            before_password(core, None)?;
            confirmation.password = Some(SecretBytes::from_str_bytes(&input.secret("wallet password")?));
        }
    }
    render::report(out, &core.logout(&plan.token, &confirmation)?)
}

pub fn cmd_logout(out: &Out, input: &mut Input, dir: &Path, options: LogoutOptions, yes: bool) -> Result<(), CliError> {
    let core = open(dir)?;
    logout(out, input, &core, options, yes)
}

pub fn cmd_events(out: &Out, dir: &Path, limit: u32) -> Result<(), CliError> {
    let core = open(dir)?;
    render::events(out, &core.security_events(limit)?, core.failed_attempts_summary()?.count)
}

pub fn biometrics(out: &Out, input: &mut Input, dir: &Path, enable: bool) -> Result<(), CliError> {
    let core = open(dir)?;
    if enable {
        render_safety::before(out, &core, SensitiveAction::EnableBiometrics)?;
        before_password(&core, None)?;
        let pw = input.secret("wallet password")?;
        with_spinner("checking the password", || core.enable_biometric_unlock(pw.as_bytes()))?;
    } else {
        core.disable_biometric_unlock()?;
    }
    if out.json {
        out.print_json(&json!({"biometric_enabled": enable}))?;
    } else {
        outln!("biometric unlock {}", if enable { "enabled" } else { "disabled" })?;
    }
    Ok(())
}

/// Starts a backup check and asks for the words at the chosen positions.
pub fn confirm_backup_words(core: &WalletCore, input: &mut Input) -> Result<(), CliError> {
    // A backed-up wallet, or one after 3 wrong answers, needs the RevealPhrase gate.
    let positions = match core.backup_challenge(AuthProof::None) {
        Err(imwallet_core::Error::AuthorizationRequired { .. }) => {
            before_password(core, None)?;
            let pw = input.secret("wallet password")?;
            with_spinner("checking the password", || core.backup_challenge(AuthProof::Password(pw.as_bytes())))?
        }
        other => other?,
    };
    let mut words = Vec::new();
    for p in &positions {
        words.push(input.secret(&format!("word #{p} of your recovery phrase"))?);
    }
    let refs: Vec<&[u8]> = words.iter().map(|w| w.as_bytes()).collect();
    Ok(core.confirm_backup(&refs)?)
}
