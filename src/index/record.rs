//! One searchable record and its fields: the leaf that the index steps share, so
//! `build` takes the record from here, not from `index.rs`, which calls it.

use std::sync::Arc;

use super::format;

/// Number of weighted fields: title (or facility name), headings (or place and care),
/// description, body.
pub const FIELDS: usize = 4;

/// One searchable record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// What a result shows (its passages are chosen after scoring).
    pub display: format::Display,
    /// Texts of each field (title, headings, description, body). Shared: an article's
    /// headings and body are the resolve stage's plain text of it, not a copy.
    pub fields: [Arc<[String]>; FIELDS],
    /// Filter name -> values.
    pub facets: Vec<(&'static str, String)>,
}

/// Whether text `i` of field `f` of `r` is a passage an excerpt may be: a non-empty body
/// passage, or the first of the description field (an article's or page's description; a
/// facility's description field is its care lists, not a passage).
pub fn is_passage(r: &Record, f: usize, i: usize, text: &str) -> bool {
    !text.is_empty() && (f == 3 || (f == 2 && i == 0 && r.display.k != "facility"))
}

/// The passages of `r` ([`is_passage`]), in field order: the description first.
pub fn passage_texts(r: &Record) -> Vec<&String> {
    r.fields
        .iter()
        .enumerate()
        .flat_map(|(f, texts)| texts.iter().enumerate().map(move |(i, t)| (f, i, t)))
        .filter(|(f, i, t)| is_passage(r, *f, *i, t))
        .map(|(_, _, t)| t)
        .collect()
}
