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
use crate::wallet::secret_text::nfkd_secret;
pub use crate::wallet::suggest::suggestions;
use crate::wallet::suggest::unknown_word_error;
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

    pub(crate) fn bip39(self) -> B39 {
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
