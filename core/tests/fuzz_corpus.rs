//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`, seeds, inputs found by the
//! fuzzer and crash regressions) through the fuzz targets' own checks, on stable, in every
//! `cargo test`. The fuzzing itself is `tests/fuzz.sh` (nightly + cargo-fuzz).
//!
//! `cargo test -p imwallet-core --test fuzz_corpus -- --ignored write_seed_corpus` rewrites
//! the `seed-*` files from the public vectors below (other files are left alone).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod eip712_payloads;
mod fuzz_checks;

use std::path::{Path, PathBuf};

use imwallet_core::store::journal::{self, JournalOp, JournalPayload};
use imwallet_core::store::{Store, DB_FILE};
use imwallet_core::wallet::{Language, Mnemonic};

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus")
}

#[test]
fn every_committed_corpus_input_passes_its_target_check() {
    let mut total = 0;
    for (name, check) in fuzz_checks::TARGETS {
        let dir = corpus_root().join(name);
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).map(|e| e.unwrap().path()).collect();
        files.sort();
        assert!(!files.is_empty(), "no corpus for {name}");
        for f in &files {
            let data = std::fs::read(f).unwrap();
            if std::panic::catch_unwind(|| check(&data)).is_err() {
                panic!("{name}: {} fails its check", f.display());
            }
        }
        total += files.len();
    }
    assert!(total >= fuzz_checks::TARGETS.len());
    eprintln!("fuzz corpus: {total} inputs replayed over {} targets", fuzz_checks::TARGETS.len());
}

#[test]
fn the_corpus_stays_small() {
    fn size(p: &Path) -> u64 {
        if p.is_dir() {
            std::fs::read_dir(p).unwrap().map(|e| size(&e.unwrap().path())).sum()
        } else {
            p.metadata().unwrap().len()
        }
    }
    let bytes = size(&corpus_root());
    assert!(bytes < 2 * 1024 * 1024, "fuzz/corpus is {bytes} bytes: minimise it (tests/fuzz.sh --cmin)");
}

// ---- seeds ---------------------------------------------------------------------------------

const MNEMONICS: &[&str] = &[
    // Trezor reference vectors (english and other wordlists, as in bip39_vectors.rs).
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
    "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
    "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
    "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal will",
    "hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple dilemma loan word shrug inflict delay length",
    "壤 对 据 人 三 谈 我 表 壤 对 据 不",
    "蒙 台 脫 紀 構 硫 漿 黴 感 僅 魚 湯",
    "obrazec znak uznat zubovina zeman skupina zrcadlo vzchopit obrazec znak uznat zubr",
    "monument dépenser féroce entasser comédie ferveur optique sonnette codifier discuter dioxyde nerveux",
    "monument d\u{e9}penser f\u{e9}roce entasser com\u{e9}die ferveur optique sonnette codifier discuter dioxyde nerveux",
    "misurare afoso bravura accadere alogeno dottore acrilico arazzo misurare afoso bravura abisso",
    // Lenient forms and every typed error.
    "  abandon\tabandon\nabandon\u{3000}abandon abandon  abandon abandon abandon abandon abandon abandon about \n",
    "abandon abandon about",
    "abandon abandon abandon abandon abandon abandn abandon abandon abandon abandon abandon about",
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
    "",
];

const PATHS: &[&str] = &[
    "m/44'/60'/0'/0/0",
    "m",
    "M/0h/1H/2",
    "m/2147483647'/2147483647",
    "m/2147483648",
    "m/44'/60'/0'/0/",
    " m/0 ",
    "m//0",
    "m/-1",
    "m/0x10",
    "44'/60'",
];

const ADDRESSES: &[&str] = &[
    // EIP-55 test vectors.
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    "0x52908400098527886e0f7030069857d2e4169ee7",
    "0X8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
    "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xgaAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
];

/// ethereum/tests KeyStoreTests and a geth light file (keystore_eip712.rs), a tiny-n scrypt
/// file, and hostile or unsupported variants.
const KEYSTORES: &[&str] = &[
    r#"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},"ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2","kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},"mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#,
    r#"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"83dbcc02d8ccb40e466191a123791e0e"},"ciphertext":"d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c","kdf":"scrypt","kdfparams":{"dklen":32,"n":262144,"r":1,"p":8,"salt":"ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},"mac":"2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},"id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#,
    r#"{"address":"5e9c27156a612a2d516c74c7a80af107856f8539","crypto":{"cipher":"aes-128-ctr","ciphertext":"5eb0c790d1fb27824c78acac9233241b340c329b46aba08c6533b70ab67ea74f","cipherparams":{"iv":"e5ab559977af075eda00a97c8f0ce506"},"kdf":"scrypt","kdfparams":{"dklen":32,"n":4096,"p":6,"r":8,"salt":"b43142f34caf2b3b39c16f52344701f800711589f799cdae1827ac2f844f9602"},"mac":"c6ccaecca7896974dacac91a8116216ec287930bc74bfd7694a94f08bd992095"},"id":"e3554f73-4d0a-40a0-b721-fc801623d5ba","version":3}"#,
    r#"{"version":3,"Crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"0x00000000000000000000000000000000"},"ciphertext":"1111111111111111111111111111111111111111111111111111111111111111","kdf":"scrypt","kdfparams":{"dklen":32,"n":2,"r":1,"p":1,"salt":"00"},"mac":"1111111111111111111111111111111111111111111111111111111111111111"}}"#,
    r#"{"version":3,"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"00000000000000000000000000000000"},"ciphertext":"1111111111111111111111111111111111111111111111111111111111111111","kdf":"scrypt","kdfparams":{"dklen":32,"n":1099511627776,"r":8,"p":1,"salt":"00"},"mac":"1111111111111111111111111111111111111111111111111111111111111111"}}"#,
    r#"{"version":3,"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"00000000000000000000000000000000"},"ciphertext":"1111111111111111111111111111111111111111111111111111111111111111","kdf":"scrypt","kdfparams":{"dklen":32,"n":2,"r":8,"p":1048576,"salt":"00"},"mac":"1111111111111111111111111111111111111111111111111111111111111111"}}"#,
    r#"{"version":3,"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"00000000000000000000000000000000"},"ciphertext":"1111111111111111111111111111111111111111111111111111111111111111","kdf":"pbkdf2","kdfparams":{"dklen":32,"c":4000000000,"prf":"hmac-sha512","salt":"00"},"mac":"1111111111111111111111111111111111111111111111111111111111111111"}}"#,
    r#"{"version":1,"crypto":{"cipher":"aes-256-gcm","kdf":"argon2"}}"#,
    "{}",
];

/// The EIP-712 "Mail" example, the v4 vectors with arrays (keystore_eip712.rs), a recursive
/// type, and small instances of the hostile shapes (eip712_payloads).
const EIP712: &[&str] = &[
    r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"#,
    r#"{"types":{"EIP712Domain":[{"name":"chainId","type":"uint256"}],"Order":[{"name":"owners","type":"address[]"},{"name":"amounts","type":"int64[2]"},{"name":"data","type":"bytes"},{"name":"tag","type":"bytes4"},{"name":"ok","type":"bool"},{"name":"big","type":"uint256"},{"name":"legs","type":"Leg[]"},{"name":"grid","type":"uint8[][]"}],"Leg":[{"name":"to","type":"address"},{"name":"memo","type":"string"}]},"primaryType":"Order","domain":{"chainId":"0x1"},"message":{"owners":["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"],"amounts":[-5,"9223372036854775807"],"data":"0xdeadbeef","tag":"0x01020304","ok":true,"big":"115792089237316195423570985008687907853269984665640564039457584007913129639935","legs":[{"to":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB","memo":"hi"}],"grid":[[1,2],[3]]}}"#,
    r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallets","type":"address[]"},{"name":"logo_matrix","type":"int[][]"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person[]"},{"name":"contents","type":"string"}],"Group":[{"name":"name","type":"string"},{"name":"members","type":"Person[]"}]},"domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"primaryType":"Mail","message":{"from":{"name":"Cow","wallets":["0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826","0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF"],"logo_matrix":[[0,255],[-255,-1]]},"to":[{"name":"Bob","wallets":["0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB","0xB0BdaBea57B0BDABeA57b0bdABEA57b0BDabEa57","0xB0B0b0b0b0b0B000000000000000000000000000"],"logo_matrix":[[0,0],[0,0]]}],"contents":"Hello, Bob!"}}"#,
    r#"{"types":{"Person":[{"name":"name","type":"string"},{"name":"mother","type":"Person"},{"name":"father","type":"Person"}]},"primaryType":"Person","domain":{},"message":{}}"#,
    r#"{"types":{"EIP712Domain":[]},"primaryType":"EIP712Domain","domain":{},"message":{}}"#,
    r#"{"types":{"T":[{"name":"b","type":"bytes32"},{"name":"i","type":"int8"},{"name":"a","type":"bool[3]"}]},"primaryType":"T","domain":{"salt":"0x0000000000000000000000000000000000000000000000000000000000000001"},"message":{"b":"0x01","i":-128,"a":[true,false,true]}}"#,
    "{}",
];

const JOURNAL: &[&str] = &[
    // Version 0 (the first release, no `v`) and version 1, as journal.rs's tests.
    r#"{"biometric_alias":"imwallet.bio.ab","clear_files_account":"ab","clear_files_global":false,"scrub":true}"#,
    r#"{"erase_all":true,"scrub":true}"#,
    r#"{"v":1,"biometric_alias":"imwallet.bio.0123456789abcdef0123456789abcdef","scrub":true,"clear_files_account":"0123456789abcdef0123456789abcdef","clear_files_global":true,"erase_all":false}"#,
    r#"{"v":4294967296,"scrub":"yes"}"#,
    "not json",
];

const CACHE_IDS: &[&str] = &[
    "images",
    "nft-art",
    "0123456789abcdef0123456789abcdef",
    "QmHash_1-2.json",
    ".nomedia",
    "a..b",
    "_global",
    "balances",
    "..",
    "../..",
    "a/b",
    "a\\b",
    "a\0b",
    "x\u{2215}y",
    "x\u{FF0F}y",
    "é.png",
    "C:",
];

/// Transaction requests: the EIP-155 example, the ethereum/tests EIP-2930 vector, a mainnet
/// EIP-1559 call, a contract creation, every quantity form, and refused ones (another chain,
/// a blob type, a priority fee above the max fee, a fee above 128 bits, a bad checksum).
const TRANSACTIONS: &[&str] = &[
    r#"{"nonce":9,"gasPrice":"20000000000","gas":21000,"to":"0x3535353535353535353535353535353535353535","value":"1000000000000000000","data":"0x"}"#,
    r#"{"type":"0x1","chainId":"0x1","nonce":"0x0","gasPrice":"0x1","gas":"0x6a40","to":"0x095e7baea6a6c7c4c2dfeb977efac326af552d87","value":"0x0","data":"0x","accessList":[{"address":"0xa95e7baea6a6c7c4c2dfeb977efac326af552d87","storageKeys":["0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"]}]}"#,
    r#"{"type":2,"chainId":1,"nonce":"0x42","gas":44386,"to":"0x6069a6c32cf691f5982febae4faf8a6f3ab2f0f6","value":"0x0","data":"0xa22cb4650000000000000000000000005eee75727d804a2b13038928d36f8b188945a57a0000000000000000000000000000000000000000000000000000000000000000","maxFeePerGas":"0x4a817c800","maxPriorityFeePerGas":"0x3b9aca00"}"#,
    r#"{"maxFeePerGas":2,"maxPriorityFeePerGas":1,"nonce":"18446744073709551614","gasLimit":"1000000000","input":"0x6080604052","accessList":[{"address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","storageKeys":[]}],"from":"0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F","value":"0xffffffffffffffffffff"}"#,
    r#"{"nonce":0,"gasPrice":0,"gas":21000,"to":"0x3535353535353535353535353535353535353535","value":"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}"#,
    r#"{"chainId":"0x5","nonce":0,"gasPrice":1,"gas":21000,"to":"0x3535353535353535353535353535353535353535"}"#,
    r#"{"type":"0x3","nonce":0,"maxFeePerGas":2,"maxPriorityFeePerGas":1,"gas":21000,"to":"0x3535353535353535353535353535353535353535"}"#,
    r#"{"nonce":0,"maxFeePerGas":1,"maxPriorityFeePerGas":2,"gas":21000,"to":"0x3535353535353535353535353535353535353535"}"#,
    r#"{"type":"0x2","chainId":"0x1","nonce":"0x0","maxPriorityFeePerGas":"0x77359400","maxFeePerGas":"0x02ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff","gas":"0x5208","to":"0x095e7baea6a6c7c4c2dfeb977efac326af552d87"}"#,
    r#"{"nonce":0,"gasPrice":1,"gas":21000,"to":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"}"#,
    r#"{"nonce":0,"gasPrice":1,"gas":21000,"to":"0x3535353535353535353535353535353535353535","data":"0x0","bogus":1}"#,
];

fn write_seeds(target: &str, items: impl IntoIterator<Item = Vec<u8>>) {
    let dir = corpus_root().join(target);
    std::fs::create_dir_all(&dir).unwrap();
    for old in std::fs::read_dir(&dir).unwrap() {
        let p = old.unwrap().path();
        if p.file_name().unwrap().to_string_lossy().starts_with("seed-") {
            std::fs::remove_file(p).unwrap();
        }
    }
    for (i, data) in items.into_iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{i:03}")), data).unwrap();
    }
}

fn strs(v: &[&str]) -> Vec<Vec<u8>> {
    v.iter().map(|s| s.as_bytes().to_vec()).collect()
}

/// A database file as `Store::open` leaves it, shrunk to 512-byte pages in rollback mode;
/// `fill` adds rows first.
fn database(fill: impl FnOnce(&Store)) -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    {
        let store = Store::open(tmp.path()).unwrap();
        fill(&store);
    }
    let path = tmp.path().join(DB_FILE);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA page_size = 512; VACUUM;").unwrap();
    drop(conn);
    std::fs::read(path).unwrap()
}

#[test]
#[ignore = "rewrites fuzz/corpus/*/seed-*; run by hand"]
fn write_seed_corpus() {
    // Mnemonics: the vectors, plus one generated phrase per wordlist (fixed entropy), plus the
    // raw entropy form (language byte + entropy).
    let mut m = strs(MNEMONICS);
    for (i, lang) in Language::ALL.into_iter().enumerate() {
        let entropy = [0x7fu8 ^ (i as u8); 16];
        let phrase = Mnemonic::from_entropy(&entropy, lang).unwrap().phrase().unwrap();
        m.push(phrase.expose().to_vec());
        let mut raw = vec![i as u8];
        raw.extend_from_slice(&[0x80; 32]);
        m.push(raw);
    }
    write_seeds("mnemonic", m);
    let mut paths = strs(PATHS);
    paths.push(format!("m{}", "/1'".repeat(255)).into_bytes());
    write_seeds("derivation_path", paths);
    write_seeds("address", strs(ADDRESSES));
    write_seeds("keystore", strs(KEYSTORES));
    let mut e = strs(EIP712);
    e.push(eip712_payloads::many_types(4, 3).into_bytes());
    e.push(eip712_payloads::type_string_amplification(3, 3).into_bytes());
    e.push(eip712_payloads::orders(1500).into_bytes());
    write_seeds("eip712", e);
    let mut j = strs(JOURNAL);
    j.push(
        JournalPayload { biometric_alias: Some("imwallet.bio.x".into()), clear_files_global: true, ..Default::default() }
            .encode()
            .into_bytes(),
    );
    write_seeds("journal_payload", j);
    write_seeds("cache_ids", strs(CACHE_IDS));
    let fresh = database(|_| {});
    let pending = database(|s| {
        for (op, payload) in [(JournalOp::Logout, JOURNAL[0]), (JournalOp::Erase, JOURNAL[1]), (JournalOp::RemoveWallet, JOURNAL[2])] {
            journal::insert(s.conn(), op, None, &JournalPayload::decode(payload), 1_700_000_000).unwrap();
        }
        s.conn().execute("INSERT INTO journal (op, payload, created_at) VALUES ('logout', 'not json', 0)", []).unwrap();
    });
    let mut too_new = fresh.clone();
    too_new[60..64].copy_from_slice(&999u32.to_be_bytes()); // header: user_version
    write_seeds("store_open", vec![Vec::new(), fresh, pending, too_new, b"SQLite format 3\0".to_vec()]);
    write_seeds("transaction", strs(TRANSACTIONS));
}
