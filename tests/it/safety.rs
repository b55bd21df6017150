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

const FAMILY: &str = "content/articles/family.md";
const RAW: &str = "Caring for someone you love.\n\n<details class=\"more\"><summary>Read more</summary>\n\n<abbr title=\"medications for opioid use disorder\">MOUD</abbr> H<sub>2</sub>O\n\n</details>\n\n<script>alert('x')</script>\n\nA <a href=\"javascript:alert(1)\" onclick=\"alert(2)\">link</a>.\n\n<iframe src=\"https://example.org/\"></iframe>\n\n<form action=\"https://example.org/\"><input name=\"q\"></form>\n\n<p style=\"color:red\" id=\"kept-id\">Styled</p>";

fn raw_html_site() -> Site {
    Site::fixture("basic")
        .edit(FAMILY, "Caring for someone you love.", RAW)
        .edit(
            "content/authors/sam-writer.yaml",
            "Sam writes about recovery.",
            "Sam writes about <em>recovery</em>.<img src=x alt=\"\" onerror=\"alert(3)\">",
        )
}

#[test]
fn raw_html_is_sanitized_by_default_with_a_warning_per_drop() {
    let built = raw_html_site().build();
    let page = built.page("/articles/family/");
    let body = page.one("main").html();
    for gone in [
        "<script",
        "alert",
        "javascript:",
        "onclick",
        "<iframe",
        "<form",
        "style=",
    ] {
        assert!(!body.contains(gone), "{gone} survived:\n{body}");
    }
    assert_eq!(page.text("details.more summary"), "Read more");
    assert_eq!(page.attr("abbr", "title"), "medications for opioid use disorder");
    assert_eq!(page.text("sub"), "2");
    assert_eq!(page.text("p#kept-id"), "Styled");
    // haven's own markup is still there: heading ids and the table of contents.
    assert!(page.has("h2#set-boundaries"), "heading id lost");
    let bio = built.page("/authors/sam-writer/");
    assert!(!bio.raw.contains("onerror"), "bio not sanitized");
    assert!(bio.has("em"), "bio lost its safe HTML");

    let warnings: Vec<String> = built
        .report
        .warnings
        .iter()
        .map(|d| haven::diag::render(d, false))
        .collect();
    let line_of = |needle: &str| RAW.lines().position(|l| l.contains(needle)).map(|i| i + 8); // RAW starts on line 8
    for (what, needle) in [
        ("the <script> element", "<script>"),
        ("the javascript: link of <a>", "javascript"),
        ("the onclick attribute of <a>", "onclick"),
        ("the <iframe> element", "<iframe"),
        ("the <form> element", "<form"),
        ("the style attribute of <p>", "style="),
    ] {
        let line = line_of(needle).expect("line in RAW");
        let want = format!("warning: {FAMILY}:{line}:");
        assert!(
            warnings.iter().any(|w| w.starts_with(&want) && w.contains(what)),
            "no {want:?} {what:?} among:\n{}",
            warnings.join("\n")
        );
    }
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("warning: content/authors/sam-writer.yaml:4:") && w.contains("onerror")),
        "{warnings:?}"
    );
}

#[test]
fn trusted_raw_html_is_published_as_written_without_warnings() {
    let built = raw_html_site()
        .append("content/site.yaml", "markdown:\n  raw_html: trusted\n")
        .build();
    let body = built.page("/articles/family/").one("main").html();
    for kept in ["<script>", "onclick=", "<iframe", "<form", "style=\"color:red\""] {
        assert!(body.contains(kept), "{kept} dropped in trusted mode:\n{body}");
    }
    assert!(
        !built.report.warnings.iter().any(|d| d.message.contains("is removed")),
        "{:?}",
        built.report.warnings
    );
}

#[test]
fn a_build_refuses_while_another_holds_the_output_lock() {
    let site = Site::fixture("basic");
    let built = site.build();
    let before = crate::support::snapshot(&built.out);
    let lock = std::fs::File::open(site.root().join(".output.haven-lock")).expect("the lock file beside output");
    lock.lock().expect("take the lock as another build would");
    let run = site.haven(&["build"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("another haven build is writing"), "{}", run.stderr);
    assert!(
        crate::support::snapshot(&built.out) == before,
        "the output changed under a held lock"
    );
    drop(lock);
    assert_eq!(
        site.haven(&["build"]).code,
        Some(0),
        "the lock is released with its file"
    );
}

#[test]
fn two_builds_started_at_once_never_mix() {
    let site = Site::fixture("basic");
    let expected = crate::support::snapshot(&site.build().out);
    std::fs::remove_dir_all(site.output()).expect("start without output");
    for _round in 0..3 {
        let children: Vec<_> = (0..2)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_haven"))
                    .arg("build")
                    .current_dir(site.root())
                    .env("NO_COLOR", "1")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("start haven build")
            })
            .collect();
        let mut ok = 0;
        for child in children {
            let out = child.wait_with_output().expect("wait for haven build");
            let stderr = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => ok += 1,
                Some(1) => assert!(stderr.contains("another haven build is writing"), "{stderr}"),
                other => panic!("exit {other:?}: {stderr}"),
            }
        }
        assert!(ok >= 1, "neither build finished");
        assert!(
            crate::support::snapshot(&site.output()) == expected,
            "the output of two concurrent builds differs from one build's"
        );
        let beside: Vec<String> = std::fs::read_dir(site.root())
            .expect("read site root")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".haven-new") || n.ends_with(".haven-old"))
            .collect();
        assert!(beside.is_empty(), "{beside:?}");
    }
}
