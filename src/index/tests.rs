//! Tests of the search index: what goes in is read back from the bundle Pagefind made
//! (its fragment files are gzipped JSON: one record's URL, text, filters and metadata).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::*;

fn page(rel: &str, html: &str) -> Output {
    Output {
        rel: rel.into(),
        bytes: html.as_bytes().to_vec(),
        html: true,
        index: true,
    }
}

/// An article page shaped like the default theme's: header, body marker, topics, footer.
fn article(slug: &str, title: &str, body: &str, topics: &[&str]) -> Output {
    let topics: String = topics
        .iter()
        .map(|t| format!("<li><a href=\"/topics/x/\" data-pagefind-filter=\"topic\">{t}</a></li>"))
        .collect();
    page(
        &format!("articles/{slug}/index.html"),
        &format!(
            "<!doctype html>\n<html lang=\"en\"><head><title>{title} | Site</title></head><body>\
             <header><a href=\"/\">Site</a> menu words headerword</header><main>\
             <article data-pagefind-filter=\"type:article\"><h1 data-pagefind-meta=\"title\">{title}</h1>\
             <div class=\"prose\" data-pagefind-body><p>{body}</p></div><ul>{topics}</ul></article>\
             </main><footer>footerword</footer></body></html>"
        ),
    )
}

fn facility(slug: &str, name: &str, city: &str) -> FacilityRecord {
    FacilityRecord {
        url: format!("/treatment/tx/{}/{slug}/", city.to_lowercase().replace(' ', "-")),
        name: name.into(),
        city: city.into(),
        state: "Texas".into(),
        phone: "+15125550110".into(),
        levels_of_care: vec!["Detox".into(), "Residential".into()],
        medications: vec!["Buprenorphine".into()],
        payment: vec!["Medicaid".into(), "Self-pay".into()],
        description: "Medically supervised withdrawal in a quiet house.".into(),
    }
}

/// Every record's fragment in a bundle, by URL (group files unpacked).
fn fragments(files: &[Output]) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for f in files.iter().filter(|f| f.rel.starts_with("pagefind/fragment/")) {
        let list: Vec<Value> = decode_fragment(f).expect("a fragment file decodes (gzipped JSON after the signature)");
        for frag in list {
            out.insert(frag["url"].as_str().unwrap_or_default().to_string(), frag);
        }
    }
    out
}

fn filter_values(frag: &Value, name: &str) -> Vec<String> {
    frag["filters"][name]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

#[test]
fn page_url_table() {
    for (rel, url) in [
        ("articles/x/index.html", "/articles/x/"),
        ("about/index.html", "/about/"),
        ("index.html", "/"),
        ("old.html", "/old.html"),
    ] {
        assert_eq!(page_url(rel), url, "{rel}");
    }
}

#[test]
fn facility_fields_table() {
    let full = facility("a", "Alamo House", "San Antonio");
    let bare = FacilityRecord {
        url: "/treatment/x/".into(),
        name: "Bare".into(),
        ..FacilityRecord::default()
    };
    // (record, words the text must hold, meta keys, filter names)
    type Case<'a> = (&'a FacilityRecord, &'a [&'a str], &'a [&'a str], &'a [&'a str]);
    let cases: [Case; 2] = [
        (
            &full,
            &[
                "Alamo House.",
                "San Antonio, Texas.",
                "Detox, Residential.",
                "Medicaid",
                "quiet house",
            ],
            &["city", "phone", "state", "tel", "title"],
            &["level_of_care", "medication", "payment", "state", "type"],
        ),
        (&bare, &["Bare."], &["title"], &["type"]),
    ];
    for (record, words, meta_keys, filter_names) in cases {
        let (content, meta, filters) = facility_fields(record);
        for w in words {
            assert!(content.contains(w), "{w:?} not in {content:?}");
        }
        assert_eq!(meta.keys().map(String::as_str).collect::<Vec<_>>(), meta_keys.to_vec());
        assert_eq!(
            filters.keys().map(String::as_str).collect::<Vec<_>>(),
            filter_names.to_vec()
        );
        assert_eq!(filters["type"], vec!["facility".to_string()]);
    }
    let (_, meta, _) = facility_fields(&full);
    assert_eq!(meta["phone"], "(512) 555-0110");
    assert_eq!(meta["tel"], "tel:+15125550110");
}

#[test]
fn records_and_filters_go_into_the_index() {
    let mut skipped = article("list", "Not Me", "zzqlistword", &[]);
    skipped.index = false;
    let pages = vec![
        article(
            "naloxone",
            "Naloxone Basics",
            "Naloxone reverses an opioid overdose.",
            &["Overdose", "Harm reduction, safety"],
        ),
        page(
            "about/index.html",
            "<!doctype html>\n<html lang=\"en\"><head><title>About</title></head><body><article data-pagefind-filter=\"type:page\">\
             <h1 data-pagefind-meta=\"title\">About us</h1><div data-pagefind-body><p>Who writes this site.</p></div>\
             </article></body></html>",
        ),
        skipped,
    ];
    let facilities = [
        facility("a", "Alamo House", "San Antonio"),
        facility("b", "Brushy Creek Detox", "Round Rock"),
    ];
    let idx = index(&pages, &facilities, "en").expect("indexes");
    assert!(idx.warnings.is_empty(), "{:?}", idx.warnings);
    let urls: Vec<&str> = idx.records.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "/articles/naloxone/",
            "/about/",
            "/treatment/tx/san-antonio/a/",
            "/treatment/tx/round-rock/b/"
        ]
    );
    assert!(idx.records.iter().all(|r| r.words > 0), "{:?}", idx.records);

    let frags = fragments(&idx.files);
    assert_eq!(frags.keys().count(), 4, "{:?}", frags.keys());
    let a = &frags["/articles/naloxone/"];
    assert_eq!(a["meta"]["title"], "Naloxone Basics");
    assert_eq!(filter_values(a, "type"), ["article"]);
    assert_eq!(filter_values(a, "topic"), ["Overdose", "Harm reduction, safety"]);
    let text = a["content"].as_str().unwrap_or_default();
    assert!(text.contains("reverses an opioid overdose"), "{text}");
    assert!(
        !text.contains("headerword") && !text.contains("footerword"),
        "body only: {text}"
    );
    assert_eq!(filter_values(&frags["/about/"], "type"), ["page"]);
    let f = &frags["/treatment/tx/round-rock/b/"];
    assert_eq!(f["meta"]["city"], "Round Rock");
    assert_eq!(f["meta"]["tel"], "tel:+15125550110");
    assert_eq!(filter_values(f, "state"), ["Texas"]);
    assert_eq!(filter_values(f, "level_of_care"), ["Detox", "Residential"]);
    assert_eq!(filter_values(f, "payment"), ["Medicaid", "Self-pay"]);

    let names: BTreeSet<&str> = idx.files.iter().map(|f| f.rel.as_str()).collect();
    for want in [
        "pagefind/pagefind.js",
        "pagefind/pagefind-worker.js",
        "pagefind/pagefind-entry.json",
        "pagefind/wasm.en.pagefind",
    ] {
        assert!(names.contains(want), "{want} missing from {names:?}");
    }
    assert!(
        names.iter().all(|n| n.starts_with("pagefind/") && !n.contains("-ui")),
        "{names:?}"
    );
    let wasm: Vec<&&str> = names.iter().filter(|n| n.starts_with("pagefind/wasm.")).collect();
    assert_eq!(
        wasm,
        [&"pagefind/wasm.en.pagefind"],
        "only the WebAssembly the entry file names"
    );
    assert_eq!(
        names.iter().filter(|n| n.starts_with("pagefind/filter/")).count(),
        6,
        "{names:?}"
    );
}

#[test]
fn fragments_are_grouped_above_the_limit() {
    let facilities: Vec<FacilityRecord> = (0..25)
        .map(|i| facility(&format!("f{i}"), &format!("Facility {i}"), "Austin"))
        .collect();
    let idx = index_with(&[], &facilities, "en", Some(10), Names::Short, &|| ()).expect("indexes");
    let fragment_files = idx
        .files
        .iter()
        .filter(|f| f.rel.starts_with("pagefind/fragment/"))
        .count();
    assert!(fragment_files <= 10, "{fragment_files} fragment files");
    assert_eq!(fragments(&idx.files).len(), 25);

    // No limit (`fragment_files` said None): one file per record, no group file.
    let idx = index_with(&[], &facilities, "en", None, Names::Short, &|| ()).expect("indexes");
    let names: Vec<&str> = idx
        .files
        .iter()
        .map(|f| f.rel.as_str())
        .filter(|rel| rel.starts_with("pagefind/fragment/"))
        .collect();
    assert_eq!(names.len(), 25, "{names:?}");
    assert!(names.iter().all(|n| !n.contains("_group_")), "{names:?}");
}

#[test]
fn fragment_grouping_table() {
    // (files rendered before the index, records, fragment files Pagefind may write)
    let cases: [(usize, usize, Option<u32>); 9] = [
        // Small sites: one file per record.
        (15, 15, None),
        (3_200, 1_000, None),
        // Ungrouped fits: 6,000 + 5,000 + 700 other files.
        (6_000, 5_000, None),
        // 10,000 generated articles (15,114 pages, 918 locator data files): grouping keeps
        // it under, in groups of 4.
        (16_032, 10_000, Some(2_768)),
        // Over with one file per record (12,000 + 9,000): groups of 2 are enough.
        (12_000, 9_000, Some(6_900)),
        // Pages alone over the limit (10,000 articles + 30,000 facilities): never grouped.
        (45_182, 40_000, None),
        (20_000, 100, None),
        // Room left, but only with groups above MAX_GROUP_SIZE: not grouped.
        (18_000, 10_000, None),
        // Nothing to index.
        (0, 0, None),
    ];
    for (files, records, want) in cases {
        let got = fragment_files(files, records);
        assert_eq!(got, want, "{files} files, {records} records");
        if let Some(max) = got {
            let groups = records.div_ceil(records.div_ceil(max as usize));
            assert!(
                files + groups + other_files(records) <= HOST_FILE_LIMIT,
                "{files} files, {records} records: {groups} group files go over the limit"
            );
        }
    }
}

#[test]
fn data_files_count_toward_the_file_limit() {
    // The locator's 918 ZIP files took a 10,000-article site from 19,306 to 20,226 files
    // while fragments were grouped on HTML pages alone.
    let data: Vec<Output> = (0..19_790)
        .map(|i| Output {
            rel: format!("treatment/data/zip/{i}.json"),
            bytes: Vec::new(),
            html: false,
            index: false,
        })
        .collect();
    let facilities: Vec<FacilityRecord> = (0..25)
        .map(|i| facility(&format!("f{i}"), &format!("Facility {i}"), "Austin"))
        .collect();
    let idx = index(&data, &facilities, "en").expect("indexes");
    let groups = idx
        .files
        .iter()
        .filter(|f| f.rel.starts_with("pagefind/fragment/"))
        .count();
    assert!(groups <= 8, "{groups} fragment files");
    assert_eq!(fragments(&idx.files).len(), 25);
}

#[test]
fn a_site_with_nothing_to_index_still_builds() {
    let idx = index(&[], &[], "en").expect("indexes");
    assert!(idx.records.is_empty());
    assert!(idx.files.iter().any(|f| f.rel == "pagefind/pagefind-entry.json"));
}

#[test]
fn page_without_body_marker_is_reported() {
    let bare = page(
        "landing/index.html",
        "<!doctype html>\n<html lang=\"en\"><head><title>x</title></head><body><p>Plain words here.</p></body></html>",
    );
    let pages = [article("a", "A", "Some text.", &[]), bare];
    let idx = index(&pages, &[], "en").expect("indexes");
    assert_eq!(idx.warnings.len(), 1, "{:?}", idx.warnings);
    assert!(
        idx.warnings[0].message.contains("/landing/"),
        "{}",
        idx.warnings[0].message
    );
    assert!(!fragments(&idx.files).contains_key("/landing/"));
}

fn read_fragments(dir: &Path) -> BTreeMap<String, Value> {
    let files: Vec<Output> = walkdir::WalkDir::new(dir.join("pagefind/fragment"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
            Output {
                rel: rel.to_string_lossy().replace('\\', "/"),
                bytes: std::fs::read(e.path()).expect("readable"),
                html: false,
                index: false,
            }
        })
        .collect();
    fragments(&files)
}

// Pagefind once indexed nothing when it read the minified HTML (minify-html drops `</head>`):
// a real build of the demo site must index every article's text, and never a draft.
#[test]
fn minified_head_still_indexed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("site");
    let opts = crate::pipeline::BuildOptions {
        root: Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf(),
        output: Some(out.clone()),
        drafts: true,
        base_url: None,
        minify: true,
        ..Default::default()
    };
    let report = crate::pipeline::build(&opts).expect("the demo site builds");
    assert!(report.timings.stages.iter().any(|(s, _)| *s == "index"));
    let frags = read_fragments(&out);
    let article = &frags["/articles/what-is-opioid-use-disorder/"];
    assert!(article["word_count"].as_u64().unwrap_or(0) > 100, "{article}");
    assert_eq!(filter_values(article, "type"), ["article"]);
    assert!(!filter_values(article, "topic").is_empty(), "{article}");
    assert!(frags.contains_key("/about/"), "{:?}", frags.keys());
    for never in ["/", "/articles/", "/topics/", "/search/", "/404.html"] {
        assert!(!frags.contains_key(never), "{never} must not be indexed");
    }
    let all = serde_json::to_string(&frags).unwrap_or_default();
    assert!(!all.contains("zzqdraftmarker"), "a draft was indexed");
    assert!(frags.keys().all(|u| !u.starts_with("/topics/")), "{:?}", frags.keys());
}

#[test]
fn records_folders_of_dead_processes_are_removed_and_live_ones_kept() {
    let base = tempfile::tempdir().expect("temp dir");
    // Above Linux's highest process id (2^22), so no process has it.
    let orphan = base.path().join(format!("{RECORDS_PREFIX}999999999-abc"));
    let live = base.path().join(format!("{RECORDS_PREFIX}{}-abc", std::process::id()));
    let other = base.path().join("haven-search-notapid");
    for d in [&orphan, &live, &other] {
        std::fs::create_dir_all(d.join("articles")).expect("mkdir");
    }
    remove_orphans(base.path());
    assert_eq!(orphan.exists(), !cfg!(target_os = "linux"));
    assert!(live.exists() && other.exists());
}

#[test]
fn facility_records_keep_their_text_out_of_markup() {
    let mut f = facility("x", "A <b>&</b> \"House\"", "Austin");
    f.description = "</main><script>alert(1)</script>".into();
    let html = facility_html(&f, "en");
    assert!(!html.contains("<script>") && !html.contains("<b>"), "{html}");
    let idx = index(&[], &[f], "en").expect("indexes");
    let frags = fragments(&idx.files);
    let rec = &frags["/treatment/tx/austin/x/"];
    assert_eq!(rec["meta"]["title"], "A <b>&</b> \"House\"");
    assert!(rec["content"].as_str().unwrap_or_default().contains("alert(1)"));
}

#[test]
fn the_same_input_gives_the_same_bundle() {
    let pages: Vec<Output> = (0..30)
        .map(|i| {
            article(
                &format!("a{i}"),
                &format!("Title {i}"),
                &format!("Words number {i} here."),
                &["T"],
            )
        })
        .collect();
    let facilities: Vec<FacilityRecord> = (0..30)
        .map(|i| facility(&format!("f{i}"), &format!("Facility {i}"), "Austin"))
        .collect();
    let files =
        |idx: SearchIndex| -> Vec<(String, Vec<u8>)> { idx.files.into_iter().map(|f| (f.rel, f.bytes)).collect() };
    let first = files(index(&pages, &facilities, "en").expect("indexes"));
    for _ in 0..3 {
        assert!(
            first == files(index(&pages, &facilities, "en").expect("indexes")),
            "bundles differ"
        );
    }
}

/// A language Pagefind has no stemmer for uses `wasm.unknown.pagefind`: it must stay.
#[test]
fn a_language_without_a_stemmer_keeps_the_generic_webassembly() {
    let pages = [article("a", "A", "Words about recovery", &[])];
    let idx = index_with(&pages, &[], "haw", None, Names::Short, &|| ()).expect("indexes");
    let entry = idx
        .files
        .iter()
        .find(|f| f.rel == "pagefind/pagefind-entry.json")
        .expect("entry file");
    let entry: Value = serde_json::from_slice(&entry.bytes).expect("JSON");
    let haw = entry["languages"]
        .get("haw")
        .unwrap_or_else(|| panic!("no haw in {entry}"));
    assert!(haw["wasm"].is_null(), "Pagefind has a stemmer for haw now: {entry}");
    let wasm = "unknown";
    let rel = format!("pagefind/wasm.{wasm}.pagefind");
    assert!(idx.files.iter().any(|f| f.rel == rel), "{rel} missing; entry {entry}");
    let count = idx.files.iter().filter(|f| f.rel.starts_with("pagefind/wasm.")).count();
    assert_eq!(count, 1, "{entry}");
}
