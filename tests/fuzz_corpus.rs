//! The fuzz corpus and crash reproducers (fuzz/corpus, fuzz/artifacts), replayed through the
//! same entry points as the cargo-fuzz targets (fuzz/entry.rs), and property tests
//! (proptest) on those entry points, so both run with every `cargo test`.

// Helpers outside #[test] functions: a panic is how they report a broken fixture.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use haven::{frontmatter, slug};
use proptest::prelude::*;

#[path = "../fuzz/entry.rs"]
mod entry;

/// Every file under `fuzz/<kind>/<target>/`, with its name.
fn inputs(kind: &str, target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    let corpus = inputs("corpus", target);
    assert!(
        corpus.len() >= 100,
        "fuzz/corpus/{target} holds only {} inputs",
        corpus.len()
    );
    for (name, bytes) in corpus.iter().chain(&inputs("artifacts", target)) {
        let caught = std::panic::catch_unwind(|| run(bytes));
        assert!(caught.is_ok(), "{name} fails");
    }
}

#[test]
fn front_matter_corpus_replays() {
    replay("front_matter", entry::front_matter);
}

#[test]
fn markdown_corpus_replays() {
    replay("markdown", entry::markdown);
}

#[test]
fn facility_corpus_replays() {
    replay("facility", entry::facility);
}

/// Text assembled from pieces that matter to the parser and arbitrary text between them.
fn pieces(parts: &'static [&'static str]) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(parts).prop_map(str::to_string),
        1 => any::<String>(),
        1 => "[a-z #:\\-\\[\\]{}*`>|\n]{0,12}",
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

const FRONT_PIECES: &[&str] = &[
    "---\n",
    "---\r\n",
    "--- \n",
    "---",
    "\u{feff}",
    "\n",
    "\r\n",
    "title: x\n",
    "author: jane\n",
    "published: 2024-01-02\n",
    "topics: [a, b]\n",
    "extra:\n  k: v\n",
    "a: &x [1]\nb: *x\n",
    "'",
    "\"",
    "#",
    "  ",
    "\t",
    "é",
];

const MARKDOWN_PIECES: &[&str] = &[
    "# ",
    "## ",
    "### ",
    "\n",
    "\n\n",
    "{#id}",
    "{#x .c}",
    "[a](@/articles/x.md)",
    "[b](@/articles/x.md#part)",
    "[c](#part)",
    "[d](/articles/)",
    "![i](/x.png)",
    "[e]: /y\n",
    "*",
    "_",
    "`",
    "- ",
    "1. ",
    "> ",
    "| a |\n|---|\n",
    "[^1]",
    "[^1]: n\n",
    "<b>",
    "</b>",
    "&amp;",
    "\\",
    "Part",
    "part",
    "    ",
    "~~",
];

const FACILITY_PIECES: &[&str] = &[
    "name: A & B <House>\n",
    "name: \"X</script><img src=x onerror=alert(1)>\"\n",
    "slug: fixed-house\n",
    "slug: a\n",
    "address:\n  street: 1 Main St\n  city: Austin\n  state: TX\n  zip: \"78701\"\n",
    "address: { street: s, city: \"<script>\", state: ZZ, zip: \"00000\" }\n",
    "  city: ",
    "geo: { lat: 30.27, lon: -97.74 }\n",
    "geo: { lat: 91, lon: -181 }\n",
    "geo: { lat: .nan, lon: .inf }\n",
    "phone: \"+15125550100\"\n",
    "phones: [{ type: tty, number: \"+15125550101\" }]\n",
    "website: https://example.org/\n",
    "website: javascript:alert(1)\n",
    "email: a@example.org\n",
    "levels_of_care: [outpatient]\n",
    "levels_of_care: []\n",
    "medications: [naloxone, x]\n",
    "payment: [medicaid]\n",
    "languages: [es, zz]\n",
    "npi: \"1234567893\"\n",
    "licenses: [{ number: \"1\", url: \"https://example.org\" }]\n",
    "verified: 2026-10-10\n",
    "verified: 2026-02-30\n",
    "walk_in: true\n",
    "sponsored: yes\n",
    "hours: Mon\n",
    "description: |\n  <script>alert(1)</script> [x](javascript:alert(1)) **b**\n",
    "extra: { k: [1, 2] }\n",
    "a: &x [1]\nb: *x\n",
    "\n",
    "  ",
    "'",
    "\"",
    "#",
    "é",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_split_offsets_are_in_range(text in pieces(FRONT_PIECES)) {
        if let Ok(s) = frontmatter::split(&text) {
            prop_assert!(s.yaml_offset <= s.body_offset && s.body_offset <= text.len());
            prop_assert_eq!(&text[s.yaml_offset..s.yaml_offset + s.yaml.len()], s.yaml);
            prop_assert_eq!(&text[s.body_offset..], s.body);
        }
        entry::front_matter(text.as_bytes());
    }

    #[test]
    fn slugify_gives_a_slug_or_nothing(text in any::<String>()) {
        let s = slug::slugify(&text);
        prop_assert!(s.is_empty() || slug::is_slug(&s), "{:?} -> {:?}", text, s);
        prop_assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    }

    /// Mostly-valid facility files: parse, validate, resolve, render (checks inside
    /// `entry::facility`: sanitized descriptions, every facility placed once, locator JSON).
    #[test]
    fn facility_files_resolve_and_render(text in pieces(FACILITY_PIECES)) {
        entry::facility(text.as_bytes());
    }

    /// Also checks that heading ids are unique (inside `entry::markdown`).
    #[test]
    fn markdown_renders_with_unique_heading_ids(text in pieces(MARKDOWN_PIECES)) {
        entry::markdown(text.as_bytes());
    }
}
