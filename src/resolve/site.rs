//! The resolved site: what the resolve stage hands to the render stage. Every page has its
//! URL, every author and topic reference is an index, every body is HTML with its links
//! rewritten.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::SiteConfig;
use crate::facility;
use crate::load::StaticFile;
use crate::load::translation;
use crate::markdown::{PlainText, TocEntry};
use crate::model::{Article, Author, Page};
use crate::theme::Theme;
use crate::translations::Alternates;

/// What of the default language an added language's links may name when it has no page
/// of its own for them.
#[derive(Debug, Default)]
pub struct Elsewhere {
    /// `@/` targets: file (`articles/x.md`) -> (the path to link to, its heading ids).
    pub docs: std::collections::HashMap<String, (String, Vec<String>)>,
    /// Root-relative links: the site paths of the default language's pages.
    pub routes: std::collections::HashSet<String>,
    /// A fingerprint of everything these were made from (the default language's
    /// [`LinkCtx::fingerprint`](super::links::LinkCtx::fingerprint)), 0 when empty: the added
    /// languages' link fingerprints take it instead of hashing thousands of entries again.
    pub(super) print: u128,
}

/// Number of list pages for `n` items (at least one page).
pub fn pages_count(n: usize, per_page: usize) -> usize {
    n.div_ceil(per_page.max(1)).max(1)
}

/// An article with everything resolved.
#[derive(Debug)]
pub struct ResolvedArticle {
    /// The validated article.
    pub article: std::sync::Arc<Article>,
    /// Site path.
    pub path: String,
    /// Body HTML with links rewritten.
    pub html: Arc<str>,
    /// Table of contents.
    pub toc: Arc<[TocEntry]>,
    /// The body's headings and passages as plain text (for the search index).
    pub text: Arc<PlainText>,
    /// Description: as written, or cut from the first paragraph.
    pub description: String,
    /// Words in the body.
    pub words: usize,
    /// Index into [`Site::authors`].
    pub author: usize,
    /// Index into [`Site::authors`] of the medical reviewer.
    pub reviewer: Option<usize>,
    /// Indexes into [`Site::topics`].
    pub topics: Vec<usize>,
}

/// A standalone page (or the home page) with everything resolved.
#[derive(Debug)]
pub struct ResolvedPage {
    /// The validated page.
    pub page: Page,
    /// Site path.
    pub path: String,
    /// Body HTML.
    pub html: Arc<str>,
    /// Table of contents.
    pub toc: Arc<[TocEntry]>,
    /// The body's headings and passages as plain text (for the search index).
    pub text: Arc<PlainText>,
    /// Description: as written, or cut from the first paragraph.
    pub description: String,
}

/// An author with a page.
#[derive(Debug)]
pub struct ResolvedAuthor {
    /// The validated author.
    pub author: Author,
    /// Site path.
    pub path: String,
    /// Biography HTML.
    pub bio_html: Option<String>,
    /// Site path of the photo.
    pub photo: Option<String>,
    /// Articles written (indexes, newest first).
    pub articles: Vec<usize>,
    /// Articles reviewed (indexes, newest first).
    pub reviewed: Vec<usize>,
}

/// A topic and its articles.
#[derive(Debug)]
pub struct Topic {
    /// Display name (as first written).
    pub name: String,
    /// Slug.
    pub slug: String,
    /// Site path.
    pub path: String,
    /// Articles (indexes, newest first).
    pub articles: Vec<usize>,
}

/// An old URL that redirects.
#[derive(Debug, Clone)]
pub struct Redirect {
    /// Old site path.
    pub from: String,
    /// New site path.
    pub to: String,
}

/// The whole site, resolved: what the render stage reads.
#[derive(Debug)]
pub struct Site {
    /// Site settings.
    pub config: SiteConfig,
    /// Theme templates and assets.
    pub theme: Theme,
    /// Home page content.
    pub home: Option<ResolvedPage>,
    /// Articles, newest first.
    pub articles: Vec<ResolvedArticle>,
    /// Standalone pages.
    pub pages: Vec<ResolvedPage>,
    /// Authors.
    pub authors: Vec<ResolvedAuthor>,
    /// Topics, by name.
    pub topics: Vec<Topic>,
    /// Aliases.
    pub redirects: Vec<Redirect>,
    /// Files copied as-is (with the processed images' variants, added by the pipeline).
    pub statics: Vec<StaticFile>,
    /// The processed images (`crate::images`); set by the pipeline.
    pub pictures: Arc<crate::images::Pictures>,
    /// Treatment facilities and their directory.
    pub facilities: std::sync::Arc<facility::Directory>,
    /// Menu items with site paths resolved (title, URL to print).
    pub menu: Vec<(String, String)>,
    /// The other language versions of each page (empty for a one-language site); set by
    /// the pipeline once every language is resolved.
    pub alternates: Arc<Alternates>,
    /// This site's documents for the `@/` links of the other languages (empty for a
    /// one-language site, and for an added language's site).
    pub link_targets: Arc<Elsewhere>,
    /// The theme's strings in this site's language (`i18n/{code}.yaml`); set by the
    /// pipeline once the theme is checked.
    pub strings: Arc<BTreeMap<String, String>>,
}

impl Site {
    /// Page key -> site path of every page that may have a version in another language: the
    /// original's file for articles and pages (`doc:articles/x.md`), the path itself for
    /// the pages the build makes. See [`Alternates::compute`].
    pub fn page_keys(&self) -> BTreeMap<String, String> {
        let mut keys = BTreeMap::new();
        self.each_page_key(|doc, key, path| {
            let key = if doc { format!("doc:{key}") } else { key.to_string() };
            keys.insert(key, path.to_string());
        });
        keys
    }

    /// What [`Site::page_keys`] is made from, in its order and without building the map:
    /// `(true, original's file, path)` for an article or page, `(false, path, path)` for a
    /// page the build makes. `haven serve` fingerprints it on each save to keep the last
    /// alternates while it is the same.
    pub fn each_page_key(&self, mut f: impl FnMut(bool, &str, &str)) {
        for path in ["/", "/articles/", "/topics/", "/search/"] {
            f(false, path, path);
        }
        let per = self.config.articles_per_page;
        for n in 2..=pages_count(self.articles.len(), per) {
            let path = format!("/articles/page/{n}/");
            f(false, &path, &path);
        }
        for t in &self.topics {
            f(false, &t.path, &t.path);
        }
        for a in &self.authors {
            f(false, &a.path, &a.path);
        }
        for r in &self.facilities.routes {
            f(false, &r.path, &r.path);
        }
        let mut doc = |rel: &str, path: &str| match translation(rel) {
            Some((_, original)) => f(true, &original, path),
            None => f(true, rel, path),
        };
        for a in &self.articles {
            doc(&a.article.rel, &a.path);
        }
        for p in &self.pages {
            doc(&p.page.rel, &p.path);
        }
    }
}
