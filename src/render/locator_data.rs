//! The locator's data files, made at build time under `/treatment/data/` so that one search
//! never reads the whole directory: `index.json` lists the non-empty cells,
//! `cells/{key}.json` holds the facilities of one [`facility::CELL_DEGREES`] square, and
//! `zip/{nnn}.json` the ZIP centroids of one 3-digit prefix. Facility records are arrays,
//! and controlled values are bit masks in [`vocabulary`] order, to keep them small;
//! docs/facilities.md describes the format, and themes/default/static/locator.js reads it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde_json::{Value, json};

use super::Output;
use crate::config::SiteConfig;
use crate::facility::vocabulary::{self, Term};
use crate::facility::{self, Facility, zips};
use crate::resolve::Site;

/// Site path of the locator's data folder.
pub const DATA_PATH: &str = "/treatment/data/";

/// One ZIP shard: a 3-digit prefix and its ZIPs' centroids.
type ZipShard = (String, BTreeMap<&'static str, [f64; 2]>);

/// ZIP centroids grouped by 3-digit prefix, rounded to 3 decimals (about 100 m).
static ZIP_SHARDS: LazyLock<Vec<ZipShard>> = LazyLock::new(|| {
    let mut shards: BTreeMap<String, BTreeMap<&'static str, [f64; 2]>> = BTreeMap::new();
    for (zip, (lat, lon)) in zips::all() {
        let round = |x: f64| (x * 1000.0).round() / 1000.0;
        let Some(prefix) = zip.get(..3) else { continue };
        shards
            .entry(prefix.to_string())
            .or_default()
            .insert(zip.as_str(), [round(*lat), round(*lon)]);
    }
    shards.into_iter().collect()
});

/// Number of ZIP shard files.
pub fn zip_shard_count() -> usize {
    ZIP_SHARDS.len()
}

/// The index of the ZIP shard for a 3-digit prefix, for [`super::Job::LocatorZips`].
pub fn zip_shard_index(prefix: &str) -> Option<usize> {
    ZIP_SHARDS.binary_search_by(|(p, _)| p.as_str().cmp(prefix)).ok()
}

fn mask(ids: &[String], vocab: &[Term]) -> u32 {
    ids.iter()
        .filter_map(|id| vocab.iter().position(|t| t.id == id))
        .fold(0, |m, bit| m | (1 << bit))
}

/// One facility as the locator reads it:
/// `[url, name, lat, lon, street, city, state, phone, levels, meds, payment, populations, languages, walk_in, sponsored]`.
fn record(c: &SiteConfig, f: &Facility) -> Value {
    let round = |x: f64| (x * 100_000.0).round() / 100_000.0;
    json!([
        c.link(&f.path),
        f.name,
        round(f.lat),
        round(f.lon),
        f.street,
        f.city,
        f.state,
        f.phone,
        mask(&f.levels_of_care, vocabulary::LEVELS_OF_CARE),
        mask(&f.medications, vocabulary::MEDICATIONS),
        mask(&f.payment, vocabulary::PAYMENT),
        mask(&f.populations, vocabulary::POPULATIONS),
        f.languages.join(" "),
        match f.walk_in {
            Some(true) => 1,
            Some(false) => 0,
            None => -1,
        },
        u8::from(f.sponsored),
    ])
}

fn json_output(rel: String, v: &Value) -> Output {
    Output {
        rel,
        bytes: v.to_string().into_bytes(),
        html: false,
        index: false,
    }
}

/// `treatment/data/index.json`: format version, cell size and the non-empty cells.
pub(super) fn data_index(site: &Site) -> Output {
    let cells: Vec<&str> = site.facilities.cells.iter().map(|c| c.key.as_str()).collect();
    let v = json!({ "v": 1, "cell": facility::CELL_DEGREES, "cells": cells });
    json_output(format!("{}index.json", DATA_PATH.trim_start_matches('/')), &v)
}

/// `treatment/data/cells/{key}.json`.
pub(super) fn data_cell(site: &Site, i: usize) -> Output {
    let cell = &site.facilities.cells[i];
    let recs: Vec<Value> = cell
        .facilities
        .iter()
        .map(|f| record(&site.config, &site.facilities.facilities[*f]))
        .collect();
    json_output(
        format!("{}cells/{}.json", DATA_PATH.trim_start_matches('/'), cell.key),
        &Value::Array(recs),
    )
}

/// `treatment/data/zip/{prefix}.json`: `{"78701": [lat, lon], ...}`.
pub(super) fn data_zip(i: usize) -> Output {
    let (prefix, zips) = &ZIP_SHARDS[i];
    let v = serde_json::to_value(zips).unwrap_or(Value::Null);
    json_output(format!("{}zip/{prefix}.json", DATA_PATH.trim_start_matches('/')), &v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_follow_vocabulary_order() {
        let ids = vec!["outpatient".to_string(), "detox".to_string()];
        assert_eq!(mask(&ids, vocabulary::LEVELS_OF_CARE), 0b10_0001);
        assert_eq!(mask(&[], vocabulary::LEVELS_OF_CARE), 0);
    }
}
