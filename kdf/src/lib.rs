//! # imwallet-kdf
//!
//! The two key derivations on the wallet's hot paths, computed here and nowhere else:
//!
//! * [`derive_into`]: Argon2id (RFC 9106, version 0x13) with lanes on the rayon pool, and the
//!   memory handling the login needs around it — every password login and unlock;
//! * [`pbkdf2_sha512`]: PBKDF2-HMAC-SHA512, the BIP39 seed — every signature.
//!
//! `imwallet-core` (`vault::kdf`, `wallet::mnemonic`) owns the parameters, their floor and
//! ceiling, the inputs' normalisation and the errors a caller sees; this crate only computes,
//! with the `argon2`, `pbkdf2` and `sha2` crates.
//!
//! It is separate so the shipping profile can compile it at opt-level 3 while the core is
//! size-optimised: argon2's fill (generic over the memory type, `#[inline]` down to the block
//! compression) and `pbkdf2_hmac::<Sha512>` are compiled in the crate that calls them, so their
//! speed follows the caller's opt-level (docs/performance.md, "Library size").

use std::sync::{Condvar, Mutex, MutexGuard};

use argon2::{Algorithm, Argon2, Block, Params, Version};
use rayon::iter::{IntoParallelRefMutIterator, ParallelExtend, ParallelIterator};
use zeroize::Zeroize;

/// Why a derivation did not run or did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KdfError {
    /// Parameters argon2 refuses (m below 8·p KiB, t = 0, p = 0, an output length out of range).
    Params,
    /// The memory could not be reserved (`m_kib` KiB).
    OutOfMemory { m_kib: u32 },
    /// argon2 failed (its message; it never contains the password or the salt).
    Argon2(String),
}

/// Argon2id of `password` and `salt` with `m_kib` KiB, `t` passes and `p` lanes, into `out`
/// (its length is the output length). With p > 1 the lanes run on the rayon pool (one slice of
/// all lanes at a time).
///
/// The memory is the KDF's own: its pages are faulted in on all cores before the passes, and
/// afterwards it is wiped (it holds password-derived blocks, which the crate does not wipe) and
/// returned to the system on the pool, off the caller's path — freeing 64 MiB took about 14 ms
/// of a login on the project machine. A new derivation first waits for such a release, so at
/// most one memory is held at a time.
pub fn derive_into(password: &[u8], salt: &[u8], m_kib: u32, t: u32, p: u32, out: &mut [u8]) -> Result<(), KdfError> {
    let params = Params::new(m_kib, t, p, Some(out.len())).map_err(|_| KdfError::Params)?;
    let blocks = params.block_count();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    wait_for_releases();
    let mut memory: Vec<Block> = Vec::new();
    memory.try_reserve_exact(blocks).map_err(|_| KdfError::OutOfMemory { m_kib })?;
    memory.par_extend(rayon::iter::repeat_n(Block::default(), blocks));
    let result = argon.hash_password_into_with_memory(password, salt, out, &mut memory);
    release_in_background(memory);
    result.map_err(|e| KdfError::Argon2(e.to_string()))
}

/// PBKDF2-HMAC-SHA512 of `password` and `salt` with `rounds` rounds, into `out` (its length is
/// the output length). The HMAC states live on the caller's stack: call it inside the core's
/// stack-scrubbing wrapper, as for any key material.
pub fn pbkdf2_sha512(password: &[u8], salt: &[u8], rounds: u32, out: &mut [u8]) {
    pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, rounds, out);
}

/// Argon2 memories being wiped and freed on the pool, and the signal that one finished.
static RELEASING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

fn releasing() -> MutexGuard<'static, usize> {
    RELEASING.0.lock().unwrap_or_else(|e| e.into_inner())
}

/// Wipes `memory` on all cores and frees it, on the pool.
fn release_in_background(mut memory: Vec<Block>) {
    *releasing() += 1;
    rayon::spawn(move || {
        memory.par_iter_mut().for_each(Zeroize::zeroize);
        drop(memory);
        let mut pending = releasing();
        *pending = pending.saturating_sub(1);
        RELEASING.1.notify_all();
    });
}

/// Blocks until no memory is being released. On a pool thread (an app calling in from its own
/// rayon task) it does not wait: the release may need that very thread.
fn wait_for_releases() {
    if rayon::current_thread_index().is_some() {
        return;
    }
    let mut pending = releasing();
    while *pending > 0 {
        pending = RELEASING.1.wait(pending).unwrap_or_else(|e| e.into_inner());
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// Known answers from OpenSSL: Python's `hashlib.pbkdf2_hmac("sha512", b"password",
    /// b"salt", n).hex()` for n = 1 and 2. (The BIP39 seeds themselves are checked against
    /// Trezor's vectors in `imwallet-core`'s `tests/bip39_vectors.rs`.)
    #[test]
    fn pbkdf2_sha512_known_answers() {
        let mut out = [0u8; 64];
        pbkdf2_sha512(b"password", b"salt", 1, &mut out);
        assert_eq!(hex(&out), "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce");
        pbkdf2_sha512(b"password", b"salt", 2, &mut out);
        assert_eq!(hex(&out), "e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53cf76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e");
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn refused_parameters_are_a_typed_error_and_touch_no_memory() {
        let mut out = [0u8; 32];
        assert_eq!(derive_into(b"pw", b"saltsaltsalt", 8, 0, 1, &mut out), Err(KdfError::Params));
        assert_eq!(derive_into(b"pw", b"saltsaltsalt", 8, 1, 0, &mut out), Err(KdfError::Params));
        assert_eq!(out, [0u8; 32]);
    }

    #[test]
    fn a_short_salt_is_argon2s_error_not_a_panic() {
        let mut out = [0u8; 32];
        assert!(matches!(derive_into(b"pw", b"s", 64, 1, 1, &mut out), Err(KdfError::Argon2(_))));
    }
}
