//! Encoding of EIP-712 atomic values (`string`, `bytes`, `bool`, `address`, `bytesN`,
//! `intN`/`uintN`) into 32-byte words, range-checked.

use serde_json::Value;

use super::{bad, clip};
use crate::wallet::{keccak256, Address};
use crate::{Error, Result};

/// Encodes one atomic value of type `ty`.
pub(super) fn encode(ty: &str, v: &Value) -> Result<[u8; 32]> {
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
            let n: usize = t[5..].parse().map_err(|_| unknown(t))?;
            if !(1..=32).contains(&n) {
                return Err(unknown(t));
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
            let bits: u32 = if bits_s.is_empty() { 256 } else { bits_s.parse().map_err(|_| unknown(t))? };
            if bits == 0 || bits > 256 || !bits.is_multiple_of(8) {
                return Err(unknown(t));
            }
            encode_int(v, bits, signed).map_err(|e| match e {
                Error::InvalidTypedData { reason } => bad(format!("{t}: {reason}")),
                other => other,
            })
        }
        other => Err(unknown(other)),
    }
}

fn unknown(t: &str) -> Error {
    bad(format!("unknown type {}", clip(t)))
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
    // Leading zeros change nothing (and would otherwise cost 32 byte-steps each).
    for d in body.trim_start_matches('0').bytes() {
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
