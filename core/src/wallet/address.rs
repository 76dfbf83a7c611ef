//! Ethereum addresses with the EIP-55 mixed-case checksum.
//!
//! Parsing accepts `0x`-prefixed 40-hex-digit strings; all-lowercase or all-uppercase input
//! carries no checksum and is accepted as is, mixed case must match its EIP-55 checksum.

use std::fmt;
use std::str::FromStr;

use k256::ecdsa::VerifyingKey;

use crate::wallet::keccak256;
use crate::{Error, Result};

/// A 20-byte Ethereum address.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address(pub [u8; 20]);

impl Address {
    /// keccak256(uncompressed public key without the 0x04 prefix)[12..].
    pub fn from_verifying_key(key: &VerifyingKey) -> Address {
        let point = key.to_sec1_point(false);
        let bytes = point.as_bytes();
        let hash = keccak256(bytes.get(1..).unwrap_or_default());
        let mut a = [0u8; 20];
        a.copy_from_slice(&hash[12..]);
        Address(a)
    }

    /// The EIP-55 checksummed form, `0x` + 40 hex digits.
    pub fn to_checksum(&self) -> String {
        let lower = hex::encode(self.0);
        let hash = keccak256(lower.as_bytes());
        let mut out = String::with_capacity(42);
        out.push_str("0x");
        for (i, c) in lower.chars().enumerate() {
            let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
            out.push(if c.is_ascii_alphabetic() && nibble >= 8 { c.to_ascii_uppercase() } else { c });
        }
        out
    }
}

impl FromStr for Address {
    type Err = Error;

    fn from_str(s: &str) -> Result<Address> {
        let bad = |reason: &str| Error::InvalidAddress { reason: reason.into() };
        let s = s.trim();
        let body = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).ok_or_else(|| bad("an address starts with 0x"))?;
        if body.len() != 40 {
            return Err(bad("an address has 40 hexadecimal digits after 0x"));
        }
        if !body.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("an address contains only 0-9 and a-f"));
        }
        let mut a = [0u8; 20];
        hex::decode_to_slice(body, &mut a).map_err(|_| bad("not hexadecimal"))?;
        let addr = Address(a);
        let has_lower = body.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = body.bytes().any(|b| b.is_ascii_uppercase());
        if has_lower && has_upper && addr.to_checksum()[2..] != *body {
            return Err(Error::AddressChecksumMismatch);
        }
        Ok(addr)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_checksum())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.to_checksum())
    }
}
