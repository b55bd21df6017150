//! Which articles and pages this build publishes (drafts only with `--drafts`), their order
//! (articles newest first), and their URLs: article slugs must be unique, every article and
//! page claims its route, and a page's `template:` must exist in the theme.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::config::{self, SiteConfig};
use crate::diag::{Diag, Diags, did_you_mean};
use crate::model::{Article, Page};
use crate::theme::Theme;

use super::routes::{Routes, page_path};

/// Options of the resolve stage. Kept here, as what this build publishes is all they choose.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Build drafts too.
    pub drafts: bool,
}

/// The drafts left out of this build (by file), so that a link to one can say why it fails.
pub(super) fn left_out(articles: &[Arc<Article>], pages: &[Page], opts: Options) -> HashSet<String> {
    articles
        .iter()
        .filter(|a| a.draft && !opts.drafts)
        .map(|a| a.rel.clone())
        .chain(pages.iter().filter(|p| p.draft && !opts.drafts).map(|p| p.rel.clone()))
        .collect()
}

/// The articles this build publishes, newest first (then by title).
pub(super) fn published_articles(articles: Vec<Arc<Article>>, opts: Options) -> Vec<Arc<Article>> {
    let mut articles: Vec<Arc<Article>> = articles.into_iter().filter(|a| opts.drafts || !a.draft).collect();
    articles.sort_by(|a, b| {
        b.published
            .timestamp
            .cmp(&a.published.timestamp)
            .then_with(|| a.title.cmp(&b.title))
    });
    articles
}

/// The pages this build publishes, in the order loaded.
pub(super) fn published_pages(pages: Vec<Page>, opts: Options) -> Vec<Page> {
    pages.into_iter().filter(|p| opts.drafts || !p.draft).collect()
}

/// Each article's site path (in order), with slug and route clashes reported.
pub(super) fn article_paths(
    articles: &[Arc<Article>],
    config: &SiteConfig,
    routes: &mut Routes,
    diags: &mut Diags,
) -> Vec<String> {
    let mut slugs: HashMap<String, &Article> = HashMap::new();
    let mut article_paths = Vec::with_capacity(articles.len());
    for a in articles {
        let clashed = if let Some(other) = slugs.get(&a.slug.value) {
            let span = if a.slug.span.1 > 0 { a.slug.span } else { (0, 0) };
            diags.push(
                Diag::at(
                    &a.source,
                    span,
                    format!("the slug `{}` is also used by {}", a.slug.value, other.source.name),
                )
                .help("give one of the two articles another `slug:` (or rename its file)"),
            );
            true
        } else {
            slugs.insert(a.slug.value.clone(), a);
            false
        };
        let path = config::fill(&config.permalinks.article, &[("slug", &a.slug.value)]);
        // A slug clash is reported above, not a second time as a clash of URLs.
        if clashed {
            article_paths.push(path);
            continue;
        }
        routes.add(
            &path,
            &a.source.name,
            |o| {
                Diag::in_file(&a.source, format!("this article's URL {path} is also produced by {o}"))
                    .help("change the article's slug")
            },
            diags,
        );
        article_paths.push(path);
    }
    article_paths
}

/// Each page's site path (in order), with route clashes and unknown templates reported.
pub(super) fn page_paths(pages: &[Page], theme: &Theme, routes: &mut Routes, diags: &mut Diags) -> Vec<String> {
    let page_paths: Vec<String> = pages.iter().map(|p| page_path(&p.rel)).collect();
    for (p, path) in pages.iter().zip(&page_paths) {
        routes.add(
            path,
            &p.source.name,
            |o| {
                Diag::in_file(&p.source, format!("this page's URL {path} is also produced by {o}"))
                    .help("rename or move the page")
            },
            diags,
        );
        if let Some(t) = &p.template
            && !theme.templates.contains_key(&t.value)
        {
            diags.push(unknown_template(p, &t.value, t.span, theme));
        }
    }
    page_paths
}

fn unknown_template(p: &Page, name: &str, span: (usize, usize), theme: &Theme) -> Diag {
    let d = Diag::at(&p.source, span, format!("no template `{name}` in the theme"));
    let names = theme.templates.keys().map(String::as_str);
    match did_you_mean(name, names) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help("add the template to themes/<theme>/templates/, or remove `template:` to use page.html"),
    }
}
