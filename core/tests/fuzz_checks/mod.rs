//! The per-target checks of the fuzz targets (`fuzz/fuzz_targets/*.rs`), in one place: the
//! fuzz targets include this file by path (nightly, libFuzzer) and `core/tests/fuzz_corpus.rs`
//! replays every committed corpus file through the same functions under stable `cargo test`.
//!
//! Each check takes arbitrary bytes and panics only when the code under test breaks a property:
//! a panic inside core, an error of the wrong family, or a failed round trip.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Component, Path};
use std::str::FromStr;

use imwallet_core::cache::ids::{FileName, KindDir, ScopeDir, GLOBAL_DIR};
use imwallet_core::cache::{CacheKind, CacheScope};
use imwallet_core::store::journal::JournalPayload;
use imwallet_core::vault::keystore::{self, Kdf, Limits as KeystoreLimits};
use imwallet_core::wallet::eip712::{self, TypedData};
use imwallet_core::wallet::mnemonic::WORD_COUNTS;
use imwallet_core::wallet::tx::{Transaction, TransactionKind, TransactionType};
use imwallet_core::wallet::{keccak256, sign, Address, DerivationPath, Language, Mnemonic, PrivateKey};
use imwallet_core::Error;

/// A target's check: panics when a property is broken.
pub type Check = fn(&[u8]);

/// The targets, by corpus directory name (`fuzz/corpus/<name>/`), and their checks.
pub const TARGETS: &[(&str, Check)] = &[
    ("mnemonic", mnemonic),
    ("derivation_path", derivation_path),
    ("address", address),
    ("keystore", keystore),
    ("eip712", eip712),
    ("journal_payload", journal_payload),
    ("cache_ids", cache_ids),
    ("store_open", store_open),
    ("transaction", transaction),
];

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// BIP39 phrases in all ten wordlists: any text parses or fails with a typed error; a parsed
/// phrase prints as a phrase that parses to the same entropy and language. Inputs of
/// 1 + 16/20/24/28/32 bytes also build a phrase (language = first byte mod 10) that parses back.
pub fn mnemonic(data: &[u8]) {
    match Mnemonic::parse(&text(data)) {
        Ok(m) => {
            assert!(WORD_COUNTS.contains(&m.word_count()));
            let phrase = m.phrase().expect("phrase of a parsed mnemonic");
            let again = Mnemonic::parse(std::str::from_utf8(phrase.expose()).expect("phrase is UTF-8")).expect("phrase re-parses");
            assert_eq!(again.language(), m.language());
            assert_eq!(again.entropy().expose(), m.entropy().expose());
        }
        Err(e) => assert!(
            matches!(e, Error::MnemonicWordCount { .. } | Error::MnemonicUnknownWord { .. } | Error::MnemonicChecksum),
            "unexpected error {e:?}"
        ),
    }
    if let Some((&first, entropy)) = data.split_first() {
        if [16, 20, 24, 28, 32].contains(&entropy.len()) {
            let lang = Language::ALL[usize::from(first) % Language::ALL.len()];
            let m = Mnemonic::from_entropy(entropy, lang).expect("valid entropy length");
            let phrase = m.phrase().expect("phrase");
            let parsed = Mnemonic::parse(std::str::from_utf8(phrase.expose()).expect("UTF-8")).expect("generated phrase parses");
            // Wordlists overlap (English/French, the two Chinese lists): a phrase may be valid in
            // an earlier-preferred list too; in its own list it must give the same entropy.
            if parsed.language() == lang {
                assert_eq!(parsed.entropy().expose(), entropy);
            }
        }
    }
}

/// BIP32 paths: parse or a typed error; `Display` re-parses to the same path.
pub fn derivation_path(data: &[u8]) {
    match DerivationPath::from_str(&text(data)) {
        Ok(p) => {
            assert!(p.levels().len() <= 255);
            let shown = p.to_string();
            let again: DerivationPath = shown.parse().expect("Display re-parses");
            assert_eq!(again, p);
            assert_eq!(again.to_string(), shown);
            let _ = p.child(0);
        }
        Err(e) => assert!(matches!(e, Error::InvalidDerivationPath { .. }), "unexpected error {e:?}"),
    }
}

/// Addresses: parse or a typed error; mixed case only when it is the EIP-55 checksum; the
/// checksum, lowercase and uppercase forms all parse back to the same bytes.
pub fn address(data: &[u8]) {
    let s = text(data);
    match Address::from_str(&s) {
        Ok(a) => {
            let body = &s.trim()[2..];
            if body.bytes().any(|b| b.is_ascii_lowercase()) && body.bytes().any(|b| b.is_ascii_uppercase()) {
                assert_eq!(&a.to_checksum()[2..], body, "mixed case accepted without its checksum");
            }
            round_trip_address(a);
        }
        Err(e) => assert!(matches!(e, Error::InvalidAddress { .. } | Error::AddressChecksumMismatch), "unexpected error {e:?}"),
    }
    if let Some(raw) = data.get(..20) {
        let mut bytes = [0u8; 20];
        bytes.copy_from_slice(raw);
        round_trip_address(Address(bytes));
    }
}

fn round_trip_address(a: Address) {
    let c = a.to_checksum();
    assert_eq!(c.len(), 42);
    assert_eq!(Address::from_str(&c).expect("checksum form parses"), a);
    assert_eq!(Address::from_str(&c.to_ascii_lowercase()).expect("lowercase parses"), a);
    assert_eq!(Address::from_str(&format!("0x{}", c[2..].to_ascii_uppercase())).expect("uppercase parses"), a);
}

/// Keystore v3 JSON: parse and parameter bounds only ([`keystore::check`]), never the KDF.
/// Whatever is accepted is inside the documented limits.
pub fn keystore(data: &[u8]) {
    match keystore::check(&text(data)) {
        Ok(p) => {
            assert!((1..=KeystoreLimits::MAX_SALT).contains(&p.salt_len));
            match p.kdf {
                Kdf::Scrypt { n, r, p } => {
                    let (r, p) = (u64::from(r), u64::from(p));
                    assert!(n >= 2 && n.is_power_of_two() && r >= 1 && (1..=KeystoreLimits::SCRYPT_MAX_P).contains(&p));
                    assert!(128 * r * n <= KeystoreLimits::SCRYPT_MAX_MEMORY);
                    assert!(128 * r * (n + p) <= KeystoreLimits::SCRYPT_MAX_TOTAL_MEMORY);
                    assert!(n * r * p <= KeystoreLimits::SCRYPT_MAX_WORK);
                }
                Kdf::Pbkdf2 { c } => assert!((1..=KeystoreLimits::PBKDF2_MAX_ROUNDS).contains(&u64::from(c))),
            }
        }
        Err(e) => assert!(
            matches!(e, Error::KeystoreMalformed { .. } | Error::KeystoreParamsRefused { .. } | Error::KeystoreUnsupported { .. }),
            "unexpected error {e:?}"
        ),
    }
}

/// EIP-712 typed data: a digest or `InvalidTypedData` (never `Internal`); deterministic.
pub fn eip712(data: &[u8]) {
    let s = text(data);
    match eip712::digest(&s) {
        Ok(d) => {
            let td = TypedData::from_json(&s).expect("parsed once");
            assert_eq!(td.signing_hash().expect("hashed once"), d);
            td.domain_separator().expect("domain hashed once");
        }
        Err(e) => assert!(matches!(e, Error::InvalidTypedData { .. }), "unexpected error {e:?}"),
    }
}

/// The logout/erase journal payload: any text decodes (an unreadable one to the safe default)
/// and what is decoded survives encode + decode unchanged.
pub fn journal_payload(data: &[u8]) {
    let p = JournalPayload::decode(&text(data));
    let encoded = p.encode();
    let again = JournalPayload::decode(&encoded);
    assert_eq!(again, p);
    assert_eq!(again.encode(), encoded);
}

/// One safe path component: no separator, NUL or control character, not made of dots, plain
/// ASCII (no look-alike separators), and exactly one normal component to `Path`.
fn assert_single_component(s: &str) {
    assert!(!s.is_empty() && s.len() <= 255, "{s:?}");
    assert!(s.bytes().all(|b| b.is_ascii_graphic()), "{s:?}");
    assert!(!s.contains(['/', '\\', '\0', ':']), "{s:?}");
    assert!(!s.bytes().all(|b| b == b'.'), "{s:?}");
    let comps: Vec<Component<'_>> = Path::new(s).components().collect();
    assert_eq!(comps, [Component::Normal(s.as_ref())], "{s:?}");
}

/// Cache identifiers: whatever a validator accepts is one safe path component; folder names
/// (kinds, scopes) never start with '.', and an account scope is never the global folder.
pub fn cache_ids(data: &[u8]) {
    let s = text(data);
    let s: &str = &s;
    if let Ok(k) = KindDir::new(s) {
        assert_eq!(k.as_str(), s);
        assert_single_component(s);
        assert!(!s.starts_with(['.', '-', '_']), "{s:?}");
        assert!(!CacheKind::BUILT_IN.iter().any(|b| b.name() == s));
        assert!(imwallet_core::cache::validate_file_kind(s).is_ok());
    }
    if let Ok(d) = ScopeDir::new(&CacheScope::Account(s.to_string())) {
        assert_eq!(d.as_str(), s);
        assert_single_component(s);
        assert!(!s.starts_with('.') && s != GLOBAL_DIR, "{s:?}");
    }
    if let Ok(f) = FileName::new(s) {
        assert_eq!(f.as_str(), s);
        assert_single_component(s);
    }
    match CacheKind::parse(s) {
        Ok(CacheKind::Files(name)) => assert!(KindDir::new(&name).is_ok(), "{name:?}"),
        Ok(k) => assert_eq!(k.name(), s),
        Err(e) => assert!(matches!(e, Error::InvalidArgument { .. }), "unexpected error {e:?}"),
    }
}

/// The store on a database file of arbitrary bytes: `Store::open` (migrations) and the journal
/// recovery return `Ok` or a typed error, never panic, never touch a file outside the data
/// directory's cache folder, and leave an empty journal when they succeed.
pub fn store_open(data: &[u8]) {
    use imwallet_core::auth::keystore::MemoryKeyStore;
    use imwallet_core::store::{accounts, journal, Store, DB_FILE};

    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("data");
    std::fs::create_dir(&dir).expect("data dir");
    std::fs::write(dir.join(DB_FILE), data).expect("write db");
    let outside = tmp.path().join("canary");
    let beside = dir.join("canary");
    std::fs::write(&outside, b"c").expect("canary");
    std::fs::write(&beside, b"c").expect("canary");
    if let Ok(mut store) = Store::open(&dir) {
        let _ = journal::pending(store.conn());
        let recovered = imwallet_core::engine::recover_journal(&mut store, &MemoryKeyStore::new(), None);
        // A completed recovery leaves no entry behind (an entry is skipped, for a retry, only
        // when the accounts it must keep cannot be read).
        if recovered.is_ok() && accounts::all(store.conn()).is_ok() {
            if let Ok(left) = journal::pending(store.conn()) {
                assert!(left.is_empty(), "{} journal entries left after a successful recovery", left.len());
            }
        }
    }
    assert!(outside.exists() && beside.exists(), "journal recovery deleted a file outside the cache folder");
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Transaction requests (declared chain 1): a typed transaction error, or a transaction whose
/// summary, signing hash, signature and bytes agree — the signature recovers the key, the hash
/// is keccak256 of the bytes, the bytes are one canonical RLP list (after the type byte) with
/// the envelope's number of fields, and the summary shows the parsed fields.
pub fn transaction(data: &[u8]) {
    let s = text(data);
    let tx = match Transaction::from_json(&s, 1) {
        Ok(tx) => tx,
        Err(e) => {
            assert!(
                matches!(e, Error::InvalidTransaction { .. } | Error::TransactionTooLarge { .. } | Error::ChainIdMismatch { .. }),
                "unexpected error {e:?}"
            );
            return;
        }
    };
    let key = PrivateKey::from_bytes(&[0x46; 32]).expect("key");
    let signed = tx.sign(&key).expect("an accepted transaction signs");
    let summary = tx.summary();
    assert_eq!(signed.summary, summary);
    assert_eq!(summary.signing_hash, format!("0x{}", hex_of(&tx.signing_hash())));
    assert_eq!(signed.hash, format!("0x{}", hex_of(&keccak256(&signed.raw))));
    let sig = sign::sign_digest(&key, &tx.signing_hash()).expect("sign");
    assert_eq!(sign::recover(&tx.signing_hash(), &sig).expect("recovers"), key.address());
    assert_eq!(tx.encode_signed(&sig), signed.raw);
    let (mut body, fields) = match tx.transaction_type() {
        TransactionType::Legacy => (&signed.raw[..], 9),
        TransactionType::Eip2930 => (signed.raw.get(1..).filter(|_| signed.raw[0] == 1).expect("type byte 1"), 11),
        TransactionType::Eip1559 => (signed.raw.get(1..).filter(|_| signed.raw[0] == 2).expect("type byte 2"), 12),
    };
    let list = alloy_rlp::Header::decode(&mut body).expect("an RLP list");
    assert!(list.list && list.payload_length == body.len(), "one list spanning the bytes");
    let mut n = 0;
    while !body.is_empty() {
        let item = alloy_rlp::Header::decode(&mut body).expect("a canonical item");
        body = body.get(item.payload_length..).expect("item inside the list");
        n += 1;
    }
    assert_eq!(n, fields);
    assert_eq!((summary.chain_id, summary.nonce, summary.gas_limit), (1, tx.nonce(), tx.gas_limit()));
    assert_eq!(summary.data_len as usize, tx.data().len());
    assert_eq!(summary.to, tx.to().map(Address::to_checksum));
    assert_eq!(summary.kind == TransactionKind::ContractCreation, tx.to().is_none());
    assert_eq!(summary.value_wei, tx.value().to_string());
}
