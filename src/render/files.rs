//! Outputs made without a page template, or with a non-HTML one: an alias's redirect page,
//! `/feed.xml`, `/sitemap.xml`, `/robots.txt` and `/_redirects`.

use serde::Serialize;
use serde_json::json;
use tera::{Context, Tera};

use crate::config::SiteConfig;
use crate::diag::Diag;
use crate::resolve::{Site, pages_count};
use crate::translations::Alternates;

use super::context::Paginator;
use super::engine;
use super::output::{Output, html_escape, out_rel};

/// A minimal page that sends browsers and crawlers on: meta refresh + canonical + a link.
pub(super) fn redirect_page(site: &Site, i: usize) -> Output {
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

/// `/robots.txt`: everything may be crawled; where the sitemaps are (one per language).
pub(super) fn robots(c: &SiteConfig, alternates: &Alternates) -> Output {
    let mut body = format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", c.absolute("/sitemap.xml"));
    for home in alternates.homes.iter().skip(1) {
        body.push_str(&format!("Sitemap: {}sitemap.xml\n", home.absolute));
    }
    Output {
        rel: "robots.txt".into(),
        bytes: body.into_bytes(),
        html: false,
    }
}

/// `/_redirects` for hosts that read one: every alias, with a 301.
pub(super) fn redirects_file(site: &Site) -> Output {
    let c = &site.config;
    let body: String = site
        .redirects
        .iter()
        .map(|r| format!("{} {} 301\n", c.link(&r.from), c.link(&r.to)))
        .collect();
    Output {
        rel: "_redirects".into(),
        bytes: body.into_bytes(),
        html: false,
    }
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

/// `/feed.xml`: the 20 newest published articles.
pub(super) fn render_feed(site: &Site, tera: &Tera) -> Result<Output, Diag> {
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

/// `/sitemap.xml`: every page of the site.
pub(super) fn render_sitemap(site: &Site, tera: &Tera) -> Result<Output, Diag> {
    let c = &site.config;
    let alternates = |path: &str| super::pages::hreflang(site, path);
    let mut entries = vec![
        json!({ "loc": c.absolute("/"), "lastmod": site.articles.first().map(|a| a.article.updated.as_ref().unwrap_or(&a.article.published).iso.clone()), "alternates": alternates("/") }),
    ];
    for a in &site.articles {
        let lastmod = a.article.updated.as_ref().unwrap_or(&a.article.published);
        entries.push(json!({ "loc": c.absolute(&a.path), "lastmod": lastmod.iso, "alternates": alternates(&a.path) }));
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
    entries.extend(
        plain
            .iter()
            .map(|p| json!({ "loc": c.absolute(p), "lastmod": null, "alternates": alternates(p) })),
    );
    let mut ctx = Context::new();
    ctx.insert("entries", &entries);
    ctx.insert("multilingual", &!site.alternates.homes.is_empty());
    let xml = tera
        .render("sitemap.xml", &ctx)
        .map_err(|e| engine::template_error(&site.theme, Some("/sitemap.xml"), &e))?;
    Ok(Output {
        rel: "sitemap.xml".into(),
        bytes: xml.into_bytes(),
        html: false,
    })
}
