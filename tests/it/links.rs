//! Links, assets and absolute URLs under a `base_url` with a sub-path.

use crate::support::{Built, SUB, Site, basic, basic_sub, snapshot};

#[test]
fn content_links_carry_the_sub_path() {
    let page = basic_sub().page("/articles/naloxone/");
    let links = page.attrs(".prose a", "href");
    assert_eq!(
        links,
        [
            "/recovery/articles/buprenorphine/#how-it-works",
            "/recovery/legal/privacy/",
            "#steps",
            "/recovery/about/",
        ]
    );
    assert_eq!(page.attr(".prose img", "src"), "/recovery/images/diagram.png");
    assert_eq!(
        page.attr(".reviewer img", "src"),
        "/recovery/images/authors/jane-roe.png"
    );
    assert_eq!(
        page.attrs("nav.menu[aria-label=Main] a", "href"),
        ["/recovery/articles/", "/recovery/legal/privacy/"]
    );
    // The home page's @/ link too.
    let home = basic_sub().page("/");
    assert_eq!(home.attr(".prose a", "href"), "/recovery/articles/naloxone/");
}

#[test]
fn hashed_stylesheet_is_linked_under_the_sub_path() {
    let built = basic_sub();
    let page = built.page("/articles/naloxone/");
    let href = page.attr(r#"link[rel="stylesheet"]"#, "href");
    let name = href.strip_prefix("/recovery/").unwrap_or_else(|| panic!("{href}"));
    let hash = name
        .strip_prefix("style.")
        .and_then(|n| n.strip_suffix(".css"))
        .unwrap_or_else(|| panic!("{name}"));
    assert!(
        hash.len() == 10 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "{name}"
    );
    assert!(built.out.join(name).is_file(), "{name} was not written");
    // Written minified: smaller than the theme's source, and still its rules.
    let css = std::fs::read_to_string(built.out.join(name)).expect("style.css");
    let source = include_str!("../../themes/default/static/style.css");
    assert!(
        css.len() * 10 < source.len() * 8,
        "{} -> {} bytes",
        source.len(),
        css.len()
    );
    assert!(!css.contains('\n') && !css.contains("/*"), "not minified");
    for rule in ["body{", ".call{", ":focus-visible{"] {
        assert!(css.contains(rule), "{rule} missing");
    }
}

#[test]
fn absolute_urls_carry_the_sub_path() {
    let built = basic_sub();
    let page = built.page("/articles/naloxone/");
    let canonical = format!("{SUB}articles/naloxone/");
    assert_eq!(page.attr(r#"link[rel="canonical"]"#, "href"), canonical);
    assert_eq!(page.attr(r#"meta[property="og:url"]"#, "content"), canonical);
    assert_eq!(page.json_ld()["url"], canonical.as_str());

    let feed = built.xml("/feed.xml");
    assert_eq!(feed.child("id").text, format!("{SUB}feed.xml"));
    for entry in feed.all("entry") {
        let href = entry.child("link").attr("href");
        assert!(href.starts_with(SUB), "{href}");
    }
    let sitemap = built.xml("/sitemap.xml");
    for url in sitemap.all("url") {
        let loc = &url.child("loc").text;
        assert!(loc.starts_with(SUB), "{loc}");
    }
    assert!(
        built
            .text("/robots.txt")
            .contains(&format!("Sitemap: {SUB}sitemap.xml"))
    );
}

#[test]
fn redirects_carry_the_sub_path() {
    let built = basic_sub();
    let page = built.page("/naloxone-guide/");
    assert_eq!(
        page.attr(r#"meta[http-equiv="refresh"]"#, "content"),
        format!("0; url={SUB}articles/naloxone/")
    );
    assert_eq!(
        built.text("/_redirects"),
        "/recovery/naloxone-guide/ /recovery/articles/naloxone/ 301\n"
    );
}

/// Every root-relative `href`, `src` and form `action` of every page must start with
/// `prefix` and name a file the build wrote.
fn assert_internal_links_resolve(built: &Built, prefix: &str) {
    let mut checked = 0;
    for (rel, page) in built.html_pages() {
        let urls = ["href", "src", "action"]
            .iter()
            .flat_map(|attr| page.attrs(&format!("[{attr}]"), attr))
            .filter(|u| u.starts_with('/') && !u.starts_with("//"));
        for url in urls {
            let inner = url
                .strip_prefix(prefix)
                .unwrap_or_else(|| panic!("{rel}: {url} is outside the base path {prefix}"));
            let path = inner.split(['#', '?']).next().unwrap_or_default();
            // The treatment locator's route is reserved by the facilities stage, which
            // renders it in its own issue.
            if path.starts_with("treatment/") {
                continue;
            }
            let file = if path.is_empty() || path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.to_string()
            };
            assert!(built.out.join(&file).is_file(), "{rel}: {url} points at nothing");
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn every_internal_link_resolves_at_the_root() {
    assert_internal_links_resolve(basic(), "/");
}

#[test]
fn every_internal_link_resolves_under_a_sub_path() {
    assert_internal_links_resolve(basic_sub(), "/recovery/");
}

#[test]
fn sub_path_in_site_yaml_equals_the_flag() {
    let by_flag = basic_sub();
    let by_file = Site::fixture("basic")
        .edit(
            "content/site.yaml",
            "base_url: https://example.org/",
            &format!("base_url: {SUB}"),
        )
        .build();
    assert!(
        snapshot(&by_flag.out) == snapshot(&by_file.out),
        "--base-url and base_url built different sites"
    );
}
