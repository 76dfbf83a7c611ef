//! Generated EIP-712 payloads shared by the hostile-input tests and the bench
//! (`core/benches/eip712.rs` includes this file by path).
#![allow(dead_code)]

use std::fmt::Write;

const HEAD: &str = r#"{"primaryType":"Root","domain":{"name":"hostile","chainId":1},"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"chainId","type":"uint256"}]"#;

/// `,"Hub":[…]` referencing `D0[] … D{leaves-1}[]`, then the `D<j>` types (one bool each).
fn hub_and_leaves(s: &mut String, leaves: usize) {
    s.push_str(r#","Hub":["#);
    for j in 0..leaves {
        let sep = if j == 0 { "" } else { "," };
        let _ = write!(s, r#"{sep}{{"name":"f{j}","type":"D{j}[]"}}"#);
    }
    s.push(']');
    for j in 0..leaves {
        let _ = write!(s, r#","D{j}":[{{"name":"v","type":"bool"}}]"#);
    }
}

/// The issue's payload: `leaves + 4` types and `instances` struct instances. Every `Item`
/// references `Hub`, which references every leaf type through an (empty) array, so each
/// instance's `encodeType` spans all the types: hashing that string per instance is quadratic.
/// `many_types(7_996, 40_000)` is 8,000 types, 40,000 instances, ~0.93 MB.
pub fn many_types(leaves: usize, instances: usize) -> String {
    let mut s = String::with_capacity(40 * leaves + 10 * instances + 512);
    s.push_str(HEAD);
    s.push_str(r#","Root":[{"name":"items","type":"Item[]"}],"Item":[{"name":"h","type":"Hub[]"}]"#);
    hub_and_leaves(&mut s, leaves);
    s.push_str(r#"},"message":{"items":["#);
    for i in 0..instances {
        s.push_str(if i == 0 { r#"{"h":[]}"# } else { r#",{"h":[]}"# });
    }
    s.push_str("]}}");
    s
}

/// `wide` distinct struct types `A<i>`, each instantiated once and each referencing `Hub`
/// (and so all `leaves` leaf types): even with one `typeHash` per type, the `encodeType`
/// strings add up to `wide × (size of all type signatures)` — hundreds of MB from < 1 MB.
pub fn type_string_amplification(leaves: usize, wide: usize) -> String {
    let mut s = String::with_capacity(40 * leaves + 80 * wide + 512);
    s.push_str(HEAD);
    s.push_str(r#","Root":["#);
    for i in 0..wide {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(s, r#"{sep}{{"name":"a{i}","type":"A{i}"}}"#);
    }
    s.push(']');
    for i in 0..wide {
        let _ = write!(s, r#","A{i}":[{{"name":"h","type":"Hub[]"}}]"#);
    }
    hub_and_leaves(&mut s, leaves);
    s.push_str(r#"},"message":{"#);
    for i in 0..wide {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(s, r#"{sep}"a{i}":{{"h":[]}}"#);
    }
    s.push_str("}}");
    s
}

/// A realistic but large payload of about `target_bytes`: a batch of orders, each with
/// addresses, amounts (decimal and hex strings), strings, bytes and nested line items.
pub fn orders(target_bytes: usize) -> String {
    let mut s = String::with_capacity(target_bytes + 4096);
    s.push_str(r#"{"primaryType":"Batch","domain":{"name":"Exchange","version":"2","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Batch":[{"name":"orders","type":"Order[]"},{"name":"nonce","type":"uint256"}],"Order":[{"name":"maker","type":"address"},{"name":"amount","type":"uint256"},{"name":"expiry","type":"uint64"},{"name":"memo","type":"string"},{"name":"lines","type":"Line[]"},{"name":"flags","type":"bool[2]"}],"Line":[{"name":"token","type":"address"},{"name":"id","type":"uint256"},{"name":"qty","type":"int128"},{"name":"data","type":"bytes"},{"name":"tag","type":"bytes4"}]},"message":{"nonce":"0x2a","orders":["#);
    let mut i: u64 = 0;
    while s.len() < target_bytes {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(
            s,
            r#"{sep}{{"maker":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826","amount":"{}","expiry":{},"memo":"order number {i}","lines":["#,
            1_000_000_000_000_000_000u128 + u128::from(i),
            1_700_000_000 + i
        );
        for l in 0..3u64 {
            let sep = if l == 0 { "" } else { "," };
            let _ = write!(
                s,
                r#"{sep}{{"token":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB","id":"0x{:x}","qty":-{},"data":"0xdeadbeef{:08x}","tag":"0x01020304"}}"#,
                i * 3 + l,
                l + 1,
                i
            );
        }
        s.push_str(r#"],"flags":[true,false]}"#);
        i += 1;
    }
    s.push_str("]}}");
    s
}
