//! EIP-712 hashing of ~1 MB payloads (goal: < 100 ms in a release build; issue 14).
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use imwallet_core::wallet::eip712::{digest, TypedData};

#[path = "../tests/eip712_payloads/mod.rs"]
mod payloads;

fn eip712(c: &mut Criterion) {
    let orders = payloads::orders(1 << 20);
    let many = payloads::many_types(7_996, 40_000);
    let parsed = TypedData::from_json(&orders).unwrap();
    let parsed_many = TypedData::from_json(&many).unwrap();
    let mut g = c.benchmark_group("eip712");
    g.sample_size(20);
    // Parse + validate + hash: what `digest` costs a dapp request.
    g.bench_function("digest_orders_1mib", |b| b.iter(|| digest(black_box(&orders)).unwrap()));
    g.bench_function("hash_only_orders_1mib", |b| b.iter(|| black_box(&parsed).signing_hash().unwrap()));
    // The payload: 8,000 types, 40,000 struct instances, 0.93 MB (minutes before).
    g.bench_function("digest_8000_types_40000_instances", |b| b.iter(|| digest(black_box(&many)).unwrap()));
    g.bench_function("hash_only_8000_types_40000_instances", |b| b.iter(|| black_box(&parsed_many).signing_hash().unwrap()));
    g.bench_function("parse_only_8000_types_40000_instances", |b| b.iter(|| TypedData::from_json(black_box(&many)).unwrap()));
    g.finish();
}

criterion_group!(benches, eip712);
criterion_main!(benches);
