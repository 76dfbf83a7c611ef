//! Secrets freed without being wiped, caught at the moment of the free (the spy allocator of
//! this crate). Each test has a control that frees a copy of the same needle unwiped on purpose
//! and must be seen, so a passing test means the code under test freed none.

use imwallet_core::wallet::{Language, Mnemonic};
use imwallet_heap_residue::{freed_blocks_holding, Spy};

#[global_allocator]
static SPY: Spy = Spy;

/// The forms a passphrase's characters take on the heap: UTF-8 text, and UTF-32 (the pending
/// buffer of `unicode-normalization`'s iterators holds `char`s). ☃ and "QWXZ" are this test's
/// markers: nothing else in the process holds them.
fn passphrase_needles() -> Vec<Vec<u8>> {
    vec![b"QWXZ".to_vec(), 0x2603u32.to_le_bytes().to_vec(), "QWXZ".chars().flat_map(|c| (c as u32).to_le_bytes()).collect()]
}

/// A word's `&'static str` as a `Vec<&str>` element holds it: its pointer and length, which name
/// the word in the static list. A freed list of them is the phrase.
fn word_ref(w: &str) -> Vec<u8> {
    let mut n = (w.as_ptr() as usize).to_le_bytes().to_vec();
    n.extend_from_slice(&w.len().to_le_bytes());
    n
}

fn word_ref_needle(m: &Mnemonic, index: usize) -> Vec<u8> {
    word_ref(m.word(index).unwrap())
}

#[test]
fn the_control_sees_an_unwiped_free() {
    let needles = passphrase_needles();
    let refs: Vec<&[u8]> = needles.iter().map(Vec::as_slice).collect();
    let hits = freed_blocks_holding(&refs, || drop(std::hint::black_box(String::from("x QWXZ x"))));
    assert!(hits >= 1, "the spy must see a freed, unwiped copy");
    let m = Mnemonic::generate(12, Language::English).unwrap();
    let n = word_ref_needle(&m, 3);
    let hits = freed_blocks_holding(&[&n], || drop(std::hint::black_box(vec![m.word(3).unwrap()])));
    assert!(hits >= 1, "the spy must see a freed list of word references");
}

/// The BIP39 seed's passphrase goes through NFKD. `unicode-normalization`'s `nfkd()` moved its
/// pending characters to a heap buffer when more than four were pending and freed it unwiped:
/// 2 blocks per call with these passphrases before `nfkd_secret` did the normalisation itself.
#[test]
fn the_seed_leaves_no_passphrase_in_freed_memory() {
    let needles = passphrase_needles();
    let refs: Vec<&[u8]> = needles.iter().map(Vec::as_slice).collect();
    let m = Mnemonic::generate(12, Language::English).unwrap();
    for pass in [
        "\u{fdfa}pass QWXZ QWXZ \u{2603}",
        "a\u{301}\u{302}\u{303}\u{304}\u{305} QWXZ QWXZ \u{2603}",
        "\u{3300}\u{337b} QWXZ ㍍ガバヴァ \u{2603}",
        "plain QWXZ QWXZ \u{2603}",
    ] {
        // The seed is dropped (wiped, then freed) inside the check too.
        let hits = freed_blocks_holding(&refs, || drop(m.to_seed(pass).unwrap()));
        assert_eq!(hits, 0, "{pass:?}: {hits} freed block(s) held the passphrase");
    }
}

/// The seed and the phrase shown for backup join the words. Collected into a `Vec<&str>` first,
/// they freed that list unwiped: the phrase, word by word, as pointers into the lists.
#[test]
fn the_seed_and_the_shown_phrase_leave_no_word_list_in_freed_memory() {
    for lang in [Language::English, Language::Japanese, Language::Korean] {
        let m = Mnemonic::generate(24, lang).unwrap();
        let needles: Vec<Vec<u8>> = (0..24).map(|i| word_ref_needle(&m, i)).collect();
        let refs: Vec<&[u8]> = needles.iter().map(Vec::as_slice).collect();
        let hits = freed_blocks_holding(&refs, || drop(m.to_seed("").unwrap()));
        assert_eq!(hits, 0, "{lang:?} seed: {hits} freed block(s) held word references");
        let hits = freed_blocks_holding(&refs, || drop(m.phrase().unwrap()));
        assert_eq!(hits, 0, "{lang:?} phrase: {hits} freed block(s) held word references");
    }
}

/// A mistyped recovery word gets suggestions: the list words closest to the typo, likely the
/// user's own word. Collected into a growing list of candidates before, the outgrown buffers
/// were freed unwiped, naming the first candidates.
#[test]
fn a_typo_leaves_no_candidate_list_in_freed_memory() {
    let needles: Vec<Vec<u8>> = Language::English.word_list().iter().map(|w| word_ref(w)).collect();
    let refs: Vec<&[u8]> = needles.iter().map(Vec::as_slice).collect();
    // "ab": dozens of short words are within two edits of it.
    let typed = format!("ab {}about", "abandon ".repeat(10));
    let hits = freed_blocks_holding(&refs, || {
        let e = Mnemonic::parse(&typed).unwrap_err();
        assert!(matches!(e, imwallet_core::Error::MnemonicUnknownWord { .. }), "{e:?}");
    });
    assert_eq!(hits, 0, "{hits} freed block(s) held candidate words");
}

/// Typed backup words are normalised and lowercased. A word whose lowercase is longer (Ⱥ → ⱥ)
/// or that is not UTF-8 made `to_lowercase` / `from_utf8_lossy` grow their buffers and free the
/// outgrown ones, holding the typed word, unwiped.
#[test]
fn typed_backup_words_leave_nothing_in_freed_memory() {
    use imwallet_core::auth::gates::AuthProof;
    use imwallet_core::vault::kdf::KdfProfile;
    use imwallet_core::{Config, Hooks, WalletCore};
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path());
    config.kdf_profile = KdfProfile::InsecureFastForTests;
    let core = WalletCore::open(config, Hooks::default()).unwrap();
    core.create_account("Ada", b"correct horse battery staple 42", 12, Language::English).unwrap();
    core.backup_challenge(AuthProof::None).unwrap();
    let typed: Vec<Vec<u8>> = vec!["QWXZQWXZ\u{23a}".into(), b"QWXZQWXZ\xff".to_vec(), "QWXZQWXZ".into()];
    let refs: Vec<&[u8]> = typed.iter().map(Vec::as_slice).collect();
    let hits = freed_blocks_holding(&[b"qwxzqwxz", b"QWXZQWXZ"], || {
        let e = core.confirm_backup(&refs).unwrap_err();
        assert!(matches!(e, imwallet_core::Error::BackupMismatch), "{e:?}");
    });
    assert_eq!(hits, 0, "{hits} freed block(s) held a typed word");
}
