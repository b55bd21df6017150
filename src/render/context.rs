//! The serializable shapes templates see. docs/templates.md documents every field.
//!
//! Everything a template prints is prepared here: URLs carry the base path, dates are
//! formatted, optional values are `null` (never missing: Tera 2 treats a missing
//! variable as an error).

use serde::Serialize;

use crate::components::data::{CrisisCtx, HotlineCtx};
use crate::config::SiteConfig;
use crate::date::Date;
use crate::i18n::localized;
use crate::images::Pictures;
use crate::markdown::TocEntry;
use crate::model::LinkItem;
use crate::resolve::{ResolvedArticle, ResolvedAuthor, Site, Topic};

/// `site`: the same on every page.
#[derive(Debug, Serialize)]
pub struct SiteCtx {
    title: String,
    description: String,
    language: String,
    base_url: String,
    base_path: String,
    root_path: String,
    home_url: String,
    search_url: String,
    hotline: Option<HotlineCtx>,
    crisis_lines: Vec<CrisisCtx>,
    menu: Vec<MenuCtx>,
    corrections: Option<CorrectionsCtx>,
    extra: serde_json::Value,
    year: i32,
}

#[derive(Debug, Serialize)]
struct MenuCtx {
    title: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct CorrectionsCtx {
    label: String,
    url: String,
}

impl SiteCtx {
    /// The site variables for `site`.
    pub fn new(site: &Site) -> Self {
        let c = &site.config;
        SiteCtx {
            title: c.title.clone(),
            description: c.description.clone(),
            language: c.language.clone(),
            base_url: c.absolute("/"),
            base_path: c.link("/"),
            root_path: c.asset_link("/"),
            home_url: c.link("/"),
            search_url: c.link("/search/"),
            hotline: HotlineCtx::new(c),
            crisis_lines: CrisisCtx::all(c),
            menu: site
                .menu
                .iter()
                .map(|(title, url)| MenuCtx {
                    title: title.clone(),
                    url: url.clone(),
                })
                .collect(),
            corrections: c.corrections.as_ref().map(|v| {
                if crate::config::is_email(v) {
                    CorrectionsCtx {
                        label: v.clone(),
                        url: format!("mailto:{v}"),
                    }
                } else {
                    CorrectionsCtx {
                        label: v.clone(),
                        url: v.clone(),
                    }
                }
            }),
            extra: c.extra.clone(),
            year: chrono::Datelike::year(&chrono::Local::now()),
        }
    }
}

/// `seo`: what goes into `<head>`.
#[derive(Debug, Serialize)]
pub struct SeoCtx {
    /// `<title>` text.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// Open Graph type.
    pub og_type: &'static str,
    /// JSON-LD, safe to print inside a script element.
    pub json_ld: Option<String>,
    /// Whether robots should skip the page.
    pub noindex: bool,
    /// A draft shown for preview (`haven serve`, `haven build --drafts`): the theme shows
    /// a "Draft: not published" banner.
    pub draft: bool,
}

/// `topic_ref`.
#[derive(Debug, Serialize)]
pub struct TopicRef {
    name: String,
    slug: String,
    url: String,
    count: usize,
}

impl TopicRef {
    /// The reference to a topic.
    pub fn new(config: &SiteConfig, t: &Topic) -> Self {
        TopicRef {
            name: t.name.clone(),
            slug: t.slug.clone(),
            url: config.link(&t.path),
            count: t.articles.len(),
        }
    }
}

/// `summary`: an article in a list.
#[derive(Debug, Serialize)]
pub struct Summary {
    title: String,
    url: String,
    description: String,
    published: Date,
    updated: Option<Date>,
    author_name: String,
    topics: Vec<TopicRef>,
}

impl Summary {
    /// The summary of article `i`.
    pub fn new(site: &Site, i: usize) -> Self {
        let a = &site.articles[i];
        Summary {
            title: a.article.title.clone(),
            url: site.config.link(&a.path),
            description: a.description.clone(),
            published: localized(&a.article.published, &site.config.language),
            updated: a.article.updated.as_ref().map(|d| localized(d, &site.config.language)),
            author_name: site
                .authors
                .get(a.author)
                .map(|x| x.author.name.clone())
                .unwrap_or_default(),
            topics: a
                .topics
                .iter()
                .map(|t| TopicRef::new(&site.config, &site.topics[*t]))
                .collect(),
        }
    }
}

/// `author`.
#[derive(Debug, Serialize)]
pub struct AuthorCtx {
    id: String,
    name: String,
    credentials: Option<String>,
    role: Option<String>,
    photo: Option<String>,
    /// The photo's resized copies (`srcset` values, WebP and its own format) when it is a
    /// JPEG or PNG (`crate::images`); `None` otherwise.
    photo_srcset: Option<String>,
    photo_webp_srcset: Option<String>,
    bio_html: Option<String>,
    links: Vec<LinkItem>,
    url: String,
    extra: serde_json::Value,
}

impl AuthorCtx {
    /// The template form of an author.
    pub fn new(config: &SiteConfig, pictures: &Pictures, a: &ResolvedAuthor) -> Self {
        let link = |p: &str| config.asset_link(p);
        let picture = a.photo.as_deref().and_then(|p| pictures.get(p));
        AuthorCtx {
            photo_srcset: picture.map(|p| p.srcset(false, &link)),
            photo_webp_srcset: picture.map(|p| p.srcset(true, &link)),
            id: a.author.id.clone(),
            name: a.author.name.clone(),
            credentials: a.author.credentials.clone(),
            role: a.author.role.clone(),
            photo: a.photo.as_ref().map(|p| config.asset_link(p)),
            bio_html: a.bio_html.clone(),
            links: a.author.links.clone(),
            url: config.link(&a.path),
            extra: a.author.extra.clone(),
        }
    }
}

/// `article`.
#[derive(Debug, Serialize)]
pub struct ArticleCtx<'a> {
    title: String,
    description: String,
    url: String,
    canonical: String,
    author: Option<AuthorCtx>,
    reviewer: Option<AuthorCtx>,
    published: Date,
    updated: Option<Date>,
    topics: Vec<TopicRef>,
    toc: Vec<TocEntry>,
    show_toc: bool,
    // Borrowed: a copy of a long article's HTML here was one more whole copy of the body
    // at the peak (docs/performance.md, "Memory").
    content: &'a str,
    sources: Vec<LinkItem>,
    reading_minutes: usize,
    extra: serde_json::Value,
}

impl<'a> ArticleCtx<'a> {
    /// The template form of an article.
    pub fn new(site: &Site, a: &'a ResolvedArticle) -> Self {
        let c = &site.config;
        ArticleCtx {
            title: a.article.title.clone(),
            description: a.description.clone(),
            url: c.link(&a.path),
            canonical: c.absolute(&a.path),
            author: site.authors.get(a.author).map(|x| AuthorCtx::new(c, &site.pictures, x)),
            reviewer: a
                .reviewer
                .and_then(|r| site.authors.get(r))
                .map(|x| AuthorCtx::new(c, &site.pictures, x)),
            published: localized(&a.article.published, &site.config.language),
            updated: a.article.updated.as_ref().map(|d| localized(d, &site.config.language)),
            topics: a.topics.iter().map(|t| TopicRef::new(c, &site.topics[*t])).collect(),
            show_toc: a.article.toc && !a.toc.is_empty(),
            toc: a.toc.to_vec(),
            content: &a.html,
            sources: a.article.sources.clone(),
            reading_minutes: a.words.div_ceil(200).max(1),
            extra: a.article.extra.clone(),
        }
    }
}

/// `paginator`.
#[derive(Debug, Serialize)]
pub struct Paginator {
    current: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}

#[derive(Debug, Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
}

impl Paginator {
    /// Page `current` (1-based) of `total` for a list at site path `base`.
    pub fn new(config: &SiteConfig, base: &str, current: usize, total: usize) -> Self {
        let url = |n: usize| {
            if n == 1 {
                config.link(base)
            } else {
                config.link(&format!("{base}page/{n}/"))
            }
        };
        Paginator {
            current,
            total,
            prev_url: (current > 1).then(|| url(current - 1)),
            next_url: (current < total).then(|| url(current + 1)),
            pages: (1..=total)
                .map(|n| PageLink {
                    number: n,
                    url: url(n),
                    current: n == current,
                })
                .collect(),
        }
    }

    /// Site path of page `n` of the list at `base`.
    pub fn path(base: &str, n: usize) -> String {
        if n == 1 {
            base.to_string()
        } else {
            format!("{base}page/{n}/")
        }
    }
}
