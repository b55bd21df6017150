//! The index as a state that is updated record by record: `haven serve` applies an edit
//! to it and encodes only the files the edit changed; `haven build` applies every record
//! to an empty state. Both run the same code, so the files are the same byte for byte.
//!
//! What keeps an update local (docs/search.md, "Built once, updated in place"):
//! - scores depend on the rest of the site only through the number of records and coarse
//!   values: each field's average length in 5% steps, a stem's document frequency and a
//!   record's own field lengths exact up to [`EXACT`], then in 10% steps (as Lucene
//!   keeps a field's length in one byte); and they are quantized on a fixed scale
//!   (the highest score a word can have with this many records), not against the site's
//!   best score. An edit re-scores the records it changed, and the records of a stem
//!   whose frequency step changed; a step of an average length changing re-scores every
//!   record (rare, still exact).
//! - posting lists are kept, by stem, and changed entry by entry;
//! - shards are cut where the content says (after a key whose hash meets a condition, once
//!   a shard is past [`SHARD_MIN`]; always before passing [`SHARD_MAX`]), so a new key moves
//!   the cuts of one or two shards, not of every later one;
//! - each file's bytes and hash are kept with a fingerprint of what it was made from, and
//!   the build folder's name is a hash of the files' names and hashes.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::ops::Bound;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use sha2::{Digest, Sha256};

use super::build::{self, Counted, Lexicon, Tokens};
use super::format::{self, Shard};
use super::record::passage_texts;
use super::record::{FIELDS, Record};
use super::text;

mod fresh;

/// A stem's document frequency and a record's field length are used exactly up to this
/// many, then in steps of [`STEP`].
pub const EXACT: u32 = 16;
/// Step of a count above [`EXACT`]: 10% (in the log).
const STEP: f64 = 0.095_310_179_804_324_9; // ln(1.1)
/// Step of a field's average length: 5%.
const AVG_STEP: f64 = 0.048_790_164_169_432; // ln(1.05)
/// A shard is cut only once it holds this many bytes (estimated JSON)...
pub const SHARD_MIN: usize = 8_000;
/// ... and always before it would pass this many (one key's list may make one bigger: it
/// then has a shard to itself).
pub const SHARD_MAX: usize = 16_000;
/// Past [`SHARD_MIN`], a shard is cut before a key whose hash is 0 modulo this.
const CUT_EVERY: u64 = 32;

/// A stem id and its term frequency in each field.
type Tf = (u32, [u16; FIELDS]);
/// A record's quantized scores, by stem id.
type Scores = Vec<(u32, u8)>;
/// A record's chosen passage (`Display::x`).
type Passage = Vec<String>;

/// What `haven serve` keeps from one index build to the next: the records' counted words
/// ([`Tokens`]) and the index state of the last build ([`Live`]). `haven build` keeps
/// nothing.
#[derive(Debug, Default)]
pub struct Memo {
    /// Tokenized records and the lexicon.
    pub tokens: Tokens,
    /// The index state of the last build (kept only when remembering).
    pub(super) live: Live,
}

impl Memo {
    /// A memo that remembers (for `haven serve`).
    pub fn remembering() -> Self {
        Memo {
            tokens: Tokens::remembering(),
            live: Live::default(),
        }
    }

    /// Whether this memo keeps what it learns.
    pub fn remembers(&self) -> bool {
        self.tokens.remembers()
    }

    /// How many records the last build tokenized (the others' words came from the memo).
    pub fn tokenized(&self) -> usize {
        self.tokens.tokenized()
    }

    /// How many index files the last build encoded (the others were kept as they were).
    pub fn encoded(&self) -> usize {
        self.live.encoded
    }

    /// How many records the last build scored.
    pub fn scored(&self) -> usize {
        self.live.scored
    }
}

/// An encoded file: its bytes and their hash.
#[derive(Debug, Clone)]
struct Encoded {
    bytes: Arc<Vec<u8>>,
    hash: [u8; 32],
}

impl Encoded {
    fn new(bytes: Vec<u8>) -> Self {
        let hash = Sha256::digest(&bytes).into();
        Encoded {
            bytes: Arc::new(bytes),
            hash,
        }
    }
}

/// A stem's list as shards write it.
#[derive(Debug, Default, Clone)]
struct List {
    /// Postings packed ([`format::pack`]).
    packed: String,
    /// Records its first screen embeds (lists of [`build::EMBED_MIN`] records or more).
    embedded: Vec<u32>,
    /// Its size in a shard (estimated JSON bytes), the embedded records included.
    cost: usize,
    /// Changes whenever anything a shard writes of this stem does.
    version: u64,
}

/// The index state of one site language.
#[derive(Debug, Default)]
pub struct Live {
    /// Records by id, each with its chosen passage in `display.x` (its own copy of the
    /// record given, made when the passage is set: an unchanged record is not copied).
    records: Vec<Arc<Record>>,
    counted: Vec<Arc<Counted>>,
    /// Total length of each field over all records.
    lengths: [u64; FIELDS],
    /// Step of each field's average length.
    avg: [i32; FIELDS],
    stem_ids: FxHashMap<Box<str>, u32>,
    stems: Vec<Box<str>>,
    /// Lexicon word id -> stem id.
    stem_of_word: Vec<u32>,
    /// Stem id -> its lexicon word ids.
    words_of_stem: Vec<Vec<u32>>,
    /// Lexicon word id -> its frequency over all records.
    word_total: Vec<u32>,
    /// Stem id -> records that have it.
    df: Vec<u32>,
    /// Stem id -> (record id, quantized score), by record id.
    postings: Vec<Vec<(u32, u8)>>,
    /// Record id -> (stem id, quantized score), by stem id. Only an update reads it
    /// again: a build ([`Live::once`]) keeps it empty and `findable` instead.
    scores: Vec<Vec<(u32, u8)>>,
    /// Record id -> whether it has a word to index, kept by a build in place of `scores`
    /// (whose ~6 million entries at L took 48 MB beside the postings).
    findable: Vec<bool>,
    /// Stem id -> the written form to show.
    display: Vec<Box<str>>,
    lists: Vec<List>,
    /// Record id -> the stems whose first screens embed it.
    embeds: Vec<Vec<u32>>,
    /// Every key (written word, or stem that is no written word) -> stem id.
    keys: BTreeMap<Box<str>, u32>,
    /// Last version given out.
    clock: u64,
    /// Record id -> version of what its rows write.
    record_version: Vec<u64>,
    shard_files: FxHashMap<u64, Encoded>,
    record_files: Vec<(u64, Encoded)>,
    facets_file: Option<Encoded>,
    /// Whether the last update changed any record's filters.
    facets_changed: bool,
    /// Files encoded by the last update (the others were kept).
    pub encoded: usize,
    /// Records scored by the last update.
    pub scored: usize,
    /// Synonym groups' keys ([`format::group_key`]) -> their list's stem id (a list no
    /// record's words make: [`Live::groups`] keeps it).
    group_lists: BTreeMap<Box<str>, u32>,
    /// What the last [`Live::update`] changed, for [`Live::groups`]; `None` after a state
    /// made from nothing (every group is made again).
    touched: Option<Touched>,
    /// The synonym groups [`Live::groups`] last made lists for.
    grouped: Vec<Vec<String>>,
    /// Whether the state is made once and never updated (`haven build`): it then drops
    /// what only an update reads ([`Live::once`]).
    forget: bool,
    /// The shards of the last [`Live::files`], in key order ([`Live::cutting`]).
    cut: Vec<Cut>,
    /// Keys set, removed or whose list changed since the last [`Live::files`] (and words
    /// of a changed list that are no key): the shards they fall in are cut again.
    dirty: FxHashSet<Box<str>>,
}

/// One shard of the last [`Live::files`]: its first and last key, and a fingerprint of
/// what it is made of (its keys and their lists' versions).
#[derive(Debug)]
struct Cut {
    first: Box<str>,
    last: Box<str>,
    print: u64,
}

/// A shard's keys, in order, each with its list's stem id.
type Keys<'a> = Vec<(&'a str, u32)>;

/// A shard of the next [`Live::files`]: one of the last (its index in `Live::cut`), or
/// one cut again, with its keys.
enum Cutting<'a> {
    Kept(usize),
    Cut(Keys<'a>),
}

/// What one [`Live::update`] changed that a synonym group's list is made from
/// ([`Live::merged`], [`build::first_screen`]): a group none of whose member words is
/// touched is left as it is, not merged again from its members' full lists.
#[derive(Debug, Default)]
struct Touched {
    /// Stems whose postings changed.
    lists: FxHashSet<u32>,
    /// Keys set to another stem, added or removed.
    keys: FxHashSet<Box<str>>,
    /// Whether a changed record is sponsored now and was not, or the other way (first
    /// screens rank sponsored records apart).
    paid: bool,
}

/// What [`Live::files`] gives: the files in the build folder (name, bytes), the shards'
/// first keys, and the build folder's name.
pub struct Files {
    pub named: Vec<(String, Arc<Vec<u8>>)>,
    pub firsts: Vec<String>,
    pub build: String,
}

fn avg_step(total: u64, n: usize) -> i32 {
    let avg = (total as f64 / n.max(1) as f64).max(1.0);
    (avg.ln() / AVG_STEP).round() as i32
}

/// The step of a count (a stem's document frequency, a field's length in one record):
/// exact up to [`EXACT`], then in 10% steps.
fn step(d: u32) -> i32 {
    if d <= EXACT {
        d as i32
    } else {
        EXACT as i32 + (f64::from(d) / f64::from(EXACT)).ln().div_euclid(STEP) as i32 + 1
    }
}

/// The count a step stands for.
fn of_step(step: i32) -> f32 {
    if step <= EXACT as i32 {
        step as f32
    } else {
        (f64::from(EXACT) * ((f64::from(step - EXACT as i32) - 0.5) * STEP).exp()) as f32
    }
}

fn idf(n: f32, d: f32) -> f32 {
    (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
}

impl Live {
    /// A state made once and never updated (`haven build`): it keeps no record's counted
    /// words once they are scored.
    pub fn once() -> Self {
        Live {
            forget: true,
            ..Live::default()
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    fn stem_id(&mut self, stem: &str) -> u32 {
        if let Some(&id) = self.stem_ids.get(stem) {
            return id;
        }
        let id = u32::try_from(self.stems.len()).unwrap_or(u32::MAX);
        self.stem_ids.insert(stem.into(), id);
        self.stems.push(stem.into());
        self.words_of_stem.push(Vec::new());
        self.df.push(0);
        self.postings.push(Vec::new());
        self.display.push("".into());
        self.lists.push(List::default());
        id
    }

    /// A record's stems with their term frequency per field, by stem id.
    fn stemmed(&self, c: &Counted) -> Vec<Tf> {
        let mut by_stem: Vec<Tf> = c
            .words
            .iter()
            .map(|(w, n)| (self.stem_of_word.get(*w as usize).copied().unwrap_or(u32::MAX), *n))
            .collect();
        by_stem.sort_unstable_by_key(|e| e.0);
        by_stem.dedup_by(|next, kept| {
            if next.0 != kept.0 {
                return false;
            }
            for f in 0..FIELDS {
                kept.1[f] = kept.1[f].saturating_add(next.1[f]);
            }
            true
        });
        by_stem.retain(|e| e.0 != u32::MAX);
        by_stem
    }

    /// Brings the state to `records` (with their `counted` words, in the same order).
    /// `lexicon` is the memo's.
    pub fn update(&mut self, records: Vec<Arc<Record>>, counted: Vec<Arc<Counted>>, lexicon: &Lexicon) {
        let n = records.len();
        // A state that forgot its counted words is made again (`haven build` makes it once).
        let same_ids = !self.forget
            && self.records.len() == n
            && self
                .records
                .iter()
                .zip(&records)
                .all(|(a, b)| a.display.u == b.display.u);
        if !same_ids {
            self.fresh(records, counted, lexicon);
            return;
        }
        for w in self.stem_of_word.len()..lexicon.len() {
            let s = self.stem_id(lexicon.stem(w as u32));
            self.stem_of_word.push(s);
            self.words_of_stem[s as usize].push(w as u32);
            self.word_total.push(0);
        }
        // The same records as the state's, in the same order (a new or removed one went to
        // `fresh` above): the changed ones are those whose counted words are new.
        let changed: Vec<usize> = (0..n)
            .filter(|&i| !Arc::ptr_eq(&counted[i], &self.counted[i]))
            .collect();
        self.facets_changed = changed
            .iter()
            .any(|&i| self.records.get(i).is_none_or(|r| r.facets != records[i].facets));
        let paid = changed
            .iter()
            .any(|&i| self.records.get(i).is_none_or(|r| r.display.s != records[i].display.s));
        let mut words: FxHashSet<u32> = FxHashSet::default();
        // Stem id -> its document frequency before.
        let mut df_before: FxHashMap<u32, u32> = FxHashMap::default();
        let mut new_stems: Vec<Vec<Tf>> = Vec::with_capacity(changed.len());
        for &i in &changed {
            let old = Arc::clone(&self.counted[i]);
            for (w, tf) in &old.words {
                self.word_total[*w as usize] -= tf.iter().map(|&t| u32::from(t)).sum::<u32>();
                words.insert(*w);
            }
            for (l, x) in self.lengths.iter_mut().zip(old.len) {
                *l -= u64::from(x);
            }
            let new = Arc::clone(&counted[i]);
            for (w, tf) in &new.words {
                self.word_total[*w as usize] += tf.iter().map(|&t| u32::from(t)).sum::<u32>();
                words.insert(*w);
            }
            for (l, x) in self.lengths.iter_mut().zip(new.len) {
                *l += u64::from(x);
            }
            let stemmed = self.stemmed(&new);
            // The stems it lost and those it gained (both lists by stem id); the postings
            // follow once it is scored.
            let had: Vec<u32> = self.scores[i].iter().map(|e| e.0).collect();
            let has: Vec<u32> = stemmed.iter().map(|e| e.0).collect();
            for s in difference(&had, &has) {
                df_before.entry(s).or_insert(self.df[s as usize]);
                self.df[s as usize] -= 1;
            }
            for s in difference(&has, &had) {
                df_before.entry(s).or_insert(self.df[s as usize]);
                self.df[s as usize] += 1;
            }
            new_stems.push(stemmed);
            self.counted[i] = new;
        }
        let avg: [i32; FIELDS] = std::array::from_fn(|f| avg_step(self.lengths[f], n));
        let everything = avg != self.avg;
        self.avg = avg;
        // The records to score: the changed ones; those of a stem whose frequency step
        // changed; all when an average length's step did.
        let mut to_score: Vec<usize> = changed.clone();
        if everything {
            to_score = (0..n).collect();
        } else {
            let mut more: FxHashSet<usize> = FxHashSet::default();
            for (&s, &before) in &df_before {
                if step(before) != step(self.df[s as usize]) {
                    more.extend(self.postings[s as usize].iter().map(|p| p.0 as usize));
                }
            }
            let changed_set: FxHashSet<usize> = changed.iter().copied().collect();
            more.retain(|i| !changed_set.contains(i));
            to_score.extend(more);
            to_score.sort_unstable();
        }
        self.scored = to_score.len();
        let mut stemmed_of: FxHashMap<usize, Vec<Tf>> = changed.iter().copied().zip(new_stems).collect();
        let inputs: Vec<(usize, Vec<Tf>)> = to_score
            .iter()
            .map(|&i| {
                let s = stemmed_of.remove(&i).unwrap_or_else(|| self.stemmed(&self.counted[i]));
                (i, s)
            })
            .collect();
        let this = &*self;
        let results: Vec<(usize, Scores, Passage)> = inputs
            .into_par_iter()
            .map(|(i, stemmed)| {
                let (q, x) = this.score(i, &stemmed, &records[i]);
                (i, q, x)
            })
            .collect();
        // Records whose rows change (their text, or their passage).
        let mut shown: Vec<usize> = Vec::new();
        let changed_set: FxHashSet<usize> = changed.iter().copied().collect();
        let mut lists: FxHashSet<u32> = FxHashSet::default();
        for (i, q, x) in results {
            let old = std::mem::replace(&mut self.scores[i], q);
            let new = &self.scores[i];
            let (mut a, mut b) = (0, 0);
            let rid = i as u32;
            // Both by stem id: walk them together.
            while a < old.len() || b < new.len() {
                let o = old.get(a).copied();
                let w = new.get(b).copied();
                match (o, w) {
                    (Some(o), Some(w)) if o.0 == w.0 => {
                        if o.1 != w.1 {
                            let list = &mut self.postings[w.0 as usize];
                            if let Ok(at) = list.binary_search_by_key(&rid, |p| p.0) {
                                list[at].1 = w.1;
                            }
                            lists.insert(w.0);
                        }
                        a += 1;
                        b += 1;
                    }
                    (Some(o), w) if w.is_none_or(|w| o.0 < w.0) => {
                        let list = &mut self.postings[o.0 as usize];
                        if let Ok(at) = list.binary_search_by_key(&rid, |p| p.0) {
                            list.remove(at);
                        }
                        lists.insert(o.0);
                        a += 1;
                    }
                    (_, Some(w)) => {
                        let list = &mut self.postings[w.0 as usize];
                        match list.binary_search_by_key(&rid, |p| p.0) {
                            Ok(at) => list[at].1 = w.1,
                            Err(at) => list.insert(at, (rid, w.1)),
                        }
                        lists.insert(w.0);
                        b += 1;
                    }
                    _ => break,
                }
            }
            // `same_ids`: record `i` is in the state.
            let Some(kept) = self.records.get_mut(i) else { continue };
            if changed_set.contains(&i) {
                // The record given, with its passage (copied when the memo shares it).
                let mut r = Arc::clone(&records[i]);
                if r.display.x != x {
                    Arc::make_mut(&mut r).display.x = x;
                }
                *kept = r;
                shown.push(i);
            } else if kept.display.x != x {
                Arc::make_mut(kept).display.x = x;
                shown.push(i);
            }
        }
        // A list whose record count changed changes too.
        lists.extend(
            df_before
                .iter()
                .filter(|(s, d)| self.df[**s as usize] != **d)
                .map(|(s, _)| *s),
        );
        // Shown written forms and keys of the words whose frequency changed.
        let mut stems_of_words: FxHashSet<u32> = FxHashSet::default();
        for &w in &words {
            stems_of_words.insert(self.stem_of_word[w as usize]);
        }
        for &s in &stems_of_words {
            let best = self.shown_form(s, lexicon);
            if *self.display[s as usize] != *best {
                self.display[s as usize] = best.into();
                lists.insert(s);
            }
        }
        let mut keys: FxHashSet<Box<str>> = FxHashSet::default();
        for &w in &words {
            let word = lexicon.word(w).to_string();
            let stem = self.stems[self.stem_of_word[w as usize] as usize].to_string();
            for x in [word, stem] {
                if self.key(&x, lexicon) {
                    keys.insert(x.into());
                }
            }
        }
        self.dirty.extend(keys.iter().cloned());
        self.touched = Some(Touched {
            lists: lists.clone(),
            keys,
            paid,
        });
        // The lists as shards write them.
        let mut lists: Vec<u32> = lists.into_iter().collect();
        lists.sort_unstable();
        let this = &*self;
        let made: Vec<(u32, String, Vec<u32>)> = lists
            .par_iter()
            .map(|&s| {
                let (packed, embedded) = this.list_of(s);
                (s, packed, embedded)
            })
            .collect();
        let mut bumped: FxHashSet<u32> = FxHashSet::default();
        for (s, packed, embedded) in made {
            self.set_list(s, packed, embedded);
            bumped.insert(s);
        }
        for &r in &shown {
            let v = self.tick();
            self.record_version[r] = v;
            for s in self.embeds[r].clone() {
                if bumped.insert(s) {
                    let v = self.tick();
                    self.lists[s as usize].version = v;
                }
            }
        }
        for s in bumped {
            self.lists[s as usize].cost = self.cost(s);
            self.touch_list(s, lexicon);
        }
    }

    /// Brings the synonym groups' lists to the records' postings (after [`Live::update`]):
    /// each group is one key, [`format::group_key`], whose list is the union of its
    /// members' records ([`Live::merged`]) and whose first screen is always embedded, so a
    /// search of a group loads one shard and no record file. A group none of whose
    /// members any record has gets no key. Kept apart from `update`: only the groups
    /// whose records or scores changed are encoded again.
    pub fn groups(&mut self, synonyms: &[Vec<String>]) {
        let touched = std::mem::take(&mut self.touched);
        let all = self.grouped != synonyms || touched.as_ref().is_none_or(|t| t.paid);
        let wanted: FxHashSet<String> = synonyms.iter().map(|g| format::group_key(g)).collect();
        let gone: Vec<Box<str>> = self
            .group_lists
            .keys()
            .filter(|k| !wanted.contains(&***k))
            .cloned()
            .collect();
        for key in gone {
            if let Some(s) = self.group_lists.remove(&key) {
                self.keys.remove(&key);
                self.dirty.insert(key);
                self.set_group_list(s, Vec::new(), Vec::new());
            }
        }
        for g in synonyms {
            if !all && !touched.as_ref().is_some_and(|t| self.touches(t, g)) {
                // Its members' keys and lists are as they were: so is its list.
                continue;
            }
            let key = format::group_key(g);
            let merged = self.merged(g);
            let s = match self.group_lists.get(key.as_str()) {
                Some(&s) => s,
                None if merged.is_empty() => continue,
                None => {
                    let s = self.stem_id(&key);
                    self.group_lists.insert(key.clone().into(), s);
                    s
                }
            };
            let was = if merged.is_empty() {
                self.keys.remove(key.as_str())
            } else {
                self.keys.insert(key.clone().into(), s)
            };
            if was != (!merged.is_empty()).then_some(s) {
                self.dirty.insert(key.as_str().into());
            }
            let embedded = build::first_screen(&merged, &self.records);
            let i = s as usize;
            if self.postings[i] == merged && self.lists[i].embedded == embedded && !self.lists[i].packed.is_empty() {
                continue;
            }
            self.set_group_list(s, merged, embedded);
        }
        if self.grouped != synonyms {
            self.grouped = synonyms.to_vec();
        }
    }

    /// Whether `touched` changed what group `g`'s list is made from: a member word's key,
    /// or the postings of its stem.
    fn touches(&self, touched: &Touched, g: &[String]) -> bool {
        g.iter()
            .flat_map(|phrase| phrase.split(' '))
            .any(|word| touched.keys.contains(word) || self.keys.get(word).is_some_and(|s| touched.lists.contains(s)))
    }

    /// Sets a group's list `s` to `postings` (by record id) with `embedded` as its first
    /// screen.
    fn set_group_list(&mut self, s: u32, postings: Vec<(u32, u8)>, embedded: Vec<u32>) {
        let i = s as usize;
        self.df[i] = u32::try_from(postings.len()).unwrap_or(u32::MAX);
        self.postings[i] = postings;
        let packed = format::pack(&format::encode_postings(&self.truncated(s)));
        self.set_list(s, packed, embedded);
        self.lists[i].cost = self.cost(s);
        // A group's one key is its stem's text.
        if let Some(key) = self.stems.get(i) {
            self.dirty.insert(key.clone());
        }
    }

    /// A synonym group's records, by record id, as a client would find them from its
    /// members' full lists: a member phrase's records are those with all its words
    /// (their scores added), the group's the union of its members' (the best member's
    /// score), each score at most 255.
    fn merged(&self, group: &[String]) -> Vec<(u32, u8)> {
        let mut best: FxHashMap<u32, u32> = FxHashMap::default();
        for phrase in group {
            let mut found: Option<Vec<(u32, u32)>> = None;
            for word in phrase.split(' ') {
                let Some(&s) = self.keys.get(word) else {
                    found = Some(Vec::new());
                    break;
                };
                let list = &self.postings[s as usize];
                found = Some(match found {
                    None => list.iter().map(|&(id, q)| (id, u32::from(q))).collect(),
                    Some(so_far) => so_far
                        .into_iter()
                        .filter_map(|(id, q)| {
                            let at = list.binary_search_by_key(&id, |p| p.0).ok()?;
                            Some((id, q + u32::from(list[at].1)))
                        })
                        .collect(),
                });
            }
            for (id, q) in found.unwrap_or_default() {
                let e = best.entry(id).or_insert(0);
                *e = (*e).max(q);
            }
        }
        let mut out: Vec<(u32, u8)> = best
            .into_iter()
            .map(|(id, q)| (id, u8::try_from(q).unwrap_or(u8::MAX)))
            .collect();
        out.sort_unstable();
        out
    }

    /// Sets or removes the key `x`: a written word some record has, else a stem some
    /// record has. Returns whether that changed it.
    fn key(&mut self, x: &str, lexicon: &Lexicon) -> bool {
        let word = lexicon
            .id(x)
            .filter(|&w| self.word_total.get(w as usize).is_some_and(|&t| t > 0))
            .map(|w| self.stem_of_word[w as usize]);
        let stem = || self.stem_ids.get(x).copied().filter(|&s| self.df[s as usize] > 0);
        match word.or_else(stem) {
            Some(s) => match self.keys.get_mut(x) {
                Some(kept) if *kept == s => false,
                Some(kept) => {
                    *kept = s;
                    true
                }
                None => {
                    self.keys.insert(x.into(), s);
                    true
                }
            },
            None => self.keys.remove(x).is_some(),
        }
    }

    /// Record `i`'s quantized scores by stem id, and its passage.
    fn score(&self, i: usize, stemmed: &[(u32, [u16; FIELDS])], r: &Record) -> (Vec<(u32, u8)>, Vec<String>) {
        let n = self.records_len() as f32;
        let avg: [f32; FIELDS] = std::array::from_fn(|f| (f64::from(self.avg[f]) * AVG_STEP).exp() as f32);
        let bound = idf(n, 1.0) * (build::K1 + 1.0);
        self.score_with(
            &self.counted[i],
            stemmed,
            r,
            (&avg, bound),
            |s| idf(n, of_step(step(self.df[s as usize]))),
            |a, b| self.stems[a as usize].cmp(&self.stems[b as usize]),
        )
    }

    /// [`Live::score`] of a record's counted words `c` (the bulk path passes them by
    /// value, so a build frees each once it is scored), with the inputs shared by every
    /// record given: `(avg, bound)` the
    /// fields' average lengths and the highest score a word can have (quantized to
    /// [`build::LEVELS`]), `idf` a stem's idf, `before` the byte order of two stems (which
    /// breaks ties between scores). The bulk path computes them once per build.
    fn score_with(
        &self,
        c: &Counted,
        stemmed: &[Tf],
        r: &Record,
        (avg, bound): (&[f32; FIELDS], f32),
        idf: impl Fn(u32) -> f32,
        before: impl Fn(u32, u32) -> std::cmp::Ordering,
    ) -> (Scores, Passage) {
        let len: [f32; FIELDS] = std::array::from_fn(|f| of_step(step(c.len[f])));
        let norm: [f32; FIELDS] = std::array::from_fn(|f| 1.0 - build::B[f] + build::B[f] * len[f] / avg[f]);
        let mut raw: Vec<(u32, f32)> = stemmed
            .iter()
            .map(|(id, tf)| {
                let weighted: f32 = (0..FIELDS)
                    .map(|f| build::WEIGHTS[f] * f32::from(tf[f]) / norm[f])
                    .sum();
                (*id, idf(*id) * weighted * (build::K1 + 1.0) / (build::K1 + weighted))
            })
            .collect();
        let q: Vec<(u32, u8)> = raw
            .iter()
            .map(|&(id, s)| (id, (s / bound * build::LEVELS).round().clamp(1.0, build::LEVELS) as u8))
            .collect();
        // The best stems: highest score, then first in byte order (a total order, a
        // record's stems being distinct), selected rather than sorted.
        let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then_with(|| before(a.0, b.0));
        if raw.len() > build::BEST {
            raw.select_nth_unstable_by(build::BEST - 1, order);
            raw.truncate(build::BEST);
        }
        let best: Vec<u32> = raw.iter().map(|(id, _)| *id).collect();
        (q, self.passage(c, r, &best))
    }

    /// A record's passage: the one (of [`passage_texts`]) with most words of its `best`
    /// stems, shared by [`Live::score`] and the empty-state bulk path.
    fn passage(&self, c: &Counted, r: &Record, best: &[u32]) -> Vec<String> {
        let good: Vec<bool> = c
            .words
            .iter()
            .map(|(w, _)| best.contains(&self.stem_of_word.get(*w as usize).copied().unwrap_or(u32::MAX)))
            .collect();
        passages(r, &c.hits(&good))
    }

    /// The written form stem `s` shows: its most frequent word, the first in byte order
    /// among equals ("" once no record has it).
    fn shown_form<'a>(&self, s: u32, lexicon: &'a Lexicon) -> &'a str {
        self.words_of_stem[s as usize]
            .iter()
            .filter(|&&w| self.word_total[w as usize] > 0)
            .max_by(|&&a, &&b| {
                self.word_total[a as usize]
                    .cmp(&self.word_total[b as usize])
                    .then_with(|| lexicon.word(b).cmp(lexicon.word(a)))
            })
            .map_or("", |&w| lexicon.word(w))
    }

    /// Puts stem `s`'s list as shards write it, with a new version, and moves the
    /// records its first screen embeds (`embeds`) from its old list to this one.
    fn set_list(&mut self, s: u32, packed: String, embedded: Vec<u32>) {
        let version = self.tick();
        let old = std::mem::take(&mut self.lists[s as usize].embedded);
        for r in old {
            if let Some(e) = self.embeds.get_mut(r as usize) {
                e.retain(|&x| x != s);
            }
        }
        for &r in &embedded {
            if let Some(e) = self.embeds.get_mut(r as usize) {
                e.push(s);
            }
        }
        self.lists[s as usize] = List {
            packed,
            embedded,
            cost: 0,
            version,
        };
    }

    /// How many records the state holds (a build's state keeps no counted words, so not
    /// `counted`'s length).
    fn records_len(&self) -> usize {
        self.records.len()
    }

    /// A stem's postings as written: all, or the best [`build::MAX_POSTINGS`].
    fn truncated(&self, s: u32) -> Vec<(u32, u8)> {
        let mut p = self.postings[s as usize].clone();
        if p.len() > build::MAX_POSTINGS {
            p.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            p.truncate(build::MAX_POSTINGS);
        }
        p
    }

    /// Stem `s`'s list as shards write it: its packed postings (the best
    /// [`build::MAX_POSTINGS`]) and the records its first screen embeds (lists of
    /// [`build::EMBED_MIN`] records or more).
    fn list_of(&self, s: u32) -> (String, Vec<u32>) {
        let p = self.truncated(s);
        let embedded = if self.df[s as usize] >= build::EMBED_MIN {
            build::first_screen(&p, &self.records)
        } else {
            Vec::new()
        };
        (format::pack(&format::encode_postings(&p)), embedded)
    }

    /// A list's size in a shard (estimated JSON bytes).
    fn cost(&self, s: u32) -> usize {
        let l = &self.lists[s as usize];
        l.packed.len()
            + 4
            + self.display[s as usize].len()
            + 10
            + l.embedded
                .iter()
                .map(|&r| build::shown_size(&self.records, r))
                .sum::<usize>()
    }

    /// The records, each with its passage.
    pub fn records(&self) -> &[Arc<Record>] {
        &self.records
    }

    /// Whether record `i` has no word to index.
    pub fn is_empty(&self, i: usize) -> bool {
        if self.forget {
            return !self.findable.get(i).copied().unwrap_or(false);
        }
        self.scores.get(i).is_none_or(Vec::is_empty)
    }

    /// The postings of the key `word` (record id, quantized score), by record id, and the
    /// number of records that have its stem.
    pub fn lookup(&self, word: &str) -> Option<(&[(u32, u8)], u32)> {
        let &s = self.keys.get(word)?;
        Some((&self.postings[s as usize], self.df[s as usize]))
    }

    /// Cuts the keys from `from` on (every key when `None`) into shards, the first
    /// beginning at the first key: as one walk over every key cuts them from a shard that
    /// begins there. Stops before a key that begins a later shard and that `stop` accepts,
    /// and returns that key.
    fn walk<'a>(&'a self, from: Option<&str>, stop: impl Fn(&str) -> bool) -> (Vec<Keys<'a>>, Option<&'a str>) {
        let mut out: Vec<Keys<'a>> = Vec::new();
        let mut local: FxHashSet<u32> = FxHashSet::default();
        let mut bytes = 0;
        let range = match from {
            Some(k) => self.keys.range::<str, _>((Bound::Included(k), Bound::Unbounded)),
            None => self.keys.range::<str, _>(..),
        };
        for (key, &s) in range {
            let key: &str = key;
            let cost = key.len()
                + 8
                + if local.contains(&s) {
                    0
                } else {
                    self.lists[s as usize].cost
                };
            let cut = bytes > 0 && (bytes + cost > SHARD_MAX || (bytes >= SHARD_MIN && cuts_before(key)));
            if out.is_empty() || cut {
                if !out.is_empty() && stop(key) {
                    return (out, Some(key));
                }
                out.push(Vec::new());
                local.clear();
                bytes = 0;
            }
            let cost = key.len()
                + 8
                + if local.insert(s) {
                    self.lists[s as usize].cost
                } else {
                    0
                };
            bytes += cost;
            if let Some(last) = out.last_mut() {
                last.push((key, s));
            }
        }
        (out, None)
    }

    /// The shards, cut where the content says: those of the last [`Live::files`] that no
    /// key of `dirty` falls in (from the shard's first key to the next shard's, both
    /// included) kept, the others cut again from their first key until a shard begins at
    /// a kept shard's first key. The cuts are those of one walk over every key: a shard
    /// begins with nothing carried over from the one before, so from a key where both
    /// begin one, that walk goes on as it did; and a shard's cut before the next depends
    /// on its keys, their lists and the next shard's first key alone.
    fn cutting(&self) -> Vec<Cutting<'_>> {
        let old = &self.cut;
        if old.is_empty() {
            return self.walk(None, |_| false).0.into_iter().map(Cutting::Cut).collect();
        }
        let mut dirty: Vec<&str> = self.dirty.iter().map(|k| &**k).collect();
        dirty.sort_unstable();
        // Whether a dirty key is in lo..=hi (lo `None`: from the first key; hi `None`: to
        // the last).
        let touched = |lo: Option<&str>, hi: Option<&str>| {
            let at = lo.map_or(0, |lo| dirty.partition_point(|d| *d < lo));
            dirty.get(at).is_some_and(|d| hi.is_none_or(|h| *d <= h))
        };
        let first = |i: usize| old.get(i).map(|c| &*c.first);
        let find = |from: usize, k: &str| {
            old.get(from..)
                .and_then(|rest| rest.binary_search_by(|c| (*c.first).cmp(k)).ok())
                .map(|j| from + j)
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < old.len() {
            // The first shard also holds any key before its first.
            let lo = if i == 0 { None } else { first(i) };
            if !touched(lo, first(i + 1)) {
                out.push(Cutting::Kept(i));
                i += 1;
                continue;
            }
            let (shards, stopped) = self.walk(lo, |k| find(i + 1, k).is_some());
            out.extend(shards.into_iter().map(Cutting::Cut));
            match stopped.and_then(|k| find(i + 1, k)) {
                Some(j) => i = j,
                None => break,
            }
        }
        out
    }

    /// Marks the keys of stem `s`'s list (its written words and the stem) as touched, for
    /// the next [`Live::files`]: its list changed.
    fn touch_list(&mut self, s: u32, lexicon: &Lexicon) {
        let Some(stem) = self.stems.get(s as usize) else { return };
        self.dirty.insert(stem.clone());
        for &w in &self.words_of_stem[s as usize] {
            self.dirty.insert(lexicon.word(w).into());
        }
    }

    /// The shard made of `keys`.
    fn shard(&self, keys: &[(&str, u32)]) -> Shard {
        let mut shard = Shard::default();
        let mut local: FxHashMap<u32, u32> = FxHashMap::default();
        for &(key, s) in keys {
            let at = *local.entry(s).or_insert_with(|| {
                let l = &self.lists[s as usize];
                shard.d.push(self.display[s as usize].to_string());
                shard.n.push(self.df[s as usize]);
                shard.p.push(l.packed.clone());
                for &r in &l.embedded {
                    if let Some(rec) = self.records.get(r as usize) {
                        shard.r.entry(r).or_insert_with(|| rec.display.clone());
                    }
                }
                u32::try_from(shard.p.len() - 1).unwrap_or(u32::MAX)
            });
            shard.w.insert(key.to_string(), at);
        }
        shard
    }

    /// The files of the build folder: word shards `s<i>.json`, record files `r<i>.json`
    /// and the facets `f.json`, each encoded again only if what it is made of changed.
    pub fn files(&mut self) -> Files {
        let print_of = |keys: &[(&str, u32)]| {
            let mut h = std::hash::DefaultHasher::new();
            for (k, s) in keys {
                k.hash(&mut h);
                self.lists[*s as usize].version.hash(&mut h);
            }
            h.finish()
        };
        // Each shard: its first and last key, its fingerprint, and its keys if cut again.
        type Shard<'a> = (&'a str, &'a str, u64, Option<Vec<(&'a str, u32)>>);
        let shards: Vec<Shard<'_>> = self
            .cutting()
            .into_iter()
            .map(|c| match c {
                Cutting::Kept(i) => {
                    let c = &self.cut[i];
                    (&*c.first, &*c.last, c.print, None)
                }
                Cutting::Cut(keys) => {
                    let first = keys.first().map_or("", |k| k.0);
                    let last = keys.last().map_or("", |k| k.0);
                    (first, last, print_of(&keys), Some(keys))
                }
            })
            .collect();
        let this = &*self;
        let made: Vec<(u64, Encoded)> = shards
            .par_iter()
            .filter(|(_, _, print, _)| !this.shard_files.contains_key(print))
            .map(|(first, last, print, keys)| {
                // A kept shard's file is kept too; its keys are read again only if not.
                let keys = keys.clone().unwrap_or_else(|| {
                    let range = (Bound::Included(*first), Bound::Included(*last));
                    this.keys.range::<str, _>(range).map(|(k, &s)| (&**k, s)).collect()
                });
                let shard = this.shard(&keys);
                (*print, Encoded::new(json(&shard_file(shard, &this.records))))
            })
            .collect();
        let mut encoded = made.len();
        let mut previous = "";
        let firsts: Vec<String> = shards
            .iter()
            .map(|(first, last, _, _)| {
                let b = build::boundary(previous, first).to_string();
                previous = last;
                b
            })
            .collect();
        let cut: Vec<Cut> = shards
            .iter()
            .map(|(first, last, print, _)| Cut {
                first: (*first).into(),
                last: (*last).into(),
                print: *print,
            })
            .collect();
        let prints: Vec<u64> = cut.iter().map(|c| c.print).collect();
        drop(shards);
        self.cut = cut;
        self.dirty.clear();
        self.shard_files.extend(made);
        let keep: FxHashSet<u64> = prints.iter().copied().collect();
        self.shard_files.retain(|p, _| keep.contains(p));
        let mut named: Vec<(String, Encoded)> = prints
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((format!("s{i}.json"), self.shard_files.get(p)?.clone())))
            .collect();
        let chunks = self.records.len().div_ceil(format::CHUNK);
        self.record_files.truncate(chunks);
        let total = self.records.len();
        let ids = |i: usize| i * format::CHUNK..((i + 1) * format::CHUNK).min(total);
        let record_prints: Vec<u64> = (0..chunks)
            .map(|i| {
                let print = self.record_version[ids(i)].iter().copied().max().unwrap_or(0);
                print ^ ((ids(i).len() as u64) << 56)
            })
            .collect();
        // Encoded on every core: one after the other, the record files of L (1,000 of them)
        // were the longest part of the step on one thread.
        let this = &*self;
        let again: Vec<(usize, Encoded)> = (0..chunks)
            .into_par_iter()
            .filter(|&i| this.record_files.get(i).is_none_or(|(p, _)| *p != record_prints[i]))
            .map(|i| {
                let chunk = &this.records[ids(i)];
                let rows = format::rows(chunk.iter().map(|r| (&r.display, best_passage(&r.display))));
                (i, Encoded::new(json(&rows)))
            })
            .collect();
        encoded += again.len();
        for (i, e) in again {
            if i < self.record_files.len() {
                self.record_files[i] = (record_prints[i], e);
            } else {
                self.record_files.push((record_prints[i], e));
            }
        }
        for i in 0..chunks {
            named.push((format!("r{i}.json"), self.record_files[i].1.clone()));
        }
        if self.facets_changed || self.facets_file.is_none() {
            self.facets_file = Some(Encoded::new(json(&facets(&self.records))));
            encoded += 1;
        }
        if let Some(f) = &self.facets_file {
            named.push(("f.json".into(), f.clone()));
        }
        self.encoded = encoded;
        let mut hash = Sha256::new();
        for (name, e) in &named {
            hash.update(name.as_bytes());
            hash.update(e.hash);
        }
        let build: String = hash.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect();
        if self.forget {
            // Never encoded again: the caller holds the only reference to each file's
            // bytes, which it then moves out rather than copies.
            self.shard_files.clear();
            self.record_files.clear();
            self.facets_file = None;
        }
        Files {
            named: named.into_iter().map(|(n, e)| (n, e.bytes)).collect(),
            firsts,
            build,
        }
    }
}

/// The items of `a` not in `b` (both ascending).
fn difference(a: &[u32], b: &[u32]) -> Vec<u32> {
    a.iter().filter(|x| b.binary_search(x).is_err()).copied().collect()
}

/// Whether a shard past [`SHARD_MIN`] is cut before `key`: a hash of the key alone, so
/// the cuts stay where they are when keys elsewhere come and go.
fn cuts_before(key: &str) -> bool {
    let mut h = rustc_hash::FxHasher::default();
    key.hash(&mut h);
    // FxHash's low bits are weak: mix before taking the remainder.
    let x = h.finish();
    let x = (x ^ (x >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    (x ^ (x >> 33)).is_multiple_of(CUT_EVERY)
}

/// Longest passage shown as an excerpt, in bytes.
const PASSAGE_BYTES: usize = 180;

/// The filters file: filter name -> value -> the ids of the records that have it.
pub(super) fn facets(records: &[Arc<Record>]) -> format::Facets {
    let mut facets: format::Facets = BTreeMap::new();
    for (id, r) in records.iter().enumerate() {
        for (name, value) in &r.facets {
            facets
                .entry((*name).to_string())
                .or_default()
                .entry(value.clone())
                .or_default()
                .push(u32::try_from(id).unwrap_or(u32::MAX));
        }
    }
    for values in facets.values_mut() {
        for ids in values.values_mut() {
            ids.dedup();
            *ids = format::encode_ids(ids);
        }
    }
    facets
}

/// JSON of a value (serializing these types cannot fail; an empty file would only make
/// the client report search as unavailable).
pub(super) fn json<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// The passage of a record's row in its record file: its passage with most of its
/// best-scored words (`hits`, from [`build::score`]), the first (the description, a
/// summary its author wrote) counting one more, earlier passages winning ties; cut to
/// [`PASSAGE_BYTES`]. One passage a record, not several: the passages were most of the
/// index on disk (docs/search.md).
pub(super) fn passages(r: &Record, hits: &[u32]) -> Vec<String> {
    let all = passage_texts(r);
    let hit = |i: usize| hits.get(i).copied().unwrap_or(0) + u32::from(i == 0);
    let best = (0..all.len())
        .max_by(|&a, &b| hit(a).cmp(&hit(b)).then(b.cmp(&a)))
        .and_then(|i| all.get(i));
    best.map(|p| text::cut(p, PASSAGE_BYTES)).into_iter().collect()
}

/// The passage [`passages`] chose.
pub(super) fn best_passage(d: &format::Display) -> &str {
    d.x.first().map_or("", String::as_str)
}

/// A shard as written: display words marked in `w`, and its first screens as rows whose
/// passage holds one of the shard's common words (those the first screens are for), the
/// record's best passage when it does, else its first passage that does.
pub(super) fn shard_file(s: format::Shard, records: &[Arc<Record>]) -> format::ShardFile {
    // A group key's words ([`format::group_key`]) are the words its first screen is for.
    let common: FxHashSet<&str> =
        s.w.iter()
            .filter(|&(k, &i)| format::is_group_key(k) || s.n.get(i as usize).is_some_and(|&n| n >= build::EMBED_MIN))
            .flat_map(|(k, _)| k.split(['|', ' ']))
            .collect();
    // Most passages are ASCII: one lower-casing and a substring test per common key rule
    // out most of them before splitting into words.
    let holds = |p: &str| {
        if p.is_ascii() {
            let lower = p.to_ascii_lowercase();
            if !common.iter().any(|k| lower.contains(k)) {
                return false;
            }
        }
        text::words(p).any(|w| common.contains(w.as_str()))
    };
    let ids: Vec<u32> = s.r.keys().copied().collect();
    let chosen: Vec<String> =
        s.r.values()
            .zip(&ids)
            .map(|(d, &id)| {
                let best = best_passage(d);
                if holds(best) {
                    return best.to_string();
                }
                records
                    .get(id as usize)
                    .into_iter()
                    .flat_map(|r| passage_texts(r))
                    .map(|p| text::cut(p, PASSAGE_BYTES))
                    .find(|p| holds(p))
                    .unwrap_or_else(|| best.to_string())
            })
            .collect();
    let rows = format::rows(s.r.values().zip(chosen.iter().map(String::as_str)));
    let w =
        s.w.into_iter()
            .map(|(k, i)| {
                let shown = s.d.get(i as usize).is_some_and(|d| *d == k);
                let i = i64::from(i);
                (k, if shown { -(i + 1) } else { i })
            })
            .collect();
    format::ShardFile {
        w,
        n: s.n,
        p: s.p,
        e: format::encode_ids(&ids),
        r: rows,
    }
}
