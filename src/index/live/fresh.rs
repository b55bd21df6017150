//! [`Live::update`] applied to an empty state, in bulk: what `haven build` does, and
//! `haven serve` when a record was added or removed. The state it makes is the one the
//! record-by-record path makes (so serve's next edit updates it the same way, and the files
//! are the same byte for byte), without that path's bookkeeping: posting lists are filled
//! in one pass by record id (their lengths, the stems' document frequencies, known first),
//! not by a binary search and an insert per posting; each stem's idf and each record's
//! field norms are computed once, not once per record and stem; a record's best-scored
//! stems are selected, not sorted, with stems compared by a precomputed rank, not by their
//! text (docs/search.md, "The index stage").

use std::sync::Arc;

use rayon::prelude::*;

use super::super::build::{self, Counted, Lexicon};
use super::super::record::{FIELDS, Record};
use super::{AVG_STEP, Live, Passage, Scores, Tf, avg_step, idf, of_step, step};

/// Fewest records counted into one list of document frequencies (each list is one entry
/// per stem: a few MB at L, so there are few of them).
const DF_CHUNK: usize = 2048;

/// A record's words merged into its stems without a sort: by stem id, the stamp of the
/// last record merged that had it, and its place in that record's stems. The sort by stem
/// id ([`Live::stemmed`]), done twice for every record, was a third of scoring at L.
struct Merge {
    seen: Vec<(u32, u32)>,
    stamp: u32,
}

impl Merge {
    fn new(stems: usize) -> Self {
        Merge {
            seen: vec![(0, 0); stems],
            stamp: 0,
        }
    }

    /// Into `out`, record `c`'s stems with their term frequency per field: what
    /// [`Live::stemmed`] gives, in the order of each stem's first word.
    fn stems(&mut self, live: &Live, c: &Counted, out: &mut Vec<Tf>) {
        out.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.fill((0, 0));
            self.stamp = 1;
        }
        for (w, n) in &c.words {
            let Some(&s) = live.stem_of_word.get(*w as usize) else {
                continue;
            };
            let Some(e) = self.seen.get_mut(s as usize) else {
                continue;
            };
            if e.0 == self.stamp {
                if let Some(t) = out.get_mut(e.1 as usize) {
                    for (a, b) in t.1.iter_mut().zip(n) {
                        *a = a.saturating_add(*b);
                    }
                }
            } else {
                *e = (self.stamp, u32::try_from(out.len()).unwrap_or(u32::MAX));
                out.push((s, *n));
            }
        }
    }
}

/// Scoring inputs shared by every record of one build.
struct Scale {
    /// Each field's average length (its step's value).
    avg: [f32; FIELDS],
    /// Stem id -> its idf (of its document frequency's step).
    idf: Vec<f32>,
    /// Stem id -> its place in the byte order of the stems (ties between scores).
    rank: Vec<u32>,
    /// The highest score a word can have: quantized to [`build::LEVELS`].
    bound: f32,
}

impl Live {
    /// Makes the state of `records` (with their `counted` words) from nothing: the same
    /// state as [`Live::update`] reaches from an empty one.
    pub(super) fn fresh(&mut self, mut records: Vec<Arc<Record>>, counted: Vec<Arc<Counted>>, lexicon: &Lexicon) {
        let n = records.len();
        let (clock, forget) = (self.clock, self.forget);
        *self = Live {
            clock,
            forget,
            ..Live::default()
        };
        for w in 0..lexicon.len() {
            let s = self.stem_id(lexicon.stem(w as u32));
            self.stem_of_word.push(s);
            self.words_of_stem[s as usize].push(w as u32);
            self.word_total.push(0);
        }
        for c in &counted {
            for (w, tf) in &c.words {
                if let Some(t) = self.word_total.get_mut(*w as usize) {
                    *t += tf.iter().map(|&t| u32::from(t)).sum::<u32>();
                }
            }
            for (l, x) in self.lengths.iter_mut().zip(c.len) {
                *l += u64::from(x);
            }
        }
        let this = &*self;
        // Each record's stems are made twice, here for the document frequencies and when
        // it is scored, rather than kept for every record in between: kept, they took
        // 100 MB at the peak at L.
        let stems = self.stems.len();
        let df = counted
            .par_iter()
            .with_min_len(DF_CHUNK)
            .fold(
                || (vec![0u32; stems], Merge::new(stems), Vec::new()),
                |(mut df, mut merge, mut buf), c| {
                    merge.stems(this, c, &mut buf);
                    for s in &buf {
                        if let Some(d) = df.get_mut(s.0 as usize) {
                            *d += 1;
                        }
                    }
                    (df, merge, buf)
                },
            )
            .map(|(df, _, _)| df)
            .reduce_with(|mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            });
        if let Some(df) = df {
            self.df = df;
        }
        self.avg = std::array::from_fn(|f| avg_step(self.lengths[f], n));
        // Only an update reads the counted words again: a build keeps none, and each
        // record's (the largest part of its state) is freed as soon as it is scored, with
        // its stemmed words, rather than all of them held until every record is.
        if !self.forget {
            self.counted.clone_from(&counted);
        }
        self.scored = n;
        self.facets_changed = true;
        let scale = self.scale(n);
        let this = &*self;
        let forget = self.forget;
        let scored: Vec<(Scores, Passage)> = counted
            .into_par_iter()
            .zip(records.par_iter())
            .with_min_len(DF_CHUNK)
            .map_init(
                || (Merge::new(stems), Vec::new()),
                |(merge, buf), (c, r)| {
                    merge.stems(this, &c, buf);
                    if !forget {
                        // An update walks a record's scores by stem id; a build only
                        // reads them into the postings, in any order.
                        buf.sort_unstable_by_key(|e| e.0);
                    }
                    this.score_with(
                        &c,
                        buf,
                        r,
                        (&scale.avg, scale.bound),
                        |s| scale.idf[s as usize],
                        |a, b| scale.rank[a as usize].cmp(&scale.rank[b as usize]),
                    )
                },
            )
            .collect();
        drop(scale);
        self.postings = self.postings_of(&scored);
        if self.forget {
            self.findable = Vec::with_capacity(n);
        } else {
            self.scores = Vec::with_capacity(n);
        }
        for ((q, x), r) in scored.into_iter().zip(records.iter_mut()) {
            if self.forget {
                self.findable.push(!q.is_empty());
            } else {
                self.scores.push(q);
            }
            if r.display.x != x {
                // A copy only when shared (`haven serve`'s memo keeps the record too).
                Arc::make_mut(r).display.x = x;
            }
        }
        self.records = records;
        self.embeds = vec![Vec::new(); n];
        self.record_version = vec![0; n];
        let used: Vec<u32> = (0..self.stems.len() as u32)
            .filter(|&s| self.df[s as usize] > 0)
            .collect();
        for &s in &used {
            let best = self.shown_form(s, lexicon);
            self.display[s as usize] = best.into();
        }
        self.keys = self.fresh_keys(lexicon);
        let this = &*self;
        let made: Vec<(String, Vec<u32>)> = used.par_iter().map(|&s| this.list_of(s)).collect();
        for (&s, (packed, embedded)) in used.iter().zip(made) {
            self.set_list(s, packed, embedded);
        }
        for r in 0..n {
            self.record_version[r] = self.tick();
        }
        for &s in &used {
            self.lists[s as usize].cost = self.cost(s);
        }
    }

    /// Posting lists by record id of records' `scored` stems, each allocated once at its
    /// length. Filled on every core, each thread a range of stems with about the same
    /// number of postings, reading every record's stems and keeping its range's: one
    /// thread filling every list stalled on a cache miss per posting (100 ms at L).
    fn postings_of(&self, scored: &[(Scores, Passage)]) -> Vec<Vec<(u32, u8)>> {
        let total: u64 = self.df.iter().map(|&d| u64::from(d)).sum();
        let parts = rayon::current_num_threads().max(1) as u64;
        let mut cuts = vec![0];
        let mut sum = 0;
        for (s, &d) in self.df.iter().enumerate() {
            sum += u64::from(d);
            if sum * parts >= total * cuts.len() as u64 && cuts.len() < parts as usize {
                cuts.push(s + 1);
            }
        }
        cuts.push(self.df.len());
        cuts.dedup();
        let filled: Vec<Vec<Vec<(u32, u8)>>> = cuts
            .par_windows(2)
            .map(|w| {
                let (lo, hi) = (w[0], w[1]);
                let mut lists: Vec<Vec<(u32, u8)>> = self.df[lo..hi]
                    .iter()
                    .map(|&d| Vec::with_capacity(d as usize))
                    .collect();
                for (rid, (q, _)) in (0u32..).zip(scored) {
                    for &(s, score) in q {
                        if let Some(list) = (s as usize).checked_sub(lo).and_then(|i| lists.get_mut(i)) {
                            list.push((rid, score));
                        }
                    }
                }
                lists
            })
            .collect();
        filled.into_iter().flatten().collect()
    }

    /// The [`Scale`] of `n` records.
    fn scale(&self, n: usize) -> Scale {
        let n = n as f32;
        let mut order: Vec<u32> = (0..self.stems.len() as u32).collect();
        order.par_sort_unstable_by(|&a, &b| self.stems[a as usize].cmp(&self.stems[b as usize]));
        let mut rank = vec![0; order.len()];
        for (at, &s) in (0u32..).zip(&order) {
            rank[s as usize] = at;
        }
        Scale {
            avg: std::array::from_fn(|f| (f64::from(self.avg[f]) * AVG_STEP).exp() as f32),
            idf: self.df.iter().map(|&d| idf(n, of_step(step(d)))).collect(),
            rank,
            bound: idf(n, 1.0) * (build::K1 + 1.0),
        }
    }

    /// Every key: each written word some record has (to its stem), and each such word's
    /// stem that is no written word some record has. As [`Live::update`]'s `key` leaves
    /// them, built from a sorted list at once.
    fn fresh_keys(&self, lexicon: &Lexicon) -> std::collections::BTreeMap<Box<str>, u32> {
        let written = |x: &str| {
            lexicon
                .id(x)
                .is_some_and(|w| self.word_total.get(w as usize).is_some_and(|&t| t > 0))
        };
        let mut keys: Vec<(Box<str>, u32)> = Vec::new();
        for (w, &s) in (0u32..).zip(&self.stem_of_word) {
            if self.word_total[w as usize] > 0 {
                keys.push((lexicon.word(w).into(), s));
            }
        }
        for (s, stem) in (0u32..).zip(&self.stems) {
            if self.df[s as usize] > 0 && !written(stem) {
                keys.push((stem.clone(), s));
            }
        }
        keys.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        keys.dedup_by(|a, b| a.0 == b.0);
        keys.into_iter().collect()
    }
}
