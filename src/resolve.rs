//! Stage 3, resolve: everything that needs the whole site at once.
//!
//! Gives every page its URL and checks that no two claim the same one; checks author and
//! reviewer ids; merges topics case-insensitively by slug; turns `@/path.md#id` links into
//! URLs and checks root-relative links against the routes the build makes; renders each
//! document's Markdown with those decisions. Site paths here (`/articles/x/`) carry no
//! `base_url` sub-path: [`SiteConfig::link`] adds it when a URL is written out.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use rustc_hash::FxHashSet;

use rayon::prelude::*;

use crate::config::{self, RawHtml, SiteConfig};
use crate::diag::{Diag, Diags, Source, did_you_mean};
use crate::facility;
use crate::load::StaticFile;
use crate::markdown::{self, Heading, Scan, TocEntry};
use crate::memo::Memo;
use crate::model::{Article, Author, Page, Ref};
use crate::safe_url;
use crate::slug::slugify;
use crate::theme::Theme;
use crate::validate::Validated;

/// An article with everything resolved.
#[derive(Debug)]
pub struct ResolvedArticle {
    /// The validated article.
    pub article: Article,
    /// Site path.
    pub path: String,
    /// Body HTML with links rewritten.
    pub html: Arc<str>,
    /// Table of contents.
    pub toc: Arc<[TocEntry]>,
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
    /// Files copied as-is.
    pub statics: Vec<StaticFile>,
    /// Treatment facilities and their directory.
    pub facilities: std::sync::Arc<facility::Directory>,
    /// Menu items with site paths resolved (title, URL to print).
    pub menu: Vec<(String, String)>,
}

/// Every path the build writes, with who writes it, for clash and link checks.
#[derive(Default)]
struct Routes {
    /// Hashed with Fx rather than SipHash: the keys are the site's own paths, and this map
    /// is rebuilt on every save in `haven serve`.
    map: rustc_hash::FxHashMap<String, String>,
}

impl Routes {
    fn with_capacity(n: usize) -> Self {
        Routes {
            map: rustc_hash::FxHashMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    fn add(&mut self, path: &str, owner: &str, clash: impl FnOnce(&str) -> Diag, diags: &mut Diags) {
        match self.map.get(path) {
            Some(other) => diags.push(clash(other)),
            None => {
                self.map.insert(path.to_string(), owner.to_string());
            }
        }
    }

    /// Finds a root-relative path: `/about/`, `/about`, `/about/index.html`, `/x.png`.
    fn find<'p>(&self, path: &'p str) -> Option<Cow<'p, str>> {
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

/// Options of the resolve stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Build drafts too.
    pub drafts: bool,
}

/// A document whose Markdown is rendered here.
/// The warning for raw HTML the sanitizer removes from a document (`at`: offset in its body).
fn unsafe_html_warning(d: &DocRef<'_>, at: usize, what: &str) -> Diag {
    Diag::at(
        d.source,
        (d.body_offset + at, 1),
        format!("{what} is removed from the page"),
    )
    .help(
        "haven publishes only safe raw HTML (see \"Raw HTML\" in docs/format.md): remove it, or set \
             `markdown: { raw_html: trusted }` in site.yaml if every editor of this site is trusted",
    )
    .warning()
}

struct DocRef<'a> {
    rel: &'a str,
    source: &'a Source,
    body: &'a str,
    body_offset: usize,
}

/// What [`resolve`] computed per document, for the next build of `haven serve`
/// ([`crate::memo`]): Markdown is scanned again only when its text changed, and rendered
/// again only when its text or the URLs its links resolve to changed. Every link is still
/// resolved and checked on every build.
#[derive(Debug, Default)]
pub struct Memos {
    /// Facility files, parsed and checked (the facility module's own memo).
    facilities: facility::Memo,
    scans: Memo<Arc<Scanned>>,
    /// The HTML, with the links and the raw HTML policy it was made with.
    html: Memo<(Links, RawHtml, Arc<str>)>,
}

/// A document's Markdown scan and the table of contents made from it, once per text.
#[derive(Debug, Default)]
pub struct Scanned {
    scan: Scan,
    toc: Arc<[TocEntry]>,
}

impl Scanned {
    fn new(scan: Scan) -> Self {
        let toc = markdown::toc(&scan.headings).into();
        Scanned { scan, toc }
    }
}

/// The URLs a document's links resolved to, in order (`None`: left as written).
type Links = Vec<Option<String>>;

/// Resolves the validated site.
pub fn resolve(v: Validated, theme: Theme, opts: Options, diags: &mut Diags) -> Option<Site> {
    resolve_with(v, theme, opts, diags, &mut Memos::default())
}

/// [`resolve`], reusing and updating `memos` (the Markdown and facility ones).
pub fn resolve_with(v: Validated, theme: Theme, opts: Options, diags: &mut Diags, memos: &mut Memos) -> Option<Site> {
    let Validated {
        config,
        home,
        articles,
        pages,
        authors,
        facilities,
        statics,
        invalid,
    } = v;
    // Ids of author files that have errors of their own: no second error where they are used.
    let invalid_authors: HashSet<&str> = invalid
        .iter()
        .filter(|r| r.starts_with("authors/"))
        .map(|r| crate::load::stem(r))
        .collect();
    // Every document, its aliases, and the facility directory's pages (three or so per
    // facility: its page, its city's and its state's, and locator cells).
    let mut routes = Routes::with_capacity(
        64 + articles.len() * 2 + pages.len() * 2 + authors.len() + statics.len() + facilities.len() * 3,
    );
    // Drafts left out of this build, so a link to one can say why it fails.
    let drafts: HashSet<String> = articles
        .iter()
        .filter(|a| a.draft && !opts.drafts)
        .map(|a| a.rel.clone())
        .chain(pages.iter().filter(|p| p.draft && !opts.drafts).map(|p| p.rel.clone()))
        .collect();
    let mut articles: Vec<Article> = articles.into_iter().filter(|a| opts.drafts || !a.draft).collect();
    articles.sort_by(|a, b| {
        b.published
            .timestamp
            .cmp(&a.published.timestamp)
            .then_with(|| a.title.cmp(&b.title))
    });
    let pages: Vec<Page> = pages.into_iter().filter(|p| opts.drafts || !p.draft).collect();

    // Fixed routes first, so content that clashes with them is the one reported.
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
        routes.add(
            fixed,
            "the build itself",
            |_| Diag::error("internal route clash"),
            diags,
        );
    }
    let per_page = config.articles_per_page;
    for n in 2..=pages_count(articles.len(), per_page) {
        routes.add(
            &format!("/articles/page/{n}/"),
            "the article list",
            |_| Diag::error("internal route clash"),
            diags,
        );
    }

    // Articles.
    let mut slugs: HashMap<String, &Article> = HashMap::new();
    let mut article_paths = Vec::with_capacity(articles.len());
    for a in &articles {
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

    // Authors and their pages.
    let author_ids: HashMap<&str, usize> = authors.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let author_paths: Vec<String> = authors
        .iter()
        .map(|a| config::fill(&config.permalinks.author, &[("slug", &a.id)]))
        .collect();
    for (a, path) in authors.iter().zip(&author_paths) {
        routes.add(
            path,
            &a.source.name,
            |o| Diag::in_file(&a.source, format!("this author's URL {path} is also produced by {o}")),
            diags,
        );
    }
    let find_author = |r: &Ref, source: &Source, what: &str, diags: &mut Diags| -> Option<usize> {
        match author_ids.get(r.value.as_str()) {
            Some(i) => Some(*i),
            None if invalid_authors.contains(r.value.as_str()) => None,
            None => {
                let mut d = Diag::at(
                    source,
                    r.span,
                    format!("no {what} with id `{}` in content/authors/", r.value),
                )
                .label("unknown id");
                d = match did_you_mean(&r.value, author_ids.keys().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!(
                        "create content/authors/{}.yaml, or use one of: {}",
                        r.value,
                        sorted_keys(&author_ids)
                    )),
                };
                diags.push(d);
                None
            }
        }
    };

    // Topics, merged by slug.
    let mut topic_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut topics: Vec<Topic> = Vec::new();
    let mut article_topics = Vec::with_capacity(articles.len());
    let mut article_people = Vec::with_capacity(articles.len());
    for (i, a) in articles.iter().enumerate() {
        let author = find_author(&a.author, &a.source, "author", diags);
        let reviewer = a
            .reviewed_by
            .as_ref()
            .and_then(|r| find_author(r, &a.source, "reviewer", diags).map(Some))
            .flatten();
        article_people.push((author, reviewer));
        let mut mine = Vec::new();
        for t in &a.topics {
            let slug = slugify(&t.value);
            let idx = *topic_index.entry(slug.clone()).or_insert_with(|| {
                topics.push(Topic {
                    name: t.value.trim().to_string(),
                    path: config::fill(&config.permalinks.topic, &[("slug", &slug)]),
                    slug: slug.clone(),
                    articles: Vec::new(),
                });
                topics.len() - 1
            });
            if !mine.contains(&idx) {
                mine.push(idx);
                topics[idx].articles.push(i);
            }
        }
        article_topics.push(mine);
    }
    for t in &topics {
        routes.add(
            &t.path,
            "a topic",
            |o| Diag::error(format!("the topic page {} is also produced by {o}", t.path)).help("rename the topic"),
            diags,
        );
        for n in 2..=pages_count(t.articles.len(), per_page) {
            routes.add(
                &format!("{}page/{n}/", t.path),
                "a topic",
                |_| Diag::error("internal route clash"),
                diags,
            );
        }
    }

    // Standalone pages.
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
            let mut d = Diag::at(&p.source, t.span, format!("no template `{}` in the theme", t.value));
            let names = theme.templates.keys().map(String::as_str);
            d = match did_you_mean(&t.value, names) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("add the template to themes/<theme>/templates/, or remove `template:` to use page.html"),
            };
            diags.push(d);
        }
    }

    // Facilities (their own module; they add routes and @/ targets).
    let directory = facility::resolve_with(&config, facilities, diags, &mut memos.facilities);
    for r in &directory.routes {
        let clash = |o: &str| {
            let msg = format!("the URL {} of {} is also produced by {o}", r.path, r.owner);
            match &r.source {
                Some(s) => Diag::in_file(s, msg).help("give one of them another `slug:`"),
                None => Diag::error(msg),
            }
        };
        routes.add(&r.path, &r.owner, clash, diags);
    }

    // Static files and theme assets.
    let generated = generated_folders();
    for s in &statics {
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

    // Aliases.
    let mut redirects = Vec::new();
    let alias_owners = articles
        .iter()
        .zip(&article_paths)
        .map(|(a, p)| (&a.aliases, &a.source, p))
        .chain(
            pages
                .iter()
                .zip(&page_paths)
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

    // Menu entries must point somewhere real.
    let menu: Vec<(String, String)> = config
        .menu
        .iter()
        .map(|m| {
            let url = if m.url.starts_with('/') && !m.url.starts_with("//") {
                check_root_link(&m.url, &routes, &config, &config.source, m.span, diags)
            } else if let Some(scheme) = safe_url::script_scheme(&m.url, false) {
                diags.push(script_link(&config.source, m.span, &scheme));
                m.url.clone()
            } else {
                m.url.clone()
            };
            (m.title.clone(), url)
        })
        .collect();

    // Markdown: scan every document, then render with links resolved.
    let mut docs: Vec<DocRef<'_>> = Vec::new();
    docs.extend(articles.iter().map(|a| DocRef {
        rel: &a.rel,
        source: &a.source,
        body: a.body(),
        body_offset: a.body_offset,
    }));
    docs.extend(pages.iter().map(|p| DocRef {
        rel: &p.rel,
        source: &p.source,
        body: p.body(),
        body_offset: p.body_offset,
    }));
    docs.extend(home.iter().map(|p| DocRef {
        rel: &p.rel,
        source: &p.source,
        body: p.body(),
        body_offset: p.body_offset,
    }));
    let bios: Vec<(usize, &Author, &Ref)> = authors
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.bio.as_ref().map(|b| (i, a, b)))
        .collect();
    docs.extend(bios.iter().map(|(_, a, b)| DocRef {
        rel: &a.rel,
        source: &a.source,
        body: &a.source.text[b.span.0..b.span.0 + b.span.1],
        body_offset: b.span.0,
    }));
    let md = memos;
    let scan_memo = &md.scans;
    let scanned: Vec<(Arc<Scanned>, bool)> = docs
        .par_iter()
        .map(|d| match scan_memo.get(d.rel, &d.source.text) {
            Some(s) => (s, false),
            None => (Arc::new(Scanned::new(markdown::scan(d.body))), true),
        })
        .collect();
    let mut scans = Vec::with_capacity(scanned.len());
    for (d, (scan, fresh)) in docs.iter().zip(scanned) {
        if fresh {
            md.scans.put(d.rel, &d.source.text, Arc::clone(&scan));
        }
        scans.push(scan);
    }

    // Borrowed, not copied: this map is rebuilt on every save in `haven serve`.
    let mut targets: Targets<'_> = HashMap::with_capacity(docs.len() + directory.facilities.len());
    for (i, a) in articles.iter().enumerate() {
        targets.insert(&a.rel, (&article_paths[i], Some(heading_set(&scans[i].scan.headings))));
    }
    for (j, p) in pages.iter().enumerate() {
        let headings = heading_set(&scans[articles.len() + j].scan.headings);
        targets.insert(&p.rel, (&page_paths[j], Some(headings)));
    }
    if let Some(h) = &home {
        let headings = heading_set(&scans[articles.len() + pages.len()].scan.headings);
        targets.insert(&h.rel, ("/", Some(headings)));
    }
    for f in &directory.facilities {
        targets.insert(&f.rel, (&f.path, None));
    }
    let ctx = LinkCtx {
        config: &config,
        routes: &routes,
        targets: &targets,
        drafts: &drafts,
        invalid: &invalid,
    };
    let html_memo = &md.html;
    let rendered: Vec<(Arc<str>, Vec<Diag>, Option<Links>)> = docs
        .par_iter()
        .zip(scans.par_iter())
        .map(|(d, scanned)| {
            let scan = &scanned.scan;
            let mut errs = Vec::new();
            let own = heading_set(&scan.headings);
            let links: Vec<Option<String>> = scan.links.iter().map(|l| ctx.resolve(d, &own, l, &mut errs)).collect();
            let policy = config.raw_html;
            if policy == RawHtml::Sanitized {
                errs.extend(
                    scan.unsafe_html
                        .iter()
                        .map(|(at, what)| unsafe_html_warning(d, *at, what)),
                );
            }
            match html_memo.get(d.rel, &d.source.text) {
                Some((l, p, h)) if l == links && p == policy => (h, errs, None),
                _ => {
                    let mut html = markdown::render(d.body, &scan.headings, &links);
                    if scan.raw_html && policy == RawHtml::Sanitized {
                        html = crate::sanitize::clean(&html);
                    }
                    (Arc::from(html), errs, Some(links))
                }
            }
        })
        .collect();
    let mut html: Vec<Arc<str>> = Vec::with_capacity(rendered.len());
    for (d, (h, errs, fresh)) in docs.iter().zip(rendered) {
        diags.extend(errs);
        if let Some(links) = fresh {
            md.html
                .put(d.rel, &d.source.text, (links, config.raw_html, Arc::clone(&h)));
        }
        html.push(h);
    }

    // Photos must exist under content/static/ (checked before giving up, so that these
    // errors come in the same run as the link errors).
    for a in &authors {
        if let Some(p) = &a.photo
            && routes.find(&p.value).is_none()
        {
            diags.push(
                Diag::at(&a.source, p.span, format!("the photo {} does not exist", p.value))
                    .help(format!("put the image at content/static{}", p.value)),
            );
        }
    }
    if diags.has_errors() {
        return None;
    }

    // Assemble.
    let mut html = html.into_iter();
    let mut scans = scans.into_iter();
    let mut out_articles = Vec::with_capacity(articles.len());
    for (i, a) in articles.into_iter().enumerate() {
        let (h, s) = (html.next().unwrap_or_default(), scans.next().unwrap_or_default());
        let (author, reviewer) = article_people[i];
        out_articles.push(ResolvedArticle {
            description: a
                .description
                .clone()
                .unwrap_or_else(|| markdown::cut(&s.scan.first_paragraph, 160)),
            toc: Arc::clone(&s.toc),
            words: s.scan.words,
            html: h,
            path: article_paths[i].clone(),
            author: author.unwrap_or(0),
            reviewer,
            topics: article_topics[i].clone(),
            article: a,
        });
    }
    let mut take_page = |p: Page, path: String| {
        let (h, s) = (html.next().unwrap_or_default(), scans.next().unwrap_or_default());
        ResolvedPage {
            description: p
                .description
                .clone()
                .unwrap_or_else(|| markdown::cut(&s.scan.first_paragraph, 160)),
            toc: Arc::clone(&s.toc),
            html: h,
            path,
            page: p,
        }
    };
    let out_pages: Vec<ResolvedPage> = pages
        .into_iter()
        .zip(page_paths)
        .map(|(p, path)| take_page(p, path))
        .collect();
    let out_home = home.map(|p| take_page(p, "/".into()));
    let mut bio_html: HashMap<usize, String> = bios
        .iter()
        .map(|(i, _, _)| (*i, html.next().unwrap_or_default().to_string()))
        .collect();
    let mut out_authors: Vec<ResolvedAuthor> = authors
        .into_iter()
        .zip(author_paths)
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
    for (i, a) in out_articles.iter().enumerate() {
        if let Some(au) = out_authors.get_mut(a.author) {
            au.articles.push(i);
        }
        if let Some(r) = a.reviewer.and_then(|r| out_authors.get_mut(r)) {
            r.reviewed.push(i);
        }
    }
    let topics = sort_topics(topics, &mut out_articles);
    Some(Site {
        config,
        theme,
        home: out_home,
        articles: out_articles,
        pages: out_pages,
        authors: out_authors,
        topics,
        redirects,
        statics,
        facilities: directory,
        menu,
    })
}

/// The folders the build writes whole, with what is in them: the search index (its
/// files are named by the build) and the locator's data.
fn generated_folders() -> [(String, &'static str); 2] {
    [
        (format!("/{}/", crate::paths::BUNDLE_DIR), "the search index"),
        (crate::paths::LOCATOR_DATA.to_string(), "the treatment locator's data"),
    ]
}

/// Sorts topics by name and renumbers the articles' topic indexes to match.
fn sort_topics(topics: Vec<Topic>, articles: &mut [ResolvedArticle]) -> Vec<Topic> {
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

/// Number of list pages for `n` items (at least one page).
pub fn pages_count(n: usize, per_page: usize) -> usize {
    n.div_ceil(per_page.max(1)).max(1)
}

/// `pages/about.md` -> `/about/`, `pages/legal/privacy.md` -> `/legal/privacy/`,
/// `pages/legal/index.md` -> `/legal/`.
pub fn page_path(rel: &str) -> String {
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

fn sorted_keys(m: &HashMap<&str, usize>) -> String {
    let mut k: Vec<_> = m.keys().copied().collect();
    k.sort_unstable();
    k.join(", ")
}

/// Link targets by file (`articles/x.md`): the site path, and the heading ids (`None`
/// for a facility, which has no Markdown headings).
type Targets<'a> = HashMap<&'a str, (&'a str, Option<FxHashSet<&'a str>>)>;

/// The heading ids of a document.
fn heading_set(headings: &[Heading]) -> FxHashSet<&str> {
    headings.iter().map(|h| h.id.as_str()).collect()
}

struct LinkCtx<'a> {
    config: &'a SiteConfig,
    routes: &'a Routes,
    targets: &'a Targets<'a>,
    drafts: &'a HashSet<String>,
    /// Files with errors of their own: links to them are not reported again.
    invalid: &'a HashSet<String>,
}

impl LinkCtx<'_> {
    /// What a link becomes; `None` keeps it as written.
    fn resolve(
        &self,
        d: &DocRef<'_>,
        own: &FxHashSet<&str>,
        l: &markdown::LinkRef,
        errs: &mut Vec<Diag>,
    ) -> Option<String> {
        let span = (d.body_offset + l.span.0, l.span.1);
        if let Some(scheme) = safe_url::script_scheme(&l.dest, l.image) {
            errs.push(script_link(d.source, span, &scheme));
            return None;
        }
        if let Some(target) = l.dest.strip_prefix("@/") {
            let (file, frag) = split_fragment(target);
            if self.invalid.contains(file) {
                return None;
            }
            let Some((path, headings)) = self.targets.get(file) else {
                let d = if self.drafts.contains(file) {
                    Diag::at(
                        d.source,
                        span,
                        format!("link to @/{file}, which is a draft and is not built"),
                    )
                    .help("publish it (remove `draft: true`), or remove this link until it is published")
                } else {
                    let others = self.targets.keys().copied().filter(|k| *k != d.rel);
                    let hint = match did_you_mean(file, others) {
                        Some(s) => format!("did you mean `@/{s}`?"),
                        None => "link with the file's path under content/, such as @/articles/naloxone.md".into(),
                    };
                    Diag::at(d.source, span, format!("link to @/{file}, which does not exist")).help(hint)
                };
                errs.push(d.label("broken link"));
                return None;
            };
            if let Some(frag) = frag {
                let ok = headings.as_ref().is_some_and(|h| h.contains(frag));
                if !ok {
                    let hint = match headings.as_ref().and_then(|h| did_you_mean(frag, h.iter().copied())) {
                        Some(s) => format!("did you mean `#{s}`?"),
                        None => "link to a heading id of that page: its text in lower case with hyphens".into(),
                    };
                    errs.push(
                        Diag::at(d.source, span, format!("@/{file} has no heading with id `{frag}`"))
                            .label("broken fragment")
                            .help(hint),
                    );
                    return None;
                }
                return Some(format!("{}#{frag}", self.config.link(path)));
            }
            return Some(self.config.link(path));
        }
        if let Some(frag) = l.dest.strip_prefix('#') {
            if !frag.is_empty() && !own.contains(frag) && !d.rel.starts_with("authors/") {
                let hint = match did_you_mean(frag, own.iter().copied()) {
                    Some(s) => format!("did you mean `#{s}`?"),
                    None => "link to a heading id of this page".into(),
                };
                errs.push(
                    Diag::at(d.source, span, format!("this page has no heading with id `{frag}`"))
                        .label("broken fragment")
                        .help(hint),
                );
            }
            return None;
        }
        if l.dest.starts_with('/') && !l.dest.starts_with("//") {
            let mut local = Vec::new();
            let mut diags = Diags::new();
            let url = check_root_link(&l.dest, self.routes, self.config, d.source, span, &mut diags);
            local.extend(diags.into_sorted());
            errs.extend(local);
            return Some(url);
        }
        None
    }
}

/// A link that would run script when followed.
fn script_link(source: &Source, span: (usize, usize), scheme: &str) -> Diag {
    Diag::at(
        source,
        span,
        format!("a `{scheme}:` URL would run code in the reader's browser"),
    )
    .label("refused link")
    .help("link to an https:// address or a page of the site; haven never publishes script links")
}

fn split_fragment(s: &str) -> (&str, Option<&str>) {
    match s.split_once('#') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    }
}

/// Checks a root-relative URL against the routes and returns it with the base path.
fn check_root_link(
    url: &str,
    routes: &Routes,
    config: &SiteConfig,
    source: &Source,
    span: (usize, usize),
    diags: &mut Diags,
) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let (path, rest) = url.split_at(end);
    let decoded = percent_decode(path);
    match routes.find(&decoded) {
        Some(found) => {
            let to = if found == decoded { path } else { &found };
            format!("{}{}{rest}", config.base_path, to.trim_start_matches('/'))
        }
        None => {
            let mut d = Diag::at(source, span, format!("{path} does not exist in the built site")).label("broken link");
            // Never the page the link is on: "did you mean" the page itself helps nobody.
            let keys = routes
                .map
                .iter()
                .filter(|(_, owner)| **owner != source.name)
                .map(|(k, _)| k.as_str());
            d = match did_you_mean(&decoded, keys) {
                Some(s) => d.help(format!("did you mean {s}? Images and files go in content/static/")),
                None => d.help("link to a page the build makes, or put the file in content/static/ (/images/x.png is content/static/images/x.png)"),
            };
            diags.push(d);
            config.link(path)
        }
    }
}

/// `%XX` escapes decoded (the percent-encoding crate, as serve uses); invalid UTF-8 keeps
/// the text as written.
fn percent_decode(s: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap_or(Cow::Borrowed(s))
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

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/a%20b/"), "/a b/");
        assert_eq!(percent_decode("/a%2"), "/a%2");
    }
}
