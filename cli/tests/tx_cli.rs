//! `imwallet sign tx`: the summary before the question, the signed bytes and hash, the chain
//! check before the password, declining, `-` for stdin, and the gates in `status`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

mod common;

use common::{err, out, run};

use imwallet_core::wallet::tx::Transaction;
use imwallet_core::wallet::{keccak256, sign, Signature};

const PW: &str = "correct horse battery staple 42";
const JUNK: &str = "test test test test test test test test test test test junk";
const ADDR0: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const SEND: &str = r#"{"type":"0x2","chainId":"0x1","nonce":"0x0","maxFeePerGas":"0x6fc23ac00","maxPriorityFeePerGas":"0x77359400","gas":"0x5208",
  "to":"0x3535353535353535353535353535353535353535","value":"1500000000000000000"}"#;

fn unhex(s: &str) -> Vec<u8> {
    let s = s.trim_start_matches("0x");
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn wallet() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let o = run(d.path(), &["account", "import", "--name", "Tess"], &format!("{JUNK}\n{PW}\n"));
    assert!(o.status.success(), "{}", err(&o));
    d
}

fn request(d: &tempfile::TempDir, text: &str) -> String {
    let f = d.path().join("tx.json");
    std::fs::write(&f, text).unwrap();
    f.to_str().unwrap().to_string()
}

/// The signer of a signed EIP-1559 transaction (parity, r and s are its last 67 bytes here).
fn signer(raw: &[u8]) -> String {
    let tail = &raw[raw.len() - 67..];
    let v = 27 + if tail[0] == 0x80 { 0 } else { tail[0] };
    let sig = Signature { r: tail[2..34].try_into().unwrap(), s: tail[35..67].try_into().unwrap(), v };
    sign::recover(&Transaction::from_json(SEND, 1).unwrap().signing_hash(), &sig).unwrap().to_checksum()
}

#[test]
fn signs_a_transaction_after_showing_its_summary() {
    let d = wallet();
    let f = request(&d, SEND);
    let o = run(d.path(), &["--json", "sign", "tx", &f, "--chain-id", "1"], &format!("{PW}\ny\n"));
    assert!(o.status.success(), "{}", err(&o));
    let e = err(&o);
    for shown in [
        "EIP-1559 transaction on chain 1: send",
        ADDR0,
        "1.5 ETH (1500000000000000000 wei)",
        "30000000000 wei per gas (priority 2000000000)",
        "max total   1.50063 ETH",
    ] {
        assert!(e.contains(shown), "{shown} in {e}");
    }
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let raw = unhex(v["raw"].as_str().unwrap());
    assert_eq!(v["hash"], format!("0x{}", to_hex(&keccak256(&raw))));
    assert_eq!((v["from"].as_str(), signer(&raw).as_str()), (Some(ADDR0), ADDR0));
    assert_eq!(v["summary"]["value_eth"], "1.5");
    assert_eq!(v["summary"]["kind"], "Transfer");

    // Plain text, request on stdin (pretty-printed over several lines), no question with --yes.
    let pretty = serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(SEND).unwrap()).unwrap();
    let o = run(d.path(), &["sign", "tx", "-", "--chain-id", "1", "--yes"], &format!("{pretty}\n{PW}\n"));
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains(&format!("raw transaction: {}", v["raw"].as_str().unwrap())), "{text}");
    assert!(text.contains(&format!("transaction hash: {}", v["hash"].as_str().unwrap())), "{text}");
}

#[test]
fn refusals_sign_nothing() {
    let d = wallet();
    let f = request(&d, SEND);
    // Another chain: refused before the password is read (stdin is not consumed).
    let o = run(d.path(), &["sign", "tx", &f, "--chain-id", "5"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("ChainIdMismatch") && err(&o).contains("chain 1 but the app is on chain 5"), "{}", err(&o));
    // Declined at the question.
    let o = run(d.path(), &["sign", "tx", &f, "--chain-id", "1"], &format!("{PW}\nn\n"));
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("nothing was signed") && out(&o).is_empty(), "{}", err(&o));
    // Malformed and hostile requests.
    for (text, kind) in [
        ("{ not json", "InvalidTransaction"),
        (&SEND.replace("0x77359400", "0x6fc23ac01")[..], "InvalidTransaction"),
        (&SEND.replace("\"0x5208\"", "0")[..], "InvalidTransaction"),
        (&SEND.replacen('{', &format!("{{\"data\":\"0x{}\",", "00".repeat(200_000)), 1)[..], "TransactionTooLarge"),
    ] {
        let o = run(d.path(), &["--json", "sign", "tx", &request(&d, text), "--chain-id", "1"], &format!("{PW}\ny\n"));
        assert_eq!(o.status.code(), Some(1), "{}", err(&o));
        let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
        assert_eq!(v["error"]["kind"], kind);
    }
    // A `from` that is not the signing address: refused before the question.
    let from1 = SEND.replacen('{', r#"{"from":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","#, 1);
    let o = run(d.path(), &["sign", "tx", &request(&d, &from1), "--chain-id", "1"], &format!("{PW}\n"));
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("SignerMismatch"), "{}", err(&o));
    let o = run(d.path(), &["sign", "tx", &request(&d, &from1), "--chain-id", "1", "--index", "1", "--yes"], &format!("{PW}\n"));
    assert!(o.status.success(), "{}", err(&o));
    // A wrong password.
    let o = run(d.path(), &["sign", "tx", &f, "--chain-id", "1"], "wrong wrong wrong\ny\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("InvalidCredentials"));
    let o = run(d.path(), &["sign", "tx", "/nonexistent/tx.json", "--chain-id", "1"], "");
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn status_lists_every_gate_including_sign_transaction() {
    let d = wallet();
    let o = run(d.path(), &["--json", "status"], "");
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["state"], "locked");
    assert_eq!(v["gates"]["sign_transaction"]["gate"], "none");
    assert_eq!(v["gates"]["reveal_phrase"]["gate"], "password");
    assert_eq!(v["gates"].as_object().unwrap().len(), 8);
    let o = run(d.path(), &["status"], "");
    assert!(out(&o).contains("sign_transaction  none"), "{}", out(&o));
}
