//! BM25F scoring at build time, and the word shards.

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

/// One record's words, tokenized once: each distinct folded word with its term frequency
/// per field, the field lengths, and for each passage an excerpt may come from
/// ([`record::passage_texts`]) the indices of its words in `words`.
struct Counted {
    words: Vec<(String, [u16; FIELDS])>,
    len: [u32; FIELDS],
    passages: Vec<Vec<u32>>,
}

/// A record's words as stem ids (in [`Counted`]'s `words` order), and per stem id its
/// term frequency in each field, by stem id.
type Stemmed = (Vec<u32>, Vec<(u32, [u16; FIELDS])>);

/// Tokenizes a record once (one reused buffer; a String only per distinct word).
fn count(r: &Record) -> Counted {
    let mut local: FxHashMap<String, u32> = FxHashMap::default();
    let mut tf: Vec<[u16; FIELDS]> = Vec::new();
    let mut len = [0u32; FIELDS];
    let mut passages = Vec::new();
    let mut buf = String::new();
    for (f, texts) in r.fields.iter().enumerate() {
        for (i, t) in texts.iter().enumerate() {
            let passage = record::is_passage(r, f, i, t);
            let mut seen = Vec::new();
            for w in text::raw_words(t) {
                text::fold_into(w, &mut buf);
                if buf.is_empty() {
                    continue;
                }
                len[f] += 1;
                let id = match local.get(buf.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = u32::try_from(tf.len()).unwrap_or(u32::MAX);
                        local.insert(buf.clone(), id);
                        tf.push([0; FIELDS]);
                        id
                    }
                };
                if let Some(e) = tf.get_mut(id as usize) {
                    e[f] = e[f].saturating_add(1);
                }
                if passage {
                    seen.push(id);
                }
            }
            if passage {
                passages.push(seen);
            }
        }
    }
    let mut words: Vec<(String, [u16; FIELDS])> = tf.into_iter().map(|n| (String::new(), n)).collect();
    for (w, id) in local {
        if let Some(e) = words.get_mut(id as usize) {
            e.0 = w;
        }
    }
    Counted { words, len, passages }
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
}

/// A record's best-scored stems that choose its excerpt passages.
pub const BEST: usize = 8;

/// Scores every record's words with BM25F. Each text is tokenized once, in parallel
/// across records; words are interned (word -> stem id) so that the rest works on ids.
pub fn score(records: &[Record], stemmer: &Stemmer) -> Scored {
    let counted: Vec<Counted> = records.par_iter().map(count).collect();
    let Interned { words, stems, display } = intern(vocabulary(&counted), stemmer);
    let per_record = by_stem(&counted, &words);
    let df = document_frequency(&per_record, stems.len());
    let raw = bm25(&per_record, &counted, &df);
    let hits = passage_hits(&per_record, &counted, &raw);
    drop(per_record);
    drop(counted);
    let postings = postings(&raw, &df);
    let top = raw
        .into_par_iter()
        .map(|t| t.into_iter().map(|(id, _)| id).collect())
        .collect();
    Scored {
        stems,
        words,
        display,
        df,
        postings,
        top,
        hits,
    }
}

/// The site's distinct written words with each one's total frequency, merged across
/// threads, in word order.
fn vocabulary(counted: &[Counted]) -> Vec<(&str, u32)> {
    let vocabulary: FxHashMap<&str, u32> = counted
        .par_iter()
        .fold(FxHashMap::default, |mut m: FxHashMap<&str, u32>, c| {
            for (w, n) in &c.words {
                *m.entry(w.as_str()).or_default() += n.iter().map(|&c| u32::from(c)).sum::<u32>();
            }
            m
        })
        .reduce(FxHashMap::default, |mut a, mut b| {
            if a.len() < b.len() {
                std::mem::swap(&mut a, &mut b);
            }
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        });
    let mut distinct: Vec<(&str, u32)> = vocabulary.into_iter().collect();
    distinct.sort_unstable_by(|a, b| a.0.cmp(b.0));
    distinct
}

/// Written words mapped to stem ids: [`Scored`]'s `words`, `stems` and `display`.
struct Interned {
    words: FxHashMap<String, u32>,
    stems: Vec<String>,
    display: Vec<String>,
}

/// Stems each distinct written word once and gives each stem an id; a stem shows as its
/// most frequent written form (the first of equally frequent ones, words being in order).
fn intern(distinct: Vec<(&str, u32)>, stemmer: &Stemmer) -> Interned {
    let stemmed: Vec<String> = distinct.par_iter().map(|(w, _)| stemmer.stem(w)).collect();
    let mut words: FxHashMap<String, u32> = FxHashMap::default();
    words.reserve(distinct.len());
    let mut stem_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut stems: Vec<String> = Vec::new();
    let mut display: Vec<String> = Vec::new();
    let mut best: Vec<u32> = Vec::new();
    for ((w, n), stem) in distinct.iter().zip(stemmed) {
        let id = *stem_ids.entry(stem.clone()).or_insert_with(|| {
            stems.push(stem);
            display.push(String::new());
            best.push(0);
            u32::try_from(stems.len() - 1).unwrap_or(u32::MAX)
        });
        let i = id as usize;
        if *n > best[i] || display[i].is_empty() {
            best[i] = *n;
            display[i] = (*w).to_string();
        }
        words.insert((*w).to_string(), id);
    }
    Interned { words, stems, display }
}

/// Per record: its words' stem ids, and per stem the term frequency of each field.
fn by_stem(counted: &[Counted], words: &FxHashMap<String, u32>) -> Vec<Stemmed> {
    counted
        .par_iter()
        .map(|c| {
            let ids: Vec<u32> = c
                .words
                .iter()
                .map(|(w, _)| words.get(w).copied().unwrap_or(u32::MAX))
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
fn bm25(per_record: &[Stemmed], counted: &[Counted], df: &[u32]) -> Vec<Vec<(u32, f32)>> {
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
fn passage_hits(per_record: &[Stemmed], counted: &[Counted], raw: &[Vec<(u32, f32)>]) -> Vec<Vec<u32>> {
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
