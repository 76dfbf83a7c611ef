//! Work that follows a logout on threads of their own, so `logout` returns when the data is out
//! of reach rather than when the disk is done: unlinking a logout's cache files (moved to the
//! trash by one rename per kind) and the passive WAL checkpoint `prepare_logout` starts while the
//! user reads the plan. The threads take only the store lock (or none); the core's drop waits
//! for them, and the next open sweeps a trash a dying process left.

use crate::cache::files;
use crate::engine::{lk, Inner};

impl Inner {
    /// Deletes a logout's trash folder on a thread of its own (unlinking a thousand files can
    /// take longer than the whole logout on a busy file system); the core's drop waits for it,
    /// and the next open sweeps whatever a dying process left.
    pub(crate) fn empty_trash_in_background(&self, bin: std::path::PathBuf) {
        let data_dir = self.config.data_dir.clone();
        let spawned = std::thread::Builder::new().name("imwallet-trash".into()).spawn(move || {
            let _ = files::empty_trash(&data_dir, Some(&bin));
        });
        // No thread: left to the next open's sweep.
        if let Ok(h) = spawned {
            let mut workers = lk(&self.workers);
            workers.retain(|h| !h.is_finished());
            workers.push(h);
        }
    }

    /// A passive checkpoint on a thread of its own (it takes the store lock like any call).
    pub(crate) fn checkpoint_in_background(self: &std::sync::Arc<Self>) {
        let inner = std::sync::Arc::downgrade(self);
        let spawned = std::thread::Builder::new().name("imwallet-checkpoint".into()).spawn(move || {
            if let Some(i) = inner.upgrade() {
                let _ = lk(&i.store).checkpoint_passive();
            }
        });
        if let Ok(h) = spawned {
            let mut workers = lk(&self.workers);
            workers.retain(|h| !h.is_finished());
            workers.push(h);
        }
    }

    /// Waits for the trash threads (the core is closing).
    pub(crate) fn join_workers(&self) {
        let workers = std::mem::take(&mut *lk(&self.workers));
        for h in workers {
            let _ = h.join();
        }
    }
}
