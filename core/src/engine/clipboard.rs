//! The clipboard (issue 21): what the shell copied, and telling it when to clear.
//!
//! The timer is a task on the core's runtime, like auto-lock: `clipboard_copied` publishes a
//! deadline on a watch channel, the task sleeps until it and then calls the shell's hook —
//! with no core lock held (the copy is taken out of its leaf lock first). A lock or a logout
//! clears at once and disarms the timer.

use std::sync::Weak;

use tokio::sync::watch;

use crate::connections::clipboard::{ClipKind, ClipboardClearReason};
use crate::engine::{lk, Inner, WalletCore};

impl WalletCore {
    /// The shell copied something of `kind` to the clipboard: the core will tell the
    /// clipboard hook to clear it after the kind's timeout (or on lock/logout, sooner). Returns
    /// the seconds until then.
    pub fn clipboard_copied(&self, kind: ClipKind) -> u64 {
        let (after, seq) = {
            let mut clip = lk(&self.inner.clip);
            (clip.timeout(kind), clip.copied(kind))
        };
        self.inner.clip_deadline.send_replace(Some((tokio::time::Instant::now() + after, seq)));
        after.as_secs()
    }

    /// The app's timeout for `kind` (1..=600 s; a phrase or a private key at most 60 s), for
    /// this open core.
    pub fn set_clipboard_timeout(&self, kind: ClipKind, seconds: u64) -> crate::Result<()> {
        kind.validate_timeout(seconds)?;
        lk(&self.inner.clip).timeouts.insert(kind, seconds);
        Ok(())
    }
}

impl Inner {
    /// Tells the shell to clear the outstanding copy (`seq`: only that copy; `None`: whatever
    /// is outstanding). Returns whether the hook cleared it. Never called under a core lock.
    pub(crate) fn clear_clipboard(&self, reason: ClipboardClearReason, seq: Option<u64>) -> bool {
        let taken = lk(&self.clip).take(seq);
        if taken.is_none() {
            return false;
        }
        if seq.is_none() {
            self.clip_deadline.send_replace(None);
        }
        self.clipboard.as_ref().is_some_and(|h| h.clear(reason).is_ok())
    }

    /// Whether a copy is outstanding (for the logout plan).
    pub(crate) fn clipboard_outstanding(&self) -> bool {
        lk(&self.clip).outstanding.is_some()
    }
}

/// Sleeps until the published clipboard deadline and asks the shell to clear when it passes.
pub(crate) async fn clipboard_task(inner: Weak<Inner>, mut rx: watch::Receiver<Option<(tokio::time::Instant, u64)>>) {
    loop {
        let deadline = *rx.borrow_and_update();
        match deadline {
            None => {
                if rx.changed().await.is_err() {
                    return;
                }
            }
            Some((d, seq)) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(d) => {
                        let Some(inner) = inner.upgrade() else { return };
                        inner.clip_deadline.send_if_modified(|cur| if *cur == Some((d, seq)) { *cur = None; true } else { false });
                        // The hook may block (a UI thread hop): run it off the timer's thread.
                        tokio::task::spawn_blocking(move || inner.clear_clipboard(ClipboardClearReason::Timeout, Some(seq)));
                    }
                    changed = rx.changed() => if changed.is_err() { return },
                }
            }
        }
    }
}
