//! What an article page holds: heading ids, table of contents, JSON-LD, drafts, and the
//! help bar (hotline and crisis lines) on every page.

use crate::support::{Built, Page, Site, basic, text_of};

#[test]
fn heading_ids_are_deduplicated() {
    let page = basic().page("/articles/naloxone/");
    let ids = page.attrs(".prose h2, .prose h3", "id");
    assert_eq!(ids, ["overview", "signs", "signs-1", "overview-1", "steps"]);
}

#[test]
fn toc_nests_h3_under_h2() {
    let page = basic().page("/articles/naloxone/");
    let top: Vec<String> = page
        .select("nav.toc > ol > li")
        .into_iter()
        .map(|li| {
            let a = li
                .children()
                .filter_map(scraper::ElementRef::wrap)
                .find(|c| c.value().name() == "a");
            a.and_then(|a| a.value().attr("href")).unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(top, ["#overview", "#overview-1", "#steps"]);
    assert_eq!(page.attrs("nav.toc > ol > li > ol a", "href"), ["#signs", "#signs-1"]);
    assert_eq!(page.texts("nav.toc > ol > li > ol a"), ["Signs", "Signs"]);
}

#[test]
fn toc_false_hides_the_table_of_contents() {
    let page = basic().page("/articles/twelve-step/");
    assert!(page.has(".prose h2#finding-a-meeting"));
    assert!(!page.has("nav.toc"));
}

#[test]
fn json_ld_is_a_medical_web_page_about_an_article() {
    let built = basic();
    let ld = built.page("/articles/naloxone/").json_ld();
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "MedicalWebPage");
    let article = &ld["mainEntity"];
    assert_eq!(article["@type"], "Article");
    assert_eq!(article["headline"], "Naloxone: How to Respond");
    assert_eq!(article["author"]["@type"], "Person");
    assert_eq!(article["author"]["name"], "Sam Writer");
    assert_eq!(article["author"]["url"], "https://example.org/authors/sam-writer/");
    assert_eq!(article["datePublished"], "2024-03-01T00:00:00Z");
    assert_eq!(article["dateModified"], "2024-05-01T00:00:00Z");
    assert_eq!(ld["reviewedBy"]["name"], "Jane Roe");
    assert_eq!(ld["reviewedBy"]["honorificSuffix"], "MD, FASAM");

    // No reviewer: no reviewedBy; no `updated`: modified is published.
    let ld = built.page("/articles/family/").json_ld();
    assert!(ld.get("reviewedBy").is_none(), "{ld}");
    assert!(ld["mainEntity"].get("reviewedBy").is_none(), "{ld}");
    assert_eq!(ld["mainEntity"]["dateModified"], "2024-01-15T00:00:00Z");
}

#[test]
fn script_close_tag_in_title_stays_inside_json_ld() {
    let title = "Steps </script><script>alert(1)</script></title> & <!-- more";
    let site = Site::fixture("basic").edit(
        "content/articles/twelve-step.md",
        "title: Twelve-Step Groups",
        &format!("title: {title:?}"),
    );
    let page = site.build().page("/articles/twelve-step/");
    // Parsed as a browser would: still one script (the JSON-LD) and one title.
    assert_eq!(
        page.select("script").len(),
        1,
        "the title opened a script: {}",
        page.raw
    );
    assert!(page.text("title").starts_with(title), "{}", page.raw);
    assert_eq!(page.json_ld()["mainEntity"]["headline"], title);
    assert_eq!(page.text("main h1"), title);
}

#[test]
fn drafts_are_left_out() {
    let built = basic();
    assert!(!built.exists("/articles/upcoming-draft/"));
    assert!(!built.exists("/topics/unpublished-topic/"));
    for path in ["/", "/articles/", "/topics/recovery/", "/authors/sam-writer/"] {
        assert!(
            !built.text(path).contains("Draft Secret Article"),
            "{path} names the draft"
        );
    }
    assert!(!built.text("/sitemap.xml").contains("upcoming-draft"));
}

#[test]
fn drafts_are_built_with_the_drafts_flag() {
    let built = Site::fixture("basic").drafts().build();
    assert_eq!(
        built.page("/articles/upcoming-draft/").text("main h1"),
        "Draft Secret Article"
    );
    assert!(built.exists("/topics/unpublished-topic/"));
    // 5 articles at 2 per page: a third list page, and the draft (newest) leads page 1.
    assert!(built.exists("/articles/page/3/"));
    assert_eq!(
        built.page("/articles/").texts(".card-title a")[0],
        "Draft Secret Article"
    );
}

/// Pages with a body (redirect stubs only send the browser on).
fn content_pages(built: &Built) -> Vec<(String, Page)> {
    let pages: Vec<_> = built
        .html_pages()
        .into_iter()
        .filter(|(_, p)| !p.has(r#"meta[http-equiv="refresh"]"#))
        .collect();
    assert!(pages.len() >= 19, "only {} pages", pages.len());
    pages
}

#[test]
fn hotline_and_its_disclosure_are_on_every_page() {
    let disclosure = "Calls are answered by Example Health, a paid advertiser.";
    for (rel, page) in content_pages(basic()) {
        // The help bar's link; the search page also repeats it, with its disclosure, in the
        // crisis block it shows for crisis words (issue 13).
        let call = page.one(r#"aside.hotline a[href="tel:+18005550199"]"#);
        assert_eq!(text_of(call), "Call (800) 555-0199", "{rel}");
        // The disclosure sits right by the number (in the same helpline box, directly under
        // the one-line bar that stays on screen on phones), not only in the footer, and
        // the call link names it as its description.
        let described = call.value().attr("aria-describedby").unwrap_or_default();
        let note = page.one(&format!("#{described}"));
        assert!(text_of(note).contains(disclosure), "{rel}: {}", text_of(note));
        let box_of = |e: scraper::ElementRef| {
            e.ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .find(|a| a.value().name() == "aside")
                .map(|a| a.id())
        };
        assert!(
            box_of(call).is_some() && box_of(call) == box_of(note),
            "{rel}: not in one box"
        );
    }
}

#[test]
fn default_crisis_lines_are_on_every_page() {
    for (rel, page) in content_pages(basic()) {
        for href in ["tel:988", "sms:988", "tel:+18006624357"] {
            assert!(page.has(&format!(r#"a[href="{href}"]"#)), "{rel} has no {href}");
        }
        let text = page.text("aside.crisis");
        assert!(text.contains("988 Suicide & Crisis Lifeline"), "{rel}: {text}");
        assert!(text.contains("SAMHSA National Helpline"), "{rel}: {text}");
    }
}

#[test]
fn empty_crisis_lines_turn_them_off() {
    let site = Site::fixture("basic").append("content/site.yaml", "crisis_lines: []\n");
    for (rel, page) in content_pages(&site.build()) {
        assert!(!page.has(r#"a[href="tel:988"]"#), "{rel}");
        assert!(!page.has("aside.crisis"), "{rel}");
        assert!(page.has(r#"a[href="tel:+18005550199"]"#), "{rel}: the hotline stays");
    }
}

#[test]
fn no_hotline_means_no_hotline_bar() {
    let site = Site::fixture("basic").edit(
        "content/site.yaml",
        "hotline:\n  number: \"+18005550199\"\n  hours: \"24/7\"\n  answered_by: Calls are answered by Example Health, a paid advertiser.\n",
        "",
    );
    let page = site.build().page("/");
    assert!(!page.has("aside.hotline"));
    assert!(page.has(r#"a[href="tel:988"]"#), "crisis lines stay");
}

#[test]
fn article_has_byline_dates_sources_and_author_boxes() {
    let page = basic().page("/articles/naloxone/");
    assert_eq!(page.text("main h1"), "Naloxone: How to Respond");
    assert_eq!(
        page.texts(".byline"),
        ["By Sam Writer", "Medically reviewed by Jane Roe, MD, FASAM"]
    );
    assert_eq!(
        page.attrs(".byline a", "href"),
        ["/authors/sam-writer/", "/authors/jane-roe-md/"]
    );
    assert_eq!(
        page.attrs(".article-header time", "datetime"),
        ["2024-03-01", "2024-05-01"]
    );
    assert_eq!(page.texts(".article-header time"), ["March 1, 2024", "May 1, 2024"]);
    assert_eq!(page.attrs(".sources a", "href"), ["https://example.org/naloxone-facts"]);
    assert_eq!(
        page.text(".person-box.author .person-bio"),
        "Sam writes about recovery."
    );
    assert_eq!(
        page.text(".person-box.reviewer .person-bio"),
        "Jane is an addiction medicine physician."
    );
}

#[test]
fn head_has_lang_description_canonical_and_open_graph() {
    let page = basic().page("/articles/family/");
    assert_eq!(page.attr("html", "lang"), "en");
    assert_eq!(page.text("title"), "Supporting a Family Member – Basic Recovery");
    // No description in the front matter: the first paragraph.
    assert_eq!(
        page.attr(r#"meta[name="description"]"#, "content"),
        "Caring for someone you love."
    );
    let canonical = "https://example.org/articles/family/";
    assert_eq!(page.attr(r#"link[rel="canonical"]"#, "href"), canonical);
    assert_eq!(page.attr(r#"meta[property="og:url"]"#, "content"), canonical);
    assert_eq!(page.attr(r#"meta[property="og:type"]"#, "content"), "article");
    assert_eq!(
        page.attr(r#"meta[property="og:title"]"#, "content"),
        "Supporting a Family Member – Basic Recovery"
    );
}

#[test]
fn every_page_has_a_skip_link_and_no_third_party_resource() {
    for (rel, page) in content_pages(basic()) {
        assert_eq!(page.attr("a.skip", "href"), "#main", "{rel}");
        assert!(page.has("#main"), "{rel}: the skip link goes nowhere");
        let fetched = [
            page.attrs("[src]", "src"),
            page.attrs("link[href]:not([rel=canonical]):not([rel=alternate])", "href"),
        ]
        .concat();
        for url in fetched {
            assert!(url.starts_with('/') && !url.starts_with("//"), "{rel} fetches {url}");
        }
    }
}
