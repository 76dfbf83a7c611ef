//! EIP-712 typed-data hashing (the JSON dapps send to `eth_signTypedData_v4`).
//!
//! Supports nested structs, arrays (dynamic and fixed, nested), `bytes`, `string`, `bool`,
//! `address`, `bytes1..32` and `int/uint8..256` (numbers as JSON integers, decimal strings or
//! `0x` hex strings). When `types` lacks `EIP712Domain`, it is inferred from the domain's keys
//! in canonical order (name, version, chainId, verifyingContract, salt). Missing fields,
//! unknown types, out-of-range numbers and malformed values are typed errors.
//!
//! The payload comes from a web page, so hashing is bounded: linear in the payload (each
//! `typeHash` once per call, see `encode.rs`), no recursion on the native stack, and the caps in
//! [`Limits`], each refused with [`Error::InvalidTypedData`]. Hash first, then touch the key:
//! [`digest`] needs no key material, [`sign_typed_digest`] signs what it returned.

mod atomic;
mod encode;
mod types;

use serde_json::Value;
use sha3::{Digest, Keccak256};

use crate::wallet::{sign, PrivateKey, Signature};
use crate::{Error, Result};

use encode::Encoder;
use types::Types;

/// Documented caps on typed data; anything above is refused with [`Error::InvalidTypedData`].
pub struct Limits;

impl Limits {
    /// Size of the JSON text: 2 MiB (payloads of 1 MB and more are accepted).
    pub const MAX_PAYLOAD_BYTES: usize = 2 * 1024 * 1024;
    /// Struct types, `EIP712Domain` included: 10,000 (real dapps use a handful).
    pub const MAX_TYPES: usize = 10_000;
    /// Nesting of structs and arrays below the message (or domain): 64 levels.
    pub const MAX_DEPTH: usize = 64;
    /// Items in one array: 65,536.
    pub const MAX_ARRAY_LEN: usize = 65_536;
    /// Values encoded in one call (structs, arrays and atoms): 2^20. A payload within
    /// [`Self::MAX_PAYLOAD_BYTES`] cannot reach it; it bounds [`TypedData::hash_struct`] on
    /// values built in memory.
    pub const MAX_VALUES: usize = 1 << 20;
    /// Bytes of `encodeType` strings hashed in one call: 2 MiB. Each struct type's string
    /// repeats the signatures of every type it references, so a < 1 MB payload of types that
    /// all reference one big type could otherwise make hundreds of MB to hash. The primary
    /// type's own string alone is always shorter than the payload, so it always fits.
    pub const MAX_TYPE_STRING_BYTES: usize = 2 * 1024 * 1024;
}

fn bad(reason: impl Into<String>) -> Error {
    Error::InvalidTypedData { reason: reason.into() }
}

/// A type name or type for an error message, cut to 64 characters.
fn clip(s: &str) -> String {
    clip_to(s, 64)
}

/// Untrusted text for an error message, cut to `max` characters.
pub(crate) fn clip_to(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Parsed `eth_signTypedData_v4` payload.
#[derive(Debug, Clone)]
pub struct TypedData {
    types: Types,
    primary_type: String,
    domain: Value,
    message: Value,
}

impl TypedData {
    /// Parses the JSON text a dapp sends.
    pub fn from_json(json: &str) -> Result<TypedData> {
        if json.len() > Limits::MAX_PAYLOAD_BYTES {
            return Err(bad(format!("the payload is {} bytes; at most {} are accepted", json.len(), Limits::MAX_PAYLOAD_BYTES)));
        }
        let mut v: Value = serde_json::from_str(json).map_err(|e| bad(format!("not JSON: {e}")))?;
        let obj = v.as_object_mut().ok_or_else(|| bad("expected a JSON object"))?;
        let types_v = obj.get("types").and_then(Value::as_object).ok_or_else(|| bad("missing 'types'"))?;
        let mut raw = Vec::with_capacity(types_v.len() + 1);
        for (name, fields) in types_v {
            let arr = fields.as_array().ok_or_else(|| bad(format!("type {} is not an array", clip(name))))?;
            let mut out = Vec::with_capacity(arr.len());
            for f in arr {
                let fname = f.get("name").and_then(Value::as_str).ok_or_else(|| bad(format!("a field of {} has no name", clip(name))))?;
                let ftype = f
                    .get("type")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad(format!("field {}.{} has no type", clip(name), clip(fname))))?;
                out.push((fname.to_string(), ftype.to_string()));
            }
            raw.push((name.clone(), out));
        }
        let has_domain_type = types_v.contains_key("EIP712Domain");
        let primary_type = obj.get("primaryType").and_then(Value::as_str).ok_or_else(|| bad("missing 'primaryType'"))?.to_string();
        let domain = obj.remove("domain").unwrap_or(Value::Object(Default::default()));
        if !domain.is_object() {
            return Err(bad("'domain' must be an object"));
        }
        if !has_domain_type {
            let mut fields = Vec::new();
            for (k, t) in
                [("name", "string"), ("version", "string"), ("chainId", "uint256"), ("verifyingContract", "address"), ("salt", "bytes32")]
            {
                if domain.get(k).is_some() {
                    fields.push((k.to_string(), t.to_string()));
                }
            }
            raw.push(("EIP712Domain".into(), fields));
        }
        if raw.len() > Limits::MAX_TYPES {
            return Err(bad(format!("the payload defines {} types; at most {} are accepted", raw.len(), Limits::MAX_TYPES)));
        }
        let types = Types::new(raw);
        let message = obj.remove("message").unwrap_or(Value::Null);
        if primary_type != "EIP712Domain" && types.get(&primary_type).is_none() {
            return Err(bad(format!("primaryType {} is not defined in types", clip(&primary_type))));
        }
        Ok(TypedData { types, primary_type, domain, message })
    }

    /// `encodeType` of a struct: itself then its dependencies sorted by name.
    pub fn encode_type(&self, name: &str) -> Result<String> {
        Ok(Encoder::new(&self.types).encode_type_parts(name)?.concat())
    }

    /// `hashStruct(name, value)`.
    pub fn hash_struct(&self, name: &str, value: &Value) -> Result<[u8; 32]> {
        Encoder::new(&self.types).hash_struct(name, value)
    }

    /// The domain separator, `hashStruct(EIP712Domain, domain)`.
    pub fn domain_separator(&self) -> Result<[u8; 32]> {
        self.hash_struct("EIP712Domain", &self.domain)
    }

    /// The digest to sign: `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))`.
    pub fn signing_hash(&self) -> Result<[u8; 32]> {
        let mut enc = Encoder::new(&self.types);
        let mut hasher = Keccak256::new();
        hasher.update([0x19, 0x01]);
        hasher.update(enc.hash_struct("EIP712Domain", &self.domain)?);
        if self.primary_type != "EIP712Domain" {
            hasher.update(enc.hash_struct(&self.primary_type, &self.message)?);
        }
        Ok(hasher.finalize().into())
    }
}

/// The digest `eth_signTypedData_v4` signs for `json`, validated and within [`Limits`].
///
/// Needs no key material: call it **before** unlocking or deriving a key (and before any
/// prompt), then sign the result with [`sign_typed_digest`].
pub fn digest(json: &str) -> Result<[u8; 32]> {
    TypedData::from_json(json)?.signing_hash()
}

/// Signs a typed-data digest computed by [`digest`].
pub fn sign_typed_digest(key: &PrivateKey, digest: &[u8; 32]) -> Result<Signature> {
    sign::sign_digest(key, digest)
}

/// Hashes and signs typed-data JSON ([`digest`] then [`sign_typed_digest`]). Where getting the
/// key costs anything (a prompt, a KDF), call the two separately and hash first.
pub fn sign_typed_data(key: &PrivateKey, json: &str) -> Result<Signature> {
    let d = digest(json)?;
    sign_typed_digest(key, &d)
}
