//! Device-bound keys (issue 17, ADR 0011): unwrapping every scope's secret when the directory
//! is opened, moving an unbound store under device keys, a new scope per account, and the
//! device-key steps of crypto-shredding.
//!
//! Every call to the [`DeviceKeyStore`] hook is made with no core lock held.

use crate::auth::device_keys::{DeviceKeyError, DeviceKeyStore, DEVICE_ALIAS_PREFIX};
use crate::store::crash::crash_point;
use crate::store::device::{self, DeviceWrap};
use crate::store::journal::{self, JournalOp, JournalPayload};
use crate::store::sealing::{KeyRing, ScopeKeys, SharedRing};
use crate::store::{accounts, caches, events, Store};
use crate::vault::{random_array, random_bytes};
use crate::{Error, Result};

/// The device's own scope (indexes, settings, events and caches of no account).
pub(crate) const DEVICE_SCOPE: &str = "";

/// What the user can do when the keys are gone for good.
const LOST_ADVICE: &str = "this wallet data is bound to keys that are not on this device (restored from a backup to a new \
     phone, or the app's keys were deleted): no password can open it here. Nothing was deleted. Move it aside \
     (quarantine_damaged_data) and restore each wallet from its recovery phrase";

/// Maps a hook failure while reading an existing key.
pub(crate) fn reading(e: DeviceKeyError) -> Error {
    match e {
        DeviceKeyError::NotFound | DeviceKeyError::WrongKey => Error::DeviceKeyLost { reason: LOST_ADVICE.into() },
        DeviceKeyError::Unavailable { message } | DeviceKeyError::Other { message } => Error::DeviceKeyUnavailable { reason: message },
    }
}

/// Maps a hook failure while creating a key (nothing is lost: try again later).
fn creating(e: DeviceKeyError) -> Error {
    let reason = match e {
        DeviceKeyError::Unavailable { message } | DeviceKeyError::Other { message } => message,
        DeviceKeyError::NotFound | DeviceKeyError::WrongKey => "the device key store lost a key it had just created".into(),
    };
    Error::DeviceKeyUnavailable { reason }
}

fn write_ring(ring: &SharedRing) -> std::sync::RwLockWriteGuard<'_, KeyRing> {
    ring.write().unwrap_or_else(|e| e.into_inner())
}

/// A scope key just created in the device key store.
pub(crate) struct NewScope {
    pub wrap: DeviceWrap,
    pub keys: ScopeKeys,
}

/// Creates a device key for `scope` and wraps a fresh secret with it, checking that the store
/// gives the secret back before anything depends on it. `note` records the alias as pending
/// (committed) before the platform creates the key: only keys this directory made and then
/// abandoned are ever purged, never another directory's.
pub(crate) fn new_scope(dk: &dyn DeviceKeyStore, scope: &str, note: &dyn Fn(&str) -> Result<()>) -> Result<NewScope> {
    let alias = if scope == DEVICE_SCOPE {
        format!("{DEVICE_ALIAS_PREFIX}d.{}", hex::encode(random_array::<8>()?))
    } else {
        format!("{DEVICE_ALIAS_PREFIX}a.{scope}")
    };
    note(&alias)?;
    dk.create_key(&alias).map_err(creating)?;
    // The scope secret: only ever in zeroizing buffers, in memory while the store is open.
    let secret = random_bytes(32)?;
    let wrapped = dk.wrap(&alias, secret.expose()).map_err(creating)?;
    let back = dk.unwrap(&alias, &wrapped).map_err(creating)?;
    if back.expose() != secret.expose() {
        return Err(Error::DeviceKeyUnavailable { reason: "the device key store does not return what it wrapped".into() });
    }
    let keys = ScopeKeys::derive(secret.expose())?;
    Ok(NewScope { wrap: DeviceWrap { scope: scope.to_string(), alias, wrapped, key_check: keys.check_value() }, keys })
}

/// When a directory is opened: unwraps every scope into the store's ring; a store that has no
/// device scope yet (new, or written before device keys) is moved under them in one transaction
/// and its old plaintext pages are vacuumed away. Without a hook the store stays unbound, unless
/// it already holds device wraps (`DeviceKeyUnavailable`).
pub(crate) fn bind_at_open(store: &mut Store, dk: Option<&dyn DeviceKeyStore>) -> Result<()> {
    let wraps = device::all(store.conn())?;
    let Some(dk) = dk else {
        if !wraps.is_empty() {
            return Err(Error::DeviceKeyUnavailable {
                reason: "this data directory is bound to a device key store, and none was given".into(),
            });
        }
        return Ok(());
    };
    load_ring(store.ring(), &wraps, dk)?;
    let bound = wraps.iter().any(|w| w.scope == DEVICE_SCOPE);
    if bound {
        // Every account is created with its scope in the same transaction.
        let ring = store.ring().clone();
        let missing = accounts::ids(store.conn())?.into_iter().any(|id| !ring.read().map(|r| r.has(&id)).unwrap_or(false));
        if missing {
            return Err(Error::DataDirectoryDamaged { reason: "an account has no device key entry".into() });
        }
        return Ok(());
    }
    // Unbound: one scope for the device and one per account, then everything sealed at once.
    let ids = accounts::ids(store.conn())?;
    let note = |alias: &str| device::note_pending(store.conn(), alias);
    let mut news = vec![new_scope(dk, DEVICE_SCOPE, &note)?];
    for id in &ids {
        news.push(new_scope(dk, id, &note)?);
    }
    let had_data = !ids.is_empty() || events::count(store.conn())? > 0 || caches::count(store.conn())? > 0;
    let wraps: Vec<DeviceWrap> = news.iter().map(|n| n.wrap.clone()).collect();
    {
        let mut ring = write_ring(store.ring());
        for n in news {
            ring.insert(&n.wrap.scope, n.keys);
        }
    }
    let jid = store.write(|tx| {
        for w in &wraps {
            device::insert(tx, w)?;
        }
        device::seal_all_in_place(tx)?;
        // The scrub of the replaced plaintext pages is owed in the same commit: a crash before
        // it is done leaves it to the journal recovery of the next open.
        let jid = if had_data { Some(journal::insert(tx, JournalOp::Bind, None, &JournalPayload::default(), 0)?) } else { None };
        crash_point("bind.before_commit");
        Ok(jid)
    })?;
    crash_point("bind.after_commit");
    if let Some(jid) = jid {
        // The plaintext rows must not linger in free pages or WAL frames.
        store.vacuum()?;
        journal::delete(store.conn(), jid)?;
    }
    Ok(())
}

/// Unwraps `wraps` into `ring` and marks it bound.
fn load_ring(ring: &SharedRing, wraps: &[DeviceWrap], dk: &dyn DeviceKeyStore) -> Result<()> {
    let mut loaded = Vec::with_capacity(wraps.len());
    for w in wraps {
        let secret = dk.unwrap(&w.alias, &w.wrapped).map_err(reading)?;
        let keys = ScopeKeys::derive(secret.expose())?;
        // A store that answers with other bytes (a shell bug, a non-authenticated wrap) has lost
        // the key as surely as one that says so.
        if !keys.checks(&w.key_check) {
            return Err(reading(DeviceKeyError::WrongKey));
        }
        loaded.push((w.scope.clone(), keys));
    }
    let mut ring = write_ring(ring);
    ring.set_bound(true);
    for (scope, keys) in loaded {
        ring.insert(&scope, keys);
    }
    Ok(())
}

/// Opens a data directory's store with its device keys, moving an unbound store under them —
/// without a core (diagnostics, tests, the fuzz targets). Interrupted logouts are not completed.
pub fn open_store(dir: &std::path::Path, dk: Option<&dyn DeviceKeyStore>) -> Result<Store> {
    let mut store = Store::open(dir)?;
    bind_at_open(&mut store, dk)?;
    Ok(store)
}

/// Makes the sealed values of a bare connection to a bound database readable (a read-only
/// connection beside a running core: diagnostics and tests). Registers the store's SQL
/// functions on `conn` with a ring unwrapped from its `device_wraps`.
pub fn attach_device_keys(conn: &rusqlite::Connection, dk: &dyn DeviceKeyStore) -> Result<SharedRing> {
    let ring = SharedRing::default();
    crate::store::sealing::register(conn, &ring)?;
    load_ring(&ring, &device::all(conn)?, dk)?;
    Ok(ring)
}

/// After "reset app" deleted every scope: a new device scope, so the store stays bound.
pub(crate) fn rebind_device_scope(store: &std::sync::Mutex<Store>, ring: &SharedRing, dk: &dyn DeviceKeyStore) -> Result<()> {
    let n = new_scope(dk, DEVICE_SCOPE, &|alias| device::note_pending(super::lk(store).conn(), alias))?;
    write_ring(ring).insert(DEVICE_SCOPE, n.keys);
    super::lk(store).write(|tx| device::insert(tx, &n.wrap))
}

/// Deletes the device keys this directory started to create and never stored (an interrupted
/// creation); returns how many. Keys of other data directories on the same key store, and of a
/// quarantined database, are never touched (ADR 0011: an uninstall's leftover keys are not
/// this directory's to judge).
pub(crate) fn purge_orphans(store: &Store, dk: &dyn DeviceKeyStore) -> Result<u32> {
    let mut purged = 0;
    for a in device::pending(store.conn())? {
        if matches!(dk.delete_key(&a), Ok(()) | Err(DeviceKeyError::NotFound)) {
            device::forget_pending(store.conn(), &a)?;
            purged += 1;
        }
    }
    Ok(purged)
}

/// Forgets a scope's keys in this process (after its rows and wrap are gone).
pub(crate) fn forget(ring: &SharedRing, scope: &str) {
    write_ring(ring).remove(scope);
}

/// Forgets every scope (after an erase).
pub(crate) fn forget_all(ring: &SharedRing) {
    write_ring(ring).clear();
}

/// Inserts a new account's scope keys into the ring (before its sealed rows are written).
pub(crate) fn remember(ring: &SharedRing, scope: &str, keys: ScopeKeys) {
    write_ring(ring).insert(scope, keys);
}
