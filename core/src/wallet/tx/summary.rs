//! What the confirmation screen shows, computed from the validated [`Transaction`] — the same
//! value the signing payload is encoded from — never from the shell's own parse.

use ruint::aliases::U256;

use super::{Fees, Transaction, TransactionType};

/// What a transaction does, as far as its bytes tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransactionKind {
    /// A recipient and no data: moves the chain's coin only (to a contract it still runs its
    /// receive function; the bytes cannot tell).
    Transfer,
    /// A recipient and data: calls a contract.
    ContractCall,
    /// No recipient: deploys the contract whose init code is `data`.
    ContractCreation,
}

/// The confirmation screen's facts. Amounts are exact decimal strings: `*_wei` in wei,
/// `*_eth` in units of 10^18 wei (ETH on Ethereum; the chain's native coin elsewhere).
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The first four bytes of the calldata (`0x`-hex) of a contract call with at least four.
    pub method_selector: Option<String>,
    pub access_list_addresses: u32,
    pub access_list_storage_keys: u32,
    /// The digest that is signed (`0x`-hex).
    pub signing_hash: String,
}

/// `wei` as an exact decimal number of 10^18 units: `1`, `1.5`, `0.000000000000000001`.
pub fn format_eth(wei: U256) -> String {
    let (whole, frac) = wei.div_rem(U256::from(1_000_000_000_000_000_000u64));
    if frac.is_zero() {
        return whole.to_string();
    }
    let frac = format!("{:0>18}", frac.to_string());
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Transaction {
    /// The confirmation-screen summary of exactly this transaction.
    pub fn summary(&self) -> TransactionSummary {
        let kind = match (&self.to, self.data.is_empty()) {
            (None, _) => TransactionKind::ContractCreation,
            (Some(_), true) => TransactionKind::Transfer,
            (Some(_), false) => TransactionKind::ContractCall,
        };
        let (gas_price, max_fee, priority) = match self.fees {
            Fees::Legacy { gas_price } | Fees::Eip2930 { gas_price } => (Some(gas_price), None, None),
            Fees::Eip1559 { max_fee_per_gas, max_priority_fee_per_gas } => (None, Some(max_fee_per_gas), Some(max_priority_fee_per_gas)),
        };
        let fee = self.max_fee();
        // Cannot saturate: the parser refuses a value + max fee above 2^256 - 1.
        let total = self.value.saturating_add(fee);
        let method_selector = match (kind, self.data.get(..4)) {
            (TransactionKind::ContractCall, Some(sel)) => Some(format!("0x{}", hex::encode(sel))),
            _ => None,
        };
        TransactionSummary {
            transaction_type: self.transaction_type(),
            kind,
            chain_id: self.chain_id,
            nonce: self.nonce,
            sender: self.sender.map(|a| a.to_checksum()),
            to: self.to.map(|a| a.to_checksum()),
            value_wei: self.value.to_string(),
            value_eth: format_eth(self.value),
            gas_limit: self.gas_limit,
            gas_price_wei: gas_price.map(|p| p.to_string()),
            max_fee_per_gas_wei: max_fee.map(|p| p.to_string()),
            max_priority_fee_per_gas_wei: priority.map(|p| p.to_string()),
            max_fee_wei: fee.to_string(),
            max_fee_eth: format_eth(fee),
            max_total_wei: total.to_string(),
            max_total_eth: format_eth(total),
            data_len: count(self.data.len()),
            method_selector,
            access_list_addresses: count(self.access_list.len()),
            access_list_storage_keys: count(self.access_list.iter().map(|i| i.storage_keys.len()).sum()),
            signing_hash: format!("0x{}", hex::encode(self.signing_hash())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eth_amounts_are_exact() {
        let wei = |s: &str| U256::from_str_radix(s, 10).unwrap_or_default();
        assert_eq!(format_eth(U256::ZERO), "0");
        assert_eq!(format_eth(wei("1")), "0.000000000000000001");
        assert_eq!(format_eth(wei("1000000000000000000")), "1");
        assert_eq!(format_eth(wei("1500000000000000000")), "1.5");
        assert_eq!(format_eth(wei("123456789012345678901")), "123.456789012345678901");
        assert_eq!(format_eth(U256::MAX), "115792089237316195423570985008687907853269984665640564039457.584007913129639935");
    }
}
