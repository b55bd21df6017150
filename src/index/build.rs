//! BM25F scoring at build time, and the word shards.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::format::{self, Shard};
use super::text::{self, Stemmer};
use super::{FIELDS, Record};

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
pub const MAX_POSTINGS: usize = 4000;
/// A shard is closed once its JSON passes this many bytes (one key's postings may make
/// one bigger: it then has a shard to itself).
pub const SHARD_BYTES: usize = 24_000;

/// One record's term frequencies per field, by written word, and its field lengths.
type Counted = (FxHashMap<String, [u16; FIELDS]>, [u32; FIELDS]);

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
    /// Record id -> its stems' ids, best first (for choosing the excerpt passages).
    pub top: Vec<Vec<u32>>,
}

/// Scores every record's words with BM25F.
pub fn score(records: &[Record], stemmer: &Stemmer) -> Scored {
    // Term frequencies per field of each written word, per record (in parallel).
    let counted: Vec<Counted> = records
        .par_iter()
        .map(|r| {
            let mut tf: FxHashMap<String, [u16; FIELDS]> = FxHashMap::default();
            let mut len = [0u32; FIELDS];
            for (f, texts) in r.fields.iter().enumerate() {
                for t in texts {
                    for w in text::words(t) {
                        len[f] += 1;
                        let e = tf.entry(w).or_default();
                        e[f] = e[f].saturating_add(1);
                    }
                }
            }
            (tf, len)
        })
        .collect();
    // Each distinct written word is stemmed once.
    let mut words: FxHashMap<String, u32> = FxHashMap::default();
    let mut stem_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut stems: Vec<String> = Vec::new();
    let mut surface_count: FxHashMap<String, u32> = FxHashMap::default();
    for (tf, _) in &counted {
        for (w, n) in tf {
            let total: u32 = n.iter().map(|&c| u32::from(c)).sum();
            *surface_count.entry(w.clone()).or_default() += total;
            if !words.contains_key(w) {
                let stem = stemmer.stem(w);
                let id = *stem_ids.entry(stem.clone()).or_insert_with(|| {
                    stems.push(stem);
                    u32::try_from(stems.len() - 1).unwrap_or(u32::MAX)
                });
                words.insert(w.clone(), id);
            }
        }
    }
    let mut display = vec![String::new(); stems.len()];
    let mut best = vec![0u32; stems.len()];
    for (w, &id) in &words {
        let n = surface_count.get(w).copied().unwrap_or(0);
        let i = id as usize;
        if n > best[i] || (n == best[i] && (display[i].is_empty() || w < &display[i])) {
            best[i] = n;
            display[i].clone_from(w);
        }
    }
    // Per record, per stem, per field.
    let per_record: Vec<Vec<(u32, [u16; FIELDS])>> = counted
        .par_iter()
        .map(|(tf, _)| {
            let mut by_stem: FxHashMap<u32, [u16; FIELDS]> = FxHashMap::default();
            for (w, n) in tf {
                if let Some(&id) = words.get(w) {
                    let e = by_stem.entry(id).or_default();
                    for f in 0..FIELDS {
                        e[f] = e[f].saturating_add(n[f]);
                    }
                }
            }
            by_stem.into_iter().collect()
        })
        .collect();
    let n = records.len().max(1) as f32;
    let mut df = vec![0u32; stems.len()];
    for r in &per_record {
        for (id, _) in r {
            df[*id as usize] += 1;
        }
    }
    let mut avg = [0f32; FIELDS];
    for (_, len) in &counted {
        for f in 0..FIELDS {
            avg[f] += len[f] as f32;
        }
    }
    for a in &mut avg {
        *a = (*a / n).max(1.0);
    }
    let raw: Vec<Vec<(u32, f32)>> = per_record
        .par_iter()
        .zip(&counted)
        .map(|(terms, (_, len))| {
            let mut s: Vec<(u32, f32)> = terms
                .iter()
                .map(|(id, tf)| {
                    let weighted: f32 = (0..FIELDS)
                        .map(|f| {
                            let norm = 1.0 - B[f] + B[f] * len[f] as f32 / avg[f];
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
        .collect();
    let max = raw.iter().flatten().map(|(_, s)| *s).fold(f32::MIN_POSITIVE, f32::max);
    let mut postings: Vec<Vec<(u32, u8)>> = vec![Vec::new(); stems.len()];
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
        }
    });
    let top = raw
        .into_iter()
        .map(|t| t.into_iter().map(|(id, _)| id).collect())
        .collect();
    Scored {
        stems,
        words,
        display,
        df,
        postings,
        top,
    }
}

/// The word shards: every written word and every stem is a key, keys sorted and cut into
/// shards of about [`SHARD_BYTES`]. Returns the shards' first keys and the shards.
pub fn shards(s: &Scored) -> (Vec<String>, Vec<Shard>) {
    let mut keys: Vec<(&str, u32)> = s.words.iter().map(|(w, &id)| (w.as_str(), id)).collect();
    for (id, stem) in s.stems.iter().enumerate() {
        if !s.words.contains_key(stem) {
            keys.push((stem.as_str(), u32::try_from(id).unwrap_or(u32::MAX)));
        }
    }
    keys.sort_unstable();
    let encoded: Vec<Vec<Vec<u32>>> = s.postings.par_iter().map(|p| format::encode_postings(p)).collect();
    // Size of a list in the JSON: its numbers' digits and separators.
    let size = |layers: &Vec<Vec<u32>>| -> usize {
        layers
            .iter()
            .map(|l| l.iter().map(|n| digits(*n) + 1).sum::<usize>() + 2)
            .sum::<usize>()
            + 2
    };
    let mut firsts = Vec::new();
    let mut out: Vec<Shard> = Vec::new();
    let mut local: FxHashMap<u32, u32> = FxHashMap::default();
    let mut bytes = 0;
    for (key, id) in keys {
        let new_list = !local.contains_key(&id);
        let cost = key.len()
            + 8
            + if new_list {
                size(&encoded[id as usize]) + s.display[id as usize].len() + 10
            } else {
                0
            };
        if out.is_empty() || (bytes + cost > SHARD_BYTES && bytes > 0) {
            out.push(Shard::default());
            firsts.push(key.to_string());
            local.clear();
            bytes = 0;
        }
        let Some(shard) = out.last_mut() else { continue };
        let at = *local.entry(id).or_insert_with(|| {
            shard.d.push(s.display[id as usize].clone());
            shard.n.push(s.df[id as usize]);
            shard.p.push(encoded[id as usize].clone());
            u32::try_from(shard.p.len() - 1).unwrap_or(u32::MAX)
        });
        shard.w.insert(key.to_string(), at);
        bytes += cost;
    }
    (firsts, out)
}

fn digits(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}
