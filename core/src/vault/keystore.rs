//! Keystore v3 (Web3 Secret Storage) import and export.
//!
//! Reads the files geth, MetaMask, MyEtherWallet and eth-account write: scrypt or
//! pbkdf2-hmac-sha256, aes-128-ctr, keccak-256 MAC (compared in constant time). Hostile
//! parameters are refused *before* any work is done (see [`Limits`]), so a crafted file can
//! neither exhaust memory nor hang the app.

use aes::cipher::{KeyIvInit, StreamCipher};
use serde_json::{json, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::vault::{random_array, SecretBytes};
use crate::wallet::{keccak256, PrivateKey};
use crate::{Error, Result};

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

/// Documented bounds on keystore parameters; anything above is refused with
/// [`Error::KeystoreParamsRefused`].
pub struct Limits;

impl Limits {
    /// scrypt memory `128·r·n` bytes (the `V` table): 256 MiB (geth's "standard" n=2^18, r=8
    /// needs exactly this).
    pub const SCRYPT_MAX_MEMORY: u64 = 256 * 1024 * 1024;
    /// scrypt total memory `128·r·(n + p)` bytes: the `V` table plus the `128·r·p`-byte `B`
    /// buffer PBKDF2 fills before the mixing. 264 MiB: geth's standard (256 MiB + 1 KiB) fits,
    /// `n=2, r=8, p=2^20` (a 1 GiB `B`) does not.
    pub const SCRYPT_MAX_TOTAL_MEMORY: u64 = 264 * 1024 * 1024;
    /// scrypt parallelism `p`: 256 (real files use 1 to 8).
    pub const SCRYPT_MAX_P: u64 = 256;
    /// scrypt work `n·r·p` (in 128-byte block mixes): 2^21, geth's standard (n=2^18, r=8,
    /// p=1) and n=2^18, r=1, p=8 exactly — about a second on a phone, never eight.
    pub const SCRYPT_MAX_WORK: u64 = 1 << 21;
    /// pbkdf2 iterations: 2^20 (4× the common 262,144).
    pub const PBKDF2_MAX_ROUNDS: u64 = 1 << 20;
    /// The keystore JSON text: 64 KiB (real files are about 500 bytes).
    pub const MAX_JSON_BYTES: usize = 64 * 1024;
    /// salt length in bytes.
    pub const MAX_SALT: usize = 1024;
}

/// KDF parameters for export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKdf {
    /// scrypt with `n = 2^log_n`.
    Scrypt {
        log_n: u8,
        r: u32,
        p: u32,
    },
    Pbkdf2 {
        rounds: u32,
    },
}

impl ExportKdf {
    /// geth's standard: scrypt n=262144, r=8, p=1.
    pub const STANDARD: ExportKdf = ExportKdf::Scrypt { log_n: 18, r: 8, p: 1 };
    /// geth's light: scrypt n=4096, r=8, p=6 (for tests and constrained devices).
    pub const LIGHT: ExportKdf = ExportKdf::Scrypt { log_n: 12, r: 8, p: 6 };
}

/// The KDF a keystore file names, with its parameters (inside [`Limits`] once [`check`]ed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kdf {
    Scrypt { n: u64, r: u32, p: u32 },
    Pbkdf2 { c: u32 },
}

/// What [`check`] read from a keystore file: the KDF and the salt length (nothing secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    pub kdf: Kdf,
    pub salt_len: usize,
}

/// A parsed file whose parameters passed the checks.
struct Parsed {
    kdf: Kdf,
    salt: Vec<u8>,
    iv: Vec<u8>,
    ciphertext: Vec<u8>,
    mac: Vec<u8>,
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::KeystoreMalformed { reason: reason.into() }
}
fn refused(reason: impl Into<String>) -> Error {
    Error::KeystoreParamsRefused { reason: reason.into() }
}

fn hex_field(obj: &Value, key: &str) -> Result<Vec<u8>> {
    let s = obj.get(key).and_then(Value::as_str).ok_or_else(|| malformed(format!("missing '{key}'")))?;
    hex::decode(s.trim_start_matches("0x")).map_err(|_| malformed(format!("'{key}' is not hexadecimal")))
}

fn uint_field(obj: &Value, key: &str) -> Result<u64> {
    obj.get(key).and_then(Value::as_u64).ok_or_else(|| malformed(format!("'{key}' must be a positive integer")))
}

/// Refuses scrypt parameters outside [`Limits`] (ADR 0004) before any work is done.
fn check_scrypt(n: u64, r: u64, p: u64) -> Result<Kdf> {
    const MIB: u64 = 1024 * 1024;
    if n < 2 || !n.is_power_of_two() {
        return Err(refused(format!("scrypt n must be a power of two ≥ 2, got {n}")));
    }
    if r == 0 || p == 0 {
        return Err(refused("scrypt r and p must be at least 1"));
    }
    if p > Limits::SCRYPT_MAX_P {
        return Err(refused(format!("scrypt p = {p} is above the limit {}", Limits::SCRYPT_MAX_P)));
    }
    let table = 128u64.saturating_mul(r).saturating_mul(n);
    if table > Limits::SCRYPT_MAX_MEMORY {
        return Err(refused(format!("scrypt needs {} MiB, more than the {} MiB limit", table / MIB, Limits::SCRYPT_MAX_MEMORY / MIB)));
    }
    let total = 128u64.saturating_mul(r).saturating_mul(n.saturating_add(p));
    if total > Limits::SCRYPT_MAX_TOTAL_MEMORY {
        return Err(refused(format!(
            "scrypt needs {} MiB in all (128·r·(n+p)), more than the {} MiB limit",
            total / MIB,
            Limits::SCRYPT_MAX_TOTAL_MEMORY / MIB
        )));
    }
    let work = n.saturating_mul(r).saturating_mul(p);
    if work > Limits::SCRYPT_MAX_WORK {
        return Err(refused(format!("scrypt work n·r·p = {work} is above the limit 2^21")));
    }
    let r = u32::try_from(r).map_err(|_| refused("scrypt r is too large"))?;
    let p = u32::try_from(p).map_err(|_| refused("scrypt p is too large"))?;
    Ok(Kdf::Scrypt { n, r, p })
}

fn check_pbkdf2(c: u64) -> Result<Kdf> {
    if c == 0 || c > Limits::PBKDF2_MAX_ROUNDS {
        return Err(refused(format!("pbkdf2 iterations must be 1..={}, got {c}", Limits::PBKDF2_MAX_ROUNDS)));
    }
    let c = u32::try_from(c).map_err(|_| refused("pbkdf2 iterations too large"))?;
    Ok(Kdf::Pbkdf2 { c })
}

/// Parses a keystore file and checks every parameter against [`Limits`] without running the
/// KDF (the cheap part of [`import`], for validation and fuzzing).
pub fn check(json_text: &str) -> Result<Params> {
    let (_, f) = parse(json_text)?;
    Ok(Params { kdf: f.kdf, salt_len: f.salt.len() })
}

fn parse(json_text: &str) -> Result<(Value, Parsed)> {
    if json_text.len() > Limits::MAX_JSON_BYTES {
        return Err(malformed("the file is larger than a keystore file can be (64 KiB)"));
    }
    let v: Value = serde_json::from_str(json_text).map_err(|_| malformed("not valid JSON"))?;
    match v.get("version").and_then(Value::as_u64) {
        Some(3) => {}
        Some(other) => return Err(Error::KeystoreUnsupported { reason: format!("version {other} (only 3 is supported)") }),
        None => return Err(malformed("missing 'version'")),
    }
    let crypto = v.get("crypto").or_else(|| v.get("Crypto")).ok_or_else(|| malformed("missing 'crypto'"))?;
    let cipher = crypto.get("cipher").and_then(Value::as_str).ok_or_else(|| malformed("missing 'cipher'"))?;
    if cipher != "aes-128-ctr" {
        return Err(Error::KeystoreUnsupported {
            reason: format!("cipher '{}' (only aes-128-ctr)", cipher.chars().take(32).collect::<String>()),
        });
    }
    let iv = hex_field(crypto.get("cipherparams").unwrap_or(&Value::Null), "iv")?;
    if iv.len() != 16 {
        return Err(malformed("iv must be 16 bytes"));
    }
    let ciphertext = hex_field(crypto, "ciphertext")?;
    if ciphertext.len() != 32 {
        return Err(malformed("ciphertext must be 32 bytes (a secp256k1 private key)"));
    }
    let mac = hex_field(crypto, "mac")?;
    if mac.len() != 32 {
        return Err(malformed("mac must be 32 bytes"));
    }
    let kdf_name = crypto.get("kdf").and_then(Value::as_str).ok_or_else(|| malformed("missing 'kdf'"))?;
    let params = crypto.get("kdfparams").ok_or_else(|| malformed("missing 'kdfparams'"))?;
    let dklen = uint_field(params, "dklen")?;
    if dklen != 32 {
        return Err(refused(format!("dklen must be 32, got {dklen}")));
    }
    let salt = hex_field(params, "salt")?;
    if salt.is_empty() || salt.len() > Limits::MAX_SALT {
        return Err(refused(format!("salt must be 1..={} bytes", Limits::MAX_SALT)));
    }
    let kdf = match kdf_name {
        "scrypt" => {
            let n = uint_field(params, "n")?;
            let r = uint_field(params, "r")?;
            let p = uint_field(params, "p")?;
            check_scrypt(n, r, p)?
        }
        "pbkdf2" => {
            let prf = params.get("prf").and_then(Value::as_str).unwrap_or("hmac-sha256");
            if prf != "hmac-sha256" {
                return Err(Error::KeystoreUnsupported { reason: "pbkdf2 prf (only hmac-sha256)".into() });
            }
            check_pbkdf2(uint_field(params, "c")?)?
        }
        other => return Err(Error::KeystoreUnsupported { reason: format!("kdf '{}'", other.chars().take(32).collect::<String>()) }),
    };
    Ok((v, Parsed { kdf, salt, iv, ciphertext, mac }))
}

/// Reads a keystore file and returns the private key inside.
pub fn import(json_text: &str, password: &[u8]) -> Result<PrivateKey> {
    let (v, Parsed { kdf, salt, iv, ciphertext, mac }) = parse(json_text)?;
    let dk = derive(&kdf, password, &salt)?;
    let mut mac_input = Vec::with_capacity(48);
    mac_input.extend_from_slice(&dk[16..32]);
    mac_input.extend_from_slice(&ciphertext);
    if !bool::from(keccak256(&mac_input).ct_eq(&mac[..])) {
        return Err(Error::KeystoreWrongPassword);
    }
    let mut plain = Zeroizing::new(ciphertext);
    apply_ctr(&dk[..16], &iv, &mut plain)?;
    let key = PrivateKey::from_bytes(&plain)?;
    if let Some(addr) = v.get("address").and_then(Value::as_str) {
        let want = addr.trim_start_matches("0x").to_ascii_lowercase();
        if want != hex::encode(key.address().0) {
            return Err(malformed("the 'address' field does not match the key inside"));
        }
    }
    Ok(key)
}

fn derive(kdf: &Kdf, password: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    let mut dk = Zeroizing::new([0u8; 32]);
    match *kdf {
        Kdf::Scrypt { n, r, p } => {
            let log_n = n.trailing_zeros() as u8;
            let params = scrypt::Params::new(log_n, r, p).map_err(|_| refused("scrypt parameters are invalid"))?;
            scrypt::scrypt(password, salt, &params, &mut dk[..]).map_err(|_| refused("scrypt output length"))?;
        }
        Kdf::Pbkdf2 { c } => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, c, &mut dk[..]),
    }
    Ok(dk)
}

fn apply_ctr(key: &[u8], iv: &[u8], buf: &mut [u8]) -> Result<()> {
    let mut c = Aes128Ctr::new_from_slices(key, iv).map_err(|_| Error::Internal { reason: "aes key/iv length".into() })?;
    c.apply_keystream(buf);
    Ok(())
}

/// Writes `key` as a keystore v3 JSON document.
pub fn export(key: &PrivateKey, password: &[u8], kdf: ExportKdf) -> Result<String> {
    let salt: [u8; 32] = random_array()?;
    let iv: [u8; 16] = random_array()?;
    let (kdf_internal, kdfparams) = match kdf {
        ExportKdf::Scrypt { log_n, r, p } => {
            // Never write a file this module would refuse to read.
            let n = 1u64.checked_shl(u32::from(log_n)).ok_or_else(|| refused("log_n too large"))?;
            (check_scrypt(n, u64::from(r), u64::from(p))?, json!({"dklen": 32, "n": n, "r": r, "p": p, "salt": hex::encode(salt)}))
        }
        ExportKdf::Pbkdf2 { rounds } => {
            (check_pbkdf2(u64::from(rounds))?, json!({"dklen": 32, "c": rounds, "prf": "hmac-sha256", "salt": hex::encode(salt)}))
        }
    };
    let dk = derive(&kdf_internal, password, &salt)?;
    let secret: SecretBytes = key.to_bytes();
    let mut ct = secret.expose().to_vec();
    apply_ctr(&dk[..16], &iv, &mut ct)?;
    let mut mac_input = dk[16..32].to_vec();
    mac_input.extend_from_slice(&ct);
    let mac = keccak256(&mac_input);
    let id: [u8; 16] = random_array()?;
    let doc = json!({
        "address": hex::encode(key.address().0),
        "crypto": {
            "cipher": "aes-128-ctr",
            "cipherparams": {"iv": hex::encode(iv)},
            "ciphertext": hex::encode(&ct),
            "kdf": match kdf { ExportKdf::Scrypt { .. } => "scrypt", ExportKdf::Pbkdf2 { .. } => "pbkdf2" },
            "kdfparams": kdfparams,
            "mac": hex::encode(mac),
        },
        "id": uuid_v4(id),
        "version": 3,
    });
    serde_json::to_string_pretty(&doc).map_err(|e| Error::Internal { reason: e.to_string() })
}

fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kdf: &str, params: &str) -> String {
        format!(
            r#"{{"version":3,"crypto":{{"cipher":"aes-128-ctr","cipherparams":{{"iv":"{iv}"}},"ciphertext":"{ct}","mac":"{ct}","kdf":"{kdf}","kdfparams":{params}}}}}"#,
            iv = "00".repeat(16),
            ct = "11".repeat(32),
        )
    }

    #[test]
    fn check_reads_parameters_without_running_the_kdf() {
        // geth's standard (256 MiB scrypt) and the most pbkdf2 rounds allowed: checked, never derived.
        let s = doc("scrypt", r#"{"dklen":32,"n":262144,"r":8,"p":1,"salt":"abcd"}"#);
        assert_eq!(check(&s).unwrap(), Params { kdf: Kdf::Scrypt { n: 262_144, r: 8, p: 1 }, salt_len: 2 });
        let p = doc("pbkdf2", r#"{"dklen":32,"c":1048576,"prf":"hmac-sha256","salt":"00"}"#);
        assert_eq!(check(&p).unwrap(), Params { kdf: Kdf::Pbkdf2 { c: 1_048_576 }, salt_len: 1 });
    }

    #[test]
    fn check_refuses_what_import_refuses() {
        for (kdf, params) in [
            ("scrypt", r#"{"dklen":32,"n":524288,"r":8,"p":1,"salt":"ab"}"#),
            ("scrypt", r#"{"dklen":32,"n":2,"r":8,"p":1048576,"salt":"ab"}"#),
            ("scrypt", r#"{"dklen":32,"n":3,"r":8,"p":1,"salt":"ab"}"#),
            ("pbkdf2", r#"{"dklen":32,"c":10000001,"salt":"ab"}"#),
            ("pbkdf2", r#"{"dklen":64,"c":1,"salt":"ab"}"#),
            ("pbkdf2", r#"{"dklen":32,"c":1,"salt":""}"#),
        ] {
            let j = doc(kdf, params);
            assert!(matches!(check(&j), Err(Error::KeystoreParamsRefused { .. })), "{params}");
            assert_eq!(check(&j).unwrap_err(), import(&j, b"x").unwrap_err());
        }
        assert!(matches!(check("[]"), Err(Error::KeystoreMalformed { .. })));
        assert!(matches!(check(&doc("argon2", "{}")), Err(Error::KeystoreMalformed { .. })), "dklen is read first");
    }
}
