//! Password policy: at least 8 characters and a zxcvbn score of at least 3 ("safely
//! unguessable"), so common and pattern passwords are refused with zxcvbn's reason. A password
//! that leans on the account name is refused too: with the name taken out, what is left must
//! still pass the policy on its own (a name of one or two characters is only a zxcvbn hint, so
//! "a" as a name does not forbid every password with an "a" in it).

use zeroize::Zeroizing;

use crate::{Error, Result};

/// Minimum length in characters.
pub const MIN_LEN: u32 = 8;
/// Minimum zxcvbn score (0–4).
pub const MIN_SCORE: u8 = 3;
/// Context words (the account name) shorter than this are not searched for in the password.
pub const MIN_CONTEXT_CHARS: usize = 3;

/// Checks a new password; `context` holds words the password must not lean on (account name).
pub fn check_new_password(password: &[u8], context: &[&str]) -> Result<()> {
    let s = std::str::from_utf8(password).map_err(|_| Error::PasswordTooWeak { reason: "the password is not valid UTF-8 text".into() })?;
    if (s.chars().count() as u32) < MIN_LEN {
        return Err(Error::PasswordTooShort { min: MIN_LEN });
    }
    strong_enough(s, context)?;
    for c in context.iter().map(|c| c.to_lowercase()).filter(|c| c.chars().count() >= MIN_CONTEXT_CHARS) {
        let lowered = Zeroizing::new(s.to_lowercase());
        if !lowered.contains(&c) {
            continue;
        }
        // What the password is without the name must stand on its own.
        let rest = Zeroizing::new(lowered.replace(&c, ""));
        if (rest.chars().count() as u32) < MIN_LEN || strong_enough(&rest, &[]).is_err() {
            return Err(Error::PasswordTooWeak {
                reason: "the password leans on the account name: without it, the rest is too easy to guess".into(),
            });
        }
    }
    Ok(())
}

/// The zxcvbn part of the policy.
fn strong_enough(s: &str, context: &[&str]) -> Result<()> {
    let estimate = zxcvbn::zxcvbn(s, context);
    if u8::from(estimate.score()) < MIN_SCORE {
        let reason = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()).or_else(|| f.suggestions().first().map(|s| s.to_string())))
            .unwrap_or_else(|| "easy to guess; add more unrelated words".to_string());
        return Err(Error::PasswordTooWeak { reason });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(check_new_password(b"short", &[]), Err(Error::PasswordTooShort { min: 8 }));
        assert!(matches!(check_new_password(b"password123", &[]), Err(Error::PasswordTooWeak { .. })));
        assert!(matches!(check_new_password(b"qwertyuiop", &[]), Err(Error::PasswordTooWeak { .. })));
        assert!(matches!(check_new_password(b"aliceWonderland1", &["alicewonderland"]), Err(Error::PasswordTooWeak { .. })));
        assert!(matches!(check_new_password(&[0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8], &[]), Err(Error::PasswordTooWeak { .. })));
        assert_eq!(check_new_password(b"correct horse battery staple 42!", &[]), Ok(()));
        assert_eq!(check_new_password("черный-кот-спит-на-окне".as_bytes(), &[]), Ok(()));
    }

    #[test]
    fn account_name_is_not_a_plain_substring_test() {
        let strong = b"correct horse battery staple 42!";
        // A one- or two-letter name: any strong password, whatever letters it has.
        assert_eq!(check_new_password(strong, &["a"]), Ok(()));
        assert_eq!(check_new_password(strong, &["Co"]), Ok(()));
        assert_eq!(check_new_password(b"tangerine-oscillate-97-plum", &["e"]), Ok(()));
        // A name inside a password that is strong without it.
        assert_eq!(check_new_password(b"bob: correct horse battery staple 42!", &["Bob"]), Ok(()));
        // Leaning on the name: the rest alone is weak or short.
        for (pw, name) in [
            ("alice2024!", "alice"),
            ("Alice-Alice-Alice!", "alice"),
            ("wonderland1", "Wonderland"),
            ("satoshi_nakamoto_1", "satoshi_nakamoto"),
            ("Eve-is-great", "eve"),
        ] {
            assert!(
                matches!(check_new_password(pw.as_bytes(), &[name]), Err(Error::PasswordTooWeak { .. })),
                "{pw} / {name} should be refused"
            );
        }
        // Case and non-ASCII names.
        assert!(matches!(check_new_password("женя1990!".as_bytes(), &["Женя"]), Err(Error::PasswordTooWeak { .. })));
    }

    /// Common and pattern passwords the policy refuses (kept whatever estimator runs it).
    #[test]
    fn common_and_weak_passwords_stay_refused() {
        let accepted: Vec<&str> = [
            "password",
            "password1",
            "password123",
            "Password1!",
            "P@ssw0rd",
            "passw0rd!",
            "12345678",
            "123456789",
            "1234567890",
            "11111111",
            "00000000",
            "qwertyuiop",
            "qwerty123",
            "1q2w3e4r5t",
            "1qaz2wsx3edc",
            "asdfghjkl",
            "zxcvbnm123",
            "iloveyou",
            "iloveyou1",
            "sunshine1",
            "princess1",
            "football1",
            "baseball",
            "superman1",
            "letmein123",
            "welcome1",
            "trustno1",
            "dragon123",
            "monkey123",
            "abc12345",
            "abcdefgh",
            "aaaaaaaa",
            "abcabcabc",
            "12121212",
            "qwerqwer",
            "January2024",
            "summer2023",
            "Winter2024!",
            "michael1",
            "jennifer",
            "starwars1",
            "pokemon123",
            "whatever",
            "computer1",
            "changeme",
            "administrator",
            "Pa$$w0rd",
            "iloveyou!",
            "01011990",
            "19901990",
            "1234qwer",
            "q1w2e3r4",
            "zaq12wsx",
            "!QAZ2wsx",
            "Passw0rd",
            "mustang1",
            "shadow12",
            "bitcoin123",
            "wallet123",
            "crypto2024",
        ]
        .into_iter()
        .filter(|pw| check_new_password(pw.as_bytes(), &[]).is_ok())
        .collect();
        assert!(accepted.is_empty(), "should be refused: {accepted:?}");
    }
}
