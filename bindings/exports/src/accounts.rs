//! The exported `WalletCore`'s account and key calls: create, import, back up, reveal,
//! export, change the password, the hardware-key factor, addresses and signing. Thin wrappers
//! (the object and its session calls are in [`crate::wallet`]).

use imwallet_core as core;
use zeroize::Zeroizing;

use crate::error::Result;
use crate::gates::{AuthProof, OwnedProof};
use crate::types::*;
use crate::wallet::{secret, WalletCore};

#[uniffi::export(async_runtime = "tokio")]
impl WalletCore {
    // ---- accounts -----------------------------------------------------------------------

    pub async fn create_account(&self, name: String, password: Vec<u8>, words: u32, language: Language) -> Result<CreatedAccount> {
        let pw = secret(password);
        let core::CreatedAccount { account, phrase } =
            self.cancellable(move |c, x| c.create_account_with(&name, &pw, words, language, x)).await?;
        Ok(CreatedAccount { account, phrase: phrase.into_vec() })
    }

    pub async fn import_account(
        &self,
        name: String,
        phrase: Vec<u8>,
        passphrase: Option<Vec<u8>>,
        password: Vec<u8>,
    ) -> Result<AccountInfo> {
        let (phrase, pass, pw) = (secret(phrase), passphrase.map(secret), secret(password));
        self.cancellable(move |c, x| c.import_account_with(&name, &phrase, pass.as_deref().map(|p| p.as_slice()), &pw, x)).await
    }

    pub async fn import_keystore(&self, name: String, json: String, keystore_password: Vec<u8>, password: Vec<u8>) -> Result<AccountInfo> {
        let (kpw, pw) = (secret(keystore_password), secret(password));
        self.cancellable(move |c, x| c.import_keystore_with(&name, &json, &kpw, &pw, x)).await
    }

    pub fn accounts(&self) -> Result<Vec<AccountInfo>> {
        Ok(self.core().accounts()?)
    }

    /// Three word positions to type back. A backed-up wallet, or one after 3 wrong answers,
    /// needs the RevealPhrase gate (`proof`); otherwise pass `AuthProof::None`.
    pub async fn backup_challenge(&self, proof: AuthProof) -> Result<Vec<u32>> {
        let proof = OwnedProof::from(proof);
        self.blocking(move |c| c.backup_challenge(proof.as_core())).await
    }

    pub fn confirm_backup(&self, words: Vec<Vec<u8>>) -> Result<()> {
        let words: Vec<Zeroizing<Vec<u8>>> = words.into_iter().map(secret).collect();
        let refs: Vec<&[u8]> = words.iter().map(|w| w.as_slice()).collect();
        Ok(self.core().confirm_backup(&refs)?)
    }

    /// The recovery phrase as UTF-8 bytes (wipe after showing), behind the RevealPhrase gate.
    pub async fn reveal_phrase(&self, proof: AuthProof) -> Result<Vec<u8>> {
        let proof = OwnedProof::from(proof);
        self.blocking(move |c| c.reveal_phrase(proof.as_core()).map(|p| p.into_vec())).await
    }

    /// Keystore v3 JSON of address `index`, behind the ExportKeystore gate.
    pub async fn export_keystore(&self, proof: AuthProof, index: u32, keystore_password: Vec<u8>) -> Result<String> {
        let (proof, kpw, kdf) = (OwnedProof::from(proof), secret(keystore_password), self.export_kdf);
        self.blocking(move |c| c.export_keystore(proof.as_core(), index, &kpw, kdf)).await
    }

    pub async fn change_password(&self, old_password: Vec<u8>, new_password: Vec<u8>) -> Result<()> {
        let (old, new) = (secret(old_password), secret(new_password));
        self.blocking(move |c| c.change_password(&old, &new)).await
    }

    /// Turns the hardware-key factor on: the password, then the security key (touched to
    /// register and twice for its PRF). Async: the KDF runs and the platform screen shows.
    pub async fn enable_hardware_key(&self, password: Vec<u8>) -> Result<()> {
        let password = secret(password);
        self.blocking(move |c| c.enable_hardware_key(&password)).await
    }

    /// Turns the factor off: needs the password and the security key.
    pub async fn disable_hardware_key(&self, password: Vec<u8>) -> Result<()> {
        let password = secret(password);
        self.blocking(move |c| c.disable_hardware_key(&password)).await
    }

    // ---- keys ---------------------------------------------------------------------------

    pub fn addresses(&self, count: u32) -> Result<Vec<String>> {
        Ok(self.core().addresses(count)?)
    }

    /// EIP-191 `personal_sign`; 65 bytes r‖s‖v.
    /// Async: the signing gate may show the biometric prompt or check a password.
    pub async fn sign_message(&self, index: u32, message: Vec<u8>) -> Result<Vec<u8>> {
        self.blocking(move |c| c.sign_message(index, &message).map(|s| s.to_bytes().to_vec())).await
    }

    /// EIP-712 `eth_signTypedData_v4`; 65 bytes r‖s‖v.
    /// Async: hashing up to 2 MiB of typed data, then the signing gate (may prompt).
    pub async fn sign_typed_data(&self, index: u32, typed_data_json: String) -> Result<Vec<u8>> {
        self.blocking(move |c| c.sign_typed_data(index, &typed_data_json).map(|s| s.to_bytes().to_vec())).await
    }

    /// Signs a raw 32-byte digest (strictest of the signing gates); 65 bytes r‖s‖v.
    /// Async: the strictest signing gate may show the biometric prompt or check a password.
    pub async fn sign_digest(&self, index: u32, digest: Vec<u8>) -> Result<Vec<u8>> {
        self.blocking(move |c| c.sign_digest(index, &digest).map(|s| s.to_bytes().to_vec())).await
    }
}
