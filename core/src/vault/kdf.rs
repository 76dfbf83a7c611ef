//! Password-based key derivation: Argon2id with stored, versioned parameters.
//!
//! Production parameters are m = 64 MiB, t = 3, p = 1. Parameters are stored per account and
//! checked on every read against a floor ([`KdfProfile::minimum`]) and a ceiling, so a row
//! tampered to cheaper (or absurdly expensive) parameters is refused instead of used. The fast
//! profile exists only for tests; a store opened with the production profile refuses accounts
//! created with it.

use argon2::{Algorithm, Argon2, Params, Version};

use crate::vault::SecretBytes;
use crate::{Error, Result};

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Iterations.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

/// Which parameters new accounts get and which floor is enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfProfile {
    /// m = 64 MiB, t = 3, p = 1.
    Production,
    /// m = 256 KiB, t = 1: for tests only. Never use it for real wallets.
    InsecureFastForTests,
}

/// Ceiling on stored parameters (a tampered row must not be able to exhaust the device).
const MAX: KdfParams = KdfParams { m_kib: 1024 * 1024, t: 16, p: 8 };

impl KdfProfile {
    /// Parameters for new accounts.
    pub fn params(self) -> KdfParams {
        match self {
            KdfProfile::Production => KdfParams { m_kib: 64 * 1024, t: 3, p: 1 },
            KdfProfile::InsecureFastForTests => KdfParams { m_kib: 256, t: 1, p: 1 },
        }
    }

    /// The floor enforced when reading stored parameters.
    pub fn minimum(self) -> KdfParams {
        self.params()
    }

    /// Checks stored parameters against floor and ceiling.
    pub fn check(self, p: KdfParams) -> Result<()> {
        let min = self.minimum();
        if p.m_kib < min.m_kib || p.t < min.t || p.p < min.p {
            return Err(Error::KdfParamsTooWeak);
        }
        if p.m_kib > MAX.m_kib || p.t > MAX.t || p.p > MAX.p {
            return Err(Error::VaultCorrupted);
        }
        Ok(())
    }
}

/// Derives a 32-byte key from `password` and `salt`.
pub fn derive(password: &[u8], salt: &[u8], p: KdfParams) -> Result<SecretBytes> {
    let params = Params::new(p.m_kib, p.t, p.p, Some(32)).map_err(|_| Error::VaultCorrupted)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = vec![0u8; 32];
    argon.hash_password_into(password, salt, &mut out).map_err(|e| Error::Internal { reason: format!("argon2: {e}") })?;
    Ok(SecretBytes::new(out))
}
