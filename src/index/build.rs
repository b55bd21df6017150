//! BM25F scoring at build time, and the word shards.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::record::{self, FIELDS, Record};
use super::text::{self, Stemmer};

/// Weight of each field ([`FIELDS`] order: title, headings, description, body).
pub const WEIGHTS: [f32; FIELDS] = [6.0, 3.0, 2.0, 1.0];
/// BM25 saturation.
pub(super) const K1: f32 = 1.2;
/// BM25 length normalisation, per field.
pub(super) const B: [f32; FIELDS] = [0.5, 0.6, 0.75, 0.75];
/// Highest quantized score.
pub const LEVELS: f32 = 63.0;
/// Most records one posting list holds: the best-scored ones. The shard still tells how
/// many records have the word.
pub const MAX_POSTINGS: usize = 1000;
/// A list of at least this many records carries, in its shard, the display data of its
/// best [`EMBED_FIRST`] unpaid and [`EMBED_SPONSORED`] sponsored records, so a one-word
/// search of a common word needs no record file (docs/search.md, "Cost for a reader").
pub const EMBED_MIN: u32 = 300;
/// Unpaid records embedded per list: the first screen of results (search.js `FIRST_SIZE`).
pub const EMBED_FIRST: usize = 5;
/// Sponsored records embedded per list (search.js `SPONSORED_SIZE`).
pub const EMBED_SPONSORED: usize = 2;

/// One record's words, tokenized once: each distinct folded word (its id in a
/// [`Lexicon`]) with its term frequency per field, the field lengths, and for each passage
/// an excerpt may come from ([`record::passage_texts`]) the indices of its words in
/// `words` (one flat list and where each passage ends in it: a list per passage cost a
/// header and an allocation each, for passages of a few words). It depends on the record's
/// text alone, so `haven serve` keeps it in a [`Tokens`] and tokenizes again only the
/// records that changed.
#[derive(Debug, Default)]
pub struct Counted {
    pub(super) words: Vec<(u32, [u16; FIELDS])>,
    pub(super) len: [u32; FIELDS],
    pub(super) passage_words: Indices,
    /// End of each passage in `passage_words`.
    pub(super) passage_ends: Vec<u32>,
}

/// Indices in a record's `words`: two bytes each when it has at most 65,536 distinct
/// words (every record of L), four otherwise. At L the passages' words are 16 million
/// indices, kept for every record until it is scored: 32 MB less at the peak.
#[derive(Debug)]
pub(super) enum Indices {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for Indices {
    fn default() -> Self {
        Indices::Narrow(Vec::new())
    }
}

impl Indices {
    /// `indices` of a record with `words` distinct words, in the narrowest form.
    pub(super) fn of(indices: Vec<u32>, words: usize) -> Self {
        if words <= 1 << 16 {
            Indices::Narrow(indices.into_iter().map(|i| i as u16).collect())
        } else {
            let mut indices = indices;
            indices.shrink_to_fit();
            Indices::Wide(indices)
        }
    }

    /// How many of the indices in `range` `good` holds true for.
    pub(super) fn count(&self, range: std::ops::Range<usize>, good: &[bool]) -> usize {
        let good = |w: usize| good.get(w).copied().unwrap_or(false);
        match self {
            Indices::Narrow(v) => v
                .get(range)
                .unwrap_or(&[])
                .iter()
                .filter(|&&w| good(usize::from(w)))
                .count(),
            Indices::Wide(v) => v
                .get(range)
                .unwrap_or(&[])
                .iter()
                .filter(|&&w| good(w as usize))
                .count(),
        }
    }
}

impl Counted {
    /// For each passage, how many of its words `good` (by index in `words`) holds true for.
    pub(super) fn hits(&self, good: &[bool]) -> Vec<u32> {
        let starts = std::iter::once(0).chain(self.passage_ends.iter().copied());
        starts
            .zip(self.passage_ends.iter().copied())
            .map(|(a, b)| {
                let n = self.passage_words.count(a as usize..b as usize, good);
                u32::try_from(n).unwrap_or(u32::MAX)
            })
            .collect()
    }
}

/// Every distinct folded word tokenizing has seen, with an id, and its stem, made once
/// per word (not once per record that has it).
#[derive(Debug, Default)]
pub struct Lexicon {
    ids: FxHashMap<Box<str>, u32>,
    words: Vec<Box<str>>,
    stems: Vec<Box<str>>,
}

impl Lexicon {
    /// The ids of `words` (a chunk's own words, in its local id order), adding the new
    /// ones and stemming them.
    fn add(&mut self, words: Vec<Box<str>>, stemmer: &Stemmer) -> Vec<u32> {
        let mut new: Vec<usize> = Vec::new();
        let ids = words
            .iter()
            .enumerate()
            .map(|(i, w)| match self.ids.get(w) {
                Some(&id) => id,
                None => {
                    new.push(i);
                    u32::MAX
                }
            })
            .collect::<Vec<u32>>();
        let stems: Vec<String> = new.par_iter().map(|&i| stemmer.stem(&words[i])).collect();
        let mut ids = ids;
        let mut words = words;
        for (i, stem) in new.into_iter().zip(stems) {
            let w = std::mem::take(&mut words[i]);
            // A word may come twice in `new` only if `words` repeats it, which a chunk's
            // word list never does; look again to be sure.
            let id = match self.ids.get(&w) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
                    self.ids.insert(w.clone(), id);
                    self.words.push(w);
                    self.stems.push(stem.into_boxed_str());
                    id
                }
            };
            ids[i] = id;
        }
        ids
    }

    pub(super) fn word(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("", |w| w)
    }

    /// Number of words.
    pub(super) fn len(&self) -> usize {
        self.words.len()
    }

    /// The id of a word.
    pub(super) fn id(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }

    pub(super) fn stem(&self, id: u32) -> &str {
        self.stems.get(id as usize).map_or("", |w| w)
    }
}

/// What `haven serve` keeps from one index build to the next: the [`Lexicon`] and each
/// record's [`Counted`] words, by record, with the record they were counted from (found
/// again only for an equal record, so never stale). `haven build` keeps nothing.
#[derive(Debug, Default)]
pub struct Tokens {
    /// Whether to keep records' words for the next build.
    remember: bool,
    /// Site language the lexicon's stems are for.
    language: String,
    pub(super) lexicon: Lexicon,
    counted: FxHashMap<String, (Arc<Record>, Arc<Counted>)>,
    /// Records the last build tokenized (not found in the memo).
    tokenized: usize,
}

impl Tokens {
    /// A memo that remembers (for `haven serve`).
    pub fn remembering() -> Self {
        Tokens {
            remember: true,
            ..Tokens::default()
        }
    }

    /// Whether this memo keeps what it learns.
    pub fn remembers(&self) -> bool {
        self.remember
    }

    /// How many records the last build tokenized (the others' words came from the memo).
    pub fn tokenized(&self) -> usize {
        self.tokenized
    }
}

/// Fewest records tokenized per chunk (each chunk on one thread, with its own word list;
/// a build makes about four chunks per thread, so merging the chunks' word lists into the
/// lexicon stays a small part of the work).
const COUNT_CHUNK: usize = 64;

/// `ids` (records to tokenize, in order) cut into runs of about the same amount of text,
/// about four per thread, each of at least [`COUNT_CHUNK`] records. Cut by the number of
/// records, the article runs of a site with many short facility records took several times
/// as long as the others: at L one thread tokenized alone for the last 0.4 s of the step.
fn chunks(records: &[Arc<Record>], ids: &[usize]) -> Vec<std::ops::Range<usize>> {
    let weights: Vec<usize> = ids
        .iter()
        .map(|&i| {
            records[i]
                .fields
                .iter()
                .flat_map(|f| f.iter())
                .map(|t| t.len() + 1)
                .sum()
        })
        .collect();
    let total: usize = weights.iter().sum();
    let target = total.div_ceil(4 * rayon::current_num_threads()).max(1);
    let mut out = Vec::new();
    let (mut start, mut sum) = (0, 0);
    for (at, &weight) in weights.iter().enumerate() {
        sum += weight;
        if sum >= target && at + 1 - start >= COUNT_CHUNK {
            out.push(start..at + 1);
            (start, sum) = (at + 1, 0);
        }
    }
    if start < ids.len() {
        out.push(start..ids.len());
    }
    out
}

/// Every record's [`Counted`] words, from `memo` when it has them for an equal record,
/// else tokenized (in parallel chunks, each with a local word list merged into the
/// memo's [`Lexicon`] after).
fn count_all(records: &[Arc<Record>], stemmer: &Stemmer, memo: &mut Tokens) -> Vec<Arc<Counted>> {
    // The same record (`haven serve` keeps unchanged records, shared) is found by its
    // pointer; another one only when equal in everything.
    let found: Vec<Option<Arc<Counted>>> = records
        .par_iter()
        .map(|r| {
            memo.counted
                .get(&r.display.u)
                .filter(|(kept, _)| Arc::ptr_eq(kept, r) || kept == r)
                .map(|(_, c)| Arc::clone(c))
        })
        .collect();
    let missing: Vec<usize> = (0..records.len()).filter(|&i| found[i].is_none()).collect();
    memo.tokenized = missing.len();
    let runs = chunks(records, &missing);
    let made: Vec<(Vec<Box<str>>, Vec<Counted>)> = runs
        .par_iter()
        .map(|run| count_chunk(missing[run.clone()].iter().map(|&i| records[i].as_ref())))
        .collect();
    let mut counted = found;
    for ((local, chunk), run) in made.into_iter().zip(runs) {
        let ids = &missing[run];
        let global = memo.lexicon.add(local, stemmer);
        for (mut c, &i) in chunk.into_iter().zip(ids) {
            for (w, _) in &mut c.words {
                *w = global.get(*w as usize).copied().unwrap_or(u32::MAX);
            }
            let c = Arc::new(c);
            if memo.remember {
                memo.counted
                    .insert(records[i].display.u.clone(), (Arc::clone(&records[i]), Arc::clone(&c)));
            }
            counted[i] = Some(c);
        }
    }
    if memo.remember && memo.counted.len() > records.len() {
        let live: rustc_hash::FxHashSet<&str> = records.iter().map(|r| r.display.u.as_str()).collect();
        memo.counted.retain(|u, _| live.contains(u.as_str()));
    }
    counted
        .into_iter()
        .map(|c| c.unwrap_or_else(|| Arc::new(Counted::default())))
        .collect()
}

/// Tokenizes a chunk of records with one local word list: returns the list (by local
/// id) and each record's words as local ids. One hash lookup per word, a String only per
/// distinct word of the chunk.
fn count_chunk<'a>(records: impl Iterator<Item = &'a Record>) -> (Vec<Box<str>>, Vec<Counted>) {
    // Words of up to 15 bytes (nearly all) are looked up by their bytes as one number, the
    // others by their text: comparing a key then reads no second allocation (the string
    // compares were a third of tokenizing in perf at L). Each word's entry holds its local
    // id and where it is in the current record's words (by the record's stamp), so a word
    // seen again costs one probe of the table: a second table by local id missed the cache
    // once more per word (18% of tokenizing at L).
    let mut inline: FxHashMap<u128, Slot> = FxHashMap::default();
    let mut local: FxHashMap<Box<str>, Slot> = FxHashMap::default();
    let mut list: Vec<Box<str>> = Vec::new();
    let mut out = Vec::new();
    let mut buf = String::new();
    for (stamp, r) in (1u32..).zip(records) {
        let mut words: Vec<(u32, [u16; FIELDS])> = Vec::new();
        let mut len = [0u32; FIELDS];
        let mut passage_words: Vec<u32> = Vec::new();
        let mut passage_ends: Vec<u32> = Vec::new();
        for (f, texts) in r.fields.iter().enumerate() {
            for (i, t) in texts.iter().enumerate() {
                let passage = record::is_passage(r, f, i, t);
                text::each_folded_word(t, &mut buf, |w| {
                    len[f] += 1;
                    let fresh = |list: &mut Vec<Box<str>>| {
                        let lid = u32::try_from(list.len()).unwrap_or(u32::MAX);
                        list.push(w.into());
                        Slot { lid, stamp: 0, at: 0 }
                    };
                    let s = match short_key(w) {
                        Some(k) => inline.entry(k).or_insert_with(|| fresh(&mut list)),
                        None => {
                            if !local.contains_key(w) {
                                let s = fresh(&mut list);
                                local.insert(w.into(), s);
                            }
                            let Some(s) = local.get_mut(w) else { return };
                            s
                        }
                    };
                    if s.stamp != stamp {
                        s.stamp = stamp;
                        s.at = u32::try_from(words.len()).unwrap_or(u32::MAX);
                        words.push((s.lid, [0; FIELDS]));
                    }
                    let at = s.at;
                    if let Some(e) = words.get_mut(at as usize) {
                        e.1[f] = e.1[f].saturating_add(1);
                    }
                    if passage {
                        passage_words.push(at);
                    }
                });
                if passage {
                    passage_ends.push(u32::try_from(passage_words.len()).unwrap_or(u32::MAX));
                }
            }
        }
        // Kept until scoring for every record: without the room pushing left (up to half
        // of each list), the counted words of L took 60 MB more at the peak.
        words.shrink_to_fit();
        passage_ends.shrink_to_fit();
        out.push(Counted {
            len,
            passage_words: Indices::of(passage_words, words.len()),
            words,
            passage_ends,
        });
    }
    (list, out)
}

/// A word's entry in [`count_chunk`]'s tables: its local id, and the stamp of the last
/// record it was seen in with its index in that record's words.
struct Slot {
    lid: u32,
    stamp: u32,
    at: u32,
}

/// A word of up to 15 bytes as one number: its bytes, then zeros, its length last (so
/// two words have the same number only if they are the same).
///
/// Read as at most two overlapping words of 8 or 4 bytes, not copied byte by byte: the
/// copy of a variable length was a sixth of tokenizing at L.
fn short_key(word: &str) -> Option<u128> {
    let b = word.as_bytes();
    let n = b.len();
    let le8 = |at: usize| {
        b.get(at..at + 8)
            .and_then(|s| s.try_into().ok())
            .map_or(0, u64::from_le_bytes)
    };
    let le4 = |at: usize| {
        b.get(at..at + 4)
            .and_then(|s| s.try_into().ok())
            .map_or(0, u32::from_le_bytes)
    };
    // The word's bytes as a little-endian number, byte `i` at bits `8 i`: the two reads
    // overlap, and hold the same bytes where they do.
    let bytes: u128 = match n {
        0 => 0,
        1..=3 => b.iter().rev().fold(0u128, |k, &x| (k << 8) | u128::from(x)),
        4..=7 => u128::from(le4(0)) | (u128::from(le4(n - 4)) << (8 * (n - 4))),
        8..=15 => u128::from(le8(0)) | (u128::from(le8(n - 8)) << (8 * (n - 8))),
        _ => return None,
    };
    Some(bytes | (n as u128) << 120)
}

/// A record's best-scored stems that choose its excerpt passage.
pub const BEST: usize = 8;

/// Every record's [`Counted`] words (from `memo` for records it has seen), the memo made
/// new first when it was for another language.
pub fn count(records: &[Arc<Record>], stemmer: &Stemmer, memo: &mut Tokens) -> Vec<Arc<Counted>> {
    if memo.language != stemmer.language() {
        let remember = memo.remember;
        *memo = Tokens {
            remember,
            language: stemmer.language().to_string(),
            ..Tokens::default()
        };
    }
    count_all(records, stemmer, memo)
}

/// Size of record `id`'s display data in a shard's first screens.
pub(super) fn shown_size(records: &[Arc<Record>], id: u32) -> usize {
    records.get(id as usize).map_or(0, |r| {
        let d = &r.display;
        40 + d.u.len()
            + d.t.len()
            + d.k.len()
            + d.pl.len()
            + d.ph.len()
            + d.tel.len()
            + d.x.iter().map(|x| x.len() + 3).sum::<usize>()
    })
}

/// The shortest prefix of `key` (at a character boundary) that sorts after `previous`
/// (`previous < key`); the whole key for the first shard.
pub fn boundary<'a>(previous: &str, key: &'a str) -> &'a str {
    if previous.is_empty() {
        return key;
    }
    key.char_indices()
        .map(|(i, c)| &key[..i + c.len_utf8()])
        .find(|p| *p > previous)
        .unwrap_or(key)
}

/// The records a list's first screen shows, as search.js ranks a one-word search: by
/// score, then id; the best [`EMBED_FIRST`] unpaid ones and [`EMBED_SPONSORED`] sponsored.
pub(super) fn first_screen(postings: &[(u32, u8)], records: &[Arc<Record>]) -> Vec<u32> {
    let mut ranked = postings.to_vec();
    ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let paid = |id: u32| records.get(id as usize).is_some_and(|r| r.display.s == 1);
    let unpaid = ranked.iter().filter(|(id, _)| !paid(*id)).take(EMBED_FIRST);
    let sponsored = ranked.iter().filter(|(id, _)| paid(*id)).take(EMBED_SPONSORED);
    unpaid.chain(sponsored).map(|(id, _)| *id).collect()
}

#[cfg(test)]
mod tests {
    use super::short_key;

    /// The key as its doc says: the bytes in order, then zeros, the length last.
    fn spelled_out(word: &str) -> Option<u128> {
        let b = word.as_bytes();
        if b.len() > 15 {
            return None;
        }
        let mut key = [0u8; 16];
        key[..b.len()].copy_from_slice(b);
        key[15] = b.len() as u8;
        Some(u128::from_le_bytes(key))
    }

    #[test]
    fn short_keys_hold_every_byte_and_the_length() {
        let text = "abcdefghijklmnopq\u{e9}\u{f1}";
        for end in 0..=text.len() {
            let Some(w) = text.get(..end) else { continue };
            assert_eq!(short_key(w), spelled_out(w), "{w:?}");
        }
        assert_ne!(short_key("ab"), short_key("ab\0"));
        assert_eq!(short_key("sixteen-letters!"), None);
    }
}
