//! Test helper (feature `crash-points`): performs one operation on a data directory so the
//! crash tests can abort it at a named point (`IMWALLET_CRASH_AT`) or SIGKILL it at random.
//!
//! Usage: `imwallet-crash-child DIR OP` with OP one of create, password, login, logout, remove,
//! erase, churn, campaign (`login` of an account made with an older default runs the KDF
//! parameter upgrade). `campaign` (the kill -9 campaign of `tests/kill_campaign.rs`) announces
//! every operation on stdout (`begin <op> <name>` / `done <op> <name>`) so the parent knows
//! which one a kill interrupted.

use std::io::Write;
use std::process::ExitCode;

use imwallet_core::session::autolock::AutoLock;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, Result, WalletCore};

const PW: &[u8] = b"correct horse battery staple 42";
const PW2: &[u8] = b"another fine passphrase, 2026!";

fn logout(core: &WalletCore, remove: bool, name: &str, pw: &[u8]) -> Result<()> {
    let plan = core.prepare_logout(LogoutOptions { remove_wallet: remove, ..LogoutOptions::default() })?;
    let password = Some(imwallet_core::vault::SecretBytes::from_slice(pw)).filter(|_| remove);
    core.logout(&plan.token, &LogoutConfirmation { typed_account_name: Some(name.into()), password, use_biometrics: false })?;
    Ok(())
}

/// The shell's dapp side: appends each disconnection to `<dir>-revoked.log` (the parent reads it).
pub struct FileDapps(pub String);

impl imwallet_core::auth::hooks::ConnectionHook for FileDapps {
    fn disconnect(&self, r: imwallet_core::connections::Revocation) -> std::result::Result<(), imwallet_core::auth::hooks::HookError> {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.0)
            .map_err(|e| imwallet_core::auth::hooks::HookError { message: e.to_string() })?;
        writeln!(f, "{}", r.connection_id).map_err(|e| imwallet_core::auth::hooks::HookError { message: e.to_string() })
    }
    fn request_rejected(
        &self,
        _: imwallet_core::connections::RejectedRequest,
    ) -> std::result::Result<(), imwallet_core::auth::hooks::HookError> {
        Ok(())
    }
}

/// The device owner always confirms (the campaign erases wallets that were never backed up).
struct Owner;

impl imwallet_core::auth::hooks::DeviceOwnerCheck for Owner {
    fn can_confirm_device_owner(&self) -> std::result::Result<bool, imwallet_core::auth::hooks::HookError> {
        Ok(true)
    }
    fn confirm_device_owner(&self, _: &str) -> std::result::Result<bool, imwallet_core::auth::hooks::HookError> {
        Ok(true)
    }
}

fn erase(core: &WalletCore) -> Result<()> {
    let proofs = imwallet_core::engine::EraseProofs { passwords: Vec::new(), use_device_owner: true };
    core.erase_all_data(imwallet_core::engine::ERASE_PHRASE, &proofs)?;
    Ok(())
}

fn run(dir: &str, op: &str) -> Result<()> {
    let config = Config {
        data_dir: dir.into(),
        kdf_profile: KdfProfile::InsecureFastForTests,
        default_auto_lock: AutoLock::Never,
        unlock_needs_second_factor: false,
        safety: Default::default(),
    };
    // The device: a key-file store beside the data directory (the tests' `keys_dir_of`).
    let device = std::sync::Arc::new(imwallet_core::auth::device_keys::FileDeviceKeys::new(format!("{dir}-device-keys")));
    let dapps = std::sync::Arc::new(FileDapps(format!("{dir}-revoked.log")));
    let hooks =
        Hooks { device_owner: Some(std::sync::Arc::new(Owner)), device_keys: Some(device), connections: Some(dapps), ..Hooks::default() };
    let core = WalletCore::open(config, hooks)?;
    match op {
        "create" => drop(core.create_account("Crash", PW, 12, Language::English)?),
        "password" => {
            core.login("Crash", PW, None)?;
            core.change_password(PW, PW2)?;
        }
        "login" => drop(core.login("Crash", PW, None)?),
        "logout" => {
            core.login("Crash", PW, None)?;
            logout(&core, false, "Crash", PW)?;
        }
        // Three dapps connected, then a logout that revokes them (crash points in between).
        "logout_dapps" => {
            core.login("Crash", PW, None)?;
            let address = core.addresses(1)?.remove(0);
            for id in ["d1", "d2", "d3"] {
                core.add_connection(imwallet_core::connections::NewConnection {
                    id: id.into(),
                    origin: format!("https://{id}.example"),
                    name: format!("Dapp {id}"),
                    accounts: vec![address.clone()],
                    chains: vec![1],
                    permissions: vec![],
                })?;
            }
            logout(&core, false, "Crash", PW)?;
        }
        "remove" => {
            core.login("Crash", PW, None)?;
            logout(&core, true, "Crash", PW)?;
        }
        // Opening is enough: an unbound directory is moved under device keys.
        "open" => {}
        "erase" => {
            // "Crash" may not be backed up: its password authorizes the erase.
            let proofs = imwallet_core::engine::EraseProofs {
                passwords: vec![("Crash".into(), imwallet_core::vault::SecretBytes::new(PW.to_vec()))],
                use_device_owner: false,
            };
            core.erase_all_data(imwallet_core::engine::ERASE_PHRASE, &proofs)?;
        }
        "churn" => {
            let mut out = std::io::stdout();
            for i in 0.. {
                let name = format!("churn-{i}");
                core.create_account(&name, PW, 12, Language::English)?;
                core.change_password(PW, PW2)?;
                logout(&core, false, &name, PW2)?;
                core.login(&name, PW2, None)?;
                logout(&core, i % 2 == 0, &name, PW2)?;
                let _ = writeln!(out, "round {i}");
            }
        }
        "campaign" => campaign(&core)?,
        other => return Err(imwallet_core::Error::InvalidArgument { reason: format!("unknown op {other}") }),
    }
    Ok(())
}

/// Announces a step (flushed at once: the parent reads it before it kills).
fn say(line: &str) {
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Endless rounds over fresh accounts: create (+ a cache canary), change password, log out,
/// log in, clear the account's caches, sometimes remove the wallet, sometimes erase everything.
fn campaign(core: &WalletCore) -> Result<()> {
    use imwallet_core::cache::{CacheKind, CacheScope, ClearScope};
    let start = std::env::var("IMW_CAMPAIGN_START").ok().and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    for i in start.. {
        let name = format!("k{i}");
        say(&format!("begin create {name}"));
        let created = core.create_account(&name, PW, 12, Language::English)?;
        let id = created.account.id.clone();
        say(&format!("phrase {name} {}", created.phrase.expose_str()?));
        drop(created);
        say(&format!("done create {name}"));
        // A dapp connected to it: every logout or removal below must disconnect it.
        let address = core.addresses(1)?.remove(0);
        core.add_connection(imwallet_core::connections::NewConnection {
            id: format!("dapp-{name}"),
            origin: format!("https://{name}.example"),
            name: format!("Dapp of {name}"),
            accounts: vec![address],
            chains: vec![1],
            permissions: vec![],
        })?;
        core.cache_put(&CacheKind::Balances, &CacheScope::Account(id.clone()), "eth", format!("CANARY-{name}.").as_bytes(), None)?;
        say(&format!("begin password {name}"));
        core.change_password(PW, PW2)?;
        say(&format!("done password {name}"));
        say(&format!("begin logout {name}"));
        logout(core, false, &name, PW2)?;
        say(&format!("done logout {name}"));
        core.login(&name, PW2, None)?;
        say(&format!("begin clear {name}"));
        core.clear_cache(&ClearScope::Account(id))?;
        say(&format!("done clear {name}"));
        if i % 3 == 0 {
            say(&format!("begin remove {name}"));
            logout(core, true, &name, PW2)?;
            say(&format!("done remove {name}"));
        }
        if i % 7 == 6 {
            say("begin erase -");
            erase(core)?;
            say("done erase -");
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(op)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: imwallet-crash-child DIR OP");
        return ExitCode::from(2);
    };
    match run(dir, op) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error [{}]: {e}", e.kind());
            ExitCode::FAILURE
        }
    }
}
