//! Property tests: phrase ↔ entropy, keystore export → import, sign → recover.

use imwallet_core::vault::keystore::{export, import, ExportKdf};
use imwallet_core::wallet::sign::{recover, sign_digest};
use imwallet_core::wallet::{Language, Mnemonic, PrivateKey};
use proptest::prelude::*;

fn lang() -> impl Strategy<Value = Language> {
    (0usize..10).prop_map(|i| Language::ALL[i])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn phrase_entropy_round_trip(words in prop::sample::select(vec![16usize, 20, 24, 28, 32]), seed in any::<[u8; 32]>(), l in lang()) {
        let entropy = &seed[..words];
        let m = Mnemonic::from_entropy(entropy, l).unwrap();
        let phrase = String::from_utf8(m.phrase().unwrap().into_vec()).unwrap();
        let back = Mnemonic::parse(&phrase).unwrap();
        prop_assert_eq!(back.entropy().expose(), entropy);
    }

    #[test]
    fn sign_recover_round_trip(key in any::<[u8; 32]>(), digest in any::<[u8; 32]>()) {
        if let Ok(k) = PrivateKey::from_bytes(&key) {
            let sig = sign_digest(&k, &digest).unwrap();
            prop_assert_eq!(recover(&digest, &sig).unwrap(), k.address());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn keystore_round_trip(key in any::<[u8; 32]>(), pw in proptest::collection::vec(any::<u8>(), 0..40)) {
        if let Ok(k) = PrivateKey::from_bytes(&key) {
            let json = export(&k, &pw, ExportKdf::Pbkdf2 { rounds: 64 }).unwrap();
            prop_assert_eq!(import(&json, &pw).unwrap().to_bytes(), k.to_bytes());
            let json = export(&k, &pw, ExportKdf::Scrypt { log_n: 4, r: 8, p: 1 }).unwrap();
            prop_assert_eq!(import(&json, &pw).unwrap().to_bytes(), k.to_bytes());
        }
    }
}
