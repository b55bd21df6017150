//! The HTML pages rendered with a template: the home page, articles, the article and
//! topic lists, authors, standalone pages, search and 404 (the facility directory's pages
//! are in `directory.rs`). Each function gives a [`Page`]: its template, path, kind, SEO
//! data and context; [`finish`] renders it.

use std::collections::HashMap;

use serde_json::json;
use tera::{Context, Tera};

use crate::diag::Diag;
use crate::resolve::{Site, pages_count};
use crate::translations::Alternate;

use super::context::{ArticleCtx, AuthorCtx, Paginator, SeoCtx, Summary, TopicRef};
use super::output::{Output, out_rel};
use super::{engine, seo};

/// A page to render with a template.
pub(super) struct Page<'a> {
    pub(super) template: &'a str,
    pub(super) path: String,
    pub(super) kind: &'static str,
    pub(super) seo: SeoCtx,
    pub(super) ctx: Context,
}

/// Renders a page with its template.
pub(super) fn finish(site: &Site, tera: &Tera, p: Page<'_>) -> Result<Output, Diag> {
    let mut ctx = p.ctx;
    ctx.insert("seo", &p.seo);
    ctx.insert("page_kind", p.kind);
    ctx.insert("current_url", &site.config.link(&p.path));
    ctx.insert("hreflang", &hreflang(site, &p.path));
    ctx.insert("languages", &switcher(site, &p.path));
    let html = tera
        .render(p.template, &ctx)
        .map_err(|e| engine::template_error(&site.theme, Some(&p.path), &e))?;
    Ok(Output {
        rel: out_rel(&p.path),
        bytes: html.into_bytes(),
        html: true,
    })
}

/// The `hreflang` alternates of a page: every language version of it (its own included)
/// and `x-default`, the default language's; none when it exists in one language only.
pub(super) fn hreflang(site: &Site, path: &str) -> Vec<Alternate> {
    let Some(versions) = site.alternates.by_path.get(path) else {
        return Vec::new();
    };
    let mut out = versions.clone();
    if let Some(first) = versions.first() {
        out.push(Alternate {
            code: "x-default".into(),
            ..first.clone()
        });
    }
    out
}

/// The language switcher: each other language, linking to this page's version in it, or
/// to that language's home page when the page has none.
fn switcher(site: &Site, path: &str) -> Vec<serde_json::Value> {
    let versions = site.alternates.by_path.get(path);
    site.alternates
        .homes
        .iter()
        .filter(|h| h.code != site.config.language)
        .map(|home| {
            let version = versions.and_then(|v| v.iter().find(|a| a.code == home.code));
            json!({
                "code": home.code,
                "name": home.name,
                "url": version.unwrap_or(home).url,
                "translated": version.is_some(),
            })
        })
        .collect()
}

/// `/`.
pub(super) fn home(site: &Site) -> Page<'static> {
    let c = &site.config;
    let mut ctx = Context::new();
    let title = site
        .home
        .as_ref()
        .map_or_else(|| c.title.clone(), |h| h.page.title.clone());
    ctx.insert(
        "home",
        &json!({ "title": title, "content": site.home.as_ref().map(|h| h.html.to_string()).unwrap_or_default() }),
    );
    ctx.insert(
        "latest",
        &(0..site.articles.len().min(10))
            .map(|i| Summary::new(site, i))
            .collect::<Vec<_>>(),
    );
    ctx.insert("topics", &topic_refs(site));
    let description = site
        .home
        .as_ref()
        .map(|h| h.description.clone())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| c.description.clone());
    let seo = seo_for(site, None, &description, "/", "website", Some(seo::website(site)));
    Page {
        template: "index.html",
        path: "/".into(),
        kind: "home",
        seo,
        ctx,
    }
}

/// An article page.
pub(super) fn article(site: &Site, i: usize) -> Page<'static> {
    let a = &site.articles[i];
    let mut ctx = Context::new();
    ctx.insert("article", &ArticleCtx::new(site, a));
    ctx.insert("related", &related(site, i));
    let seo = draft_seo(
        a.article.draft,
        seo_for(
            site,
            Some(&a.article.title),
            &a.description,
            &a.path,
            "article",
            Some(seo::article(site, a)),
        ),
    );
    Page {
        template: "article.html",
        path: a.path.clone(),
        kind: "article",
        seo,
        ctx,
        // Drafts are built with --drafts for preview, but never searchable.
    }
}

/// Page `n` of `/articles/`.
pub(super) fn article_list(site: &Site, n: usize) -> Page<'static> {
    let all: Vec<usize> = (0..site.articles.len()).collect();
    list_page(
        site,
        "articles.html",
        "/articles/",
        n,
        &all,
        "articles",
        "Articles",
        |_| {},
    )
}

/// `/topics/`.
pub(super) fn topics(site: &Site) -> Page<'static> {
    let mut ctx = Context::new();
    ctx.insert("topics", &topic_refs(site));
    let seo = seo_for(site, Some("Topics"), "All topics", "/topics/", "website", None);
    Page {
        template: "topics.html",
        path: "/topics/".into(),
        kind: "topics",
        seo,
        ctx,
    }
}

/// Page `n` of topic `t`.
pub(super) fn topic(site: &Site, t: usize, n: usize) -> Page<'static> {
    let topic = &site.topics[t];
    list_page(
        site,
        "topic.html",
        &topic.path,
        n,
        &topic.articles,
        "topic",
        &topic.name,
        |ctx| {
            ctx.insert(
                "topic",
                &json!({ "name": topic.name, "slug": topic.slug, "url": site.config.link(&topic.path) }),
            );
        },
    )
}

/// An author page.
pub(super) fn author(site: &Site, i: usize) -> Page<'static> {
    let a = &site.authors[i];
    let mut ctx = Context::new();
    ctx.insert("author", &AuthorCtx::new(&site.config, &site.pictures, a));
    ctx.insert(
        "articles",
        &a.articles.iter().map(|j| Summary::new(site, *j)).collect::<Vec<_>>(),
    );
    ctx.insert(
        "reviewed",
        &a.reviewed.iter().map(|j| Summary::new(site, *j)).collect::<Vec<_>>(),
    );
    let description = a
        .author
        .role
        .clone()
        .map_or_else(|| a.author.name.clone(), |r| format!("{}, {r}", a.author.name));
    let seo = seo_for(site, Some(&a.author.name), &description, &a.path, "profile", None);
    Page {
        template: "author.html",
        path: a.path.clone(),
        kind: "author",
        seo,
        ctx,
    }
}

/// A standalone page (its own template if it names one).
pub(super) fn page(site: &Site, i: usize) -> Page<'_> {
    let p = &site.pages[i];
    let mut ctx = Context::new();
    ctx.insert(
        "page",
        &json!({
            "title": p.page.title, "description": p.description, "url": site.config.link(&p.path),
            "content": &*p.html, "toc": &*p.toc, "show_toc": p.page.toc && !p.toc.is_empty(), "extra": p.page.extra,
        }),
    );
    let template = p.page.template.as_ref().map_or("page.html", |t| t.value.as_str());
    let seo = draft_seo(
        p.page.draft,
        seo_for(site, Some(&p.page.title), &p.description, &p.path, "website", None),
    );
    Page {
        template,
        path: p.path.clone(),
        kind: "page",
        seo,
        ctx,
    }
}

/// The theme's strings that search.js writes itself (counts, badges, filter legends, the
/// status lines), in the page's language; `{n}`, `{q}` and `{word}` are filled by the script.
const SEARCH_SCRIPT_KEYS: &[&str] = &[
    "call",
    "sponsored",
    "search_js_filter_type",
    "search_js_filter_topic",
    "search_js_filter_state",
    "search_js_filter_level_of_care",
    "search_js_filter_medication",
    "search_js_filter_payment",
    "search_js_type_article",
    "search_js_type_facility",
    "search_js_type_page",
    "search_js_unavailable",
    "search_js_sponsored_note",
    "search_js_results_one",
    "search_js_results_many",
    "search_js_results_filtered_one",
    "search_js_results_filtered_many",
    "search_js_none",
    "search_js_none_filtered",
    "search_js_corrected",
    "search_js_any_capped",
    "search_js_any",
    "search_js_crisis_words",
];

/// `/search/`.
pub(super) fn search(site: &Site) -> Page<'static> {
    let title = string(site, "search_title", "Search");
    let description = string(site, "search_site_label", "Search this site");
    let seo = seo_for(site, Some(title), description, "/search/", "website", None);
    let mut ctx = Context::new();
    let strings = seo::script_strings(&site.strings, SEARCH_SCRIPT_KEYS);
    ctx.insert("search", &json!({ "strings_json": seo::script_safe(&strings) }));
    Page {
        template: "search.html",
        path: "/search/".into(),
        kind: "search",
        seo,
        ctx,
    }
}

/// The theme's string `key` in the site's language (`fallback` if the theme lacks it).
fn string<'a>(site: &'a Site, key: &str, fallback: &'a str) -> &'a str {
    site.strings.get(key).map_or(fallback, String::as_str)
}

/// `/404.html`.
pub(super) fn not_found(site: &Site) -> Page<'static> {
    let title = string(site, "not_found_title", "Page not found");
    let mut seo = seo_for(site, Some(title), "", "/404.html", "website", None);
    seo.noindex = true;
    Page {
        template: "404.html",
        path: "/404.html".into(),
        kind: "404",
        seo,
        ctx: Context::new(),
    }
}

#[allow(clippy::too_many_arguments)]
fn list_page<'a>(
    site: &Site,
    template: &'a str,
    base: &str,
    n: usize,
    items: &[usize],
    kind: &'static str,
    title: &str,
    extra: impl FnOnce(&mut Context),
) -> Page<'a> {
    let per = site.config.articles_per_page;
    let total = pages_count(items.len(), per);
    let mut ctx = Context::new();
    let summaries: Vec<Summary> = items
        .iter()
        .skip((n - 1) * per)
        .take(per)
        .map(|i| Summary::new(site, *i))
        .collect();
    ctx.insert("articles", &summaries);
    ctx.insert("paginator", &Paginator::new(&site.config, base, n, total));
    extra(&mut ctx);
    let path = Paginator::path(base, n);
    let shown = if n > 1 {
        format!("{title} (page {n} of {total})")
    } else {
        title.to_string()
    };
    let seo = seo_for(
        site,
        Some(&shown),
        &format!("{title}: articles from {}", site.config.title),
        &path,
        "website",
        None,
    );
    Page {
        template,
        path,
        kind,
        seo,
        ctx,
    }
}

pub(super) fn seo_for(
    site: &Site,
    title: Option<&str>,
    description: &str,
    path: &str,
    og_type: &'static str,
    json_ld: Option<String>,
) -> SeoCtx {
    SeoCtx {
        title: seo::title(site, title),
        description: description.to_string(),
        canonical: site.config.absolute(path),
        og_type,
        json_ld,
        noindex: false,
        draft: false,
    }
}

fn topic_refs(site: &Site) -> Vec<TopicRef> {
    site.topics.iter().map(|t| TopicRef::new(&site.config, t)).collect()
}

/// Up to 3 other articles sharing the most topics, newest first among equals.
fn related(site: &Site, i: usize) -> Vec<Summary> {
    related_articles(site, i)
        .into_iter()
        .map(|j| Summary::new(site, j))
        .collect()
}

/// Indexes of the articles [`super::Job::Article`] `i` lists as related (`haven serve` uses it to
/// know which pages show an article's summary).
pub fn related_articles(site: &Site, i: usize) -> Vec<usize> {
    // Only articles sharing a topic can score: count them from the topics' own lists rather
    // than scanning every article (which made rendering all articles quadratic: 54 s of
    // render time on 10,000 articles).
    let mut shared: HashMap<usize, usize> = HashMap::new();
    for t in &site.articles[i].topics {
        for &j in site.topics.get(*t).map_or(&[][..], |topic| &topic.articles[..]) {
            if j != i {
                *shared.entry(j).or_default() += 1;
            }
        }
    }
    let mut scored: Vec<(usize, usize)> = shared.into_iter().map(|(j, n)| (n, j)).collect();
    // Most shared topics first, then the newer article (lower index).
    let order = |a: &(usize, usize), b: &(usize, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if scored.len() > 3 {
        scored.select_nth_unstable_by(2, order);
        scored.truncate(3);
    }
    scored.sort_by(order);
    scored.into_iter().map(|(_, j)| j).collect()
}

/// A draft's page (built only for preview) is marked as one and kept out of search engines.
fn draft_seo(draft: bool, mut seo: SeoCtx) -> SeoCtx {
    if draft {
        seo.draft = true;
        seo.noindex = true;
    }
    seo
}
