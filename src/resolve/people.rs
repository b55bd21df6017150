//! Authors and topics: every author gets a page, an article's `author:` and
//! `reviewed_by:` ids must name an author file (with a did-you-mean), and topics are merged
//! case-insensitively by slug, each with its pages, then sorted by name.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use crate::config::{self, SiteConfig};
use crate::diag::{Diag, Diags, Source, did_you_mean};
use crate::model::{Article, Author, Ref};
use crate::slug::slugify;

use super::routes::Routes;
use super::site::pages_count;
use super::site::{ResolvedArticle, Topic};

/// The authors' ids and site paths, for looking up the ids articles name.
pub(super) struct Authors<'a> {
    ids: HashMap<&'a str, usize>,
    /// Ids of author files that have errors of their own: no second error where they are used.
    invalid: HashSet<&'a str>,
    /// Site path of each author's page, in order.
    pub(super) paths: Vec<String>,
}

impl<'a> Authors<'a> {
    /// Routes every author's page. `invalid` lists the files that had errors of their own.
    pub(super) fn new(
        authors: &'a [Author],
        invalid: &'a HashSet<String>,
        config: &SiteConfig,
        routes: &mut Routes,
        diags: &mut Diags,
    ) -> Self {
        let invalid = invalid
            .iter()
            .filter(|r| r.starts_with("authors/"))
            .map(|r| crate::load::stem(r))
            .collect();
        let ids = authors.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
        let paths: Vec<String> = authors
            .iter()
            .map(|a| config::fill(&config.permalinks.author, &[("slug", &a.id)]))
            .collect();
        for (a, path) in authors.iter().zip(&paths) {
            routes.add(
                path,
                &a.source.name,
                |o| Diag::in_file(&a.source, format!("this author's URL {path} is also produced by {o}")),
                diags,
            );
        }
        Authors { ids, invalid, paths }
    }

    /// The author `r` names, or an error (none for an author file that has errors itself).
    fn find(&self, r: &Ref, source: &Source, what: &str, diags: &mut Diags) -> Option<usize> {
        match self.ids.get(r.value.as_str()) {
            Some(i) => Some(*i),
            None if self.invalid.contains(r.value.as_str()) => None,
            None => {
                let d = Diag::at(
                    source,
                    r.span,
                    format!("no {what} with id `{}` in content/authors/", r.value),
                )
                .label("unknown id");
                diags.push(match did_you_mean(&r.value, self.ids.keys().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!(
                        "create content/authors/{}.yaml, or use one of: {}",
                        r.value,
                        sorted_keys(&self.ids)
                    )),
                });
                None
            }
        }
    }
}

/// Who wrote and who reviewed each article, and its topics (indexes into `topics`).
pub(super) struct Bylines {
    /// Author and reviewer of each article, in order.
    pub(super) people: Vec<(Option<usize>, Option<usize>)>,
    /// Topics of each article, in order.
    pub(super) topics: Vec<Vec<usize>>,
    /// Every topic, in the order first named.
    pub(super) all_topics: Vec<Topic>,
}

/// Looks up each article's author and reviewer, and merges its topics by slug.
pub(super) fn bylines(
    articles: &[Arc<Article>],
    authors: &Authors<'_>,
    config: &SiteConfig,
    diags: &mut Diags,
) -> Bylines {
    let mut topic_index: BTreeMap<String, usize> = BTreeMap::new();
    // A topic as written, once slugified: a site names a few dozen topics a thousand
    // times, and slugifying each mention was a third of this on every save.
    let mut written: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    let mut all_topics: Vec<Topic> = Vec::new();
    let mut topics = Vec::with_capacity(articles.len());
    let mut people = Vec::with_capacity(articles.len());
    for (i, a) in articles.iter().enumerate() {
        let author = authors.find(&a.author, &a.source, "author", diags);
        let reviewer = a
            .reviewed_by
            .as_ref()
            .and_then(|r| authors.find(r, &a.source, "reviewer", diags).map(Some))
            .flatten();
        people.push((author, reviewer));
        let mut mine = Vec::new();
        for t in &a.topics {
            let idx = match written.get(t.value.as_str()) {
                Some(&idx) => idx,
                None => {
                    let slug = slugify(&t.value);
                    let idx = *topic_index.entry(slug.clone()).or_insert_with(|| {
                        all_topics.push(Topic {
                            name: t.value.trim().to_string(),
                            path: config::fill(&config.permalinks.topic, &[("slug", &slug)]),
                            slug: slug.clone(),
                            articles: Vec::new(),
                        });
                        all_topics.len() - 1
                    });
                    written.insert(&t.value, idx);
                    idx
                }
            };
            if !mine.contains(&idx) {
                mine.push(idx);
                all_topics[idx].articles.push(i);
            }
        }
        topics.push(mine);
    }
    Bylines {
        people,
        topics,
        all_topics,
    }
}

/// Routes every topic's page and its list pages.
pub(super) fn topic_routes(topics: &[Topic], per_page: usize, routes: &mut Routes, diags: &mut Diags) {
    for t in topics {
        routes.add(
            &t.path,
            "a topic",
            |o| Diag::error(format!("the topic page {} is also produced by {o}", t.path)).help("rename the topic"),
            diags,
        );
        for n in 2..=pages_count(t.articles.len(), per_page) {
            routes.add_internal(&format!("{}page/{n}/", t.path), "a topic", diags);
        }
    }
}

/// Photos must exist under content/static/.
pub(super) fn check_photos(authors: &[Author], routes: &Routes, diags: &mut Diags) {
    for a in authors {
        if let Some(p) = &a.photo
            && routes.find(&p.value).is_none()
        {
            diags.push(
                Diag::at(&a.source, p.span, format!("the photo {} does not exist", p.value))
                    .help(format!("put the image at content/static{}", p.value)),
            );
        }
    }
}

/// Sorts topics by name and renumbers the articles' topic indexes to match.
pub(super) fn sort_topics(topics: Vec<Topic>, articles: &mut [ResolvedArticle]) -> Vec<Topic> {
    let mut order: Vec<usize> = (0..topics.len()).collect();
    order.sort_by_key(|&i| topics[i].name.to_lowercase());
    let mut new_index = vec![0; topics.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    for a in articles {
        for t in &mut a.topics {
            *t = new_index[*t];
        }
    }
    let mut slots: Vec<Option<Topic>> = topics.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

fn sorted_keys(m: &HashMap<&str, usize>) -> String {
    let mut k: Vec<_> = m.keys().copied().collect();
    k.sort_unstable();
    k.join(", ")
}
