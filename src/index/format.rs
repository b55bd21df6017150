//! haven's search index files (format version [`VERSION`]), as docs/search.md describes
//! them: JSON, which hosts gzip, shaped so gzip shrinks the postings.
//!
//! A posting list is impact-ordered: layers of one quantized score each, best first, each
//! layer `score, count, first id, delta, delta, ...` with ids ascending, written as
//! base-64 varints in one JSON string ([`pack`]): most deltas are one character, where a
//! JSON array of numbers took 4.6 bytes a posting on disk.

use serde::{Deserialize, Serialize};

/// Format version, in the manifest; a client refuses another. 3: records as rows of
/// strings with one passage, front-coded URLs, types and phone links left to the client,
/// display words marked in `w`. 4: each synonym group is one key ([`group_key`]) with its
/// merged list and first screen.
pub const VERSION: u32 = 4;

/// The key of a synonym group's list in the shards: its members (folded phrases, as in
/// the manifest's `synonyms`) joined with `|`, which no word has, so it is never a word's
/// key. A client looks it up as it looks up a word.
pub fn group_key(group: &[String]) -> String {
    group.join("|")
}

/// Whether a shard key is a synonym group's ([`group_key`]), not a word's.
pub fn is_group_key(key: &str) -> bool {
    key.contains('|')
}

/// Records per record file (40: shards are smaller since format 3, and more of them fit
/// under 3,000 files at 40,000 records).
pub const CHUNK: usize = 40;

/// The manifest (`manifest.json`), fetched first by every page and never cached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`VERSION`].
    pub v: u32,
    /// The build: the folder the other files are in; changes whenever any of them does.
    pub build: String,
    /// Site language.
    pub lang: String,
    /// Number of records (ids are `0..n`).
    pub n: u32,
    /// Records per record file ([`CHUNK`]).
    pub chunk: u32,
    /// First key of each word shard, ascending: shard `i` holds the keys from `shards[i]`
    /// up to (not including) `shards[i + 1]`.
    pub shards: Vec<String>,
    /// Ids of sponsored records, delta-encoded (shown in their own block, never ranked).
    pub sponsored: Vec<u32>,
    /// Record types in id order, as runs: `[["article", 12], ["page", 3], ...]`, so that
    /// no record carries its own.
    pub kinds: Vec<(String, u32)>,
    /// Synonym groups, folded: each member is a phrase of one or more words.
    pub synonyms: Vec<Vec<String>>,
}

/// One word shard as the index stage makes it; written as a [`ShardFile`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Shard {
    /// Key (a folded word as written, or a stem) -> index into `d`, `n` and `p`.
    pub w: std::collections::BTreeMap<String, u32>,
    /// For each posting list, the word to show ("Showing results for ..."): the stem's most
    /// frequent written form.
    pub d: Vec<String>,
    /// For each posting list, the number of records that have the stem (the list may hold
    /// only the best [`super::build::MAX_POSTINGS`]).
    pub n: Vec<u32>,
    /// Posting lists, encoded ([`encode_postings`], then [`pack`]).
    pub p: Vec<String>,
    /// Record id -> what it shows, for the first screen of the shard's common words'
    /// lists (those of [`super::build::EMBED_MIN`] records or more): the same data as
    /// in the record files, so a one-word search of such a word needs no record file.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub r: std::collections::BTreeMap<u32, Display>,
}

/// What a result shows, written as a row ([`rows`]) of a record file `r<i>.json` (the
/// rows of records `i * chunk ..`) and of a shard's first screens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Display {
    /// URL path without the base path (`/articles/x/`).
    pub u: String,
    /// Title.
    pub t: String,
    /// Type: `article`, `page` or `facility`.
    pub k: String,
    /// Place (`Louisville, Kentucky`), facilities only.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pl: String,
    /// Phone number as shown, facilities only.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ph: String,
    /// `tel:` link of the phone number.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tel: String,
    /// 1 when sponsored.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub s: u8,
    /// The record's best passage (the one with most of its best-scored words), the
    /// excerpt of its row in a record file.
    pub x: Vec<String>,
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

/// One word shard as written (`s<i>.json`), from a [`Shard`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    /// Key -> posting list index `i`, written as `-(i + 1)` for the key that is the list's
    /// word to show ("Showing results for ..."), as `i` for the others.
    pub w: std::collections::BTreeMap<String, i64>,
    /// For each posting list, the number of records that have its stem.
    pub n: Vec<u32>,
    /// Posting lists ([`pack`]).
    pub p: Vec<String>,
    /// Ids of the records of `r`, ascending, delta-encoded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub e: Vec<u32>,
    /// Rows ([`rows`]) of the first screens of the shard's common words, in `e`'s order,
    /// each with the passage that holds the shard's words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub r: Vec<Vec<String>>,
}

/// The posting list index a [`ShardFile`] key's value stands for.
pub fn list_of(value: i64) -> usize {
    usize::try_from(if value < 0 { -(value + 1) } else { value }).unwrap_or(usize::MAX)
}

/// Fewest URL characters worth sharing with the row before (a shared prefix costs its
/// count and a colon).
const SHARED_MIN: usize = 3;

/// Records as rows of strings, `[u, t, x, pl, ph]` with trailing empty strings left out:
/// `x` the passage given, `ph` the E.164 number (the client shows and links it). A URL
/// that shares [`SHARED_MIN`] or more leading ASCII characters with the row before is
/// written `N:rest` (its first `N` characters are the row before's); one that does not
/// start with `/` always is, so a URL starting with `/` is whole. Hand-written: a few
/// lines, and gzip does not help the size on disk.
pub fn rows<'a>(shown: impl IntoIterator<Item = (&'a Display, &'a str)>) -> Vec<Vec<String>> {
    let mut previous = "";
    shown
        .into_iter()
        .map(|(d, x)| {
            let shared = previous
                .bytes()
                .zip(d.u.bytes())
                .take_while(|(a, b)| a == b && a.is_ascii())
                .count();
            let u = if shared >= SHARED_MIN || !d.u.starts_with('/') {
                format!("{shared}:{}", &d.u[shared..])
            } else {
                d.u.clone()
            };
            previous = &d.u;
            let ph = d.tel.strip_prefix("tel:").unwrap_or(&d.tel);
            let mut row: Vec<String> = [u.as_str(), &d.t, x, &d.pl, ph].map(String::from).into();
            while row.last().is_some_and(String::is_empty) {
                row.pop();
            }
            row
        })
        .collect()
}

/// Reads [`rows`] back to `(url, title, passage, place, phone)`; a malformed URL prefix
/// reads as no prefix.
pub fn unrow(rows: &[Vec<String>]) -> Vec<[String; 5]> {
    let mut previous = String::new();
    rows.iter()
        .map(|row| {
            let at = |i: usize| row.get(i).cloned().unwrap_or_default();
            let coded = at(0);
            let u = match coded.split_once(':') {
                Some((n, rest)) if !coded.starts_with('/') => {
                    let n = n.parse::<usize>().unwrap_or(0).min(previous.len());
                    format!("{}{rest}", previous.get(..n).unwrap_or(""))
                }
                _ => coded,
            };
            previous.clone_from(&u);
            [u, at(1), at(2), at(3), at(4)]
        })
        .collect()
}

/// Record types in id order as runs (the manifest's `kinds`).
pub fn kinds<'a>(kinds: impl IntoIterator<Item = &'a str>) -> Vec<(String, u32)> {
    let mut runs: Vec<(String, u32)> = Vec::new();
    for k in kinds {
        match runs.last_mut() {
            Some((last, n)) if last == k => *n += 1,
            _ => runs.push((k.to_string(), 1)),
        }
    }
    runs
}

/// The facets file (`f.json`): filter name -> value -> ids, delta-encoded (first id, then
/// differences). Loaded only when the reader opens the filters.
pub type Facets = std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<u32>>>;

/// Encodes `(id, quantized score)` pairs (any order, ids unique) as layers.
pub fn encode_postings(postings: &[(u32, u8)]) -> Vec<Vec<u32>> {
    let mut sorted = postings.to_vec();
    sorted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut layers: Vec<Vec<u32>> = Vec::new();
    let mut last = 0;
    for (id, q) in sorted {
        match layers.last_mut() {
            Some(layer) if layer[0] == u32::from(q) => {
                layer.push(id - last);
            }
            _ => layers.push(vec![u32::from(q), id]),
        }
        last = id;
    }
    layers
}

/// Decodes [`encode_postings`]' layers back to `(id, score)` pairs, best first. Malformed
/// layers (fewer than two numbers) are skipped.
pub fn decode_postings(layers: &[Vec<u32>]) -> Vec<(u32, u8)> {
    let mut out = Vec::new();
    for layer in layers {
        let [q, first, rest @ ..] = layer.as_slice() else {
            continue;
        };
        let q = u8::try_from(*q).unwrap_or(u8::MAX);
        let mut id = *first;
        out.push((id, q));
        for d in rest {
            id = id.saturating_add(*d);
            out.push((id, q));
        }
    }
    out
}

/// The 64 digits of [`pack`], RFC 4648's URL-safe base-64 alphabet: none needs escaping in
/// JSON.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Writes layers as one string of base-64 varints: each layer as its score, its count of
/// ids, its first id and its deltas; each number as digits of 5 bits, low bits first, a
/// digit of 32 or more meaning that more digits follow. Hand-written: it is twenty lines,
/// the client must decode it by hand anyway, and no crate has this exact text form.
pub fn pack(layers: &[Vec<u32>]) -> String {
    let mut out = String::new();
    let mut put = |mut n: u32| {
        while n >= 32 {
            out.push(char::from(DIGITS[(32 | (n & 31)) as usize]));
            n >>= 5;
        }
        out.push(char::from(DIGITS[n as usize]));
    };
    for layer in layers {
        let [q, ids @ ..] = layer.as_slice() else { continue };
        if ids.is_empty() {
            continue;
        }
        put(*q);
        put(u32::try_from(ids.len()).unwrap_or(u32::MAX));
        ids.iter().for_each(|&n| put(n));
    }
    out
}

/// Reads [`pack`]'s string back to layers; stops at the first malformed number or layer.
pub fn unpack(text: &str) -> Vec<Vec<u32>> {
    let mut bytes = text.bytes();
    let mut next = || -> Option<u32> {
        let mut n: u64 = 0;
        for shift in (0..35).step_by(5) {
            let b = bytes.next()?;
            let d = DIGITS.iter().position(|&c| c == b)? as u64;
            n |= (d & 31) << shift;
            if d < 32 {
                return u32::try_from(n).ok();
            }
        }
        None
    };
    let mut layers = Vec::new();
    while let Some(q) = next() {
        let Some(count) = next() else { break };
        let mut layer = vec![q];
        for _ in 0..count {
            let Some(n) = next() else { return layers };
            layer.push(n);
        }
        layers.push(layer);
    }
    layers
}

/// Delta-encodes ascending ids.
pub fn encode_ids(ids: &[u32]) -> Vec<u32> {
    let mut last = 0;
    ids.iter()
        .enumerate()
        .map(|(i, &id)| {
            let d = if i == 0 { id } else { id - last };
            last = id;
            d
        })
        .collect()
}

/// Decodes [`encode_ids`].
pub fn decode_ids(deltas: &[u32]) -> Vec<u32> {
    let mut id = 0u32;
    deltas
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            id = if i == 0 { d } else { id.saturating_add(d) };
            id
        })
        .collect()
}
