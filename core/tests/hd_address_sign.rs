//! BIP32 vectors 1–4, well-known mnemonics → addresses, ERC-55, EIP-191 and recovery.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

use imwallet_core::wallet::hd::extended_keys;
use imwallet_core::wallet::sign::{personal_message_digest, personal_sign, recover, sign_digest, verify};
use imwallet_core::wallet::{Address, DerivationPath, Mnemonic, PrivateKey, Signature};
use imwallet_core::{vault::SecretBytes, Error};

fn xprv(seed_hex: &str, path: &str) -> String {
    let seed = SecretBytes::new(hex::decode(seed_hex).unwrap());
    let (x, _) = extended_keys(&seed, &path.parse().unwrap()).unwrap();
    x.expose_str().unwrap().to_string()
}

#[test]
fn bip32_vector_1() {
    let s = "000102030405060708090a0b0c0d0e0f";
    let seed = SecretBytes::new(hex::decode(s).unwrap());
    let (x, p) = extended_keys(&seed, &"m".parse().unwrap()).unwrap();
    assert_eq!(
        x.expose_str().unwrap(),
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"
    );
    assert_eq!(p, "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8");
    for (path, want) in [
        ("m/0'", "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7"),
        ("m/0h/1", "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs"),
        ("m/0'/1/2'", "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM"),
        ("m/0'/1/2'/2", "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334"),
        (
            "m/0'/1/2'/2/1000000000",
            "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76",
        ),
    ] {
        assert_eq!(xprv(s, path), want, "{path}");
    }
}

#[test]
fn bip32_vector_2() {
    let s =
        "fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542";
    for (path, want) in [
        ("m", "xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm55Qn3LqFtT2emdEXVYsCzC2U"),
        ("m/0", "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1fwqWpWkeS3v86pgKt"),
        (
            "m/0/2147483647'",
            "xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVsFawNzmjuHc2YmYRmagcEPdU9",
        ),
        (
            "m/0/2147483647'/1",
            "xprv9zFnWC6h2cLgpmSA46vutJzBcfJ8yaJGg8cX1e5StJh45BBciYTRXSd25UEPVuesF9yog62tGAQtHjXajPPdbRCHuWS6T8XA2ECKADdw4Ef",
        ),
        (
            "m/0/2147483647'/1/2147483646'",
            "xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc",
        ),
        (
            "m/0/2147483647'/1/2147483646'/2",
            "xprvA2nrNbFZABcdryreWet9Ea4LvTJcGsqrMzxHx98MMrotbir7yrKCEXw7nadnHM8Dq38EGfSh6dqA9QWTyefMLEcBYJUuekgW4BYPJcr9E7j",
        ),
    ] {
        assert_eq!(xprv(s, path), want, "{path}");
    }
}

#[test]
fn bip32_vectors_3_and_4_leading_zeros() {
    let s3 =
        "4b381541583be4423346c643850da4b320e46a87ae3d2a4e6da11eba819cd4acba45d239319ac14f863b8d5ab5a0d0c64d2e8a1e7d1457df2e5a3c51c73235be";
    assert_eq!(
        xprv(s3, "m"),
        "xprv9s21ZrQH143K25QhxbucbDDuQ4naNntJRi4KUfWT7xo4EKsHt2QJDu7KXp1A3u7Bi1j8ph3EGsZ9Xvz9dGuVrtHHs7pXeTzjuxBrCmmhgC6"
    );
    assert_eq!(
        xprv(s3, "m/0'"),
        "xprv9uPDJpEQgRQfDcW7BkF7eTya6RPxXeJCqCJGHuCJ4GiRVLzkTXBAJMu2qaMWPrS7AANYqdq6vcBcBUdJCVVFceUvJFjaPdGZ2y9WACViL4L"
    );
    let s4 = "3ddd5602285899a946114506157c7997e5444528f3003f6134712147db19b678";
    assert_eq!(
        xprv(s4, "m"),
        "xprv9s21ZrQH143K48vGoLGRPxgo2JNkJ3J3fqkirQC2zVdk5Dgd5w14S7fRDyHH4dWNHUgkvsvNDCkvAwcSHNAQwhwgNMgZhLtQC63zxwhQmRv"
    );
    assert_eq!(
        xprv(s4, "m/0'"),
        "xprv9vB7xEWwNp9kh1wQRfCCQMnZUEG21LpbR9NPCNN1dwhiZkjjeGRnaALmPXCX7SgjFTiCTT6bXes17boXtjq3xLpcDjzEuGLQBM5ohqkao9G"
    );
    assert_eq!(
        xprv(s4, "m/0'/1'"),
        "xprv9xJocDuwtYCMNAo3Zw76WENQeAS6WGXQ55RCy7tDJ8oALr4FWkuVoHJeHVAcAqiZLE7Je3vZJHxspZdFHfnBEjHqU5hG1Jaj32dVoS6XLT1"
    );
}

fn addresses(phrase: &str, n: u32) -> Vec<String> {
    let seed = Mnemonic::parse(phrase).unwrap().to_seed("").unwrap();
    (0..n).map(|i| PrivateKey::derive(&seed, &DerivationPath::ethereum(i).unwrap()).unwrap().address().to_checksum()).collect()
}

#[test]
fn well_known_mnemonics_give_well_known_addresses() {
    assert_eq!(
        addresses("test test test test test test test test test test test junk", 3),
        [
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
        ]
    );
    assert_eq!(
        addresses("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", 1),
        ["0x9858EfFD232B4033E47d90003D41EC34EcaEda94"]
    );
}

#[test]
fn derivation_paths_parse_and_refuse() {
    let p: DerivationPath = "m/44'/60'/0'/0/7".parse().unwrap();
    assert_eq!(p.to_string(), "m/44'/60'/0'/0/7");
    assert_eq!("m/44h/60H/0'".parse::<DerivationPath>().unwrap().to_string(), "m/44'/60'/0'");
    for bad in ["", "44'/60'", "m/", "m/x", "m/44''", "m/-1", "m/2147483648", "m/1/ 2", "n/0"] {
        assert!(matches!(bad.parse::<DerivationPath>(), Err(Error::InvalidDerivationPath { .. })), "{bad:?}");
    }
    let deep = format!("m{}", "/0".repeat(256));
    assert!(matches!(deep.parse::<DerivationPath>(), Err(Error::InvalidDerivationPath { .. })));
    assert!(DerivationPath::ethereum(1 << 31).is_err());
}

#[test]
fn erc55_test_cases() {
    for a in [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ] {
        let parsed: Address = a.parse().unwrap();
        assert_eq!(parsed.to_checksum().to_lowercase(), a.to_lowercase());
        if a[2..].chars().any(|c| c.is_ascii_lowercase()) && a[2..].chars().any(|c| c.is_ascii_uppercase()) {
            assert_eq!(parsed.to_checksum(), a);
        }
    }
    assert_eq!("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD".parse::<Address>().unwrap_err(), Error::AddressChecksumMismatch);
    for bad in [
        "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
        "0xZZAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "",
    ] {
        assert!(matches!(bad.parse::<Address>(), Err(Error::InvalidAddress { .. })), "{bad}");
    }
}

#[test]
fn personal_sign_known_answer_and_recovery() {
    // web3.js documentation example: sign("Some data") with this key.
    let key = PrivateKey::from_bytes(&hex::decode("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318").unwrap()).unwrap();
    assert_eq!(hex::encode(personal_message_digest(b"Some data")), "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655");
    let sig = personal_sign(&key, b"Some data").unwrap();
    assert_eq!(sig.to_hex(), "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c");
    let d = personal_message_digest(b"Some data");
    assert_eq!(recover(&d, &sig).unwrap(), key.address());
    assert!(verify(&d, &sig, &key.address()));
    assert!(!verify(&personal_message_digest(b"Other data"), &sig, &key.address()));
}

#[test]
fn signatures_are_deterministic_and_low_s() {
    let key = PrivateKey::from_bytes(&[7u8; 32]).unwrap();
    let half_n = hex::decode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0").unwrap();
    for i in 0..64u8 {
        let digest = [i; 32];
        let a = sign_digest(&key, &digest).unwrap();
        assert_eq!(a, sign_digest(&key, &digest).unwrap(), "RFC 6979 is deterministic");
        assert!(a.s.as_slice() <= half_n.as_slice(), "low-s");
        assert!(a.v == 27 || a.v == 28);
        assert_eq!(recover(&digest, &a).unwrap(), key.address());
    }
}

#[test]
fn bad_signatures_and_keys_are_typed() {
    assert!(matches!(Signature::from_bytes(&[0u8; 64]), Err(Error::InvalidSignature { .. })));
    let mut b = [1u8; 65];
    b[64] = 29;
    assert!(matches!(Signature::from_bytes(&b), Err(Error::InvalidSignature { .. })));
    let zero = Signature { r: [0; 32], s: [0; 32], v: 27 };
    assert!(matches!(recover(&[1; 32], &zero), Err(Error::InvalidSignature { .. })));
    // high-s (n - s) is refused
    let key = PrivateKey::from_bytes(&[7u8; 32]).unwrap();
    let good = sign_digest(&key, &[9; 32]).unwrap();
    let n = hex::decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141").unwrap();
    let mut high = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let v = n[i] as i16 - good.s[i] as i16 - borrow;
        borrow = i16::from(v < 0);
        high[i] = (v + 256 * borrow) as u8;
    }
    let flipped = Signature { s: high, v: if good.v == 27 { 28 } else { 27 }, ..good };
    assert!(matches!(recover(&[9; 32], &flipped), Err(Error::InvalidSignature { .. })));
    assert_eq!(PrivateKey::from_bytes(&[0u8; 32]).unwrap_err(), Error::InvalidPrivateKey);
    assert_eq!(PrivateKey::from_bytes(&[1u8; 31]).unwrap_err(), Error::InvalidPrivateKey);
    assert_eq!(PrivateKey::from_bytes(&n).unwrap_err(), Error::InvalidPrivateKey);
    assert!(!format!("{key:?}").contains("0707"));
}
