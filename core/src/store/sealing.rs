//! Metadata at rest, sealed under device-bound keys (issue 17, ADR 0011).
//!
//! Each *scope* — the device (`""`) and every account (its id) — has a 32-byte secret that the
//! platform's device key store wraps ([`crate::auth::device_keys`]); the wrapped form is in the
//! `device_wraps` table. From it HKDF-SHA256 derives the scope's sealing key; the device scope
//! also gives the keyed-hash (HMAC-SHA256) key for the lookup indexes (account names, cache
//! keys). The ring of unwrapped scope keys lives in memory for as long as the store is open.
//!
//! The store's SQL reaches the keys through three functions registered on the connection:
//!
//! - `imw_seal(scope, purpose, value)` → `MAGIC ‖ nonce ‖ XChaCha20-Poly1305(tag ‖ value)`, the
//!   associated data naming the scope and the purpose (a value moved to another account or
//!   column fails to open);
//! - `imw_open(scope, purpose, sealed)` → the value with its SQL type; `NULL` when the scope's
//!   key is gone (a removed wallet: crypto-shredded);
//! - `imw_index(text)` → hex HMAC of `text` under the device index key.
//!
//! Without a device key store (an *unbound* store: Rust callers that pass none) the three are
//! the identity and nothing is sealed; a store that holds device wraps refuses to open unbound.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use hmac::Mac;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};
use rusqlite::Connection;
use zeroize::Zeroizing;

use crate::vault::random_array;
use crate::{Error, Result};

/// Prefix of every sealed value.
const MAGIC: &[u8] = b"imws1";
const NONCE: usize = 24;

/// The keys of one scope (zeroized on drop).
pub struct ScopeKeys {
    seal: Zeroizing<[u8; 32]>,
    index: Zeroizing<[u8; 32]>,
}

impl ScopeKeys {
    /// Derives a scope's keys from the secret the device key store unwrapped.
    pub fn derive(secret: &[u8]) -> Result<ScopeKeys> {
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"imwallet/device-scope/v1"), secret);
        let mut seal = Zeroizing::new([0u8; 32]);
        let mut index = Zeroizing::new([0u8; 32]);
        let bad = |_| Error::Internal { reason: "hkdf length".into() };
        hk.expand(b"seal", seal.as_mut_slice()).map_err(bad)?;
        hk.expand(b"index", index.as_mut_slice()).map_err(bad)?;
        Ok(ScopeKeys { seal, index })
    }
}

impl ScopeKeys {
    /// The key-check value stored beside a wrap: HMAC-SHA256 of a fixed label under the seal key.
    pub fn check_value(&self) -> Vec<u8> {
        let mut mac = match <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(self.seal.as_slice()) {
            Ok(m) => m,
            Err(_) => return Vec::new(),
        };
        mac.update(b"imwallet/scope-check/v1");
        mac.finalize().into_bytes().to_vec()
    }

    /// Whether `stored` is this scope's check value (constant time).
    pub fn checks(&self, stored: &[u8]) -> bool {
        use subtle::ConstantTimeEq;
        let mine = self.check_value();
        !mine.is_empty() && bool::from(mine.as_slice().ct_eq(stored))
    }
}

/// The unwrapped scope keys of an open store.
#[derive(Default)]
pub struct KeyRing {
    bound: bool,
    scopes: HashMap<String, ScopeKeys>,
}

impl KeyRing {
    /// Whether values are sealed (a device key store is in use).
    pub fn is_bound(&self) -> bool {
        self.bound
    }
    pub fn set_bound(&mut self, bound: bool) {
        self.bound = bound;
    }
    pub fn insert(&mut self, scope: &str, keys: ScopeKeys) {
        self.scopes.insert(scope.to_string(), keys);
    }
    /// Forgets a scope's keys (its values can no longer be opened in this process).
    pub fn remove(&mut self, scope: &str) {
        self.scopes.remove(scope);
    }
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.contains_key(scope)
    }
    /// Forgets every scope (after an erase).
    pub fn clear(&mut self) {
        self.scopes.clear();
    }
}

/// A store's ring, shared with the SQL functions.
pub type SharedRing = Arc<RwLock<KeyRing>>;

fn ad(scope: &str, purpose: &str) -> Vec<u8> {
    format!("imwallet/sealed/v1/{purpose}/{scope}").into_bytes()
}

fn user_err(msg: &str) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(msg.to_string().into())
}

fn seal(keys: &ScopeKeys, scope: &str, purpose: &str, value: ValueRef<'_>) -> rusqlite::Result<Value> {
    // The tagged plaintext is allocated at its final size and zeroized after use.
    let mut plain = Zeroizing::new(Vec::new());
    match value {
        ValueRef::Null => return Ok(Value::Null),
        ValueRef::Text(t) => {
            plain.reserve_exact(1 + t.len());
            plain.push(b't');
            plain.extend_from_slice(t);
        }
        ValueRef::Blob(b) => {
            plain.reserve_exact(1 + b.len());
            plain.push(b'b');
            plain.extend_from_slice(b);
        }
        ValueRef::Integer(i) => {
            plain.push(b'i');
            plain.extend_from_slice(&i.to_le_bytes());
        }
        ValueRef::Real(_) => return Err(user_err("imw_seal: a real number is never sealed")),
    }
    let cipher = XChaCha20Poly1305::new_from_slice(keys.seal.as_slice()).map_err(|_| user_err("key length"))?;
    let nonce: [u8; NONCE] = random_array().map_err(|_| user_err("no randomness"))?;
    let ct = cipher
        .encrypt(&XNonce::from(nonce), Payload { msg: &plain, aad: &ad(scope, purpose) })
        .map_err(|_| user_err("imw_seal: encryption failed"))?;
    let mut out = Vec::with_capacity(MAGIC.len() + NONCE + ct.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(Value::Blob(out))
}

fn open(keys: &ScopeKeys, scope: &str, purpose: &str, sealed: &[u8]) -> rusqlite::Result<Value> {
    let body = &sealed[MAGIC.len()..];
    if body.len() < NONCE + 16 {
        return Err(user_err("a sealed value is truncated"));
    }
    let cipher = XChaCha20Poly1305::new_from_slice(keys.seal.as_slice()).map_err(|_| user_err("key length"))?;
    let (nonce, ct) = body.split_at(NONCE);
    let nonce = XNonce::try_from(nonce).map_err(|_| user_err("a sealed value is truncated"))?;
    let plain = Zeroizing::new(
        cipher
            .decrypt(&nonce, Payload { msg: ct, aad: &ad(scope, purpose) })
            .map_err(|_| user_err("a sealed value does not open: it was modified or moved"))?,
    );
    match plain.split_first() {
        Some((b't', t)) => Ok(Value::Text(String::from_utf8(t.to_vec()).map_err(|_| user_err("a sealed text is not UTF-8"))?)),
        Some((b'b', b)) => Ok(Value::Blob(b.to_vec())),
        Some((b'i', i)) if i.len() == 8 => {
            let mut a = [0u8; 8];
            a.copy_from_slice(i);
            Ok(Value::Integer(i64::from_le_bytes(a)))
        }
        _ => Err(user_err("a sealed value has an unknown type")),
    }
}

fn text_arg(ctx: &Context<'_>, i: usize) -> rusqlite::Result<String> {
    match ctx.get_raw(i) {
        ValueRef::Text(t) => String::from_utf8(t.to_vec()).map_err(|_| user_err("not UTF-8")),
        ValueRef::Null => Ok(String::new()),
        _ => Err(user_err("expected text")),
    }
}

fn owned(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

/// Registers `imw_seal`, `imw_open` and `imw_index` on `conn`, reading keys from `ring`.
pub fn register(conn: &Connection, ring: &SharedRing) -> Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8;
    let r = ring.clone();
    conn.create_scalar_function("imw_seal", 3, flags, move |ctx| {
        let ring = r.read().map_err(|_| user_err("key ring poisoned"))?;
        let value = ctx.get_raw(2);
        if !ring.bound || matches!(value, ValueRef::Null) {
            return Ok(owned(value));
        }
        let (scope, purpose) = (text_arg(ctx, 0)?, text_arg(ctx, 1)?);
        let keys = ring.scopes.get(&scope).ok_or_else(|| user_err("no device key for this scope: it was removed"))?;
        seal(keys, &scope, &purpose, value)
    })?;
    let r = ring.clone();
    conn.create_scalar_function("imw_open", 3, flags, move |ctx| {
        let ring = r.read().map_err(|_| user_err("key ring poisoned"))?;
        let value = ctx.get_raw(2);
        let sealed = match value {
            ValueRef::Blob(b) if b.starts_with(MAGIC) => b,
            // Unbound stores hold plain values; a bound store holds nothing else once migrated.
            _ if !ring.bound => return Ok(owned(value)),
            ValueRef::Null => return Ok(Value::Null),
            _ => return Err(user_err("a value that must be sealed is stored in clear")),
        };
        let (scope, purpose) = (text_arg(ctx, 0)?, text_arg(ctx, 1)?);
        match ring.scopes.get(&scope) {
            Some(keys) => open(keys, &scope, &purpose, sealed),
            // The scope's device key was deleted: the value is unreadable for good.
            None => Ok(Value::Null),
        }
    })?;
    let r = ring.clone();
    conn.create_scalar_function("imw_index", 1, flags, move |ctx| {
        let ring = r.read().map_err(|_| user_err("key ring poisoned"))?;
        let value = ctx.get_raw(0);
        if !ring.bound {
            return Ok(owned(value));
        }
        let keys = ring.scopes.get("").ok_or_else(|| user_err("no device key for the indexes"))?;
        let bytes = match value {
            ValueRef::Text(t) => t,
            ValueRef::Null => return Ok(Value::Null),
            _ => return Err(user_err("imw_index takes text")),
        };
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(keys.index.as_slice()).map_err(|_| user_err("key length"))?;
        mac.update(bytes);
        Ok(Value::Text(hex::encode(mac.finalize().into_bytes())))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> SharedRing {
        let mut r = KeyRing::default();
        r.set_bound(true);
        r.insert("", ScopeKeys::derive(&[1u8; 32]).unwrap());
        r.insert("acc", ScopeKeys::derive(&[2u8; 32]).unwrap());
        Arc::new(RwLock::new(r))
    }

    #[test]
    fn values_round_trip_with_their_types_and_are_bound_to_scope_and_purpose() {
        let conn = Connection::open_in_memory().unwrap();
        let r = ring();
        register(&conn, &r).unwrap();
        let t: String = conn.query_row("SELECT imw_open('acc','name',imw_seal('acc','name','Alice'))", [], |r| r.get(0)).unwrap();
        assert_eq!(t, "Alice");
        let i: i64 = conn.query_row("SELECT imw_open('acc','n',imw_seal('acc','n',42))", [], |r| r.get(0)).unwrap();
        assert_eq!(i, 42);
        let b: Vec<u8> = conn.query_row("SELECT imw_open('','c',imw_seal('','c',x'00ff'))", [], |r| r.get(0)).unwrap();
        assert_eq!(b, vec![0, 0xff]);
        // Moved to another purpose or scope: refused.
        assert!(conn.query_row("SELECT imw_open('acc','detail',imw_seal('acc','name','Alice'))", [], |r| r.get::<_, String>(0)).is_err());
        assert!(conn.query_row("SELECT imw_open('','name',imw_seal('acc','name','Alice'))", [], |r| r.get::<_, String>(0)).is_err());
        // The sealed form holds no plaintext.
        let sealed: Vec<u8> = conn.query_row("SELECT imw_seal('acc','name','Alice')", [], |r| r.get(0)).unwrap();
        assert!(!sealed.windows(5).any(|w| w == b"Alice"));
        // A removed scope: NULL (shredded), not an error.
        let sealed_acc: Vec<u8> = conn.query_row("SELECT imw_seal('acc','name','Bob')", [], |r| r.get(0)).unwrap();
        r.write().unwrap().remove("acc");
        let gone: Option<String> = conn.query_row("SELECT imw_open('acc','name',?1)", [sealed_acc], |r| r.get(0)).unwrap();
        assert_eq!(gone, None);
        // Plain text in a sealed column of a bound store: refused.
        assert!(conn.query_row("SELECT imw_open('','name','plain')", [], |r| r.get::<_, String>(0)).is_err());
        // Index: keyed, deterministic, not the name.
        let a: String = conn.query_row("SELECT imw_index('alice')", [], |r| r.get(0)).unwrap();
        let b: String = conn.query_row("SELECT imw_index('alice')", [], |r| r.get(0)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        assert!(!a.contains("alice"));
    }

    #[test]
    fn unbound_is_the_identity() {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn, &Arc::new(RwLock::new(KeyRing::default()))).unwrap();
        let t: String = conn.query_row("SELECT imw_open('a','n',imw_seal('a','n','x'))", [], |r| r.get(0)).unwrap();
        assert_eq!(t, "x");
        let t: String = conn.query_row("SELECT imw_index('x')", [], |r| r.get(0)).unwrap();
        assert_eq!(t, "x");
    }
}
