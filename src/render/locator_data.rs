//! The locator's data files, made at build time under `/treatment/data/` so that one search
//! never reads the whole directory: `index.json` lists the non-empty cells,
//! `cells/{key}.json` holds the facilities of one [`facility::CELL_DEGREES`] square, and
//! `zip/{nn}.json` the ZIP centroids of one 2-digit prefix, only for the prefixes near
//! facilities ([`zip_prefixes`]), and `zip3.json` the centre of every prefix. Facility records are arrays,
//! and controlled values are bit masks in [`vocabulary`] order, to keep them small;
//! docs/facilities.md describes the format, and themes/default/static/locator.js reads it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::output::Output;
use crate::config::SiteConfig;
use crate::facility::vocabulary::{self, Term};
use crate::facility::{self, Facility, zips};
use crate::resolve::Site;

/// Site path of the locator's data folder.
pub use crate::paths::LOCATOR_DATA as DATA_PATH;

/// The radii the locator form offers, in miles (`locator.radii` in templates).
pub const RADII: [u16; 4] = [10, 25, 50, 100];

/// The largest radius: the reach of the ZIP files.
pub const REACH_MILES: f64 = RADII[RADII.len() - 1] as f64;

/// A ZIP's 2-digit prefix (its ZIP file) as a number (`"78701"` -> 78).
fn prefix_of(zip: &str) -> Option<u8> {
    zip.get(..2)?.parse().ok()
}

/// A ZIP's 3-digit prefix as a number (`"78701"` -> 787).
fn prefix3_of(zip: &str) -> Option<u16> {
    zip.get(..3)?.parse().ok()
}

/// The 2-digit prefixes whose ZIPs get exact centroids (`zip/{nn}.json`): those with a ZIP
/// whose largest search (a [`REACH_MILES`] circle, as locator.js bounds it by cells) can
/// touch a cell with facilities. From any other ZIP every search is empty, and the script
/// lists the nearest facilities from the centre of the ZIP's 3-digit area (`zip3.json`)
/// instead; so the data grows with the facilities, not with the country. Two digits rather
/// than three: 9 facilities reach 44 two-digit areas but about 230 three-digit ones, for
/// about 3 KB gzip per search instead of 1 (docs/facilities.md). Sorted.
pub fn zip_prefixes(site: &Site) -> Vec<u8> {
    let facilities = &site.facilities.facilities;
    if facilities.is_empty() {
        return Vec::new();
    }
    let size = facility::CELL_DEGREES;
    // The cells with facilities.
    let mut cells: Vec<(i64, i64)> = facilities
        .iter()
        .map(|f| ((f.lat / size).floor() as i64, (f.lon / size).floor() as i64))
        .collect();
    cells.sort_unstable();
    cells.dedup();
    let mut out = Vec::new();
    for (prefix, (lat, lon)) in prefix_boxes() {
        // A quick test on the area's bounding box, then ZIP by ZIP.
        if touches(&cells, lat, lon)
            && zips::prefixed(&format!("{prefix:02}"))
                .filter_map(zips::Zip::centroid)
                .any(|(lat, lon)| touches(&cells, (lat, lat), (lon, lon)))
        {
            out.push(prefix);
        }
    }
    out
}

/// Whether a [`REACH_MILES`] search from some point of a box, bounded by cells as
/// locator.js's cellKeys() does, reads one of `cells` (sorted `(row, col)`).
fn touches(cells: &[(i64, i64)], lat: (f64, f64), lon: (f64, f64)) -> bool {
    let size = facility::CELL_DEGREES;
    let d_lat = REACH_MILES / 69.0;
    let widest = lat.0.abs().max(lat.1.abs());
    let d_lon = REACH_MILES / (69.17 * widest.to_radians().cos().max(0.05));
    let (c0, c1) = (
        ((lon.0 - d_lon) / size).floor() as i64,
        ((lon.1 + d_lon) / size).floor() as i64,
    );
    let (r0, r1) = (
        ((lat.0 - d_lat) / size).floor() as i64,
        ((lat.1 + d_lat) / size).floor() as i64,
    );
    (r0..=r1).any(|row| {
        let i = cells.partition_point(|&c| c < (row, c0));
        cells.get(i).is_some_and(|&(r, c)| r == row && c <= c1)
    })
}

/// `((lat min, lat max), (lon min, lon max))`.
type Bounds = ((f64, f64), (f64, f64));

/// Each 2-digit prefix with the bounding box of its ZIPs' centroids.
fn prefix_boxes() -> Vec<(u8, Bounds)> {
    let mut out: Vec<(u8, Bounds)> = Vec::new();
    for z in zips::all() {
        let (Some(p), Some((lat, lon))) = (prefix_of(z.code()), z.centroid()) else {
            continue;
        };
        match out.last_mut() {
            Some((q, (la, lo))) if *q == p => {
                *la = (la.0.min(lat), la.1.max(lat));
                *lo = (lo.0.min(lon), lo.1.max(lon));
            }
            _ => out.push((p, ((lat, lat), (lon, lon)))),
        }
    }
    out
}

/// Rounded to 3 decimals (about 100 m), as the ZIP files carry centroids.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
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
    }
}

/// `treatment/data/index.json`: format version, cell size, the non-empty cells, and which
/// 2-digit prefixes have a `zip/{nn}.json` (bit `nn` of a 100-bit map in hex, most
/// significant bit first, padded to 104 bits: 26 characters whatever the site).
pub(super) fn data_index(site: &Site) -> Output {
    let cells: Vec<&str> = site.facilities.cells.iter().map(|c| c.key.as_str()).collect();
    let mut bits = [0u8; 13];
    for p in zip_prefixes(site) {
        bits[usize::from(p / 8)] |= 0x80 >> (p % 8);
    }
    let map: String = bits.iter().map(|b| format!("{b:02x}")).collect();
    let v = json!({
        "v": 2,
        "cell": facility::CELL_DEGREES,
        "cells": cells,
        "zips": map,
        "reach": REACH_MILES,
    });
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

/// `treatment/data/zip/{nn}.json`: `{"78701": [lat, lon], ...}`, every ZIP of a 2-digit
/// prefix that has a centroid.
pub(super) fn data_zip(prefix: u8) -> Output {
    let mut zips = serde_json::Map::new();
    for z in zips::prefixed(&format!("{prefix:02}")) {
        if let Some((lat, lon)) = z.centroid() {
            zips.insert(z.code().to_string(), json!([round3(lat), round3(lon)]));
        }
    }
    json_output(
        format!("{}zip/{prefix:02}.json", DATA_PATH.trim_start_matches('/')),
        &Value::Object(zips),
    )
}

/// `treatment/data/zip3.json`: `{"787": [lat, lon], ...}`, the centre (mean centroid) of
/// every 3-digit prefix in the country, for a ZIP without a `zip/{nn}.json`.
pub(super) fn data_zip3() -> Output {
    let mut sums: BTreeMap<u16, (f64, f64, f64)> = BTreeMap::new();
    for z in zips::all() {
        if let (Some(p), Some((lat, lon))) = (prefix3_of(z.code()), z.centroid()) {
            let s = sums.entry(p).or_default();
            *s = (s.0 + lat, s.1 + lon, s.2 + 1.0);
        }
    }
    let v: serde_json::Map<String, Value> = sums
        .into_iter()
        .map(|(p, (lat, lon, n))| (format!("{p:03}"), json!([round3(lat / n), round3(lon / n)])))
        .collect();
    json_output(
        format!("{}zip3.json", DATA_PATH.trim_start_matches('/')),
        &Value::Object(v),
    )
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
