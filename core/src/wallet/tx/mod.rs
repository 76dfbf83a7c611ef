//! Ethereum transactions: legacy with EIP-155 replay protection, EIP-2930 (access list) and
//! EIP-1559 (dynamic fee).
//!
//! A transaction arrives as JSON (the `eth_signTransaction` shape, `docs/api.md`) and is
//! validated once into a [`Transaction`]: every field in range, nothing unknown, the chain the app
//! declared ([`json`]). Everything else is computed from that one value — the signing hash, the
//! signed bytes and the [`TransactionSummary`] the user confirms ([`summary`]) — so the screen
//! cannot show one transaction while another is signed. RLP is `alloy-rlp`'s and 256-bit
//! quantities are `ruint`'s `U256` (ADR 0013); no key is needed until [`Transaction::sign`].

mod json;
mod summary;

use alloy_rlp::{BufMut, Encodable};
use ruint::aliases::U256;

use crate::wallet::{keccak256, sign, Address, PrivateKey, Signature};
use crate::Result;

pub use summary::{format_eth, TransactionKind, TransactionSummary};

/// Documented bounds on a transaction; anything outside is a typed error
/// ([`crate::Error::TransactionTooLarge`] or [`crate::Error::InvalidTransaction`]).
pub struct Limits;

impl Limits {
    /// Size of the JSON text: 1 MiB (room for the largest `data` in hex plus an access list).
    pub const MAX_JSON_BYTES: usize = 1024 * 1024;
    /// `data` (calldata or init code): 128 KiB, the largest transaction geth's pool accepts.
    pub const MAX_DATA_BYTES: usize = 128 * 1024;
    /// Addresses in the access list: 256.
    pub const MAX_ACCESS_LIST_ADDRESSES: usize = 256;
    /// Storage keys in the access list, all addresses together: 1,024.
    pub const MAX_ACCESS_LIST_STORAGE_KEYS: usize = 1024;
    /// The gas limit is at least the cost of the simplest transaction (21,000) ...
    pub const MIN_GAS_LIMIT: u64 = 21_000;
    /// ... and at most 1,000,000,000 (above any chain's block gas limit known today).
    pub const MAX_GAS_LIMIT: u64 = 1_000_000_000;
    /// Chain ids are 1 ..= `u64::MAX / 2 - 36` (EIP-2294: the EIP-155 `v` still fits 64 bits).
    pub const MAX_CHAIN_ID: u64 = u64::MAX / 2 - 36;
}

/// The transaction envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransactionType {
    /// Type 0x0 with EIP-155 replay protection (`v = chain_id * 2 + 35 + parity`).
    Legacy,
    /// Type 0x1: gas price and an access list.
    Eip2930,
    /// Type 0x2: max fee and priority fee per gas, and an access list.
    Eip1559,
}

impl TransactionType {
    /// The EIP-2718 type byte, `None` for legacy transactions.
    pub fn type_byte(self) -> Option<u8> {
        match self {
            TransactionType::Legacy => None,
            TransactionType::Eip2930 => Some(1),
            TransactionType::Eip1559 => Some(2),
        }
    }
}

/// The fee fields, which also fix the envelope (so a legacy fee with a 1559 type cannot exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fees {
    Legacy { gas_price: u128 },
    Eip2930 { gas_price: u128 },
    Eip1559 { max_fee_per_gas: u128, max_priority_fee_per_gas: u128 },
}

impl Fees {
    pub fn transaction_type(self) -> TransactionType {
        match self {
            Fees::Legacy { .. } => TransactionType::Legacy,
            Fees::Eip2930 { .. } => TransactionType::Eip2930,
            Fees::Eip1559 { .. } => TransactionType::Eip1559,
        }
    }

    /// The most one unit of gas can cost: the gas price, or the max fee per gas.
    pub fn max_per_gas(self) -> u128 {
        match self {
            Fees::Legacy { gas_price } | Fees::Eip2930 { gas_price } => gas_price,
            Fees::Eip1559 { max_fee_per_gas, .. } => max_fee_per_gas,
        }
    }
}

/// One access-list entry: an address and storage keys of it the transaction will touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessListItem {
    pub address: Address,
    pub storage_keys: Vec<[u8; 32]>,
}

impl Encodable for Address {
    fn encode(&self, out: &mut dyn BufMut) {
        self.0.encode(out)
    }
    fn length(&self) -> usize {
        self.0.length()
    }
}

impl Encodable for AccessListItem {
    fn encode(&self, out: &mut dyn BufMut) {
        alloy_rlp::encode_list::<_, dyn Encodable>(&[&self.address as &dyn Encodable, &self.storage_keys], out)
    }
    fn length(&self) -> usize {
        alloy_rlp::list_length::<_, dyn Encodable>(&[&self.address as &dyn Encodable, &self.storage_keys])
    }
}

/// A 256-bit quantity as an RLP integer: its big-endian bytes without leading zeros (zero is the
/// empty string) — the form alloy-rlp gives its own integer types (`quantity_encoding` test).
struct Quantity(U256);

impl Quantity {
    fn with_bytes<T>(&self, f: impl FnOnce(&[u8]) -> T) -> T {
        let bytes = self.0.to_be_bytes::<32>();
        let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
        f(&bytes[start..])
    }
}

impl Encodable for Quantity {
    fn encode(&self, out: &mut dyn BufMut) {
        self.with_bytes(|b| b.encode(out))
    }
    fn length(&self) -> usize {
        self.with_bytes(|b| b.length())
    }
}

/// The recipient field: an address, or the empty string for a contract creation.
struct To<'a>(Option<&'a Address>);

impl Encodable for To<'_> {
    fn encode(&self, out: &mut dyn BufMut) {
        match self.0 {
            Some(a) => a.encode(out),
            None => (&[] as &[u8]).encode(out),
        }
    }
    fn length(&self) -> usize {
        self.0.map_or(1, Encodable::length)
    }
}

/// A validated transaction: build it with [`Transaction::from_json`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    chain_id: u64,
    nonce: u64,
    gas_limit: u64,
    fees: Fees,
    to: Option<Address>,
    value: U256,
    data: Vec<u8>,
    access_list: Vec<AccessListItem>,
    /// The sender the request names (`from`), if any; checked against the signing key.
    sender: Option<Address>,
}

/// A signed transaction, ready for `eth_sendRawTransaction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTransaction {
    /// The signed transaction bytes (EIP-2718 envelope for typed transactions).
    pub raw: Vec<u8>,
    /// `raw` as `0x`-prefixed hex.
    pub raw_hex: String,
    /// The transaction hash, keccak256(`raw`), `0x`-prefixed.
    pub hash: String,
    /// The signing address, EIP-55.
    pub sender: String,
    /// What was signed, computed from the same fields as `raw`.
    pub summary: TransactionSummary,
}

impl Transaction {
    /// Parses and validates the JSON a dapp or the app sends against the chain the app declares
    /// (`declared_chain_id`): a `chainId` in the JSON must equal it
    /// ([`crate::Error::ChainIdMismatch`]); without one the declared chain is used.
    pub fn from_json(text: &str, declared_chain_id: u64) -> Result<Transaction> {
        json::parse(text, declared_chain_id)
    }

    pub fn transaction_type(&self) -> TransactionType {
        self.fees.transaction_type()
    }
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }
    pub fn nonce(&self) -> u64 {
        self.nonce
    }
    pub fn gas_limit(&self) -> u64 {
        self.gas_limit
    }
    pub fn fees(&self) -> Fees {
        self.fees
    }
    /// The recipient; `None` for a contract creation.
    pub fn to(&self) -> Option<&Address> {
        self.to.as_ref()
    }
    pub fn value(&self) -> U256 {
        self.value
    }
    pub fn data(&self) -> &[u8] {
        &self.data
    }
    pub fn access_list(&self) -> &[AccessListItem] {
        &self.access_list
    }
    /// The sender the request names (its `from`), if any.
    pub fn sender(&self) -> Option<&Address> {
        self.sender.as_ref()
    }

    /// The most the transaction can cost the sender: gas limit × max fee per gas.
    pub fn max_fee(&self) -> U256 {
        U256::from(self.gas_limit).saturating_mul(U256::from(self.fees.max_per_gas()))
    }

    /// The RLP the signature covers (with the type byte for typed transactions).
    pub fn signing_payload(&self) -> Vec<u8> {
        self.encode(None)
    }

    /// keccak256 of [`Self::signing_payload`]: the digest that is signed.
    pub fn signing_hash(&self) -> [u8; 32] {
        keccak256(&self.signing_payload())
    }

    /// The signed transaction bytes for `sig` (a signature over [`Self::signing_hash`]).
    pub fn encode_signed(&self, sig: &Signature) -> Vec<u8> {
        self.encode(Some(sig))
    }

    /// Signs with `key`. The summary, the raw bytes and the hash all come from `self`.
    pub fn sign(&self, key: &PrivateKey) -> Result<SignedTransaction> {
        let summary = self.summary();
        let sig = sign::sign_digest(key, &self.signing_hash())?;
        let raw = self.encode_signed(&sig);
        let hash = keccak256(&raw);
        Ok(SignedTransaction {
            raw_hex: format!("0x{}", hex::encode(&raw)),
            hash: format!("0x{}", hex::encode(hash)),
            sender: key.address().to_checksum(),
            raw,
            summary,
        })
    }

    /// The envelope: unsigned (the signing payload) or signed with `sig`.
    fn encode(&self, sig: Option<&Signature>) -> Vec<u8> {
        // `sig.v` is 27/28; the parity is 0/1. r and s are integers (leading zeros dropped).
        let parity = sig.map_or(0u8, |s| s.v.saturating_sub(27));
        let (r, s) = sig.map_or((U256::ZERO, U256::ZERO), |s| (U256::from_be_bytes(s.r), U256::from_be_bytes(s.s)));
        let (r, s, value) = (Quantity(r), Quantity(s), Quantity(self.value));
        // EIP-155: chain_id * 2 + 35 + parity (in range: MAX_CHAIN_ID keeps it below 2^64).
        let v = self.chain_id.saturating_mul(2).saturating_add(35 + u64::from(parity));
        let to = To(self.to.as_ref());
        let data: &[u8] = &self.data;
        let common: [&dyn Encodable; 4] = [&to, &value, &data, &self.access_list];
        let mut fields: Vec<&dyn Encodable> = Vec::with_capacity(12);
        match &self.fees {
            Fees::Legacy { gas_price } => {
                fields.extend([&self.nonce as &dyn Encodable, gas_price, &self.gas_limit]);
                fields.extend(&common[..3]);
                match sig {
                    None => fields.extend([&self.chain_id as &dyn Encodable, &0u8, &0u8]),
                    Some(_) => fields.extend([&v as &dyn Encodable, &r, &s]),
                }
            }
            Fees::Eip2930 { gas_price } => {
                fields.extend([&self.chain_id as &dyn Encodable, &self.nonce, gas_price, &self.gas_limit]);
                fields.extend(common);
            }
            Fees::Eip1559 { max_fee_per_gas, max_priority_fee_per_gas } => {
                fields.extend([&self.chain_id as &dyn Encodable, &self.nonce, max_priority_fee_per_gas, max_fee_per_gas, &self.gas_limit]);
                fields.extend(common);
            }
        }
        if let (Some(_), Some(_)) = (sig, self.transaction_type().type_byte()) {
            fields.extend([&parity as &dyn Encodable, &r, &s]);
        }
        let mut out = Vec::with_capacity(1 + alloy_rlp::list_length::<_, dyn Encodable>(&fields));
        if let Some(t) = self.transaction_type().type_byte() {
            out.push(t);
        }
        alloy_rlp::encode_list::<_, dyn Encodable>(&fields, &mut out);
        out
    }
}

/// Validates `json` against `declared_chain_id` and summarizes it, without any key: what the
/// confirmation screen shows before [`crate::WalletCore::sign_transaction`].
pub fn summarize(json: &str, declared_chain_id: u64) -> Result<TransactionSummary> {
    Ok(Transaction::from_json(json, declared_chain_id)?.summary())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Quantity` encodes exactly as alloy-rlp encodes its own integers, at every byte length.
    #[test]
    fn quantity_encoding() {
        let mut values: Vec<u128> = vec![0, 1, 0x7f, 0x80, 0xff, 0x100, u128::MAX];
        for shift in 0..128 {
            values.extend([1u128 << shift, (1u128 << shift) - 1, (1u128 << shift) | 0x5a]);
        }
        for v in values {
            assert_eq!(alloy_rlp::encode(Quantity(U256::from(v))), alloy_rlp::encode(v), "{v}");
            assert_eq!(Quantity(U256::from(v)).length(), v.length(), "{v}");
        }
        let max = alloy_rlp::encode(Quantity(U256::MAX));
        assert_eq!((max.len(), max[0], max[1], max[32]), (33, 0xa0, 0xff, 0xff));
    }
}
