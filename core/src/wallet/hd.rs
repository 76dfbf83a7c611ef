//! BIP32 hierarchical deterministic keys on secp256k1 (k256), BIP44 paths.
//!
//! The default Ethereum account path is `m/44'/60'/0'/0/{index}`. Any syntactically valid
//! path is accepted (`'`, `h` or `H` mark hardened levels; at most 255 levels; indexes below
//! 2^31); anything else is refused with a typed error saying which level is wrong.

use std::fmt;
use std::str::FromStr;

use bip32::XPrv;
use k256::ecdsa::SigningKey;

use crate::vault::SecretBytes;
use crate::wallet::Address;
use crate::{Error, Result};

/// The parent of Ethereum account keys; addresses are `DEFAULT_ACCOUNT_PATH/{index}`.
pub const DEFAULT_ACCOUNT_PATH: &str = "m/44'/60'/0'/0";

const HARDENED: u32 = 1 << 31;

/// A validated BIP32 path.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DerivationPath {
    levels: Vec<u32>,
}

impl DerivationPath {
    /// The levels; hardened ones have bit 31 set.
    pub fn levels(&self) -> &[u32] {
        &self.levels
    }

    /// This path with one more non-hardened level (e.g. an address index).
    pub fn child(&self, index: u32) -> Result<DerivationPath> {
        if index >= HARDENED {
            return Err(Error::InvalidDerivationPath { reason: format!("index {index} is not below 2^31") });
        }
        if self.levels.len() >= 255 {
            return Err(Error::InvalidDerivationPath { reason: "deeper than 255 levels".into() });
        }
        let mut levels = self.levels.clone();
        levels.push(index);
        Ok(DerivationPath { levels })
    }

    /// The default account path for address `index`.
    pub fn ethereum(index: u32) -> Result<DerivationPath> {
        DEFAULT_ACCOUNT_PATH.parse::<DerivationPath>()?.child(index)
    }

    fn to_bip32(&self) -> Result<bip32::DerivationPath> {
        let mut p = bip32::DerivationPath::default();
        for &l in &self.levels {
            let c = bip32::ChildNumber::new(l & !HARDENED, l & HARDENED != 0)
                .map_err(|_| Error::InvalidDerivationPath { reason: "index out of range".into() })?;
            p.push(c);
        }
        Ok(p)
    }
}

impl FromStr for DerivationPath {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let bad = |reason: String| Error::InvalidDerivationPath { reason };
        let s = s.trim();
        let mut parts = s.split('/');
        match parts.next() {
            Some("m") | Some("M") => {}
            _ => return Err(bad("a path starts with 'm', e.g. m/44'/60'/0'/0".into())),
        }
        let mut levels = Vec::new();
        for (i, part) in parts.enumerate() {
            let level = i + 1;
            let (digits, hardened) = match part.strip_suffix(['\'', 'h', 'H']) {
                Some(d) => (d, true),
                None => (part, false),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(format!("level {level} ('{}') is not a number", part.chars().take(16).collect::<String>())));
            }
            let index: u32 =
                digits.parse().ok().filter(|v| *v < HARDENED).ok_or_else(|| bad(format!("level {level} is not below 2^31")))?;
            levels.push(if hardened { index | HARDENED } else { index });
            if levels.len() > 255 {
                return Err(bad("deeper than 255 levels".into()));
            }
        }
        Ok(DerivationPath { levels })
    }
}

impl fmt::Display for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("m")?;
        for &l in &self.levels {
            if l & HARDENED != 0 {
                write!(f, "/{}'", l & !HARDENED)?;
            } else {
                write!(f, "/{l}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for DerivationPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DerivationPath({self})")
    }
}

/// A secp256k1 private key (zeroized on drop by k256; `Debug` redacted).
#[derive(Clone)]
pub struct PrivateKey(SigningKey);

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}, <redacted>)", self.address())
    }
}

impl PrivateKey {
    /// From 32 big-endian bytes (must be a valid non-zero scalar below the curve order).
    pub fn from_bytes(bytes: &[u8]) -> Result<PrivateKey> {
        if bytes.len() != 32 {
            return Err(Error::InvalidPrivateKey);
        }
        SigningKey::from_slice(bytes).map(PrivateKey).map_err(|_| Error::InvalidPrivateKey)
    }

    /// Derives the key at `path` from a BIP39 seed.
    pub fn derive(seed: &SecretBytes, path: &DerivationPath) -> Result<PrivateKey> {
        let xprv = derive_xprv(seed, path)?;
        Ok(PrivateKey(xprv.private_key().clone()))
    }

    /// The 32 secret bytes.
    pub fn to_bytes(&self) -> SecretBytes {
        SecretBytes::from_slice(&self.0.to_bytes())
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.0
    }

    pub fn address(&self) -> Address {
        Address::from_verifying_key(self.0.verifying_key())
    }
}

fn derive_xprv(seed: &SecretBytes, path: &DerivationPath) -> Result<XPrv> {
    XPrv::derive_from_path(seed.expose(), &path.to_bip32()?).map_err(|e| match e {
        bip32::Error::SeedLength => Error::Internal { reason: "seed must be 16..=64 bytes".into() },
        _ => Error::InvalidDerivationPath { reason: "derivation produced an invalid key (try the next index)".into() },
    })
}

/// Serialised extended keys (`xprv…`, `xpub…`) at `path`, for interoperability checks.
pub fn extended_keys(seed: &SecretBytes, path: &DerivationPath) -> Result<(SecretBytes, String)> {
    let xprv = derive_xprv(seed, path)?;
    let xprv_s = xprv.to_string(bip32::Prefix::XPRV);
    let xpub_s = xprv.public_key().to_string(bip32::Prefix::XPUB);
    Ok((SecretBytes::from_str_bytes(&xprv_s), xpub_s))
}
