//! Starting a site (issue 14): `haven init` makes a site that builds at once with no
//! warning and never touches a folder that already holds something; `haven new` works only
//! inside a site, never invents an author id, and says how to preview and publish a draft.

use std::path::Path;

use crate::support::{Run, Site, haven_in, snapshot};

fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("haven-init-")
        .tempdir()
        .expect("temp dir")
}

/// Builds the site in `dir` through the binary and asserts exit 0 and no warning.
fn builds_clean(dir: &Path) -> Run {
    let run = haven_in(dir, &["build"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        !run.stderr.contains("warning"),
        "warnings on a new site:\n{}",
        run.stderr
    );
    assert!(run.stderr.trim().is_empty(), "{}", run.stderr);
    let check = haven_in(dir, &["check"]);
    assert_eq!(check.code, Some(0), "{check:?}");
    assert!(!check.stderr.contains("warning"), "{}", check.stderr);
    run
}

#[test]
fn init_makes_a_site_that_builds_with_no_warning() {
    let tmp = tmp();
    let run = haven_in(tmp.path(), &["init", "mysite"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("cd mysite && haven serve"), "{}", run.stdout);
    let site = tmp.path().join("mysite");
    let files: Vec<String> = snapshot(&site).into_keys().collect();
    assert_eq!(
        files,
        [
            "content/articles/where-to-start.md",
            "content/authors/editorial-team.yaml",
            "content/facilities/tx/example-recovery-center.yaml",
            "content/index.md",
            "content/pages/about.md",
            "content/site.yaml",
        ],
        "no themes/ folder: the embedded theme is used"
    );
    let facility =
        std::fs::read_to_string(site.join("content/facilities/tx/example-recovery-center.yaml")).expect("facility");
    assert!(facility.contains("FICTIONAL") && facility.contains("https://example.org/"));
    assert!(facility.contains("\"+15125550123\""), "a 555-01xx number");
    let verified = format!("verified: {}\n", chrono::Local::now().date_naive());
    assert!(facility.contains(&verified), "{facility}");

    builds_clean(&site);
    let out = site.join("output");
    for page in [
        "index.html",
        "about/index.html",
        "articles/where-to-start/index.html",
        "authors/editorial-team/index.html",
        "treatment/tx/austin/example-recovery-center/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page} not built");
    }
    // Every key of site.yaml is there, set or commented with its meaning.
    let yaml = std::fs::read_to_string(site.join("content/site.yaml")).expect("site.yaml");
    for key in [
        "title:",
        "base_url:",
        "language:",
        "description:",
        "theme:",
        "articles_per_page:",
        "# hotline:",
        "answered_by:",
        "crisis_lines:",
        "corrections:",
        "menu:",
        "listings_stale_after_months:",
        "#   synonyms:",
        "raw_html:",
        "# permalinks:",
        "# extra:",
    ] {
        assert!(yaml.contains(key), "{key} missing from site.yaml");
    }
}

#[test]
fn init_minimal_writes_only_site_yaml_and_builds() {
    let tmp = tmp();
    let run = haven_in(tmp.path(), &["init", "--minimal", "small"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let site = tmp.path().join("small");
    assert_eq!(snapshot(&site).into_keys().collect::<Vec<_>>(), ["content/site.yaml"]);
    builds_clean(&site);
    assert!(site.join("output/index.html").is_file());
}

#[test]
fn init_refuses_a_folder_with_anything_in_it_and_changes_nothing() {
    let site = Site::fixture("basic");
    let before = snapshot(site.root());
    for args in [&["init"][..], &["init", "."], &["init", "--minimal"]] {
        let run = site.haven(args);
        assert_eq!(run.code, Some(1), "{run:?}");
        assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
        assert!(snapshot(site.root()) == before, "init changed a folder it refused");
    }
    // One stray file is enough; an empty folder (or one with only .git) is fine.
    let tmp = tmp();
    std::fs::write(tmp.path().join("notes.txt"), "mine\n").expect("write");
    let run = haven_in(tmp.path(), &["init"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("notes.txt"), "{}", run.stderr);
    assert_eq!(snapshot(tmp.path()).len(), 1);
    let empty = tmp.path().join("repo");
    std::fs::create_dir_all(empty.join(".git")).expect("mkdir");
    assert_eq!(haven_in(&empty, &["init", "--minimal"]).code, Some(0));
}

#[test]
fn new_outside_a_site_points_at_init_and_writes_nothing() {
    let tmp = tmp();
    let run = haven_in(tmp.path(), &["new", "article", "First Steps"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("haven init"), "{}", run.stderr);
    assert!(snapshot(tmp.path()).is_empty(), "new wrote a file outside a site");
}

#[test]
fn new_article_never_invents_an_author_and_explains_drafts() {
    let tmp = tmp();
    assert_eq!(haven_in(tmp.path(), &["init", "--minimal", "s"]).code, Some(0));
    let site = tmp.path().join("s");
    let run = haven_in(&site, &["new", "article", "First Steps"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let text = std::fs::read_to_string(site.join("content/articles/first-steps.md")).expect("article");
    assert!(text.contains("\nauthor: \"\"\n"), "{text}");
    assert!(run.stderr.contains("haven new author"), "{}", run.stderr);
    for says in ["draft", "haven serve", "remove the line `draft: true`"] {
        assert!(run.stderr.contains(says), "{says} not in {}", run.stderr);
    }
    // With an author, its id is used.
    assert_eq!(haven_in(&site, &["new", "author", "Ana Ruiz"]).code, Some(0));
    assert_eq!(haven_in(&site, &["new", "article", "Second Steps"]).code, Some(0));
    let text = std::fs::read_to_string(site.join("content/articles/second-steps.md")).expect("article");
    assert!(text.contains("\nauthor: ana-ruiz\n"), "{text}");
    // A new page is a draft too.
    let run = haven_in(&site, &["new", "page", "Contact"]);
    let text = std::fs::read_to_string(site.join("content/pages/contact.md")).expect("page");
    assert!(
        text.contains("\ndraft: true\n") && run.stderr.contains("haven serve"),
        "{text}"
    );
}

#[test]
fn new_facility_marks_every_required_field_and_never_overwrites() {
    let site = Site::fixture("basic");
    let run = site.haven(&[
        "new",
        "facility",
        "Hill Country Example Clinic",
        "--state",
        "tx",
        "--city",
        "San Marcos",
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let rel = "content/facilities/tx/hill-country-example-clinic.yaml";
    assert!(run.stdout.trim_end().ends_with(rel), "{}", run.stdout);
    let text = site.read(rel);
    assert!(text.contains("name: \"Hill Country Example Clinic\"\n"), "{text}");
    assert!(text.contains("  city: \"San Marcos\"\n  state: TX\n"), "{text}");
    for key in ["street:", "zip:", "geo:", "phone:", "levels_of_care:", "verified:"] {
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_default();
        assert!(line.contains("# required"), "{key} not marked: {line:?}");
    }
    // `check` names each required field still empty.
    let check = site.haven(&["check"]);
    assert_eq!(check.code, Some(1), "{check:?}");
    for key in ["street", "zip", "geo", "phone", "levels_of_care", "verified"] {
        assert!(
            check.stderr.contains(&format!("`{key}`")),
            "{key} not reported:\n{}",
            check.stderr
        );
    }
    let site = site.write(rel, "mine\n");
    let again = site.haven(&[
        "new",
        "facility",
        "Hill Country Example Clinic",
        "--state",
        "TX",
        "--city",
        "X",
    ]);
    assert_eq!(again.code, Some(1));
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(site.read(rel), "mine\n");
    let no_state = site.haven(&["new", "facility", "Other", "--city", "Austin"]);
    assert!(
        no_state.code == Some(1) && no_state.stderr.contains("--state TX"),
        "{no_state:?}"
    );
    let bad_state = site.haven(&["new", "facility", "Other", "--state", "Texas", "--city", "Austin"]);
    assert!(
        bad_state.code == Some(1) && bad_state.stderr.contains("postal code"),
        "{bad_state:?}"
    );
}
