//! The entry points the fuzz targets drive, shared with `tests/fuzz_corpus.rs` (which replays
//! the corpus through them) so both exercise exactly the same code. Each function takes
//! arbitrary bytes, runs a stage of haven on them, and panics only when an invariant breaks.

// Each fuzz target uses one of the entry points.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use haven::config::{self, SiteConfig};
use haven::diag::{self, Diag, Diags, Source};
use haven::load::{Doc, Loaded};
use haven::render::{self, Job};
use haven::resolve::Site;
use haven::theme::{self, Theme};
use haven::{frontmatter, markdown, resolve, slug, validate};

const SITE: &str = "title: Fuzz\nbase_url: https://example.org/\n";
/// Site settings of the facility target: no staleness warning, so results do not depend on
/// the day the fuzzer runs.
const FACILITY_SITE: &str =
    "title: Fuzz\nbase_url: https://example.org/\ncorrections: listings@example.org\nlistings_stale_after_months: 0\n";
/// A valid facility beside the fuzzed one: slug clashes, shared cities and cells.
const FACILITY: &str = "name: Fixed House\naddress:\n  street: 4 Example St\n  city: Austin\n  state: TX\n  zip: \"78701\"\ngeo: { lat: 30.27, lon: -97.74 }\nphone: \"+15125550100\"\nlevels_of_care: [outpatient]\nverified: 2026-10-10\n";
const AUTHOR: &str = "name: Jane Roe\n";
/// Front matter put before a fuzzed Markdown body.
const FRONT: &str = "---\ntitle: T\nauthor: jane\npublished: 2024-01-02\n---\n";

fn source(name: &str, text: &str) -> Source {
    Source {
        name: name.into(),
        text: text.into(),
    }
}

fn theme() -> Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME
        .get_or_init(|| {
            let config = config::parse(&source("content/site.yaml", SITE), None, &mut Diags::new());
            let config = config.unwrap_or_else(SiteConfig::placeholder);
            theme::load(Path::new("fuzz-site-that-does-not-exist"), &config, &mut Diags::new())
        })
        .clone()
}

/// A site with site.yaml, one author and the article `text`, in memory.
fn one_article_site(text: &str) -> Loaded {
    Loaded {
        root: PathBuf::from("fuzz-site"),
        site: Some(source("content/site.yaml", SITE)),
        articles: vec![Doc {
            rel: "articles/x.md".into(),
            source: source("content/articles/x.md", text),
        }]
        .into(),
        authors: vec![Doc {
            rel: "authors/jane.yaml".into(),
            source: source("content/authors/jane.yaml", AUTHOR),
        }]
        .into(),
        ..Loaded::default()
    }
}

/// Every diagnostic points inside its file and can be printed.
fn check_diags(diags: Diags) {
    for d in diags.into_sorted() {
        check_diag(&d);
    }
}

fn check_diag(d: &Diag) {
    if let (Some(src), Some((offset, _))) = (&d.source, d.span) {
        assert!(
            offset <= src.text.len(),
            "span {offset} past the end of {}: {}",
            src.name,
            d.message
        );
    }
    let _ = d.line_col();
    let _ = diag::render(d, false);
}

/// Target (a): front matter splitting, then YAML into the article's front matter (the
/// whole validate stage for one article file).
pub(crate) fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(s) = frontmatter::split(text) {
        assert!(s.yaml_offset <= s.body_offset && s.body_offset <= text.len());
        assert_eq!(&text[s.yaml_offset..s.yaml_offset + s.yaml.len()], s.yaml);
        assert_eq!(&text[s.body_offset..], s.body);
    }
    let mut diags = Diags::new();
    let validated = validate::validate(one_article_site(text), None, &mut diags);
    if let Some(v) = validated {
        for a in &v.articles {
            assert!(a.body_offset <= text.len());
            let _ = a.body();
        }
    }
    check_diags(diags);
}

/// Target (b): an article's Markdown: scan, render, and the whole resolve stage (link
/// resolution, heading ids, table of contents) on a one-article site in memory.
pub(crate) fn markdown(data: &[u8]) {
    let Ok(body) = std::str::from_utf8(data) else { return };
    let scan = markdown::scan(body);
    let mut ids = std::collections::HashSet::new();
    for h in &scan.headings {
        assert!(ids.insert(h.id.clone()), "duplicate heading id {:?}", h.id);
    }
    for l in &scan.links {
        assert!(l.span.0 + l.span.1 <= body.len());
    }
    let _ = markdown::render(body, &scan.headings, &[]);
    let _ = markdown::toc(&scan.headings);
    let _ = markdown::cut(&scan.first_paragraph, 160);

    let text = format!("{FRONT}{body}");
    let mut diags = Diags::new();
    let Some(v) = validate::validate(one_article_site(&text), None, &mut diags) else {
        panic!("the fixed front matter must validate: {:?}", diags.into_sorted());
    };
    let site = resolve::resolve(v, theme(), resolve::Options::default(), &mut diags);
    if let Some(site) = site {
        assert_eq!(site.articles.len(), 1);
    }
    check_diags(diags);
}

/// A site with site.yaml and two facility files, the first holding `text`, in memory.
fn facility_site(text: &str) -> Loaded {
    Loaded {
        root: PathBuf::from("fuzz-site"),
        site: Some(source("content/site.yaml", FACILITY_SITE)),
        facilities: vec![
            Doc {
                rel: "facilities/tx/x.yaml".into(),
                source: source("content/facilities/tx/x.yaml", text),
            },
            Doc {
                rel: "facilities/tx/fixed-house.yaml".into(),
                source: source("content/facilities/tx/fixed-house.yaml", FACILITY),
            },
        ]
        .into(),
        ..Loaded::default()
    }
}

/// The template engine of the facility site. Its globals depend only on site.yaml, which
/// is fixed, so it is built once (building it takes longer than a whole fuzz run).
fn facility_engine(site: &Site) -> &'static tera::Tera {
    static TERA: OnceLock<tera::Tera> = OnceLock::new();
    TERA.get_or_init(|| match render::site_engine(site) {
        Ok(t) => t,
        Err(e) => panic!("the theme must load: {e:?}"),
    })
}

/// Target (c): a facility file through parse, validate and the whole resolve stage (slugs,
/// routes, states, cities, locator cells), then its page, its city and state pages and its
/// locator data rendered. The facility's free text must come out of the sanitizer without
/// a script, and its locator record must round-trip the name through JSON.
pub(crate) fn facility(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut diags = Diags::new();
    let Some(v) = validate::validate(facility_site(text), None, &mut diags) else {
        panic!("the fixed site must validate: {:?}", diags.into_sorted());
    };
    let site = resolve::resolve(v, theme(), resolve::Options::default(), &mut diags);
    let has_errors = diags.has_errors();
    check_diags(diags);
    let Some(site) = site else { return };
    let dir = &site.facilities;
    for f in &dir.facilities {
        assert!((-90.0..=90.0).contains(&f.lat) && (-180.0..=180.0).contains(&f.lon));
        assert!(slug::is_slug(&f.slug), "facility slug {:?}", f.slug);
        assert!(slug::is_slug(&f.city_slug), "city slug {:?}", f.city_slug);
        let html = f.description_html.to_ascii_lowercase();
        assert!(!html.contains("<script"), "script in {:?}", f.description_html);
        assert!(!html.contains("javascript:"), "script URL in {:?}", f.description_html);
    }
    let in_cities: usize = dir.cities.iter().map(|c| c.facilities.len()).sum();
    let in_states: usize = dir.states.iter().map(|s| s.facilities.len()).sum();
    let in_cells: usize = dir.cells.iter().map(|c| c.facilities.len()).sum();
    let n = dir.facilities.len();
    assert_eq!(
        (in_cities, in_states, in_cells),
        (n, n, n),
        "each facility in one city, state and cell"
    );
    if has_errors {
        return;
    }
    let tera = facility_engine(&site);
    let jobs = (0..dir.facilities.len())
        .map(Job::Facility)
        .chain((0..dir.states.len()).map(Job::State))
        .chain((0..dir.cities.len()).map(Job::City))
        .chain((0..dir.cells.len()).map(Job::LocatorCell));
    for job in jobs {
        let out = match render::render_job(&site, tera, job) {
            Ok(o) => o,
            Err(d) => panic!("{job:?} fails to render: {}", diag::render(&d, false)),
        };
        if let Job::LocatorCell(i) = job {
            let v: serde_json::Value = serde_json::from_slice(&out.bytes).unwrap_or_else(|e| panic!("cell JSON: {e}"));
            let Some(records) = v.as_array() else {
                panic!("a cell is an array")
            };
            for (rec, &fi) in records.iter().zip(&dir.cells[i].facilities) {
                assert_eq!(rec[1].as_str(), Some(dir.facilities[fi].name.as_str()));
            }
        }
    }
}
