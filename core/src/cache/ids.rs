//! Identifiers are not paths: every identifier that becomes a path component under the cache
//! root — a file kind name, a scope (account id or global) and a file name — is checked here,
//! by one function ([`check`]), and nowhere else.
//!
//! Each checked form is a newtype ([`KindDir`], [`ScopeDir`], [`FileName`]) with a private
//! field: the file-cache code ([`crate::cache::files`]) takes only these, so an unchecked
//! string cannot reach a path. The rules are allow-lists of plain ASCII: no separator (`/`,
//! `\`), no NUL, no name made of dots, no absolute path, no look-alike such as U+2215 or
//! U+FF0F, and a bounded length. A well-formed account scope must also name an existing
//! account ([`existing_scope`]); a file kind must be registered ([`registered_kind`]).

use rusqlite::Connection;

use crate::cache::{rows, CacheKind, CacheScope, ClearScope};
use crate::store::accounts;
use crate::{Error, Result};

/// The scope folder of global file caches (an account id can never be spelled like this).
pub const GLOBAL_DIR: &str = "_global";
/// Longest file kind name.
pub const MAX_KIND_LEN: usize = 32;
/// Longest account id.
pub const MAX_ACCOUNT_ID_LEN: usize = 64;
/// Longest cache file name.
pub const MAX_FILE_NAME_LEN: usize = 128;

/// What a string is about to become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// A file kind's folder: 1–32 of `a-z 0-9 _ -`, starting with a letter or digit, not a
    /// built-in (database-backed) kind.
    Kind,
    /// An account scope's folder: 1–64 of `a-z 0-9` (ids are 32 lowercase hex digits).
    AccountId,
    /// A file in a scope folder: 1–128 of `A-Z a-z 0-9 . _ -`, not made of dots only.
    FileName,
}

/// The one check.
fn check(s: &str, part: Part) -> Result<()> {
    let b = s.as_bytes();
    let ok = match part {
        Part::Kind => {
            (1..=MAX_KIND_LEN).contains(&b.len())
                && b[0].is_ascii_alphanumeric()
                && b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'-')
                && !CacheKind::BUILT_IN.iter().any(|k| k.name() == s)
        }
        Part::AccountId => (1..=MAX_ACCOUNT_ID_LEN).contains(&b.len()) && b.iter().all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit()),
        Part::FileName => {
            (1..=MAX_FILE_NAME_LEN).contains(&b.len())
                && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_' || c == b'-')
                && !b.iter().all(|&c| c == b'.')
        }
    };
    if ok {
        return Ok(());
    }
    // The rejected value is not echoed: it may be long, binary or crafted for a log.
    let reason = match part {
        Part::Kind => "a cache kind name is 1-32 of a-z, 0-9, _ and -, starts with a letter or digit, and is not a built-in kind",
        Part::AccountId => "an account id is 1-64 of a-z and 0-9",
        Part::FileName => "a cache file name is a plain name of 1-128 of A-Z, a-z, 0-9, '.', '_' and '-' (not only dots)",
    };
    Err(Error::InvalidArgument { reason: reason.into() })
}

/// A checked file kind name (a folder under the cache root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindDir(String);

impl KindDir {
    pub fn new(name: &str) -> Result<KindDir> {
        check(name, Part::Kind)?;
        Ok(KindDir(name.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A checked scope folder: [`GLOBAL_DIR`] or a well-formed account id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeDir(String);

impl ScopeDir {
    /// Checks the form only; [`existing_scope`] also checks that the account exists.
    pub fn new(scope: &CacheScope) -> Result<ScopeDir> {
        match scope {
            CacheScope::Global => Ok(ScopeDir(GLOBAL_DIR.to_string())),
            CacheScope::Account(id) => {
                check(id, Part::AccountId)?;
                Ok(ScopeDir(id.clone()))
            }
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A checked cache file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

impl FileName {
    pub fn new(name: &str) -> Result<FileName> {
        check(name, Part::FileName)?;
        Ok(FileName(name.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A file kind name is well-formed (used when parsing and registering).
pub fn validate_file_kind(name: &str) -> Result<()> {
    KindDir::new(name).map(|_| ())
}

/// A scope that is well-formed and, for an account, names an existing account.
pub fn existing_scope(conn: &Connection, scope: &CacheScope) -> Result<ScopeDir> {
    let dir = ScopeDir::new(scope)?;
    if let CacheScope::Account(id) = scope {
        if accounts::by_id(conn, id)?.is_none() {
            return Err(Error::AccountNotFound);
        }
    }
    Ok(dir)
}

/// A file-backed kind that is well-formed and registered.
pub fn registered_kind(conn: &Connection, kind: &CacheKind) -> Result<KindDir> {
    let CacheKind::Files(name) = kind else {
        return Err(Error::InvalidArgument { reason: format!("'{kind}' is database-backed: use cache_put, cache_get and cache_delete") });
    };
    let dir = KindDir::new(name)?;
    if !rows::file_kinds(conn)?.iter().any(|k| k == name) {
        return Err(Error::InvalidArgument { reason: format!("file cache '{name}' is not registered") });
    }
    Ok(dir)
}

/// What `clear_cache` is asked to clear: an existing account, registered file kinds.
pub fn check_clear_scope(conn: &Connection, scope: &ClearScope) -> Result<()> {
    match scope {
        ClearScope::All => Ok(()),
        ClearScope::Account(id) => existing_scope(conn, &CacheScope::Account(id.clone())).map(|_| ()),
        ClearScope::Kinds(ks) => {
            ks.iter().filter(|k| matches!(k, CacheKind::Files(_))).try_for_each(|k| registered_kind(conn, k).map(|_| ()))
        }
    }
}

/// A database-backed (built-in) kind.
pub fn database_kind(kind: &CacheKind) -> Result<()> {
    if matches!(kind, CacheKind::Files(_)) {
        return Err(Error::InvalidArgument { reason: "file-backed kinds use cache_put_file and cache_file_dir".into() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        for ok in ["images", "nft-art", "a", "0x", "a_b", &"k".repeat(32)] {
            assert!(KindDir::new(ok).is_ok(), "{ok}");
        }
        for bad in
            ["", "_global", "-rf", ".", "..", "a/b", "a\\b", "a\0", "Images", "a b", "balances", "prices", "\u{2215}", &"k".repeat(33)]
        {
            assert!(matches!(KindDir::new(bad), Err(Error::InvalidArgument { .. })), "{bad:?}");
        }
    }

    #[test]
    fn scopes() {
        assert_eq!(ScopeDir::new(&CacheScope::Global).unwrap().as_str(), GLOBAL_DIR);
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(ScopeDir::new(&CacheScope::Account(id.into())).unwrap().as_str(), id);
        for bad in ["", ".", "..", "../..", "_global", "/", "/tmp", "a/b", "a\0b", "ABC", "a.b", "a-b", "\u{2024}\u{2024}", &"a".repeat(65)]
        {
            assert!(matches!(ScopeDir::new(&CacheScope::Account(bad.into())), Err(Error::InvalidArgument { .. })), "{bad:?}");
        }
    }

    #[test]
    fn file_names() {
        for ok in ["a.png", ".nomedia", "QmHash_1-2.json", "a..b", &"n".repeat(128)] {
            assert!(FileName::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".", "..", "...", "a/b", "a\\b", "/abs", "a\0", "a b", "x\u{2215}y", "x\u{FF0F}y", "é.png", &"n".repeat(129)] {
            assert!(matches!(FileName::new(bad), Err(Error::InvalidArgument { .. })), "{bad:?}");
        }
    }

    #[test]
    fn refusals_do_not_echo_the_value() {
        let Err(Error::InvalidArgument { reason }) = FileName::new("../../SECRET-ish") else { panic!("accepted") };
        assert!(!reason.contains("SECRET"));
    }
}
