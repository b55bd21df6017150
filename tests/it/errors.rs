//! One test per kind of content error: each breaks one thing in the valid `basic` fixture
//! and asserts the message as the editor sees it: `error: file:line:col: what`, plus the
//! hint where the hint is the point (did-you-mean).

use crate::support::Site;

const NALOXONE: &str = "content/articles/naloxone.md";
const FAMILY: &str = "content/articles/family.md";
const TWELVE: &str = "content/articles/twelve-step.md";

fn help(d: &haven::diag::Diag) -> String {
    d.help.as_deref().unwrap_or_default().to_string()
}

#[test]
fn missing_site_yaml_is_named() {
    let errs = Site::fixture("basic").remove("content/site.yaml").build_err();
    errs.find("missing content/site.yaml");
    assert_eq!(errs.count(), 1, "{}", errs.text());
}

#[test]
fn hotline_without_answered_by_points_into_the_hotline() {
    let errs = Site::fixture("basic")
        .edit(
            "content/site.yaml",
            "  answered_by: Calls are answered by Example Health, a paid advertiser.\n",
            "",
        )
        .build_err();
    let d = errs.find("missing required key `answered_by`");
    let (line, _) = d.line_col().unwrap_or_default();
    // The hotline block is lines 5 to 7 once answered_by is gone.
    assert!((5..=7).contains(&line), "{}", errs.text());
    assert!(
        errs.text().starts_with(&format!("error: content/site.yaml:{line}:")),
        "{}",
        errs.text()
    );
}

#[test]
fn updated_before_published_points_at_updated() {
    let errs = Site::fixture("basic")
        .edit(NALOXONE, "updated: 2024-05-01", "updated: 2024-01-01")
        .build_err();
    errs.at(
        &format!("{NALOXONE}:7:10"),
        "`updated` (2024-01-01) is before `published` (2024-03-01)",
    );
}

#[test]
fn bad_date_points_at_the_value() {
    let errs = Site::fixture("basic")
        .edit(FAMILY, "published: 2024-01-15", "published: 2024-02-30")
        .build_err();
    errs.at(&format!("{FAMILY}:4:12"), "\"2024-02-30\" is not a date");
}

#[test]
fn unknown_front_matter_key_suggests_the_known_one() {
    let errs = Site::fixture("basic")
        .edit(
            FAMILY,
            "published: 2024-01-15",
            "published: 2024-01-15\nupdatd: 2024-02-01",
        )
        .build_err();
    let d = errs.at(&format!("{FAMILY}:5:1"), "unknown key `updatd`");
    assert!(help(d).contains("did you mean `updated`?"), "{}", errs.text());
}

#[test]
fn unknown_site_yaml_key_suggests_the_known_one() {
    let errs = Site::fixture("basic")
        .append("content/site.yaml", "artcles_per_page: 3\n")
        .build_err();
    let d = errs.at("content/site.yaml:14:1", "unknown key `artcles_per_page`");
    assert!(help(d).contains("did you mean `articles_per_page`?"), "{}", errs.text());
}

#[test]
fn unknown_author_file_key_suggests_the_known_one() {
    let errs = Site::fixture("basic")
        .append("content/authors/sam-writer.yaml", "credentails: MA\n")
        .build_err();
    let d = errs.at("content/authors/sam-writer.yaml:5:1", "unknown key `credentails`");
    assert!(help(d).contains("did you mean `credentials`?"), "{}", errs.text());
}

#[test]
fn unknown_author_id_suggests_the_known_one() {
    let errs = Site::fixture("basic")
        .edit(FAMILY, "author: editorial-team", "author: editorial-tem")
        .build_err();
    let d = errs.at(&format!("{FAMILY}:3:9"), "no author with id `editorial-tem`");
    assert!(help(d).contains("did you mean `editorial-team`?"), "{}", errs.text());
}

#[test]
fn unknown_reviewer_id_points_at_the_value() {
    let errs = Site::fixture("basic")
        .edit(NALOXONE, "reviewed_by: jane-roe-md", "reviewed_by: jane-doe-md")
        .build_err();
    let d = errs.at(&format!("{NALOXONE}:5:14"), "no reviewer with id `jane-doe-md`");
    assert!(help(d).contains("did you mean `jane-roe-md`?"), "{}", errs.text());
}

#[test]
fn duplicate_slugs_name_both_files() {
    let errs = Site::fixture("basic")
        .write(
            "content/articles/older.md",
            "---\ntitle: Older\nauthor: sam-writer\npublished: 2020-01-01\nslug: naloxone\n---\nOld.\n",
        )
        .build_err();
    errs.at(
        "content/articles/older.md:5:7",
        &format!("the slug `naloxone` is also used by {NALOXONE}"),
    );
    // Regression: the same clash came twice, once more as a clash of URLs.
    assert_eq!(errs.count(), 1, "{}", errs.text());
}

#[test]
fn duplicate_slugs_from_file_names_name_both_files() {
    let errs = Site::fixture("basic")
        .write(
            "content/articles/medications/family.md",
            "---\ntitle: Clash\nauthor: sam-writer\npublished: 2020-01-01\n---\nx\n",
        )
        .build_err();
    // No `slug:` line to point at: the file's first line.
    errs.at(
        "content/articles/medications/family.md:1:1",
        &format!("the slug `family` is also used by {FAMILY}"),
    );
}

/// The twelve-step article with one more line (line 14) holding `markdown`.
fn twelve_with(markdown: &str) -> Site {
    Site::fixture("basic").append(TWELVE, &format!("\n{markdown}\n"))
}

#[test]
fn broken_at_link_points_at_the_link() {
    let errs = twelve_with("See [family](@/articles/familly.md).").build_err();
    let d = errs.at(
        &format!("{TWELVE}:14:5"),
        "link to @/articles/familly.md, which does not exist",
    );
    assert!(
        help(d).contains("did you mean `@/articles/family.md`?"),
        "{}",
        errs.text()
    );
}

#[test]
fn link_to_a_draft_says_it_is_a_draft() {
    // Regression: the message said the file did not exist and suggested another file.
    let site = twelve_with("See [soon](@/articles/upcoming-draft.md).");
    let errs = site.build_err();
    let d = errs.at(
        &format!("{TWELVE}:14:5"),
        "link to @/articles/upcoming-draft.md, which is a draft and is not built",
    );
    assert!(help(d).contains("draft: true"), "{}", errs.text());
    // A --drafts preview builds it, link and all.
    let page = site.drafts().build().page("/articles/twelve-step/");
    assert!(page.has(r#".prose a[href="/articles/upcoming-draft/"]"#));
}

#[test]
fn broken_fragment_of_another_page_points_at_the_link() {
    let errs = twelve_with("See [bounds](@/articles/family.md#set-boundary).").build_err();
    let d = errs.at(
        &format!("{TWELVE}:14:5"),
        "@/articles/family.md has no heading with id `set-boundary`",
    );
    assert!(help(d).contains("did you mean `#set-boundaries`?"), "{}", errs.text());
}

#[test]
fn broken_fragment_of_the_same_page_points_at_the_link() {
    let errs = twelve_with("Back to [the meeting](#finding-meetings).").build_err();
    errs.at(
        &format!("{TWELVE}:14:9"),
        "this page has no heading with id `finding-meetings`",
    );
}

#[test]
fn root_relative_link_to_nothing_points_at_the_link() {
    let errs = twelve_with("See [nowhere](/nowhere/).").build_err();
    errs.at(&format!("{TWELVE}:14:5"), "/nowhere/ does not exist in the built site");
}

#[test]
fn root_relative_image_to_nothing_points_at_the_image() {
    let errs = twelve_with("![chart](/images/diagrm.png)").build_err();
    let d = errs.at(
        &format!("{TWELVE}:14:1"),
        "/images/diagrm.png does not exist in the built site",
    );
    assert!(help(d).contains("/images/diagram.png"), "{}", errs.text());
}

#[test]
fn missing_author_photo_points_at_the_photo() {
    let errs = Site::fixture("basic")
        .edit("content/authors/jane-roe-md.yaml", "jane-roe.png", "jane.png")
        .build_err();
    errs.at(
        "content/authors/jane-roe-md.yaml:4:8",
        "the photo /images/authors/jane.png does not exist",
    );
}

#[test]
fn front_matter_never_closed_is_named() {
    let errs = Site::fixture("basic")
        .write(
            "content/articles/open.md",
            "---\ntitle: Open\nauthor: sam-writer\npublished: 2020-01-01\n\nBody.\n",
        )
        .build_err();
    errs.at("content/articles/open.md:1:1", "the front matter is never closed");
}

#[test]
fn invalid_yaml_points_at_the_line() {
    let errs = Site::fixture("basic")
        .write(
            "content/articles/bad.md",
            "---\ntitle: Bad\n  author: sam-writer\npublished: 2020-01-01\n---\nBody.\n",
        )
        .build_err();
    errs.at("content/articles/bad.md:3:9", "invalid YAML");
}

#[test]
fn errors_in_several_files_are_all_reported() {
    let errs = Site::fixture("basic")
        .append("content/site.yaml", "artcles_per_page: 3\n")
        .edit(
            TWELVE,
            "published: 2023-12-01",
            "published: 2023-13-01\nslug: Not A Slug",
        )
        .edit(FAMILY, "topics: [Family]", "topics: [Family]\ntopcs: [x]")
        .append("content/authors/editorial-team.yaml", "rol: Team\n")
        .write("content/articles/open.md", "---\ntitle: Open\n")
        .build_err();
    assert_eq!(errs.count(), 6, "{}", errs.text());
    let mut files: Vec<String> = errs
        .diags
        .iter()
        .filter_map(|d| d.source.as_ref().map(|s| s.name.clone()))
        .collect();
    files.dedup();
    assert_eq!(
        files,
        [
            "content/articles/family.md",
            "content/articles/open.md",
            "content/articles/twelve-step.md",
            "content/authors/editorial-team.yaml",
            "content/site.yaml",
        ]
    );
}

#[test]
fn link_and_reference_errors_in_several_files_are_all_reported() {
    // Regression: a missing author photo was only reported once every link was fixed.
    let errs = Site::fixture("basic")
        .append(TWELVE, "\nSee [nowhere](/nowhere/).\n")
        .append("content/pages/about.md", "\nSee [x](@/articles/nope.md).\n")
        .edit(FAMILY, "author: editorial-team", "author: nobody")
        .edit("content/authors/jane-roe-md.yaml", "jane-roe.png", "jane.png")
        .build_err();
    assert_eq!(errs.count(), 4, "{}", errs.text());
    errs.find("/nowhere/ does not exist");
    errs.find("link to @/articles/nope.md");
    errs.find("no author with id `nobody`");
    errs.find("the photo /images/authors/jane.png does not exist");
}

#[test]
fn an_invalid_file_causes_no_errors_in_files_that_refer_to_it() {
    // Regression: an article or author with a typo vanished from the site, so every link
    // to it and every article by that author got a second, misleading error.
    let errs = Site::fixture("basic")
        .edit(NALOXONE, "updated: 2024-05-01", "updatd: 2024-05-01")
        .append("content/authors/editorial-team.yaml", "rol: Team\n")
        .build_err();
    assert_eq!(errs.count(), 2, "{}", errs.text());
    errs.find("unknown key `updatd`");
    errs.find("unknown key `rol`");
}

#[test]
fn unknown_nested_key_suggests_the_known_one() {
    let errs = Site::fixture("basic")
        .edit("content/site.yaml", "  answered_by:", "  answerd_by:")
        .build_err();
    let d = errs.at("content/site.yaml:8:3", "unknown key `answerd_by`");
    assert!(help(d).contains("did you mean `answered_by`?"), "{}", errs.text());
}

#[test]
fn static_files_inside_the_folders_the_build_writes_are_refused() {
    // They used to overwrite the search index and the locator's data silently.
    let errs = Site::fixture("basic")
        .write("content/static/search-index/manifest.json", "{}\n")
        .write("content/static/treatment/data/index.json", "{}\n")
        .build_err();
    let d = errs.find("content/static/search-index/manifest.json would overwrite the search index");
    assert!(help(d).contains("content/static/search-index/"), "{}", errs.text());
    errs.find("content/static/treatment/data/index.json would overwrite the treatment locator's data");
    assert_eq!(errs.count(), 2, "{}", errs.text());
}

#[test]
fn file_outside_the_format_is_an_error() {
    let errs = Site::fixture("basic").write("content/notes.txt", "todo\n").build_err();
    errs.find("content/notes.txt is not part of the site format");
}

#[test]
fn site_without_content_folder_is_explained() {
    // tests/fixtures/invalid/no-content: site.yaml at the top instead of in content/.
    let site = Site::fixture("no-content");
    let errs = site.build_err();
    let d = errs.find("no content folder at");
    assert!(help(d).contains("content/site.yaml"), "{}", errs.text());
    let run = site.haven(&["build"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("no content folder"), "{}", run.stderr);
}

#[test]
fn unknown_key_bad_date_and_broken_link_of_one_article_in_one_run() {
    // The unknown key used to stop the file: the date and the link came in later runs.
    let errs = Site::fixture("basic")
        .edit(
            FAMILY,
            "published: 2024-01-15",
            "published: 2024-02-30\nupdatd: 2024-03-01",
        )
        .append(FAMILY, "\nSee [nowhere](/nowhere/).\n")
        .build_err();
    errs.at(&format!("{FAMILY}:4:12"), "\"2024-02-30\" is not a date");
    errs.at(&format!("{FAMILY}:5:1"), "unknown key `updatd`");
    errs.find("/nowhere/ does not exist in the built site");
    assert_eq!(errs.count(), 3, "{}", errs.text());
}

#[test]
fn three_site_yaml_problems_in_one_run() {
    // They came one per run: the missing key, then the number, then the menu link.
    let errs = Site::fixture("basic")
        .edit(
            "content/site.yaml",
            "  answered_by: Calls are answered by Example Health, a paid advertiser.\n",
            "",
        )
        .edit("content/site.yaml", "\"+18005550199\"", "\"800-555-0199\"")
        .edit("content/site.yaml", "url: /legal/privacy/", "url: /legal/privcy/")
        .build_err();
    errs.find("missing required key `answered_by`");
    errs.at(
        "content/site.yaml:6:11",
        "\"800-555-0199\" is not an E.164 phone number",
    );
    errs.find("/legal/privcy/ does not exist in the built site");
    assert_eq!(errs.count(), 3, "{}", errs.text());
}
