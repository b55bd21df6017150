//! The last step of resolve, once no error was found: every document with its URL, HTML,
//! table of contents and description, authors with the articles they wrote and reviewed,
//! topics sorted by name.

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::SiteConfig;
use crate::facility::Directory;
use crate::load::StaticFile;
use crate::markdown;
use crate::model::{Article, Author, Page};
use crate::theme::Theme;

use super::bodies::Scanned;
use super::people::{self, Bylines};
use super::site::{Elsewhere, Redirect, ResolvedArticle, ResolvedAuthor, ResolvedPage, Site};

/// Everything resolve decided, to be put together into a [`Site`].
pub(super) struct Parts {
    pub(super) config: SiteConfig,
    pub(super) theme: Theme,
    pub(super) home: Option<Page>,
    pub(super) articles: Vec<Arc<Article>>,
    pub(super) article_paths: Vec<String>,
    pub(super) bylines: Bylines,
    pub(super) pages: Vec<Page>,
    pub(super) page_paths: Vec<String>,
    pub(super) authors: Vec<Author>,
    pub(super) author_paths: Vec<String>,
    /// HTML and scans of every body, in the order of `bodies::documents`.
    pub(super) html: Vec<Arc<str>>,
    pub(super) scans: Vec<Arc<Scanned>>,
    pub(super) redirects: Vec<Redirect>,
    pub(super) statics: Vec<StaticFile>,
    pub(super) directory: Arc<Directory>,
    pub(super) link_targets: std::sync::Arc<Elsewhere>,
    pub(super) menu: Vec<(String, String)>,
}

/// The bodies' HTML and scans, taken in the order of `bodies::documents`.
struct Bodies {
    html: std::vec::IntoIter<Arc<str>>,
    scans: std::vec::IntoIter<Arc<Scanned>>,
}

impl Bodies {
    fn next(&mut self) -> (Arc<str>, Arc<Scanned>) {
        (
            self.html.next().unwrap_or_default(),
            self.scans.next().unwrap_or_default(),
        )
    }

    fn page(&mut self, p: Page, path: String) -> ResolvedPage {
        let (h, s) = self.next();
        ResolvedPage {
            description: p
                .description
                .clone()
                .unwrap_or_else(|| markdown::cut(&s.scan.first_paragraph, 160)),
            toc: Arc::clone(&s.toc),
            text: Arc::clone(&s.text),
            html: h,
            path,
            page: p,
        }
    }
}

/// The resolved site.
pub(super) fn site(p: Parts) -> Site {
    let mut bodies = Bodies {
        html: p.html.into_iter(),
        scans: p.scans.into_iter(),
    };
    let mut articles = articles(p.articles, p.article_paths, &p.bylines, &mut bodies);
    let pages: Vec<ResolvedPage> = p
        .pages
        .into_iter()
        .zip(p.page_paths)
        .map(|(page, path)| bodies.page(page, path))
        .collect();
    let home = p.home.map(|page| bodies.page(page, "/".into()));
    let authors = authors(p.authors, p.author_paths, &articles, &mut bodies);
    let topics = people::sort_topics(p.bylines.all_topics, &mut articles);
    Site {
        config: p.config,
        theme: p.theme,
        home,
        articles,
        pages,
        authors,
        topics,
        redirects: p.redirects,
        statics: p.statics,
        facilities: p.directory,
        menu: p.menu,
        alternates: Default::default(),
        pictures: Default::default(),
        strings: Default::default(),
        link_targets: p.link_targets,
    }
}

fn articles(
    articles: Vec<Arc<Article>>,
    paths: Vec<String>,
    bylines: &Bylines,
    bodies: &mut Bodies,
) -> Vec<ResolvedArticle> {
    let mut out = Vec::with_capacity(articles.len());
    for (i, a) in articles.into_iter().enumerate() {
        let (h, s) = bodies.next();
        let (author, reviewer) = bylines.people[i];
        out.push(ResolvedArticle {
            description: a
                .description
                .clone()
                .unwrap_or_else(|| markdown::cut(&s.scan.first_paragraph, 160)),
            toc: Arc::clone(&s.toc),
            text: Arc::clone(&s.text),
            words: s.scan.words,
            html: h,
            path: paths[i].clone(),
            author: author.unwrap_or(0),
            reviewer,
            topics: bylines.topics[i].clone(),
            article: a,
        });
    }
    out
}

/// Authors with their bios (the last bodies) and the articles they wrote and reviewed.
fn authors(
    authors: Vec<Author>,
    paths: Vec<String>,
    articles: &[ResolvedArticle],
    bodies: &mut Bodies,
) -> Vec<ResolvedAuthor> {
    let mut bio_html: HashMap<usize, String> = authors
        .iter()
        .enumerate()
        .filter(|(_, a)| a.bio.is_some())
        .map(|(i, _)| (i, bodies.next().0.to_string()))
        .collect();
    let mut out: Vec<ResolvedAuthor> = authors
        .into_iter()
        .zip(paths)
        .enumerate()
        .map(|(i, (a, path))| ResolvedAuthor {
            photo: a.photo.as_ref().map(|p| p.value.clone()),
            bio_html: bio_html.remove(&i),
            path,
            articles: Vec::new(),
            reviewed: Vec::new(),
            author: a,
        })
        .collect();
    for (i, a) in articles.iter().enumerate() {
        if let Some(au) = out.get_mut(a.author) {
            au.articles.push(i);
        }
        if let Some(r) = a.reviewer.and_then(|r| out.get_mut(r)) {
            r.reviewed.push(i);
        }
    }
    out
}
