//! Key commands: `mnemonic new|check`, `address`, `keystore address`.
//!
//! Pure functions of their inputs (no data directory): they exist so a user can check a phrase,
//! see which addresses it controls, or verify a keystore file without creating an account.

use imwallet_core::vault::keystore;
use imwallet_core::wallet::{DerivationPath, Language, Mnemonic, PrivateKey, DEFAULT_ACCOUNT_PATH};
use serde_json::json;

use crate::input::Input;
use crate::outln;
use crate::output::{CliError, Out};

pub fn mnemonic_new(out: &Out, words: u32, lang: &str) -> Result<(), CliError> {
    let language = Language::from_code(lang)?;
    let m = Mnemonic::generate(words, language)?;
    let phrase = m.phrase()?;
    let text = phrase.expose_str()?;
    if out.json {
        out.print_json(&json!({"language": language.code(), "words": m.word_count(), "phrase": text}))?;
    } else {
        outln!("{text}")?;
    }
    Ok(())
}

pub fn mnemonic_check(out: &Out, input: &mut Input) -> Result<(), CliError> {
    let phrase = input.secret("recovery phrase")?;
    let m = Mnemonic::parse(&phrase)?;
    if out.json {
        out.print_json(&json!({"valid": true, "language": m.language().code(), "words": m.word_count()}))?;
    } else {
        outln!("valid: {} words, language {}", m.word_count(), m.language().code())?;
    }
    Ok(())
}

pub fn address(out: &Out, input: &mut Input, passphrase: bool, path: Option<&str>, count: u32) -> Result<(), CliError> {
    let base: DerivationPath = path.unwrap_or(DEFAULT_ACCOUNT_PATH).parse()?;
    if count == 0 || count > 10_000 {
        return Err(CliError::usage("--count must be 1..=10000"));
    }
    let phrase = input.secret("recovery phrase")?;
    let m = Mnemonic::parse(&phrase)?;
    let pass = if passphrase { input.secret("BIP39 passphrase")? } else { Default::default() };
    let seed = m.to_seed(&pass)?;
    let mut rows = Vec::new();
    for i in 0..count {
        let p = base.child(i)?;
        let addr = PrivateKey::derive(&seed, &p)?.address().to_checksum();
        if out.json {
            rows.push(json!({"path": p.to_string(), "address": addr}));
        } else {
            outln!("{addr}")?;
        }
    }
    if out.json {
        out.print_json(&json!(rows))?;
    }
    Ok(())
}

pub fn keystore_address(out: &Out, input: &mut Input, file: &std::path::Path) -> Result<(), CliError> {
    let text = std::fs::read_to_string(file).map_err(|e| CliError::io(format!("cannot read {}: {e}", file.display())))?;
    let password = input.secret("keystore password")?;
    let key = keystore::import(&text, password.as_bytes())?;
    let addr = key.address().to_checksum();
    if out.json {
        out.print_json(&json!({"address": addr}))?;
    } else {
        outln!("{addr}")?;
    }
    Ok(())
}
