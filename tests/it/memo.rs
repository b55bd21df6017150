//! `haven serve` prepares the site again after every save, reusing per-document work
//! ([`haven::memo`]). A reused result must always equal what a fresh build computes.

use haven::diag::Diags;
use haven::load;
use haven::memo::Memos;
use haven::pipeline::{self, BuildOptions, Prepared};

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
    a.map(|a| a.html.clone())
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
