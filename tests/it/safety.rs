//! Safe by default (issue 14): no page tells another site which page a reader came from,
//! raw HTML in editors' Markdown is sanitized unless the site trusts its editors, and two
//! builds never mix their files in one output folder.

use crate::support::Site;

const FACILITY: &str = "content/facilities/tx/san-antonio-example.yaml";

/// The basic fixture with one facility that has a website, so every page kind is built.
fn with_facility() -> Site {
    Site::fixture("basic").write(
        FACILITY,
        "name: San Antonio Example Clinic\naddress:\n  street: 3 Example Plaza\n  city: San Antonio\n  state: TX\n  zip: \"78205\"\ngeo: { lat: 29.4241, lon: -98.4936 }\nphone: \"+12105550100\"\nwebsite: https://example.org/sa\nlevels_of_care: [detox]\nmedications: [methadone]\npayment: [private-insurance]\nverified: 2026-10-10\n",
    )
}

#[test]
fn every_page_kind_keeps_the_referrer_on_the_site() {
    let built = with_facility().build();
    let pages = built.html_pages();
    // Each page kind the site builds, by a path that only that kind has.
    for kind in [
        "index.html",
        "articles/index.html",
        "articles/naloxone/index.html",
        "about/index.html",
        "authors/sam-writer/index.html",
        "topics/index.html",
        "treatment/index.html",
        "treatment/tx/index.html",
        "treatment/tx/san-antonio/index.html",
        "treatment/tx/san-antonio/san-antonio-example/index.html",
        "search/index.html",
        "404.html",
        "naloxone-guide/index.html",
    ] {
        assert!(
            pages.iter().any(|(rel, _)| rel == kind),
            "no {kind} among {:?}",
            pages.iter().map(|(r, _)| r).collect::<Vec<_>>()
        );
    }
    assert!(
        pages
            .iter()
            .any(|(rel, _)| rel.starts_with("topics/") && rel != "topics/index.html")
    );
    for (rel, page) in &pages {
        let metas = page.attrs(r#"head meta[name="referrer"]"#, "content");
        assert_eq!(metas, ["same-origin"], "{rel}");
    }
    let facility = built.page("/treatment/tx/san-antonio/san-antonio-example/");
    let rel = facility.attr(r#"a[href="https://example.org/sa"]"#, "rel");
    assert!(rel.split(' ').any(|r| r == "noreferrer"), "rel={rel:?}");
}
