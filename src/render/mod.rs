//! Stage 4, render: the site as a list of jobs, run in parallel, each giving one output file.
//!
//! A [`Job`] names one output (an article page, page 2 of a topic, the feed, ...). Every
//! job is rendered by [`render_job`] with one rayon `par_iter`; the results are plain
//! [`Output`]s (path + bytes) that the write stage minifies and writes. Nothing here
//! touches the disk.

pub mod context;
pub mod directory;
pub mod engine;
mod files;
pub mod headers;
pub mod locator_data;
mod output;
mod pages;
mod picture;
pub mod seo;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::diag::{Diag, Diags};
use crate::resolve::{Site, pages_count};
pub use context::Paginator;
use context::SiteCtx;
pub use engine::engine;
pub use output::{Output, html_escape, out_rel};
pub use pages::related_articles;

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
    let mut jobs = content_jobs(site);
    jobs.extend(directory_jobs(site));
    jobs
}

/// The jobs of [`jobs`] that read more than the facility directory and the settings: every
/// one but the directory's. `haven serve` picks a content edit's jobs among these alone,
/// since listing the directory's (the locator's ZIP prefixes are found by a pass over the
/// facilities) costs milliseconds on every save for jobs a content edit never touches.
pub fn content_jobs(site: &Site) -> Vec<Job> {
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
    jobs
}

/// The jobs of the facility directory and the locator: they read only the facility files
/// and the settings.
fn directory_jobs(site: &Site) -> Vec<Job> {
    let dir = &site.facilities;
    let mut jobs = vec![Job::Locator, Job::LocatorIndex];
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

/// The jobs of an added language's site: every job but the files that exist once for the
/// whole site (`robots.txt` and `_headers`, whose rules cover every language).
pub fn language_jobs(site: &Site) -> Vec<Job> {
    let mut jobs = jobs(site);
    jobs.retain(|j| !matches!(j, Job::Robots | Job::HeadersFile));
    jobs
}

/// The Tera engine with the site-wide variables set, the theme's strings read from the
/// theme (for a site the pipeline has not given its strings).
pub fn site_engine(site: &Site) -> Result<Tera, Vec<Diag>> {
    let all = site.config.all_languages();
    let strings = crate::i18n::strings(&site.theme, &site.config.language, &all)?;
    let (globals, _) = engine_globals(site, &strings);
    engine_of(site, globals)
}

/// The last engine [`site_engine_reusing`] made for a language, with the fingerprint of
/// what it was made from.
#[derive(Debug, Default)]
pub struct EngineMemo(Option<(u128, Arc<Tera>)>);

/// [`site_engine`] with the strings the pipeline set (`site.strings`): the one `memo` kept when it was made
/// from the same templates, variables and pictures, else a new one (kept in `memo`). `haven serve` prepares the site again on each save: parsing
/// every template again was about 5 ms per language of an article edit there.
pub fn site_engine_reusing(site: &Site, memo: &mut EngineMemo) -> Result<Arc<Tera>, Vec<Diag>> {
    let (globals, mut print) = engine_globals(site, &site.strings);
    for t in site.theme.templates.values() {
        print.add(&("template", &t.name, &t.text, &t.origin));
    }
    let mut pictures: Vec<String> = site.pictures.by_rel.iter().map(|p| format!("{p:?}")).collect();
    pictures.sort_unstable();
    print.add(&("pictures", pictures, site.config.asset_link("/")));
    let print = print.value();
    if let Some((p, tera)) = &memo.0
        && *p == print
    {
        return Ok(Arc::clone(tera));
    }
    let tera = Arc::new(engine_of(site, globals)?);
    memo.0 = Some((print, Arc::clone(&tera)));
    Ok(tera)
}

/// The engine's global variables, and a fingerprint of them.
fn engine_globals(site: &Site, strings: &BTreeMap<String, String>) -> (Context, crate::memo::Fingerprint) {
    let ctx = SiteCtx::new(site);
    let assets = site.theme.asset_paths(&site.config);
    let mut print = crate::memo::Fingerprint::default();
    print.add(&("globals", format!("{ctx:?}"), &assets, strings));
    let mut globals = Context::new();
    globals.insert("site", &ctx);
    globals.insert("assets", &assets);
    globals.insert("t", strings);
    (globals, print)
}

/// A site's engine with `globals` and the `picture` function.
fn engine_of(site: &Site, globals: Context) -> Result<Tera, Vec<Diag>> {
    let pictures = std::sync::Arc::clone(&site.pictures);
    let picture = picture::function(pictures, site.config.asset_link("/"));
    engine::engine_with(&site.theme, globals, |tera| tera.register_function("picture", picture))
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
            d.help = Some(d.help.map_or_else(|| note.clone(), |h| format!("{h} ({note})")).into());
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

/// Renders one job.
pub fn render_job(site: &Site, tera: &Tera, job: Job) -> Result<Output, Diag> {
    let page = match job {
        Job::Home => pages::home(site),
        Job::Article(i) => pages::article(site, i),
        Job::ArticleList(n) => pages::article_list(site, n),
        Job::Topics => pages::topics(site),
        Job::Topic(t, n) => pages::topic(site, t, n),
        Job::Author(i) => pages::author(site, i),
        Job::Page(i) => pages::page(site, i),
        Job::Search => pages::search(site),
        Job::NotFound => pages::not_found(site),
        Job::Facility(i) => directory::facility_page(site, i),
        Job::State(i) => directory::state_page(site, i),
        Job::City(i) => directory::city_page(site, i),
        Job::Locator => directory::locator_page(site),
        Job::LocatorIndex => return Ok(locator_data::data_index(site)),
        Job::LocatorCell(i) => return Ok(locator_data::data_cell(site, i)),
        Job::LocatorZips(p) => return Ok(locator_data::data_zip(p)),
        Job::LocatorZip3 => return Ok(locator_data::data_zip3()),
        Job::Redirect(i) => return Ok(files::redirect_page(site, i)),
        Job::HeadersFile => return Ok(headers::headers_file(&site.config)),
        Job::Feed => return files::render_feed(site, tera),
        Job::Sitemap => return files::render_sitemap(site, tera),
        Job::Robots => return Ok(files::robots(&site.config, &site.alternates)),
        Job::RedirectsFile => return Ok(files::redirects_file(site)),
    };
    pages::finish(site, tera, page)
}
