//! Logout: plan, confirm, carry out — and finish an interrupted one on the next open.
//!
//! All database changes of a logout (session ended, biometric wrap dropped, wallet rows
//! removed, events) commit in one session transition together with a journal row naming the
//! steps outside the database (platform key-store entry, cache files, WAL scrub). Those run
//! after the commit, with no core lock held (the key store is a foreign hook that may call back
//! into the core); the journal row is deleted when they are done. A crash before the commit
//! leaves the old session (it reopens `Locked`); a crash after it is completed by
//! [`recover_journal`] on the next open.
//!
//! A plan belongs to the session that issued it: any transition (lock, login, another logout)
//! makes its token invalid. Replaying the token of the last logout returns its report only
//! while nothing changed since.

use std::sync::Mutex;

use crate::auth::device_keys::{DeviceKeyError, DeviceKeyStore};
use crate::auth::gates::{AuthProof, GatedAction};
use crate::auth::keystore::{KeyStoreError, SecureKeyStore, ALIAS_PREFIX};
use crate::auth::names;
use crate::cache::{files, rows as rows_cache, CacheScope, ClearReport};
use crate::engine::session::{Expect, LastLogout};
use crate::engine::{lk, no_session, Inner, WalletCore};
use crate::events::EventKind;
use crate::safety::{EnvironmentReport, EnvironmentRisk};
use crate::session::logout::{
    ConfirmationNeeded, LogoutAction, LogoutConfirmation, LogoutOptions, LogoutPlan, LogoutReport, LogoutWarning, PLAN_TTL,
};
use crate::store::crash::crash_point;
use crate::store::device as device_rows;
use crate::store::journal::{self, JournalOp, JournalPayload};
use crate::store::Store;
use crate::vault::random_array;
use crate::vault::scrubbed;
use crate::{Error, Result};

impl WalletCore {
    /// What logging out with `options` will do, warn about and need confirmed.
    pub fn prepare_logout(&self, options: LogoutOptions) -> Result<LogoutPlan> {
        let (account, gen) = self.inner.session_account()?;
        let row = self.inner.row(&account.id)?;
        let mut warnings = Vec::new();
        // Environment hooks are called before any core lock is taken.
        if row.has_phrase && !row.backed_up {
            warnings.push(LogoutWarning::NotBackedUp);
        }
        let env = EnvironmentReport::read(self.inner.env.as_ref());
        if env.risk(EnvironmentRisk::PublicWifi) == Some(true) {
            warnings.push(LogoutWarning::InsecureNetwork);
        }
        if env.risk(EnvironmentRisk::Rooted) == Some(true) || env.risk(EnvironmentRisk::DebuggerAttached) == Some(true) {
            warnings.push(LogoutWarning::UntrustedDevice);
        }
        let mut actions = vec![LogoutAction::WipeKeysFromMemory, LogoutAction::EndSession];
        if row.biometric_wrap.is_some() {
            actions.push(LogoutAction::RemoveBiometricUnlock);
        }
        if options.clear_caches {
            actions.push(LogoutAction::ClearAccountCaches);
            if !options.keep_global_caches {
                actions.push(LogoutAction::ClearGlobalCaches);
            }
        }
        let dapps_to_disconnect: Vec<String> =
            crate::store::connections::list(lk(&self.inner.store).conn(), &account.id)?.into_iter().map(|c| c.connection.name).collect();
        if !dapps_to_disconnect.is_empty() {
            actions.push(LogoutAction::DisconnectDapps);
        }
        if !self.pending_requests().is_empty() {
            actions.push(LogoutAction::RejectPendingRequests);
        }
        if self.inner.clipboard_outstanding() {
            actions.push(LogoutAction::ClearClipboard);
        }
        let mut confirmation = ConfirmationNeeded::Tap;
        if options.remove_wallet {
            actions.push(LogoutAction::RemoveWallet);
            warnings.push(LogoutWarning::WalletWillBeRemoved);
            if !row.backed_up {
                confirmation = ConfirmationNeeded::TypeAccountName;
            }
        }
        let gate_action = if options.remove_wallet { GatedAction::RemoveWallet } else { GatedAction::Logout };
        let plan = LogoutPlan {
            token: hex::encode(random_array::<16>()?),
            account,
            actions,
            warnings,
            confirmation,
            authorization: self.inner.policy(gate_action).gate,
            expires_in_secs: PLAN_TTL.as_secs(),
            options,
            dapps_to_disconnect,
        };
        let stored = self.inner.with_cell(|c| match c.session.plans_mut() {
            Some(plans) if c.generation == gen => {
                plans.insert(plan.clone());
                Ok(())
            }
            _ => Err(Error::SessionChanged),
        });
        stored?;
        self.inner.touch();
        // While the user reads the plan: move the WAL pages waiting since the last automatic
        // checkpoint (up to ~4 MB after filling caches) into the main file, so the logout's
        // scrub has only its own pages to move.
        self.inner.checkpoint_in_background();
        Ok(plan)
    }

    /// Carries out a prepared plan of the current session. Using the same token again returns
    /// the same report while nothing changed since; after any transition it is refused.
    pub fn logout(&self, token: &str, confirmation: &LogoutConfirmation) -> Result<LogoutReport> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.logout_unscrubbed(token, confirmation))
    }

    fn logout_unscrubbed(&self, token: &str, confirmation: &LogoutConfirmation) -> Result<LogoutReport> {
        let i = &self.inner;
        let found = i.with_cell(|c| {
            if let Some(last) = c.last_logout.as_ref().filter(|l| l.token == token && l.generation == c.generation) {
                return Ok::<Found, Error>(Found::Done(last.report.clone()));
            }
            let plans = c.session.plans().ok_or(Error::LogoutTokenInvalid)?;
            Ok(Found::Pending(plans.get(token)?, c.generation))
        })?;
        let (plan, gen) = match found {
            Found::Done(report) => return Ok(report),
            Found::Pending(plan, gen) => (plan, gen),
        };
        if plan.confirmation == ConfirmationNeeded::TypeAccountName {
            let typed = confirmation.typed_account_name.as_deref().map(names::key);
            if typed.as_deref() != Some(names::key(&plan.account.name).as_str()) {
                return Err(Error::ConfirmationRequired {
                    what: "this wallet's recovery phrase was never backed up: type the account name to confirm that removing it loses it"
                        .into(),
                });
            }
        }
        let proof = match (&confirmation.password, confirmation.use_biometrics) {
            (Some(pw), _) => AuthProof::Password(pw.expose()),
            (None, true) => AuthProof::Biometric,
            (None, false) => AuthProof::None,
        };
        let remove = plan.options.remove_wallet;
        // May run the KDF or show the biometric prompt: no core lock is held.
        i.check_gate(if remove { GatedAction::RemoveWallet } else { GatedAction::Logout }, proof)?;
        // Every database change in one transition, with the journal of what follows. It applies
        // only to the session that issued the plan; leaving it drops the keys (zeroized).
        let now = i.now();
        let (journal_id, payload, mut cleared, biometric_removed, revocations, requests_rejected) =
            i.transition(Expect::Generation(gen), None, |session, tx, out| {
                let account = session.account().filter(|a| a.id == plan.account.id).ok_or(Error::LogoutTokenInvalid)?;
                let row = crate::store::accounts::by_id(tx, &account.id)?.ok_or(Error::AccountNotFound)?;
                // Every dapp connection goes with the session: deleted and its revocation journaled
                // here, the shell's hook asked after the commit. Waiting requests are rejected by
                // the transition itself (`LoggedOut`).
                let revocations =
                    crate::store::connections::revoke(tx, &row.id, None, if remove { "remove_wallet" } else { "logout" }, now)?;
                let requests_rejected = match session {
                    super::session::Session::Unlocked(u) => u.requests.len() as u32,
                    _ => 0,
                };
                let clear = plan.options.clear_caches;
                let mut cleared = ClearReport::default();
                if clear || remove {
                    cleared.add(&rows_cache::clear_scope(tx, &CacheScope::Account(row.id.clone()))?);
                }
                if clear && plan.options.keep_global_caches {
                    cleared.add(&rows_cache::clear_global_sensitive(tx)?);
                } else if clear {
                    cleared.add(&rows_cache::clear_scope(tx, &CacheScope::Global)?);
                }
                let payload = JournalPayload {
                    biometric_alias: row.biometric_alias.clone(),
                    scrub: remove || clear,
                    clear_files_account: (clear || remove).then(|| row.id.clone()),
                    clear_files_global: clear && !plan.options.keep_global_caches,
                    ..JournalPayload::default()
                };
                // Crypto-shredding: the wallet's device key goes after the commit (journaled), and with
                // it every sealed value of the wallet that flash storage may keep.
                let payload = JournalPayload {
                    device_aliases: if remove { device_rows::alias_of(tx, &row.id)?.into_iter().collect() } else { Vec::new() },
                    ..payload
                };
                let op = if remove { JournalOp::RemoveWallet } else { JournalOp::Logout };
                let jid = journal::insert(tx, op, Some(&row.id), &payload, now)?;
                crate::store::accounts::clear_biometric(tx, &row.id)?;
                i.event(tx, EventKind::LoggedOut, Some(&plan.account), "", out)?;
                if remove {
                    // Its settings (gates, auto-lock) go with it (the foreign key cascades too).
                    crate::store::account_settings::delete_for(tx, &row.id)?;
                    i.event(tx, EventKind::WalletRemoved, Some(&plan.account), "", out)?;
                    crate::store::accounts::delete(tx, &row.id)?;
                    device_rows::delete(tx, &row.id)?;
                }
                let next = no_session(tx)?;
                crash_point(if remove { "remove.before_commit" } else { "logout.before_commit" });
                Ok((
                    super::session::Session::without_keys(&next),
                    (jid, payload, cleared, row.biometric_wrap.is_some(), revocations, requests_rejected),
                ))
            })?;
        // The transition started from `gen` and moved it on by one.
        let generation = gen.wrapping_add(1);
        crash_point(if remove { "remove.after_commit" } else { "logout.after_commit" });
        if remove {
            super::device::forget(&i.ring, &plan.account.id);
        }
        // Steps outside the database, with no core lock held. A failing platform key deletion
        // leaves the journal row for the next open; the logout itself is done (the wrap is
        // gone, so the key is useless anyway).
        let clipboard_cleared = i.clear_clipboard(crate::connections::clipboard::ClipboardClearReason::LoggedOut, None);
        // The dapps, before the scrub below so its checkpoint takes their journal rows too.
        let dapps_disconnected = i.carry_out(revocations);
        let mut shredded = false;
        if let Ok(done) = finish_entry(&i.store, &i.platform(), journal_id, &payload) {
            cleared.add(&done.files);
            shredded = remove && done.device_keys_deleted > 0;
            if let Some(bin) = done.trash {
                i.empty_trash_in_background(bin);
            }
        }
        let report = LogoutReport {
            account: plan.account.clone(),
            keys_wiped: true,
            session_ended: true,
            biometric_removed,
            cache_entries_cleared: cleared.entries_removed + cleared.files_removed,
            cache_bytes_freed: cleared.bytes_freed,
            wallet_removed: remove,
            wallet_data_shredded: shredded,
            warnings_acknowledged: plan.warnings.clone(),
            dapps_disconnected,
            revocations_pending: crate::store::connections::pending_count(lk(&i.store).conn()).unwrap_or(0),
            requests_rejected,
            clipboard_cleared,
        };
        i.with_cell(|c| {
            if c.generation == generation {
                c.last_logout = Some(LastLogout { token: token.to_string(), report: report.clone(), generation });
            }
        });
        Ok(report)
    }
}

enum Found {
    Done(LogoutReport),
    Pending(LogoutPlan, u64),
}

/// The platform hooks that journal steps call.
pub(crate) struct Platform<'a> {
    pub key_store: &'a dyn SecureKeyStore,
    pub device_keys: Option<&'a dyn DeviceKeyStore>,
}

impl Inner {
    pub(crate) fn platform(&self) -> Platform<'_> {
        Platform { key_store: self.key_store.as_ref(), device_keys: self.device_keys.as_deref() }
    }
}

/// The hook steps of a journal entry: the platform key (and, for an erase, every key-store
/// entry of the app). Never called with a core lock held.
/// For an erase, every entry of the app's namespace that no account refers to *now* goes: a
/// wallet created and enrolled right after the erase keeps its entry. `referenced` reads the
/// current aliases (a short store lock, never held across a key-store call).
fn key_store_steps(key_store: &dyn SecureKeyStore, p: &JournalPayload, referenced: impl Fn() -> Result<Vec<String>>) -> Result<()> {
    if p.erase_all {
        let failed = |e: KeyStoreError| Error::HookFailed { message: format!("could not delete the app's key-store entries: {e:?}") };
        match key_store.list() {
            Ok(aliases) => {
                let keep = referenced()?;
                for a in aliases.iter().filter(|a| a.starts_with(ALIAS_PREFIX) && !keep.contains(a)) {
                    match key_store.delete(a) {
                        Ok(()) | Err(KeyStoreError::NotFound) => {}
                        Err(e) => return Err(failed(e)),
                    }
                }
            }
            Err(_) if referenced()?.is_empty() => match key_store.delete_all() {
                Ok(()) | Err(KeyStoreError::NotFound) => {}
                Err(e) => return Err(failed(e)),
            },
            Err(e) => return Err(failed(e)),
        }
    }
    if let Some(a) = &p.biometric_alias {
        match key_store.delete(a) {
            Ok(()) | Err(KeyStoreError::NotFound) => {}
            Err(e) => return Err(Error::HookFailed { message: format!("could not delete the biometric key: {e:?}") }),
        }
    }
    Ok(())
}

/// The device-key steps of a journal entry (crypto-shredding): the keys it names — a removed
/// wallet's, or for an erase every key the directory had. Returns how many keys were deleted.
/// Never called with a core lock held.
fn device_steps(dk: Option<&dyn DeviceKeyStore>, p: &JournalPayload) -> Result<u32> {
    let Some(dk) = dk else { return Ok(0) };
    let failed = |e: DeviceKeyError| Error::HookFailed { message: format!("could not delete a device key: {e:?}") };
    let mut deleted = 0;
    for a in &p.device_aliases {
        match dk.delete_key(a) {
            Ok(()) | Err(DeviceKeyError::NotFound) => deleted += 1,
            Err(e) => return Err(failed(e)),
        }
    }
    Ok(deleted)
}

/// The file steps of a journal entry (cache files moved to the trash, cache root, WAL scrub),
/// then the entry is closed (a trash folder left by a crash is swept by the next open). Returns
/// what was cleared and the trash folder still to delete.
fn file_steps(store: &Store, id: i64, p: &JournalPayload) -> Result<(ClearReport, Option<std::path::PathBuf>)> {
    let data_dir = store.dir().to_path_buf();
    let kinds = rows_cache::file_kinds(store.conn())?;
    let mut report = ClearReport::default();
    // Out of reach at once (a rename per kind); the files themselves are deleted by the caller
    // (in the background after a logout, at once when recovering), and by every open.
    let tag = format!("j{id}");
    let mut bin = None;
    if let Some(account) = &p.clear_files_account {
        let (r, b) = files::trash_scope(&data_dir, &kinds, &CacheScope::Account(account.clone()), &tag)?;
        report.add(&r);
        bin = bin.or(b);
    }
    if p.clear_files_global {
        let (r, b) = files::trash_scope(&data_dir, &kinds, &CacheScope::Global, &tag)?;
        report.add(&r);
        bin = bin.or(b);
    }
    if p.erase_all {
        report.add(&files::clear_root(&data_dir)?);
    }
    if p.scrub {
        store.scrub()?;
    }
    journal::delete(store.conn(), id)?;
    Ok((report, bin))
}

/// What completing a journal entry did.
pub(crate) struct Finished {
    pub files: ClearReport,
    pub device_keys_deleted: u32,
    /// Cache files moved out of reach, still to delete ([`files::empty_trash`]).
    pub trash: Option<std::path::PathBuf>,
}

/// Completes a committed journal entry: key-store and device-key steps without any lock, then
/// the file steps under the store lock.
pub(crate) fn finish_entry(store: &Mutex<Store>, hooks: &Platform<'_>, id: i64, p: &JournalPayload) -> Result<Finished> {
    key_store_steps(hooks.key_store, p, || referenced_aliases(&lk(store)))?;
    let device_keys_deleted = device_steps(hooks.device_keys, p)?;
    let (files, trash) = file_steps(&lk(store), id, p)?;
    Ok(Finished { files, device_keys_deleted, trash })
}

fn referenced_aliases(store: &Store) -> Result<Vec<String>> {
    Ok(crate::store::accounts::all(store.conn())?.into_iter().filter_map(|a| a.biometric_alias).collect())
}

/// Completes logouts and erases that were committed but not finished (crash between the two
/// phases). Runs while opening, before the core exists (so no core lock is held); public so the
/// store fuzz target can run it on a database file of arbitrary bytes.
pub fn recover_journal(store: &mut Store, key_store: &dyn SecureKeyStore, device_keys: Option<&dyn DeviceKeyStore>) -> Result<()> {
    for (id, payload) in journal::pending(store.conn())? {
        let hooks_done =
            key_store_steps(key_store, &payload, || referenced_aliases(store)).and_then(|()| device_steps(device_keys, &payload));
        if hooks_done.is_ok() {
            file_steps(store, id, &payload)?;
        }
    }
    // Cache files an earlier logout moved out of reach and did not get to delete.
    files::empty_trash(store.dir(), None)
}
