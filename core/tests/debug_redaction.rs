//! Secrets do not leak through `Debug` (apps log it, crash reporters collect it): every core
//! type that can hold a password, a phrase or a sealed vault prints without the secret — as
//! text, as a byte list or as hex. Typo suggestions for a recovery word stay a separate field
//! of the error, never in its display text.

// Test helpers outside #[test] functions unwrap too (incl. the shared rig in common/).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use imwallet_core::auth::gates::AuthProof;
use imwallet_core::session::logout::LogoutConfirmation;
use imwallet_core::store::accounts;
use imwallet_core::vault::secrets::AccountSecret;
use imwallet_core::vault::SecretBytes;
use imwallet_core::wallet::{Language, Mnemonic};
use imwallet_core::Error;

/// `debug` (both `{:?}` and `{:#?}` forms are passed in) shows none of `secret`'s encodings,
/// nor those of its first 8 bytes.
fn assert_hidden(what: &str, debug: &str, secret: &[u8]) {
    assert!(secret.len() >= 8, "{what}: a secret long enough to be recognised");
    for part in [secret, &secret[..8]] {
        let list = format!("{part:?}");
        let compact = list.replace(' ', "");
        let pretty = part.iter().map(|b| format!("    {b},\n")).collect::<String>();
        let forms = [
            String::from_utf8_lossy(part).into_owned(),
            list[1..list.len() - 1].to_string(),
            compact,
            pretty,
            hex::encode(part),
            hex::encode_upper(part),
        ];
        for f in forms {
            assert!(!debug.contains(&f), "{what} leaks {f:?} in its Debug:\n{debug}");
        }
    }
}

fn both<T: std::fmt::Debug>(v: &T) -> String {
    format!("{v:?}\n{v:#?}")
}

#[test]
fn auth_proof_hides_the_password() {
    let d = both(&AuthProof::Password(PW));
    assert_hidden("AuthProof::Password", &d, PW);
    assert!(d.contains("Password"), "still says which proof it is: {d}");
    assert_eq!(format!("{:?}", AuthProof::Biometric), "Biometric");
}

#[test]
fn created_account_hides_the_phrase() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    let created = r.core.create_account("Cy", PW, 12, Language::English).unwrap();
    let phrase = created.phrase.expose().to_vec();
    let d = both(&created);
    assert_hidden("CreatedAccount", &d, &phrase);
    let words = phrase_words(&phrase);
    assert!(!d.contains(&words[..3].join(" ")), "no run of phrase words: {d}");
    assert!(d.contains("Cy"), "the public part is still shown: {d}");
}

#[test]
fn logout_confirmation_hides_the_password() {
    let c =
        LogoutConfirmation { typed_account_name: Some("Cy".into()), password: Some(SecretBytes::from_slice(PW)), use_biometrics: false };
    assert_hidden("LogoutConfirmation", &both(&c), PW);
}

#[test]
fn account_rows_hide_the_sealed_vault() {
    let dir = tempfile::tempdir().unwrap();
    let r = open(dir.path());
    r.core.create_account("Di", PW, 12, Language::English).unwrap();
    let id = r.core.state().account().unwrap().id.clone();
    drop(r); // one owner per data directory
    let store = store(dir.path());
    let row = accounts::by_id(store.conn(), &id).unwrap().unwrap();
    let d = both(&row);
    for (what, secret) in [("password_wrap", &row.password_wrap), ("vault_blob", &row.vault_blob), ("kdf_salt", &row.kdf_salt)] {
        assert_hidden(what, &d, secret);
    }
    assert!(d.contains(&id), "the id is not secret: {d}");
}

#[test]
fn account_secrets_hide_entropy_and_passphrase() {
    let m = Mnemonic::parse("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about").unwrap();
    let entropy = m.entropy().expose().to_vec();
    let pass = b"my extra passphrase word".to_vec();
    let s = AccountSecret::Mnemonic { mnemonic: m, passphrase: SecretBytes::from_slice(&pass) };
    let d = both(&s);
    assert_hidden("AccountSecret passphrase", &d, &pass);
    assert_hidden("AccountSecret entropy", &d, &[entropy.clone(), entropy].concat());
    assert!(!d.contains("abandon"));
}

#[test]
fn typo_suggestions_are_a_field_not_display_text() {
    let typo = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandn about";
    let Err(e) = Mnemonic::parse(typo) else { panic!("a typo must not parse") };
    let Error::MnemonicUnknownWord { position, suggestions } = &e else { panic!("{e:?}") };
    assert_eq!(*position, 11);
    assert!(suggestions.iter().any(|s| s == "abandon"), "the suggestions are still there: {suggestions:?}");
    let text = e.to_string();
    assert!(text.contains("word 11"), "{text}");
    for s in suggestions {
        assert!(!text.contains(s.as_str()), "suggestion {s:?} in the display text: {text}");
    }
    assert!(!text.contains("did you mean"), "{text}");
}

#[test]
fn second_factor_values_hide_their_codes_and_secrets() {
    use imwallet_core::auth::second_factor::{SecondFactor, TotpEnrollment};
    let code = b"ABCDE-FGHJK";
    for f in [SecondFactor::totp(b"12345678"), SecondFactor::recovery_code(code), SecondFactor::app_verified(b"87654321")] {
        let d = both(&f);
        let secret = match &f {
            SecondFactor::Totp { code } | SecondFactor::RecoveryCode { code } | SecondFactor::AppVerified { code } => code.clone(),
        };
        assert_hidden("SecondFactor", &d, secret.expose());
        assert!(d.contains("redacted"), "{d}");
    }
    let e = TotpEnrollment {
        secret_base32: SecretBytes::from_slice(b"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        otpauth_uri: SecretBytes::from_slice(b"otpauth://totp/imwallet:Ann?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
    };
    let d = both(&e);
    assert_hidden("TotpEnrollment", &d, e.secret_base32.expose());
    assert_hidden("TotpEnrollment", &d, e.otpauth_uri.expose());
    // The stored row: the encrypted secret by length only.
    let row = imwallet_core::store::second_factor::FactorRow {
        method: imwallet_core::auth::second_factor::SecondFactorMethod::Totp,
        state: imwallet_core::store::second_factor::FactorState::On,
        totp_secret: Some(vec![0xA5; 60]),
        last_step: Some(7),
        created_at: 0,
    };
    assert_hidden("FactorRow", &both(&row), &[0xA5; 60]);
}
