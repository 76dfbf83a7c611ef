//! ECDSA signing and recovery for Ethereum.
//!
//! RFC 6979 deterministic nonces, low-s normalised signatures, serialised as 65 bytes
//! `r ‖ s ‖ v` with `v` = 27/28. Covers raw 32-byte digests, EIP-191 `personal_sign` and
//! (with [`crate::wallet::eip712`]) typed data; `recover`/`verify` go the other way.

use std::fmt;

use k256::ecdsa::{RecoveryId, Signature as K256Sig, VerifyingKey};

use crate::wallet::{keccak256, Address, PrivateKey};
use crate::{Error, Result};

/// A 65-byte recoverable signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    pub r: [u8; 32],
    pub s: [u8; 32],
    /// 27 or 28.
    pub v: u8,
}

impl Signature {
    pub fn to_bytes(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[..32].copy_from_slice(&self.r);
        out[32..64].copy_from_slice(&self.s);
        out[64] = self.v;
        out
    }

    /// Parses 65 bytes; `v` may be 0/1 or 27/28.
    pub fn from_bytes(bytes: &[u8]) -> Result<Signature> {
        if bytes.len() != 65 {
            return Err(Error::InvalidSignature { reason: format!("expected 65 bytes, got {}", bytes.len()) });
        }
        let v = match bytes[64] {
            0 | 27 => 27,
            1 | 28 => 28,
            other => return Err(Error::InvalidSignature { reason: format!("v must be 27 or 28, got {other}") }),
        };
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r.copy_from_slice(&bytes[..32]);
        s.copy_from_slice(&bytes[32..64]);
        Ok(Signature { r, s, v })
    }

    /// `0x`-prefixed hex of the 65 bytes.
    pub fn to_hex(&self) -> String {
        format!("0x{}", hex::encode(self.to_bytes()))
    }

    /// Parses `0x…` hex (130 digits).
    pub fn from_hex(s: &str) -> Result<Signature> {
        let body = s.trim().trim_start_matches("0x");
        let bytes = hex::decode(body).map_err(|_| Error::InvalidSignature { reason: "not hexadecimal".into() })?;
        Signature::from_bytes(&bytes)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.to_hex())
    }
}

/// Signs a 32-byte digest.
pub fn sign_digest(key: &PrivateKey, digest: &[u8; 32]) -> Result<Signature> {
    // secp256k1 has NORMALIZE_S in k256: s is low and the recovery id matches (tested).
    let (sig, recid) = key.signing_key().sign_prehash_recoverable(digest);
    let (r, s) = sig.split_bytes();
    let mut out = Signature { r: [0; 32], s: [0; 32], v: 27 + recid.to_byte() };
    out.r.copy_from_slice(&r);
    out.s.copy_from_slice(&s);
    Ok(out)
}

/// The EIP-191 (version 0x45) digest that `personal_sign` signs.
pub fn personal_message_digest(message: &[u8]) -> [u8; 32] {
    let mut data = format!("\x19Ethereum Signed Message:\n{}", message.len()).into_bytes();
    data.extend_from_slice(message);
    keccak256(&data)
}

/// EIP-191 `personal_sign`.
pub fn personal_sign(key: &PrivateKey, message: &[u8]) -> Result<Signature> {
    sign_digest(key, &personal_message_digest(message))
}

/// The address whose key produced `sig` over `digest`.
pub fn recover(digest: &[u8; 32], sig: &Signature) -> Result<Address> {
    let k = K256Sig::from_scalars(sig.r, sig.s).map_err(|_| Error::InvalidSignature { reason: "r or s is out of range".into() })?;
    if k.normalize_s() != k {
        return Err(Error::InvalidSignature { reason: "high-s signatures are not accepted (EIP-2)".into() });
    }
    let recid = RecoveryId::from_byte(sig.v - 27).ok_or_else(|| Error::InvalidSignature { reason: "bad recovery id".into() })?;
    let vk = VerifyingKey::recover_from_prehash(digest, &k, recid)
        .map_err(|_| Error::InvalidSignature { reason: "no public key recovers from this signature".into() })?;
    Ok(Address::from_verifying_key(&vk))
}

/// True when `sig` over `digest` was made by `address`'s key.
pub fn verify(digest: &[u8; 32], sig: &Signature, address: &Address) -> bool {
    matches!(recover(digest, sig), Ok(a) if a == *address)
}
