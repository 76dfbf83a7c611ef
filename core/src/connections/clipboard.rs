//! The clipboard: the shell reports what it copied, the core tells it when to clear.
//!
//! `WalletCore::clipboard_copied(kind)` records the copy and arms a timer for the kind's
//! timeout ([`ClipKind::clear_after`]: a phrase or a private key is cleared after 20 s, a
//! signature after 60 s, an address after 120 s). When it passes — or earlier, when the
//! session locks or logs out — the core calls the shell's [`crate::auth::hooks::ClipboardHook`]
//! with the reason, from the core's timer thread or the locking call, never under a core lock.
//! A newer copy replaces the older one (and its timer). The record is in memory only: an app
//! restart forgets it, and the shell's own platform expiry (Android `ClipDescription`
//! extras, iOS `UIPasteboard` `expirationDate`) covers that gap.

use std::time::Duration;

/// What the shell copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClipKind {
    Address,
    Signature,
    /// A recovery phrase (or words of it).
    Phrase,
    PrivateKey,
}

/// Longest timeout an app may set: any kind, and a phrase or a private key.
pub const MAX_TIMEOUT_SECS: u64 = 600;
pub const MAX_SECRET_TIMEOUT_SECS: u64 = 60;

impl ClipKind {
    /// Checks an app-chosen timeout for this kind.
    pub fn validate_timeout(self, secs: u64) -> crate::Result<()> {
        let max = if self.is_secret() { MAX_SECRET_TIMEOUT_SECS } else { MAX_TIMEOUT_SECS };
        if secs == 0 || secs > max {
            return Err(crate::Error::InvalidArgument { reason: format!("a clipboard timeout for a {} is 1..={max} s", self.as_str()) });
        }
        Ok(())
    }

    /// A recovery phrase or a private key.
    pub fn is_secret(self) -> bool {
        matches!(self, ClipKind::Phrase | ClipKind::PrivateKey)
    }

    /// How long the copy may stay on the clipboard by default.
    pub fn clear_after(self) -> Duration {
        Duration::from_secs(match self {
            ClipKind::Phrase | ClipKind::PrivateKey => 20,
            ClipKind::Signature => 60,
            ClipKind::Address => 120,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClipKind::Address => "address",
            ClipKind::Signature => "signature",
            ClipKind::Phrase => "phrase",
            ClipKind::PrivateKey => "private_key",
        }
    }
}

/// Why the core asks the shell to clear the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClipboardClearReason {
    /// The kind's timeout passed.
    Timeout,
    /// The session locked.
    Locked,
    /// The account logged out.
    LoggedOut,
}

/// The outstanding copy (a leaf lock in the engine).
#[derive(Debug, Default)]
pub(crate) struct ClipState {
    /// The copy still on the clipboard as far as the core knows, and its sequence number.
    pub outstanding: Option<(ClipKind, u64)>,
    pub seq: u64,
    /// Timeouts the app chose (seconds), over the defaults.
    pub timeouts: std::collections::HashMap<ClipKind, u64>,
}

impl ClipState {
    /// The timeout in force for `kind`.
    pub fn timeout(&self, kind: ClipKind) -> Duration {
        self.timeouts.get(&kind).map_or(kind.clear_after(), |s| Duration::from_secs(*s))
    }

    /// Records a copy; returns its sequence number.
    pub fn copied(&mut self, kind: ClipKind) -> u64 {
        self.seq = self.seq.wrapping_add(1);
        self.outstanding = Some((kind, self.seq));
        self.seq
    }

    /// Takes the outstanding copy if it is `seq` (any, with `None`).
    pub fn take(&mut self, seq: Option<u64>) -> Option<ClipKind> {
        match (self.outstanding, seq) {
            (Some((k, s)), Some(want)) if s == want => {
                self.outstanding = None;
                Some(k)
            }
            (Some((k, _)), None) => {
                self.outstanding = None;
                Some(k)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_clear_sooner_and_a_newer_copy_wins() {
        assert!(ClipKind::Phrase.clear_after() < ClipKind::Signature.clear_after());
        assert!(ClipKind::PrivateKey.clear_after() <= Duration::from_secs(30));
        let mut s = ClipState::default();
        let first = s.copied(ClipKind::Address);
        let second = s.copied(ClipKind::Phrase);
        assert_eq!(s.take(Some(first)), None, "the older copy's timer does nothing");
        assert_eq!(s.take(Some(second)), Some(ClipKind::Phrase));
        assert_eq!(s.take(None), None);
    }
}
