//! The struct types of one payload, indexed in name order, with their signatures and direct
//! struct dependencies resolved once at parse time.

use std::collections::HashMap;

/// One struct type.
#[derive(Debug, Clone)]
pub(super) struct StructType {
    /// `(name, type)` of each field, in declaration order.
    pub(super) fields: Vec<(String, String)>,
    /// `Name(type1 name1,type2 name2)`.
    pub(super) signature: String,
    /// Indices of the struct types its fields use (arrays included), sorted, deduplicated.
    pub(super) deps: Vec<usize>,
}

/// All struct types; index order is name order (what `encodeType` sorts dependencies by).
#[derive(Debug, Clone)]
pub(super) struct Types {
    index: HashMap<String, usize>,
    names: Vec<String>,
    defs: Vec<StructType>,
}

impl Types {
    /// Builds the table from `(name, fields)` pairs in any order (names are unique).
    pub(super) fn new(mut raw: Vec<(String, Vec<(String, String)>)>) -> Types {
        raw.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let index: HashMap<String, usize> = raw.iter().enumerate().map(|(i, (name, _))| (name.clone(), i)).collect();
        let mut names = Vec::with_capacity(raw.len());
        let mut defs = Vec::with_capacity(raw.len());
        for (name, fields) in raw {
            let mut deps: Vec<usize> = fields.iter().filter_map(|(_, t)| index.get(base_type(t)).copied()).collect();
            deps.sort_unstable();
            deps.dedup();
            let inner: Vec<String> = fields.iter().map(|(n, t)| format!("{t} {n}")).collect();
            defs.push(StructType { signature: format!("{name}({})", inner.join(",")), fields, deps });
            names.push(name);
        }
        Types { index, names, defs }
    }

    pub(super) fn len(&self) -> usize {
        self.defs.len()
    }

    /// The index, name and definition of struct type `name`.
    pub(super) fn get(&self, name: &str) -> Option<(usize, &str, &StructType)> {
        let &i = self.index.get(name)?;
        Some((i, self.names.get(i)?.as_str(), self.defs.get(i)?))
    }

    pub(super) fn at(&self, i: usize) -> Option<&StructType> {
        self.defs.get(i)
    }
}

/// `Foo[2][]` → `Foo`.
fn base_type(t: &str) -> &str {
    t.find('[').map_or(t, |i| &t[..i])
}
