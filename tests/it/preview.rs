//! Drafts (issue 14): `haven build` leaves them out unless `--drafts`, and a draft built
//! for preview says so on the page and asks search engines to skip it.

use crate::support::Site;

const DRAFT: &str = "/articles/upcoming-draft/";

#[test]
fn build_leaves_drafts_out_and_drafts_flag_marks_them() {
    let site = Site::fixture("basic");
    let built = site.build();
    assert!(!built.exists(DRAFT), "a draft was built without --drafts");
    assert!(built.html_pages().iter().all(|(_, p)| !p.has(".draft-banner")));

    let built = Site::fixture("basic").drafts().build();
    let page = built.page(DRAFT);
    assert!(page.text(".draft-banner").starts_with("Draft: not published."));
    assert_eq!(page.attrs(r#"head meta[name="robots"]"#, "content"), ["noindex"]);
    let published = built.page("/articles/naloxone/");
    assert!(!published.has(".draft-banner"));
    assert!(!published.has(r#"head meta[name="robots"]"#));
}
