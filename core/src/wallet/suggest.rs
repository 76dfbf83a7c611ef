//! The typed error for an unknown recovery word, with the closest words of the best-matching
//! list as suggestions.

use crate::wallet::mnemonic::Language;
use crate::Error;

/// Typed error for a phrase with at least one word outside every wordlist that fits it best.
pub(crate) fn unknown_word_error(words: &[&str]) -> Error {
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
    use super::*;
    use crate::wallet::Mnemonic;

    /// The ranking before the length filter and before the best three were kept on the stack:
    /// every word measured, every candidate collected and sorted by (score, word).
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
    fn the_length_filter_and_the_stack_ranking_change_no_suggestion() {
        for lang in Language::ALL {
            for w in lang.word_list().iter().step_by(211) {
                let chars: Vec<char> = w.chars().collect();
                let cut: String = chars[..chars.len() - 1].iter().collect();
                let head: String = chars[..chars.len().min(3)].iter().collect();
                let swapped: String = chars.iter().skip(1).take(1).chain(chars.iter().take(1)).chain(chars.iter().skip(2)).collect();
                let dropped: String = chars.iter().enumerate().filter(|(j, _)| *j != chars.len() / 2).map(|(_, c)| c).collect();
                for typo in [
                    w.to_string(),
                    cut,
                    head,
                    swapped,
                    dropped,
                    format!("{w}x"),
                    format!("{w}xyz"),
                    format!("x{w}"),
                    "ab".into(),
                    String::new(),
                ] {
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
