//! Sites in more than one language (issue 17): the `basic` fixture with Spanish added in
//! site.yaml and a translation of one article, its pages under /es/, hreflang links and
//! sitemap alternates read back from the output, and each editor error with its place.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::{Built, Site, basic};

const SPANISH: &str = "languages:
  es:
    title: Recuperación básica
    hotline:
      answered_by: Las llamadas las atiende Example Health, un anunciante pagado.
";

const NALOXONA: &str = "---
title: \"Naloxona: cómo responder\"
slug: naloxona
updated: 2024-06-01
---

La naloxona revierte una sobredosis. Vea también [la privacidad](/legal/privacy/) y
[la buprenorfina](@/articles/medications/buprenorphine.md#how-it-works).

## Pasos

Llame al 911.
";

/// `basic` in English and Spanish, with `articles/naloxone.es.md`.
fn bilingual() -> Site {
    Site::fixture("basic")
        .append("content/site.yaml", SPANISH)
        .write("content/articles/naloxone.es.md", NALOXONA)
}

#[test]
fn a_one_language_site_has_no_language_pages_no_hreflang_and_no_switcher() {
    let built = basic();
    assert!(!built.out.join("es").exists(), "no es/ folder");
    for (path, page) in built.html_pages() {
        assert!(!page.has("link[hreflang]"), "{path} has hreflang links");
        assert!(!page.has("nav.languages"), "{path} has a language switcher");
    }
    let sitemap = built.text("/sitemap.xml");
    assert!(!sitemap.contains("xhtml"), "{sitemap}");
    assert_eq!(built.text("/robots.txt").matches("Sitemap:").count(), 1);
}

#[test]
fn a_translation_is_a_spanish_page_with_what_it_leaves_out_from_its_original() {
    let built = bilingual().build();
    let es = built.page("/es/articles/naloxona/");
    assert_eq!(es.attr("html", "lang"), "es");
    assert_eq!(es.text("h1"), "Naloxona: cómo responder");
    // author and reviewer come from the original; the date is written in Spanish.
    let bylines = es.texts(".byline");
    assert!(bylines[0].starts_with("Por "), "{bylines:?}");
    assert!(bylines.iter().any(|b| b.contains("Jane Roe")), "{bylines:?}");
    assert!(es.text(".meta").contains("1 de marzo de 2024"), "{}", es.text(".meta"));
    // Links: pages with no Spanish version go to the English ones, fragments checked.
    let links = es.attrs(".prose a", "href");
    assert!(links.contains(&"/legal/privacy/".to_string()), "{links:?}");
    assert!(
        links.contains(&"/articles/buprenorphine/#how-it-works".to_string()),
        "{links:?}"
    );
    // The theme speaks Spanish, the hotline disclosure too.
    assert_eq!(es.text(".skip"), "Saltar al contenido principal");
    assert_eq!(
        es.text("#hotline-note span:last-child"),
        "Las llamadas las atiende Example Health, un anunciante pagado."
    );
    assert!(es.text(".crisis").contains("AYUDA"), "{}", es.text(".crisis"));
    for kind in [
        "/es/",
        "/es/articles/",
        "/es/topics/",
        "/es/search/",
        "/es/authors/jane-roe-md/",
        "/es/404.html",
    ] {
        let p = built.page(kind);
        assert_eq!(p.attr("html", "lang"), "es", "{kind}");
        assert!(p.has("#hotline-note"), "{kind} has the hotline disclosure");
    }
    assert!(built.exists("/es/feed.xml") && built.exists("/es/search-index/manifest.json"));
    assert_eq!(es.json_ld()["inLanguage"], "es");
    assert_eq!(es.json_ld()["mainEntity"]["inLanguage"], "es");
    assert_eq!(built.page("/articles/naloxone/").json_ld()["inLanguage"], "en");
}

#[test]
fn the_switcher_goes_to_the_translation_or_else_to_the_other_home() {
    let built = bilingual().build();
    let switch = |path: &str| built.page(path).attrs("nav.languages a", "href");
    assert_eq!(switch("/articles/naloxone/"), vec!["/es/articles/naloxona/"]);
    assert_eq!(switch("/es/articles/naloxona/"), vec!["/articles/naloxone/"]);
    assert_eq!(
        switch("/articles/family/"),
        vec!["/es/"],
        "no translation: the Spanish home"
    );
    assert_eq!(switch("/es/"), vec!["/"]);
    assert_eq!(built.page("/articles/family/").attr("nav.languages a", "lang"), "es");
}

/// The search page's and the 404 page's titles come from the theme's strings, so they are
/// in the page's language.
#[test]
fn search_and_404_titles_are_in_the_page_language() {
    let built = bilingual().build();
    let title = |path: &str| built.page(path).text("title");
    assert!(title("/es/search/").starts_with("Buscar"), "{}", title("/es/search/"));
    assert!(title("/search/").starts_with("Search"), "{}", title("/search/"));
    assert!(
        !title("/es/404.html").contains("Page not found"),
        "{}",
        title("/es/404.html")
    );
    assert!(
        title("/404.html").starts_with("Page not found"),
        "{}",
        title("/404.html")
    );
}

/// Absolute URL -> output path of the page, for following hreflang links.
fn page_of(url: &str) -> String {
    url.strip_prefix("https://example.org").unwrap_or(url).to_string()
}

#[test]
fn hreflang_links_are_reciprocal_with_x_default() {
    let built = bilingual().build();
    let mut checked = 0;
    for (path, page) in built.html_pages() {
        let links: BTreeMap<String, String> = page
            .select("link[hreflang]")
            .iter()
            .map(|l| {
                (
                    l.attr("hreflang").unwrap_or("").to_string(),
                    l.attr("href").unwrap_or("").to_string(),
                )
            })
            .collect();
        if links.is_empty() {
            continue;
        }
        checked += 1;
        let langs: BTreeSet<&str> = links.keys().map(String::as_str).collect();
        assert_eq!(langs, BTreeSet::from(["en", "es", "x-default"]), "{path}");
        assert_eq!(links["x-default"], links["en"], "{path}: x-default is the English page");
        let own = links[&page.attr("html", "lang")].clone();
        assert_eq!(
            page_of(&own),
            format!("/{}", path.trim_end_matches("index.html")),
            "{path} names itself"
        );
        for (lang, url) in links.iter().filter(|(l, _)| *l != "x-default") {
            let other = built.page(&page_of(url));
            let back: Vec<String> = other.attrs("link[hreflang]", "href");
            assert!(
                back.contains(&own),
                "{path} -> {lang} {url} does not link back: {back:?}"
            );
        }
    }
    // Every page kind has its translation: home, lists, topics, authors, search, the article.
    assert!(checked >= 10, "only {checked} pages had hreflang links");
}

fn alternates(sitemap: &crate::support::Elem) -> BTreeMap<String, Vec<(String, String)>> {
    sitemap
        .all("url")
        .into_iter()
        .map(|u| {
            let alts = u
                .all("xhtml:link")
                .into_iter()
                .map(|l| (l.attr("hreflang").to_string(), l.attr("href").to_string()))
                .collect();
            (u.child("loc").text.clone(), alts)
        })
        .collect()
}

#[test]
fn sitemaps_list_each_language_with_xhtml_alternates() {
    let built: Built = bilingual().build();
    let en = built.xml("/sitemap.xml");
    let es = built.xml("/es/sitemap.xml");
    assert_eq!(en.attr("xmlns:xhtml"), "http://www.w3.org/1999/xhtml");
    let (en, es) = (alternates(&en), alternates(&es));
    let article = &en["https://example.org/articles/naloxone/"];
    assert!(
        article.contains(&("es".into(), "https://example.org/es/articles/naloxona/".into())),
        "{article:?}"
    );
    assert!(article.contains(&("x-default".into(), "https://example.org/articles/naloxone/".into())));
    // Reciprocal: every alternate of an English entry lists the English one back.
    for (loc, alts) in &en {
        for (lang, href) in alts.iter().filter(|(l, _)| l == "es") {
            let back = es
                .get(href)
                .unwrap_or_else(|| panic!("{href} ({lang} of {loc}) is not in /es/sitemap.xml"));
            assert!(
                back.iter().any(|(l, h)| l == "en" && h == loc),
                "{href} does not name {loc}"
            );
        }
    }
    assert!(es.contains_key("https://example.org/es/"));
    let robots = built.text("/robots.txt");
    assert!(
        robots.contains("Sitemap: https://example.org/es/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn an_added_language_without_answered_by_is_an_error_at_its_line() {
    let errs = Site::fixture("basic")
        .append("content/site.yaml", "languages:\n  es:\n    title: Recuperación\n")
        .build_err();
    let d = errs.at(
        "content/site.yaml:15:3",
        "the language `es` has no `hotline.answered_by`",
    );
    assert_eq!(d.line_col().map(|l| l.0), Some(15), "{}", errs.text());
    assert!(
        errs.text().starts_with("error: content/site.yaml:15:"),
        "{}",
        errs.text()
    );
}

#[test]
fn a_file_in_a_language_the_site_lacks_is_an_error_with_a_did_you_mean() {
    let errs = bilingual()
        .write("content/articles/family.ed.md", NALOXONA)
        .write("content/pages/about.fr.md", "---\ntitle: À propos\n---\nBonjour.\n")
        .build_err();
    let d = errs.at(
        "content/articles/family.ed.md:1:1",
        "the language `ed` is not one of the site's languages",
    );
    assert!(
        d.help.as_deref().unwrap_or("").contains("did you mean `es`?"),
        "{}",
        errs.text()
    );
    let d = errs.at(
        "content/pages/about.fr.md:1:1",
        "the language `fr` is not one of the site's languages",
    );
    assert!(
        d.help.as_deref().unwrap_or("").contains("add `fr` under `languages:`"),
        "{}",
        errs.text()
    );
    assert_eq!(errs.count(), 2, "{}", errs.text());
}

#[test]
fn a_translation_without_original_must_give_author_and_published() {
    let errs = bilingual()
        .write(
            "content/articles/solo.es.md",
            "---\ntitle: Solo en español\n---\nHola.\n",
        )
        .build_err();
    errs.at("content/articles/solo.es.md:1:1", "missing required key `author`");
    errs.at("content/articles/solo.es.md:1:1", "missing required key `published`");
    let built = bilingual()
        .write(
            "content/articles/solo.es.md",
            "---\ntitle: Solo en español\nauthor: sam-writer\npublished: 2024-02-12\n---\nHola.\n",
        )
        .build();
    let page = built.page("/es/articles/solo/");
    assert!(page.text(".meta").contains("12 de febrero de 2024"));
    assert_eq!(
        page.attrs("nav.languages a", "href"),
        vec!["/"],
        "no English version: the English home"
    );
    assert!(!page.has("link[hreflang]"), "a page in one language has no alternates");
}

#[test]
fn a_translation_older_than_its_original_is_a_warning() {
    let built = bilingual()
        .edit(
            "content/articles/naloxone.es.md",
            "updated: 2024-06-01",
            "updated: 2024-04-01",
        )
        .build();
    let w: Vec<_> = built
        .report
        .warnings
        .iter()
        .filter(|d| d.message.starts_with("translation may be out of date"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", built.report.warnings);
    assert_eq!(w[0].place().as_deref(), Some("content/articles/naloxone.es.md:4:1"));
    let fresh = bilingual().build();
    assert!(!fresh.report.warnings.iter().any(|d| d.message.contains("out of date")));
}

#[test]
fn a_theme_string_missing_in_one_language_is_an_error_naming_key_and_file() {
    let es = haven_theme_file("i18n/es.yaml").replace("who_answers: \"¿Quién contesta?\"\n", "");
    let errs = bilingual().write("themes/default/i18n/es.yaml", &es).build_err();
    let d = errs.find("the key `who_answers` is missing in themes/default/i18n/es.yaml");
    assert!(d.help.as_deref().unwrap_or("").contains("en"), "{}", errs.text());
}

fn haven_theme_file(rel: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default")
            .join(rel),
    )
    .expect("theme file")
}

#[test]
fn spanish_search_has_its_own_index_with_spanish_stemming() {
    let built = bilingual().build();
    let en = built.text("/search-index/manifest.json");
    let es = built.text("/es/search-index/manifest.json");
    assert!(es.contains("\"es\""), "{es}");
    assert!(!en.contains("\"lang\":\"es\""), "{en}");
    assert_eq!(
        built.page("/es/search/").attr("#search-app", "data-index"),
        "/es/search-index/"
    );
}

#[test]
fn haven_new_writes_a_translation_beside_its_original() {
    let site = bilingual();
    let run = site.haven(&[
        "new",
        "article",
        "Cómo apoyar a la familia",
        "--lang",
        "es",
        "--translation-of",
        "articles/family.md",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.trim().ends_with("content/articles/family.es.md"),
        "{}",
        run.stdout
    );
    let text = site.read("content/articles/family.es.md");
    assert!(
        text.contains("title: \"Cómo apoyar a la familia\"\nslug: como-apoyar-a-la-familia\n"),
        "{text}"
    );
    assert!(!text.contains("author:"), "the author comes from the original: {text}");
    let built = site.drafts().build();
    let page = built.page("/es/articles/como-apoyar-a-la-familia/");
    assert_eq!(page.attrs("nav.languages a", "href"), vec!["/articles/family/"]);

    let other = bilingual();
    let run = other.haven(&[
        "new",
        "article",
        "Titre",
        "--lang",
        "fr",
        "--translation-of",
        "articles/family.md",
    ]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("the site has no language `fr`"), "{}", run.stderr);
    let run = other.haven(&[
        "new",
        "article",
        "Nada",
        "--lang",
        "es",
        "--translation-of",
        "articles/nothing.md",
    ]);
    assert!(
        run.stderr.contains("there is no content/articles/nothing.md"),
        "{}",
        run.stderr
    );
}

/// The `facilities` fixture in English and Spanish, the Colorado clinic state-licensed.
fn bilingual_facilities() -> Site {
    Site::fixture("facilities")
        .append("content/site.yaml", "languages:\n  es: {}\n")
        .edit(
            "content/facilities/co/clinica.yaml",
            "npi:",
            "accreditations: [carf, state-licensed]\nnpi:",
        )
}

/// The keys locator.js reads from its strings (`tr("key")`, and `plural("key", …)` for
/// `key_one` and `key_many`).
fn keys_the_locator_script_reads() -> BTreeSet<String> {
    let js = haven_theme_file("static/locator.js");
    let mut keys = BTreeSet::new();
    for (call, forms) in [("tr(\"", &[""][..]), ("plural(\"", &["_one", "_many"][..])] {
        for rest in js.split(call).skip(1) {
            let key = rest.split('"').next().unwrap_or_default();
            if key.starts_with(|c: char| c.is_ascii_lowercase()) {
                keys.extend(forms.iter().map(|f| format!("{key}{f}")));
            }
        }
    }
    keys
}

#[test]
fn the_locator_script_gets_every_string_it_writes_in_the_page_language() {
    let keys = keys_the_locator_script_reads();
    assert!(keys.len() > 20, "{keys:?}");
    let built = bilingual_facilities().build();
    let strings = |url: &str| {
        let vocab: serde_json::Value = serde_json::from_str(&built.page(url).text("#locator-vocab")).expect("JSON");
        vocab["strings"].as_object().cloned().expect("strings")
    };
    let (en, es) = (strings("/treatment/"), strings("/es/treatment/"));
    for k in &keys {
        assert!(
            en.get(k).and_then(|v| v.as_str()).is_some_and(|v| !v.is_empty()),
            "English lacks {k}"
        );
        assert!(
            es.get(k).and_then(|v| v.as_str()).is_some_and(|v| !v.is_empty()),
            "Spanish lacks {k}"
        );
        // Translations of the same text, not a copy: only the proper names and symbols may match.
        if !["locator_js_results"].contains(&k.as_str()) {
            assert_ne!(en[k], es[k], "{k} is not translated");
        }
    }
    assert_eq!(es["locator_js_searching"], "Buscando…");
    assert_eq!(
        es["locator_js_count_zip_many"],
        "{n} centros a menos de {radius} millas del código postal {zip}."
    );
    // The state and city pages' locators have the strings of their language too.
    assert_eq!(strings("/es/treatment/co/").get("sponsored"), es.get("sponsored"));
}

#[test]
fn accreditations_are_in_the_page_language_with_proper_names_kept() {
    let built = bilingual_facilities().build();
    let terms = |url: &str| {
        built
            .page(url)
            .texts("section[aria-labelledby=accreditations-title] dt")
    };
    let es = terms("/es/treatment/co/canon-city/clinica-senora-de-la-paz/");
    assert_eq!(es, ["CARF", "Con licencia estatal"], "{es:?}");
    let en = terms("/treatment/co/canon-city/clinica-senora-de-la-paz/");
    assert_eq!(en, ["CARF", "State licensed"], "{en:?}");
    let explain = built
        .page("/es/treatment/co/canon-city/clinica-senora-de-la-paz/")
        .texts("section[aria-labelledby=accreditations-title] dd");
    assert!(
        explain[1].starts_with("Tiene licencia de la agencia de salud"),
        "{explain:?}"
    );
}
