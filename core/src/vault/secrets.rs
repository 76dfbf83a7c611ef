//! What an account's vault holds and how it is serialised before sealing.
//!
//! Either a BIP39 phrase (entropy + language + optional passphrase) or a bare private key
//! (accounts imported from a keystore file). The encoding is a tagged byte string kept only
//! in zeroizing buffers.

use crate::vault::SecretBytes;
use crate::wallet::{DerivationPath, Language, Mnemonic, PrivateKey};
use crate::{Error, Result};

/// The secret material of one account.
#[derive(Debug, Clone)]
pub enum AccountSecret {
    Mnemonic { mnemonic: Mnemonic, passphrase: SecretBytes },
    PrivateKey(PrivateKey),
}

impl AccountSecret {
    /// Serialises for sealing.
    pub fn encode(&self) -> Result<SecretBytes> {
        // Allocated at its final size: a buffer that grew would be freed with the secret in it.
        let mut out = match self {
            AccountSecret::Mnemonic { mnemonic, passphrase } => Vec::with_capacity(3 + mnemonic.entropy().len() + passphrase.len()),
            AccountSecret::PrivateKey(_) => Vec::with_capacity(33),
        };
        match self {
            AccountSecret::Mnemonic { mnemonic, passphrase } => {
                let lang = Language::ALL.iter().position(|l| *l == mnemonic.language()).unwrap_or(0);
                let e = mnemonic.entropy().expose();
                out.push(1);
                out.push(lang as u8);
                out.push(e.len() as u8);
                out.extend_from_slice(e);
                out.extend_from_slice(passphrase.expose());
            }
            AccountSecret::PrivateKey(k) => {
                out.push(2);
                out.extend_from_slice(k.to_bytes().expose());
            }
        }
        Ok(SecretBytes::new(out))
    }

    /// Parses what [`encode`](Self::encode) wrote.
    pub fn decode(b: &SecretBytes) -> Result<AccountSecret> {
        let b = b.expose();
        match b.first() {
            Some(1) if b.len() >= 3 => {
                let lang = *Language::ALL.get(b[1] as usize).ok_or(Error::VaultCorrupted)?;
                let n = b[2] as usize;
                let entropy = b.get(3..3 + n).ok_or(Error::VaultCorrupted)?;
                let mnemonic = Mnemonic::from_entropy(entropy, lang).map_err(|_| Error::VaultCorrupted)?;
                let passphrase = SecretBytes::from_slice(b.get(3 + n..).unwrap_or_default());
                Ok(AccountSecret::Mnemonic { mnemonic, passphrase })
            }
            Some(2) if b.len() == 33 => Ok(AccountSecret::PrivateKey(PrivateKey::from_bytes(&b[1..]).map_err(|_| Error::VaultCorrupted)?)),
            _ => Err(Error::VaultCorrupted),
        }
    }

    /// The signing key for address `index` (keystore accounts only have index 0).
    pub fn key(&self, index: u32) -> Result<PrivateKey> {
        match self {
            AccountSecret::Mnemonic { mnemonic, passphrase } => {
                let pass = std::str::from_utf8(passphrase.expose()).map_err(|_| Error::VaultCorrupted)?;
                let seed = mnemonic.to_seed(pass)?;
                PrivateKey::derive(&seed, &DerivationPath::ethereum(index)?)
            }
            AccountSecret::PrivateKey(k) if index == 0 => Ok(k.clone()),
            AccountSecret::PrivateKey(_) => {
                Err(Error::InvalidArgument { reason: "an account imported from a keystore file has only address index 0".into() })
            }
        }
    }

    pub fn mnemonic(&self) -> Option<&Mnemonic> {
        match self {
            AccountSecret::Mnemonic { mnemonic, .. } => Some(mnemonic),
            AccountSecret::PrivateKey(_) => None,
        }
    }
}
