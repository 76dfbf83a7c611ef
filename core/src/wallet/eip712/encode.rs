//! `hashStruct` in linear time and constant native stack.
//!
//! One [`Encoder`] serves one call (a digest, a domain separator, …): it computes each struct
//! type's `typeHash` once and memoises it; it walks the dependency graph of a type with a
//! work list and the value tree with an explicit stack of frames, so neither long type chains
//! nor deep values recurse. Every bound of [`Limits`] is enforced as it goes.

use serde_json::{Map, Value};
use sha3::{Digest, Keccak256};

use super::types::Types;
use super::{atomic, bad, clip, Limits};
use crate::{Error, Result};

/// A value being hashed: a struct (by field) or an array (by item).
enum Frame<'a, 'v> {
    Struct { name: &'a str, fields: &'a [(String, String)], obj: &'v Map<String, Value>, next: usize, hasher: Keccak256 },
    Array { inner: &'a str, items: &'v [Value], next: usize, hasher: Keccak256 },
}

impl<'a, 'v> Frame<'a, 'v> {
    /// The next member to encode (type and value), or `None` when all are done.
    fn next_member(&mut self) -> Result<Option<(&'a str, &'v Value)>> {
        match self {
            Frame::Struct { name, fields, obj, next, .. } => {
                let Some((fname, ftype)) = fields.get(*next) else { return Ok(None) };
                *next += 1;
                let v = obj.get(fname).ok_or_else(|| bad(format!("{}.{} is missing", clip(name), clip(fname))))?;
                Ok(Some((ftype.as_str(), v)))
            }
            Frame::Array { inner, items, next, .. } => {
                let Some(v) = items.get(*next) else { return Ok(None) };
                *next += 1;
                Ok(Some((*inner, v)))
            }
        }
    }

    fn absorb(&mut self, word: &[u8; 32]) {
        match self {
            Frame::Struct { hasher, .. } | Frame::Array { hasher, .. } => hasher.update(word),
        }
    }

    fn finish(self) -> [u8; 32] {
        match self {
            Frame::Struct { hasher, .. } | Frame::Array { hasher, .. } => hasher.finalize().into(),
        }
    }
}

/// What [`Encoder::open`] made of a value. Short-lived (a frame moves straight onto the stack),
/// so its size does not matter and boxing would cost an allocation per struct or array.
#[allow(clippy::large_enum_variant)]
enum Opened<'a, 'v> {
    Word([u8; 32]),
    Frame(Frame<'a, 'v>),
}

/// Hashing state for one call.
pub(super) struct Encoder<'a> {
    types: &'a Types,
    /// `typeHash` by type index, filled on first use.
    type_hashes: Vec<Option<[u8; 32]>>,
    /// Dependency walks mark the types they reached with their own stamp.
    seen: Vec<u32>,
    stamp: u32,
    values: usize,
    type_string_bytes: usize,
}

impl<'a> Encoder<'a> {
    pub(super) fn new(types: &'a Types) -> Encoder<'a> {
        Encoder { types, type_hashes: vec![None; types.len()], seen: vec![0; types.len()], stamp: 0, values: 0, type_string_bytes: 0 }
    }

    /// `hashStruct(name, value)`; `name` must be a struct type.
    pub(super) fn hash_struct(&mut self, name: &str, value: &Value) -> Result<[u8; 32]> {
        let (_, key, _) = self.types.get(name).ok_or_else(|| unknown(name))?;
        self.encode(key, value)
    }

    /// The signatures whose concatenation is `encodeType(name)`: its own, then those of the
    /// struct types it references (directly or not) in name order. Charged to the
    /// type-string budget as it goes.
    pub(super) fn encode_type_parts(&mut self, name: &str) -> Result<Vec<&'a str>> {
        let types = self.types;
        let (root, _, root_def) = types.get(name).ok_or_else(|| unknown(name))?;
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.fill(0);
            self.stamp = 1;
        }
        let stamp = self.stamp;
        let mut reached = Vec::new();
        let mut todo = vec![root_def];
        self.mark(root, stamp);
        while let Some(def) = todo.pop() {
            self.type_string_bytes += def.signature.len();
            if self.type_string_bytes > Limits::MAX_TYPE_STRING_BYTES {
                return Err(bad(format!(
                    "the types reference each other too much: their encodeType strings pass {} MiB in all",
                    Limits::MAX_TYPE_STRING_BYTES >> 20
                )));
            }
            for &dep in &def.deps {
                if self.seen.get(dep) != Some(&stamp) {
                    self.mark(dep, stamp);
                    reached.push(dep);
                    todo.extend(types.at(dep));
                }
            }
        }
        reached.sort_unstable(); // index order is name order
        let mut parts = Vec::with_capacity(reached.len() + 1);
        parts.push(root_def.signature.as_str());
        parts.extend(reached.into_iter().filter(|&i| i != root).filter_map(|i| types.at(i)).map(|d| d.signature.as_str()));
        Ok(parts)
    }

    fn mark(&mut self, i: usize, stamp: u32) {
        if let Some(s) = self.seen.get_mut(i) {
            *s = stamp;
        }
    }

    /// `typeHash` of type `i`, computed once per call.
    fn type_hash(&mut self, i: usize, name: &str) -> Result<[u8; 32]> {
        if let Some(Some(h)) = self.type_hashes.get(i) {
            return Ok(*h);
        }
        let mut hasher = Keccak256::new();
        for part in self.encode_type_parts(name)? {
            hasher.update(part.as_bytes());
        }
        let h: [u8; 32] = hasher.finalize().into();
        if let Some(slot) = self.type_hashes.get_mut(i) {
            *slot = Some(h);
        }
        Ok(h)
    }

    /// `encodeData` of one value of type `ty`, as the 32-byte word its parent absorbs.
    fn encode<'v>(&mut self, ty: &'a str, value: &'v Value) -> Result<[u8; 32]> {
        let mut stack: Vec<Frame<'a, 'v>> = Vec::new();
        match self.open(ty, value, 0)? {
            Opened::Word(w) => return Ok(w),
            Opened::Frame(f) => stack.push(f),
        }
        loop {
            let member = match stack.last_mut() {
                Some(top) => top.next_member()?,
                None => return Err(Error::Internal { reason: "eip712: empty frame stack".into() }),
            };
            let word = match member {
                Some((mty, mv)) => match self.open(mty, mv, stack.len()).map_err(|e| in_field(&stack, e))? {
                    Opened::Word(w) => w,
                    Opened::Frame(f) => {
                        stack.push(f);
                        continue;
                    }
                },
                None => match stack.pop() {
                    Some(done) if stack.is_empty() => return Ok(done.finish()),
                    Some(done) => done.finish(),
                    None => return Err(Error::Internal { reason: "eip712: empty frame stack".into() }),
                },
            };
            if let Some(parent) = stack.last_mut() {
                parent.absorb(&word);
            }
        }
    }

    /// Starts encoding `v` as `ty` at nesting `depth`: an atomic value is encoded at once; a
    /// struct or array becomes a frame whose members the caller feeds in.
    fn open<'v>(&mut self, ty: &'a str, v: &'v Value, depth: usize) -> Result<Opened<'a, 'v>> {
        self.values += 1;
        if self.values > Limits::MAX_VALUES {
            return Err(bad(format!("the data has more than {} values (structs, arrays and atoms)", Limits::MAX_VALUES)));
        }
        if let Some(open) = ty.rfind('[') {
            check_depth(depth)?;
            let inner = &ty[..open];
            let len_s = ty[open + 1..].strip_suffix(']').ok_or_else(|| bad(format!("malformed array type {}", clip(ty))))?;
            let items = v.as_array().ok_or_else(|| bad(format!("expected an array for {}", clip(ty))))?;
            if items.len() > Limits::MAX_ARRAY_LEN {
                return Err(bad(format!("an array has {} items; at most {} are accepted", items.len(), Limits::MAX_ARRAY_LEN)));
            }
            if !len_s.is_empty() {
                let n: usize = len_s.parse().map_err(|_| bad(format!("malformed array length in {}", clip(ty))))?;
                if n != items.len() {
                    return Err(bad(format!("{} needs {n} items, got {}", clip(ty), items.len())));
                }
            }
            return Ok(Opened::Frame(Frame::Array { inner, items, next: 0, hasher: Keccak256::new() }));
        }
        if let Some((i, name, def)) = self.types.get(ty) {
            check_depth(depth)?;
            let obj = v.as_object().ok_or_else(|| bad(format!("value of {} must be an object", clip(name))))?;
            let mut hasher = Keccak256::new();
            hasher.update(self.type_hash(i, name)?);
            return Ok(Opened::Frame(Frame::Struct { name, fields: &def.fields, obj, next: 0, hasher }));
        }
        Ok(Opened::Word(atomic::encode(ty, v)?))
    }
}

/// Names the innermost struct field an error happened in (`Order.amount: …`), once.
fn in_field(stack: &[Frame<'_, '_>], e: Error) -> Error {
    let Error::InvalidTypedData { reason } = e else { return e };
    if reason.contains('.') {
        return Error::InvalidTypedData { reason };
    }
    let field = stack.iter().rev().find_map(|f| match f {
        Frame::Struct { name, fields, next, .. } => fields.get(next.wrapping_sub(1)).map(|(fname, _)| (*name, fname.as_str())),
        Frame::Array { .. } => None,
    });
    match field {
        Some((name, fname)) => bad(format!("{}.{}: {reason}", clip(name), clip(fname))),
        None => Error::InvalidTypedData { reason },
    }
}

fn check_depth(depth: usize) -> Result<()> {
    if depth > Limits::MAX_DEPTH {
        return Err(bad(format!("values nest deeper than {} levels of structs and arrays", Limits::MAX_DEPTH)));
    }
    Ok(())
}

fn unknown(name: &str) -> Error {
    bad(format!("unknown type {}", clip(name)))
}
