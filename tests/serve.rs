#![allow(clippy::unwrap_used)]
//! `haven serve` end to end: the real binary on 127.0.0.1, a temporary copy of the demo
//! site, real file edits, and a plain `TcpStream` HTTP client (raw request paths, so
//! traversal attempts reach the server exactly as written). The harness is in
//! tests/serve/server.rs; the load test has a binary of its own (tests/serve_load.rs), so it
//! never runs beside these.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[path = "serve/server.rs"]
mod server;
use server::{ARTICLE, ARTICLE_URL, Server, copy_dir};

#[test]
fn served_page_changes_after_an_edit_and_only_its_dependents_are_rendered() {
    let s = Server::start();
    let (code, head, body) = s.get(ARTICLE_URL);
    assert_eq!(code, 200, "{head}");
    assert!(head.contains("content-type: text/html; charset=utf-8"), "{head}");
    assert!(
        body.contains("/__haven/live.js"),
        "live-reload script injected in serve mode"
    );
    assert!(
        body.contains(&format!("http://{}/", s.addr)),
        "base_url points at the server"
    );
    s.append(ARTICLE, "\nA paragraph saved by the test: MARKER-EDIT-1.\n");
    s.wait("the edit to be served", || {
        s.get(ARTICLE_URL).2.contains("MARKER-EDIT-1").then_some(())
    });
    // The log line is read by another thread: wait for it rather than racing it.
    let line = s.wait("the rebuild log line", || {
        s.log()
            .lines()
            .find(|l| l.contains("(content edit;"))
            .map(str::to_string)
    });
    let log = s.log();
    let pages: usize = line
        .strip_prefix("Rebuilt ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    assert!(
        pages < 10,
        "a body edit re-renders the article and what lists it, not the site: {log}"
    );
    assert!(s.status()["rebuilds"].as_u64().unwrap() >= 1);
}

#[test]
fn polling_watcher_sees_edits_too() {
    let s = Server::start_with(&["--poll"]);
    assert!(s.log().contains("polling"), "{}", s.log());
    s.append(ARTICLE, "\nSaved while polling: MARKER-POLL.\n");
    s.wait("the edit to be served", || {
        s.get(ARTICLE_URL).2.contains("MARKER-POLL").then_some(())
    });
}

#[test]
fn traversal_attempts_are_refused_and_unknown_paths_get_the_404_page() {
    let s = Server::start();
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E%2fCargo.toml",
        "/articles/..%2f..%2fCargo.toml",
        "/..%5c..%5cCargo.toml",
        "/a%00b",
    ] {
        let (code, _, body) = s.get(path);
        assert_eq!(code, 400, "{path}");
        assert!(!body.contains("[package]"), "{path}");
    }
    for path in [
        "//etc/passwd",
        "/etc/passwd",
        "/C:/Windows/win.ini",
        "/content/site.yaml",
        "/nope/",
    ] {
        let (code, head, body) = s.get(path);
        assert_eq!(code, 404, "{path}");
        assert!(head.contains("text/html"), "{path}: {head}");
        assert!(body.contains("Page not found"), "{path}: the site's 404 page");
        assert!(!body.contains("base_url:"), "{path}");
    }
    // A folder without index.html is not listed.
    assert_eq!(s.get("/articles/medications/").0, 404);
    let (code, head, _) = s.get(&ARTICLE_URL[..ARTICLE_URL.len() - 1]);
    assert_eq!(code, 308);
    assert!(head.contains(&format!("location: {ARTICLE_URL}")), "{head}");
    let (code, head, _) = s.get("/feed.xml");
    assert_eq!(code, 200);
    assert!(head.contains("xml"), "{head}");
    assert_eq!(s.get("/robots.txt").0, 200);
}

#[test]
fn open_starts_the_browser_on_the_served_address() {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().unwrap();
    let opened = bin.path().join("opened.txt");
    let browser = bin.path().join("browser.sh");
    // `$BROWSER` is how a user picks the browser (`cargo doc --open` reads it too); this
    // one only writes down the address it was given.
    std::fs::write(
        &browser,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let s = Server::start_with_env(&["--open"], &[("BROWSER", &browser)]);
    let url = s.wait("the browser to be started", || {
        std::fs::read_to_string(&opened).ok().filter(|u| u.ends_with('/'))
    });
    assert_eq!(url, format!("http://{}/", s.addr), "{}", s.log());
    assert_eq!(s.get(url.trim_start_matches(&format!("http://{}", s.addr))).0, 200);
}

#[test]
fn a_file_read_between_its_truncation_and_its_write_is_read_again() {
    let s = Server::start();
    let path = s.path(ARTICLE);
    let text = std::fs::read_to_string(&path).unwrap() + "\nWritten after the truncation.\n";
    // An editor that saves in place: the file is truncated and closed (the watcher sees a
    // finished write of an empty file), then written a moment later.
    drop(std::fs::File::create(&path).unwrap());
    std::thread::sleep(Duration::from_millis(5));
    std::fs::write(&path, text).unwrap();
    s.wait("the saved text", || {
        s.get(ARTICLE_URL)
            .2
            .contains("Written after the truncation.")
            .then_some(())
    });
    assert!(!s.log().contains("Build failed"), "{}", s.log());
}

#[test]
fn a_burst_of_50_saves_triggers_a_bounded_number_of_rebuilds() {
    let s = Server::start();
    for i in 0..50 {
        s.append(ARTICLE, &format!("\nBurst save {i}.\n"));
        std::thread::sleep(Duration::from_millis(2));
    }
    s.wait("the last save to be served", || {
        s.get(ARTICLE_URL).2.contains("Burst save 49.").then_some(())
    });
    std::thread::sleep(Duration::from_millis(500));
    let rebuilds = s.status()["rebuilds"].as_u64().unwrap();
    assert!(
        (1..=10).contains(&rebuilds),
        "{rebuilds} rebuilds for 50 saves:\n{}",
        s.log()
    );
}

#[test]
fn broken_front_matter_shows_the_command_line_diagnostic_then_clears_after_the_fix() {
    let s = Server::start();
    let path = s.path(ARTICLE);
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replacen("published: 2024-10-21", "published: [2024", 1)).unwrap();
    let error = s.wait("the error", || s.status()["error"].as_str().map(String::from));
    assert!(error.contains(ARTICLE), "{error}");
    // The last good site is still served.
    let (code, _, body) = s.get(ARTICLE_URL);
    assert_eq!(code, 200);
    assert!(body.contains("Mutual-Help"));
    // The same text as `haven check` prints.
    let check = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["check", "--root"])
        .arg(s.dir.path())
        .env("RUST_BACKTRACE", "0")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains(error.trim_end()), "serve:\n{error}\ncheck:\n{stderr}");
    std::fs::write(&path, good).unwrap();
    s.wait("the error to clear", || s.status()["error"].is_null().then_some(()));
}

/// An edit to the theme's strings reaches the pages that print them, in that language
/// only: every page is built again (a string is in templates and in the site data alike).
#[test]
fn a_theme_string_edit_is_served_in_its_language() {
    let s = Server::start();
    let path = s.path("themes/default/i18n/es.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let marked = text.replacen("skip_to_content: \"Saltar", "skip_to_content: \"MARCA-I18N Saltar", 1);
    assert_ne!(text, marked, "es.yaml has the skip link's string");
    std::fs::write(&path, marked).unwrap();
    s.wait("the Spanish string edit to be served", || {
        s.get("/es/").2.contains("MARCA-I18N").then_some(())
    });
    assert!(
        !s.get("/").2.contains("MARCA-I18N"),
        "the English pages keep their strings"
    );
}

#[test]
fn template_edit_rerenders_only_the_pages_using_it() {
    let s = Server::start();
    let path = s.path("themes/default/templates/topics.html");
    let text = std::fs::read_to_string(&path).unwrap();
    let marked = text.replacen(
        "{% block content %}",
        "{% block content %}<!-- TOPICS-TEMPLATE-MARK -->",
        1,
    );
    assert_ne!(text, marked);
    std::fs::write(&path, marked).unwrap();
    s.wait("the template edit", || {
        s.get("/topics/").2.contains("TOPICS-TEMPLATE-MARK").then_some(())
    });
    assert!(!s.get(ARTICLE_URL).2.contains("TOPICS-TEMPLATE-MARK"));
    // Two pages use topics.html since the demo is in English and Spanish: /topics/ and
    // /es/topics/ (issue 17); before, it was one.
    s.wait("the log line `Rebuilt 2 pages (template edit)`", || {
        s.log().contains("Rebuilt 2 pages (template edit)").then_some(())
    });
    assert!(s.get("/es/topics/").2.contains("TOPICS-TEMPLATE-MARK"));
}

/// A content edit after a template edit is built with the edited template, not with a
/// theme kept from before it (`haven serve` keeps the theme between content edits).
#[test]
fn a_content_edit_after_a_template_edit_keeps_the_edit() {
    let s = Server::start();
    let path = s.path("themes/default/templates/article.html");
    let text = std::fs::read_to_string(&path).unwrap();
    let marked = text.replacen(
        "{% block content %}",
        "{% block content %}<!-- ARTICLE-TEMPLATE-MARK -->",
        1,
    );
    assert_ne!(text, marked);
    std::fs::write(&path, marked).unwrap();
    s.wait("the template edit", || {
        s.get(ARTICLE_URL).2.contains("ARTICLE-TEMPLATE-MARK").then_some(())
    });
    s.append(ARTICLE, "\nAfter the template edit: MARKER-AFTER-TEMPLATE.\n");
    let page = s.wait("the content edit after it", || {
        let page = s.get(ARTICLE_URL).2;
        page.contains("MARKER-AFTER-TEMPLATE").then_some(page)
    });
    assert!(
        page.contains("ARTICLE-TEMPLATE-MARK"),
        "the article lost the template edit"
    );
    // And the other way: the template put back, the next content edit keeps that too.
    std::fs::write(&path, text).unwrap();
    s.wait("the template put back", || {
        (!s.get(ARTICLE_URL).2.contains("ARTICLE-TEMPLATE-MARK")).then_some(())
    });
    s.append(ARTICLE, "\nOnce more: MARKER-ONCE-MORE.\n");
    let page = s.wait("the second content edit", || {
        let page = s.get(ARTICLE_URL).2;
        page.contains("MARKER-ONCE-MORE").then_some(page)
    });
    assert!(
        !page.contains("ARTICLE-TEMPLATE-MARK"),
        "the article got the old template back"
    );
}

/// A component is rendered into the bodies that call it: an edit to it is built as a
/// content edit and reaches exactly those pages (the callout is in two articles, each in
/// English and Spanish), not the others.
#[test]
fn component_edit_rerenders_the_pages_that_call_it() {
    let s = Server::start();
    let path = s.path("themes/default/components/callout.html");
    let text = std::fs::read_to_string(&path).unwrap();
    let marked = text.replacen("role=\"note\">", "role=\"note\"><!-- CALLOUT-MARK -->", 1);
    assert_ne!(text, marked);
    std::fs::write(&path, marked).unwrap();
    s.wait("the component edit", || {
        s.get("/articles/paying-for-treatment/")
            .2
            .contains("CALLOUT-MARK")
            .then_some(())
    });
    assert!(
        s.get("/es/articles/como-pagar-el-tratamiento/")
            .2
            .contains("CALLOUT-MARK")
    );
    assert!(!s.get(ARTICLE_URL).2.contains("CALLOUT-MARK"));
    let line = s.wait("the rebuild log line", || {
        s.log()
            .lines()
            .find(|l| l.contains("(content edit;"))
            .map(str::to_string)
    });
    let pages: usize = line
        .strip_prefix("Rebuilt ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    assert_eq!(
        pages, 6,
        "the four articles with a callout and the two feeds that carry them: {line}"
    );
}

/// A facility card in an article follows an edit to the facility's file.
#[test]
fn facility_edit_reaches_the_card_in_an_article() {
    let s = Server::start();
    let rel = "content/facilities/oh/columbus-second-chance-clinic.yaml";
    let path = s.path(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let renamed = text.replacen("name: '", "name: 'Renamed ", 1);
    assert_ne!(text, renamed);
    std::fs::write(&path, renamed).unwrap();
    s.wait("the renamed facility in the article's card", || {
        let body = s.get("/articles/paying-for-treatment/").2;
        body.contains("Renamed The").then_some(())
    });
}

#[test]
fn static_file_edit_is_read_alone() {
    let s = Server::start();
    s.append("content/static/favicon.svg", "<!-- STATIC-MARK -->\n");
    s.wait("the static edit", || {
        s.get("/favicon.svg").2.contains("STATIC-MARK").then_some(())
    });
    s.wait("the log line `Rebuilt 1 pages (static file)`", || {
        s.log().contains("Rebuilt 1 pages (static file)").then_some(())
    });
    assert!(s.get("/favicon.svg").1.contains("image/svg+xml"));
}

/// Every file of the image cache with its modification time.
fn cache_times(root: &Path) -> Vec<(std::path::PathBuf, std::time::SystemTime)> {
    let dir = root.join(haven::images::cache::DIR);
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), e.metadata().unwrap().modified().unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn serve_uses_the_image_cache_and_makes_again_only_a_changed_image() {
    let s = Server::start();
    let page = "/articles/supporting-a-family-member/";
    assert!(
        s.get(page).2.contains("open-door.960w.webp"),
        "the demo illustration has its copies"
    );
    let (status, head, body) = s.get("/images/open-door.960w.webp");
    assert_eq!(status, 200);
    assert!(head.contains("image/webp"), "{head}");
    assert!(body.starts_with("RIFF"));
    let before = cache_times(s.dir.path());
    assert!(!before.is_empty(), "serve wrote the cache");

    // A new drawing, 800 px wide, saved over the old one.
    let img = image::RgbImage::from_fn(800, 500, |x, y| image::Rgb([(x / 4) as u8, (y / 2) as u8, 200]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    std::fs::write(s.path("content/static/images/open-door.png"), png).unwrap();
    s.wait("the page with the new image's copies", || {
        s.get(page).2.contains("open-door.800w.webp").then_some(())
    });
    assert_eq!(s.get("/images/open-door.800w.webp").0, 200);
    // The old entry is still there, untouched: nothing else was made again.
    let after = cache_times(s.dir.path());
    for file in &before {
        assert!(after.contains(file), "{} was written again", file.0.display());
    }
    assert!(after.len() > before.len(), "the changed image has an entry of its own");
}

/// A PNG of `w` x `h` pixels.
fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x / 4) as u8, (y / 2) as u8, 120]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

/// A theme's PNG is processed like a static one: added or saved over, its copies are made
/// and served.
#[test]
fn a_theme_png_saved_while_serving_gets_its_copies() {
    let s = Server::start();
    let path = s.path("themes/default/static/img/banner.png");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, png(1000, 250)).unwrap();
    s.wait("the new theme image's copies", || {
        (s.get("/img/banner.1000w.webp").0 == 200).then_some(())
    });
    let (_, head, body) = s.get("/img/banner.480w.png");
    assert!(head.contains("image/png"), "{head}");
    assert!(body.len() > 8);
    std::fs::write(&path, png(700, 175)).unwrap();
    s.wait("the saved theme image's copies", || {
        (s.get("/img/banner.700w.webp").0 == 200).then_some(())
    });
    assert_eq!(s.get("/img/banner.1000w.webp").0, 404, "the old copies are gone");
}

#[test]
fn build_output_never_carries_the_live_reload_script() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let status = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output"])
        .arg(&site)
        .env("RUST_BACKTRACE", "0")
        .status()
        .unwrap();
    assert!(status.success());
    let mut html = 0;
    for e in walkdir::WalkDir::new(&site) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "html") {
            html += 1;
            let text = std::fs::read_to_string(e.path()).unwrap();
            assert!(!text.contains("__haven"), "{}", e.path().display());
        }
    }
    assert!(html > 10);
}

/// A temporary copy of the demo content, and the options that build it.
fn demo_copy() -> (tempfile::TempDir, haven::pipeline::BuildOptions) {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &dir.path().join("content"));
    let opts = haven::pipeline::BuildOptions {
        root: dir.path().to_path_buf(),
        base_url: Some("http://127.0.0.1:1111/".into()),
        ..haven::pipeline::BuildOptions::default()
    };
    (dir, opts)
}

/// Renders the demo site, applies `edit`, and checks that the last good outputs patched
/// with only the jobs `deps::dirty_jobs` picks equal a full render of the edited site.
/// Returns how many jobs were picked (`None`: every page).
fn incremental_equals_full(edit: impl Fn(&Path)) -> Option<usize> {
    use haven::pipeline;
    use std::collections::BTreeMap;
    let (dir, opts) = demo_copy();
    let map = |outs: Vec<haven::render::Output>| -> BTreeMap<String, Vec<u8>> {
        outs.into_iter().map(|o| (o.rel, o.bytes)).collect()
    };
    let mut old = pipeline::prepare(&opts).unwrap();
    let mut patched = map(pipeline::render_all(&mut old, None).unwrap());
    edit(dir.path());
    let mut new = pipeline::prepare(&opts).unwrap();
    let dirty = haven::serve::deps::dirty_jobs(&old.site, &new.site);
    let full = map(pipeline::render_all(&mut new, None).unwrap());
    let n = dirty.as_ref().map(Vec::len);
    match dirty {
        Some(jobs) => patched.extend(map(pipeline::render_jobs_all(&new, &[jobs]).unwrap())),
        None => patched = full.clone(),
    }
    assert_eq!(patched.keys().collect::<Vec<_>>(), full.keys().collect::<Vec<_>>());
    for (rel, bytes) in &full {
        assert!(patched[rel] == *bytes, "{rel} differs from a full render");
    }
    n
}

fn replace_in(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn incremental_render_equals_a_full_render() {
    let article = "content/articles/what-is-opioid-use-disorder.md";
    // (what, edit, expected: Some(max jobs) or None for every page)
    type Edit = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Edit, Option<usize>)> = vec![
        (
            "article body",
            Box::new(move |r| replace_in(r, article, "\n---\n", "\n---\n\nA new first paragraph.\n")),
            Some(12),
        ),
        (
            "article title",
            Box::new(move |r| replace_in(r, article, "title: What", "title: Retitled What")),
            Some(30),
        ),
        (
            "page body",
            Box::new(|r| replace_in(r, "content/pages/about.md", "\n---\n", "\n---\n\nNew text.\n")),
            Some(1),
        ),
        (
            "home body",
            Box::new(|r| replace_in(r, "content/index.md", "\n---\n", "\n---\n\nNew text.\n")),
            Some(1),
        ),
        (
            "article topics",
            Box::new(move |r| replace_in(r, article, "topics: [", "topics: [brand-new-topic, ")),
            None,
        ),
    ];
    for (what, edit, want) in cases {
        let got = incremental_equals_full(edit);
        match want {
            Some(max) => {
                let n = got.unwrap_or_else(|| panic!("{what}: expected a partial render, got every page"));
                assert!((1..=max).contains(&n), "{what}: {n} jobs");
            }
            None => assert_eq!(got, None, "{what}"),
        }
    }
}

#[test]
fn a_new_article_is_loaded_and_served() {
    let s = Server::start();
    std::fs::write(
        s.path("content/articles/brand-new-article.md"),
        "---\ntitle: A Brand New Article\ndescription: Added while serving.\nauthor: jordan-reyes\npublished: 2026-01-05\ntopics: [recovery]\n---\n\nNEW-ARTICLE-BODY.\n",
    )
    .unwrap();
    s.wait("the new article", || {
        s.get("/articles/brand-new-article/")
            .2
            .contains("NEW-ARTICLE-BODY")
            .then_some(())
    });
    s.wait("the list to show it", || {
        s.get("/articles/").2.contains("A Brand New Article").then_some(())
    });
    std::fs::remove_file(s.path("content/articles/brand-new-article.md")).unwrap();
    s.wait("the removal", || {
        (s.get("/articles/brand-new-article/").0 == 404).then_some(())
    });
}

#[test]
fn a_warning_is_printed_once_also_across_a_failed_rebuild() {
    // A failed rebuild printed every warning in full again.
    let s = Server::start();
    let first = s.wait("the first build line", || {
        s.log().lines().find(|l| l.starts_with("Built ")).map(String::from)
    });
    // The same count as `haven build`: "Built 135 pages (1,176 files) in 812 ms."
    assert!(first.contains(" pages (") && first.contains(" files) in "), "{first}");
    let facility = "content/facilities/pa/strip-district-example-clinic.yaml";
    let text = std::fs::read_to_string(s.path(facility)).unwrap();
    std::fs::write(
        s.path(facility),
        text.replace("verified: 2025-08-22", "verified: 2020-01-02"),
    )
    .unwrap();
    std::fs::write(
        s.path("content/site.yaml"),
        std::fs::read_to_string(s.path("content/site.yaml"))
            .unwrap()
            .replace("listings_stale_after_months: 0", "listings_stale_after_months: 12"),
    )
    .unwrap();
    let stale = "listings were last verified more than 12 months ago";
    s.wait("the stale warning", || s.log().contains(stale).then_some(()));
    let path = s.path(ARTICLE);
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replacen("published: 2024-10-21", "published: [2024", 1)).unwrap();
    s.wait("the failed rebuild", || {
        s.log().contains("Build failed with 1 error").then_some(())
    });
    std::fs::write(&path, good).unwrap();
    s.wait("the error to clear", || s.status()["error"].is_null().then_some(()));
    s.wait("the rebuild after the fix", || {
        (s.log().matches("as before, not repeated.").count() >= 2).then_some(())
    });
    let log = s.log();
    assert_eq!(log.matches(stale).count(), 1, "{log}");
}

#[test]
fn drafts_are_served_with_a_banner_and_noindex_unless_no_drafts() {
    const DRAFT: &str = "/articles/telehealth-visit-tips/";
    let banner = scraper::Selector::parse(".draft-banner").unwrap();
    let robots = scraper::Selector::parse(r#"head meta[name="robots"]"#).unwrap();
    let s = Server::start();
    let (code, head, body) = s.get(DRAFT);
    assert_eq!(code, 200, "serve shows drafts by default: {head}");
    let doc = scraper::Html::parse_document(&body);
    let shown: Vec<String> = doc.select(&banner).map(|e| e.text().collect()).collect();
    assert_eq!(shown.len(), 1, "{body}");
    assert!(shown[0].starts_with("Draft: not published."), "{shown:?}");
    let meta: Vec<_> = doc.select(&robots).filter_map(|e| e.value().attr("content")).collect();
    assert_eq!(meta, ["noindex"]);
    // A published article carries neither.
    let doc = scraper::Html::parse_document(&s.get(ARTICLE_URL).2);
    assert_eq!(doc.select(&banner).count(), 0);
    assert_eq!(doc.select(&robots).count(), 0);
    drop(s);

    let s = Server::start_with(&["--no-drafts"]);
    assert_eq!(s.get(DRAFT).0, 404, "--no-drafts hides drafts");
    assert_eq!(s.get(ARTICLE_URL).0, 200);
}

/// A translation saved while serving: its page is rebuilt, and when its slug changes, the
/// original's language switcher and hreflang link follow it (issue 17).
#[test]
fn a_translation_and_its_originals_switcher_are_rebuilt_on_save() {
    let s = Server::start();
    let es = "content/articles/naloxone-how-to-respond-to-an-overdose.es.md";
    let original = "/articles/naloxone-how-to-respond-to-an-overdose/";
    let old = "/es/articles/naloxona-como-responder-a-una-sobredosis/";
    let page = s.get(original).2;
    assert!(
        page.contains(&format!("href=\"{old}\" hreflang=\"es\"")),
        "the switcher links to the translation: {page}"
    );
    s.append(es, "\nUn párrafo guardado por la prueba: MARCA-ES-1.\n");
    s.wait("the Spanish edit to be served", || {
        s.get(old).2.contains("MARCA-ES-1").then_some(())
    });
    let text = std::fs::read_to_string(s.path(es)).unwrap();
    let slug = text.lines().find(|l| l.starts_with("slug:")).unwrap().to_string();
    std::fs::write(s.path(es), text.replace(&slug, "slug: naloxona-nueva")).unwrap();
    s.wait("the original's switcher to follow the new slug", || {
        s.get(original)
            .2
            .contains("href=\"/es/articles/naloxona-nueva/\" hreflang=\"es\"")
            .then_some(())
    });
    let body = s.get(original).2;
    assert!(
        body.contains("hreflang=\"es\" href=\"http://"),
        "the hreflang link: {body}"
    );
    assert!(!body.contains(old), "nothing links to the old slug any more");
    assert_eq!(s.get("/es/articles/naloxona-nueva/").0, 200);
}

/// The site prepared as `haven serve` prepares it on a save: loaded again, with the
/// pipeline's memos kept from the last build.
fn prepare_as_serve(
    opts: &haven::pipeline::BuildOptions,
    memos: &mut haven::pipeline::Memos,
) -> Result<haven::pipeline::Prepared, Vec<haven::diag::Diag>> {
    let mut diags = haven::diag::Diags::new();
    let loaded = haven::load::load(&opts.root, &mut diags);
    haven::pipeline::prepare_loaded(opts, loaded, diags, Duration::ZERO, memos)
}

/// The search index as a map of file -> bytes.
fn index_map(files: Vec<haven::index::IndexFile>) -> std::collections::BTreeMap<String, Vec<u8>> {
    output_map(files.into_iter().map(haven::index::IndexFile::into_output).collect())
}

fn output_map(files: Vec<haven::render::Output>) -> std::collections::BTreeMap<String, Vec<u8>> {
    files.into_iter().map(|o| (o.rel, o.bytes)).collect()
}

/// The index `haven serve` holds after edits (its memo reused across rebuilds) is, file for
/// file and byte for byte, what a fresh `haven build` writes for the same content; and an
/// edit tokenizes only the records it changed, and makes again only the records whose
/// inputs changed (all the facilities' when a facility file did).
#[test]
fn serve_index_after_edits_equals_a_fresh_build() {
    use haven::index::{self, Memo};
    use haven::pipeline;
    let (dir, opts) = demo_copy();
    // As `haven serve` prepares the site: with the pipeline's memos kept across builds
    // (an unchanged facility directory is then the same one).
    let mut memos = pipeline::Memos::default();
    let mut prepare = || prepare_as_serve(&opts, &mut memos).unwrap();
    let mut memo = Memo::remembering();
    let p = prepare();
    let facilities = p.site.facilities.facilities.len();
    assert!(facilities > 5, "the demo has facilities: {facilities}");
    let first = index_map(index::index_memo(&p.site, &mut memo).files);
    let records = memo.live.tokenized();
    assert_eq!(memo.made.made(), records, "the first build makes every record");
    assert!(records > 20, "the first build tokenizes every record: {records}");
    assert_eq!(first, index_map(index::index(&p.site).files));
    let article = "content/articles/what-is-opioid-use-disorder.md";
    let facility = "content/facilities/pa/three-rivers-example-residential.yaml";
    let copy = "content/articles/a-quixotrane-guide.md";
    // (edit, records it tokenizes, whether the new word is indexed after it, most index
    // files it encodes again: only an edit that adds or removes a record, which moves
    // every later record's id, encodes them all; records it makes again)
    type Edit = (Box<dyn Fn(&Path)>, usize, bool, usize, usize);
    let edits: Vec<Edit> = vec![
        (
            Box::new(move |r| replace_in(r, article, "\n---\n", "\n---\n\nQuixotrane is a new word here.\n")),
            1,
            true,
            6,
            1,
        ),
        (
            Box::new(move |r| replace_in(r, facility, "veterans' track", "veterans' track and Quixotrane")),
            1,
            true,
            6,
            facilities,
        ),
        (
            Box::new(move |r| {
                replace_in(r, article, "Quixotrane is a new word here.", "");
                replace_in(r, facility, " and Quixotrane", "");
            }),
            2,
            false,
            // 9 files change (the manifest, a record file, 7 shards) and one more is
            // encoded again to the same bytes: seen once the empty-state bulk path and
            // format 4's synonym group lists were merged (each alone stayed within 9)
            10,
            1 + facilities,
        ),
        (
            Box::new(move |r| {
                replace_in(
                    r,
                    article,
                    "title: What Is Opioid Use Disorder?",
                    "title: Opioid Use Disorder, Explained",
                )
            }),
            1,
            false,
            6,
            1,
        ),
        (
            Box::new(move |r| {
                let text = std::fs::read_to_string(r.join(article)).unwrap();
                let text = text
                    .replacen("title: Opioid Use Disorder, Explained", "title: A Quixotrane Guide", 1)
                    .replacen("aliases: [/opiate-recovery-guide/]\n", "", 1);
                std::fs::write(r.join(copy), text).unwrap();
            }),
            1,
            true,
            usize::MAX,
            1,
        ),
        (
            Box::new(move |r| std::fs::remove_file(r.join(copy)).unwrap()),
            0,
            false,
            usize::MAX,
            0,
        ),
    ];
    let mut last = first;
    for (n, (edit, tokenized, has_word, encoded, made)) in edits.into_iter().enumerate() {
        edit(dir.path());
        let p = prepare();
        let served = index_map(index::index_memo(&p.site, &mut memo).files);
        assert_eq!(
            memo.live.tokenized(),
            tokenized,
            "edit {n}: only the edited records are tokenized"
        );
        assert_eq!(
            memo.made.made(),
            made,
            "edit {n}: only the edited records are made again"
        );
        let fresh = index_map(index::index(&p.site).files);
        eprintln!(
            "edit {n}: {} of {} files encoded, {} records scored",
            memo.live.encoded(),
            fresh.len(),
            memo.live.scored()
        );
        assert!(
            memo.live.encoded() <= encoded,
            "edit {n}: {} index files encoded again, at most {encoded} expected",
            memo.live.encoded()
        );
        assert_eq!(
            served.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "edit {n}"
        );
        for (rel, bytes) in &fresh {
            assert!(served[rel] == *bytes, "edit {n}: {rel} differs from a fresh build");
        }
        assert_ne!(served, last, "edit {n} changes the index");
        let found = served
            .iter()
            .any(|(rel, b)| rel.contains("/s") && String::from_utf8_lossy(b).contains("\"quixotrane\""));
        assert_eq!(found, has_word, "edit {n}: the new word is a key of a shard");
        last = served;
    }
}

/// A saved article is searchable on the reload that shows it: the served index has its new
/// word as soon as the page has the new text (no background indexer).
#[test]
fn a_saved_article_is_searchable_on_the_reload() {
    let s = Server::start();
    s.append(ARTICLE, "\nA paragraph about zanthoxyline, saved by the test.\n");
    s.wait("the edit to be served", || {
        s.get(ARTICLE_URL).2.contains("zanthoxyline").then_some(())
    });
    let (code, _, manifest) = s.get("/search-index/manifest.json");
    assert_eq!(code, 200);
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let build = manifest["build"].as_str().unwrap();
    let firsts: Vec<&str> = manifest["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let shard = firsts.iter().rposition(|f| *f <= "zanthoxyline").unwrap_or(0);
    let (code, _, body) = s.get(&format!("/search-index/{build}/s{shard}.json"));
    assert_eq!(code, 200);
    assert!(body.contains("\"zanthoxyline\""), "s{shard}.json has the new word");
}

/// `haven serve` resolves a document's links again only when its text or what links point
/// at changed (it keeps them otherwise): an edit to another page that breaks this page's
/// link is still an error at this page, and an edit that moves its target moves its URL.
#[test]
fn an_edit_elsewhere_that_breaks_a_link_is_still_reported() {
    use haven::pipeline;
    let (dir, opts) = demo_copy();
    let root = dir.path();
    let mut memos = pipeline::Memos::default();
    let mut prepare = || prepare_as_serve(&opts, &mut memos);
    let linker = "content/articles/zz-links-elsewhere.md";
    let target = "content/articles/what-is-opioid-use-disorder.md";
    std::fs::write(
        root.join(linker),
        "---\ntitle: Links Elsewhere\nauthor: jordan-reyes\npublished: 2024-03-01\n---\n\n\
         See [the signs](@/articles/what-is-opioid-use-disorder.md#signs-of-opioid-use-disorder) \
         and [the guide](/articles/what-is-opioid-use-disorder/).\n",
    )
    .unwrap();
    let html = |p: &pipeline::Prepared| {
        let a = p
            .site
            .articles
            .iter()
            .find(|a| a.article.source.name.contains("zz-links"));
        a.map(|a| a.html.to_string()).unwrap_or_default()
    };
    let reported = |diags: &[haven::diag::Diag], what: &str| {
        diags
            .iter()
            .any(|d| d.message.contains(what) && d.place().is_some_and(|p| p.contains("zz-links-elsewhere.md:7:")))
    };
    let p = prepare().unwrap();
    assert!(
        html(&p).contains("/articles/what-is-opioid-use-disorder/#signs-of-opioid-use-disorder"),
        "{}",
        html(&p)
    );
    // The heading it names is renamed in the other file: the link is broken.
    replace_in(root, target, "## Signs of opioid use disorder", "## Signs to look for");
    let errors = prepare().err().expect("a broken fragment is an error");
    assert!(
        reported(&errors, "has no heading with id `signs-of-opioid-use-disorder`"),
        "{errors:#?}"
    );
    replace_in(root, target, "## Signs to look for", "## Signs of opioid use disorder");
    let p = prepare().unwrap();
    assert!(html(&p).contains("#signs-of-opioid-use-disorder"));
    // The target gets another slug: the `@/` link follows it, the root-relative one breaks.
    replace_in(
        root,
        target,
        "title: What Is Opioid Use Disorder?\n",
        "title: What Is Opioid Use Disorder?\nslug: oud-explained\n",
    );
    let errors = prepare().err().expect("a link to a page that moved is an error");
    assert!(
        reported(&errors, "/articles/what-is-opioid-use-disorder/ does not exist"),
        "{errors:#?}"
    );
    assert!(
        !reported(&errors, "@/articles/what-is-opioid-use-disorder.md"),
        "{errors:#?}"
    );
    replace_in(
        root,
        linker,
        "(/articles/what-is-opioid-use-disorder/)",
        "(/articles/oud-explained/)",
    );
    let p = prepare().unwrap();
    assert!(
        html(&p).contains("/articles/oud-explained/#signs-of-opioid-use-disorder"),
        "{}",
        html(&p)
    );
}

/// An added language's links to the default language's pages (`elsewhere`) are checked
/// against what that language has now, though `haven serve` keeps what they resolve against
/// while the default language's routes and headings are unchanged: a renamed heading breaks
/// a Spanish `@/` link, a new slug breaks its root-relative link, and both are reported at
/// the Spanish file.
#[test]
fn an_english_edit_that_breaks_a_spanish_link_is_still_reported() {
    use haven::pipeline;
    let (dir, opts) = demo_copy();
    let root = dir.path();
    let mut memos = pipeline::Memos::default();
    let mut prepare = || prepare_as_serve(&opts, &mut memos);
    let linker = "content/articles/zz-enlaces.es.md";
    let target = "content/articles/levels-of-care-explained.md";
    std::fs::write(
        root.join(linker),
        "---\ntitle: Enlaces\nauthor: jordan-reyes\npublished: 2024-03-01\n---\n\n\
         Vea [las preguntas](@/articles/levels-of-care-explained.md#questions-to-ask-any-program) \
         y [la guía](/articles/levels-of-care-explained/).\n",
    )
    .unwrap();
    let html = |p: &pipeline::Prepared| {
        let es = p.others.iter().flat_map(|l| &l.site.articles);
        let a = es.into_iter().find(|a| a.article.source.name.contains("zz-enlaces"));
        a.map(|a| a.html.to_string()).unwrap_or_default()
    };
    let reported = |diags: &[haven::diag::Diag], what: &str| {
        diags
            .iter()
            .any(|d| d.message.contains(what) && d.place().is_some_and(|p| p.contains("zz-enlaces.es.md:7:")))
    };
    let p = prepare().unwrap();
    assert!(
        html(&p).contains("/articles/levels-of-care-explained/#questions-to-ask-any-program"),
        "{}",
        html(&p)
    );
    // Unchanged routes and headings: the same links, from what was kept.
    replace_in(root, target, "## Red flags", "## Red flags\n\nA new paragraph.\n");
    let p = prepare().unwrap();
    assert!(html(&p).contains("#questions-to-ask-any-program"), "{}", html(&p));
    replace_in(root, target, "## Questions to ask any program", "## What to ask");
    let errors = prepare().err().expect("a broken fragment is an error");
    assert!(
        reported(&errors, "has no heading with id `questions-to-ask-any-program`"),
        "{errors:#?}"
    );
    replace_in(root, target, "## What to ask", "## Questions to ask any program");
    assert!(html(&prepare().unwrap()).contains("#questions-to-ask-any-program"));
    replace_in(
        root,
        target,
        "title: \"Levels of Care Explained: From Detox to Telehealth\"\n",
        "title: \"Levels of Care Explained: From Detox to Telehealth\"\nslug: levels-of-care\n",
    );
    let errors = prepare().err().expect("a link to a page that moved is an error");
    assert!(
        reported(&errors, "/articles/levels-of-care-explained/ does not exist"),
        "{errors:#?}"
    );
}

/// The site `haven serve` prepares with its memos kept (the alternates, the theme's strings
/// and the template engines are taken from the last build while what they are made from is
/// the same) renders, page for page, what a fresh build of the same content renders: after
/// an edit that keeps them, one that changes a translation's path (the alternates) and one
/// that changes the settings (every engine's variables).
#[test]
fn kept_alternates_and_engines_render_what_a_fresh_build_does() {
    use haven::pipeline;
    let (dir, opts) = demo_copy();
    let root = dir.path();
    let mut memos = pipeline::Memos::default();
    let es = "content/articles/naloxone-how-to-respond-to-an-overdose.es.md";
    let mut check = |what: &str| {
        let mut kept = prepare_as_serve(&opts, &mut memos).unwrap();
        let mut fresh = pipeline::prepare(&opts).unwrap();
        let kept = output_map(pipeline::render_all(&mut kept, None).unwrap());
        let fresh = output_map(pipeline::render_all(&mut fresh, None).unwrap());
        assert_eq!(
            kept.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "{what}"
        );
        for (rel, bytes) in &fresh {
            assert!(kept[rel] == *bytes, "{what}: {rel} differs from a fresh build's");
        }
        kept
    };
    check("first build");
    replace_in(root, ARTICLE, "\n---\n", "\n---\n\nA new first paragraph.\n");
    check("an article's body");
    let text = std::fs::read_to_string(root.join(es)).unwrap();
    let slug = text.lines().find(|l| l.starts_with("slug:")).unwrap().to_string();
    std::fs::write(root.join(es), text.replace(&slug, "slug: naloxona-nueva")).unwrap();
    let files = check("a translation's slug");
    let original = files
        .iter()
        .find(|(rel, _)| rel.starts_with("articles/naloxone-how-to-respond-to-an-overdose/"))
        .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        .unwrap_or_default();
    assert!(original.contains("/es/articles/naloxona-nueva/"), "{original}");
    let config = std::fs::read_to_string(root.join("content/site.yaml")).unwrap();
    let title = config.lines().find(|l| l.starts_with("title:")).unwrap().to_string();
    std::fs::write(
        root.join("content/site.yaml"),
        config.replacen(&title, "title: A Retitled Site", 1),
    )
    .unwrap();
    let files = check("the site's title");
    assert!(
        files
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("A Retitled Site"))
    );
}
