//! The ranked word lists (upstream's `frequency_lists.rs`, moved to `data/*.txt` and compressed
//! by `build.rs`). Inflated once, on first use.

use std::collections::HashMap;

/// The six lists, one DEFLATE stream, lists separated by `'\n'`, words by `','`, in the order
/// of `build.rs`'s `LISTS`.
static PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/frequency_lists.deflate"));

lazy_static! {
    /// The lists' text. `build.rs` checked that the stream inflates to the lists, so this does
    /// not fail; were it to, the lists would be empty rather than the process aborted, and
    /// `the_lists_load` below (and the core's weak-password tests) would fail.
    static ref TEXT: String = miniz_oxide::inflate::decompress_to_vec(PACKED)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default();
    static ref LISTS: Vec<&'static str> = TEXT.split('\n').collect();
}

/// List `i` of build.rs's `LISTS`.
fn list(i: usize) -> &'static str {
    LISTS.get(i).copied().unwrap_or_default()
}

#[derive(Copy, Clone, Debug, Eq, PartialEq, Hash, Default)]
pub enum DictionaryType {
    #[default]
    Passwords,
    English,
    FemaleNames,
    MaleNames,
    Surnames,
    UsTvAndFilm,
    UserInputs,
}

lazy_static! {
    pub(crate) static ref RANKED_DICTIONARIES: HashMap<DictionaryType, HashMap<&'static str, usize>> = {
        let mut dicts = HashMap::with_capacity(6);
        dicts.insert(
            DictionaryType::Passwords,
            list(0)
                .split(',')
                .enumerate()
                .map(|(i, x)| (x, i + 1))
                .collect(),
        );
        dicts.insert(
            DictionaryType::English,
            list(1)
                .split(',')
                .enumerate()
                .map(|(i, x)| (x, i + 1))
                .collect(),
        );
        dicts.insert(
            DictionaryType::FemaleNames,
            list(2)
                .split(',')
                .enumerate()
                .map(|(i, x)| (x, i + 1))
                .collect(),
        );
        dicts.insert(
            DictionaryType::MaleNames,
            list(3)
                .split(',')
                .enumerate()
                .map(|(i, x)| (x, i + 1))
                .collect(),
        );
        dicts.insert(
            DictionaryType::Surnames,
            list(4)
                .split(',')
                .enumerate()
                .map(|(i, x)| (x, i + 1))
                .collect(),
        );
        dicts.insert(
            DictionaryType::UsTvAndFilm,
            list(5)
                .split(',')
                .enumerate()
                .map(|(i, x)| (x, i + 1))
                .collect(),
        );
        dicts
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_load() {
        let words = |d| RANKED_DICTIONARIES[&d].len();
        // Upstream's list lengths.
        assert_eq!(LISTS.len(), 6);
        assert!(words(DictionaryType::Passwords) > 29_000);
        assert!(words(DictionaryType::English) > 29_000);
        assert!(words(DictionaryType::UsTvAndFilm) > 19_000);
        assert_eq!(
            RANKED_DICTIONARIES[&DictionaryType::Passwords]["password"],
            2
        );
        assert_eq!(RANKED_DICTIONARIES[&DictionaryType::Passwords]["123456"], 1);
    }
}
