//! Secret containers, stack scrubbing and OS randomness.
//!
//! [`SecretBytes`] is the one owner of secret bytes in the core: zeroized on drop, compared in
//! constant time, and redacted in `Debug`. Randomness comes from the OS via `getrandom`.
//!
//! Zeroizing types wipe the place a value ends up in, not the places it passed through: every
//! move of a key, every array a library returns by value (a BIP39 seed, a scalar's limbs, a hash
//! state that absorbed the entropy) leaves a copy in a stack frame that is dead but not
//! overwritten. [`scrubbed`] runs an operation and then overwrites the stack it used; every
//! `WalletCore` call that touches key material runs inside it (proven by
//! `tests/memory_residue.rs`). Callers of the lower-level [`crate::wallet`] functions that
//! derive keys should do the same.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::{Error, Result};

/// Secret bytes: zeroized when dropped, `Debug` prints `<redacted>`, equality is constant time.
#[derive(Clone, Default)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Takes ownership of `bytes` (no copy is left behind).
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }
    /// Copies a slice into a new secret.
    pub fn from_slice(bytes: &[u8]) -> Self {
        Self::new(bytes.to_vec())
    }
    /// Copies a UTF-8 string's bytes (the caller should zeroize its own copy).
    pub fn from_str_bytes(s: &str) -> Self {
        Self::from_slice(s.as_bytes())
    }
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
    /// The bytes as UTF-8, for APIs (bip39) that take `&str`.
    pub fn expose_str(&self) -> Result<&str> {
        std::str::from_utf8(&self.0).map_err(|_| Error::Internal { reason: "secret is not UTF-8".into() })
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Hands the bytes to a caller that will own and wipe them (e.g. the FFI layer).
    pub fn into_vec(mut self) -> Vec<u8> {
        std::mem::take(&mut *self.0)
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(v: Vec<u8>) -> Self {
        Self::new(v)
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBytes(<redacted>)")
    }
}

impl PartialEq for SecretBytes {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}
impl Eq for SecretBytes {}

impl Zeroize for SecretBytes {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

/// Bytes of stack [`scrubbed`] overwrites below its caller's frame. Measured by painting the
/// stack below that frame: the deepest key-handling call (import: parse, PBKDF2, BIP32, Argon2id
/// and sealing) writes 58 KiB below it in a debug build and 38 KiB in release (signing: 50 and
/// 36 KiB); only the first account creation goes deeper, 159/70 KiB, while zxcvbn builds its
/// dictionaries (no key material). Twice the debug depth, and far below the smallest thread
/// stack a shell runs the core on (512 KiB on iOS secondary threads).
pub const STACK_SCRUB_BYTES: usize = 128 * 1024;

/// Runs `f`, then overwrites [`STACK_SCRUB_BYTES`] of the stack below this frame — where `f`
/// and everything it called kept their (now dead) temporaries: seeds, scalars, hash states.
/// `f` runs in a frame of its own that is never inlined into this one, so nothing of it stays
/// above the scrubbed area; whatever `f` returns is moved out before the scrub.
#[inline(never)]
pub fn scrubbed<T>(f: impl FnOnce() -> T) -> T {
    let out = call_apart(f);
    scrub_stack();
    out
}

#[inline(never)]
fn call_apart<T>(f: impl FnOnce() -> T) -> T {
    f()
}

/// A frame of [`STACK_SCRUB_BYTES`] zeroed with volatile writes (which the compiler keeps).
#[inline(never)]
fn scrub_stack() {
    let mut area = [0u64; STACK_SCRUB_BYTES / 8];
    area.zeroize();
    std::hint::black_box(&area);
}

/// `N` bytes from the OS random number generator.
pub fn random_array<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|_| Error::Randomness)?;
    Ok(out)
}

/// `len` random bytes, as a secret.
pub fn random_bytes(len: usize) -> Result<SecretBytes> {
    let mut out = vec![0u8; len];
    getrandom::fill(&mut out).map_err(|_| Error::Randomness)?;
    Ok(SecretBytes::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_eq_compares_content() {
        let a = SecretBytes::from_slice(b"hunter2-secret");
        assert_eq!(format!("{a:?}"), "SecretBytes(<redacted>)");
        assert!(!format!("{a:?}").contains("hunter2"));
        assert_eq!(a, SecretBytes::from_slice(b"hunter2-secret"));
        assert_ne!(a, SecretBytes::from_slice(b"hunter2-secreT"));
    }

    #[test]
    fn randomness_differs() {
        let a: [u8; 32] = random_array().unwrap();
        let b: [u8; 32] = random_array().unwrap();
        assert_ne!(a, b);
    }
}
