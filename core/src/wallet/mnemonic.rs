//! BIP39 recovery phrases.
//!
//! Generation uses OS randomness in any of the ten BIP39 wordlists. Parsing is forgiving about
//! form and strict about content: the input is NFKD-normalised, any Unicode whitespace
//! (ideographic U+3000, newlines, tabs, leading/trailing) separates words, the language is
//! detected, and every failure is typed — word count, which position holds an unknown word
//! (with the closest valid words), or a checksum mismatch. The phrase itself is held only in
//! zeroizing memory and never appears in errors or `Debug`.

use std::fmt;

use bip39::Language as B39;
use zeroize::Zeroizing;

use crate::vault::{random_bytes, SecretBytes};
use crate::{Error, Result};

/// The ten BIP39 wordlists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    English,
    SimplifiedChinese,
    TraditionalChinese,
    Japanese,
    Korean,
    Spanish,
    French,
    Italian,
    Czech,
    Portuguese,
}

impl Language {
    /// All languages, in detection-preference order (English first; Simplified before
    /// Traditional Chinese, whose lists share most characters).
    pub const ALL: [Language; 10] = [
        Language::English,
        Language::SimplifiedChinese,
        Language::TraditionalChinese,
        Language::Japanese,
        Language::Korean,
        Language::Spanish,
        Language::French,
        Language::Italian,
        Language::Czech,
        Language::Portuguese,
    ];

    /// Short code used by the CLI and the bindings (`en`, `zh-hans`, …).
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::SimplifiedChinese => "zh-hans",
            Language::TraditionalChinese => "zh-hant",
            Language::Japanese => "ja",
            Language::Korean => "ko",
            Language::Spanish => "es",
            Language::French => "fr",
            Language::Italian => "it",
            Language::Czech => "cs",
            Language::Portuguese => "pt",
        }
    }

    /// Parses a code from [`Language::code`] (case-insensitive; `zh-cn`/`zh-tw` accepted too).
    pub fn from_code(code: &str) -> Result<Language> {
        let c = code.trim().to_ascii_lowercase().replace('_', "-");
        let lang = match c.as_str() {
            "en" | "english" => Language::English,
            "zh-hans" | "zh-cn" | "zh" => Language::SimplifiedChinese,
            "zh-hant" | "zh-tw" => Language::TraditionalChinese,
            "ja" | "jp" | "japanese" => Language::Japanese,
            "ko" | "korean" => Language::Korean,
            "es" | "spanish" => Language::Spanish,
            "fr" | "french" => Language::French,
            "it" | "italian" => Language::Italian,
            "cs" | "czech" => Language::Czech,
            "pt" | "portuguese" => Language::Portuguese,
            _ => return Err(Error::UnknownLanguage { code: code.chars().take(32).collect() }),
        };
        Ok(lang)
    }

    fn bip39(self) -> B39 {
        match self {
            Language::English => B39::English,
            Language::SimplifiedChinese => B39::SimplifiedChinese,
            Language::TraditionalChinese => B39::TraditionalChinese,
            Language::Japanese => B39::Japanese,
            Language::Korean => B39::Korean,
            Language::Spanish => B39::Spanish,
            Language::French => B39::French,
            Language::Italian => B39::Italian,
            Language::Czech => B39::Czech,
            Language::Portuguese => B39::Portuguese,
        }
    }

    /// The 2048 words (NFKD form, as the BIP39 lists ship them).
    pub fn word_list(self) -> &'static [&'static str; 2048] {
        self.bip39().word_list()
    }

    /// Word separator used when displaying a phrase (ideographic space for Japanese).
    pub fn separator(self) -> &'static str {
        if self == Language::Japanese {
            "\u{3000}"
        } else {
            " "
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Allowed phrase lengths.
pub const WORD_COUNTS: [usize; 5] = [12, 15, 18, 21, 24];

/// A valid recovery phrase: its entropy (secret), language and word count.
#[derive(Clone)]
pub struct Mnemonic {
    entropy: SecretBytes,
    language: Language,
}

impl fmt::Debug for Mnemonic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mnemonic({} words, {}, <redacted>)", self.word_count(), self.language)
    }
}

impl Mnemonic {
    /// A new phrase of `words` words from OS randomness.
    pub fn generate(words: u32, language: Language) -> Result<Mnemonic> {
        let entropy_len = match words {
            12 => 16,
            15 => 20,
            18 => 24,
            21 => 28,
            24 => 32,
            _ => return Err(Error::UnsupportedWordCount { requested: words }),
        };
        Ok(Mnemonic { entropy: random_bytes(entropy_len)?, language })
    }

    /// From raw entropy (16–32 bytes, a multiple of 4).
    pub fn from_entropy(entropy: &[u8], language: Language) -> Result<Mnemonic> {
        bip39::Mnemonic::from_entropy_in(language.bip39(), entropy)
            .map_err(|_| Error::UnsupportedWordCount { requested: (entropy.len() * 3 / 4) as u32 })?;
        Ok(Mnemonic { entropy: SecretBytes::from_slice(entropy), language })
    }

    /// Parses user input; see the module docs for what is accepted.
    pub fn parse(input: &str) -> Result<Mnemonic> {
        let normalized = nfkd_secret(input);
        let words: Vec<&str> = normalized.split_whitespace().collect();
        if !WORD_COUNTS.contains(&words.len()) {
            return Err(Error::MnemonicWordCount { got: words.len() });
        }
        // Candidate languages: those containing every word, in preference order.
        let complete: Vec<Language> =
            Language::ALL.into_iter().filter(|l| words.iter().all(|w| l.bip39().find_word(w).is_some())).collect();
        if complete.is_empty() {
            return Err(unknown_word_error(&words));
        }
        let joined: Zeroizing<String> = Zeroizing::new(words.join(" "));
        for lang in complete {
            if let Ok(m) = bip39::Mnemonic::parse_in_normalized(lang.bip39(), &joined) {
                let entropy = SecretBytes::new(m.to_entropy());
                return Ok(Mnemonic { entropy, language: lang });
            }
        }
        Err(Error::MnemonicChecksum)
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn word_count(&self) -> usize {
        self.entropy.len() * 3 / 4
    }

    pub fn entropy(&self) -> &SecretBytes {
        &self.entropy
    }

    fn inner(&self) -> Result<bip39::Mnemonic> {
        bip39::Mnemonic::from_entropy_in(self.language.bip39(), self.entropy.expose())
            .map_err(|_| Error::Internal { reason: "stored entropy is invalid".into() })
    }

    /// The phrase as UTF-8 bytes (NFKD words joined by the language's separator), for the
    /// backup screen. The caller owns and should wipe the bytes.
    pub fn phrase(&self) -> Result<SecretBytes> {
        let m = self.inner()?;
        let mut phrase = joined(&m, self.language.separator());
        // Moves the buffer out (no copy) to the caller, who owns its wiping.
        Ok(SecretBytes::new(std::mem::take(&mut *phrase).into_bytes()))
    }

    /// The words (NFKD), e.g. to check a backup confirmation.
    pub fn word(&self, index: usize) -> Result<&'static str> {
        let m = self.inner()?;
        let word = m.words().nth(index);
        word.ok_or(Error::Internal { reason: "word index out of range".into() })
    }

    /// The 64-byte BIP39 seed for an optional passphrase (NFKD-normalised): PBKDF2-HMAC-SHA512,
    /// 2,048 rounds, of the NFKD words joined by ASCII spaces, salted with "mnemonic" and the
    /// passphrase — what `bip39::Mnemonic::to_seed_normalized` computes (the BIP39 vectors in
    /// `tests/bip39_vectors.rs` hold it to that), with RustCrypto's `pbkdf2` and `sha2`, whose
    /// SIMD compression makes this, the bulk of every signature, faster than bip39's own
    /// (`imwallet_kdf::pbkdf2_sha512`; docs/performance.md, "Library size").
    pub fn to_seed(&self, passphrase: &str) -> Result<SecretBytes> {
        let m = self.inner()?;
        let normalized = nfkd_secret(passphrase);
        let phrase = joined(&m, " ");
        let mut salt = Zeroizing::new(String::with_capacity("mnemonic".len() + normalized.len()));
        salt.push_str("mnemonic");
        salt.push_str(&normalized);
        let mut seed = Zeroizing::new(vec![0u8; 64]);
        imwallet_kdf::pbkdf2_sha512(phrase.as_bytes(), salt.as_bytes(), 2048, &mut seed);
        Ok(SecretBytes::new(std::mem::take(&mut *seed)))
    }
}

/// The words joined by `separator`, written into a zeroizing string allocated once at its final
/// size. No other heap copy is made: a collected `Vec<&str>` would leave the words' pointers,
/// which identify each word in the static lists, in freed memory.
fn joined(m: &bip39::Mnemonic, separator: &str) -> Zeroizing<String> {
    let len = m.words().map(str::len).sum::<usize>() + separator.len() * m.word_count().saturating_sub(1);
    let mut out = Zeroizing::new(String::with_capacity(len));
    for (i, word) in m.words().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(word);
    }
    out
}

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

/// Typed error for a phrase with at least one word outside every wordlist that fits it best.
fn unknown_word_error(words: &[&str]) -> Error {
    // Best language = the one recognising the most words.
    let best = Language::ALL
        .into_iter()
        .max_by_key(|l| {
            // max_by_key keeps the last maximum; reverse preference via negative index.
            let hits = words.iter().filter(|w| l.bip39().find_word(w).is_some()).count();
            let pref = Language::ALL.iter().position(|x| x == l).unwrap_or(0);
            (hits, usize::MAX - pref)
        })
        .unwrap_or(Language::English);
    let (position, word) = words
        .iter()
        .enumerate()
        .find(|(_, w)| best.bip39().find_word(w).is_none())
        .map(|(i, w)| (i + 1, *w))
        .unwrap_or((1, words.first().copied().unwrap_or("")));
    Error::MnemonicUnknownWord { position, suggestions: suggestions(best, word) }
}

/// Up to three closest words in `lang` (Damerau–Levenshtein ≤ 2, prefix matches first).
///
/// Linear in the typo's length: the distance is at least the difference in length, so only
/// words within two characters of it (or that it prefixes) are measured — a pasted
/// multi-kilobyte "word" costs no more than a short one (found by fuzzing, issue 15).
pub fn suggestions(lang: Language, typo: &str) -> Vec<String> {
    let len = typo.chars().count();
    // The best three by (score, word), kept on the stack: a collected list of candidates would
    // be freed unwiped, naming the words closest to the typo — likely the user's own word.
    let mut best: [Option<(usize, &str)>; 3] = [None; 3];
    for w in lang.word_list().iter() {
        let prefix = len >= 3 && w.starts_with(typo);
        if !prefix && len.abs_diff(w.chars().count()) > 2 {
            continue;
        }
        let d = strsim::damerau_levenshtein(typo, w);
        if d > 2 && !prefix {
            continue;
        }
        let mut candidate = Some((d * 2 + usize::from(!prefix), *w));
        for slot in best.iter_mut() {
            let better = match (&candidate, &*slot) {
                (Some(c), Some(s)) => c < s,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if better {
                std::mem::swap(slot, &mut candidate);
            }
        }
    }
    best.into_iter().flatten().map(|(_, w)| w.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    use super::*;

    /// The suggestions as they were computed before they were kept on the stack: every
    /// candidate collected, sorted by (score, word), the first three.
    fn suggestions_by_sorting(lang: Language, typo: &str) -> Vec<String> {
        let len = typo.chars().count();
        let mut scored: Vec<(usize, &str)> = lang
            .word_list()
            .iter()
            .filter_map(|w| {
                let prefix = len >= 3 && w.starts_with(typo);
                if !prefix && len.abs_diff(w.chars().count()) > 2 {
                    return None;
                }
                let d = strsim::damerau_levenshtein(typo, w);
                (d <= 2 || prefix).then_some((d * 2 + usize::from(!prefix), *w))
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, w)| w.to_string()).collect()
    }

    #[test]
    fn suggestions_are_the_best_three_by_score_then_word() {
        for lang in Language::ALL {
            for (i, w) in lang.word_list().iter().enumerate().step_by(97) {
                let chars: Vec<char> = w.chars().collect();
                let dropped: String = chars.iter().enumerate().filter(|(j, _)| *j != i % chars.len()).map(|(_, c)| c).collect();
                let swapped: String =
                    if chars.len() > 1 { [&chars[1..2], &chars[..1], &chars[2..]].concat().into_iter().collect() } else { dropped.clone() };
                let start: String = chars.iter().take(3).collect();
                for typo in [dropped.as_str(), swapped.as_str(), start.as_str(), "zzzz", ""] {
                    assert_eq!(suggestions(lang, typo), suggestions_by_sorting(lang, typo), "{lang:?} {typo:?}");
                }
            }
        }
    }

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

    /// The ranking before the length filter: every word measured.
    fn reference(lang: Language, typo: &str) -> Vec<String> {
        let mut scored: Vec<(usize, &str)> = lang
            .word_list()
            .iter()
            .filter_map(|w| {
                let d = strsim::damerau_levenshtein(typo, w);
                let prefix_bonus = usize::from(!(w.starts_with(typo) && typo.chars().count() >= 3));
                (d <= 2 || prefix_bonus == 0).then_some((d * 2 + prefix_bonus, *w))
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, w)| w.to_string()).collect()
    }

    #[test]
    fn the_length_filter_changes_no_suggestion() {
        for lang in Language::ALL {
            for w in lang.word_list().iter().step_by(211) {
                let chars: Vec<char> = w.chars().collect();
                let cut: String = chars[..chars.len() - 1].iter().collect();
                let head: String = chars[..chars.len().min(3)].iter().collect();
                for typo in [w.to_string(), cut, head, format!("{w}x"), format!("{w}xyz"), format!("x{w}"), "ab".into()] {
                    assert_eq!(suggestions(lang, &typo), reference(lang, &typo), "{lang} {typo}");
                }
            }
        }
        assert_eq!(suggestions(Language::English, "abandn"), ["abandon"]);
        assert!(suggestions(Language::English, "qqqqqqqqqqqq").is_empty());
    }

    #[test]
    fn a_huge_pasted_word_is_refused_quickly() {
        // Before the length filter: 2048 edit distances against a 200 KB string (minutes).
        let input = format!("{}{}", "abandon ".repeat(11), "q".repeat(200_000));
        let t = std::time::Instant::now();
        assert!(matches!(Mnemonic::parse(&input), Err(Error::MnemonicUnknownWord { position: 12, .. })));
        assert!(t.elapsed() < std::time::Duration::from_secs(5), "{:?}", t.elapsed());
    }
}
