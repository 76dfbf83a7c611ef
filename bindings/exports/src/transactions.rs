//! Transactions at the FFI: the core's summary and signed-transaction types exported as they
//! are (`uniffi::remote`, ADR 0008), `WalletCore.sign_transaction` and the key-free
//! `summarize_transaction` for the confirmation screen. Both are async: they parse and hash up
//! to 1 MiB of request off the caller's thread.

pub use imwallet_core::wallet::tx::{SignedTransaction, TransactionKind, TransactionSummary, TransactionType};

use crate::error::Result;
use crate::wallet::WalletCore;

/// The transaction envelope.
#[uniffi::remote(Enum)]
pub enum TransactionType {
    /// Type 0x0 with EIP-155 replay protection.
    Legacy,
    /// Type 0x1: gas price and an access list.
    Eip2930,
    /// Type 0x2: max fee and priority fee per gas, and an access list.
    Eip1559,
}

/// What a transaction does, as far as its bytes tell.
#[uniffi::remote(Enum)]
pub enum TransactionKind {
    /// A recipient and no data.
    Transfer,
    /// A recipient and data: calls a contract.
    ContractCall,
    /// No recipient: deploys the contract whose init code is the data.
    ContractCreation,
}

/// The confirmation screen's facts, computed by the core from the fields it signs. Amounts are
/// exact decimal strings: `*_wei` in wei, `*_eth` in units of 10^18 wei (the chain's coin).
#[uniffi::remote(Record)]
pub struct TransactionSummary {
    pub transaction_type: TransactionType,
    pub kind: TransactionKind,
    pub chain_id: u64,
    pub nonce: u64,
    /// The sender the request names in `from` (EIP-55); checked against the key when signing.
    pub sender: Option<String>,
    /// The recipient (EIP-55); none for a contract creation.
    pub to: Option<String>,
    pub value_wei: String,
    pub value_eth: String,
    pub gas_limit: u64,
    /// Legacy and EIP-2930 transactions.
    pub gas_price_wei: Option<String>,
    /// EIP-1559 transactions.
    pub max_fee_per_gas_wei: Option<String>,
    /// EIP-1559 transactions.
    pub max_priority_fee_per_gas_wei: Option<String>,
    /// Gas limit × (gas price or max fee per gas): the most the fee can cost.
    pub max_fee_wei: String,
    pub max_fee_eth: String,
    /// Value + max fee: the most the transaction can take from the account.
    pub max_total_wei: String,
    pub max_total_eth: String,
    /// Bytes of calldata or init code.
    pub data_len: u32,
    /// The first four bytes of a contract call's data (`0x`-hex).
    pub method_selector: Option<String>,
    pub access_list_addresses: u32,
    pub access_list_storage_keys: u32,
    /// The digest that is signed (`0x`-hex).
    pub signing_hash: String,
}

/// A signed transaction, ready for `eth_sendRawTransaction` (`raw_hex`).
#[uniffi::remote(Record)]
pub struct SignedTransaction {
    pub raw: Vec<u8>,
    pub raw_hex: String,
    /// keccak256(raw), `0x`-hex.
    pub hash: String,
    /// The signing address, EIP-55.
    pub sender: String,
    /// What was signed.
    pub summary: TransactionSummary,
}

/// Validates a transaction request against the chain the app is on and summarizes it for the
/// confirmation screen, without any key (the same summary `sign_transaction` returns).
#[uniffi::export(async_runtime = "tokio")]
pub async fn summarize_transaction(transaction_json: String, chain_id: u64) -> Result<TransactionSummary> {
    Ok(tokio::task::spawn_blocking(move || imwallet_core::wallet::tx::summarize(&transaction_json, chain_id)).await??)
}

#[uniffi::export(async_runtime = "tokio")]
impl WalletCore {
    /// Signs a legacy (EIP-155), EIP-2930 or EIP-1559 transaction request (JSON, see
    /// `docs/api.md`) with address `index`, for the chain the app is on (`chain_id`): another
    /// chain fails with `ChainIdMismatch` and nothing is signed.
    /// Async: validating and hashing up to 1 MiB, then the SignTransaction gate (may prompt).
    pub async fn sign_transaction(&self, index: u32, transaction_json: String, chain_id: u64) -> Result<SignedTransaction> {
        self.blocking(move |c| c.sign_transaction(index, &transaction_json, chain_id)).await
    }
}
