//! EIP-712 typed-data hashing (the JSON dapps send to `eth_signTypedData_v4`).
//!
//! Supports nested structs, arrays (dynamic and fixed, nested), `bytes`, `string`, `bool`,
//! `address`, `bytes1..32` and `int/uint8..256` (numbers as JSON integers, decimal strings or
//! `0x` hex strings). When `types` lacks `EIP712Domain`, it is inferred from the domain's keys
//! in canonical order (name, version, chainId, verifyingContract, salt). Missing fields,
//! unknown types, out-of-range numbers and malformed values are typed errors.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::wallet::{keccak256, sign, Address, PrivateKey, Signature};
use crate::{Error, Result};

fn bad(reason: impl Into<String>) -> Error {
    Error::InvalidTypedData { reason: reason.into() }
}

type Types = HashMap<String, Vec<(String, String)>>;

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
        let v: Value = serde_json::from_str(json).map_err(|e| bad(format!("not JSON: {e}")))?;
        let obj = v.as_object().ok_or_else(|| bad("expected a JSON object"))?;
        let types_v = obj.get("types").and_then(Value::as_object).ok_or_else(|| bad("missing 'types'"))?;
        let mut types: Types = HashMap::new();
        for (name, fields) in types_v {
            let arr = fields.as_array().ok_or_else(|| bad(format!("type {name} is not an array")))?;
            let mut out = Vec::new();
            for f in arr {
                let fname = f.get("name").and_then(Value::as_str).ok_or_else(|| bad(format!("a field of {name} has no name")))?;
                let ftype = f.get("type").and_then(Value::as_str).ok_or_else(|| bad(format!("field {name}.{fname} has no type")))?;
                out.push((fname.to_string(), ftype.to_string()));
            }
            types.insert(name.clone(), out);
        }
        let primary_type = obj.get("primaryType").and_then(Value::as_str).ok_or_else(|| bad("missing 'primaryType'"))?.to_string();
        let domain = obj.get("domain").cloned().unwrap_or(Value::Object(Default::default()));
        if !domain.is_object() {
            return Err(bad("'domain' must be an object"));
        }
        if !types.contains_key("EIP712Domain") {
            let mut fields = Vec::new();
            for (k, t) in
                [("name", "string"), ("version", "string"), ("chainId", "uint256"), ("verifyingContract", "address"), ("salt", "bytes32")]
            {
                if domain.get(k).is_some() {
                    fields.push((k.to_string(), t.to_string()));
                }
            }
            types.insert("EIP712Domain".into(), fields);
        }
        let message = obj.get("message").cloned().unwrap_or(Value::Null);
        if primary_type != "EIP712Domain" && !types.contains_key(&primary_type) {
            return Err(bad(format!("primaryType {primary_type} is not defined in types")));
        }
        Ok(TypedData { types, primary_type, domain, message })
    }

    /// `encodeType` of a struct: itself then its dependencies sorted by name.
    pub fn encode_type(&self, name: &str) -> Result<String> {
        let mut deps = BTreeSet::new();
        self.collect_deps(name, &mut deps, 0)?;
        deps.remove(name);
        let mut out = self.type_signature(name)?;
        for d in deps {
            out.push_str(&self.type_signature(&d)?);
        }
        Ok(out)
    }

    fn type_signature(&self, name: &str) -> Result<String> {
        let fields = self.types.get(name).ok_or_else(|| bad(format!("unknown type {name}")))?;
        let inner: Vec<String> = fields.iter().map(|(n, t)| format!("{t} {n}")).collect();
        Ok(format!("{name}({})", inner.join(",")))
    }

    fn collect_deps(&self, name: &str, acc: &mut BTreeSet<String>, depth: usize) -> Result<()> {
        if depth > 64 {
            return Err(bad("types nest deeper than 64 levels"));
        }
        if !acc.insert(name.to_string()) {
            return Ok(());
        }
        let fields = self.types.get(name).ok_or_else(|| bad(format!("unknown type {name}")))?;
        for (_, t) in fields {
            let base = base_type(t);
            if self.types.contains_key(base) {
                self.collect_deps(base, acc, depth + 1)?;
            }
        }
        Ok(())
    }

    /// `hashStruct(name, value)`.
    pub fn hash_struct(&self, name: &str, value: &Value) -> Result<[u8; 32]> {
        self.hash_struct_at(name, value, 0)
    }

    fn hash_struct_at(&self, name: &str, value: &Value, depth: usize) -> Result<[u8; 32]> {
        if depth > 64 {
            return Err(bad("values nest deeper than 64 levels"));
        }
        let obj = value.as_object().ok_or_else(|| bad(format!("value of {name} must be an object")))?;
        let fields = self.types.get(name).ok_or_else(|| bad(format!("unknown type {name}")))?;
        let mut enc = Vec::with_capacity(32 * (fields.len() + 1));
        enc.extend_from_slice(&keccak256(self.encode_type(name)?.as_bytes()));
        for (fname, ftype) in fields {
            let v = obj.get(fname).ok_or_else(|| bad(format!("{name}.{fname} is missing")))?;
            enc.extend_from_slice(&self.encode_value(ftype, v, depth).map_err(|e| prefix(e, name, fname))?);
        }
        Ok(keccak256(&enc))
    }

    fn encode_value(&self, ty: &str, v: &Value, depth: usize) -> Result<[u8; 32]> {
        if let Some(open) = ty.rfind('[') {
            let inner = &ty[..open];
            let len_s = ty[open + 1..].strip_suffix(']').ok_or_else(|| bad(format!("malformed array type {ty}")))?;
            let items = v.as_array().ok_or_else(|| bad(format!("expected an array for {ty}")))?;
            if !len_s.is_empty() {
                let n: usize = len_s.parse().map_err(|_| bad(format!("malformed array length in {ty}")))?;
                if n != items.len() {
                    return Err(bad(format!("{ty} needs {n} items, got {}", items.len())));
                }
            }
            let mut enc = Vec::with_capacity(32 * items.len());
            for item in items {
                enc.extend_from_slice(&self.encode_value(inner, item, depth + 1)?);
            }
            return Ok(keccak256(&enc));
        }
        if self.types.contains_key(ty) {
            return self.hash_struct_at(ty, v, depth + 1);
        }
        encode_atomic(ty, v)
    }

    /// The domain separator, `hashStruct(EIP712Domain, domain)`.
    pub fn domain_separator(&self) -> Result<[u8; 32]> {
        self.hash_struct("EIP712Domain", &self.domain)
    }

    /// The digest to sign: `keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message))`.
    pub fn signing_hash(&self) -> Result<[u8; 32]> {
        let mut data = vec![0x19, 0x01];
        data.extend_from_slice(&self.domain_separator()?);
        if self.primary_type != "EIP712Domain" {
            data.extend_from_slice(&self.hash_struct(&self.primary_type, &self.message)?);
        }
        Ok(keccak256(&data))
    }
}

fn prefix(e: Error, name: &str, field: &str) -> Error {
    match e {
        Error::InvalidTypedData { reason } if !reason.contains('.') => bad(format!("{name}.{field}: {reason}")),
        other => other,
    }
}

fn base_type(t: &str) -> &str {
    t.find('[').map_or(t, |i| &t[..i])
}

fn encode_atomic(ty: &str, v: &Value) -> Result<[u8; 32]> {
    match ty {
        "string" => {
            let s = v.as_str().ok_or_else(|| bad("expected a string"))?;
            Ok(keccak256(s.as_bytes()))
        }
        "bytes" => Ok(keccak256(&hex_bytes(v)?)),
        "bool" => {
            let b = match v {
                Value::Bool(b) => *b,
                Value::String(s) if s == "true" => true,
                Value::String(s) if s == "false" => false,
                _ => return Err(bad("expected true or false")),
            };
            let mut out = [0u8; 32];
            out[31] = u8::from(b);
            Ok(out)
        }
        "address" => {
            let s = v.as_str().ok_or_else(|| bad("expected an address string"))?;
            let a: Address = s.parse().map_err(|e| bad(format!("{e}")))?;
            let mut out = [0u8; 32];
            out[12..].copy_from_slice(&a.0);
            Ok(out)
        }
        t if t.starts_with("bytes") => {
            let n: usize = t[5..].parse().map_err(|_| bad(format!("unknown type {t}")))?;
            if !(1..=32).contains(&n) {
                return Err(bad(format!("unknown type {t}")));
            }
            let b = hex_bytes(v)?;
            if b.len() > n {
                return Err(bad(format!("{t} takes at most {n} bytes, got {}", b.len())));
            }
            let mut out = [0u8; 32];
            out[..b.len()].copy_from_slice(&b);
            Ok(out)
        }
        t if t.starts_with("uint") || t.starts_with("int") => {
            let signed = t.starts_with("int");
            let bits_s = if signed { &t[3..] } else { &t[4..] };
            let bits: u32 = if bits_s.is_empty() { 256 } else { bits_s.parse().map_err(|_| bad(format!("unknown type {t}")))? };
            if bits == 0 || bits > 256 || !bits.is_multiple_of(8) {
                return Err(bad(format!("unknown type {t}")));
            }
            encode_int(v, bits, signed).map_err(|e| match e {
                Error::InvalidTypedData { reason } => bad(format!("{t}: {reason}")),
                other => other,
            })
        }
        other => Err(bad(format!("unknown type {other}"))),
    }
}

fn hex_bytes(v: &Value) -> Result<Vec<u8>> {
    let s = v.as_str().ok_or_else(|| bad("expected a 0x-prefixed hex string"))?;
    let body = s.strip_prefix("0x").ok_or_else(|| bad("expected a 0x-prefixed hex string"))?;
    let padded = if body.len() % 2 == 1 { format!("0{body}") } else { body.to_string() };
    hex::decode(padded).map_err(|_| bad("not hexadecimal"))
}

/// Encodes an integer value as a 32-byte big-endian two's-complement word, range-checked.
fn encode_int(v: &Value, bits: u32, signed: bool) -> Result<[u8; 32]> {
    let (negative, magnitude) = match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                (false, u256_from_u64(u))
            } else if let Some(i) = n.as_i64() {
                (i < 0, u256_from_u64(i.unsigned_abs()))
            } else {
                return Err(bad("numbers must be integers (send large values as strings)"));
            }
        }
        Value::String(s) => parse_big(s.trim())?,
        _ => return Err(bad("expected a number")),
    };
    let zero = magnitude == [0u8; 32];
    if negative && !signed && !zero {
        return Err(bad("negative value for an unsigned type"));
    }
    // limit = 2^bits (unsigned) or 2^(bits-1) (signed); positive must be < limit, negative ≤ limit.
    let limit_bit = if signed { bits - 1 } else { bits };
    let cmp = cmp_pow2(&magnitude, limit_bit);
    let ok = if negative { cmp != std::cmp::Ordering::Greater } else { cmp == std::cmp::Ordering::Less };
    if !ok {
        return Err(bad("value out of range"));
    }
    if negative && !zero {
        let mut out = magnitude;
        for b in out.iter_mut() {
            *b = !*b;
        }
        for b in out.iter_mut().rev() {
            let (nb, carry) = b.overflowing_add(1);
            *b = nb;
            if !carry {
                break;
            }
        }
        return Ok(out);
    }
    Ok(magnitude)
}

fn u256_from_u64(u: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[24..].copy_from_slice(&u.to_be_bytes());
    out
}

/// Parses `[-]decimal` or `[-]0xhex` into (negative, 256-bit magnitude).
fn parse_big(s: &str) -> Result<(bool, [u8; 32])> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut out = [0u8; 32];
    if let Some(hexd) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        let digits = hexd.trim_start_matches('0');
        if hexd.is_empty() || digits.len() > 64 || !hexd.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("malformed or too large hex number"));
        }
        let padded = format!("{digits:0>64}");
        hex::decode_to_slice(padded, &mut out).map_err(|_| bad("malformed hex number"))?;
        return Ok((negative, out));
    }
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("malformed decimal number"));
    }
    for d in body.bytes() {
        let mut carry = u16::from(d - b'0');
        for b in out.iter_mut().rev() {
            let x = u16::from(*b) * 10 + carry;
            *b = (x & 0xff) as u8;
            carry = x >> 8;
        }
        if carry != 0 {
            return Err(bad("number does not fit in 256 bits"));
        }
    }
    Ok((negative, out))
}

/// Compares a 256-bit big-endian magnitude with 2^k (k ≤ 256).
fn cmp_pow2(m: &[u8; 32], k: u32) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    if k >= 256 {
        return Less;
    }
    let mut p = [0u8; 32];
    p[31 - (k / 8) as usize] = 1 << (k % 8);
    m.cmp(&p).then(Equal)
}

/// Hashes and signs typed-data JSON.
pub fn sign_typed_data(key: &PrivateKey, json: &str) -> Result<Signature> {
    let digest = TypedData::from_json(json)?.signing_hash()?;
    sign::sign_digest(key, &digest)
}
