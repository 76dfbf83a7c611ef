//! Transaction encoding and signing against published vectors: the EIP-155 example, the
//! ethereum/tests EIP-155 and EIP-2930 transaction tests, a mainnet EIP-1559 transaction, and
//! transactions signed by an independent implementation (eth-account 0.14.0). Each vector checks
//! the signed bytes, the transaction hash and the recovered sender.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use imwallet_core::wallet::tx::{Transaction, TransactionKind, TransactionType};
use imwallet_core::wallet::{keccak256, sign, PrivateKey, Signature};
use imwallet_core::Error;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.trim_start_matches("0x")).unwrap()
}

fn b32(s: &str) -> [u8; 32] {
    h(s).try_into().unwrap()
}

/// Checks a vector signed by someone else: our signing hash + their signature recover their
/// sender, and our encoding of the signed transaction is their bytes (or has their hash).
fn check_foreign(json: &str, chain: u64, sig: Signature, raw: Option<&str>, hash: &str, sender: &str) {
    let tx = Transaction::from_json(json, chain).unwrap();
    let signer = sign::recover(&tx.signing_hash(), &sig).unwrap();
    assert_eq!(signer.to_checksum().to_lowercase(), format!("0x{}", sender.trim_start_matches("0x")).to_lowercase(), "{json}");
    let ours = tx.encode_signed(&sig);
    if let Some(raw) = raw {
        assert_eq!(hex::encode(&ours), raw.trim_start_matches("0x"), "{json}");
    }
    assert_eq!(hex::encode(keccak256(&ours)), hash.trim_start_matches("0x"), "{json}");
}

fn key46() -> PrivateKey {
    PrivateKey::from_bytes(&[0x46; 32]).unwrap()
}

#[test]
fn eip155_example() {
    // EIP-155, "Example": nonce 9, 20 gwei, 21000 gas, 1 ether to 0x3535…35 on chain 1.
    let json = r#"{"nonce":9,"gasPrice":"20000000000","gas":21000,"to":"0x3535353535353535353535353535353535353535","value":"1000000000000000000","data":"0x"}"#;
    let tx = Transaction::from_json(json, 1).unwrap();
    assert_eq!(
        hex::encode(tx.signing_payload()),
        "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080"
    );
    assert_eq!(hex::encode(tx.signing_hash()), "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
    let signed = tx.sign(&key46()).unwrap();
    assert_eq!(
        signed.raw_hex,
        "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
    );
    assert_eq!(signed.hash, "0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788");
    assert_eq!(signed.sender, "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F");
    assert_eq!(signed.raw, h(&signed.raw_hex));
    let s = signed.summary;
    assert_eq!((s.transaction_type, s.kind, s.chain_id, s.nonce), (TransactionType::Legacy, TransactionKind::Transfer, 1, 9));
    assert_eq!(s.to.as_deref(), Some("0x3535353535353535353535353535353535353535"));
    assert_eq!((s.value_wei.as_str(), s.value_eth.as_str()), ("1000000000000000000", "1"));
    assert_eq!(s.gas_price_wei.as_deref(), Some("20000000000"));
    assert_eq!((s.max_fee_wei.as_str(), s.max_fee_eth.as_str()), ("420000000000000", "0.00042"));
    assert_eq!(s.max_total_eth, "1.00042");
    assert_eq!((s.data_len, s.method_selector, s.access_list_addresses), (0, None, 0));
    assert_eq!(s.signing_hash, "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
}

/// ethereum/tests `TransactionTests/EIP155/ttTransactionTestEip155VitaliksTests.json`, the
/// chain-1 (`v` = 0x25) cases: (name, nonce, gasPrice, gas, value, r, s, rlp, hash, sender).
const VITALIK: &[(&str, &str, &str, &str, &str, &str, &str, &str, &str, &str)] = &[
    ("Vitalik_1", "0x00", "0x04a817c800", "0x5208", "0x00",
     "0x044852b2a670ade5407e78fb2863c51de9fcb96542a07186fe3aeda6bb8a116d", "0x044852b2a670ade5407e78fb2863c51de9fcb96542a07186fe3aeda6bb8a116d",
     "f864808504a817c800825208943535353535353535353535353535353535353535808025a0044852b2a670ade5407e78fb2863c51de9fcb96542a07186fe3aeda6bb8a116da0044852b2a670ade5407e78fb2863c51de9fcb96542a07186fe3aeda6bb8a116d",
     "b1e2188bc490908a78184e4818dca53684167507417fdb4c09c2d64d32a9896a", "f0f6f18bca1b28cd68e4357452947e021241e9ce"),
    ("Vitalik_2", "0x01", "0x04a817c801", "0xa410", "0x01",
     "0x489efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bca", "0x489efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc6",
     "f864018504a817c80182a410943535353535353535353535353535353535353535018025a0489efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bcaa0489efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc6",
     "e62703f43b6f10d42b520941898bf710ebb66dba9df81702702b6d9bf23fef1b", "23ef145a395ea3fa3deb533b8a9e1b4c6c25d112"),
    ("Vitalik_3", "0x02", "0x04a817c802", "0xf618", "0x08",
     "0x2d7c5bef027816a800da1736444fb58a807ef4c9603b7848673f7e3a68eb14a5", "0x2d7c5bef027816a800da1736444fb58a807ef4c9603b7848673f7e3a68eb14a5",
     "f864028504a817c80282f618943535353535353535353535353535353535353535088025a02d7c5bef027816a800da1736444fb58a807ef4c9603b7848673f7e3a68eb14a5a02d7c5bef027816a800da1736444fb58a807ef4c9603b7848673f7e3a68eb14a5",
     "1f621d7d8804723ab6fec606e504cc893ad4fe4a545d45f499caaf16a61d86dd", "2e485e0c23b4c3c542628a5f672eeab0ad4888be"),
    ("Vitalik_4", "0x03", "0x04a817c803", "0x014820", "0x1b",
     "0x2a80e1ef1d7842f27f2e6be0972bb708b9a135c38860dbe73c27c3486c34f4e0", "0x2a80e1ef1d7842f27f2e6be0972bb708b9a135c38860dbe73c27c3486c34f4de",
     "f865038504a817c803830148209435353535353535353535353535353535353535351b8025a02a80e1ef1d7842f27f2e6be0972bb708b9a135c38860dbe73c27c3486c34f4e0a02a80e1ef1d7842f27f2e6be0972bb708b9a135c38860dbe73c27c3486c34f4de",
     "99b6455776b1988840d0074c23772cb6b323eb32c5011e4a3a1d06d27b2eb425", "82a88539669a3fd524d669e858935de5e5410cf0"),
    ("Vitalik_5", "0x04", "0x04a817c804", "0x019a28", "0x40",
     "0x13600b294191fc92924bb3ce4b969c1e7e2bab8f4c93c3fc6d0a51733df3c063", "0x13600b294191fc92924bb3ce4b969c1e7e2bab8f4c93c3fc6d0a51733df3c060",
     "f865048504a817c80483019a28943535353535353535353535353535353535353535408025a013600b294191fc92924bb3ce4b969c1e7e2bab8f4c93c3fc6d0a51733df3c063a013600b294191fc92924bb3ce4b969c1e7e2bab8f4c93c3fc6d0a51733df3c060",
     "0b2b499d5a3e729bcc197e1a00f922d80890472299dd1c648988eb08b5b1ff0a", "f9358f2538fd5ccfeb848b64a96b743fcc930554"),
    ("Vitalik_6", "0x05", "0x04a817c805", "0x01ec30", "0x7d",
     "0x4eebf77a833b30520287ddd9478ff51abbdffa30aa90a8d655dba0e8a79ce0c1", "0x4eebf77a833b30520287ddd9478ff51abbdffa30aa90a8d655dba0e8a79ce0c1",
     "f865058504a817c8058301ec309435353535353535353535353535353535353535357d8025a04eebf77a833b30520287ddd9478ff51abbdffa30aa90a8d655dba0e8a79ce0c1a04eebf77a833b30520287ddd9478ff51abbdffa30aa90a8d655dba0e8a79ce0c1",
     "99a214f26aaf2804d84367ac8f33ff74b3a94e68baf820668f3641819ced1216", "a8f7aba377317440bc5b26198a363ad22af1f3a4"),
    ("Vitalik_8", "0x06", "0x04a817c806", "0x023e38", "0xd8",
     "0x6455bf8ea6e7463a1046a0b52804526e119b4bf5136279614e0b1e8e296a4e2f", "0x6455bf8ea6e7463a1046a0b52804526e119b4bf5136279614e0b1e8e296a4e2d",
     "f866068504a817c80683023e3894353535353535353535353535353535353535353581d88025a06455bf8ea6e7463a1046a0b52804526e119b4bf5136279614e0b1e8e296a4e2fa06455bf8ea6e7463a1046a0b52804526e119b4bf5136279614e0b1e8e296a4e2d",
     "4ed0b4b20536cce62389c6b95ff6a517489b6045efdefeabb4ecf8707d99e15d", "f1f571dc362a0e5b2696b8e775f8491d3e50de35"),
    ("Vitalik_9", "0x07", "0x04a817c807", "0x029040", "0x0157",
     "0x52f1a9b320cab38e5da8a8f97989383aab0a49165fc91c737310e4f7e9821021", "0x52f1a9b320cab38e5da8a8f97989383aab0a49165fc91c737310e4f7e9821021",
     "f867078504a817c807830290409435353535353535353535353535353535353535358201578025a052f1a9b320cab38e5da8a8f97989383aab0a49165fc91c737310e4f7e9821021a052f1a9b320cab38e5da8a8f97989383aab0a49165fc91c737310e4f7e9821021",
     "a40eb7000de852898a385a19312284bb06f6a9b5d8d03e0b8fb5df2f07f9fe94", "d37922162ab7cea97c97a87551ed02c9a38b7332"),
    ("Vitalik_10", "0x08", "0x04a817c808", "0x02e248", "0x0200",
     "0x64b1702d9298fee62dfeccc57d322a463ad55ca201256d01f62b45b2e1c21c12", "0x64b1702d9298fee62dfeccc57d322a463ad55ca201256d01f62b45b2e1c21c10",
     "f867088504a817c8088302e2489435353535353535353535353535353535353535358202008025a064b1702d9298fee62dfeccc57d322a463ad55ca201256d01f62b45b2e1c21c12a064b1702d9298fee62dfeccc57d322a463ad55ca201256d01f62b45b2e1c21c10",
     "588df025c4c2d757d3e314bd3dfbfe352687324e6b8557ad1731585e96928aed", "9bddad43f934d313c2b79ca28a432dd2b7281029"),
    ("Vitalik_11", "0x09", "0x04a817c809", "0x033450", "0x02d9",
     "0x52f8f61201b2b11a78d6e866abc9c3db2ae8631fa656bfe5cb53668255367afb", "0x52f8f61201b2b11a78d6e866abc9c3db2ae8631fa656bfe5cb53668255367afb",
     "f867098504a817c809830334509435353535353535353535353535353535353535358202d98025a052f8f61201b2b11a78d6e866abc9c3db2ae8631fa656bfe5cb53668255367afba052f8f61201b2b11a78d6e866abc9c3db2ae8631fa656bfe5cb53668255367afb",
     "f39c7dac06a9f3abf09faf5e30439a349d3717611b3ed337cd52b0d192bc72da", "3c24d7329e92f84f08556ceb6df1cdb0104ca49f"),
];

#[test]
fn ethereum_tests_eip155_vitaliks_tests() {
    for (name, nonce, price, gas, value, r, s, rlp, hash, sender) in VITALIK {
        let json = format!(
            r#"{{"nonce":"{nonce}","gasPrice":"{price}","gas":"{gas}","to":"0x3535353535353535353535353535353535353535","value":"{value}","data":"0x"}}"#
        );
        let sig = Signature { r: b32(r), s: b32(s), v: 27 }; // v = 0x25 = 1 * 2 + 35 + 0
        eprintln!("{name}");
        check_foreign(&json, 1, sig, Some(rlp), hash, sender);
    }
}

#[test]
fn ethereum_tests_eip2930_access_list_storage_32_bytes() {
    // TransactionTests/ttEIP2930/accessListStorage32Bytes.json (valid from Berlin on).
    let json = r#"{"type":"0x1","chainId":"0x1","nonce":"0x0","gasPrice":"0x1","gas":"0x6a40","to":"0x095e7baea6a6c7c4c2dfeb977efac326af552d87","value":"0x0","data":"0x",
      "accessList":[{"address":"0xa95e7baea6a6c7c4c2dfeb977efac326af552d87","storageKeys":["0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"]}]}"#;
    let sig = Signature {
        r: b32("5cbd172231fc0735e0fb994dd5b1a4939170a260b36f0427a8a80866b063b948"),
        s: b32("7c230f7f578dd61785c93361b9871c0706ebfa6d06e3f4491dc9558c5202ed36"),
        v: 27,
    };
    let raw = "01f89a018001826a4094095e7baea6a6c7c4c2dfeb977efac326af552d878080f838f794a95e7baea6a6c7c4c2dfeb977efac326af552d87e1a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80a05cbd172231fc0735e0fb994dd5b1a4939170a260b36f0427a8a80866b063b948a07c230f7f578dd61785c93361b9871c0706ebfa6d06e3f4491dc9558c5202ed36";
    check_foreign(
        json,
        1,
        sig,
        Some(raw),
        "b4f8b14a7aaf85ec2f76be9fbe4155deae1f87b2da95af73be3c27ed8d4c8cb7",
        "ebe76799923fd62804659fb00b4f0f1a94c0eb1e",
    );
    let s = Transaction::from_json(json, 1).unwrap().summary();
    assert_eq!((s.transaction_type, s.access_list_addresses, s.access_list_storage_keys), (TransactionType::Eip2930, 1, 1));
}

#[test]
fn ethereum_tests_eip1559_fee_beyond_128_bits_is_refused() {
    // TransactionTests/ttEIP1559/GasLimitPriceProductOverflowtMinusOne.json: a 31-byte
    // maxFeePerGas that the protocol accepts; the core bounds fees at 2^128 - 1 wei per gas
    // (no account can pay more) and refuses it with a typed error instead of signing it.
    let json = r#"{"type":"0x2","chainId":"0x1","nonce":"0x0","maxPriorityFeePerGas":"0x77359400",
      "maxFeePerGas":"0x02ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff","gas":"0x5208","to":"0x095e7baea6a6c7c4c2dfeb977efac326af552d87","value":"0x0","data":"0x"}"#;
    assert!(matches!(Transaction::from_json(json, 1), Err(Error::InvalidTransaction { reason }) if reason.contains("maxFeePerGas")));
}

#[test]
fn mainnet_eip1559_transaction() {
    // Ethereum mainnet 0x0ec0b6a2…2ee0 (the alloy-rs example `encode_decode_eip1559`): nonce 0x42,
    // setApprovalForAll(0x5eee…a57a, false) to 0x6069…f0f6, signed by 0xDD6B…4CEa.
    let json = r#"{"type":2,"chainId":1,"nonce":"0x42","gas":44386,"to":"0x6069a6c32cf691f5982febae4faf8a6f3ab2f0f6","value":"0x0",
      "data":"0xa22cb4650000000000000000000000005eee75727d804a2b13038928d36f8b188945a57a0000000000000000000000000000000000000000000000000000000000000000",
      "maxFeePerGas":"0x4a817c800","maxPriorityFeePerGas":"0x3b9aca00"}"#;
    let sig = Signature {
        r: b32("840cfc572845f5786e702984c2a582528cad4b49b2a10b9db1be7fca90058565"),
        s: b32("25e7109ceb98168d95b09b18bbf6b685130e0562f233877d492b94eee0c5b6d1"),
        v: 27,
    };
    check_foreign(
        json,
        1,
        sig,
        None,
        "0ec0b6a2df4d87424e5f6ad2a654e27aaeb7dac20ae9e8385cc09087ad532ee0",
        "0xDD6B8b3dC6B7AD97db52F08a275FF4483e024CEa",
    );
    let s = Transaction::from_json(json, 1).unwrap().summary();
    assert_eq!((s.kind, s.method_selector.as_deref(), s.data_len), (TransactionKind::ContractCall, Some("0xa22cb465"), 68));
    assert_eq!((s.max_fee_per_gas_wei.as_deref(), s.max_priority_fee_per_gas_wei.as_deref()), (Some("20000000000"), Some("1000000000")));
    assert_eq!(s.max_fee_wei, (44386u128 * 20_000_000_000).to_string());
}

/// Signed by eth-account 0.14.0 (`Account.sign_transaction`, key 0x46…46); RFC 6979 makes the
/// bytes identical.
#[test]
fn same_bytes_as_eth_account() {
    let cases = [
        (
            r#"{"type":2,"chainId":1,"nonce":0,"maxFeePerGas":"30000000000","maxPriorityFeePerGas":"2000000000","gas":100000,
               "to":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","value":"1234567890123456789",
               "data":"0xa9059cbb0000000000000000000000003535353535353535353535353535353535353535000000000000000000000000000000000000000000000000000000000000000a",
               "accessList":[{"address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","storageKeys":["0x0000000000000000000000000000000000000000000000000000000000000001","0xabababababababababababababababababababababababababababababababab"]},
                             {"address":"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359","storageKeys":[]}]}"#,
            1,
            "02f9012c018084773594008506fc23ac00830186a0945aaeb6053f3e94c9b9a09f33669435e7ef1beaed88112210f47de98115b844a9059cbb0000000000000000000000003535353535353535353535353535353535353535000000000000000000000000000000000000000000000000000000000000000af872f859945aaeb6053f3e94c9b9a09f33669435e7ef1beaedf842a00000000000000000000000000000000000000000000000000000000000000001a0ababababababababababababababababababababababababababababababababd694fb6916095ca1df60bb79ce92ce3ea74c37c5d359c001a0c5c156bc4cb140d49eb7847be9e5652ef01866ac7ae2b5a94325dedc0ed3cb47a060911c9aa20297c405551f6289a8d2f012c5308b40cbf5b91d04a0c4f50ada46",
            "2a5592086a8fe081c8d683d0028d9310d848274fca36371b3568094981296c04",
        ),
        (
            r#"{"type":1,"chainId":11155111,"nonce":7,"gasPrice":1000000007,"gas":300000,"value":0,"accessList":[],
               "data":"0x6080604052348015600f57600080fd5b50603f80601d6000396000f3fe6080604052600080fdfea164736f6c6343000800000a"}"#,
            11_155_111,
            "01f88883aa36a707843b9aca07830493e08080b36080604052348015600f57600080fd5b50603f80601d6000396000f3fe6080604052600080fdfea164736f6c6343000800000ac080a08727ab8c0bcb8cbc20adf32b87e03d1ae8173f1b949f1e2cce41b3167c1db5f8a02d79e7346477e4f95b48353363a376e85a292d006beb21a26fa297f053e2df0d",
            "c8df5385bec2115868e4db4dead6bb3fa35c2bbd54f61ee5b38977af48b36476",
        ),
    ];
    for (json, chain, raw, hash) in cases {
        let signed = Transaction::from_json(json, chain).unwrap().sign(&key46()).unwrap();
        assert_eq!(hex::encode(&signed.raw), raw);
        assert_eq!(signed.hash, format!("0x{hash}"));
    }
    let creation = Transaction::from_json(cases[1].0, 11_155_111).unwrap().summary();
    assert_eq!((creation.kind, creation.to, creation.method_selector), (TransactionKind::ContractCreation, None, None));
    assert_eq!((creation.value_eth.as_str(), creation.max_fee_wei.as_str()), ("0", "300000002100000"));
    let call = Transaction::from_json(cases[0].0, 1).unwrap().summary();
    assert_eq!((call.access_list_addresses, call.access_list_storage_keys, call.value_eth.as_str()), (2, 2, "1.234567890123456789"));
}

#[test]
fn every_signature_recovers_to_the_signer() {
    let key = key46();
    for (i, json) in [
        r#"{"nonce":0,"gasPrice":1,"gas":21000,"to":"0x3535353535353535353535353535353535353535"}"#,
        r#"{"type":"0x1","nonce":1,"gasPrice":1,"gas":21000,"to":"0x3535353535353535353535353535353535353535","accessList":[]}"#,
        r#"{"nonce":2,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":53000,"data":"0x00"}"#,
    ]
    .iter()
    .enumerate()
    {
        for chain in [1, 137, 11_155_111, imwallet_core::wallet::tx::Limits::MAX_CHAIN_ID] {
            let tx = Transaction::from_json(json, chain).unwrap();
            let signed = tx.sign(&key).unwrap();
            assert_eq!(signed.hash, format!("0x{}", hex::encode(keccak256(&signed.raw))));
            assert_eq!(signed.sender, key.address().to_checksum());
            // The signature over the signing hash recovers the key, for both parities.
            let sig = sign::sign_digest(&key, &tx.signing_hash()).unwrap();
            assert_eq!(sign::recover(&tx.signing_hash(), &sig).unwrap(), key.address(), "case {i} chain {chain}");
            assert_eq!(tx.encode_signed(&sig), signed.raw);
        }
    }
}
