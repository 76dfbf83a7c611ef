//! Logout: plan, confirm, carry out — and finish an interrupted one on the next open.
//!
//! All database changes of a logout (session ended, biometric wrap dropped, wallet rows
//! removed, events) commit in one transaction together with a journal row naming the steps
//! outside the database (platform key-store entry, cache files, WAL scrub). Those run after
//! the commit; the journal row is deleted when they are done. A crash before the commit leaves
//! the old session (it reopens `Locked`); a crash after it is completed by
//! [`recover_journal`] on the next open.

use serde_json::json;

use crate::auth::gates::{AuthProof, GatedAction};
use crate::auth::hooks::{DeviceIntegrity, NetworkKind};
use crate::auth::keystore::{KeyStoreError, SecureKeyStore};
use crate::auth::names;
use crate::cache::{files, rows as rows_cache, CacheScope, ClearReport};
use crate::engine::{lk, no_session, persist_state, Notice, WalletCore};
use crate::events::EventKind;
use crate::session::logout::{
    ConfirmationNeeded, LogoutAction, LogoutConfirmation, LogoutOptions, LogoutPlan, LogoutReport, LogoutWarning, Lookup, PLAN_TTL,
};
use crate::store::crash::crash_point;
use crate::store::Store;
use crate::vault::random_array;
use crate::{Error, Result};

impl WalletCore {
    /// What logging out with `options` will do, warn about and need confirmed.
    pub fn prepare_logout(&self, options: LogoutOptions) -> Result<LogoutPlan> {
        let account = self.inner.session_account()?;
        let row = self.inner.row(&account.id)?;
        let mut warnings = Vec::new();
        if row.has_phrase && !row.backed_up {
            warnings.push(LogoutWarning::NotBackedUp);
        }
        if matches!(self.inner.env.network(), Ok(NetworkKind::PublicWifi)) {
            warnings.push(LogoutWarning::InsecureNetwork);
        }
        if matches!(self.inner.env.device_integrity(), Ok(DeviceIntegrity::Compromised | DeviceIntegrity::DebuggerAttached)) {
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
        };
        lk(&self.inner.plans).insert(plan.clone());
        self.inner.touch();
        Ok(plan)
    }

    /// Carries out a prepared plan. Using the same token again returns the same report.
    pub fn logout(&self, token: &str, confirmation: &LogoutConfirmation) -> Result<LogoutReport> {
        let i = &self.inner;
        let plan = match lk(&i.plans).get(token)? {
            Lookup::AlreadyDone(report) => return Ok(report),
            Lookup::Pending(plan) => plan,
        };
        if i.session_account()?.id != plan.account.id {
            lk(&i.plans).remove(token);
            return Err(Error::LogoutTokenInvalid);
        }
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
        let gate_action = if plan.options.remove_wallet { GatedAction::RemoveWallet } else { GatedAction::Logout };
        i.check_gate(gate_action, proof)?;
        lk(&i.plans).remove(token);
        let row = i.row(&plan.account.id)?;
        // 1. Keys out of memory, timer off.
        lk(&i.keys).take();
        i.deadline.send_replace(None);
        // 2. Every database change in one transaction, with the journal of what follows.
        let remove = plan.options.remove_wallet;
        let now = i.now();
        let mut out: Vec<Notice> = Vec::new();
        let (journal_id, new_state, mut cleared, payload) = lk(&i.store).write(|tx| {
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
            let payload = json!({
                "biometric_alias": row.biometric_alias,
                "scrub": remove || clear,
                "clear_files_account": (clear || remove).then(|| row.id.clone()),
                "clear_files_global": clear && !plan.options.keep_global_caches,
            });
            tx.execute(
                "INSERT INTO journal (op, account_id, payload, created_at) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![if remove { "remove_wallet" } else { "logout" }, row.id, payload.to_string(), now],
            )?;
            let jid = tx.last_insert_rowid();
            tx.execute("UPDATE accounts SET biometric_wrap = NULL, biometric_alias = NULL WHERE id = ?1", [&row.id])?;
            i.event(tx, EventKind::LoggedOut, Some(&plan.account), "", &mut out)?;
            if remove {
                tx.execute("DELETE FROM accounts WHERE id = ?1", [&row.id])?;
                i.event(tx, EventKind::WalletRemoved, Some(&plan.account), "", &mut out)?;
            }
            let state = no_session(tx)?;
            persist_state(tx, &state, now)?;
            crash_point(if remove { "remove.before_commit" } else { "logout.before_commit" });
            Ok((jid, state, cleared, payload.to_string()))
        })?;
        crash_point(if remove { "remove.after_commit" } else { "logout.after_commit" });
        i.set_state(new_state, &mut out);
        // 3. Steps outside the database, then close the journal entry.
        {
            let mut store = lk(&i.store);
            // A failing platform key deletion leaves the journal row for the next open; the
            // logout itself is done (the wrap is gone, so the key is useless anyway).
            if let Ok(files) = finish_external(&mut store, i.key_store.as_ref(), &payload) {
                cleared.add(&files);
                store.conn().execute("DELETE FROM journal WHERE id = ?1", [journal_id])?;
            }
        }
        i.forget_authorizations();
        let report = LogoutReport {
            account: plan.account.clone(),
            keys_wiped: true,
            session_ended: true,
            biometric_removed: row.biometric_wrap.is_some(),
            cache_entries_cleared: cleared.entries_removed + cleared.files_removed,
            cache_bytes_freed: cleared.bytes_freed,
            wallet_removed: remove,
            warnings_acknowledged: plan.warnings.clone(),
        };
        lk(&i.plans).finish(token.to_string(), report.clone());
        i.emit(out);
        Ok(report)
    }
}

/// The steps of a journaled operation that live outside the database: the platform key,
/// cache files, the WAL scrub, and (for an erase) every key-store entry and the cache root.
/// Deleting the platform key is retried on the next open if it fails now (the row stays).
pub(crate) fn finish_external(store: &mut Store, key_store: &dyn SecureKeyStore, payload: &str) -> Result<ClearReport> {
    let v: serde_json::Value = serde_json::from_str(payload).unwrap_or_default();
    if v["erase_all"].as_bool() == Some(true) {
        match key_store.delete_all() {
            Ok(()) | Err(KeyStoreError::NotFound) => {}
            Err(e) => return Err(Error::HookFailed { message: format!("could not delete the app's key-store entries: {e:?}") }),
        }
    }
    if let Some(a) = v["biometric_alias"].as_str() {
        match key_store.delete(a) {
            Ok(()) | Err(KeyStoreError::NotFound) => {}
            Err(e) => return Err(Error::HookFailed { message: format!("could not delete the biometric key: {e:?}") }),
        }
    }
    let data_dir = store.dir().to_path_buf();
    let kinds = rows_cache::file_kinds(store.conn())?;
    let mut report = ClearReport::default();
    if let Some(id) = v["clear_files_account"].as_str() {
        report.add(&files::clear_scope(&data_dir, &kinds, &CacheScope::Account(id.to_string()))?);
    }
    if v["clear_files_global"].as_bool() == Some(true) {
        report.add(&files::clear_scope(&data_dir, &kinds, &CacheScope::Global)?);
    }
    if v["erase_all"].as_bool() == Some(true) {
        report.add(&files::clear_root(&data_dir)?);
    }
    if v["scrub"].as_bool().unwrap_or(true) {
        store.scrub()?;
    }
    Ok(report)
}

/// Completes logouts that were committed but not finished (crash between the two phases).
pub(crate) fn recover_journal(store: &mut Store, key_store: &dyn SecureKeyStore) -> Result<()> {
    let pending: Vec<(i64, String)> = {
        let mut st = store.conn().prepare("SELECT id, payload FROM journal ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, payload) in pending {
        if finish_external(store, key_store, &payload).is_ok() {
            store.conn().execute("DELETE FROM journal WHERE id = ?1", [id])?;
        }
    }
    Ok(())
}
