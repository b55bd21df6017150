//! Every kind of page the build makes, from the `basic` fixture (per page: 2 articles).

use crate::support::{Elem, Site, basic};

const FAMILY: &str = "content/articles/family.md";

/// Titles of the article cards of a list page, in order.
fn card_titles(page: &crate::support::Page) -> Vec<String> {
    page.texts(".card-title a")
}

#[test]
fn every_page_kind_is_written() {
    let built = basic();
    for path in [
        "/",
        "/articles/",
        "/articles/page/2/",
        "/articles/naloxone/",
        "/articles/buprenorphine/",
        "/articles/family/",
        "/articles/twelve-step/",
        "/topics/",
        "/topics/recovery/",
        "/topics/naloxone/",
        "/topics/medications/",
        "/topics/family/",
        "/authors/sam-writer/",
        "/authors/jane-roe-md/",
        "/authors/editorial-team/",
        "/about/",
        "/legal/privacy/",
        "/search/",
        "/404.html",
        "/sitemap.xml",
        "/feed.xml",
        "/robots.txt",
        "/_redirects",
        "/naloxone-guide/",
        "/images/diagram.png",
        "/images/authors/jane-roe.png",
    ] {
        assert!(built.exists(path), "{path} was not written");
    }
    // 4 articles, 2 per page: exactly two list pages.
    assert!(!built.exists("/articles/page/3/"));
    assert_eq!(built.report.pages, built.html_pages().len());
}

#[test]
fn demo_site_builds() {
    // The repository's own content/ is the site README tells people to build first.
    let out = tempfile::tempdir().expect("temp dir");
    let opts = haven::pipeline::BuildOptions {
        root: env!("CARGO_MANIFEST_DIR").into(),
        output: Some(out.path().join("site")),
        minify: true,
        ..Default::default()
    };
    match haven::pipeline::build(&opts) {
        Ok(report) => assert!(report.pages >= 20, "only {} pages", report.pages),
        Err(diags) => panic!(
            "the demo site does not build:\n{}",
            crate::support::Errors { diags }.text()
        ),
    }
    assert!(out.path().join("site/articles/index.html").is_file());
}

#[test]
fn ignored_files_and_extra_fields_are_accepted() {
    let built = Site::fixture("basic")
        .write("content/articles/_notes.md", "not front matter at all")
        .write("content/articles/family.md~", "an editor backup")
        .write("content/articles/.hidden.md", "---\n")
        .edit(FAMILY, "topics: [Family]", "topics: [Family]\nextra:\n  colour: green")
        .append("content/site.yaml", "extra:\n  twitter: none\n")
        .append("content/authors/sam-writer.yaml", "extra:\n  pronouns: they\n")
        .build();
    assert!(built.exists("/articles/family/"));
    assert!(!built.exists("/articles/notes/") && !built.exists("/articles/hidden/"));
}

#[test]
fn home_shows_its_title_content_and_latest_articles() {
    let home = basic().page("/");
    assert_eq!(home.text("main h1"), "Welcome to Basic Recovery");
    assert!(home.text("main .prose").contains("Plain information about recovery."));
    assert_eq!(
        card_titles(&home),
        [
            "Naloxone: How to Respond",
            "Buprenorphine",
            "Supporting a Family Member",
            "Twelve-Step Groups"
        ]
    );
}

#[test]
fn article_list_is_paginated_newest_first() {
    let built = basic();
    let first = built.page("/articles/");
    let second = built.page("/articles/page/2/");
    assert_eq!(card_titles(&first), ["Naloxone: How to Respond", "Buprenorphine"]);
    assert_eq!(
        card_titles(&second),
        ["Supporting a Family Member", "Twelve-Step Groups"]
    );
    assert_eq!(first.attr(r#"a[rel="next"]"#, "href"), "/articles/page/2/");
    assert!(!first.has(r#"a[rel="prev"]"#));
    assert_eq!(second.attr(r#"a[rel="prev"]"#, "href"), "/articles/");
    assert!(!second.has(r#"a[rel="next"]"#));
}

#[test]
fn topics_merge_case_insensitively() {
    // naloxone.md says "Recovery", buprenorphine.md says "recovery": one topic.
    let built = basic();
    let topics = built.page("/topics/");
    let names = topics.texts(".topic-list a");
    assert_eq!(names, ["Family", "Medications", "Naloxone", "Recovery"]);
    let recovery = built.page("/topics/recovery/");
    assert_eq!(recovery.text("main h1"), "Recovery");
    assert_eq!(card_titles(&recovery), ["Naloxone: How to Respond", "Buprenorphine"]);
}

#[test]
fn article_page_links_its_own_topics() {
    // Regression: sorting the topic list after articles took their topic indexes made
    // each article show (and put in its JSON-LD keywords) other articles' topics.
    let built = basic();
    let page = built.page("/articles/naloxone/");
    assert_eq!(page.texts(".article-topics a"), ["Recovery", "Naloxone"]);
    assert_eq!(
        page.attrs(".article-topics a", "href"),
        ["/topics/recovery/", "/topics/naloxone/"]
    );
    let keywords = page.json_ld()["mainEntity"]["keywords"].clone();
    assert_eq!(keywords, "Recovery, Naloxone");
    let family = built.page("/articles/family/");
    assert_eq!(family.texts(".article-topics a"), ["Family"]);
}

#[test]
fn author_pages_list_written_and_reviewed_articles() {
    let built = basic();
    let jane = built.page("/authors/jane-roe-md/");
    assert_eq!(jane.text("main h1"), "Jane Roe, MD, FASAM");
    assert_eq!(
        jane.attr("header.author-page img", "src"),
        "/images/authors/jane-roe.png"
    );
    let sections = jane.select("main section");
    assert_eq!(sections.len(), 2, "written and reviewed");
    let reviewed = jane.texts(r#"section[aria-labelledby="reviewed-title"] .card-title a"#);
    assert_eq!(reviewed, ["Naloxone: How to Respond", "Buprenorphine"]);
    let sam = built.page("/authors/sam-writer/");
    assert_eq!(card_titles(&sam), ["Naloxone: How to Respond", "Twelve-Step Groups"]);
}

#[test]
fn standalone_pages_follow_their_folders() {
    let built = basic();
    let privacy = built.page("/legal/privacy/");
    assert_eq!(privacy.text("main h1"), "Privacy Policy");
    assert_eq!(
        privacy.attr(r#"link[rel="canonical"]"#, "href"),
        "https://example.org/legal/privacy/"
    );
    // toc: true on the page, and it has one h2.
    assert_eq!(privacy.attrs("nav.toc a", "href"), ["#cookies"]);
    let about = built.page("/about/");
    assert_eq!(about.text("main h1"), "About Us");
    assert!(!about.has("nav.toc"), "pages have no table of contents by default");
}

#[test]
fn search_and_not_found_pages() {
    let built = basic();
    let search = built.page("/search/");
    assert_eq!(search.text("main h1"), "Search");
    assert_eq!(search.attr("main form", "action"), "/search/");
    let missing = built.page("/404.html");
    assert_eq!(missing.attr(r#"meta[name="robots"]"#, "content"), "noindex");
    assert_eq!(missing.attrs("main .links a", "href"), ["/", "/articles/"]);
}

fn sitemap_entries(sitemap: &Elem) -> Vec<(String, Option<String>)> {
    sitemap
        .all("url")
        .into_iter()
        .map(|u| {
            (
                u.child("loc").text.clone(),
                u.all("lastmod").first().map(|l| l.text.clone()),
            )
        })
        .collect()
}

#[test]
fn sitemap_is_xml_with_lastmod_on_articles() {
    let built = basic();
    let sitemap = built.xml("/sitemap.xml");
    assert_eq!(sitemap.name, "urlset");
    assert_eq!(sitemap.attr("xmlns"), "http://www.sitemaps.org/schemas/sitemap/0.9");
    let entries = sitemap_entries(&sitemap);
    let lastmod = |loc: &str| {
        entries
            .iter()
            .find(|(l, _)| l == loc)
            .unwrap_or_else(|| panic!("{loc} not in the sitemap: {entries:?}"))
            .1
            .clone()
    };
    // updated wins over published.
    assert_eq!(
        lastmod("https://example.org/articles/naloxone/").as_deref(),
        Some("2024-05-01")
    );
    assert_eq!(
        lastmod("https://example.org/articles/family/").as_deref(),
        Some("2024-01-15")
    );
    for loc in [
        "https://example.org/",
        "https://example.org/articles/page/2/",
        "https://example.org/topics/recovery/",
        "https://example.org/authors/jane-roe-md/",
        "https://example.org/legal/privacy/",
    ] {
        lastmod(loc);
    }
    let locs: Vec<&str> = entries.iter().map(|(l, _)| l.as_str()).collect();
    assert!(!locs.iter().any(|l| l.contains("draft")), "{locs:?}");
    assert!(
        !locs.iter().any(|l| l.contains("naloxone-guide")),
        "redirects are not pages: {locs:?}"
    );
    let mut unique = locs.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), locs.len(), "duplicate sitemap entries: {locs:?}");
}

#[test]
fn feed_is_atom_newest_first_without_drafts() {
    let feed = basic().xml("/feed.xml");
    assert_eq!(feed.name, "feed");
    assert_eq!(feed.attr("xmlns"), "http://www.w3.org/2005/Atom");
    assert_eq!(feed.child("title").text, "Basic Recovery");
    assert_eq!(
        feed.child("subtitle").text,
        "A small test site for haven's integration tests."
    );
    assert_eq!(feed.child("updated").text, "2024-05-01T00:00:00Z");
    let entries = feed.all("entry");
    let titles: Vec<&str> = entries.iter().map(|e| e.child("title").text.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Naloxone: How to Respond",
            "Buprenorphine",
            "Supporting a Family Member",
            "Twelve-Step Groups"
        ]
    );
    let first = entries[0];
    assert_eq!(
        first.child("link").attr("href"),
        "https://example.org/articles/naloxone/"
    );
    assert_eq!(first.child("published").text, "2024-03-01T00:00:00Z");
    assert_eq!(first.child("updated").text, "2024-05-01T00:00:00Z");
    assert_eq!(first.child("author").child("name").text, "Sam Writer");
    assert!(first.child("content").text.contains("<h2 id=\"overview\">"));
}

#[test]
fn feed_never_has_drafts_even_with_drafts_flag() {
    // Regression: --drafts (a preview build) put the draft into the feed, which readers
    // would fetch and keep.
    let feed = Site::fixture("basic").drafts().build().xml("/feed.xml");
    let titles: Vec<String> = feed
        .all("entry")
        .iter()
        .map(|e| e.child("title").text.clone())
        .collect();
    assert!(!titles.iter().any(|t| t == "Draft Secret Article"), "{titles:?}");
    assert_eq!(titles.len(), 4);
    assert_eq!(feed.child("updated").text, "2024-05-01T00:00:00Z");
}

#[test]
fn robots_points_at_the_sitemap() {
    let robots = basic().text("/robots.txt");
    assert!(
        robots.lines().any(|l| l == "Sitemap: https://example.org/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn alias_gets_a_redirect_page_and_a_redirects_line() {
    let built = basic();
    let page = built.page("/naloxone-guide/");
    let target = "https://example.org/articles/naloxone/";
    assert_eq!(page.attr(r#"link[rel="canonical"]"#, "href"), target);
    assert_eq!(
        page.attr(r#"meta[http-equiv="refresh"]"#, "content"),
        format!("0; url={target}")
    );
    assert_eq!(page.attr("body a", "href"), target);
    assert_eq!(built.text("/_redirects"), "/naloxone-guide/ /articles/naloxone/ 301\n");
}

/// The facilities fixture with 25 more copies of one listing, each `verified: {date(i)}`.
fn facilities_with_copies(date: impl Fn(usize) -> String) -> Site {
    let text = std::fs::read_to_string("tests/fixtures/facilities/content/facilities/co/clinica.yaml")
        .expect("fixture facility");
    assert!(text.contains("verified: 2026-09-15"));
    let mut site = Site::fixture("facilities").edit(
        "content/site.yaml",
        "listings_stale_after_months: 0",
        "listings_stale_after_months: 12",
    );
    for i in 0..25 {
        let copy = text
            .replace("verified: 2026-09-15", &format!("verified: {}", date(i)))
            .replace("slug: clinica-senora-de-la-paz", &format!("slug: stale-{i}"));
        site = site.write(&format!("content/facilities/co/stale-{i}.yaml"), &copy);
    }
    site
}

#[test]
fn many_warnings_are_counted_after_the_first_twenty_and_check_can_list_them_all() {
    // Dated in the future: warnings of no group, each printed in full up to twenty.
    let site = facilities_with_copies(|i| format!("2999-01-{:02}", i + 1));
    let build = site.haven(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.stderr);
    assert_eq!(build.stderr.matches("is in the future").count(), 20, "{}", build.stderr);
    assert!(
        build
            .stderr
            .contains("... and 5 more warnings not shown; `--all-warnings` lists every one"),
        "{}",
        build.stderr
    );
    let all = site.haven(&["check", "--all-warnings"]);
    assert_eq!(all.code, Some(0), "{}", all.stderr);
    assert!(!all.stderr.contains("not shown"), "{}", all.stderr);
    for i in 0..25 {
        assert!(
            all.stderr.contains(&format!("stale-{i}.yaml")),
            "stale-{i} missing:\n{}",
            all.stderr
        );
    }
}

#[test]
fn stale_listings_are_one_line_naming_the_three_oldest() {
    // Each stale listing used to print a block of its own (the issue's "25 warnings").
    let site = facilities_with_copies(|i| format!("{}-03-01", 2000 + (i * 7) % 25));
    let build = site.haven(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.stderr);
    assert_eq!(
        build.stderr.lines().filter(|l| l.starts_with("warning:")).count(),
        1,
        "{}",
        build.stderr
    );
    assert!(
        build.stderr.starts_with(
            "warning: 25 listings were last verified more than 12 months ago; the three oldest: \
             content/facilities/co/stale-0.yaml:16:11 (2000-03-01), \
             content/facilities/co/stale-18.yaml:16:11 (2001-03-01), \
             content/facilities/co/stale-11.yaml:16:11 (2002-03-01)\n"
        ),
        "{}",
        build.stderr
    );
    assert!(build.stdout.contains(", with 25 warnings."), "{}", build.stdout);
    let all = site.haven(&["build", "--all-warnings"]);
    assert_eq!(
        all.stderr.matches("more than 12 months ago").count(),
        25,
        "{}",
        all.stderr
    );
}
