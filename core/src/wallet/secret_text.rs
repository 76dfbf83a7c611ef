//! Secret text — a typed phrase, a BIP39 passphrase, typed backup words — normalised without
//! leaving a copy behind: each function writes into one zeroizing string allocated at its final
//! size, and keeps no other heap buffer holding the text (`tests/heap-residue`).

use zeroize::Zeroizing;

/// The NFKD form of secret text, in a zeroizing string allocated once at its final size.
///
/// Two heap copies are avoided. Collecting into a growing `String` would free each outgrown
/// buffer, holding a prefix of the secret, without wiping it. And `unicode-normalization`'s
/// `nfkd()` iterator keeps its pending characters in a buffer that moves to the heap when more
/// than four are pending (a character that expands to five or more, such as U+FDFA, or four
/// combining marks on one letter), and frees it unwiped.
///
/// So this runs the NFKD algorithm itself, on the crate's tables:
/// 1. the full compatibility decomposition of each character (`decompose_compatible`), into a
///    zeroizing buffer counted beforehand, each character packed with its combining class and
///    position;
/// 2. the canonical ordering: each run of combining marks sorted by (class, position) with
///    `sort_unstable` — in place (no scratch buffer on the heap), O(n log n) even for a pasted
///    run of 100,000 marks (`tests/hostile_text.rs`), and stable by construction since the
///    position is part of the key;
/// 3. the UTF-8 encoding, into a string of the counted size.
///
/// The result equals `text.nfkd()` (`nfkd_secret_is_nfkd`).
pub(crate) fn nfkd_secret(text: &str) -> Zeroizing<String> {
    use unicode_normalization::char::{canonical_combining_class, decompose_compatible};
    // A key: class (8 bits) | position (35 bits) | char (21 bits).
    const CHAR_BITS: u32 = 21;
    const CLASS_SHIFT: u32 = 56;
    let (mut count, mut len) = (0usize, 0usize);
    for c in text.chars() {
        decompose_compatible(c, |d| {
            count += 1;
            len += d.len_utf8();
        });
    }
    let mut keys: Zeroizing<Vec<u64>> = Zeroizing::new(Vec::with_capacity(count));
    let mut position = 0u64;
    for c in text.chars() {
        decompose_compatible(c, |d| {
            let class = u64::from(canonical_combining_class(d));
            keys.push(class << CLASS_SHIFT | position << CHAR_BITS | u64::from(d));
            position += 1;
        });
    }
    let mut start = 0;
    while start < keys.len() {
        let run = keys[start..].iter().take_while(|k| *k >> CLASS_SHIFT != 0).count();
        if run > 1 {
            keys[start..start + run].sort_unstable();
        }
        start += run.max(1);
    }
    let mut out = Zeroizing::new(String::with_capacity(len));
    out.extend(keys.iter().filter_map(|k| char::from_u32((k & ((1 << CHAR_BITS) - 1)) as u32)));
    out
}

/// The lowercase of secret text (character by character), in a zeroizing string allocated once
/// at its final size: `str::to_lowercase` grows its buffer when a character's lowercase is
/// longer (Ⱥ → ⱥ) and frees the outgrown one unwiped.
pub(crate) fn lowercase_secret(text: &str) -> Zeroizing<String> {
    let len = text.chars().flat_map(char::to_lowercase).map(char::len_utf8).sum();
    let mut out = Zeroizing::new(String::with_capacity(len));
    out.extend(text.chars().flat_map(char::to_lowercase));
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    use super::*;

    /// Cases where `nfkd()` spills its pending characters to the heap, reorders marks, or
    /// decomposes algorithmically (Hangul), and the empty string.
    #[test]
    fn nfkd_secret_is_nfkd_on_the_hard_cases() {
        for text in [
            "",
            "plain ascii passphrase",
            "\u{fdfa} pass QWXZ \u{2603}",
            "a\u{301}\u{302}\u{303}\u{304}\u{305} QWXZ",
            "a\u{323}\u{302}\u{31b}\u{301} ệ ở",
            "\u{3300}\u{337b}㍍ガバヴァぱばぐゞちぢ十人十色",
            "한국어 \u{1100}\u{1161}\u{11a8} ᄀ ᅡ",
            "café cafe\u{301} \u{fb01} \u{212b} \u{c5} ＡＢＣ ｱｲｳ",
            "\u{301}\u{300} leading marks \u{5b0}\u{5b4}\u{591}",
            "👩\u{200d}💻 \u{e0041}",
        ] {
            assert_eq!(*nfkd_secret(text), text.nfkd().collect::<String>(), "{text:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Any text, with marks of every class and compatibility characters over-represented.
        #[test]
        fn nfkd_secret_is_nfkd(text in proptest::collection::vec(prop_oneof![
            any::<char>(),
            (0x300u32..0x370).prop_map(|c| char::from_u32(c).unwrap_or('a')),
            (0x591u32..0x5c8).prop_map(|c| char::from_u32(c).unwrap_or('a')),
            (0x1100u32..0x1200).prop_map(|c| char::from_u32(c).unwrap_or('a')),
            (0xac00u32..0xd7a4).prop_map(|c| char::from_u32(c).unwrap_or('a')),
            (0x3300u32..0x3400).prop_map(|c| char::from_u32(c).unwrap_or('a')),
            (0xfb00u32..0xfe00).prop_map(|c| char::from_u32(c).unwrap_or('a')),
            Just('a'), Just('e'), Just('\u{fdfa}'),
        ], 0..40).prop_map(|v| v.into_iter().collect::<String>())) {
            prop_assert_eq!(&*nfkd_secret(&text), &text.nfkd().collect::<String>());
        }
    }
}
