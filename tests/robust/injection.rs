//! Injection: hostile text in every field an editor writes comes out inert everywhere it
//! is printed. One shared build of a site whose every free-text field is hostile; one test
//! per place the text appears.

use std::sync::OnceLock;

use scraper::Html;

use super::{Built, Site, sel};

/// Closes a script element, opens one, breaks out of an attribute, and sets an event handler.
macro_rules! evil {
    () => {
        r#"X</script><script>alert(1)</script>"><img src=x onerror=alert(1)>' onmouseover='alert(2)"#
    };
}
const EVIL: &str = evil!();
/// The site title: hostile too, and different from every page title.
const SITE_EVIL: &str = concat!("Site ", evil!());

/// `EVIL` as a single-quoted YAML scalar (it holds one `'`-pair per `'`).
fn yaml(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

struct Hostile {
    _site: Site,
    built: Built,
}

fn hostile() -> &'static Hostile {
    static SITE: OnceLock<Hostile> = OnceLock::new();
    SITE.get_or_init(|| {
        let e = yaml(EVIL);
        let s = yaml(SITE_EVIL);
        // The bio is Markdown: escape `<` so it shows as text (raw HTML would be sanitized away).
        let b = yaml(&EVIL.replace('<', "\\<"));
        let site = Site::new()
            .file(
                "content/site.yaml",
                format!(
                    "title: {s}\nbase_url: https://example.org/\ndescription: {e}\ncrisis_lines: []\n\
                     hotline:\n  number: \"+18005550123\"\n  display: {e}\n  hours: {e}\n  answered_by: {e}\n\
                     menu:\n  - title: {e}\n    url: /articles/\n"
                ),
            )
            .file(
                "content/authors/jane.yaml",
                format!(
                    "name: {e}\ncredentials: {e}\nrole: {e}\nbio: {b}\nlinks:\n  - title: {e}\n    url: https://example.org/a\n"
                ),
            )
            .file(
                "content/articles/hello.md",
                format!(
                    "---\ntitle: {e}\ndescription: {e}\nauthor: jane\nreviewed_by: jane\npublished: 2024-01-02\n\
                     topics: [{e}]\nsources:\n  - title: {e}\n    url: https://example.org/s\n---\n\
                     ## Heading {EVIL_MD}\n\nBody text.\n"
                ),
            )
            .file(
                "content/pages/about.md",
                format!("---\ntitle: {e}\ndescription: {e}\n---\nAbout.\n"),
            );
        let built = site.build().unwrap_or_else(|e| panic!("{e:?}"));
        Hostile { _site: site, built }
    })
}

/// The part of `EVIL` that Markdown shows as text (no raw HTML: `<` escaped as `\<`).
const EVIL_MD: &str = r"\</script\>";

fn text_of(doc: &Html, css: &str) -> Vec<String> {
    doc.select(&sel(css)).map(|e| e.text().collect::<String>()).collect()
}

fn attr_of(doc: &Html, css: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(css))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// What every page must satisfy: the only scripts are JSON data blocks or the theme's own script
/// files (an empty element with a site-relative `src`), no event-handler attribute, no
/// `javascript:` URL, no `<img>` the hostile text could have opened.
fn assert_inert(rel: &str, doc: &Html) {
    for s in doc.select(&sel("script")) {
        if let Some(src) = s.value().attr("src") {
            assert!(
                src.starts_with('/') && !src.starts_with("//"),
                "{rel}: script from {src}"
            );
            assert_eq!(s.inner_html(), "", "{rel}: a script file element has inline text");
            continue;
        }
        // Data blocks (JSON-LD, the locator's vocabulary) are inert if they are JSON.
        let ty = s.value().attr("type");
        assert!(
            matches!(ty, Some("application/ld+json" | "application/json")),
            "{rel}: unexpected script element {}",
            s.html()
        );
        let text: String = s.text().collect();
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "{rel}: a data script is not JSON: {text}"
        );
    }
    for el in doc.select(&sel("*")) {
        for (name, value) in el.value().attrs() {
            assert!(
                !name.starts_with("on"),
                "{rel}: event handler attribute {name} on {}",
                el.html()
            );
            let v = value.trim().to_ascii_lowercase();
            assert!(!v.starts_with("javascript:"), "{rel}: javascript: URL in {name}");
        }
    }
    assert!(
        doc.select(&sel("img[src=x]")).next().is_none(),
        "{rel}: the hostile <img> became an element"
    );
}

#[test]
fn page_body_shows_hostile_text_as_text() {
    let b = &hostile().built;
    let article = b.page("articles/hello/index.html");
    assert_eq!(text_of(&article, "h1"), [EVIL], "the article title");
    let byline = text_of(&article, ".byline a");
    assert_eq!(byline, [EVIL, EVIL], "author and reviewer names");
    assert_eq!(text_of(&article, ".tags a"), [EVIL], "the topic name");
    assert_eq!(text_of(&article, ".sources a"), [EVIL], "the source title");
    assert!(text_of(&article, ".person-role").iter().all(|r| r == EVIL));
    let bios = text_of(&article, ".person-bio");
    assert_eq!(bios.len(), 2);
    assert!(
        bios.iter()
            .all(|r| r.contains("</script><script>alert(1)</script>") && r.contains("<img src=x"))
    );
    assert_eq!(text_of(&article, "h2[id^=heading]"), ["Heading </script>"]);
    let about = b.page("about/index.html");
    assert_eq!(text_of(&about, "h1"), [EVIL], "the page title");
    let list = b.page("articles/index.html");
    assert_eq!(text_of(&list, ".card-title a"), [EVIL]);
    assert!(text_of(&list, ".card p").contains(&EVIL.to_string()), "the description");
    for (rel, doc) in b.pages() {
        assert_inert(&rel, &doc);
    }
}

#[test]
fn site_title_hotline_and_menu_are_text_on_every_page() {
    let b = &hostile().built;
    let pages = b.pages();
    assert!(pages.len() >= 8, "{} pages", pages.len());
    for (rel, doc) in &pages {
        if rel.ends_with("hello/index.html") || rel.starts_with("articles/") || rel.starts_with("authors/") {
            // Checked in detail elsewhere; the shared parts are the same everywhere.
        }
        assert_inert(rel, doc);
        if doc.select(&sel(".hotline")).next().is_none() {
            continue; // redirect pages have no layout
        }
        assert_eq!(text_of(doc, ".brand"), [SITE_EVIL], "{rel}: site title");
        assert_eq!(text_of(doc, ".hours"), [format!("Hours: {EVIL}")], "{rel}: hours");
        assert_eq!(text_of(doc, ".call"), [format!("Call {EVIL}")], "{rel}: display");
        assert!(text_of(doc, ".hotline-note span").contains(&EVIL.to_string()), "{rel}");
        assert_eq!(text_of(doc, ".site-header .menu a"), [EVIL], "{rel}: menu");
    }
}

#[test]
fn attributes_hold_hostile_text_whole() {
    let b = &hostile().built;
    let article = b.page("articles/hello/index.html");
    assert_eq!(
        attr_of(&article, "meta[property='og:title']", "content"),
        [format!("{EVIL} – {SITE_EVIL}")]
    );
    assert_eq!(
        attr_of(&article, "meta[property='og:site_name']", "content"),
        [SITE_EVIL]
    );
    assert_eq!(attr_of(&article, "link[rel=alternate]", "title"), [SITE_EVIL]);
    // The attribute kept the whole string: nothing leaked out as another attribute.
    let meta = article.select(&sel("meta[property='og:title']")).next().unwrap();
    assert_eq!(meta.value().attrs().count(), 2, "{}", meta.html());
}

#[test]
fn title_element_is_text() {
    let b = &hostile().built;
    for (rel, want) in [
        ("articles/hello/index.html", format!("{EVIL} – {SITE_EVIL}")),
        ("about/index.html", format!("{EVIL} – {SITE_EVIL}")),
        ("index.html", SITE_EVIL.to_string()),
        ("authors/jane/index.html", format!("{EVIL} – {SITE_EVIL}")),
    ] {
        let doc = b.page(rel);
        assert_eq!(text_of(&doc, "head > title"), [want], "{rel}");
        assert_eq!(doc.select(&sel("title")).count(), 1, "{rel}");
    }
}

#[test]
fn meta_description_is_text() {
    let b = &hostile().built;
    for rel in ["articles/hello/index.html", "about/index.html", "index.html"] {
        let doc = b.page(rel);
        assert_eq!(attr_of(&doc, "meta[name=description]", "content"), [EVIL], "{rel}");
        assert_eq!(
            attr_of(&doc, "meta[property='og:description']", "content"),
            [EVIL],
            "{rel}"
        );
    }
}

#[test]
fn json_ld_cannot_close_its_script_and_round_trips() {
    let b = &hostile().built;
    let raw = b.text("articles/hello/index.html");
    let doc = Html::parse_document(&raw);
    let scripts: Vec<_> = doc.select(&sel("script")).collect();
    assert_eq!(scripts.len(), 1, "exactly the JSON-LD script");
    let json: serde_json::Value = serde_json::from_str(&scripts[0].text().collect::<String>()).unwrap();
    assert_eq!(json["name"], EVIL);
    assert_eq!(json["description"], EVIL);
    assert_eq!(json["mainEntity"]["headline"], EVIL);
    assert_eq!(json["mainEntity"]["author"]["name"], EVIL);
    assert_eq!(json["mainEntity"]["author"]["jobTitle"], EVIL);
    assert_eq!(json["mainEntity"]["keywords"], EVIL);
    assert_eq!(json["mainEntity"]["publisher"]["name"], SITE_EVIL);
    assert_eq!(json["reviewedBy"]["name"], EVIL);
    // Inside the element, no `</` at all (so no `</script` in any case).
    let start = raw.find("application/ld+json").unwrap();
    let body = &raw[start..];
    let body = &body[body.find('>').unwrap() + 1..];
    assert!(body.find("</").unwrap() == body.find("</script>").unwrap());
    let home = b.page("index.html");
    let s = home.select(&sel("script")).next().unwrap().text().collect::<String>();
    let json: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(json["name"], SITE_EVIL);
    assert_eq!(json["description"], EVIL);
}

/// Reads an XML file, returning (element names, text of every leaf element with its name).
fn xml(text: &str) -> (Vec<String>, Vec<(String, String)>) {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(text);
    let (mut names, mut texts, mut stack) = (Vec::new(), Vec::new(), Vec::<String>::new());
    let mut buf = String::new();
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => {
                let n = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                names.push(n.clone());
                stack.push(n);
                buf.clear();
            }
            Event::Empty(e) => names.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap()),
            Event::End(_) => {
                if let Some(n) = stack.pop()
                    && !buf.trim().is_empty()
                {
                    texts.push((n, std::mem::take(&mut buf)));
                }
                buf.clear();
            }
            Event::Text(t) => buf.push_str(&t.decode().unwrap()),
            // quick-xml reports `&lt;` and friends as separate events.
            Event::GeneralRef(g) => {
                let entity = format!("&{};", g.decode().unwrap());
                buf.push_str(&quick_xml::escape::unescape(&entity).unwrap());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (names, texts)
}

#[test]
fn feed_holds_hostile_text_as_text() {
    let b = &hostile().built;
    let (names, texts) = xml(&b.text("feed.xml"));
    assert!(
        !names.iter().any(|n| n.eq_ignore_ascii_case("script") || n == "img"),
        "{names:?}"
    );
    let of = |name: &str| {
        texts
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(of("title"), [SITE_EVIL, EVIL], "feed and entry titles");
    assert_eq!(of("subtitle"), [EVIL]);
    assert_eq!(of("name"), [EVIL], "author name");
    assert_eq!(of("summary"), [EVIL]);
    // The entry's HTML content is escaped text; read as HTML it has no script either.
    let content = Html::parse_fragment(of("content")[0]);
    assert!(content.select(&sel("script, img")).next().is_none());
}

#[test]
fn sitemap_holds_only_urls() {
    let b = &hostile().built;
    let (names, texts) = xml(&b.text("sitemap.xml"));
    assert!(
        names
            .iter()
            .all(|n| ["urlset", "url", "loc", "lastmod"].contains(&n.as_str())),
        "{names:?}"
    );
    let locs: Vec<_> = texts.iter().filter(|(n, _)| n == "loc").map(|(_, t)| t).collect();
    assert!(locs.len() >= 6, "{locs:?}");
    for l in locs {
        assert!(l.starts_with("https://example.org/"), "{l}");
        assert!(
            l.chars().all(|c| c.is_ascii_alphanumeric() || "/:.-_".contains(c)),
            "{l} holds more than a slug"
        );
    }
}

#[test]
fn hostile_text_as_topic_gets_a_clean_url() {
    let b = &hostile().built;
    let article = b.page("articles/hello/index.html");
    let href = attr_of(&article, ".tags a", "href");
    assert_eq!(
        href,
        ["/topics/x-script-script-alert-1-script-img-src-x-onerror-alert-1-onmouseover-alert-2/"]
    );
}

/// A link whose scheme would run script is an error that names the file and the fix.
#[test]
fn script_urls_are_refused_everywhere() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "content/articles/hello.md",
            "---\ntitle: T\nauthor: jane\npublished: 2024-01-02\n---\n[click](javascript:alert(1))\n",
            "content/articles/hello.md:6:1",
        ),
        (
            "content/articles/hello.md",
            "---\ntitle: T\nauthor: jane\npublished: 2024-01-02\n---\n[click](&#106;avascript:alert(1))\n",
            "content/articles/hello.md:6:1",
        ),
        (
            "content/articles/hello.md",
            "---\ntitle: T\nauthor: jane\npublished: 2024-01-02\n---\n[click](<JavaScript\t:alert(1)>)\n",
            "content/articles/hello.md:6:1",
        ),
        (
            "content/articles/hello.md",
            "---\ntitle: T\nauthor: jane\npublished: 2024-01-02\n---\n[x]\n\n[x]: VBScript:msgbox(1)\n",
            "content/articles/hello.md:6:1",
        ),
        (
            "content/articles/hello.md",
            "---\ntitle: T\nauthor: jane\npublished: 2024-01-02\n---\n[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n",
            "content/articles/hello.md:6:1",
        ),
        (
            "content/articles/hello.md",
            "---\ntitle: T\nauthor: jane\npublished: 2024-01-02\nsources:\n  - title: s\n    url: javascript:alert(1)\n---\n",
            "content/articles/hello.md:7:10",
        ),
        (
            "content/authors/jane.yaml",
            "name: Jane\nlinks:\n  - title: s\n    url: ' javascript:alert(1)'\n",
            "content/authors/jane.yaml:4:10",
        ),
        (
            "content/authors/jane.yaml",
            "name: Jane\nbio: '[x](javascript:alert(1))'\n",
            "content/authors/jane.yaml:2:",
        ),
        (
            "content/site.yaml",
            "title: T\nbase_url: https://example.org/\nmenu:\n  - title: m\n    url: javascript:alert(1)\n",
            "content/site.yaml:5:10",
        ),
    ];
    for (file, text, place) in cases {
        let errors = Site::new().file(file, text).errors();
        assert_eq!(errors.len(), 1, "{text}: {errors:?}");
        assert!(errors[0].starts_with(place), "{text}: {errors:?}");
        let e = errors[0].to_lowercase();
        assert!(e.contains("script") || e.contains("url"), "{text}: {errors:?}");
    }
}

/// Facility pages (the facility, its state and city, the locator): a facility whose name,
/// street, city and hours are hostile, with a hostile Markdown description (raw HTML in it
/// is sanitized: the script, the handler and the script URL are dropped). The
/// locator's data files and the search index are checked in a browser
/// (tests/browser/injection.test.mjs).
#[test]
fn facility_pages_show_hostile_text_as_text() {
    let e = yaml(EVIL);
    let site = Site::new()
        .file(
            "content/site.yaml",
            "title: Facilities\nbase_url: https://example.org/\ncorrections: listings@example.org\n\
             listings_stale_after_months: 0\n",
        )
        .file(
            "content/facilities/tx/evil.yaml",
            format!(
                "name: {e}\nslug: evil\naddress:\n  street: {e}\n  city: {e}\n  state: TX\n  zip: \"78701\"\n\
                 geo: {{ lat: 30.27, lon: -97.74 }}\nphone: \"+15125550100\"\nlevels_of_care: [outpatient]\n\
                 hours: {e}\nverified: 2026-10-10\ndescription: {}\n",
                yaml(&format!(
                    "{} [x](javascript:alert(3)) <script>alert(4)</script> <b onmouseover=alert(5)>b</b>",
                    EVIL.replace('<', "\\<")
                ))
            ),
        );
    let b = site.build().unwrap_or_else(|e| panic!("{e:?}"));
    let pages = b.pages();
    let facility = pages
        .iter()
        .find(|(rel, _)| rel.starts_with("treatment/tx/") && rel.ends_with("/evil/index.html"))
        .map(|(_, d)| d)
        .unwrap_or_else(|| {
            panic!(
                "no facility page in {:?}",
                pages.iter().map(|p| &p.0).collect::<Vec<_>>()
            )
        });
    assert_eq!(text_of(facility, "h1"), [EVIL], "the facility's name");
    let body: String = facility.select(&sel("main")).flat_map(|m| m.text()).collect();
    assert!(
        body.matches(EVIL).count() >= 3,
        "name, street, city and hours as text: {body}"
    );
    let ld: Vec<serde_json::Value> = facility
        .select(&sel("script[type='application/ld+json']"))
        .map(|s| serde_json::from_str(&s.text().collect::<String>()).unwrap())
        .collect();
    assert_eq!(ld.len(), 1, "one JSON-LD block");
    assert!(
        ld[0].to_string().contains(&serde_json::to_string(EVIL).unwrap()),
        "{}",
        ld[0]
    );
    let state = b.page("treatment/tx/index.html");
    assert!(
        text_of(&state, "main a").contains(&EVIL.to_string()),
        "the state page links the facility by name"
    );
    let mut checked = 0;
    for (rel, doc) in &pages {
        assert_inert(rel, doc);
        checked += usize::from(rel.starts_with("treatment/"));
    }
    assert!(checked >= 4, "the locator, state, city and facility pages: {checked}");
}
