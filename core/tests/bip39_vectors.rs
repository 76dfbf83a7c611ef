//! BIP39 known answers (Trezor's reference vectors, passphrase "TREZOR") in several wordlists,
//! plus lenient input forms and every typed parse error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // helpers outside #[test] fns, and common/

use imwallet_core::wallet::hd::{extended_keys, DerivationPath};
use imwallet_core::wallet::{Language, Mnemonic};
use imwallet_core::Error;

const TREZOR_EN: &[(&str, &str, &str, &str)] = &[
    ("00000000000000000000000000000000", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04", "xprv9s21ZrQH143K3h3fDYiay8mocZ3afhfULfb5GX8kCBdno77K4HiA15Tg23wpbeF1pLfs1c5SPmYHrEpTuuRhxMwvKDwqdKiGJS9XFKzUsAF"),
    ("7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f", "legal winner thank year wave sausage worth useful legal winner thank yellow", "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607", "xprv9s21ZrQH143K2gA81bYFHqU68xz1cX2APaSq5tt6MFSLeXnCKV1RVUJt9FWNTbrrryem4ZckN8k4Ls1H6nwdvDTvnV7zEXs2HgPezuVccsq"),
    ("80808080808080808080808080808080", "letter advice cage absurd amount doctor acoustic avoid letter advice cage above", "d71de856f81a8acc65e6fc851a38d4d7ec216fd0796d0a6827a3ad6ed5511a30fa280f12eb2e47ed2ac03b5c462a0358d18d69fe4f985ec81778c1b370b652a8", "xprv9s21ZrQH143K2shfP28KM3nr5Ap1SXjz8gc2rAqqMEynmjt6o1qboCDpxckqXavCwdnYds6yBHZGKHv7ef2eTXy461PXUjBFQg6PrwY4Gzq"),
    ("ffffffffffffffffffffffffffffffff", "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong", "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069", "xprv9s21ZrQH143K2V4oox4M8Zmhi2Fjx5XK4Lf7GKRvPSgydU3mjZuKGCTg7UPiBUD7ydVPvSLtg9hjp7MQTYsW67rZHAXeccqYqrsx8LcXnyd"),
    ("000000000000000000000000000000000000000000000000", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon agent", "035895f2f481b1b0f01fcf8c289c794660b289981a78f8106447707fdd9666ca06da5a9a565181599b79f53b844d8a71dd9f439c52a3d7b3e8a79c906ac845fa", "xprv9s21ZrQH143K3mEDrypcZ2usWqFgzKB6jBBx9B6GfC7fu26X6hPRzVjzkqkPvDqp6g5eypdk6cyhGnBngbjeHTe4LsuLG1cCmKJka5SMkmU"),
    ("7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f", "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal will", "f2b94508732bcbacbcc020faefecfc89feafa6649a5491b8c952cede496c214a0c7b3c392d168748f2d4a612bada0753b52a1c7ac53c1e93abd5c6320b9e95dd", "xprv9s21ZrQH143K3Lv9MZLj16np5GzLe7tDKQfVusBni7toqJGcnKRtHSxUwbKUyUWiwpK55g1DUSsw76TF1T93VT4gz4wt5RM23pkaQLnvBh7"),
    ("0000000000000000000000000000000000000000000000000000000000000000", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art", "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8", "xprv9s21ZrQH143K32qBagUJAMU2LsHg3ka7jqMcV98Y7gVeVyNStwYS3U7yVVoDZ4btbRNf4h6ibWpY22iRmXq35qgLs79f312g2kj5539ebPM"),
    ("9e885d952ad362caeb4efe34a8e91bd2", "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic", "274ddc525802f7c828d8ef7ddbcdc5304e87ac3535913611fbbfa986d0c9e5476c91689f9c8a54fd55bd38606aa6a8595ad213d4c9c9f9aca3fb217069a41028", "xprv9s21ZrQH143K2oZ9stBYpoaZ2ktHj7jLz7iMqpgg1En8kKFTXJHsjxry1JbKH19YrDTicVwKPehFKTbmaxgVEc5TpHdS1aYhB2s9aFJBeJH"),
    ("6610b25967cdcca9d59875f5cb50b0ea75433311869e930b", "gravity machine north sort system female filter attitude volume fold club stay feature office ecology stable narrow fog", "628c3827a8823298ee685db84f55caa34b5cc195a778e52d45f59bcf75aba68e4d7590e101dc414bc1bbd5737666fbbef35d1f1903953b66624f910feef245ac", "xprv9s21ZrQH143K3uT8eQowUjsxrmsA9YUuQQK1RLqFufzybxD6DH6gPY7NjJ5G3EPHjsWDrs9iivSbmvjc9DQJbJGatfa9pv4MZ3wjr8qWPAK"),
    ("68a79eaca2324873eacc50cb9c6eca8cc68ea5d936f98787c60c7ebc74e6ce7c", "hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple dilemma loan word shrug inflict delay length", "64c87cde7e12ecf6704ab95bb1408bef047c22db4cc7491c4271d170a1b213d20b385bc1588d9c7b38f1b39d415665b8a9030c9ec653d75e65f847d8fc1fc440", "xprv9s21ZrQH143K2XTAhys3pMNcGn261Fi5Ta2Pw8PwaVPhg3D8DWkzWQwjTJfskj8ofb81i9NP2cUNKxwjueJHHMQAnxtivTA75uUFqPFeWzk"),
    ("f585c11aec520db57dd353c69554b21a89b20fb0650966fa0a9d6f74fd989d8f", "void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group space point ten exist slush involve unfold", "01f5bced59dec48e362f2c45b5de68b9fd6c92c6634f44d6d40aab69056506f0e35524a518034ddc1192e1dacd32c1ed3eaa3c3b131c88ed8e7e54c49a5d0998", "xprv9s21ZrQH143K39rnQJknpH1WEPFJrzmAqqasiDcVrNuk926oizzJDDQkdiTvNPr2FYDYzWgiMiC63YmfPAa2oPyNB23r2g7d1yiK6WpqaQS"),
];

/// (language, entropy, phrase, seed with "TREZOR", root xprv) from the same vectors file.
const TREZOR_OTHER: &[(Language, &str, &str, &str, &str)] = &[
    (
        Language::SimplifiedChinese,
        "80808080808080808080808080808080",
        "壤 对 据 人 三 谈 我 表 壤 对 据 不",
        "07b6eada2601141ef9748bdf5af296a134f0f9215a946813b84338dcfba93c8247b0c3429a91e0a1b85a93bd9f1275a9524acecadc9b516c3cf4c8990f44052c",
        "xprv9s21ZrQH143K2cgeQUKgCSmaRVXFjEGThqrnNFmH71qG8z3bWqYcbX9zakkRxmDp583tqf3cQzmxtn4C2XqinMNb2HkhXBDYhekCB8AwZWV",
    ),
    (
        Language::TraditionalChinese,
        "80808080808080808080808080808080",
        "壤 對 據 人 三 談 我 表 壤 對 據 不",
        "33f373da1a6b4300dad5cc70d2329ed614512e3c8a423673c294110521326ca66753b9663bdd7c844f17d81609a410a61809dd5113823009f729e2f2f940cab9",
        "xprv9s21ZrQH143K4SV7MzxYhSQtxP5gWGCD75QiUsp7z1s7Kuc8b4V4F6wRqKvhdczy3qi2uNeN9Vw4PnKYJtoaFdHFX4qbxweuRDmQqgMjKRJ",
    ),
    (
        Language::TraditionalChinese,
        "9e885d952ad362caeb4efe34a8e91bd2",
        "蒙 台 脫 紀 構 硫 漿 黴 感 僅 魚 湯",
        "27ca577f0318b6c6067acce7aefacd12bc9fbbc8e365fdc16bfc0ffd76379b0768dc56877f19eee4c1222dfb5a94a5516c5707e6a6ad070af9a0fe7f7799ac5e",
        "xprv9s21ZrQH143K3FtWQPZHP7Gpf5qgbvXqPNo5iCSfkGhWnATeqM5FuQ3YTx4sSciJx1MjVnbM3XQ16N83x5gNwcsVG7PTf1cRDhvyGZ45EY5",
    ),
    (
        Language::Czech,
        "7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
        "obrazec znak uznat zubovina zeman skupina zrcadlo vzchopit obrazec znak uznat zubr",
        "68e1bd31ed5f20c9ab108c03b524e85209b0b27af80cb5d48fa71d03dbb528b73c2349bb8576f9b68825272984061594f520e54605a4898ba61c433d06bf5de7",
        "xprv9s21ZrQH143K4JXKqKovjKKSb7zgQcgbuKNNjaWyYBjjdny1SyXiPbjzSNUR6uLmNmPJ1NcWzeHDLqmopeTTbZ3DbPobsm4pbDrNrqhEDbK",
    ),
    (
        Language::French,
        "9e885d952ad362caeb4efe34a8e91bd2",
        "monument dépenser féroce entasser comédie ferveur optique sonnette codifier discuter dioxyde nerveux",
        "d322acd69a849cce8719674eeb7cd76520de01ea35210012a44a5dcc19faf285202c3fb3c749a46d338ad54ddd398029ee308ee352a89f65180dbd3ff750dd50",
        "xprv9s21ZrQH143K4RswQfcyMEjx6Kc5tEBR43MNp7XJH5mWushqBryZTc97VNPNVfRop62sGwu7Tg3vsd559P1G8h6M2N9j1Zj1vVn1919uvmb",
    ),
    (
        Language::Italian,
        "80808080808080808080808080808080",
        "misurare afoso bravura accadere alogeno dottore acrilico arazzo misurare afoso bravura abisso",
        "4025269bc4f7550bbc3c61592944946b0d4ac855a5e4582bf86069cc0c9429455cc40d84ba215ed1cec28e27ffc88460c38b9c4e8c486ae878d7c85e95b222bf",
        "xprv9s21ZrQH143K4Hh5BqryXtMu7QLbJC7yDh9kscJ4h3PuxA382w6YyjMMkiFVyfmdYFwfP8sVWR1eLygHmczccbzH7pTGXbeqAy54fNVA13M",
    ),
];

fn check(lang: Language, entropy: &str, phrase: &str, seed: &str, xprv: &str) {
    let m = Mnemonic::parse(phrase).unwrap();
    assert_eq!(m.language(), lang, "language of {phrase}");
    assert_eq!(hex::encode(m.entropy().expose()), entropy);
    let from_entropy = Mnemonic::from_entropy(&hex::decode(entropy).unwrap(), lang).unwrap();
    let shown = String::from_utf8(from_entropy.phrase().unwrap().into_vec()).unwrap();
    assert_eq!(Mnemonic::parse(&shown).unwrap().entropy(), m.entropy());
    let s = m.to_seed("TREZOR").unwrap();
    assert_eq!(hex::encode(s.expose()), seed);
    let (root, _) = extended_keys(&s, &"m".parse::<DerivationPath>().unwrap()).unwrap();
    assert_eq!(root.expose_str().unwrap(), xprv);
}

#[test]
fn trezor_english_vectors() {
    for (e, p, s, x) in TREZOR_EN {
        check(Language::English, e, p, s, x);
    }
}

#[test]
fn trezor_non_english_vectors() {
    for (l, e, p, s, x) in TREZOR_OTHER {
        check(*l, e, p, s, x);
    }
}

#[test]
fn generates_every_length_in_every_language_and_round_trips() {
    for lang in Language::ALL {
        for words in [12u32, 15, 18, 21, 24] {
            let m = Mnemonic::generate(words, lang).unwrap();
            assert_eq!(m.word_count(), words as usize);
            let phrase = String::from_utf8(m.phrase().unwrap().into_vec()).unwrap();
            let back = Mnemonic::parse(&phrase).unwrap();
            assert_eq!(back.entropy(), m.entropy());
            // Simplified/Traditional Chinese share characters: a phrase may legitimately be
            // valid in both, but then it must decode to the same entropy.
            if !matches!(lang, Language::SimplifiedChinese | Language::TraditionalChinese) {
                assert_eq!(back.language(), lang);
            }
        }
    }
    let a = Mnemonic::generate(12, Language::English).unwrap();
    let b = Mnemonic::generate(12, Language::English).unwrap();
    assert_ne!(a.entropy(), b.entropy(), "phrases come from randomness");
}

#[test]
fn japanese_ideographic_spaces_and_messy_whitespace_are_accepted() {
    let m = Mnemonic::generate(12, Language::Japanese).unwrap();
    let phrase = String::from_utf8(m.phrase().unwrap().into_vec()).unwrap();
    assert!(phrase.contains('\u{3000}'), "Japanese phrases display with U+3000");
    assert_eq!(Mnemonic::parse(&phrase).unwrap().language(), Language::Japanese);
    let en = "  abandon\tabandon\nabandon\u{3000}abandon abandon  abandon abandon abandon abandon abandon abandon about \n";
    assert_eq!(hex::encode(Mnemonic::parse(en).unwrap().entropy().expose()), "00000000000000000000000000000000");
    // Composed (NFC) accents are normalised to NFKD before lookup.
    let nfc = "monument d\u{e9}penser f\u{e9}roce entasser com\u{e9}die ferveur optique sonnette codifier discuter dioxyde nerveux";
    assert_eq!(Mnemonic::parse(nfc).unwrap().language(), Language::French);
}

#[test]
fn passphrase_is_nfkd_normalised() {
    let m = Mnemonic::parse("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about").unwrap();
    // "é" composed vs decomposed must give the same seed; a different passphrase a different one.
    assert_eq!(m.to_seed("caf\u{e9}").unwrap(), m.to_seed("cafe\u{301}").unwrap());
    assert_ne!(m.to_seed("cafe").unwrap(), m.to_seed("caf\u{e9}").unwrap());
}

#[test]
fn typed_errors() {
    assert_eq!(Mnemonic::parse("abandon abandon about").unwrap_err(), Error::MnemonicWordCount { got: 3 });
    assert_eq!(Mnemonic::parse("   ").unwrap_err(), Error::MnemonicWordCount { got: 0 });
    match Mnemonic::parse("abandon abandon abandon abandon abandon abandn abandon abandon abandon abandon abandon about").unwrap_err() {
        Error::MnemonicUnknownWord { position, suggestions } => {
            assert_eq!(position, 6);
            assert_eq!(suggestions.first().map(String::as_str), Some("abandon"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        Mnemonic::parse("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon").unwrap_err(),
        Error::MnemonicChecksum
    );
    assert_eq!(Mnemonic::generate(13, Language::English).unwrap_err(), Error::UnsupportedWordCount { requested: 13 });
    assert!(matches!(Language::from_code("xx"), Err(Error::UnknownLanguage { .. })));
    assert_eq!(Language::from_code("zh-Hant").unwrap(), Language::TraditionalChinese);
}

#[test]
fn errors_and_debug_never_echo_the_phrase() {
    let err =
        Mnemonic::parse("abandon abandon abandon abandon abandon zzzsecretword abandon abandon abandon abandon abandon about").unwrap_err();
    assert!(!err.to_string().contains("zzzsecretword"));
    let m = Mnemonic::parse("legal winner thank year wave sausage worth useful legal winner thank yellow").unwrap();
    let dbg = format!("{m:?}");
    assert!(!dbg.contains("legal") && !dbg.contains("7f7f"), "{dbg}");
}

/// Japanese, from the Japanese word list's vectors (bip32JP's `test_JP_BIP39.json`, as
/// libbitcoin's and NBitcoin's test suites carry them for the final list): the phrase separated
/// by U+3000 as displayed, and a passphrase that NFKD changes (㍍ → メートル, half-width and
/// combining kana). The seed is PBKDF2 over the NFKD words joined by ASCII spaces, salted with
/// "mnemonic" + the NFKD passphrase: a seed derivation that joined with the display separator,
/// or skipped the passphrase's NFKD, fails here.
const JP_PASSPHRASE: &str = "㍍ガバヴァぱばぐゞちぢ十人十色";
const JP: &[(&str, &str, &str, &str)] = &[
    (
        "00000000000000000000000000000000",
        "あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あいこくしん　あおぞら",
        "a262d6fb6122ecf45be09c50492b31f92e9beb7d9a845987a02cefda57a15f9c467a17872029a9e92299b5cbdf306e3a0ee620245cbd508959b6cb7ca637bd55",
        "xprv9s21ZrQH143K258jAiWPAM6JYT9hLA91MV3AZUKfxmLZJCjCHeSjBvMbDy8C1mJ2FL5ytExyS97FAe6pQ6SD5Jt9SwHaLorA8i5Eojokfo1",
    ),
    (
        "77c2b00716cec7213839159e404db50d",
        "せまい　うちがわ　あずき　かろう　めずらしい　だんち　ますく　おさめる　ていぼう　あたる　すあな　えしゃく",
        "344cef9efc37d0cb36d89def03d09144dd51167923487eec42c487f7428908546fa31a3c26b7391a2b3afe7db81b9f8c5007336b58e269ea0bd10749a87e0193",
        "xprv9s21ZrQH143K2fhvZfecKw8znj6QkGGV2F2t17BWA6VnanejVWBjQeV5DspseWdSvN49rrFpocPGt7aSGk9R5wJfC1LAwFMt6hV9qS7yGKR",
    ),
    (
        "15da872c95a13dd738fbf50e427583ad61f18fd99f628c417a61cf8343c90419",
        "うちゅう　ふそく　ひしょ　がちょう　うけもつ　めいそう　みかん　そざい　いばる　うけとる　さんま　さこつ　おうさま　ぱんつ　しひょう　めした　たはつ　いちぶ　つうじょう　てさぎょう　きつね　みすえる　いりぐち　かめれおん",
        "346b7321d8c04f6f37b49fdf062a2fddc8e1bf8f1d33171b65074531ec546d1d3469974beccb1a09263440fc92e1042580a557fdce314e27ee4eabb25fa5e5fe",
        "xprv9s21ZrQH143K2qVq43Phs1xyVc6jSxXHWJ6CDJjod3cgyEin7hgeQV6Dkw6s1LSfMYxoah4bPAnW4wmXfDUS9ghBEM18xoY634CBtX8HPrA",
    ),
];

#[test]
fn japanese_vectors_with_an_nfkd_passphrase() {
    for (entropy, phrase, seed, xprv) in JP {
        let m = Mnemonic::parse(phrase).unwrap();
        assert_eq!(m.language(), Language::Japanese);
        assert_eq!(hex::encode(m.entropy().expose()), *entropy);
        let s = m.to_seed(JP_PASSPHRASE).unwrap();
        assert_eq!(hex::encode(s.expose()), *seed, "seed of {phrase}");
        let (root, _) = extended_keys(&s, &"m".parse::<DerivationPath>().unwrap()).unwrap();
        assert_eq!(root.expose_str().unwrap(), *xprv);
        // The phrase as the wallet shows it (U+3000) parses back to the same entropy.
        let shown = String::from_utf8(m.phrase().unwrap().into_vec()).unwrap();
        assert!(shown.contains('\u{3000}'));
        assert_eq!(Mnemonic::parse(&shown).unwrap().entropy(), m.entropy());
    }
}
