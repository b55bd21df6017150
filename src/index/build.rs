//! BM25F scoring at build time, and the word shards.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::format::{self, Shard};
use super::record::{self, FIELDS, Record};
use super::text::{self, Stemmer};

/// Weight of each field ([`FIELDS`] order: title, headings, description, body).
pub const WEIGHTS: [f32; FIELDS] = [6.0, 3.0, 2.0, 1.0];
/// BM25 saturation.
const K1: f32 = 1.2;
/// BM25 length normalisation, per field.
const B: [f32; FIELDS] = [0.5, 0.6, 0.75, 0.75];
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
/// A shard is closed once its JSON passes this many bytes (one key's postings may make
/// one bigger: it then has a shard to itself).
pub const SHARD_BYTES: usize = 20_000;

/// One record's words, tokenized once: each distinct folded word (its id in a
/// [`Lexicon`]) with its term frequency per field, the field lengths, and for each passage
/// an excerpt may come from ([`record::passage_texts`]) the indices of its words in
/// `words`. It depends on the record's text alone, so `haven serve` keeps it in a [`Memo`]
/// and tokenizes again only the records that changed.
#[derive(Debug, Default)]
pub struct Counted {
    words: Vec<(u32, [u16; FIELDS])>,
    len: [u32; FIELDS],
    passages: Vec<Vec<u32>>,
}

/// A record's words as stem ids (in [`Counted`]'s `words` order), and per stem id its
/// term frequency in each field, by stem id.
type Stemmed = (Vec<u32>, Vec<(u32, [u16; FIELDS])>);

/// Every distinct folded word tokenizing has seen, with an id, and its stem, made once
/// per word (not once per record that has it).
#[derive(Debug, Default)]
pub struct Lexicon {
    ids: FxHashMap<Box<str>, u32>,
    words: Vec<Box<str>>,
    stems: Vec<Box<str>>,
    /// Every id, in word order (sorted again only when words were added).
    sorted: Vec<u32>,
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

    /// Brings [`Lexicon::sorted`] up to date.
    fn sort(&mut self) {
        if self.sorted.len() == self.words.len() {
            return;
        }
        let mut sorted: Vec<u32> = (0..u32::try_from(self.words.len()).unwrap_or(u32::MAX)).collect();
        let words = &self.words;
        sorted.par_sort_unstable_by(|&a, &b| words[a as usize].cmp(&words[b as usize]));
        self.sorted = sorted;
    }

    fn word(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("", |w| w)
    }

    fn stem(&self, id: u32) -> &str {
        self.stems.get(id as usize).map_or("", |w| w)
    }
}

/// What `haven serve` keeps from one index build to the next: the [`Lexicon`] and each
/// record's [`Counted`] words, by record, with the record they were counted from (found
/// again only for an equal record, so never stale). `haven build` keeps nothing.
#[derive(Debug, Default)]
pub struct Memo {
    /// Whether to keep records' words for the next build.
    remember: bool,
    /// Site language the lexicon's stems are for.
    language: String,
    lexicon: Lexicon,
    counted: FxHashMap<String, (Record, Arc<Counted>)>,
    /// Records the last build tokenized (not found in the memo).
    tokenized: usize,
    /// Markdown bodies read into passages, by source file.
    pub bodies: crate::memo::Memo<Arc<text::Body>>,
}

impl Memo {
    /// A memo that remembers (for `haven serve`).
    pub fn remembering() -> Self {
        Memo {
            remember: true,
            ..Memo::default()
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

/// Every record's [`Counted`] words, from `memo` when it has them for an equal record,
/// else tokenized (in parallel chunks, each with a local word list merged into the
/// memo's [`Lexicon`] after).
fn count_all(records: &[Record], stemmer: &Stemmer, memo: &mut Memo) -> Vec<Arc<Counted>> {
    let found: Vec<Option<Arc<Counted>>> = records
        .par_iter()
        .map(|r| {
            memo.counted
                .get(&r.display.u)
                .filter(|(kept, _)| kept == r)
                .map(|(_, c)| Arc::clone(c))
        })
        .collect();
    let missing: Vec<usize> = (0..records.len()).filter(|&i| found[i].is_none()).collect();
    memo.tokenized = missing.len();
    let size = COUNT_CHUNK.max(missing.len().div_ceil(4 * rayon::current_num_threads()));
    let chunks: Vec<(Vec<Box<str>>, Vec<Counted>)> = missing
        .par_chunks(size)
        .map(|ids| count_chunk(ids.iter().map(|&i| &records[i])))
        .collect();
    let mut counted = found;
    for ((local, chunk), ids) in chunks.into_iter().zip(missing.chunks(size)) {
        let global = memo.lexicon.add(local, stemmer);
        for (mut c, &i) in chunk.into_iter().zip(ids) {
            for (w, _) in &mut c.words {
                *w = global.get(*w as usize).copied().unwrap_or(u32::MAX);
            }
            let c = Arc::new(c);
            if memo.remember {
                memo.counted
                    .insert(records[i].display.u.clone(), (records[i].clone(), Arc::clone(&c)));
            }
            counted[i] = Some(c);
        }
    }
    memo.lexicon.sort();
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
    let mut local: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut list: Vec<Box<str>> = Vec::new();
    // Local id -> (record stamp, index in that record's words).
    let mut slot: Vec<(u32, u32)> = Vec::new();
    let mut out = Vec::new();
    let mut buf = String::new();
    for (stamp, r) in (1u32..).zip(records) {
        let mut words: Vec<(u32, [u16; FIELDS])> = Vec::new();
        let mut len = [0u32; FIELDS];
        let mut passages = Vec::new();
        for (f, texts) in r.fields.iter().enumerate() {
            for (i, t) in texts.iter().enumerate() {
                let passage = record::is_passage(r, f, i, t);
                let mut seen = Vec::new();
                text::each_folded_word(t, &mut buf, |w| {
                    len[f] += 1;
                    let lid = match local.get(w) {
                        Some(&id) => id,
                        None => {
                            let id = u32::try_from(list.len()).unwrap_or(u32::MAX);
                            local.insert(w.into(), id);
                            list.push(w.into());
                            slot.push((0, 0));
                            id
                        }
                    };
                    let Some(s) = slot.get_mut(lid as usize) else { return };
                    if s.0 != stamp {
                        *s = (stamp, u32::try_from(words.len()).unwrap_or(u32::MAX));
                        words.push((lid, [0; FIELDS]));
                    }
                    let at = s.1;
                    if let Some(e) = words.get_mut(at as usize) {
                        e.1[f] = e.1[f].saturating_add(1);
                    }
                    if passage {
                        seen.push(at);
                    }
                });
                if passage {
                    passages.push(seen);
                }
            }
        }
        out.push(Counted { words, len, passages });
    }
    (list, out)
}

/// What scoring found.
pub struct Scored {
    /// Stems, by stem id.
    pub stems: Vec<String>,
    /// Folded word as written -> stem id.
    pub words: FxHashMap<String, u32>,
    /// Stem id -> the written form to show.
    pub display: Vec<String>,
    /// Stem id -> records that have it.
    pub df: Vec<u32>,
    /// Stem id -> (record id, quantized score), at most [`MAX_POSTINGS`], best first.
    pub postings: Vec<Vec<(u32, u8)>>,
    /// Record id -> its stems' ids, best first.
    pub top: Vec<Vec<u32>>,
    /// Record id -> for each of its passages ([`record::passage_texts`]), how many of its
    /// words are among the record's [`BEST`] stems (for choosing the excerpt passages).
    pub hits: Vec<Vec<u32>>,
    /// Time of each step of scoring, for `haven build --timings`.
    pub steps: Vec<(&'static str, std::time::Duration)>,
}

/// A record's best-scored stems that choose its excerpt passages.
pub const BEST: usize = 8;

/// Scores every record's words with BM25F. Each text is tokenized once, in parallel
/// across records; words are interned (word -> stem id) so that the rest works on ids.
pub fn score(records: &[Record], stemmer: &Stemmer) -> Scored {
    score_with(records, stemmer, &mut Memo::default())
}

/// [`score`], reusing the words `memo` kept of unchanged records (`haven serve`): the
/// result is the same as [`score`]'s, only faster.
pub fn score_with(records: &[Record], stemmer: &Stemmer, memo: &mut Memo) -> Scored {
    if memo.language != stemmer.language() {
        let remember = memo.remember;
        let bodies = std::mem::take(&mut memo.bodies);
        *memo = Memo {
            remember,
            language: stemmer.language().to_string(),
            bodies,
            ..Memo::default()
        };
    }
    let mut steps = Vec::new();
    let mut t = std::time::Instant::now();
    let mut lap = |step| {
        steps.push((step, t.elapsed()));
        t = std::time::Instant::now();
    };
    let counted = count_all(records, stemmer, memo);
    lap("index: score: count");
    let lexicon = &memo.lexicon;
    let voc = vocabulary(&counted, lexicon);
    let Interned {
        words,
        stems,
        display,
        of_word,
    } = intern(&voc, lexicon);
    lap("index: score: intern");
    let per_record = by_stem(&counted, &of_word);
    let df = document_frequency(&per_record, stems.len());
    lap("index: score: by stem");
    let raw = bm25(&per_record, &counted, &df);
    lap("index: score: bm25");
    let hits = passage_hits(&per_record, &counted, &raw);
    drop(per_record);
    drop(counted);
    lap("index: score: hits");
    let postings = postings(&raw, &df);
    let top = raw
        .into_par_iter()
        .map(|t| t.into_iter().map(|(id, _)| id).collect())
        .collect();
    lap("index: score: postings");
    Scored {
        steps,
        stems,
        words,
        display,
        df,
        postings,
        top,
        hits,
    }
}

/// The site's distinct written words (lexicon ids) with each one's total frequency, in
/// word order.
fn vocabulary(counted: &[Arc<Counted>], lexicon: &Lexicon) -> Vec<(u32, u32)> {
    let n = lexicon.words.len();
    let totals: Vec<u32> = counted
        .par_iter()
        .fold(
            || vec![0u32; n],
            |mut m, c| {
                for (w, f) in &c.words {
                    if let Some(t) = m.get_mut(*w as usize) {
                        *t += f.iter().map(|&c| u32::from(c)).sum::<u32>();
                    }
                }
                m
            },
        )
        .reduce(
            || vec![0u32; n],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        );
    lexicon
        .sorted
        .iter()
        .filter_map(|&id| totals.get(id as usize).filter(|&&n| n > 0).map(|&n| (id, n)))
        .collect()
}

/// Written words mapped to stem ids: [`Scored`]'s `words`, `stems` and `display`, and
/// the stem id of each lexicon id (`u32::MAX` for a word no record has).
struct Interned {
    words: FxHashMap<String, u32>,
    stems: Vec<String>,
    display: Vec<String>,
    of_word: Vec<u32>,
}

/// Gives each stem an id, in word order; a stem shows as its most frequent written form
/// (the first of equally frequent ones, words being in order).
fn intern(distinct: &[(u32, u32)], lexicon: &Lexicon) -> Interned {
    let mut words: FxHashMap<String, u32> = FxHashMap::default();
    words.reserve(distinct.len());
    let mut stem_ids: FxHashMap<&str, u32> = FxHashMap::default();
    let mut stems: Vec<String> = Vec::new();
    let mut display: Vec<String> = Vec::new();
    let mut best: Vec<u32> = Vec::new();
    let mut of_word = vec![u32::MAX; lexicon.words.len()];
    for &(w, n) in distinct {
        let stem = lexicon.stem(w);
        let id = *stem_ids.entry(stem).or_insert_with(|| {
            stems.push(stem.to_string());
            display.push(String::new());
            best.push(0);
            u32::try_from(stems.len() - 1).unwrap_or(u32::MAX)
        });
        let i = id as usize;
        let written = lexicon.word(w);
        if n > best[i] || display[i].is_empty() {
            best[i] = n;
            display[i] = written.to_string();
        }
        words.insert(written.to_string(), id);
        if let Some(o) = of_word.get_mut(w as usize) {
            *o = id;
        }
    }
    Interned {
        words,
        stems,
        display,
        of_word,
    }
}

/// Per record: its words' stem ids, and per stem the term frequency of each field.
fn by_stem(counted: &[Arc<Counted>], of_word: &[u32]) -> Vec<Stemmed> {
    counted
        .par_iter()
        .map(|c| {
            let ids: Vec<u32> = c
                .words
                .iter()
                .map(|(w, _)| of_word.get(*w as usize).copied().unwrap_or(u32::MAX))
                .collect();
            let mut by_stem: Vec<(u32, [u16; FIELDS])> =
                ids.iter().copied().zip(c.words.iter().map(|(_, n)| *n)).collect();
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
            (ids, by_stem)
        })
        .collect()
}

/// Per stem id, the number of records that have it.
fn document_frequency(per_record: &[Stemmed], stems: usize) -> Vec<u32> {
    let mut df = vec![0u32; stems];
    for (_, r) in per_record {
        for (id, _) in r {
            if let Some(d) = df.get_mut(*id as usize) {
                *d += 1;
            }
        }
    }
    df
}

/// Each record's stems with their BM25F scores, best first.
fn bm25(per_record: &[Stemmed], counted: &[Arc<Counted>], df: &[u32]) -> Vec<Vec<(u32, f32)>> {
    let n = per_record.len().max(1) as f32;
    let mut avg = [0f32; FIELDS];
    for c in counted {
        for (a, l) in avg.iter_mut().zip(c.len) {
            *a += l as f32;
        }
    }
    for a in &mut avg {
        *a = (*a / n).max(1.0);
    }
    per_record
        .par_iter()
        .zip(counted)
        .map(|((_, terms), c)| {
            let mut s: Vec<(u32, f32)> = terms
                .iter()
                .filter(|(id, _)| (*id as usize) < df.len())
                .map(|(id, tf)| {
                    let weighted: f32 = (0..FIELDS)
                        .map(|f| {
                            let norm = 1.0 - B[f] + B[f] * c.len[f] as f32 / avg[f];
                            WEIGHTS[f] * f32::from(tf[f]) / norm
                        })
                        .sum();
                    let d = df[*id as usize] as f32;
                    let idf = (1.0 + (n - d + 0.5) / (d + 0.5)).ln();
                    (*id, idf * weighted * (K1 + 1.0) / (K1 + weighted))
                })
                .collect();
            s.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            s
        })
        .collect()
}

/// Passage hits: per record, for each passage, how many of its words are among the
/// record's [`BEST`] stems.
fn passage_hits(per_record: &[Stemmed], counted: &[Arc<Counted>], raw: &[Vec<(u32, f32)>]) -> Vec<Vec<u32>> {
    per_record
        .par_iter()
        .zip(counted)
        .zip(raw)
        .map(|(((ids, _), c), scored)| {
            let best: Vec<u32> = scored.iter().take(BEST).map(|(id, _)| *id).collect();
            let good: Vec<bool> = ids.iter().map(|id| best.contains(id)).collect();
            c.passages
                .iter()
                .map(|p| {
                    let n = p
                        .iter()
                        .filter(|&&w| good.get(w as usize).copied().unwrap_or(false))
                        .count();
                    u32::try_from(n).unwrap_or(u32::MAX)
                })
                .collect()
        })
        .collect()
}

/// Per stem id, its postings (record id, score quantized to 1..=[`LEVELS`] of the site's
/// best score), in record order; a list longer than [`MAX_POSTINGS`] keeps its best.
fn postings(raw: &[Vec<(u32, f32)>], df: &[u32]) -> Vec<Vec<(u32, u8)>> {
    let max = raw.iter().flatten().map(|(_, s)| *s).fold(f32::MIN_POSITIVE, f32::max);
    let mut postings: Vec<Vec<(u32, u8)>> = df.iter().map(|&d| Vec::with_capacity(d as usize)).collect();
    for (rid, terms) in raw.iter().enumerate() {
        let rid = u32::try_from(rid).unwrap_or(u32::MAX);
        for (id, s) in terms {
            let q = (s / max * LEVELS).round().clamp(1.0, LEVELS) as u8;
            postings[*id as usize].push((rid, q));
        }
    }
    postings.par_iter_mut().for_each(|p| {
        if p.len() > MAX_POSTINGS {
            p.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            p.truncate(MAX_POSTINGS);
            p.shrink_to_fit();
        }
    });
    postings
}

/// The word shards: every written word and every stem is a key, keys sorted and cut into
/// shards of about [`SHARD_BYTES`]. Returns the shards' boundaries and the shards: the
/// boundary of a shard is the shortest prefix of its first key that sorts after the last
/// key of the shard before (so the manifest stays small).
pub fn shards(s: &Scored, records: &[Record]) -> (Vec<String>, Vec<Shard>) {
    let keys = keys(s);
    let encoded: Vec<Vec<Vec<u32>>> = s.postings.par_iter().map(|p| format::encode_postings(p)).collect();
    let embedded: Vec<Vec<u32>> = s
        .postings
        .par_iter()
        .zip(&s.df)
        .map(|(p, &df)| {
            if df >= EMBED_MIN {
                first_screen(p, records)
            } else {
                Vec::new()
            }
        })
        .collect();
    let mut firsts: Vec<String> = Vec::new();
    let mut out: Vec<Shard> = Vec::new();
    let mut local: FxHashMap<u32, u32> = FxHashMap::default();
    let mut bytes = 0;
    let mut previous = "";
    for (key, id) in keys {
        let list = id as usize;
        let new_list = !local.contains_key(&id);
        let cost = key.len()
            + 8
            + if new_list {
                list_size(&encoded[list])
                    + s.display[list].len()
                    + 10
                    + embedded[list].iter().map(|&r| shown_size(records, r)).sum::<usize>()
            } else {
                0
            };
        if out.is_empty() || (bytes + cost > SHARD_BYTES && bytes > 0) {
            out.push(Shard::default());
            firsts.push(boundary(previous, key).to_string());
            local.clear();
            bytes = 0;
        }
        previous = key;
        let Some(shard) = out.last_mut() else { continue };
        let at = *local.entry(id).or_insert_with(|| {
            shard.d.push(s.display[list].clone());
            shard.n.push(s.df[list]);
            shard.p.push(format::pack(&encoded[list]));
            for &r in &embedded[list] {
                if let Some(rec) = records.get(r as usize) {
                    shard.r.entry(r).or_insert_with(|| rec.display.clone());
                }
            }
            u32::try_from(shard.p.len() - 1).unwrap_or(u32::MAX)
        });
        shard.w.insert(key.to_string(), at);
        bytes += cost;
    }
    (firsts, out)
}

/// Every key of the index, sorted: each written word and each stem that is not also a
/// written word, with its stem id.
fn keys(s: &Scored) -> Vec<(&str, u32)> {
    let mut keys: Vec<(&str, u32)> = s.words.iter().map(|(w, &id)| (w.as_str(), id)).collect();
    for (id, stem) in s.stems.iter().enumerate() {
        if !s.words.contains_key(stem) {
            keys.push((stem.as_str(), u32::try_from(id).unwrap_or(u32::MAX)));
        }
    }
    keys.sort_unstable();
    keys
}

/// Size of a list in the JSON: its numbers' digits and separators.
fn list_size(layers: &[Vec<u32>]) -> usize {
    layers
        .iter()
        .map(|l| l.iter().map(|n| digits(*n) + 1).sum::<usize>() + 2)
        .sum::<usize>()
        + 2
}

/// Size of record `id`'s display data in a shard's first screens.
fn shown_size(records: &[Record], id: u32) -> usize {
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
fn first_screen(postings: &[(u32, u8)], records: &[Record]) -> Vec<u32> {
    let mut ranked = postings.to_vec();
    ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let paid = |id: u32| records.get(id as usize).is_some_and(|r| r.display.s == 1);
    let unpaid = ranked.iter().filter(|(id, _)| !paid(*id)).take(EMBED_FIRST);
    let sponsored = ranked.iter().filter(|(id, _)| paid(*id)).take(EMBED_SPONSORED);
    unpaid.chain(sponsored).map(|(id, _)| *id).collect()
}

fn digits(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}
