//! `haven serve` prepares the site again after every save, reusing per-document work
//! ([`haven::memo`]). A reused result must always equal what a fresh build computes.

use haven::diag::Diags;
use haven::load;
use haven::pipeline::{self, BuildOptions, Memos, Prepared};

use crate::support::Site;

fn prepare(site: &Site, memos: &mut Memos) -> Prepared {
    let opts = BuildOptions {
        root: site.root().to_path_buf(),
        ..BuildOptions::default()
    };
    let mut diags = Diags::new();
    let loaded = load::load(site.root(), &mut diags);
    match pipeline::prepare_loaded(&opts, loaded, diags, Default::default(), memos) {
        Ok(p) => p,
        Err(e) => panic!("the site does not build: {e:?}"),
    }
}

fn article_html(p: &Prepared, title: &str) -> String {
    let a = p.site.articles.iter().find(|a| a.article.title == title);
    a.map(|a| a.html.to_string())
        .unwrap_or_else(|| panic!("no article {title}"))
}

#[test]
fn an_unchanged_article_follows_the_new_url_of_the_article_it_links_to() {
    let site = Site::fixture("basic");
    let mut memos = Memos::default();
    let before = article_html(&prepare(&site, &mut memos), "Naloxone: How to Respond");
    assert!(before.contains("/articles/buprenorphine/#how-it-works"), "{before}");
    // Only the link target changes: the linking article's text is the same, so its scan
    // comes from the memo, and its HTML must be rendered again with the new URL.
    let site = site.edit(
        "content/articles/medications/buprenorphine.md",
        "title: Buprenorphine\n",
        "title: Buprenorphine\nslug: bup\n",
    );
    let after = article_html(&prepare(&site, &mut memos), "Naloxone: How to Respond");
    assert!(after.contains("/articles/bup/#how-it-works"), "{after}");
    assert!(!after.contains("/articles/buprenorphine/"), "{after}");
}

#[test]
fn an_edited_file_is_parsed_again_and_a_broken_one_still_fails() {
    let site = Site::fixture("basic");
    let mut memos = Memos::default();
    prepare(&site, &mut memos);
    let site = site.edit(
        "content/articles/medications/buprenorphine.md",
        "title: Buprenorphine\n",
        "title: Buprenorphine, explained\n",
    );
    let p = prepare(&site, &mut memos);
    assert!(
        p.site
            .articles
            .iter()
            .any(|a| a.article.title == "Buprenorphine, explained")
    );
    // An error found before must be found again from the memo, not forgotten.
    let site = site.edit(
        "content/articles/medications/buprenorphine.md",
        "published: 2024-02-01",
        "published: 2024-02-31",
    );
    let opts = BuildOptions {
        root: site.root().to_path_buf(),
        ..BuildOptions::default()
    };
    for _ in 0..2 {
        let mut diags = Diags::new();
        let loaded = load::load(site.root(), &mut diags);
        let err = pipeline::prepare_loaded(&opts, loaded, diags, Default::default(), &mut memos)
            .err()
            .expect("a broken date fails the build");
        assert!(err.iter().any(|d| d.message.contains("date")), "{err:?}");
    }
}

#[test]
fn the_directory_is_reused_while_no_facility_file_changes_and_rebuilt_when_one_does() {
    let site = Site::fixture("facilities").edit(
        "content/site.yaml",
        "listings_stale_after_months: 0",
        "listings_stale_after_months: 1",
    );
    let mut memos = Memos::default();
    let first = prepare(&site, &mut memos);
    assert!(
        !first.warnings.is_empty(),
        "the fixture's listings are stale under a 1-month window"
    );
    // A page edit: the directory is the same one, and its warnings are still reported.
    let site = site.append("content/pages/links.md", "\nOne more line.\n");
    let second = prepare(&site, &mut memos);
    assert!(std::sync::Arc::ptr_eq(&first.site.facilities, &second.site.facilities));
    assert_eq!(first.warnings.len(), second.warnings.len());
    // A facility edit: a new directory with the new name.
    let site = site.edit(
        "content/facilities/co/clinica.yaml",
        "name: Clínica Señora de la Paz",
        "name: Clínica Nueva",
    );
    let third = prepare(&site, &mut memos);
    assert!(!std::sync::Arc::ptr_eq(&second.site.facilities, &third.site.facilities));
    let names: Vec<&str> = third
        .site
        .facilities
        .facilities
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert!(names.contains(&"Clínica Nueva"), "{names:?}");
}
