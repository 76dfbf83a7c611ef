//! Signing an EIP-1559 transaction (issue 18): parse + validate + summary + RLP + keccak + ECDSA
//! from the JSON request, the same work `WalletCore::sign_transaction` does after the gate; and
//! the same through the engine (session lock, gate check, key derivation), next to
//! `sign_message` on the same path for scale.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use imwallet_core::vault::kdf::KdfProfile;
use imwallet_core::wallet::tx::Transaction;
use imwallet_core::wallet::PrivateKey;
use imwallet_core::{Config, Hooks, WalletCore};

const TRANSFER: &str = r#"{"type":"0x2","chainId":"0x1","nonce":"0x2a","maxFeePerGas":"0x6fc23ac00","maxPriorityFeePerGas":"0x77359400","gas":"0x5208",
  "to":"0x3535353535353535353535353535353535353535","value":"1500000000000000000"}"#;

const CALL: &str = r#"{"type":"0x2","chainId":"0x1","nonce":"0x2a","maxFeePerGas":"0x6fc23ac00","maxPriorityFeePerGas":"0x77359400","gas":"0x186a0",
  "to":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","value":"0x0",
  "data":"0xa9059cbb0000000000000000000000003535353535353535353535353535353535353535000000000000000000000000000000000000000000000000000000000000000a",
  "accessList":[{"address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","storageKeys":["0x0000000000000000000000000000000000000000000000000000000000000001"]}]}"#;

fn transactions(c: &mut Criterion) {
    let key = PrivateKey::from_bytes(&[0x46; 32]).unwrap();
    let parsed = Transaction::from_json(TRANSFER, 1).unwrap();
    let mut g = c.benchmark_group("transactions");
    g.bench_function("sign_1559_transfer_from_json", |b| {
        b.iter(|| Transaction::from_json(black_box(TRANSFER), 1).unwrap().sign(&key).unwrap())
    });
    g.bench_function("sign_1559_call_with_access_list_from_json", |b| {
        b.iter(|| Transaction::from_json(black_box(CALL), 1).unwrap().sign(&key).unwrap())
    });
    g.bench_function("sign_1559_parsed", |b| b.iter(|| black_box(&parsed).sign(&key).unwrap()));
    g.bench_function("parse_and_summarize_1559", |b| b.iter(|| imwallet_core::wallet::tx::summarize(black_box(TRANSFER), 1).unwrap()));

    let dir = tempfile::tempdir().unwrap();
    let config = Config { kdf_profile: KdfProfile::InsecureFastForTests, ..Config::new(dir.path()) };
    let core = WalletCore::open(config, Hooks::default()).unwrap();
    core.create_account("Bench", b"correct horse battery staple 42", 12, imwallet_core::wallet::Language::English).unwrap();
    g.bench_function("engine_sign_transaction_1559", |b| b.iter(|| core.sign_transaction(0, black_box(TRANSFER), 1).unwrap()));
    // For scale: the same path (session lock, gate, key derivation, stack scrub) for a message.
    g.bench_function("engine_sign_message", |b| b.iter(|| core.sign_message(0, black_box(b"hello")).unwrap()));
    g.finish();
}

criterion_group!(benches, transactions);
criterion_main!(benches);
