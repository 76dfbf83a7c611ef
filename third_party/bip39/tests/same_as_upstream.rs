//! The vendored crate against the published bip39 3.0.0: every word list word for word, and
//! phrases made, parsed, normalised and turned into seeds the same way, in every language.
//! (The crate's own tests, in `src/`, also check each list's SHA-256 against the BIP repository.)

use bip39::{Language, Mnemonic};

fn languages() -> Vec<(Language, upstream::Language)> {
	let ours = Language::ALL.to_vec();
	let theirs = upstream::Language::ALL.to_vec();
	assert_eq!(ours.len(), 10);
	assert_eq!(ours.len(), theirs.len());
	ours.into_iter().zip(theirs).collect()
}

#[test]
fn word_lists_are_upstreams_word_for_word() {
	for (ours, theirs) in languages() {
		assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
		assert_eq!(ours.word_list(), theirs.word_list(), "{ours:?}");
		// The same `&'static` table every time.
		assert!(std::ptr::eq(ours.word_list(), ours.word_list()));
		for (i, word) in theirs.word_list().iter().enumerate() {
			assert_eq!(ours.find_word(word), Some(i as u16), "{ours:?} {word}");
		}
		assert_eq!(ours.find_word("notaword"), None);
		assert_eq!(ours.find_word(""), None);
	}
}

#[test]
fn phrases_are_made_and_read_the_same() {
	let mut state = 0x9e37_79b9_7f4a_7c15u64;
	for (ours, theirs) in languages() {
		for len in [16usize, 20, 24, 28, 32] {
			for _ in 0..20 {
				let entropy: Vec<u8> = (0..len)
					.map(|_| {
						state ^= state << 13;
						state ^= state >> 7;
						state ^= state << 17;
						state as u8
					})
					.collect();
				let a = Mnemonic::from_entropy_in(ours, &entropy).unwrap();
				let b = upstream::Mnemonic::from_entropy_in(theirs, &entropy).unwrap();
				let phrase = a.to_string();
				assert_eq!(phrase, b.to_string());
				assert_eq!(a.to_seed("TREZOR"), b.to_seed("TREZOR"));
				let parsed = Mnemonic::parse_normalized(&phrase).unwrap();
				assert_eq!(parsed.language(), ours);
				assert_eq!(parsed.to_entropy(), entropy);
				// A word swapped for another of the list: both refuse it, or both accept it.
				let mut words: Vec<&str> = phrase.split(' ').collect();
				let other = ours.word_list()[(entropy[0] as usize * 7) % 2048];
				words[3] = other;
				let changed = words.join(" ");
				assert_eq!(
					Mnemonic::parse_in_normalized(ours, &changed).map(|m| m.to_entropy()).ok(),
					upstream::Mnemonic::parse_in_normalized(theirs, &changed)
						.map(|m| m.to_entropy())
						.ok()
				);
			}
		}
	}
}
