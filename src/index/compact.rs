//! Short record names in the bundle's metadata file, so a cold search downloads less.
//!
//! Pagefind's search script loads `pagefind.*.pf_meta` whole before its first search. It
//! lists every record by the name of its fragment file: `en_` and 7 random hexadecimal
//! digits (a content hash), about 6.6 bytes a record once gzipped, 256 KiB at 40,000
//! records (docs/search.md, "What the bytes are"). Pagefind has no option to change that.
//! Here each record gets a name made of a prefix shared by the whole bundle and its
//! number in base 36 (`k3f9a0`, `k3f9a1`, ...), which gzip packs into about 2.5 bytes a
//! record, and the fragment files (and group files) are renamed to match.
//!
//! Pagefind's script uses these names only as names: it fetches `fragment/NAME.pf_fragment`
//! (or a group file and looks the record up in it by name) and caches by name.
//! The shared prefix is taken from the original metadata, which changes whenever any
//! record changes: a name is never reused for other content, so fragment files keep their
//! `Cache-Control: immutable` (see `render::headers`).
//!
//! Written by hand because no crate does this; the metadata file is decoded with
//! `minicbor`, the CBOR crate Pagefind itself encodes it with, into a copy of Pagefind's
//! own `MetaIndex` (pagefind 1.6 `index/index_metadata.rs`). If that layout ever changes,
//! decoding fails, the bundle is kept as Pagefind made it, and the build warns; the tests
//! here (`the_copy_of_pagefinds_layout_is_exact`) fail so the upgrade is noticed.

use std::collections::HashMap;
use std::io::Write;

use sha2::{Digest, Sha256};

use super::{BUNDLE_DIR, SIGNATURE, entry, payload as gunzip};
use crate::render::Output;

// A copy of Pagefind's `MetaIndex` (index/index_metadata.rs): the same field numbers, so
// decoding then encoding an unchanged value gives the same bytes (tested).
#[derive(minicbor::Encode, minicbor::Decode, Debug)]
struct MetaIndex {
    #[n(0)]
    version: String,
    #[n(1)]
    pages: Vec<MetaPage>,
    #[n(2)]
    index_chunks: Vec<MetaChunk>,
    #[n(3)]
    filters: Vec<MetaFilter>,
    #[n(4)]
    sorts: Vec<MetaSort>,
    #[n(5)]
    meta_fields: Vec<String>,
}

#[derive(minicbor::Encode, minicbor::Decode, Debug)]
struct MetaChunk {
    #[n(0)]
    from: String,
    #[n(1)]
    to: String,
    #[n(2)]
    hash: String,
}

#[derive(minicbor::Encode, minicbor::Decode, Debug)]
struct MetaPage {
    #[n(0)]
    hash: String,
    #[n(1)]
    word_count: u32,
    #[n(2)]
    group_hash: String,
}

#[derive(minicbor::Encode, minicbor::Decode, Debug)]
struct MetaFilter {
    #[n(0)]
    filter: String,
    #[n(1)]
    hash: String,
}

#[derive(minicbor::Encode, minicbor::Decode, Debug)]
struct MetaSort {
    #[n(0)]
    sort: String,
    #[n(1)]
    pages: Vec<u64>,
}

/// Renames the records of a bundle ([`super::SearchIndex::files`]) to short names and
/// rewrites its metadata and entry files to match. On an error, `files` is left as it was.
pub(super) fn compact(files: &mut [Output]) -> Result<(), String> {
    let (entry_at, mut entry) = entry(files).ok_or("the bundle has no readable pagefind-entry.json")?;
    let by_rel: HashMap<&str, usize> = files.iter().enumerate().map(|(i, f)| (f.rel.as_str(), i)).collect();
    let languages = entry
        .get_mut("languages")
        .and_then(|l| l.as_object_mut())
        .ok_or("pagefind-entry.json has no languages")?;

    // Every change is worked out first and applied only once all of it has succeeded.
    let mut renames: Vec<(usize, String)> = Vec::new();
    let mut rewrites: Vec<(usize, String, Vec<u8>)> = Vec::new();
    for (language, about) in languages.iter_mut() {
        let old_hash = about
            .get("hash")
            .and_then(|h| h.as_str())
            .ok_or("pagefind-entry.json: a language has no hash")?
            .to_string();
        let meta_rel = format!("{BUNDLE_DIR}/pagefind.{old_hash}.pf_meta");
        let meta_at = *by_rel
            .get(meta_rel.as_str())
            .ok_or_else(|| format!("{meta_rel} is missing"))?;
        let cbor = gunzip(&files[meta_at].bytes).ok_or_else(|| format!("{meta_rel} does not decode"))?;
        let mut meta: MetaIndex = minicbor::decode(&cbor).map_err(|e| format!("{meta_rel}: {e}"))?;

        let prefix = shared_prefix(&cbor);
        let mut page_names: HashMap<String, String> = HashMap::new();
        let mut group_names: HashMap<String, String> = HashMap::new();
        for page in &mut meta.pages {
            let next = page_names.len();
            let name = page_names
                .entry(page.hash.clone())
                .or_insert_with(|| format!("{prefix}{}", base36(next)));
            page.hash = name.clone();
            if !page.group_hash.is_empty() {
                let next = group_names.len();
                // Keeps `_group_` in the name: that is how group files are told apart.
                let group = group_names
                    .entry(page.group_hash.clone())
                    .or_insert_with(|| format!("{language}_group_{prefix}{}", base36(next)));
                page.group_hash = group.clone();
            }
        }
        for (old, new) in &page_names {
            let rel = fragment_rel(old);
            // Records of a group have no file of their own.
            if let Some(&at) = by_rel.get(rel.as_str()) {
                renames.push((at, fragment_rel(new)));
            }
        }
        for (old, new) in &group_names {
            let rel = fragment_rel(old);
            let at = *by_rel.get(rel.as_str()).ok_or_else(|| format!("{rel} is missing"))?;
            let json = gunzip(&files[at].bytes).ok_or_else(|| format!("{rel} does not decode"))?;
            let group: serde_json::Map<String, serde_json::Value> =
                serde_json::from_slice(&json).map_err(|e| format!("{rel}: {e}"))?;
            let renamed = group
                .into_iter()
                .map(|(k, v)| {
                    page_names
                        .get(&k)
                        .map(|n| (n.clone(), v))
                        .ok_or_else(|| format!("{rel}: record {k} is not in the metadata"))
                })
                .collect::<Result<serde_json::Map<_, _>, _>>()?;
            let json = serde_json::to_vec(&renamed).map_err(|e| e.to_string())?;
            rewrites.push((at, fragment_rel(new), gzip(&json)?));
        }

        let cbor = minicbor::to_vec(&meta).map_err(|e| format!("{meta_rel}: {e}"))?;
        let new_hash = format!("{language}_{}", &hex(&Sha256::digest(&cbor))[..7]);
        rewrites.push((
            meta_at,
            format!("{BUNDLE_DIR}/pagefind.{new_hash}.pf_meta"),
            gzip(&cbor)?,
        ));
        about["hash"] = serde_json::Value::String(new_hash);
    }
    let entry_bytes = serde_json::to_vec(&entry).map_err(|e| e.to_string())?;

    for (at, rel) in renames {
        files[at].rel = rel;
    }
    for (at, rel, bytes) in rewrites {
        files[at].rel = rel;
        files[at].bytes = bytes;
    }
    files[entry_at].bytes = entry_bytes;
    Ok(())
}

fn fragment_rel(name: &str) -> String {
    format!("{BUNDLE_DIR}/fragment/{name}.pf_fragment")
}

/// The part of every record name that is the same across the bundle: 5 base-36 digits of
/// the original metadata's hash, so that a name is never reused with other content.
fn shared_prefix(meta: &[u8]) -> String {
    let digest = Sha256::digest(meta);
    let n = u64::from_be_bytes([
        digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
    ]);
    // A letter first, so that no name is all digits.
    let first = char::from(b'a' + (n % 26) as u8);
    let rest = base36((n / 26) as usize % 36usize.pow(4));
    format!("{first}{rest:0>4}")
}

fn base36(mut n: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The signature and payload gzipped, at the level Pagefind uses.
fn gzip(payload: &[u8]) -> Result<Vec<u8>, String> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(SIGNATURE).map_err(|e| e.to_string())?;
    gz.write_all(payload).map_err(|e| e.to_string())?;
    gz.finish().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::super::{FacilityRecord, Names, index_with};
    use super::*;

    /// `n` article pages and `n` facilities, each with a word of its own.
    fn bundle(n: usize, max_fragments: Option<u32>, names: Names) -> Vec<Output> {
        let pages: Vec<Output> = (0..n)
            .map(|i| Output {
                rel: format!("articles/a{i}/index.html"),
                bytes: format!(
                    "<!doctype html><html lang=\"en\"><head><title>A{i}</title></head><body>\
                     <main data-pagefind-body><h1 data-pagefind-meta=\"title\">Article {i}</h1>\
                     <p>Recovery is possible, word{i} says it.</p></main></body></html>"
                )
                .into_bytes(),
                html: true,
                index: true,
            })
            .collect();
        let facilities: Vec<FacilityRecord> = (0..n)
            .map(|i| FacilityRecord {
                url: format!("/treatment/tx/austin/f{i}/"),
                name: format!("Facility {i}"),
                city: "Austin".into(),
                state: "Texas".into(),
                description: format!("Outpatient care, place{i}."),
                ..FacilityRecord::default()
            })
            .collect();
        index_with(&pages, &facilities, "en", max_fragments, names, &|| ())
            .expect("indexes")
            .files
    }

    fn file<'a>(files: &'a [Output], rel: &str) -> Option<&'a Output> {
        files.iter().find(|f| f.rel == rel)
    }

    /// The metadata file named by the entry file, decoded.
    fn meta(files: &[Output]) -> (Vec<u8>, MetaIndex) {
        let entry = file(files, "pagefind/pagefind-entry.json").expect("entry file");
        let entry: serde_json::Value = serde_json::from_slice(&entry.bytes).expect("entry is JSON");
        let hash = entry["languages"]["en"]["hash"].as_str().expect("a hash for en");
        let rel = format!("pagefind/pagefind.{hash}.pf_meta");
        let gz = &file(files, &rel)
            .unwrap_or_else(|| panic!("{rel} is in the bundle"))
            .bytes;
        let cbor = gunzip(gz).expect("metadata decodes");
        let meta = minicbor::decode(&cbor).expect("metadata has Pagefind's layout");
        (gz.clone(), meta)
    }

    /// Each record's URL, found the way Pagefind's script finds it: by the record's name,
    /// in its own fragment file or in its group file.
    fn reachable(files: &[Output]) -> BTreeMap<String, u32> {
        let (_, meta) = meta(files);
        let mut urls = BTreeMap::new();
        for page in &meta.pages {
            let frag: serde_json::Value = if page.group_hash.is_empty() {
                let rel = fragment_rel(&page.hash);
                let f = file(files, &rel).unwrap_or_else(|| panic!("{rel} exists"));
                serde_json::from_slice(&gunzip(&f.bytes).expect("fragment decodes")).expect("JSON")
            } else {
                let rel = fragment_rel(&page.group_hash);
                let f = file(files, &rel).unwrap_or_else(|| panic!("{rel} exists"));
                let group: serde_json::Value =
                    serde_json::from_slice(&gunzip(&f.bytes).expect("group decodes")).expect("JSON");
                group[&page.hash].clone()
            };
            let url = frag["url"]
                .as_str()
                .unwrap_or_else(|| panic!("{} has a URL", page.hash));
            urls.insert(url.to_string(), page.word_count);
        }
        urls
    }

    #[test]
    fn the_copy_of_pagefinds_layout_is_exact() {
        let files = bundle(20, None, Names::Pagefind);
        let (gz, meta) = meta(&files);
        let again = minicbor::to_vec(&meta).expect("encodes");
        assert_eq!(
            again,
            gunzip(&gz).expect("decodes"),
            "decode then encode changed the metadata"
        );
        assert_eq!(meta.pages.len(), 40);
        assert!(
            meta.pages
                .iter()
                .all(|p| p.hash.starts_with("en_") && p.hash.len() == 10),
            "{meta:?}"
        );
    }

    #[test]
    fn every_record_stays_reachable_under_its_short_name() {
        for max_fragments in [None, Some(7)] {
            let before = reachable(&bundle(150, max_fragments, Names::Pagefind));
            let files = bundle(150, max_fragments, Names::Short);
            assert_eq!(reachable(&files), before, "grouping {max_fragments:?}");
            assert_eq!(before.len(), 300);

            let (_, meta) = meta(&files);
            let prefix = &meta.pages[0].hash[..5];
            let names: BTreeSet<&str> = meta.pages.iter().map(|p| p.hash.as_str()).collect();
            assert_eq!(names.len(), 300, "names are unique");
            assert!(
                meta.pages
                    .iter()
                    .all(|p| p.hash.starts_with(prefix) && p.hash.len() <= 7),
                "{:?}",
                &meta.pages[..3]
            );
            // Nothing left under an old name, and the group files still say they are groups.
            let frags: Vec<&str> = files
                .iter()
                .filter(|f| f.rel.starts_with("pagefind/fragment/"))
                .map(|f| f.rel.as_str())
                .collect();
            assert!(frags.iter().all(|r| r.contains(prefix)), "{frags:?}");
            let groups = frags.iter().filter(|r| r.contains("_group_")).count();
            assert_eq!(groups > 0, max_fragments.is_some(), "{frags:?}");
            let metas = files.iter().filter(|f| f.rel.ends_with(".pf_meta")).count();
            assert_eq!(metas, 1, "one metadata file");
        }
    }

    #[test]
    fn short_names_make_the_metadata_file_smaller() {
        let full = meta(&bundle(400, None, Names::Pagefind)).0.len();
        let short = meta(&bundle(400, None, Names::Short)).0.len();
        assert!(
            short * 10 < full * 7,
            "short names: {short} bytes, Pagefind's: {full} bytes"
        );
    }

    #[test]
    fn another_site_gets_other_names() {
        let a = meta(&bundle(3, None, Names::Short)).1;
        let b = meta(&bundle(4, None, Names::Short)).1;
        assert_ne!(
            a.pages[0].hash, b.pages[0].hash,
            "a name must not be reused with other content"
        );
        // And the same site, the same names (reproducible builds).
        let again = meta(&bundle(3, None, Names::Short)).1;
        assert_eq!(a.pages[0].hash, again.pages[0].hash);
    }

    #[test]
    fn base36_table() {
        for (n, s) in [
            (0, "0"),
            (9, "9"),
            (10, "a"),
            (35, "z"),
            (36, "10"),
            (1295, "zz"),
            (1296, "100"),
        ] {
            assert_eq!(base36(n), s);
        }
    }

    #[test]
    fn a_bundle_it_cannot_read_is_left_as_it_was() {
        let mut files = bundle(3, None, Names::Pagefind);
        let meta_at = files
            .iter()
            .position(|f| f.rel.ends_with(".pf_meta"))
            .expect("metadata");
        files[meta_at].bytes = b"not gzip".to_vec();
        let before: Vec<(String, Vec<u8>)> = files.iter().map(|f| (f.rel.clone(), f.bytes.clone())).collect();
        let err = compact(&mut files).expect_err("an unreadable metadata file is an error");
        assert!(err.contains("does not decode"), "{err}");
        let after: Vec<(String, Vec<u8>)> = files.iter().map(|f| (f.rel.clone(), f.bytes.clone())).collect();
        assert_eq!(after, before);
    }
}
