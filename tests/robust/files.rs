//! File-system cases: symlink loops and escapes, non-UTF-8 names and contents, CRLF and BOM.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::symlink;
use std::time::{Duration, Instant};

use super::{ARTICLE, Site, describe, sel};

/// Builds what is on disk, expecting failure within a few seconds; returns the errors.
fn errors_on_disk(site: &Site) -> Vec<String> {
    let start = Instant::now();
    let result = site.build_only();
    assert!(start.elapsed() < Duration::from_secs(20), "took {:?}", start.elapsed());
    match result {
        Ok(_) => panic!("the build was expected to fail"),
        Err(ds) => ds.iter().map(describe).collect(),
    }
}

#[test]
fn symlink_loops_are_reported() {
    let site = Site::new();
    site.write();
    let articles = site.root().join("content/articles");
    // A folder that links to its own parent, and a link to itself.
    symlink("..", articles.join("up")).unwrap();
    symlink("self.md", articles.join("self.md")).unwrap();
    let errors = errors_on_disk(&site);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("content/articles/up") && e.contains("symlink loop")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("content/articles/self.md")),
        "{errors:?}"
    );
}

#[test]
fn symlinks_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), ARTICLE).unwrap();
    std::fs::write(outside.path().join("passwd"), "root:x:0:0\n").unwrap();
    let site = Site::new();
    site.write();
    let content = site.root().join("content");
    symlink(outside.path().join("secret.md"), content.join("articles/secret.md")).unwrap();
    std::fs::create_dir_all(content.join("static")).unwrap();
    symlink(outside.path(), content.join("static/etc")).unwrap();
    let errors = errors_on_disk(&site);
    for name in [
        "content/articles/secret.md",
        "content/static/etc/passwd",
        "content/static/etc/secret.md",
    ] {
        assert!(
            errors
                .iter()
                .any(|e| e.contains(name) && e.contains("outside the site folder")),
            "{name}: {errors:?}"
        );
    }
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(!site.root().join("output").exists(), "nothing was written");
}

#[test]
fn symlinks_inside_the_site_are_followed() {
    let site = Site::new().file("shared/logo.svg", "<svg/>");
    site.write();
    std::fs::create_dir_all(site.root().join("content/static")).unwrap();
    symlink("../../shared/logo.svg", site.root().join("content/static/logo.svg")).unwrap();
    let built = site.build_only().unwrap();
    assert_eq!(built.text("logo.svg"), "<svg/>");
}

#[test]
fn non_utf8_names_and_contents_name_the_file() {
    let site = Site::new().file(
        "content/articles/latin1.md",
        b"---\ntitle: Caf\xe9\nauthor: jane\n---\n",
    );
    site.write();
    let articles = site.root().join("content/articles");
    let bad_name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(articles.join(bad_name), ARTICLE).unwrap();
    let bad_dir = articles.join(std::ffi::OsStr::from_bytes(b"d\xff"));
    std::fs::create_dir(&bad_dir).unwrap();
    std::fs::write(bad_dir.join("x.md"), ARTICLE).unwrap();
    let errors = errors_on_disk(&site);
    assert_eq!(errors.len(), 3, "{errors:?}");
    let has = |a: &str, b: &str| errors.iter().any(|e| e.contains(a) && e.contains(b));
    assert!(has("content/articles/caf\u{fffd}.md", "not valid UTF-8"), "{errors:?}");
    assert!(has("content/articles/d\u{fffd}/x.md", "not valid UTF-8"), "{errors:?}");
    assert!(has("content/articles/latin1.md", "line 2"), "{errors:?}");
    assert!(
        errors.iter().all(|e| !e.contains(&*site.root().to_string_lossy())),
        "no absolute paths: {errors:?}"
    );
}

#[test]
fn crlf_and_bom_files_build() {
    let crlf = |s: &str| s.replace('\n', "\r\n");
    let bom = |s: &str| format!("\u{feff}{s}");
    let site = Site::new()
        .file(
            "content/site.yaml",
            bom(&crlf(
                "title: Windows Site\nbase_url: https://example.org/\ndescription: >-\n  two\n  lines\n",
            )),
        )
        .file(
            "content/authors/jane.yaml",
            bom(&crlf("name: Jane Roe\nbio: |\n  Line one.\n  Line two.\n")),
        )
        .file(
            "content/articles/hello.md",
            bom(&crlf(
                "---\ntitle: Hello\nauthor: jane\npublished: 2024-01-02\n---\n## A heading\n\nSome\ntext.\n",
            )),
        )
        .file("content/pages/about.md", crlf("---\ntitle: About\n---\nAbout us.\n"))
        .file("content/index.md", bom("---\ntitle: Home\n---\nWelcome.\n"));
    let built = site
        .build()
        .unwrap_or_else(|e| panic!("{:?}", e.iter().map(describe).collect::<Vec<_>>()));
    let page = built.page("articles/hello/index.html");
    let text = |css: &str| {
        page.select(&sel(css))
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>()
    };
    assert_eq!(text("h1"), ["Hello"]);
    assert_eq!(text(".prose h2"), ["A heading"]);
    assert_eq!(text(".prose p"), ["Some text."]);
    assert_eq!(text(".byline a"), ["Jane Roe"]);
    assert!(text(".person-bio p")[0].starts_with("Line one."));
    let home = built.page("index.html");
    let desc = home.select(&sel("meta[name=description]")).next().unwrap();
    assert_eq!(desc.value().attr("content"), Some("Welcome."));
    assert!(!built.text("about/index.html").contains('\u{feff}'));
    assert!(!built.text("articles/hello/index.html").contains('\r'));
}

/// Positions in errors count lines the same with CRLF and a BOM.
#[test]
fn crlf_and_bom_errors_point_at_the_right_line() {
    let file = "\u{feff}---\r\ntitle: T\r\nauthor: jane\r\npublished: 2024-01-02\r\nupdatd: 2024-01-03\r\n---\r\n";
    let errors = Site::new().file("content/articles/hello.md", file).errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("content/articles/hello.md:5:1: unknown key `updatd`"),
        "{errors:?}"
    );
}
