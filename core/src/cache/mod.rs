//! The app-cache registry: what a wallet app caches, where, and how it is cleared.
//!
//! Database-backed kinds known to the core (balances, token metadata, prices, transaction
//! history, dapp connections) plus file-backed kinds the shell registers (a folder per kind,
//! e.g. images). Entries are scoped to an account or global, with an optional TTL. Clearing is
//! real deletion: rows go with `secure_delete`, the WAL is checkpointed and truncated, free
//! pages are vacuumed, files are unlinked and their folders emptied.

pub mod files;
pub mod ids;
/// The cache tables live with the rest of the SQL in the store.
pub use crate::store::caches as rows;

pub use ids::validate_file_kind;

use std::fmt;

use crate::Result;

/// What is cached.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CacheKind {
    Balances,
    TokenMetadata,
    Prices,
    TransactionHistory,
    DappConnections,
    /// A file-backed kind the shell registered (e.g. "images").
    Files(String),
}

impl CacheKind {
    /// Database-backed kinds.
    pub const BUILT_IN: [CacheKind; 5] =
        [CacheKind::Balances, CacheKind::TokenMetadata, CacheKind::Prices, CacheKind::TransactionHistory, CacheKind::DappConnections];

    pub fn name(&self) -> &str {
        match self {
            CacheKind::Balances => "balances",
            CacheKind::TokenMetadata => "token_metadata",
            CacheKind::Prices => "prices",
            CacheKind::TransactionHistory => "transaction_history",
            CacheKind::DappConnections => "dapp_connections",
            CacheKind::Files(n) => n,
        }
    }

    /// Parses a built-in name; anything else is a file kind (validated by [`ids`]).
    pub fn parse(name: &str) -> Result<CacheKind> {
        if let Some(k) = CacheKind::BUILT_IN.iter().find(|k| k.name() == name) {
            return Ok(k.clone());
        }
        validate_file_kind(name)?;
        Ok(CacheKind::Files(name.to_string()))
    }

    /// Safe to keep across logout (public data: token metadata, prices).
    pub fn non_sensitive(&self) -> bool {
        matches!(self, CacheKind::TokenMetadata | CacheKind::Prices)
    }
}

impl fmt::Display for CacheKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Who an entry belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CacheScope {
    Global,
    Account(String),
}

impl CacheScope {
    /// Stored form: "" for global, else the account id.
    pub fn key(&self) -> &str {
        match self {
            CacheScope::Global => "",
            CacheScope::Account(id) => id,
        }
    }
}

/// Which caches `clear_cache` removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClearScope {
    All,
    Kinds(Vec<CacheKind>),
    Account(String),
}

/// Entries and bytes held by one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheUsage {
    pub kind: CacheKind,
    pub entries: u64,
    pub bytes: u64,
    pub files: u64,
}

/// What a clear removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClearReport {
    pub entries_removed: u64,
    pub bytes_freed: u64,
    pub files_removed: u64,
    pub duration_ms: u64,
}

impl ClearReport {
    pub fn add(&mut self, o: &ClearReport) {
        self.entries_removed += o.entries_removed;
        self.bytes_freed += o.bytes_freed;
        self.files_removed += o.files_removed;
    }
}
