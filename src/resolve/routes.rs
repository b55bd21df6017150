//! The route table: every path the build writes, with who writes it. Content that claims a
//! path already taken is reported here (fixed routes first, so the content is the one
//! reported); links and menu entries are checked against it (`links.rs`).

use std::borrow::Cow;
use std::sync::Arc;

use crate::diag::{Diag, Diags};
use crate::load::StaticFile;
use crate::model::{Article, Page};
use crate::slug::slugify;
use crate::theme::Theme;
use crate::validate::Validated;

use super::site::{Redirect, pages_count};

/// Every path the build writes, with who writes it, for clash and link checks.
#[derive(Default)]
pub(super) struct Routes {
    /// Hashed with Fx rather than SipHash: the keys are the site's own paths, and this map
    /// is rebuilt on every save in `haven serve`.
    pub(super) map: rustc_hash::FxHashMap<String, String>,
}

impl Routes {
    /// An empty table with room for every route of the site: every document, its
    /// aliases, and the facility directory's pages (three or so per facility: its page,
    /// its city's and its state's, and locator cells).
    pub(super) fn for_site(v: &Validated) -> Self {
        let n =
            64 + v.articles.len() * 2 + v.pages.len() * 2 + v.authors.len() + v.statics.len() + v.facilities.len() * 3;
        Routes {
            map: rustc_hash::FxHashMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    pub(super) fn add(&mut self, path: &str, owner: &str, clash: impl FnOnce(&str) -> Diag, diags: &mut Diags) {
        match self.map.get(path) {
            Some(other) => diags.push(clash(other)),
            None => {
                self.map.insert(path.to_string(), owner.to_string());
            }
        }
    }

    /// A path only the build itself writes (a clash among these is haven's own bug).
    pub(super) fn add_internal(&mut self, path: &str, owner: &str, diags: &mut Diags) {
        self.add(path, owner, |_| Diag::error("internal route clash"), diags);
    }

    /// Finds a root-relative path: `/about/`, `/about`, `/about/index.html`, `/x.png`.
    pub(super) fn find<'p>(&self, path: &'p str) -> Option<Cow<'p, str>> {
        if self.map.contains_key(path) {
            return Some(Cow::Borrowed(path));
        }
        let dir = format!("{path}/");
        if self.map.contains_key(&dir) {
            return Some(Cow::Owned(dir));
        }
        let bare = path.strip_suffix("index.html")?;
        self.map.contains_key(bare).then_some(Cow::Borrowed(bare))
    }
}

/// The build's own routes, first, so that content that clashes with them is the one
/// reported: the fixed pages and the article list's pages.
pub(super) fn add_fixed(routes: &mut Routes, articles: usize, per_page: usize, diags: &mut Diags) {
    for fixed in [
        "/",
        "/articles/",
        "/topics/",
        "/search/",
        "/404.html",
        "/sitemap.xml",
        "/feed.xml",
        "/robots.txt",
        "/_redirects",
        "/_headers",
    ] {
        routes.add_internal(fixed, "the build itself", diags);
    }
    for n in 2..=pages_count(articles, per_page) {
        routes.add_internal(&format!("/articles/page/{n}/"), "the article list", diags);
    }
}

/// Static files (kept out of the folders the build writes whole) and theme assets.
pub(super) fn add_files(routes: &mut Routes, statics: &[StaticFile], theme: &Theme, diags: &mut Diags) {
    let generated = generated_folders();
    for s in statics {
        let path = format!("/{}", s.rel);
        // Folders the build writes whole are not in the route table file by file.
        if let Some((dir, what)) = generated.iter().find(|(dir, _)| path.starts_with(dir.as_str())) {
            diags.push(
                Diag::error(format!(
                    "content/static/{} would overwrite {what}, which the build writes to {dir}",
                    s.rel
                ))
                .help(format!(
                    "move the file out of content/static{dir}: that folder belongs to the build"
                )),
            );
            continue;
        }
        routes.add(
            &path,
            &format!("content/static/{}", s.rel),
            |o| Diag::error(format!("content/static/{} would overwrite {o}", s.rel)).help("rename the static file"),
            diags,
        );
    }
    for a in theme.assets.values() {
        let path = format!("/{}", a.out_rel);
        routes
            .map
            .entry(path)
            .or_insert_with(|| format!("theme asset {}", a.name));
    }
}

/// The folders the build writes whole, with what is in them: the search index (its
/// files are named by the build) and the locator's data.
fn generated_folders() -> [(String, &'static str); 2] {
    [
        (format!("/{}/", crate::paths::BUNDLE_DIR), "the search index"),
        (crate::paths::LOCATOR_DATA.to_string(), "the treatment locator's data"),
    ]
}

/// The aliases of articles and pages (each with its own site path, in order): routed, and
/// returned as redirects.
pub(super) fn aliases(
    routes: &mut Routes,
    articles: &[Arc<Article>],
    article_paths: &[String],
    pages: &[Page],
    page_paths: &[String],
    diags: &mut Diags,
) -> Vec<Redirect> {
    let mut redirects = Vec::new();
    let alias_owners = articles
        .iter()
        .zip(article_paths)
        .map(|(a, p)| (&a.aliases, &a.source, p))
        .chain(
            pages
                .iter()
                .zip(page_paths)
                .map(|(p, path)| (&p.aliases, &p.source, path)),
        );
    for (aliases, source, to) in alias_owners {
        for alias in aliases {
            let from = normalize_alias(&alias.value);
            routes.add(
                &from,
                &source.name,
                |o| {
                    Diag::at(source, alias.span, format!("the alias {from} is also produced by {o}"))
                        .help("remove the alias or change it")
                },
                diags,
            );
            redirects.push(Redirect { from, to: to.clone() });
        }
    }
    redirects
}

/// `pages/about.md` -> `/about/`, `pages/legal/privacy.md` -> `/legal/privacy/`,
/// `pages/legal/index.md` -> `/legal/`.
/// A translation has its original's path (`pages/about.es.md` -> `/about/`, under `/es/`).
pub fn page_path(rel: &str) -> String {
    if let Some((_, original)) = crate::load::translation(rel) {
        return page_path(&original);
    }
    let inner = rel.strip_prefix("pages/").unwrap_or(rel);
    let inner = inner.strip_suffix(".md").unwrap_or(inner);
    let inner = inner.strip_suffix("/index").unwrap_or(inner);
    if inner == "index" {
        return "/".into();
    }
    let parts: Vec<String> = inner.split('/').map(slugify).collect();
    format!("/{}/", parts.join("/"))
}

fn normalize_alias(a: &str) -> String {
    if a.ends_with('/') || a.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        a.to_string()
    } else {
        format!("{a}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths() {
        assert_eq!(page_path("pages/about.md"), "/about/");
        assert_eq!(page_path("pages/legal/privacy.md"), "/legal/privacy/");
        assert_eq!(page_path("pages/legal/index.md"), "/legal/");
        assert_eq!(page_path("pages/Our Team.md"), "/our-team/");
    }

    #[test]
    fn pages_count_table() {
        assert_eq!(pages_count(0, 20), 1);
        assert_eq!(pages_count(20, 20), 1);
        assert_eq!(pages_count(21, 20), 2);
    }

    #[test]
    fn aliases_get_a_trailing_slash_unless_files() {
        assert_eq!(normalize_alias("/old"), "/old/");
        assert_eq!(normalize_alias("/old.html"), "/old.html");
        assert_eq!(normalize_alias("/old/"), "/old/");
    }
}
