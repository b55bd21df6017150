//! What a run prints: errors first, then warnings, then one line with both counts; drafts'
//! problems as warnings in `check`; placeholder text; wording of the summary lines.

use haven::diag::Severity;
use haven::pipeline::{self, BuildOptions};

use crate::support::Site;

const DRAFT: &str = "content/articles/upcoming-draft.md";

/// The basic fixture with one error (a broken link) and one warning (a stale listing).
fn one_error_one_warning() -> Site {
    Site::fixture("basic")
        .append("content/articles/family.md", "\nSee [nowhere](/nowhere/).\n")
        .write(
            "content/facilities/tx/old.yaml",
            &std::fs::read_to_string("tests/fixtures/facilities/content/facilities/tx/alamo-example.yaml")
                .expect("fixture facility")
                .replace("verified: 2026-10-10", "verified: 2020-01-01"),
        )
}

#[test]
fn errors_then_warnings_then_one_summary_line_with_both_counts() {
    let run = one_error_one_warning().haven(&["check"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let error = run.stderr.find("error: content/articles/family.md").expect("the error");
    let warning = run
        .stderr
        .find("warning: content/facilities/tx/old.yaml")
        .expect("the warning");
    // Sorted by file, the facility came first although an error is what must be fixed.
    assert!(error < warning, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim_end().lines().last(),
        Some("Found 1 error and 1 warning.")
    );

    let build = one_error_one_warning().haven(&["build"]);
    assert_eq!(
        build.stderr.trim_end().lines().last(),
        Some("Build failed with 1 error and 1 warning; nothing was written."),
        "{}",
        build.stderr
    );
}

#[test]
fn no_errors_says_how_many_warnings() {
    let site = one_error_one_warning().edit("content/articles/family.md", "\nSee [nowhere](/nowhere/).\n", "");
    let run = site.haven(&["check"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.starts_with("No errors, 1 warning: "), "{}", run.stdout);
}

#[test]
fn previous_output_is_only_mentioned_when_there_was_one() {
    let site = Site::fixture("basic");
    let first = site.haven(&["build"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert!(first.stdout.starts_with("Built "), "{}", first.stdout);
    let site = site.append("content/articles/family.md", "\nSee [nowhere](/nowhere/).\n");
    let failed = site.haven(&["build"]);
    assert!(
        failed
            .stderr
            .contains("Build failed with 1 error; the previous output was left as it was."),
        "{}",
        failed.stderr
    );
    let elsewhere = site.haven(&["build", "-o", "fresh-output"]);
    assert!(
        elsewhere.stderr.contains("; nothing was written."),
        "{}",
        elsewhere.stderr
    );
    assert!(!elsewhere.stderr.contains("previous output"), "{}", elsewhere.stderr);
}

#[test]
fn missing_root_folder_says_it_does_not_exist() {
    let site = Site::fixture("basic");
    let missing = site.root().join("no-such-site");
    let run = site.haven(&["check", "--root", &missing.to_string_lossy()]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    assert!(!run.stderr.contains("pass --root DIR"), "{}", run.stderr);
}

/// The draft with two broken links: one to a file, one to a page of the site.
fn draft_with_two_broken_links() -> Site {
    Site::fixture("basic").append(DRAFT, "\nSee [x](@/articles/nope.md) and [y](/nowhere/).\n")
}

#[test]
fn check_reports_a_drafts_problems_as_warnings() {
    // Both used to pass `check` with "No errors".
    let run = draft_with_two_broken_links().haven(&["check"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: content/articles/upcoming-draft.md:11:5: link to @/articles/nope.md, which does not exist (in a draft)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("/nowhere/ does not exist in the built site (in a draft)"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.starts_with("No errors, 2 warnings: "), "{}", run.stdout);
}

#[test]
fn check_drafts_makes_them_errors() {
    let run = draft_with_two_broken_links().haven(&["check", "--drafts"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: content/articles/upcoming-draft.md:11:5: link to @/articles/nope.md"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("(in a draft)"), "{}", run.stderr);
    assert_eq!(run.stderr.trim_end().lines().last(), Some("Found 2 errors."));
}

#[test]
fn a_draft_with_a_bad_key_does_not_stop_a_build_without_it() {
    let site = Site::fixture("basic").edit(DRAFT, "topics:", "topcs:");
    let built = site.build();
    let w = built
        .report
        .warnings
        .iter()
        .find(|d| &*d.message == "unknown key `topcs` (in a draft)")
        .expect("the warning");
    assert_eq!(w.severity, Severity::Warning);
    let errs = site.drafts().build_err();
    errs.find("unknown key `topcs`");
}

/// Whether `stderr` has the header `{kind}: content/pages/contact-us.md:L:C: {message}`
/// (the line depends on what `haven new` writes).
fn has_header(stderr: &str, kind: &str, message: &str) -> bool {
    let start = format!("{kind}: content/pages/contact-us.md:");
    stderr.lines().any(|l| l.starts_with(&start) && l.ends_with(message))
}

#[test]
fn placeholder_text_warns_in_check_and_fails_build() {
    let site = Site::fixture("basic");
    let new = site.haven(&["new", "page", "Contact Us"]);
    assert_eq!(new.code, Some(0), "{}", new.stderr);
    // `haven new` writes a draft, which a build leaves out: publish it untouched otherwise.
    let file = site.root().join("content/pages/contact-us.md");
    let text = std::fs::read_to_string(&file).expect("the new page");
    assert!(text.contains("draft: true\n"), "{text}");
    std::fs::write(&file, text.replace("draft: true\n", "")).expect("publish it");
    let check = site.haven(&["check"]);
    assert_eq!(check.code, Some(0), "{}", check.stderr);
    let placeholder = "this still holds the placeholder text of `haven new`";
    assert!(has_header(&check.stderr, "warning", placeholder), "{}", check.stderr);
    assert!(check.stderr.contains("`description:`"), "{}", check.stderr);
    let build = site.haven(&["build"]);
    assert_eq!(build.code, Some(1), "{}", build.stderr);
    assert!(has_header(&build.stderr, "error", placeholder), "{}", build.stderr);
    assert!(!site.output().exists(), "nothing is written");
}

#[test]
fn the_demo_site_builds_with_no_warning() {
    let out = tempfile::tempdir().expect("temp dir");
    let opts = BuildOptions {
        root: env!("CARGO_MANIFEST_DIR").into(),
        output: Some(out.path().join("output")),
        minify: true,
        ..BuildOptions::default()
    };
    let report = match pipeline::build(&opts) {
        Ok(r) => r,
        Err(d) => panic!("the demo does not build: {d:?}"),
    };
    let shown: Vec<String> = report.warnings.iter().map(|d| haven::diag::render(d, false)).collect();
    assert!(shown.is_empty(), "{}", shown.join("\n"));
    assert!(report.pages > 100, "{} pages", report.pages);
}

#[test]
fn build_and_serve_count_the_same_way() {
    assert_eq!(pipeline::built(135, 1176), "Built 135 pages (1,176 files)");
    assert_eq!(pipeline::built(1, 1), "Built 1 page (1 file)");
    let run = Site::fixture("basic").haven(&["build"]);
    let line = run.stdout.lines().last().unwrap_or_default();
    assert!(
        line.starts_with("Built ") && line.contains(" pages (") && line.contains(" files) into "),
        "{line}"
    );
}

#[test]
fn a_broken_link_never_suggests_the_page_it_is_on() {
    // The about page linking to /abot/: the nearest route was the about page itself.
    let errs = Site::fixture("basic")
        .append(
            "content/pages/about.md",
            "\nSee [us](/abot/) and [me](@/pages/abot.md).\n",
        )
        .build_err();
    for d in &errs.diags {
        let help = d.help.clone().unwrap_or_default();
        assert!(
            !help.contains("/about/") && !help.contains("pages/about.md"),
            "{}",
            errs.text()
        );
    }
    assert_eq!(errs.count(), 2, "{}", errs.text());
}

/// `--timings` gives every stage's time and, on Linux, the peak memory after it with what
/// the stage added, so a budget such as the index stage's added memory can be read off.
#[test]
fn timings_list_every_stage_with_its_time_and_peak_memory() {
    let run = Site::fixture("basic").haven(&["build", "--timings"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let stages = ["load", "validate", "resolve", "render", "index", "minify+write"];
    let lines: Vec<&str> = stages
        .iter()
        .map(|s| {
            run.stdout
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("{s}:")))
                .unwrap_or_else(|| panic!("no {s} line in\n{}", run.stdout))
        })
        .collect();
    if cfg!(target_os = "linux") {
        let peaks: Vec<f64> = lines
            .iter()
            .map(|l| {
                let after = l.split("peak").nth(1).unwrap_or_else(|| panic!("no peak in {l}"));
                after
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("{l}"))
            })
            .collect();
        assert!(peaks[0] > 0.0, "{lines:?}");
        assert!(peaks.windows(2).all(|w| w[0] <= w[1]), "a peak never falls: {lines:?}");
        assert!(lines[1..].iter().all(|l| l.contains("(+")), "{lines:?}");
    }
}
