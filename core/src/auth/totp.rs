//! RFC 6238 time-based one-time codes (the authenticator-app factor, ADR 0014) through `totp-rs`.
//!
//! Accounts get HMAC-SHA1, 6 digits, 30 s steps — what every common authenticator app reads
//! from an `otpauth://` URI — and a 160-bit random secret (RFC 4226 §4). A code is accepted for
//! the current step or one step either side ([`WINDOW`]), and only for a step **after** the last
//! accepted one: the caller persists the step a code matched and passes it back as `after`, so a
//! code is never accepted twice and setting the clock back does not bring old codes back.

use totp_rs::{Algorithm, Builder, Secret, Totp};
use zeroize::Zeroizing;

use crate::vault::{random_bytes, SecretBytes};
use crate::{Error, Result};

/// Seconds per time step.
pub const STEP_SECS: u64 = 30;
/// Digits per code.
pub const DIGITS: u8 = 6;
/// Steps accepted either side of the current one (clock drift, typing time).
pub const WINDOW: u64 = 1;
/// Secret length in bytes (160 bits).
pub const SECRET_BYTES: usize = 20;
/// The issuer shown by authenticator apps when the app names none.
pub const DEFAULT_ISSUER: &str = "imwallet";

/// A TOTP generator for `secret` with `algorithm` and `digits` (the account parameters are
/// SHA-1 and [`DIGITS`]; the others exist for the RFC 6238 test vectors).
pub fn generator(secret: &[u8], algorithm: Algorithm, digits: u8) -> Result<Totp> {
    Builder::new()
        .with_algorithm(algorithm)
        .with_digits(digits)
        .with_skew(0)
        .with_step_duration(STEP_SECS)
        .with_secret(Secret::from(secret))
        .build()
        .map_err(|e| Error::Internal { reason: format!("TOTP parameters refused: {e}") })
}

/// A new random account secret.
pub fn new_secret() -> Result<SecretBytes> {
    random_bytes(SECRET_BYTES)
}

/// The code for `unix_secs` (tests and the CLI's self-check; digits zero-padded).
pub fn code_at(secret: &[u8], unix_secs: u64) -> Result<Zeroizing<String>> {
    Ok(Zeroizing::new(generator(secret, Algorithm::SHA1, DIGITS)?.generate(unix_secs).to_string()))
}

/// The typed code as the digits it must be: surrounding spaces and inner spaces or dashes (as
/// apps show "123 456") are dropped; anything else that is not an ASCII digit makes it `None`.
fn normalize(code: &[u8]) -> Option<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(code.len()));
    for &b in code {
        match b {
            b'0'..=b'9' => out.push(char::from(b)),
            b' ' | b'-' | b'\t' => {}
            _ => return None,
        }
    }
    (out.len() == usize::from(DIGITS)).then_some(out)
}

/// The time step of `unix_secs` (`None` before 1970: no code is accepted).
pub fn step_of(unix_secs: i64) -> Option<u64> {
    u64::try_from(unix_secs).ok().map(|s| s / STEP_SECS)
}

/// The step in `now`'s window (oldest first) after `after` whose code `code` is, if any. Every
/// step of the window is computed (those at or before `after` too), so the work does not depend
/// on which one matches; the comparison is constant time (`totp-rs` tokens).
pub fn matching_step(secret: &[u8], code: &[u8], now_unix: i64, after: Option<u64>) -> Result<Option<u64>> {
    let totp = generator(secret, Algorithm::SHA1, DIGITS)?;
    let typed = normalize(code);
    let Some(now) = step_of(now_unix) else { return Ok(None) };
    let mut found = None;
    for step in now.saturating_sub(WINDOW)..=now.saturating_add(WINDOW) {
        let fresh = after.is_none_or(|a| step > a);
        let matched = match &typed {
            Some(t) => totp.check(t, step * STEP_SECS).is_some(),
            None => {
                let _ = totp.generate(step * STEP_SECS);
                false
            }
        };
        if matched && fresh && found.is_none() {
            found = Some(step);
        }
    }
    Ok(found)
}

/// The Base32 (RFC 4648, no padding) form of `secret`, as authenticator apps take it typed in.
pub fn base32(secret: &[u8]) -> SecretBytes {
    SecretBytes::new(Zeroizing::new(Secret::from(secret).to_base32()).as_bytes().to_vec())
}

/// Percent-encodes `s` into `out` (RFC 3986: unreserved characters stay, everything else is
/// `%XX` of its UTF-8 bytes — so a `:` in a name can never split the label).
fn percent_encode(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
    }
}

/// The `otpauth://totp/` URI an authenticator app scans (Key Uri Format): label
/// `issuer:account`, the Base32 secret and the parameters spelled out. It contains the secret,
/// so it is built in one zeroizing buffer that never reallocates.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account_name: &str) -> SecretBytes {
    let b32 = base32(secret);
    let mut out = Vec::with_capacity(128 + b32.len() + 6 * (issuer.len() * 2 + account_name.len()));
    out.extend_from_slice(b"otpauth://totp/");
    percent_encode(&mut out, issuer);
    out.push(b':');
    percent_encode(&mut out, account_name);
    out.extend_from_slice(b"?secret=");
    out.extend_from_slice(b32.expose());
    out.extend_from_slice(b"&issuer=");
    percent_encode(&mut out, issuer);
    out.extend_from_slice(format!("&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}").as_bytes());
    SecretBytes::new(out)
}

/// Checks an issuer name an app passes for the URI label.
pub fn check_issuer(issuer: &str) -> Result<()> {
    let n = issuer.chars().count();
    if n == 0 || n > 64 || issuer.chars().any(char::is_control) {
        return Err(Error::InvalidArgument { reason: "the issuer is 1-64 visible characters".into() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_are_accepted_in_the_window_only_after_the_last_step() {
        let t = 1_800_000_000i64;
        let now = step_of(t).unwrap();
        for (offset, ok) in [(-2i64, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = code_at(SECRET, (t + offset * 30) as u64).unwrap();
            let got = matching_step(SECRET, code.as_bytes(), t, None).unwrap();
            assert_eq!(got.is_some(), ok, "offset {offset}");
        }
        let code = code_at(SECRET, t as u64).unwrap();
        assert_eq!(matching_step(SECRET, code.as_bytes(), t, Some(now - 1)).unwrap(), Some(now));
        assert_eq!(matching_step(SECRET, code.as_bytes(), t, Some(now)).unwrap(), None, "replay");
        assert_eq!(matching_step(SECRET, code.as_bytes(), t - 30, Some(now)).unwrap(), None, "clock set back");
    }

    #[test]
    fn typed_codes_are_normalized_or_refused() {
        let t = 1_800_000_000u64;
        let code = code_at(SECRET, t).unwrap();
        let spaced = format!(" {} {} ", &code[..3], &code[3..]);
        assert!(matching_step(SECRET, spaced.as_bytes(), t as i64, None).unwrap().is_some());
        for bad in ["", "12345", "1234567", "12a456", "+12345", "١٢٣٤٥٦"] {
            assert_eq!(matching_step(SECRET, bad.as_bytes(), t as i64, None).unwrap(), None, "{bad}");
        }
        assert_eq!(matching_step(SECRET, code.as_bytes(), -5, None).unwrap(), None, "before 1970");
    }

    #[test]
    fn the_uri_is_what_authenticator_apps_read() {
        let uri = otpauth_uri(b"12345678901234567890", "My Wallet", "Ann: main");
        assert_eq!(
            uri.expose_str().unwrap(),
            "otpauth://totp/My%20Wallet:Ann%3A%20main?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=My%20Wallet&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(base32(SECRET).expose(), b"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert!(check_issuer("").is_err() && check_issuer("a\nb").is_err() && check_issuer(&"x".repeat(65)).is_err());
        check_issuer("imwallet").unwrap();
    }
}
