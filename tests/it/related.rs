//! The related-articles box: articles sharing the most topics, newest first on a tie.

use haven::pipeline::{self, BuildOptions};
use haven::render::related_articles;

use crate::support::Site;

/// The definition, checked against every article: score every other article by topics
/// shared, keep those sharing one, most first, then the newer (lower index).
fn by_definition(site: &haven::resolve::Site, i: usize) -> Vec<usize> {
    let mine = &site.articles[i].topics;
    let mut scored: Vec<(usize, usize)> = (0..site.articles.len())
        .filter(|j| *j != i)
        .map(|j| (site.articles[j].topics.iter().filter(|t| mine.contains(t)).count(), j))
        .filter(|(n, _)| *n > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(3).map(|(_, j)| j).collect()
}

#[test]
fn related_articles_follow_the_definition_on_every_article() {
    let topics = ["Recovery", "Naloxone", "Family", "Treatment", "Sleep"];
    let mut site = Site::fixture("basic");
    for n in 0..40 {
        // Topic sets of 1 to 3 out of 5, varied, so ties and partial overlaps occur.
        let mine: Vec<&str> = (0..topics.len())
            .filter(|k| (n * 7 + k * 3) % 5 < 2 + n % 2)
            .map(|k| topics[k])
            .collect();
        let text = format!(
            "---\ntitle: Generated {n}\nauthor: jane-roe-md\npublished: 2023-{:02}-{:02}\ntopics: [{}]\n---\n\nText {n}.\n",
            1 + n % 12,
            1 + n % 27,
            mine.join(", ")
        );
        site = site.write(&format!("content/articles/generated-{n}.md"), &text);
    }
    let opts = BuildOptions {
        root: site.root().to_path_buf(),
        ..BuildOptions::default()
    };
    let p = match pipeline::prepare(&opts) {
        Ok(p) => p,
        Err(e) => panic!("{e:?}"),
    };
    let s = &p.site;
    assert!(s.articles.len() > 40);
    let mut with_related = 0;
    for i in 0..s.articles.len() {
        let want = by_definition(s, i);
        assert_eq!(related_articles(s, i), want, "article {}", s.articles[i].article.title);
        with_related += usize::from(!want.is_empty());
    }
    assert!(with_related > 40, "{with_related}");
}
