//! `imwallet demo`: a guided, non-interactive walkthrough on a temporary data directory of the
//! three moments the core exists for — log out safely, unlock, clear data — printing what the
//! core did at each step. On a terminal it waits for Enter between the steps (`--no-pause`, or
//! a pipe, runs straight through); Ctrl-C there ends it and removes the temporary data, and so
//! does a closed stdout (`imwallet demo | head`).

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use imwallet_core::auth::gates::AuthProof;
use imwallet_core::auth::hooks::{EnvironmentProbe, HookError, NetworkKind, SessionListener};
use imwallet_core::auth::keystore::MemoryKeyStore;
use imwallet_core::auth::keystore::SecureKeyStore;
use imwallet_core::cache::{CacheKind, CacheScope, ClearScope};
use imwallet_core::connections::{NewConnection, NewSigningRequest, RequestPayload};
use imwallet_core::engine::EraseProofs;
use imwallet_core::events::SecurityEvent;
use imwallet_core::session::logout::{LogoutConfirmation, LogoutOptions};
use imwallet_core::session::SessionState;
use imwallet_core::wallet::Language;
use imwallet_core::{Config, Hooks, WalletCore};

use crate::input::Input;
use crate::output::{CliError, Out, BOLD};
use crate::{outln, render};

const PASSWORD: &[u8] = b"orchid lantern velvet 8841 harbor";

struct DemoEnv(Mutex<NetworkKind>);

impl EnvironmentProbe for DemoEnv {
    fn network(&self) -> Result<NetworkKind, HookError> {
        Ok(*self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
    fn screen_lock_set(&self) -> Result<Option<bool>, HookError> {
        Ok(Some(true))
    }
    fn rooted(&self) -> Result<Option<bool>, HookError> {
        Ok(Some(false))
    }
    fn debugger_attached(&self) -> Result<Option<bool>, HookError> {
        Ok(Some(false))
    }
    fn emulator(&self) -> Result<Option<bool>, HookError> {
        Ok(Some(false))
    }
}

struct Narrator;

impl SessionListener for Narrator {
    fn on_state_changed(&self, state: SessionState) -> Result<(), HookError> {
        let _ = outln!("      listener: state → {}", render::state_text(&state));
        Ok(())
    }
    fn on_security_event(&self, e: SecurityEvent) -> Result<(), HookError> {
        let _ = outln!("      listener: event {} ({})", e.kind.as_str(), render::event_text(e.kind));
        Ok(())
    }
}

/// The walkthrough's pace: on a terminal, Enter before each step after the first.
struct Pace<'a> {
    input: &'a mut Input,
    pause: bool,
}

impl Pace<'_> {
    fn step(&mut self, n: u32, title: &str) -> Result<(), CliError> {
        if self.pause && n > 1 {
            self.input.line("\npress Enter for the next step (Ctrl-C ends the demo)")?;
        }
        outln!("\n{BOLD}{n}. {title}{BOLD:#}")
    }
}

pub fn run(out: &Out, input: &mut Input, no_pause: bool) -> Result<(), CliError> {
    let dir = std::env::temp_dir().join(format!("imwallet-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let pause = !no_pause && input.interactive() && std::io::stdout().is_terminal();
    let result = walkthrough(out, &dir, &mut Pace { input, pause });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn walkthrough(out: &Out, dir: &std::path::Path, pace: &mut Pace<'_>) -> Result<(), CliError> {
    let env = Arc::new(DemoEnv(Mutex::new(NetworkKind::PrivateWifi)));
    let sensor = Arc::new(MemoryKeyStore::new());
    // The demo's phone: an in-memory device key store (ADR 0011), kept across its reopen.
    let device = Arc::new(imwallet_core::auth::device_keys::MemoryDeviceKeys::new());
    let hooks = Hooks {
        environment: env.clone(),
        listener: Some(Arc::new(Narrator)),
        key_store: sensor.clone(),
        device_keys: Some(device.clone()),
        connections: Some(Arc::new(crate::connection_cmds::PrintingDapps)),
        ..Hooks::default()
    };
    let core = WalletCore::open(Config::new(dir), hooks)?;
    outln!("imwallet demo — data directory {}", dir.display())?;

    pace.step(1, "Create a wallet (Argon2id m=64 MiB t=3 wraps a random vault key)")?;
    let created = core.create_account("Demo", PASSWORD, 12, Language::English)?;
    let words: Vec<String> = created.phrase.expose_str()?.split(' ').map(str::to_string).collect();
    outln!("   recovery phrase: {} {} … ({} words, shown once)", words[0], words[1], words.len())?;
    outln!("   first address:   {}", created.account.address)?;

    pace.step(2, "Log out safely — the core warns first")?;
    *env.0.lock().unwrap_or_else(|e| e.into_inner()) = NetworkKind::PublicWifi;
    let plan = core.prepare_logout(LogoutOptions::default())?;
    let actions: Vec<&str> = plan.actions.iter().map(|a| render::action_text(*a)).collect();
    outln!("   plan for {}: {}", plan.account.name, actions.join(", "))?;
    for w in &plan.warnings {
        outln!("   warning: {}", render::warning_text(*w))?;
    }
    outln!("   (the user goes back and confirms the backup instead)")?;
    let positions = core.backup_challenge(AuthProof::None)?;
    let typed: Vec<&[u8]> = positions.iter().map(|p| words[*p as usize - 1].as_bytes()).collect();
    core.confirm_backup(&typed)?;
    outln!("   backup confirmed with words {positions:?}")?;
    *env.0.lock().unwrap_or_else(|e| e.into_inner()) = NetworkKind::Cellular;
    for (id, name) in [("wc:7f3a", "Uniswap"), ("https://opensea.io", "OpenSea")] {
        let origin = if id.starts_with("https://") { id.to_string() } else { "https://app.uniswap.org".to_string() };
        let granted = vec![created.account.address.clone()];
        core.add_connection(NewConnection {
            id: id.into(),
            origin,
            name: name.into(),
            accounts: granted,
            chains: vec![1],
            permissions: vec![],
        })?;
    }
    let pending = core.submit_request(NewSigningRequest {
        connection_id: "wc:7f3a".into(),
        account: created.account.address.clone(),
        chain_id: 1,
        payload: RequestPayload::PersonalSign { message: b"Sign in to Uniswap".to_vec() },
    })?;
    outln!("   two dapps connected (Uniswap, OpenSea); Uniswap's sign-in request {} waits for approval", pending.id)?;
    let plan = core.prepare_logout(LogoutOptions::default())?;
    outln!("   new plan: warnings {:?}, confirmation {:?}", plan.warnings, plan.confirmation)?;
    outln!("   it will disconnect {} dapps: {}", plan.dapps_to_disconnect.len(), plan.dapps_to_disconnect.join(", "))?;
    let report = core.logout(&plan.token, &LogoutConfirmation::default())?;
    outln!(
        "   report: keys wiped {}, session ended {}, wallet removed {} — assets stay on-chain, the encrypted vault stays",
        report.keys_wiped,
        report.session_ended,
        report.wallet_removed
    )?;
    for d in &report.dapps_disconnected {
        outln!("   dapp {} ({}): disconnect {}", d.name, d.origin, render::revocation_status(d.status))?;
    }
    outln!("   pending requests rejected: {}, revocations still owed: {}", report.requests_rejected, report.revocations_pending)?;
    match core.sign_message(0, b"after logout") {
        Err(e) => outln!("   signing now fails: [{}] {e}", e.kind())?,
        Ok(_) => return Err(CliError::usage("demo: signing after logout unexpectedly worked")),
    }

    pace.step(3, "Log back in, lock, unlock with a fingerprint (simulated sensor)")?;
    core.login("Demo", PASSWORD, None)?;
    core.lock()?;
    outln!("   locked: cached address still visible: {}", core.addresses(1)?[0])?;
    if let Err(e) = core.unlock(b"a wrong password guess") {
        outln!("   wrong password: [{}] {e} (the attempt was counted before Argon2 ran)", e.kind())?;
    }
    let unlocked = core.unlock(PASSWORD)?;
    outln!(
        "   unlocked; since the last login: {} wrong password attempt(s) (the core reports what happened in between)",
        unlocked.activity.failed_attempts
    )?;
    core.enable_biometric_unlock(PASSWORD)?;
    outln!("   biometric unlock enabled: a random secret went to the key store, the vault key is wrapped under it")?;
    core.lock()?;
    core.unlock_with_biometrics()?;
    let prompt = sensor.prompts().pop().map(|p| p.reason).unwrap_or_default();
    outln!("   sensor prompt \"{prompt}\" released the secret; the core proved it by unwrapping the vault key")?;
    let sig = core.sign_message(0, b"hello from the demo")?;
    outln!("   unlocked and signed: {}…", &sig.to_hex()[..18])?;
    core.lock()?;
    sensor.enroll_new_biometric();
    if let Err(e) = core.unlock_with_biometrics() {
        outln!("   a new fingerprint was enrolled: [{}] {e}", e.kind())?;
    }
    core.unlock(PASSWORD)?;

    pace.step(4, "Clear data: caches, then \"reset app\", then an OS wipe")?;
    let me = CacheScope::Account(created.account.id.clone());
    core.cache_put(&CacheKind::Balances, &me, "eth", b"DEMO-CANARY balance 1.2345 ETH", None)?;
    core.cache_put(&CacheKind::TokenMetadata, &CacheScope::Global, "usdc", b"USD Coin, 6 decimals", Some(86_400))?;
    core.register_file_cache("images")?;
    let images = CacheKind::parse("images")?;
    for n in 0..3 {
        core.cache_put_file(&images, &me, &format!("nft-{n}.png"), b"DEMO-CANARY image bytes")?;
    }
    for u in core.cache_usage()?.iter().filter(|u| u.entries > 0) {
        outln!("   cache {:<16} {} entries, {} bytes", u.kind.name(), u.entries, u.bytes)?;
    }
    let r = core.clear_cache(&ClearScope::All)?;
    outln!(
        "   clear_cache(all): {} entries + {} files, {} bytes freed in {} ms",
        r.entries_removed,
        r.files_removed,
        r.bytes_freed,
        r.duration_ms
    )?;
    outln!("   canary scan of db, WAL, SHM and cache folders: {} hits", occurrences(dir, b"DEMO-CANARY"))?;
    let plan = core.prepare_erase()?;
    outln!("   reset app: {:?} will be erased; type \"{}\" to confirm", plan.account_names, plan.phrase_to_type)?;
    let address = created.account.address.clone();
    // Every wallet is backed up now, so the typed phrase is enough.
    let report = core.erase_all_data(&plan.phrase_to_type, &EraseProofs::default())?;
    outln!(
        "   erased {} account(s) and {} event(s); state now {}",
        report.accounts_removed,
        report.events_removed,
        render::state_text(&core.state())
    )?;
    let after = occurrences(dir, address.as_bytes());
    outln!("   scan of the data directory for the wallet's address: {after} hits (secure_delete, WAL truncated, VACUUM)")?;
    if after != 0 {
        return Err(CliError::usage("demo: erased data is still readable"));
    }
    core.create_account("Demo", PASSWORD, 12, Language::English)?;
    core.enable_biometric_unlock(PASSWORD)?;
    drop(core);
    std::fs::remove_dir_all(dir).map_err(|e| CliError::io(e.to_string()))?;
    outln!(
        "   the OS wiped the app's files (\"clear storage\"); the key store still holds {} entry",
        sensor.list().map(|l| l.len()).unwrap_or(0)
    )?;
    let hooks = Hooks {
        environment: env.clone(),
        listener: Some(Arc::new(Narrator)),
        key_store: sensor.clone(),
        device_keys: Some(device.clone()),
        ..Hooks::default()
    };
    let core = WalletCore::open(Config::new(dir), hooks)?;
    outln!(
        "   reopened: state {}, orphaned key-store entries left: {}",
        render::state_text(&core.state()),
        sensor.list().map(|l| l.len()).unwrap_or(0)
    )?;

    pace.step(5, "Security log")?;
    render::events(out, &core.security_events(30)?, 0)?;
    outln!("\ndemo finished; temporary data removed")?;
    Ok(())
}

/// How many times `needle` appears in the files under `dir` (database, WAL, SHM, cache folders).
fn occurrences(dir: &std::path::Path, needle: &[u8]) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .map(|p| {
            if p.is_dir() {
                occurrences(&p, needle)
            } else {
                std::fs::read(&p).map(|b| b.windows(needle.len()).filter(|w| *w == needle).count()).unwrap_or(0)
            }
        })
        .sum()
}
