//! Keystore v3 files written by real tools (ethereum/tests KeyStoreTests, Web3 Secret Storage
//! spec, MyEtherWallet-style light scrypt), hostile parameters, and the EIP-712 "Mail" example.

use imwallet_core::vault::keystore::{export, import, ExportKdf, Limits};
use imwallet_core::wallet::eip712::{digest, sign_typed_data, sign_typed_digest, TypedData};
use imwallet_core::wallet::{keccak256, PrivateKey};
use imwallet_core::Error;

const SPEC_PRIV: &str = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

const PBKDF2: &str = r#"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},
 "ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2",
 "kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
 "mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#;

const SCRYPT: &str = r#"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},
 "ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt",
 "kdfparams":{"dklen":32,"n":262144,"r":1,"p":8,"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
 "mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#;

/// A light-scrypt file (n=4096, r=8, p=6) as MyEtherWallet/Trust wrote them.
const LIGHT: &str = r#"{"address":"5e9c27156a612a2d516c74c7a80af107856f8539","crypto":{"cipher":"aes-128-ctr",
 "ciphertext":"5eb0c790d1fb27824c78acac9233241b340c329b46aba08c6533b70ab67ea74f","cipherparams":{"iv":"e5ab559977af075eda00a97c8f0ce506"},
 "kdf":"scrypt","kdfparams":{"dklen":32,"n":4096,"p":6,"r":8,"salt":"b43142f34caf2b3b39c16f52344701f800711589f799cdae1827ac2f844f9602"},
 "mac":"c6ccaecca7896974dacac91a8116216ec287930bc74bfd7694a94f08bd992095"},"id":"e3554f73-4d0a-40a0-b721-fc801623d5ba","version":3}"#;

#[test]
fn reads_pbkdf2_and_scrypt_vectors() {
    let k = import(PBKDF2, b"testpassword").unwrap();
    assert_eq!(hex::encode(k.to_bytes().expose()), SPEC_PRIV);
    let k = import(SCRYPT, b"testpassword").unwrap();
    assert_eq!(hex::encode(k.to_bytes().expose()), SPEC_PRIV);
    let k = import(LIGHT, b"test").unwrap();
    assert_eq!(hex::encode(k.to_bytes().expose()), "1fcb84974220eb76e619d7208e1446ae9c0f755e97fb220a8f61c7dc03a0dfce");
}

#[test]
fn wrong_password_is_typed() {
    assert_eq!(import(PBKDF2, b"wrong").unwrap_err(), Error::KeystoreWrongPassword);
    assert_eq!(import(LIGHT, b"").unwrap_err(), Error::KeystoreWrongPassword);
}

#[test]
fn export_then_import_round_trips_with_geth_standard_params() {
    let key = PrivateKey::from_bytes(&hex::decode(SPEC_PRIV).unwrap()).unwrap();
    // n=262144 r=8 p=1: what geth and MetaMask write.
    let json = export(&key, b"pw", ExportKdf::STANDARD).unwrap();
    assert!(json.contains("\"n\": 262144") && json.contains("\"r\": 8"));
    assert_eq!(import(&json, b"pw").unwrap().address(), key.address());
    let json = export(&key, b"pw", ExportKdf::Pbkdf2 { rounds: 1000 }).unwrap();
    assert_eq!(import(&json, b"pw").unwrap().address(), key.address());
    assert_eq!(import(&json, b"pW").unwrap_err(), Error::KeystoreWrongPassword);
}

fn tamper(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "{from}");
    base.replacen(from, to, 1)
}

#[test]
fn hostile_parameters_are_refused_before_any_work() {
    let refused = |j: &str| matches!(import(j, b"x"), Err(Error::KeystoreParamsRefused { .. }));
    // 2^40 memory: would OOM; refused instantly.
    assert!(refused(&tamper(SCRYPT, "\"n\":262144", "\"n\":1099511627776")));
    assert!(refused(&tamper(SCRYPT, "\"n\":262144", "\"n\":262143")), "n not a power of two");
    assert!(refused(&tamper(SCRYPT, "\"n\":262144", "\"n\":1")), "n = 1");
    assert!(refused(&tamper(SCRYPT, "\"r\":1", "\"r\":4096")), "memory via r");
    assert!(refused(&tamper(SCRYPT, "\"p\":8", "\"p\":1000000")), "work via p");
    assert!(refused(&tamper(SCRYPT, "\"r\":1", "\"r\":0")));
    assert!(refused(&tamper(SCRYPT, "\"dklen\":32", "\"dklen\":64")), "wrong dklen");
    assert!(refused(&tamper(PBKDF2, "\"c\":262144", "\"c\":4000000000")), "pbkdf2 would hang");
    assert!(refused(&tamper(PBKDF2, "\"c\":262144", "\"c\":0")));
    // Issue 14: the 128·r·p-byte B buffer counts too (these passed the old n- and work-bounds).
    let refused_for = |n: u64, r: u64, p: u64, why: &str| {
        let j = tamper(SCRYPT, "\"n\":262144,\"r\":1,\"p\":8", &format!("\"n\":{n},\"r\":{r},\"p\":{p}"));
        match import(&j, b"x") {
            Err(Error::KeystoreParamsRefused { reason }) => assert!(reason.contains(why), "n={n} r={r} p={p}: {reason}"),
            other => panic!("n={n} r={r} p={p}: {other:?}"),
        }
    };
    refused_for(2, 8, 1 << 20, "p = 1048576 is above the limit 256"); // B = 1 GiB
    refused_for(2, 1, 257, "p = 257");
    refused_for(2, 1 << 20, 8, "in all"); // V = 256 MiB, B = 1 GiB
    refused_for(2, 1 << 16, 128, "in all"); // B = 1 GiB, work exactly 2^24
    assert_eq!(Limits::SCRYPT_MAX_MEMORY, 256 << 20);
    assert_eq!(Limits::SCRYPT_MAX_TOTAL_MEMORY, 264 << 20);
    assert_eq!(Limits::SCRYPT_MAX_P, 256);
}

#[test]
fn scrypt_bounds_accept_the_parameters_real_tools_write() {
    // Wrong password: the KDF ran (the parameters were accepted) and the MAC said no.
    let runs = |j: &str| matches!(import(j, b"x"), Err(Error::KeystoreWrongPassword));
    assert!(runs(SCRYPT), "n=2^18 r=1 p=8 (ethereum/tests)");
    assert!(runs(LIGHT), "n=2^12 r=8 p=6 (geth light)");
    assert!(runs(&tamper(SCRYPT, "\"n\":262144,\"r\":1,\"p\":8", "\"n\":2,\"r\":1,\"p\":256")), "p at the limit");
}

#[test]
fn export_refuses_parameters_import_would_refuse() {
    let key = PrivateKey::from_bytes(&hex::decode(SPEC_PRIV).unwrap()).unwrap();
    let refused = |kdf| matches!(export(&key, b"pw", kdf), Err(Error::KeystoreParamsRefused { .. }));
    assert!(refused(ExportKdf::Scrypt { log_n: 1, r: 8, p: 1 << 20 }));
    assert!(refused(ExportKdf::Scrypt { log_n: 30, r: 8, p: 1 }));
    assert!(refused(ExportKdf::Scrypt { log_n: 200, r: 8, p: 1 }));
    assert!(refused(ExportKdf::Pbkdf2 { rounds: 0 }));
    assert!(refused(ExportKdf::Pbkdf2 { rounds: 4_000_000_000 }));
}

#[test]
fn malformed_and_unsupported_files_are_typed() {
    let malformed = |j: &str| matches!(import(j, b"x"), Err(Error::KeystoreMalformed { .. }));
    assert!(malformed("not json"));
    assert!(malformed("{}"));
    assert!(malformed(&tamper(PBKDF2, "6087dab2f9fdbbfaddc31a909735c1e6", "6087")), "short iv");
    assert!(malformed(&tamper(PBKDF2, "\"mac\":\"517e", "\"mac\":\"zz7e")), "non-hex mac");
    assert!(malformed(&tamper(PBKDF2, "\"kdf\":\"pbkdf2\",", "")), "missing kdf");
    let wrong_addr = tamper(LIGHT, "5e9c27156a612a2d516c74c7a80af107856f8539", "0000000000000000000000000000000000000000");
    assert!(matches!(import(&wrong_addr, b"test"), Err(Error::KeystoreMalformed { .. })), "address field mismatch");
    let unsupported = |j: &str| matches!(import(j, b"x"), Err(Error::KeystoreUnsupported { .. }));
    assert!(unsupported(&tamper(PBKDF2, "\"version\":3", "\"version\":1")));
    assert!(unsupported(&tamper(PBKDF2, "aes-128-ctr", "aes-256-gcm")));
    assert!(unsupported(&tamper(PBKDF2, "\"kdf\":\"pbkdf2\"", "\"kdf\":\"argon2\"")));
    assert!(unsupported(&tamper(PBKDF2, "hmac-sha256", "hmac-sha512")));
}

const MAIL: &str = r#"{
  "types": {
    "EIP712Domain": [{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
    "Person": [{"name":"name","type":"string"},{"name":"wallet","type":"address"}],
    "Mail": [{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]
  },
  "primaryType": "Mail",
  "domain": {"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
  "message": {"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}
}"#;

#[test]
fn eip712_mail_example() {
    let td = TypedData::from_json(MAIL).unwrap();
    assert_eq!(td.encode_type("Mail").unwrap(), "Mail(Person from,Person to,string contents)Person(string name,address wallet)");
    assert_eq!(hex::encode(td.domain_separator().unwrap()), "f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
    assert_eq!(hex::encode(td.signing_hash().unwrap()), "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
    let cow = PrivateKey::from_bytes(&keccak256(b"cow")).unwrap();
    assert_eq!(cow.address().to_checksum(), "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826");
    let sig = sign_typed_data(&cow, MAIL).unwrap();
    assert_eq!(sig.v, 28);
    assert_eq!(hex::encode(sig.r), "4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d");
    assert_eq!(hex::encode(sig.s), "07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562");
}

#[test]
fn eip712_arrays_bytes_ints_and_nested_structs() {
    let json = r#"{"types":{"EIP712Domain":[{"name":"chainId","type":"uint256"}],
      "Order":[{"name":"owners","type":"address[]"},{"name":"amounts","type":"int64[2]"},{"name":"data","type":"bytes"},
               {"name":"tag","type":"bytes4"},{"name":"ok","type":"bool"},{"name":"big","type":"uint256"},{"name":"legs","type":"Leg[]"},{"name":"grid","type":"uint8[][]"}],
      "Leg":[{"name":"to","type":"address"},{"name":"memo","type":"string"}]},
      "primaryType":"Order","domain":{"chainId":"0x1"},
      "message":{"owners":["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"],"amounts":[-5,"9223372036854775807"],"data":"0xdeadbeef",
                 "tag":"0x01020304","ok":true,"big":"115792089237316195423570985008687907853269984665640564039457584007913129639935",
                 "legs":[{"to":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB","memo":"hi"}],"grid":[[1,2],[3]]}}"#;
    let h1 = TypedData::from_json(json).unwrap().signing_hash().unwrap();
    // Deterministic, and sensitive to every field.
    assert_eq!(h1, TypedData::from_json(json).unwrap().signing_hash().unwrap());
    let changed = json.replace("\"memo\":\"hi\"", "\"memo\":\"ho\"");
    assert_ne!(h1, TypedData::from_json(&changed).unwrap().signing_hash().unwrap());
    let bad = |j: String| matches!(TypedData::from_json(&j).and_then(|t| t.signing_hash()), Err(Error::InvalidTypedData { .. }));
    assert!(bad(json.replace("9223372036854775807", "9223372036854775808")), "int64 overflow");
    assert!(bad(json.replace("[-5,", "[-5, 1,")), "fixed array length");
    assert!(
        bad(json.replace(
            "115792089237316195423570985008687907853269984665640564039457584007913129639935",
            "115792089237316195423570985008687907853269984665640564039457584007913129639936"
        )),
        "uint256 overflow"
    );
    assert!(bad(json.replace("0x01020304", "0x0102030405")), "bytes4 too long");
    assert!(bad(json.replace("\"ok\":true,", "")), "missing field");
    assert!(bad(json.replace("\"type\":\"bool\"", "\"type\":\"boolean\"")), "unknown type");
    assert!(bad(json.replace("\"primaryType\":\"Order\"", "\"primaryType\":\"Nope\"")));
    assert!(bad("[]".into()));
    assert!(bad(json.replace("\"big\":\"1", "\"big\":\"-1")), "negative uint");
}

/// eth_signTypedData_v4 fixtures (MetaMask eth-sig-util, also in Trust Wallet core): arrays of
/// structs, a struct used twice, 2-D int arrays with negatives.
const MAIL_ARRAYS: &str = r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallets","type":"address[]"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person[]"},{"name":"contents","type":"string"}],"Group":[{"name":"name","type":"string"},{"name":"members","type":"Person[]"}]},"domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"primaryType":"Mail","message":{"from":{"name":"Cow","wallets":["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826","0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF"]},"to":[{"name":"Bob","wallets":["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB","0xB0BdaBea57B0BDABeA57b0bdABEA57b0BDabEa57","0xB0B0b0b0b0b0B000000000000000000000000000"]}],"contents":"Hello, Bob!"}}"#;

#[test]
fn eip712_public_v4_vectors_with_arrays() {
    let td = TypedData::from_json(MAIL_ARRAYS).unwrap();
    assert_eq!(td.encode_type("Mail").unwrap(), "Mail(Person from,Person[] to,string contents)Person(string name,address[] wallets)");
    assert_eq!(hex::encode(td.domain_separator().unwrap()), "f2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
    assert_eq!(hex::encode(digest(MAIL_ARRAYS).unwrap()), "a85c2e2b118698e88db68a8105b794a8cc7cec074e89ef991cb4f5f533819cc2");
    let matrix = MAIL_ARRAYS
        .replace(
            r#"{"name":"wallets","type":"address[]"}]"#,
            r#"{"name":"wallets","type":"address[]"},{"name":"logo_matrix","type":"int[][]"}]"#,
        )
        .replace(
            r#""0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF"]"#,
            r#""0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF"],"logo_matrix":[[0,255],[-255,-1]]"#,
        )
        .replace(
            r#""0xB0B0b0b0b0b0B000000000000000000000000000"]"#,
            r#""0xB0B0b0b0b0b0B000000000000000000000000000"],"logo_matrix":[[0,0],[0,0]]"#,
        );
    assert_eq!(hex::encode(digest(&matrix).unwrap()), "5370bb332dbe5d922832f1654d01b5d42cbbfd7bb999e939836f4a40a12a8bd4");
}

#[test]
fn eip712_recursive_types_encode_once() {
    let json = r#"{"types":{"Person":[{"name":"name","type":"string"},{"name":"mother","type":"Person"},{"name":"father","type":"Person"}]},
      "primaryType":"Person","domain":{},"message":{}}"#;
    assert_eq!(TypedData::from_json(json).unwrap().encode_type("Person").unwrap(), "Person(string name,Person mother,Person father)");
}

#[test]
fn eip712_digest_first_then_sign() {
    // The engine hashes (and validates) before it touches a key: digest() needs none.
    let d = digest(MAIL).unwrap();
    assert_eq!(hex::encode(d), "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
    let cow = PrivateKey::from_bytes(&keccak256(b"cow")).unwrap();
    assert_eq!(sign_typed_digest(&cow, &d).unwrap(), sign_typed_data(&cow, MAIL).unwrap());
    assert!(matches!(digest("{}"), Err(Error::InvalidTypedData { .. })));
}
