//! Per-document results kept from one build to the next, for `haven serve`.
//!
//! A `haven build` computes everything once. `haven serve` prepares the whole site again
//! after every save (every check still runs, so an error anywhere is still reported), but
//! the work that depends on one file's text alone (parsing its front matter, checking a
//! facility, scanning and rendering its Markdown) is looked up here first. An entry is
//! found only when the file's text is byte for byte the one it was computed from, so a
//! lookup can never return a stale result: it is a cache of pure functions.
//!
//! This module is generic and sits below every stage: each stage keeps its own [`Memo`]s
//! in a struct it defines (for example `validate::Memos`), and the pipeline holds them all
//! (`pipeline::Memos`).

use std::collections::HashMap;
use std::sync::Arc;

/// An order-free fingerprint of a set of values: the sum of two independent 64-bit
/// hashes of each. Hashed with foldhash's quality hasher under two fixed seeds rather than
/// SipHash: `haven serve` hashes every route (about 8,000 at 1,000 articles and 2,000
/// facilities) on each save, and SipHash made that about 5 ms of it.
#[derive(Default)]
pub struct Fingerprint(u64, u64);

impl Fingerprint {
    /// Adds one value (adding it twice counts twice).
    pub fn add(&mut self, value: &impl std::hash::Hash) {
        use std::hash::BuildHasher;
        const SEEDS: [foldhash::quality::FixedState; 2] = [
            foldhash::quality::FixedState::with_seed(0x5eed_f1a9_e4b0_0001),
            foldhash::quality::FixedState::with_seed(0x0dd5_eed5_1a7e_0001),
        ];
        self.0 = self.0.wrapping_add(SEEDS[0].hash_one(value));
        self.1 = self.1.wrapping_add(SEEDS[1].hash_one(value));
    }

    /// The fingerprint of both sets of values (so that a large set can be fingerprinted
    /// in parallel parts).
    pub fn join(self, other: Fingerprint) -> Fingerprint {
        Fingerprint(self.0.wrapping_add(other.0), self.1.wrapping_add(other.1))
    }

    /// The fingerprint of the values added so far.
    pub fn value(&self) -> u128 {
        (u128::from(self.0) << 64) | u128::from(self.1)
    }
}

/// Results of one pure function of a document's text, by document (`rel`, the path under
/// `content/`). One entry per document, so its size is bounded by the site's.
#[derive(Debug)]
pub struct Memo<T> {
    map: HashMap<String, (Arc<str>, T)>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo { map: HashMap::new() }
    }
}

impl<T: Clone> Memo<T> {
    /// The value computed for `rel` when its text was `text`.
    pub fn get(&self, rel: &str, text: &Arc<str>) -> Option<T> {
        let (t, v) = self.map.get(rel)?;
        same_text(t, text).then(|| v.clone())
    }

    /// Remembers `value` for `rel` at `text` (replacing what was there).
    pub fn put(&mut self, rel: &str, text: &Arc<str>, value: T) {
        self.map.insert(rel.to_string(), (Arc::clone(text), value));
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.map.clear();
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Whether two texts of a file are the same: the same allocation (a file not read again),
/// or equal bytes (read again, unchanged).
pub fn same_text(a: &Arc<str>, b: &Arc<str>) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_found_only_for_the_same_text() {
        let mut m = Memo::default();
        let a: Arc<str> = Arc::from("one");
        m.put("articles/a.md", &a, 1);
        assert_eq!(m.get("articles/a.md", &a), Some(1));
        // Equal text in another allocation (the file was read again, unchanged).
        assert_eq!(m.get("articles/a.md", &Arc::from("one")), Some(1));
        assert_eq!(m.get("articles/a.md", &Arc::from("one!")), None);
        assert_eq!(m.get("articles/b.md", &a), None);
        assert!(same_text(&a, &Arc::clone(&a)) && same_text(&a, &Arc::from("one")));
        assert!(!same_text(&a, &Arc::from("one!")));
        m.put("articles/a.md", &Arc::from("two"), 2);
        assert_eq!(m.len(), 1);
        assert_eq!(m.get("articles/a.md", &a), None);
    }
}
