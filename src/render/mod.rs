//! Stage 4, render: the site as a list of jobs, run in parallel, each giving one output file.
//!
//! A [`Job`] names one output (an article page, page 2 of a topic, the feed, ...). Every
//! job is rendered by [`render_job`] with one rayon `par_iter`; the results are plain
//! [`Output`]s (path + bytes) that the write stage minifies and writes. Nothing here
//! touches the disk.

pub mod context;
pub mod directory;
pub mod engine;
pub mod headers;
pub mod locator_data;
pub mod seo;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use tera::{Context, Tera};

use crate::diag::{Diag, Diags};
use crate::resolve::{Site, pages_count};
pub use context::Paginator;
use context::{ArticleCtx, AuthorCtx, SeoCtx, SiteCtx, Summary, TopicRef};
pub use engine::engine;

/// One file of the built site, before minification.
#[derive(Debug, Clone)]
pub struct Output {
    /// Path relative to the output root (`articles/x/index.html`).
    pub rel: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// Whether this is an HTML page (minified).
    pub html: bool,
}

/// One unit of render work.
#[derive(Debug, Clone, Copy)]
pub enum Job {
    /// `/`.
    Home,
    /// An article page.
    Article(usize),
    /// Page `n` (1-based) of `/articles/`.
    ArticleList(usize),
    /// `/topics/`.
    Topics,
    /// Page `n` of topic `t`.
    Topic(usize, usize),
    /// An author page.
    Author(usize),
    /// A standalone page.
    Page(usize),
    /// `/search/`.
    Search,
    /// `/404.html`.
    NotFound,
    /// An alias's redirect page.
    Redirect(usize),
    /// `/feed.xml`.
    Feed,
    /// `/sitemap.xml`.
    Sitemap,
    /// `/robots.txt`.
    Robots,
    /// `/_redirects` for hosts that read one.
    RedirectsFile,
    /// `/_headers` (security headers, CSP) for hosts that read one.
    HeadersFile,
    /// A facility page.
    Facility(usize),
    /// A state page of the directory.
    State(usize),
    /// A city page of the directory.
    City(usize),
    /// The locator `/treatment/`.
    Locator,
    /// The locator's `data/index.json`.
    LocatorIndex,
    /// One cell of facilities for the locator.
    LocatorCell(usize),
    /// The ZIP centroids of one 2-digit prefix (the number) for the locator.
    LocatorZips(u8),
    /// The centre of every 3-digit ZIP prefix for the locator.
    LocatorZip3,
}

/// Every job of a site.
pub fn jobs(site: &Site) -> Vec<Job> {
    let per = site.config.articles_per_page;
    let mut jobs = vec![
        Job::Home,
        Job::Topics,
        Job::Search,
        Job::NotFound,
        Job::Feed,
        Job::Sitemap,
        Job::Robots,
        Job::RedirectsFile,
        Job::HeadersFile,
    ];
    jobs.extend((0..site.articles.len()).map(Job::Article));
    jobs.extend((1..=pages_count(site.articles.len(), per)).map(Job::ArticleList));
    for (t, topic) in site.topics.iter().enumerate() {
        jobs.extend((1..=pages_count(topic.articles.len(), per)).map(|n| Job::Topic(t, n)));
    }
    jobs.extend((0..site.authors.len()).map(Job::Author));
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.extend((0..site.redirects.len()).map(Job::Redirect));
    let dir = &site.facilities;
    jobs.extend([Job::Locator, Job::LocatorIndex]);
    jobs.extend((0..dir.facilities.len()).map(Job::Facility));
    jobs.extend((0..dir.states.len()).map(Job::State));
    jobs.extend((0..dir.cities.len()).map(Job::City));
    jobs.extend((0..dir.cells.len()).map(Job::LocatorCell));
    // ZIP centroids only serve a search among facilities: a site without any gets no ZIP
    // file, and one with facilities the prefixes near them (files count toward static
    // hosts' file limits).
    if !dir.facilities.is_empty() {
        jobs.push(Job::LocatorZip3);
        jobs.extend(locator_data::zip_prefixes(site).into_iter().map(Job::LocatorZips));
    }
    jobs
}

/// The Tera engine with the site-wide variables set.
pub fn site_engine(site: &Site) -> Result<Tera, Vec<Diag>> {
    let mut globals = Context::new();
    globals.insert("site", &SiteCtx::new(site));
    globals.insert("assets", &site.theme.asset_paths(&site.config));
    engine(&site.theme, globals)
}

/// Renders every job in parallel. Errors from all jobs are collected; the same template
/// error on many pages is reported once, with the number of other pages it stopped.
pub fn render_all(
    site: &Site,
    tera: &Tera,
    jobs: &[Job],
    progress: Option<&indicatif::ProgressBar>,
    diags: &mut Diags,
) -> Vec<Output> {
    if let Some(p) = progress {
        p.set_length(jobs.len() as u64);
    }
    let results: Vec<Result<Output, Diag>> = jobs
        .par_iter()
        .map(|j| {
            let r = render_job(site, tera, *j);
            if let Some(p) = progress {
                p.inc(1);
            }
            r
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    let mut errors: Vec<(Diag, usize)> = Vec::new();
    for r in results {
        match r {
            Ok(o) => out.push(o),
            Err(d) => match errors.iter_mut().find(|(e, _)| same_cause(e, &d)) {
                Some((_, more)) => *more += 1,
                None => errors.push((d, 0)),
            },
        }
    }
    for (mut d, more) in errors {
        if more > 0 {
            let note = format!(
                "the same error stops {more} other page{}",
                if more == 1 { "" } else { "s" }
            );
            d.help = Some(d.help.map_or_else(|| note.clone(), |h| format!("{h} ({note})")));
        }
        diags.push(d);
    }
    out
}

/// Whether two render errors differ only in the page being rendered (the message is
/// "template error while rendering PAGE: CAUSE", and site paths hold no ": ").
fn same_cause(a: &Diag, b: &Diag) -> bool {
    let cause = |d: &Diag| d.message.split_once(": ").map(|(_, c)| c.to_string());
    a.help == b.help && cause(a).is_some() && cause(a) == cause(b)
}

/// The template a job renders with (the same choice as [`render_job`]; `None` for outputs
/// made without one). `haven serve` uses it to re-render only the pages a template edit touches.
pub fn template_of(site: &Site, job: Job) -> Option<&str> {
    Some(match job {
        Job::Home => "index.html",
        Job::Article(_) => "article.html",
        Job::ArticleList(_) => "articles.html",
        Job::Topics => "topics.html",
        Job::Topic(..) => "topic.html",
        Job::Author(_) => "author.html",
        Job::Page(i) => site.pages[i]
            .page
            .template
            .as_ref()
            .map_or("page.html", |t| t.value.as_str()),
        Job::Search => "search.html",
        Job::NotFound => "404.html",
        Job::Feed => "feed.xml",
        Job::Sitemap => "sitemap.xml",
        Job::Facility(_) => "facility.html",
        Job::State(_) => "state.html",
        Job::City(_) => "city.html",
        Job::Locator => "locator.html",
        Job::Redirect(_)
        | Job::Robots
        | Job::RedirectsFile
        | Job::HeadersFile
        | Job::LocatorIndex
        | Job::LocatorCell(_)
        | Job::LocatorZips(_)
        | Job::LocatorZip3 => return None,
    })
}

/// Site path -> output file path: `/a/b/` -> `a/b/index.html`, `/404.html` -> `404.html`.
pub fn out_rel(path: &str) -> String {
    let p = path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

struct Page<'a> {
    template: &'a str,
    path: String,
    kind: &'static str,
    seo: SeoCtx,
    ctx: Context,
}

/// Renders one job.
pub fn render_job(site: &Site, tera: &Tera, job: Job) -> Result<Output, Diag> {
    let c = &site.config;
    let page = match job {
        Job::Home => {
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
        Job::Article(i) => {
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
        Job::ArticleList(n) => {
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
        Job::Topics => {
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
        Job::Topic(t, n) => {
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
                        &json!({ "name": topic.name, "slug": topic.slug, "url": c.link(&topic.path) }),
                    );
                },
            )
        }
        Job::Author(i) => {
            let a = &site.authors[i];
            let mut ctx = Context::new();
            ctx.insert("author", &AuthorCtx::new(c, a));
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
        Job::Page(i) => {
            let p = &site.pages[i];
            let mut ctx = Context::new();
            ctx.insert(
                "page",
                &json!({
                    "title": p.page.title, "description": p.description, "url": c.link(&p.path),
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
        Job::Search => {
            let seo = seo_for(site, Some("Search"), "Search this site", "/search/", "website", None);
            Page {
                template: "search.html",
                path: "/search/".into(),
                kind: "search",
                seo,
                ctx: Context::new(),
            }
        }
        Job::NotFound => {
            let mut seo = seo_for(site, Some("Page not found"), "", "/404.html", "website", None);
            seo.noindex = true;
            Page {
                template: "404.html",
                path: "/404.html".into(),
                kind: "404",
                seo,
                ctx: Context::new(),
            }
        }
        Job::Facility(i) => directory::facility_page(site, i),
        Job::State(i) => directory::state_page(site, i),
        Job::City(i) => directory::city_page(site, i),
        Job::Locator => directory::locator_page(site),
        Job::LocatorIndex => return Ok(locator_data::data_index(site)),
        Job::LocatorCell(i) => return Ok(locator_data::data_cell(site, i)),
        Job::LocatorZips(p) => return Ok(locator_data::data_zip(p)),
        Job::LocatorZip3 => return Ok(locator_data::data_zip3()),
        Job::Redirect(i) => return Ok(redirect_page(site, i)),
        Job::HeadersFile => return Ok(headers::headers_file(c)),
        Job::Feed => return render_feed(site, tera),
        Job::Sitemap => return render_sitemap(site, tera),
        Job::Robots => {
            let body = format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", c.absolute("/sitemap.xml"));
            return Ok(Output {
                rel: "robots.txt".into(),
                bytes: body.into_bytes(),
                html: false,
            });
        }
        Job::RedirectsFile => {
            let body: String = site
                .redirects
                .iter()
                .map(|r| format!("{} {} 301\n", c.link(&r.from), c.link(&r.to)))
                .collect();
            return Ok(Output {
                rel: "_redirects".into(),
                bytes: body.into_bytes(),
                html: false,
            });
        }
    };
    finish(site, tera, page)
}

fn finish(site: &Site, tera: &Tera, p: Page<'_>) -> Result<Output, Diag> {
    let mut ctx = p.ctx;
    ctx.insert("seo", &p.seo);
    ctx.insert("page_kind", p.kind);
    ctx.insert("current_url", &site.config.link(&p.path));
    let html = tera
        .render(p.template, &ctx)
        .map_err(|e| engine::template_error(&site.theme, Some(&p.path), &e))?;
    Ok(Output {
        rel: out_rel(&p.path),
        bytes: html.into_bytes(),
        html: true,
    })
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

fn seo_for(
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

/// Indexes of the articles [`Job::Article`] `i` lists as related (`haven serve` uses it to
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

/// A minimal page that sends browsers and crawlers on: meta refresh + canonical + a link.
fn redirect_page(site: &Site, i: usize) -> Output {
    let r = &site.redirects[i];
    let to = html_escape(&site.config.absolute(&r.to));
    let html = format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>Redirecting…</title>\
         <meta name=\"referrer\" content=\"same-origin\">\
         <link rel=\"canonical\" href=\"{to}\"><meta name=\"robots\" content=\"noindex\">\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\"></head>\
         <body><p>This page has moved to <a href=\"{to}\">{to}</a>.</p></body></html>\n",
        lang = html_escape(&site.config.language),
    );
    Output {
        rel: out_rel(&r.from),
        bytes: html.into_bytes(),
        html: true,
    }
}

/// Escapes text for an HTML attribute or element.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct FeedEntry<'a> {
    title: String,
    url: String,
    published: String,
    updated: String,
    summary: String,
    // Borrowed, as in `ArticleCtx`.
    content: &'a str,
    author_name: String,
}

fn render_feed(site: &Site, tera: &Tera) -> Result<Output, Diag> {
    let c = &site.config;
    // Drafts never go into the feed, even in a --drafts preview: readers keep what they fetch.
    let published = || site.articles.iter().filter(|a| !a.article.draft);
    let entries: Vec<FeedEntry> = published()
        .take(20)
        .map(|a| FeedEntry {
            title: a.article.title.clone(),
            url: c.absolute(&a.path),
            published: a.article.published.rfc3339.clone(),
            updated: a
                .article
                .updated
                .as_ref()
                .unwrap_or(&a.article.published)
                .rfc3339
                .clone(),
            summary: a.description.clone(),
            content: &a.html,
            author_name: site
                .authors
                .get(a.author)
                .map(|x| x.author.name.clone())
                .unwrap_or_default(),
        })
        .collect();
    let updated = published()
        .map(|a| a.article.updated.as_ref().unwrap_or(&a.article.published))
        .max_by_key(|d| d.timestamp)
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339.clone());
    let mut ctx = Context::new();
    ctx.insert(
        "feed",
        &json!({ "url": c.absolute("/feed.xml"), "updated": updated, "entries": entries }),
    );
    let xml = tera
        .render("feed.xml", &ctx)
        .map_err(|e| engine::template_error(&site.theme, Some("/feed.xml"), &e))?;
    Ok(Output {
        rel: "feed.xml".into(),
        bytes: xml.into_bytes(),
        html: false,
    })
}

fn render_sitemap(site: &Site, tera: &Tera) -> Result<Output, Diag> {
    let c = &site.config;
    let mut entries = vec![
        json!({ "loc": c.absolute("/"), "lastmod": site.articles.first().map(|a| a.article.updated.as_ref().unwrap_or(&a.article.published).iso.clone()) }),
    ];
    for a in &site.articles {
        let lastmod = a.article.updated.as_ref().unwrap_or(&a.article.published);
        entries.push(json!({ "loc": c.absolute(&a.path), "lastmod": lastmod.iso }));
    }
    let per = c.articles_per_page;
    let mut plain: Vec<String> = vec!["/articles/".into(), "/topics/".into(), "/search/".into()];
    plain.extend((2..=pages_count(site.articles.len(), per)).map(|n| Paginator::path("/articles/", n)));
    for t in &site.topics {
        plain.extend((1..=pages_count(t.articles.len(), per)).map(|n| Paginator::path(&t.path, n)));
    }
    plain.extend(site.authors.iter().map(|a| a.path.clone()));
    plain.extend(site.pages.iter().map(|p| p.path.clone()));
    plain.extend(site.facilities.routes.iter().map(|r| r.path.clone()));
    entries.extend(plain.iter().map(|p| json!({ "loc": c.absolute(p), "lastmod": null })));
    let mut ctx = Context::new();
    ctx.insert("entries", &entries);
    let xml = tera
        .render("sitemap.xml", &ctx)
        .map_err(|e| engine::template_error(&site.theme, Some("/sitemap.xml"), &e))?;
    Ok(Output {
        rel: "sitemap.xml".into(),
        bytes: xml.into_bytes(),
        html: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_rel_table() {
        assert_eq!(out_rel("/"), "index.html");
        assert_eq!(out_rel("/articles/x/"), "articles/x/index.html");
        assert_eq!(out_rel("/404.html"), "404.html");
        assert_eq!(out_rel("/old.html"), "old.html");
    }
}
