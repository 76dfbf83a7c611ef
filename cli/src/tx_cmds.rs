//! `imwallet sign tx FILE|- --chain-id N`: signs a transaction request (JSON, the shape in
//! `docs/api.md`).
//!
//! The request is checked first — parsed, bounded and compared with `--chain-id` by the core,
//! before any password is asked for. Then the password unlocks the wallet, the core's summary of
//! the request goes to stderr (in every mode), the user confirms (`--yes` skips the question), the
//! `SignTransaction` gate is passed (a password gate takes the password just typed; a biometric
//! one asks the sensor) and the raw signed transaction and its hash are printed. Piped stdin is
//! read in order: the request (for `-`), the password, the answer.

use std::path::Path;

use imwallet_core::auth::gates::{AuthProof, Gate, GatedAction};
use imwallet_core::wallet::tx::{summarize, Limits, SignedTransaction, TransactionKind, TransactionSummary, TransactionType};
use serde_json::{json, Value};

use crate::input::{next_stdin_line, Input};
use crate::outln;
use crate::output::{CliError, Out};
use crate::progress::with_spinner;
use crate::session_cmds::open;

/// The request text from `source` (`-` = stdin: lines until they form one JSON value).
fn read_request(source: &Path) -> Result<String, CliError> {
    if source != Path::new("-") {
        return std::fs::read_to_string(source).map_err(|e| CliError::io(format!("cannot read {}: {e}", source.display())));
    }
    let mut text = String::new();
    while let Ok(line) = next_stdin_line("the transaction JSON") {
        text.push_str(&line);
        text.push('\n');
        if text.len() > Limits::MAX_JSON_BYTES || serde_json::from_str::<Value>(&text).is_ok() {
            break;
        }
    }
    Ok(text)
}

fn type_name(t: TransactionType) -> &'static str {
    match t {
        TransactionType::Legacy => "legacy (EIP-155)",
        TransactionType::Eip2930 => "EIP-2930",
        TransactionType::Eip1559 => "EIP-1559",
    }
}

/// The confirmation screen, on stderr.
fn show(s: &TransactionSummary, from: &str) {
    let what = match s.kind {
        TransactionKind::Transfer => "send",
        TransactionKind::ContractCall => "call a contract",
        TransactionKind::ContractCreation => "deploy a contract",
    };
    eprintln!("Sign this {} transaction on chain {}: {what}", type_name(s.transaction_type), s.chain_id);
    eprintln!("  from        {from}");
    eprintln!("  to          {}", s.to.as_deref().unwrap_or("(none: contract creation)"));
    eprintln!("  value       {} ETH ({} wei)", s.value_eth, s.value_wei);
    match (&s.gas_price_wei, &s.max_fee_per_gas_wei, &s.max_priority_fee_per_gas_wei) {
        (Some(p), _, _) => eprintln!("  gas price   {p} wei"),
        (_, Some(m), Some(p)) => eprintln!("  max fee     {m} wei per gas (priority {p})"),
        _ => {}
    }
    eprintln!("  gas limit   {}", s.gas_limit);
    eprintln!("  max fee     {} ETH", s.max_fee_eth);
    eprintln!("  max total   {} ETH", s.max_total_eth);
    let selector = s.method_selector.as_deref().map(|m| format!(", method {m}")).unwrap_or_default();
    eprintln!("  data        {} bytes{selector}", s.data_len);
    if s.access_list_addresses > 0 {
        eprintln!("  access list {} addresses, {} storage keys", s.access_list_addresses, s.access_list_storage_keys);
    }
    eprintln!("  nonce       {}", s.nonce);
    eprintln!("  hash signed {}", s.signing_hash);
}

pub fn summary_json(s: &TransactionSummary) -> Value {
    json!({
        "type": type_name(s.transaction_type), "kind": format!("{:?}", s.kind), "chain_id": s.chain_id, "nonce": s.nonce,
        "from": s.sender, "to": s.to, "value_wei": s.value_wei, "value_eth": s.value_eth, "gas_limit": s.gas_limit,
        "gas_price_wei": s.gas_price_wei, "max_fee_per_gas_wei": s.max_fee_per_gas_wei,
        "max_priority_fee_per_gas_wei": s.max_priority_fee_per_gas_wei, "max_fee_wei": s.max_fee_wei, "max_fee_eth": s.max_fee_eth,
        "max_total_wei": s.max_total_wei, "max_total_eth": s.max_total_eth, "data_len": s.data_len, "method_selector": s.method_selector,
        "access_list_addresses": s.access_list_addresses, "access_list_storage_keys": s.access_list_storage_keys,
        "signing_hash": s.signing_hash,
    })
}

fn print(out: &Out, signed: &SignedTransaction) -> Result<(), CliError> {
    if out.json {
        out.print_json(
            &json!({"raw": signed.raw_hex, "hash": signed.hash, "from": signed.sender, "summary": summary_json(&signed.summary)}),
        )
    } else {
        outln!("raw transaction: {}", signed.raw_hex)?;
        outln!("transaction hash: {}", signed.hash)
    }
}

pub fn sign_tx(out: &Out, input: &mut Input, dir: &Path, source: &Path, chain_id: u64, index: u32, yes: bool) -> Result<(), CliError> {
    let text = read_request(source)?;
    // Refused before any password is typed: malformed, out of range, another chain.
    let summary = summarize(&text, chain_id)?;
    let core = open(dir)?;
    crate::render_safety::before(out, &core, imwallet_core::safety::SensitiveAction::Sign)?;
    let pw = input.secret("wallet password")?;
    with_spinner("checking the password", || core.unlock(pw.as_bytes()))?;
    let from = match core.addresses(index.saturating_add(1)) {
        Ok(list) => list.get(index as usize).cloned().unwrap_or_default(),
        Err(_) => format!("address #{index}"),
    };
    if let Some(sender) = summary.sender.as_deref().filter(|s| *s != from && from.starts_with("0x")) {
        return Err(imwallet_core::Error::SignerMismatch { expected: from, found: sender.to_string() }.into());
    }
    show(&summary, &from);
    if !yes {
        let answer = input.line("sign it? [y/N]")?;
        if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
            return Err(CliError::usage("signing cancelled: nothing was signed"));
        }
    }
    match core.gate_policy(GatedAction::SignTransaction).gate {
        // The password typed for this command is the proof; a biometric gate prompts by itself.
        Gate::Password | Gate::BiometricOrPassword => {
            with_spinner("checking the password", || core.authorize(GatedAction::SignTransaction, AuthProof::Password(pw.as_bytes())))?
        }
        Gate::None | Gate::Biometric => {}
    }
    let signed = core.sign_transaction(index, &text, chain_id)?;
    print(out, &signed)
}
