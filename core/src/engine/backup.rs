//! The backup check: after creating a wallet the user proves the phrase is written down by
//! typing three random words. It must not be a cheaper way to learn the phrase than revealing
//! it: a mismatch says nothing about which word was wrong, discards the challenge and is
//! counted; after [`FREE_BACKUP_FAILURES`] a new check needs the `RevealPhrase` gate.

use subtle::ConstantTimeEq;

use crate::auth::gates::{AuthProof, GatedAction};
use crate::engine::{lk, WalletCore};
use crate::events::EventKind;
use crate::store::accounts as rows;
use crate::vault::{random_array, scrubbed};
use crate::wallet::secret_text::{lowercase_secret, nfkd_secret};
use crate::{Error, Result};

/// Wrong backup answers allowed before a new backup check needs the `RevealPhrase` gate.
pub const FREE_BACKUP_FAILURES: u32 = 3;

impl WalletCore {
    /// Starts a backup check: three random 1-based word positions the user must type. A
    /// wallet already backed up, or one with [`FREE_BACKUP_FAILURES`] wrong answers since its
    /// last confirmed backup, needs the `RevealPhrase` gate (`proof`) for a new check: the
    /// check must not be a cheaper way to learn the phrase than revealing it.
    pub fn backup_challenge(&self, proof: AuthProof<'_>) -> Result<Vec<u32>> {
        let (account, words) = self
            .inner
            .with_unlocked(|u| Ok((u.account.clone(), u.keys.secret.mnemonic().ok_or(Error::NoRecoveryPhrase)?.word_count() as u32)))?;
        let row = self.inner.row(&account.id)?;
        let failures = rows::backup_failures(lk(&self.inner.store).conn(), &account.id)?;
        if row.backed_up || failures >= FREE_BACKUP_FAILURES {
            self.inner.check_gate(GatedAction::RevealPhrase, proof)?;
        }
        let mut positions: Vec<u32> = Vec::new();
        while positions.len() < 3 {
            let r = u32::from_le_bytes(random_array::<4>()?) % words + 1;
            if !positions.contains(&r) {
                positions.push(r);
            }
        }
        positions.sort_unstable();
        let text = positions.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        lk(&self.inner.store).write(|tx| rows::set_backup_challenge(tx, &account.id, Some(&text)))?;
        self.inner.touch();
        Ok(positions)
    }

    /// Checks the typed words (in challenge order) and records the backup. A mismatch says
    /// nothing about which word was wrong, discards the challenge and is counted (per account,
    /// persisted); a success resets the count.
    pub fn confirm_backup(&self, words: &[&[u8]]) -> Result<()> {
        // Key material may have passed through this call's stack: scrubbed after it returns.
        scrubbed(|| self.confirm_backup_unscrubbed(words))
    }

    fn confirm_backup_unscrubbed(&self, words: &[&[u8]]) -> Result<()> {
        let account = self.inner.require_unlocked()?;
        let positions = |c: &str| -> Vec<usize> { c.split(',').filter_map(|p| p.parse::<usize>().ok()?.checked_sub(1)).collect() };
        // A malformed answer (wrong word count) is refused before anything is compared; the
        // challenge stays.
        let expected = positions(&self.inner.row(&account.id)?.backup_challenge.ok_or(Error::NoBackupChallenge)?).len();
        if words.len() != expected {
            return Err(Error::InvalidArgument { reason: format!("expected {expected} words") });
        }
        // The challenge is taken (cleared) in the same transaction that reads it: one answer per
        // challenge, even when several arrive at once.
        let challenge = lk(&self.inner.store).write(|tx| {
            let row = rows::by_id(tx, &account.id)?.ok_or(Error::AccountNotFound)?;
            let c = row.backup_challenge.ok_or(Error::NoBackupChallenge)?;
            rows::set_backup_challenge(tx, &account.id, None)?;
            Ok(c)
        })?;
        let positions = positions(&challenge);
        if words.len() != positions.len() {
            return Err(Error::NoBackupChallenge);
        }
        let all_match = self.inner.with_unlocked(|u| {
            if u.account.id != account.id {
                return Err(Error::Locked);
            }
            let m = u.keys.secret.mnemonic().ok_or(Error::NoRecoveryPhrase)?;
            // Every word is compared, in constant time, whatever the earlier ones gave.
            let mut all = subtle::Choice::from(1u8);
            for (p, typed) in positions.iter().zip(words) {
                // Not UTF-8: compared as "", which no list word is (a lossy copy would grow
                // and be freed unwiped). Every word is still compared, to keep the shape.
                let typed = std::str::from_utf8(typed).unwrap_or("");
                let typed = lowercase_secret(nfkd_secret(typed).trim());
                all &= typed.as_bytes().ct_eq(m.word(*p)?.as_bytes());
            }
            Ok(bool::from(all))
        })?;
        if !all_match {
            lk(&self.inner.store).write(|tx| rows::record_backup_failure(tx, &account.id))?;
            return Err(Error::BackupMismatch);
        }
        let mut out = Vec::new();
        lk(&self.inner.store).write(|tx| {
            rows::mark_backed_up(tx, &account.id)?;
            self.inner.event(tx, EventKind::BackupConfirmed, Some(&account), "", &mut out)
        })?;
        self.inner.emit(out);
        Ok(())
    }
}
