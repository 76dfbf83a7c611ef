//! Account names: 1–64 visible characters (Unicode welcome), unique case-insensitively.
//!
//! Names are NFC-normalised and trimmed; control and format characters are refused. The
//! uniqueness key is the NFKC, lower-cased form, so "Alice", "ALICE" and "Ａｌｉｃｅ" collide.

use unicode_normalization::UnicodeNormalization;

use crate::{Error, Result};

/// Maximum length in characters.
pub const MAX_LEN: usize = 64;

/// Returns (display name, uniqueness key) or a typed error.
pub fn normalize(name: &str) -> Result<(String, String)> {
    let display: String = name.nfc().collect::<String>().trim().to_string();
    let bad = |reason: &str| Error::InvalidAccountName { reason: reason.into() };
    if display.is_empty() {
        return Err(bad("a name needs at least one visible character"));
    }
    if display.chars().count() > MAX_LEN {
        return Err(bad("a name has at most 64 characters"));
    }
    if display
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'))
    {
        return Err(bad("a name cannot contain control or invisible characters"));
    }
    Ok((display.clone(), key(&display)))
}

/// The case-insensitive uniqueness key.
pub fn key(name: &str) -> String {
    name.trim().nfkc().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(normalize("  Alice ").unwrap(), ("Alice".into(), "alice".into()));
        assert_eq!(normalize("Ａｌｉｃｅ").unwrap().1, "alice");
        assert_eq!(normalize("钱包 🦊").unwrap().0, "钱包 🦊");
        assert!(normalize("").is_err());
        assert!(normalize("   ").is_err());
        assert!(normalize("a\nb").is_err());
        assert!(normalize("a\u{200B}b").is_err());
        assert!(normalize(&"x".repeat(65)).is_err());
        assert!(normalize(&"é".repeat(64)).is_ok());
    }
}
