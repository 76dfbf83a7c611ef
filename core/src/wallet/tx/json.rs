//! The JSON transaction request (`eth_signTransaction` shape) → a validated [`Transaction`].
//!
//! Quantities are JSON integers (up to 2^64 - 1), `0x` hex strings (1–64 digits) or decimal
//! strings (1–78 digits); byte strings are `0x` hex with an even number of digits. Unknown or
//! duplicate fields, a field of the wrong envelope (e.g. `gasPrice` with type 0x2) and anything
//! outside [`Limits`] are refused, each with a typed error naming the field.

use std::str::FromStr;

use ruint::aliases::U256;
use serde::Deserialize;
use serde_json::Value;

use super::{AccessListItem, Fees, Limits, Transaction};
use crate::wallet::eip712::clip_to;
use crate::wallet::Address;
use crate::{Error, Result};

/// The request as sent: every field optional, nothing else allowed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Request {
    #[serde(rename = "type")]
    tx_type: Option<Value>,
    chain_id: Option<Value>,
    nonce: Option<Value>,
    #[serde(alias = "gasLimit")]
    gas: Option<Value>,
    gas_price: Option<Value>,
    max_fee_per_gas: Option<Value>,
    max_priority_fee_per_gas: Option<Value>,
    from: Option<Value>,
    to: Option<Value>,
    value: Option<Value>,
    #[serde(alias = "input")]
    data: Option<Value>,
    access_list: Option<Vec<Item>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Item {
    address: Value,
    storage_keys: Vec<Value>,
}

fn bad(reason: impl AsRef<str>) -> Error {
    Error::InvalidTransaction { reason: clip_to(reason.as_ref(), 200) }
}

fn too_large(what: &str, limit: usize) -> Error {
    Error::TransactionTooLarge { what: what.into(), limit: limit as u64 }
}

/// A quantity: a JSON integer, a `0x` hex string or a decimal string, up to 2^256 - 1.
fn quantity(field: &str, v: &Value) -> Result<U256> {
    let s = match v {
        Value::Number(n) => {
            return n.as_u64().map(U256::from).ok_or_else(|| {
                bad(format!("`{field}` must be a whole number ≥ 0 (a \"0x…\" or decimal string for values above 2^64 - 1)"))
            })
        }
        Value::String(s) => s.as_str(),
        _ => return Err(bad(format!("`{field}` must be a number or a string"))),
    };
    let (digits, radix, max) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => (h, 16, 64),
        None => (s, 10, 78),
    };
    let valid = |b: u8| if radix == 16 { b.is_ascii_hexdigit() } else { b.is_ascii_digit() };
    if digits.is_empty() || !digits.bytes().all(valid) {
        return Err(bad(format!("`{field}` must be a \"0x\" hex or a decimal number")));
    }
    if digits.len() > max {
        return Err(bad(format!("`{field}` has more than {max} digits")));
    }
    U256::from_str_radix(digits, radix).map_err(|_| bad(format!("`{field}` does not fit in 256 bits")))
}

fn quantity_u64(field: &str, v: &Value) -> Result<u64> {
    u64::try_from(quantity(field, v)?).map_err(|_| bad(format!("`{field}` does not fit in 64 bits")))
}

fn quantity_u128(field: &str, v: &Value) -> Result<u128> {
    u128::try_from(quantity(field, v)?).map_err(|_| bad(format!("`{field}` is out of range (at most 2^128 - 1 wei per gas)")))
}

fn required<'a>(field: &str, v: &'a Option<Value>) -> Result<&'a Value> {
    v.as_ref().ok_or_else(|| bad(format!("`{field}` is missing")))
}

/// `0x`-prefixed hex with an even number of digits, at most `max` bytes.
fn hex_bytes(field: &str, v: &Value, max: usize) -> Result<Vec<u8>> {
    let s = v.as_str().ok_or_else(|| bad(format!("`{field}` must be a \"0x\" hex string")))?;
    let body = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).ok_or_else(|| bad(format!("`{field}` must start with 0x")))?;
    if body.len() / 2 > max {
        return Err(too_large(field, max));
    }
    if body.len() % 2 != 0 || !body.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad(format!("`{field}` must be hex with an even number of digits")));
    }
    hex::decode(body).map_err(|_| bad(format!("`{field}` is not hex")))
}

fn address(field: &str, v: &Value) -> Result<Address> {
    let s = v.as_str().ok_or_else(|| bad(format!("`{field}` must be an address string")))?;
    Address::from_str(s).map_err(|e| bad(format!("`{field}`: {e}")))
}

fn access_list(items: Vec<Item>) -> Result<Vec<AccessListItem>> {
    if items.len() > Limits::MAX_ACCESS_LIST_ADDRESSES {
        return Err(too_large("accessList addresses", Limits::MAX_ACCESS_LIST_ADDRESSES));
    }
    if items.iter().map(|i| i.storage_keys.len()).sum::<usize>() > Limits::MAX_ACCESS_LIST_STORAGE_KEYS {
        return Err(too_large("accessList storage keys", Limits::MAX_ACCESS_LIST_STORAGE_KEYS));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let mut keys = Vec::with_capacity(item.storage_keys.len());
        for k in &item.storage_keys {
            let field = format!("accessList[{i}].storageKeys");
            let key = k.as_str().filter(|s| s.len() == 66).map(|s| hex_bytes(&field, &Value::from(s), 32)).transpose()?;
            let key = key.and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok());
            keys.push(key.ok_or_else(|| bad(format!("`{field}` entries are 32 bytes: \"0x\" and 64 hex digits")))?);
        }
        out.push(AccessListItem { address: address(&format!("accessList[{i}].address"), &item.address)?, storage_keys: keys });
    }
    Ok(out)
}

/// Which envelope: the `type` field, or (without one) inferred from the fee fields.
fn envelope(r: &Request) -> Result<u8> {
    match &r.tx_type {
        Some(t) => match u64::try_from(quantity("type", t)?) {
            Ok(0) => Ok(0),
            Ok(1) => Ok(1),
            Ok(2) => Ok(2),
            Ok(3) => Err(bad("blob transactions (type 0x3) are not supported")),
            Ok(4) => Err(bad("set-code transactions (type 0x4) are not supported")),
            _ => Err(bad("unknown transaction `type` (0x0, 0x1 and 0x2 are supported)")),
        },
        None if r.max_fee_per_gas.is_some() || r.max_priority_fee_per_gas.is_some() => Ok(2),
        None if r.access_list.is_some() => Ok(1),
        None => Ok(0),
    }
}

fn fees(r: &Request, envelope: u8) -> Result<Fees> {
    if envelope == 2 {
        if r.gas_price.is_some() {
            return Err(bad("type 0x2 takes `maxFeePerGas` and `maxPriorityFeePerGas`, not `gasPrice`"));
        }
        let max_fee_per_gas = quantity_u128("maxFeePerGas", required("maxFeePerGas", &r.max_fee_per_gas)?)?;
        let max_priority_fee_per_gas =
            quantity_u128("maxPriorityFeePerGas", required("maxPriorityFeePerGas", &r.max_priority_fee_per_gas)?)?;
        if max_priority_fee_per_gas > max_fee_per_gas {
            return Err(bad("`maxPriorityFeePerGas` is above `maxFeePerGas`"));
        }
        return Ok(Fees::Eip1559 { max_fee_per_gas, max_priority_fee_per_gas });
    }
    if r.max_fee_per_gas.is_some() || r.max_priority_fee_per_gas.is_some() {
        return Err(bad(format!("type 0x{envelope} takes `gasPrice`, not `maxFeePerGas`/`maxPriorityFeePerGas`")));
    }
    let gas_price = quantity_u128("gasPrice", required("gasPrice", &r.gas_price)?)?;
    if envelope == 0 {
        if r.access_list.is_some() {
            return Err(bad("an access list needs type 0x1 or 0x2"));
        }
        return Ok(Fees::Legacy { gas_price });
    }
    Ok(Fees::Eip2930 { gas_price })
}

pub(super) fn parse(text: &str, declared_chain_id: u64) -> Result<Transaction> {
    if !(1..=Limits::MAX_CHAIN_ID).contains(&declared_chain_id) {
        return Err(Error::InvalidArgument { reason: format!("the declared chain id must be 1..={}", Limits::MAX_CHAIN_ID) });
    }
    if text.len() > Limits::MAX_JSON_BYTES {
        return Err(too_large("transaction JSON", Limits::MAX_JSON_BYTES));
    }
    let r: Request = serde_json::from_str(text).map_err(|e| bad(format!("not a transaction object: {e}")))?;
    // The typed parse also reads a struct from a positional array; only the documented object
    // form is accepted (a layer that checks the request as an object must see what is signed).
    let shape: Value = serde_json::from_str(text).map_err(|e| bad(format!("not a transaction object: {e}")))?;
    if !shape.is_object() {
        return Err(bad("a transaction is a JSON object with named fields"));
    }
    if let Some(Value::Array(items)) = shape.get("accessList") {
        if items.iter().any(|i| !i.is_object()) {
            return Err(bad("each access-list entry is an object {\"address\", \"storageKeys\"}"));
        }
    }
    // The chain first: a transaction for another network is refused whatever else it holds.
    let chain_id = match &r.chain_id {
        Some(c) => quantity_u64("chainId", c)?,
        None => declared_chain_id,
    };
    if chain_id != declared_chain_id {
        return Err(Error::ChainIdMismatch { expected: declared_chain_id, found: chain_id });
    }
    let envelope = envelope(&r)?;
    let fees = fees(&r, envelope)?;
    let nonce = quantity_u64("nonce", required("nonce", &r.nonce)?)?;
    if nonce == u64::MAX {
        return Err(bad("`nonce` must be below 2^64 - 1 (EIP-2681)"));
    }
    let gas_limit = quantity_u64("gas", required("gas", &r.gas)?)?;
    if !(Limits::MIN_GAS_LIMIT..=Limits::MAX_GAS_LIMIT).contains(&gas_limit) {
        return Err(bad(format!("`gas` must be {}..={}", Limits::MIN_GAS_LIMIT, Limits::MAX_GAS_LIMIT)));
    }
    let to = match &r.to {
        None => None,
        Some(v) => Some(address("to", v)?),
    };
    let value = r.value.as_ref().map(|v| quantity("value", v)).transpose()?.unwrap_or_default();
    let data = r.data.as_ref().map(|v| hex_bytes("data", v, Limits::MAX_DATA_BYTES)).transpose()?.unwrap_or_default();
    if to.is_none() && data.is_empty() {
        return Err(bad("no `to` means a contract creation, which needs init code in `data`"));
    }
    let sender = r.from.as_ref().map(|v| address("from", v)).transpose()?;
    let access_list = access_list(r.access_list.unwrap_or_default())?;
    let tx = Transaction { chain_id, nonce, gas_limit, fees, to, value, data, access_list, sender };
    if tx.value.checked_add(tx.max_fee()).is_none() {
        return Err(bad("`value` plus the maximum fee is above 2^256 - 1"));
    }
    Ok(tx)
}
