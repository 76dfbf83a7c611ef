//! The key commands behave as documented: stdin input, exit codes, `--json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use std::process::Output;

fn run(args: &[&str], stdin: &str) -> Output {
    common::imwallet(None, args, stdin)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

const JUNK: &str = "test test test test test test test test test test test junk\n";

#[test]
fn mnemonic_new_in_every_language_checks_back() {
    for lang in ["en", "zh-hans", "zh-hant", "ja", "ko", "es", "fr", "it", "cs", "pt"] {
        let o = run(&["mnemonic", "new", "--words", "24", "--lang", lang], "");
        assert!(o.status.success(), "{lang}");
        let phrase = stdout(&o);
        let c = run(&["--json", "mnemonic", "check"], &phrase);
        assert!(c.status.success());
        let v: serde_json::Value = serde_json::from_str(&stdout(&c)).unwrap();
        assert_eq!(v["words"], 24);
        if !lang.starts_with("zh") {
            assert_eq!(v["language"], lang);
        }
    }
    // A word count BIP39 does not have is a usage error (exit 2), with the allowed values.
    let bad = run(&["mnemonic", "new", "--words", "13"], "");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("possible values: 12, 15, 18, 21, 24"));
}

#[test]
fn mnemonic_check_reports_typed_errors() {
    let o = run(&["mnemonic", "check"], "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about\n");
    assert!(o.status.success());
    assert!(stdout(&o).contains("12 words, language en"));
    let o = run(
        &["--json", "mnemonic", "check"],
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandn about\n",
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["error"]["kind"], "MnemonicUnknownWord");
    assert!(v["error"]["message"].as_str().unwrap().contains("word 11"));
    // Suggestions are shown, as their own field, never inside the message.
    assert!(v["error"]["suggestions"].as_array().unwrap().iter().any(|s| s == "abandon"), "{v}");
    assert!(!v["error"]["message"].as_str().unwrap().contains("abandon"), "{v}");
    let o = run(&["mnemonic", "check"], "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandn about\n");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("error [MnemonicUnknownWord]: word 11 is not a recovery-phrase word\n"), "{err}");
    assert!(err.contains("did you mean abandon"), "the user still sees the suggestion: {err}");
    let o = run(&["mnemonic", "check"], "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("MnemonicChecksum"));
    let o = run(&["mnemonic", "check"], "");
    assert_ne!(o.status.code(), Some(0), "no phrase on stdin");
}

#[test]
fn address_prints_eip55_addresses() {
    let o = run(&["address", "--count", "3"], JUNK);
    assert!(o.status.success());
    assert_eq!(
        stdout(&o).lines().collect::<Vec<_>>(),
        [
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
        ]
    );
    // A passphrase changes every address; a custom path too.
    let with_pass = run(&["address", "--passphrase"], &format!("{JUNK}secret\n"));
    assert!(with_pass.status.success());
    assert_ne!(stdout(&with_pass).trim(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    let other_path = run(&["--json", "address", "--path", "m/44'/60'/1'/0"], JUNK);
    let v: serde_json::Value = serde_json::from_str(&stdout(&other_path)).unwrap();
    assert_eq!(v[0]["path"], "m/44'/60'/1'/0/0");
    let bad = run(&["address", "--path", "m/44'/x"], JUNK);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("InvalidDerivationPath"));
}

#[test]
fn keystore_address_verifies_the_mac() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("key.json");
    std::fs::write(&f, r#"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},"ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2","kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},"mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#).unwrap();
    let p = f.to_str().unwrap();
    let o = run(&["keystore", "address", p], "testpassword\n");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o).trim(), "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b");
    let o = run(&["keystore", "address", p], "nope\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("KeystoreWrongPassword"));
    std::fs::write(&f, "{ broken").unwrap();
    let o = run(&["keystore", "address", p], "testpassword\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("KeystoreMalformed"));
    let o = run(&["keystore", "address", "/nonexistent/file.json"], "x\n");
    assert_eq!(o.status.code(), Some(3));
}
