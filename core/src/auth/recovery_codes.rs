//! One-time recovery codes (ADR 0014): ten per account, shown once, stored hashed.
//!
//! A code is 10 characters of Crockford's Base32 (50 random bits), shown `XXXXX-XXXXX`; typing
//! is forgiving (case, dashes and spaces, `O`→`0`, `I`/`L`→`1`). What is stored is
//! HMAC-SHA256 of the normalized code under a key derived (HKDF-SHA256) from the account's vault
//! key and id: the stored hashes are worthless without the vault key — which only the password
//! opens — so they cannot be brute-forced from a copy of the database, and a code of one account
//! never matches another's.

use hmac::{KeyInit, Mac};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::vault::{random_array, SecretBytes};
use crate::{Error, Result};

/// Codes per set.
pub const COUNT: usize = 10;
/// Characters per code (without the dash).
pub const LEN: usize = 10;
/// Crockford's Base32 alphabet (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The hashing key of `account_id`'s codes, derived from its vault key.
pub struct CodeKey(Zeroizing<[u8; 32]>);

impl CodeKey {
    pub fn derive(vault_key: &SecretBytes, account_id: &str) -> Result<CodeKey> {
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"imwallet/recovery-codes/v1"), vault_key.expose());
        let mut key = Zeroizing::new([0u8; 32]);
        hk.expand(account_id.as_bytes(), key.as_mut_slice()).map_err(|_| Error::Internal { reason: "hkdf length".into() })?;
        Ok(CodeKey(key))
    }

    /// A key no stored hash was made with (a wrong password: the same work, no match).
    pub fn decoy() -> Result<CodeKey> {
        Ok(CodeKey(Zeroizing::new(random_array::<32>()?)))
    }

    /// The stored form of a typed code.
    pub fn hash(&self, typed: &[u8]) -> Result<Vec<u8>> {
        let mut mac = HmacSha256::new_from_slice(self.0.as_slice()).map_err(|_| Error::Internal { reason: "key length".into() })?;
        mac.update(&normalize(typed));
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

/// The canonical characters of a typed code (invalid characters are kept, so it matches nothing).
fn normalize(typed: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(typed.len()));
    for &b in typed {
        match b.to_ascii_uppercase() {
            b'-' | b' ' | b'\t' => {}
            b'O' => out.push(b'0'),
            b'I' | b'L' => out.push(b'1'),
            c => out.push(c),
        }
    }
    out
}

/// A new set: the codes to show once (`XXXXX-XXXXX`, zeroizing) and their hashes to store.
pub fn generate(key: &CodeKey) -> Result<(Vec<SecretBytes>, Vec<Vec<u8>>)> {
    let (mut shown, mut hashes) = (Vec::with_capacity(COUNT), Vec::with_capacity(COUNT));
    for _ in 0..COUNT {
        // 256 is a multiple of 32: each byte's low five bits are uniform.
        let raw = Zeroizing::new(random_array::<LEN>()?);
        let mut code = Vec::with_capacity(LEN + 1);
        for (i, b) in raw.iter().enumerate() {
            if i == LEN / 2 {
                code.push(b'-');
            }
            code.push(ALPHABET[usize::from(b & 31)]);
        }
        let code = SecretBytes::new(code);
        hashes.push(key.hash(code.expose())?);
        shown.push(code);
    }
    Ok((shown, hashes))
}

/// The index of the stored hash `typed` matches, if any. Every hash is compared (constant time
/// each), whichever matches.
pub fn find(key: &CodeKey, typed: &[u8], stored: &[(i64, Vec<u8>)]) -> Result<Option<i64>> {
    let mine = key.hash(typed)?;
    let mut found = None;
    for (idx, hash) in stored {
        if bool::from(mine.as_slice().ct_eq(hash.as_slice())) && found.is_none() {
            found = Some(*idx);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_well_formed_and_found_forgivingly() {
        let key = CodeKey::derive(&SecretBytes::from_slice(&[7u8; 32]), "acc").unwrap();
        let (shown, hashes) = generate(&key).unwrap();
        assert_eq!((shown.len(), hashes.len()), (COUNT, COUNT));
        let stored: Vec<(i64, Vec<u8>)> = hashes.into_iter().enumerate().map(|(i, h)| (i as i64, h)).collect();
        for (i, c) in shown.iter().enumerate() {
            let s = c.expose_str().unwrap();
            assert_eq!(s.len(), 11);
            assert_eq!(&s[5..6], "-");
            assert!(s.bytes().filter(|b| *b != b'-').all(|b| ALPHABET.contains(&b)), "{s}");
            assert_eq!(find(&key, c.expose(), &stored).unwrap(), Some(i as i64));
            let sloppy = s.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
            assert_eq!(find(&key, sloppy.as_bytes(), &stored).unwrap(), Some(i as i64), "{sloppy}");
        }
        let mut all: Vec<&[u8]> = shown.iter().map(|c| c.expose()).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), COUNT);
        // Another account's key, a decoy key, garbage: no match.
        let other = CodeKey::derive(&SecretBytes::from_slice(&[7u8; 32]), "other").unwrap();
        assert_eq!(find(&other, shown[0].expose(), &stored).unwrap(), None);
        assert_eq!(find(&CodeKey::decoy().unwrap(), shown[0].expose(), &stored).unwrap(), None);
        assert_eq!(find(&key, b"", &stored).unwrap(), None);
    }
}
