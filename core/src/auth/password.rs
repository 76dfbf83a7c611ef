//! Password policy: at least 8 characters and a zxcvbn score of at least 3 ("safely
//! unguessable"), so common and pattern passwords are refused with zxcvbn's reason.

use zeroize::Zeroizing;

use crate::{Error, Result};

/// Minimum length in characters.
pub const MIN_LEN: u32 = 8;
/// Minimum zxcvbn score (0–4).
pub const MIN_SCORE: u8 = 3;

/// Checks a new password; `context` holds words the password must not lean on (account name).
pub fn check_new_password(password: &[u8], context: &[&str]) -> Result<()> {
    let s = std::str::from_utf8(password).map_err(|_| Error::PasswordTooWeak { reason: "the password is not valid UTF-8 text".into() })?;
    if (s.chars().count() as u32) < MIN_LEN {
        return Err(Error::PasswordTooShort { min: MIN_LEN });
    }
    let lowered = Zeroizing::new(s.to_lowercase());
    let estimate = zxcvbn::zxcvbn(s, context);
    if u8::from(estimate.score()) < MIN_SCORE {
        let reason = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()).or_else(|| f.suggestions().first().map(|s| s.to_string())))
            .unwrap_or_else(|| "easy to guess; add more unrelated words".to_string());
        return Err(Error::PasswordTooWeak { reason });
    }
    if context.iter().any(|c| !c.is_empty() && lowered.contains(&c.to_lowercase())) {
        return Err(Error::PasswordTooWeak { reason: "the password contains the account name".into() });
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
}
