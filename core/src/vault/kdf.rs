//! Password-based key derivation: Argon2id with stored, versioned parameters.
//!
//! New accounts get the profile's *default* ([`KdfProfile::params`]): in production m = 64 MiB,
//! t = 3, p = 4 lanes, computed on up to four threads (the `argon2` crate's `parallel` feature;
//! ADR 0010). Stored parameters are checked on every read against a *floor*
//! ([`KdfProfile::minimum`]: production m = 64 MiB, t = 3, p = 1 — what accounts were created
//! with before the default had four lanes) and a ceiling, so a row tampered to cheaper (or
//! absurdly expensive) parameters is refused instead of used. Parameters between the floor and
//! the default are valid and are upgraded to the default on the account's next password login
//! ([`KdfProfile::upgrade_target`]). The fast profiles exist only for tests; a store opened with
//! the production profile refuses accounts created with them.

use imwallet_kdf::KdfError;
use zeroize::Zeroizing;

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
    /// New accounts: m = 64 MiB, t = 3, p = 4. Floor: m = 64 MiB, t = 3, p = 1.
    Production,
    /// New accounts: m = 256 KiB, t = 1, p = 4. Floor: p = 1. For tests only: never use it for
    /// real wallets.
    InsecureFastForTests,
    /// The test profile as builds before the four-lane default had it: new accounts get its
    /// floor (m = 256 KiB, t = 1, p = 1), so a core opened later with `InsecureFastForTests`
    /// upgrades them — a test's stand-in for an app update that raised the default.
    InsecureFastForTestsPreviousDefault,
}

/// Ceiling on stored parameters (a tampered row must not be able to exhaust the device).
const MAX: KdfParams = KdfParams { m_kib: 1024 * 1024, t: 16, p: 8 };

impl KdfProfile {
    /// Parameters for new accounts (the default).
    pub fn params(self) -> KdfParams {
        match self {
            KdfProfile::Production => KdfParams { m_kib: 64 * 1024, t: 3, p: 4 },
            KdfProfile::InsecureFastForTests => KdfParams { m_kib: 256, t: 1, p: 4 },
            KdfProfile::InsecureFastForTestsPreviousDefault => KdfProfile::InsecureFastForTests.minimum(),
        }
    }

    /// The floor enforced when reading stored parameters. It stays at the oldest default still
    /// in use, so raising [`KdfProfile::params`] never locks an existing account out.
    pub fn minimum(self) -> KdfParams {
        match self {
            KdfProfile::Production => KdfParams { m_kib: 64 * 1024, t: 3, p: 1 },
            KdfProfile::InsecureFastForTests | KdfProfile::InsecureFastForTestsPreviousDefault => KdfParams { m_kib: 256, t: 1, p: 1 },
        }
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

    /// The parameters an account stored with `stored` should be re-wrapped under, or `None`
    /// when it is already at (or above) the default in every component. The target is the
    /// component-wise maximum of both, so an upgrade never lowers any cost.
    pub fn upgrade_target(self, stored: KdfParams) -> Option<KdfParams> {
        let d = self.params();
        if stored.m_kib >= d.m_kib && stored.t >= d.t && stored.p >= d.p {
            return None;
        }
        Some(KdfParams { m_kib: stored.m_kib.max(d.m_kib), t: stored.t.max(d.t), p: stored.p.max(d.p) })
    }
}

/// Derives a 32-byte key from `password` and `salt` (Argon2id, [`imwallet_kdf::derive_into`]:
/// lanes on the rayon pool, the memory faulted in before and wiped and freed on the pool after,
/// one memory held at a time).
pub fn derive(password: &[u8], salt: &[u8], p: KdfParams) -> Result<SecretBytes> {
    let mut out = Zeroizing::new(vec![0u8; 32]);
    imwallet_kdf::derive_into(password, salt, p.m_kib, p.t, p.p, &mut out).map_err(|e| match e {
        KdfError::Params => Error::VaultCorrupted,
        KdfError::OutOfMemory { m_kib } => Error::Internal { reason: format!("no memory for the KDF ({m_kib} KiB)") },
        KdfError::Argon2(e) => Error::Internal { reason: format!("argon2: {e}") },
    })?;
    // Moves the buffer (no copy); a failed derivation's partial output is wiped on drop.
    Ok(SecretBytes::new(std::mem::take(&mut *out)))
}

/// The key that wraps the vault key for a password check: the Argon2 output, or — with the
/// hardware-key factor — HKDF-SHA256 over the Argon2 output and the security key's PRF output
/// (salted with the factor's per-account salt), so neither opens the wrap alone (ADR 0011).
pub fn wrap_key(password_key: SecretBytes, factor: Option<(&[u8], &SecretBytes)>) -> Result<SecretBytes> {
    let Some((hw_salt, prf)) = factor else { return Ok(password_key) };
    // Both inputs in one zeroizing buffer sized up front.
    let mut ikm = zeroize::Zeroizing::new(Vec::with_capacity(password_key.len() + prf.len()));
    ikm.extend_from_slice(password_key.expose());
    ikm.extend_from_slice(prf.expose());
    let mut out = zeroize::Zeroizing::new([0u8; 32]);
    hkdf::Hkdf::<sha2::Sha256>::new(Some(hw_salt), &ikm)
        .expand(b"imwallet/password+hardware-key/v1", out.as_mut_slice())
        .map_err(|_| crate::Error::Internal { reason: "hkdf length".into() })?;
    Ok(SecretBytes::from_slice(out.as_slice()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};

    use super::*;

    const PW: &[u8] = b"correct horse battery staple 42";
    const SALT: &[u8] = b"imwallet/salt/16";

    /// Computed once with argon2-cffi 25.1.0 (argon2-cffi-bindings 26.2.0, the C reference
    /// implementation): `argon2.low_level.hash_secret_raw(PW, SALT, time_cost=t,
    /// memory_cost=m, parallelism=p, hash_len=32, type=Type.ID, version=19).hex()`. The p = 1
    /// production value is also what libsodium 1.0.x (PyNaCl 1.6.2)
    /// `nacl.pwhash.argon2id.kdf(32, PW, SALT, opslimit=3, memlimit=64 MiB)` returns.
    const ARGON2_CFFI: [(KdfParams, &str); 4] = [
        (KdfParams { m_kib: 65536, t: 3, p: 4 }, "8aca9546c3113f522cf5b6d99c4d1ca2651cd598c61ff2f044da14afd67840ec"),
        (KdfParams { m_kib: 65536, t: 3, p: 1 }, "e9dd59d8144f99fe1716a1ba87a4be73723aec00db4521b48c03437081aac670"),
        (KdfParams { m_kib: 256, t: 1, p: 4 }, "7654a805362772c1fb1d958b638782c18768c4e08d4ad8a4783dfe617df24eaf"),
        (KdfParams { m_kib: 256, t: 1, p: 1 }, "278dceac54072270fb4c47eed4908c4c81b86fbe75c3315adaf43eeb066ec036"),
    ];

    #[test]
    fn derive_matches_the_c_reference_for_every_profile_parameter_set() {
        for (params, hex_tag) in ARGON2_CFFI {
            assert_eq!(hex::encode(derive(PW, SALT, params).unwrap().expose()), hex_tag, "{params:?}");
        }
        let profiles = [KdfProfile::Production, KdfProfile::InsecureFastForTests, KdfProfile::InsecureFastForTestsPreviousDefault];
        for profile in profiles {
            for p in [profile.params(), profile.minimum()] {
                assert!(ARGON2_CFFI.iter().any(|(v, _)| *v == p), "{profile:?}: {p:?} has no C-reference vector");
            }
        }
    }

    #[test]
    fn derive_on_a_one_thread_pool_does_not_wait_for_itself() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let (params, tag) = ARGON2_CFFI[2];
        for _ in 0..3 {
            // The first derivation's release is queued on the pool's only thread, which is
            // busy running this closure: the next one must not wait for it.
            let key = pool.install(|| derive(PW, SALT, params).and_then(|_| derive(PW, SALT, params))).unwrap();
            assert_eq!(hex::encode(key.expose()), tag);
        }
        // From outside the pool, a derivation waits for the pending releases, then runs.
        assert_eq!(hex::encode(derive(PW, SALT, params).unwrap().expose()), tag);
    }

    /// RFC 9106 section 5 (Argon2 version 0x13): password 32 × 0x01, salt 16 × 0x02, secret
    /// 8 × 0x03, associated data 12 × 0x04, m = 32 KiB, t = 3, p = 4, 32-byte tag. [`derive`]
    /// takes neither a secret nor associated data (the wallet uses neither), so these run the
    /// same crate, with the same `parallel` feature, through its own API for both.
    #[test]
    fn rfc_9106_test_vectors() {
        let vectors = [
            (Algorithm::Argon2id, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"),
            (Algorithm::Argon2d, "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb"),
            (Algorithm::Argon2i, "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8"),
        ];
        for (algorithm, tag) in vectors {
            let params =
                ParamsBuilder::new().m_cost(32).t_cost(3).p_cost(4).data(AssociatedData::new(&[0x04; 12]).unwrap()).build().unwrap();
            let ctx = Argon2::new_with_secret(&[0x03; 8], algorithm, Version::V0x13, params).unwrap();
            let mut out = [0u8; 32];
            ctx.hash_password_into(&[0x01; 32], &[0x02; 16], &mut out).unwrap();
            assert_eq!(hex::encode(out), tag, "{algorithm:?}");
        }
    }

    #[test]
    fn floor_default_and_upgrades() {
        let prod = KdfProfile::Production;
        assert_eq!(prod.params(), KdfParams { m_kib: 65536, t: 3, p: 4 });
        // Accounts made with the old default (p = 1) still open and are due an upgrade.
        let old = KdfParams { m_kib: 65536, t: 3, p: 1 };
        prod.check(old).unwrap();
        assert_eq!(prod.upgrade_target(old), Some(prod.params()));
        assert_eq!(prod.upgrade_target(prod.params()), None);
        // Below the floor in any component: refused.
        for weak in [KdfParams { t: 2, ..old }, KdfParams { m_kib: 32768, ..old }, KdfParams { p: 0, ..old }] {
            assert!(matches!(prod.check(weak), Err(Error::KdfParamsTooWeak)), "{weak:?}");
        }
        assert!(matches!(prod.check(KdfProfile::InsecureFastForTests.params()), Err(Error::KdfParamsTooWeak)));
        // Above the ceiling: a tampered row.
        assert!(matches!(prod.check(KdfParams { p: 9, ..old }), Err(Error::VaultCorrupted)));
        // An upgrade never lowers a component that is already above the default.
        let odd = KdfParams { m_kib: 128 * 1024, t: 3, p: 2 };
        assert_eq!(prod.upgrade_target(odd), Some(KdfParams { m_kib: 128 * 1024, t: 3, p: 4 }));
        assert_eq!(prod.upgrade_target(KdfParams { m_kib: 65536, t: 4, p: 8 }), None);
        // The test profiles mirror production: the previous default is the floor.
        let (fast, prev) = (KdfProfile::InsecureFastForTests, KdfProfile::InsecureFastForTestsPreviousDefault);
        assert_eq!(prev.params(), fast.minimum());
        assert_eq!(fast.upgrade_target(prev.params()), Some(fast.params()));
        assert_eq!(prev.upgrade_target(fast.params()), None);
        for profile in [prod, fast, prev] {
            profile.check(profile.params()).unwrap();
            profile.check(profile.minimum()).unwrap();
        }
    }
}
