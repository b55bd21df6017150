//! The output folder (all or nothing, never someone else's folder) and the command line
//! (exit codes, `haven new`, `haven check`), through the real binary where it matters.

use crate::support::{Site, snapshot};

const TWELVE: &str = "content/articles/twelve-step.md";

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = Site::fixture("basic");
    site.build();
    let before = snapshot(&site.output());
    assert!(before.contains_key("articles/twelve-step/index.html"));
    let site = site.edit(TWELVE, "Ask around.", "Ask [around](/nowhere/).").write(
        "content/articles/new.md",
        "---\ntitle: New\nauthor: sam-writer\npublished: 2025-01-01\n---\nNew.\n",
    );
    site.build_err();
    assert!(
        snapshot(&site.output()) == before,
        "the output changed after a failed build"
    );
    // Nothing left beside it either, but the (empty) build lock file, which stays on
    // purpose: removing a lock file races with the next build opening it, and the image
    // cache (docs/images.md), which the successful build filled.
    let beside: Vec<_> = std::fs::read_dir(site.root())
        .expect("read site root")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("haven") && n != ".output.haven-lock" && n != ".haven-cache")
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn builds_are_reproducible() {
    // Rendering runs in parallel; the bytes must not depend on the order jobs finish in.
    let site = Site::fixture("basic");
    let first = snapshot(&site.build().out);
    let second = snapshot(&site.build().out);
    assert!(first == second, "two builds of the same site differ");
}

#[test]
fn successful_rebuild_replaces_the_output() {
    let site = Site::fixture("basic");
    site.build();
    let site = site.remove("content/articles/family.md");
    let built = site.build();
    assert!(
        !built.exists("/articles/family/"),
        "an article removed from the site stays in the output"
    );
    assert!(built.out.join(".haven-output").is_file(), "the marker is missing");
}

#[test]
fn foreign_output_folder_is_refused_and_left_intact() {
    let site = Site::fixture("basic").write("output/notes.txt", "mine\n");
    let errs = site.build_err();
    errs.find("was not made by haven");
    assert_eq!(site.read("output/notes.txt"), "mine\n");
    assert_eq!(
        snapshot(&site.output()).len(),
        1,
        "haven wrote into a folder it did not make"
    );
}

#[test]
fn output_inside_content_is_refused() {
    let site = Site::fixture("basic");
    let run = site.haven(&["build", "--output", "content/static/out"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("refusing to write the site into"), "{}", run.stderr);
    assert!(!site.root().join("content/static/out").exists());
}

#[test]
fn binary_exits_0_on_success() {
    let site = Site::fixture("basic");
    let run = site.haven(&["build"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.starts_with("Built ") && run.stdout.contains(" pages"),
        "{}",
        run.stdout
    );
    assert!(site.output().join("index.html").is_file());
}

#[test]
fn binary_exits_1_on_content_errors_and_names_the_place() {
    let site = Site::fixture("basic").edit(TWELVE, "Ask around.", "Ask [around](/nowhere/).");
    let run = site.haven(&["build"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("error: {TWELVE}:12:5: /nowhere/ does not exist")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Build failed with 1 error"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!site.output().exists());
}

#[test]
fn binary_exits_2_on_bad_usage() {
    let site = Site::fixture("basic");
    for args in [
        &["build", "--no-such-flag"][..],
        &["publish"],
        &["new", "essay", "x"],
        &[],
    ] {
        let run = site.haven(args);
        assert_eq!(run.code, Some(2), "{args:?}: {run:?}");
        assert!(!run.stderr.is_empty(), "{args:?}");
    }
    assert!(!site.output().exists());
}

#[test]
fn build_help_explains_every_flag() {
    let run = Site::fixture("basic").haven(&["build", "--help"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    for flag in ["--root", "--output", "--drafts", "--base-url"] {
        assert!(run.stdout.contains(flag), "{flag} missing from:\n{}", run.stdout);
    }
}

#[test]
fn new_article_has_todays_date_and_never_overwrites() {
    let site = Site::fixture("basic");
    let before = chrono::Local::now().date_naive().to_string();
    let run = site.haven(&["new", "article", "Harm Reduction Basics"]);
    let after = chrono::Local::now().date_naive().to_string();
    assert_eq!(run.code, Some(0), "{run:?}");
    let rel = "content/articles/harm-reduction-basics.md";
    assert!(run.stdout.trim_end().ends_with(rel), "{}", run.stdout);
    let text = site.read(rel);
    assert!(text.starts_with("---\ntitle: \"Harm Reduction Basics\"\n"), "{text}");
    assert!(
        text.contains(&format!("published: {before}\n")) || text.contains(&format!("published: {after}\n")),
        "{text}"
    );
    // The new file is valid (a draft), so the site still checks.
    assert_eq!(site.haven(&["check"]).code, Some(0));

    let site = site.write(rel, "mine\n");
    let again = site.haven(&["new", "article", "Harm Reduction Basics"]);
    assert_eq!(again.code, Some(1), "{again:?}");
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(site.read(rel), "mine\n");
}

#[test]
fn check_writes_nothing() {
    let site = Site::fixture("basic");
    let before = snapshot(site.root());
    let run = site.haven(&["check"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("No errors"), "{}", run.stdout);
    assert!(snapshot(site.root()) == before, "check changed the site folder");
    assert!(!site.output().exists());

    let site = site.edit(TWELVE, "Ask around.", "Ask [around](/nowhere/).");
    let run = site.haven(&["check"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("/nowhere/ does not exist"), "{}", run.stderr);
}
