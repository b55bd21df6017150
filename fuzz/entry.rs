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
use haven::theme::{self, Theme};
use haven::{frontmatter, markdown, resolve, validate};

const SITE: &str = "title: Fuzz\nbase_url: https://example.org/\n";
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
        }],
        authors: vec![Doc {
            rel: "authors/jane.yaml".into(),
            source: source("content/authors/jane.yaml", AUTHOR),
        }],
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
