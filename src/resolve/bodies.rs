//! Markdown bodies (articles, pages, the home page, author bios): every body is scanned
//! (headings, links, raw HTML), then rendered to HTML with its links resolved, both in
//! parallel. Raw HTML the sanitizer removes is a warning at its place. In `haven serve`
//! a body is scanned again only when its text changed; its links are resolved again only
//! when its text or what links are resolved against changed (`LinkCtx::fingerprint`: the
//! routes, the `@/` targets and their headings, the settings), their problems otherwise
//! reported again from the memo; and it is rendered again only when its text, its links'
//! URLs, its images or the raw HTML policy changed ([`Memos`]).

use std::borrow::Cow;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::components::{self, Engine, Prepared};
use crate::config::{RawHtml, SiteConfig};
use crate::diag::{Diag, Diags};
use crate::facility::Directory;
use crate::images::{self, Pictures};
use crate::markdown::{self, LinkRef, Scan, TocEntry};
use crate::memo::Memo;
use crate::model::{Article, Author, Page};
use crate::theme::Theme;

use super::links::{DocRef, LinkCtx, Targets, heading_set};
use super::routes::Routes;
use super::site::Elsewhere;

/// The scans and renders of the last build, by document.
#[derive(Debug, Default)]
pub(super) struct Memos {
    scans: Memo<Arc<Scanned>>,
    /// The HTML, with the links, images and raw HTML policy it was made with.
    html: Memo<Arc<Done>>,
    /// The last [`elsewhere`] made, with the link fingerprint it was made at.
    elsewhere: Option<(u128, Arc<Elsewhere>)>,
}

/// What rendering one document made: its links' URLs and the problems found resolving
/// them (with the [`LinkCtx::fingerprint`] they were resolved against, so that they are
/// used again only against the same routes, targets and settings), and its HTML with the
/// images and raw HTML policy it was made with.
#[derive(Debug)]
pub(super) struct Done {
    context: u128,
    links: Links,
    link_errs: Vec<Diag>,
    images: Images,
    policy: RawHtml,
    html: Arc<str>,
}

/// A document's Markdown scan and the table of contents made from it, once per text.
#[derive(Debug, Default)]
pub(super) struct Scanned {
    pub(super) scan: Scan,
    /// The body's plain text (taken out of the scan), shared with the search index.
    pub(super) text: Arc<markdown::PlainText>,
    pub(super) toc: Arc<[TocEntry]>,
    /// The body with its component calls replaced by markers, when it has calls.
    pub(super) components: Option<Prepared>,
}

impl Scanned {
    /// The scan of `body`, read with its component calls replaced by markers (offsets in
    /// the scan stay the body's).
    fn new(body: &str) -> Self {
        let components = components::prepare(body);
        let mut scan = match &components {
            Some(p) => {
                let mut scan = markdown::scan(&p.text);
                p.restore_offsets(&mut scan);
                scan
            }
            None => markdown::scan(body),
        };
        let scanned = std::mem::take(&mut scan.text);
        // The index reads a body as written, component calls and all.
        let text = if components.is_some() {
            markdown::plain_text(body)
        } else {
            scanned
        };
        let toc = markdown::toc(&scan.headings).into();
        Scanned {
            scan,
            text: Arc::new(text),
            toc,
            components,
        }
    }
}

/// The URLs a document's links resolved to, in order (`None`: left as written).
type Links = Vec<Option<String>>;

/// The HTML of each of a document's images, by link index (`None`: a link, or an image
/// written as Markdown does).
type Images = Vec<Option<String>>;

/// An image is on the first screen (loaded at once, not lazily) when it is the first of
/// its document and fewer words than this come before it: about what a phone shows above
/// the fold under a page's title (docs/images.md).
const FIRST_SCREEN_WORDS: usize = 40;

/// Every body, in the order the site is assembled: articles, pages, the home page, then
/// the bios of the authors that have one.
pub(super) fn documents<'a>(
    articles: &'a [Arc<Article>],
    pages: &'a [Page],
    home: Option<&'a Page>,
    authors: &'a [Author],
) -> Vec<DocRef<'a>> {
    let page = |p: &'a Page| DocRef {
        rel: &p.rel,
        source: &p.source,
        body: p.body(),
        body_offset: p.body_offset,
    };
    let mut docs: Vec<DocRef<'_>> = Vec::new();
    docs.extend(articles.iter().map(|a| DocRef {
        rel: &a.rel,
        source: &a.source,
        body: a.body(),
        body_offset: a.body_offset,
    }));
    docs.extend(pages.iter().map(page));
    docs.extend(home.into_iter().map(page));
    docs.extend(authors.iter().filter_map(|a| {
        let b = a.bio.as_ref()?;
        Some(DocRef {
            rel: &a.rel,
            source: &a.source,
            body: &a.source.text[b.span.0..b.span.0 + b.span.1],
            body_offset: b.span.0,
        })
    }));
    docs
}

/// Scans every document (in parallel), or takes the scan of the same text from `memos`.
pub(super) fn scan(docs: &[DocRef<'_>], memos: &mut Memos) -> Vec<Arc<Scanned>> {
    let scan_memo = &memos.scans;
    let scanned: Vec<(Arc<Scanned>, bool)> = docs
        .par_iter()
        .map(|d| match scan_memo.get(d.rel, &d.source.text) {
            Some(s) => (s, false),
            None => (Arc::new(Scanned::new(d.body)), true),
        })
        .collect();
    let mut scans = Vec::with_capacity(scanned.len());
    for (d, (scan, fresh)) in docs.iter().zip(scanned) {
        if fresh {
            memos.scans.put(d.rel, &d.source.text, Arc::clone(&scan));
        }
        scans.push(scan);
    }
    scans
}

/// The site paths of the documents an `@/` link may name, in the order of [`documents`]:
/// articles, pages, then the home page if there is one.
pub(super) fn paths<'a>(articles: &'a [String], pages: &'a [String], home: bool) -> Vec<&'a str> {
    articles
        .iter()
        .chain(pages)
        .map(String::as_str)
        .chain(home.then_some("/"))
        .collect()
}

/// What an `@/` link may name: articles, pages and the home page (with their headings, in
/// the order of [`documents`]) and facilities.
pub(super) fn targets<'a>(
    docs: &[DocRef<'a>],
    paths: &[&'a str],
    scans: &'a [Arc<Scanned>],
    directory: &'a Directory,
) -> Targets<'a> {
    // Borrowed, not copied: this map is rebuilt on every save in `haven serve`.
    let mut targets: Targets<'_> =
        FxHashMap::with_capacity_and_hasher(docs.len() + directory.facilities.len(), Default::default());
    for ((d, path), s) in docs.iter().zip(paths).zip(scans) {
        targets.insert(d.rel, (path, Some(&s.scan.headings)));
    }
    for f in &directory.facilities {
        targets.insert(&f.rel, (&f.path, None));
    }
    targets
}

/// What the other languages' `@/` links may name on this site (only for the default
/// language of a site that has others).
pub(super) fn elsewhere(
    config: &SiteConfig,
    targets: &Targets<'_>,
    routes: &Routes,
    context: u128,
    memos: &mut Memos,
) -> Arc<Elsewhere> {
    if config.languages.is_empty() || !config.lang_prefix.is_empty() {
        return Arc::default();
    }
    // `context` covers everything read here (the settings, every target and its headings,
    // every route): while it is the same, so is this. Copying every route and heading id
    // again was a quarter of a bilingual site's resolve on each save of `haven serve`.
    if let Some((print, kept)) = &memos.elsewhere
        && *print == context
    {
        return Arc::clone(kept);
    }
    let docs = targets
        .iter()
        .filter_map(|(rel, (path, headings))| {
            let ids = headings.as_ref()?.iter().map(|h| h.id.clone()).collect();
            Some((rel.to_string(), (config.link(path), ids)))
        })
        .collect();
    let made = Arc::new(Elsewhere {
        docs,
        routes: routes.map.keys().cloned().collect(),
        print: context,
    });
    memos.elsewhere = Some((context, Arc::clone(&made)));
    made
}

/// Every document's HTML (in parallel), its links resolved and its problems in `diags`.
/// The components, made only when a body calls one (their errors in `diags`).
pub(super) fn engine<'a>(
    scans: &[Arc<Scanned>],
    theme: &Theme,
    config: &'a SiteConfig,
    directory: &'a Directory,
    diags: &mut Diags,
) -> Option<Engine<'a>> {
    if scans.iter().all(|s| s.components.is_none()) {
        return None;
    }
    Engine::new(theme, config, directory).map_err(|d| diags.push(d)).ok()
}

/// Every document's HTML (in parallel), its links resolved, its component calls filled in
/// by `engine`, and its problems in `diags`; with the [`LinkCtx::fingerprint`] they were resolved at.
pub(super) fn render(
    docs: &[DocRef<'_>],
    scans: &[Arc<Scanned>],
    ctx: &LinkCtx<'_>,
    engine: Option<&Engine<'_>>,
    pictures: &Pictures,
    memos: &mut Memos,
    diags: &mut Diags,
) -> (Vec<Arc<str>>, u128) {
    let html_memo = &memos.html;
    // Every link is checked on every build, but a document's links are resolved again only
    // when its text or what they are resolved against changed.
    let context = ctx.fingerprint();
    let rendered: Vec<Rendered> = docs
        .par_iter()
        .zip(scans.par_iter())
        .map(|(d, scanned)| {
            let (html, mut errs, fresh) = render_one(d, scanned, ctx, context, pictures, html_memo);
            // Filled on every build (the memo keeps the HTML with markers): a component or
            // a facility it shows may have changed while the body did not.
            let page = match (&scanned.components, engine) {
                (Some(p), Some(engine)) => match engine.fill(&html, p) {
                    Ok(filled) => Arc::from(filled),
                    Err(problems) => {
                        errs.extend(problems.into_iter().map(|(span, message, help)| {
                            Diag::at(d.source, (d.body_offset + span.0, span.1), message).help(help)
                        }));
                        Arc::clone(&html)
                    }
                },
                _ => html,
            };
            (page, errs, fresh)
        })
        .collect();
    let mut html: Vec<Arc<str>> = Vec::with_capacity(rendered.len());
    for (d, (page, errs, fresh)) in docs.iter().zip(rendered) {
        diags.extend(errs);
        if let Some(done) = fresh {
            memos.html.put(d.rel, &d.source.text, done);
        }
        html.push(page);
    }
    (html, context)
}

/// A document's HTML for the page, its problems, and what the memo is to keep of it when
/// anything was made afresh.
type Rendered = (Arc<str>, Vec<Diag>, Option<Arc<Done>>);

/// One document's HTML and problems, and what the memo is to keep when its links were
/// resolved or its HTML made afresh. `context` is `ctx`'s [`LinkCtx::fingerprint`].
fn render_one(
    d: &DocRef<'_>,
    scanned: &Scanned,
    ctx: &LinkCtx<'_>,
    context: u128,
    pictures: &Pictures,
    html_memo: &Memo<Arc<Done>>,
) -> (Arc<str>, Vec<Diag>, Option<Arc<Done>>) {
    let scan = &scanned.scan;
    let kept = html_memo.get(d.rel, &d.source.text);
    let resolved = kept.as_ref().filter(|k| k.context == context);
    let (links, link_errs): (Cow<'_, Links>, Cow<'_, [Diag]>) = match resolved {
        Some(k) => (Cow::Borrowed(&k.links), Cow::Borrowed(&k.link_errs)),
        None => {
            let own = heading_set(&scan.headings);
            let mut errs = Vec::new();
            let links: Links = scan.links.iter().map(|l| ctx.resolve(d, &own, l, &mut errs)).collect();
            (Cow::Owned(links), Cow::Owned(errs))
        }
    };
    let fresh_links = resolved.is_none();
    let mut errs = link_errs.to_vec();
    let images = image_html(d, &scan.links, &links, ctx, pictures, &mut errs);
    errs.extend(scan.raw_images.iter().filter_map(|i| raw_image(d, i, pictures)));
    let policy = ctx.config.raw_html;
    if policy == RawHtml::Sanitized {
        errs.extend(
            scan.unsafe_html
                .iter()
                .map(|(at, what)| unsafe_html_warning(d, *at, what)),
        );
    }
    let same_html = kept
        .as_ref()
        .filter(|k| k.links == *links && k.images == images && k.policy == policy);
    let html = match same_html {
        Some(k) if !fresh_links => return (Arc::clone(&k.html), errs, None),
        Some(k) => Arc::clone(&k.html),
        None => {
            let text = scanned.components.as_ref().map_or(d.body, |p| p.text.as_str());
            let image = |at: usize, _alt: &str| images.get(at).cloned().flatten();
            let mut html = markdown::render_with_images(text, &scan.headings, &links, &image);
            if scan.raw_html && policy == RawHtml::Sanitized {
                html = match scanned.components {
                    Some(_) => components::sanitize_between_markers(&html, crate::sanitize::clean),
                    None => crate::sanitize::clean(&html),
                };
            }
            Arc::from(html)
        }
    };
    let done = Done {
        context,
        links: links.into_owned(),
        link_errs: link_errs.into_owned(),
        images,
        policy,
        html: Arc::clone(&html),
    };
    (html, errs, Some(Arc::new(done)))
}

/// What each image of a document becomes: a processed one its `<picture>`, a decorative
/// one (`![""](x.svg)`) an `<img alt="">`; an image with no alt text is an error.
fn image_html(
    d: &DocRef<'_>,
    refs: &[LinkRef],
    links: &[Option<String>],
    ctx: &LinkCtx<'_>,
    pictures: &Pictures,
    errs: &mut Vec<Diag>,
) -> Images {
    let mut first = true;
    let link = |p: &str| ctx.config.asset_link(p);
    refs.iter()
        .zip(links)
        .map(|(l, url)| {
            let alt = l.alt.as_deref()?;
            let first_screen = std::mem::take(&mut first) && l.words_before < FIRST_SCREEN_WORDS;
            let decorative = is_decorative(alt);
            if alt.trim().is_empty() {
                errs.push(no_alt(d, l));
            }
            let alt = if decorative { "" } else { alt };
            let local = l.dest.starts_with('/') && !l.dest.starts_with("//");
            if is_remote(&l.dest) {
                errs.push(remote_image(d, l));
            }
            if let Some(p) = pictures.get(&l.dest).filter(|_| local) {
                return Some(p.html(alt, images::BODY_SIZES, first_screen, &link));
            }
            decorative.then(|| {
                let src = url.as_deref().unwrap_or(&l.dest);
                format!(
                    r#"<img src="{}" alt="">"#,
                    src.replace('&', "&amp;").replace('"', "&quot;")
                )
            })
        })
        .collect()
}

/// `![""](x.png)`: the format's mark of an image that is only decoration (the quotes come
/// through smart punctuation as curly ones).
fn is_decorative(alt: &str) -> bool {
    matches!(alt.trim(), "\"\"" | "\u{201c}\u{201d}" | "''" | "\u{2018}\u{2019}")
}

/// A problem at the Markdown of an image.
fn at_image(d: &DocRef<'_>, l: &LinkRef, message: String) -> Diag {
    Diag::at(d.source, (d.body_offset + l.span.0, l.span.1), message)
}

/// The error for an image with no alt text.
fn no_alt(d: &DocRef<'_>, l: &LinkRef) -> Diag {
    at_image(d, l, format!("the image {} has no alt text", l.dest))
        .label("no alt text")
        .help(
            "say in a few words what the image shows, for readers who cannot see it: \
         `![A volunteer hands out naloxone kits](/images/kits.jpg)`; an image that is only \
         decoration is written `![\"\"](/images/x.png)`",
        )
}

/// An `<img>` written in raw HTML: with no `alt` an error, as for a Markdown image; a JPEG
/// or PNG of the site a warning, since only Markdown images get the resized copies.
fn raw_image(d: &DocRef<'_>, i: &crate::sanitize::RawImage, pictures: &Pictures) -> Option<Diag> {
    let at = (d.body_offset + i.offset, 4);
    let markdown = format!("![{}]({})", i.alt.as_deref().unwrap_or("what it shows"), i.src);
    if i.alt.is_none() {
        let d = Diag::at(d.source, at, format!("the image {} has no alt text", i.src))
            .label("no alt attribute")
            .help(format!(
                "write it in Markdown, `{markdown}`, saying in a few words what the image shows (it is then \
                 also resized for phones), or add `alt=\"...\"`; `alt=\"\"` marks decoration"
            ));
        return Some(d);
    }
    let processed = i.src.starts_with('/') && pictures.get(&i.src).is_some();
    processed.then(|| {
        Diag::at(
            d.source,
            at,
            format!("the image {} is sent to phones at full size", i.src),
        )
        .label("an <img> in raw HTML")
        .help(format!(
            "only Markdown images get the resized copies, width and height: write `{markdown}`"
        ))
        .warning()
    })
}

/// Whether an image's address is on another host (`https://…`, `http://…`, `//…`).
fn is_remote(dest: &str) -> bool {
    let lower = dest.trim_start().get(..8).unwrap_or(dest).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("//")
}

/// The warning for an image from another site: the site's own Content-Security-Policy
/// (`img-src 'self' data:`) blocks it, and every reader's browser would ask that site.
fn remote_image(d: &DocRef<'_>, l: &LinkRef) -> Diag {
    at_image(
        d,
        l,
        format!("the image {} is on another site: readers will not see it", l.dest),
    )
    .label("an image from another site")
    .help(
        "the site's Content-Security-Policy (in _headers) lets pages show only the site's own images, \
         and loading it would tell that site who reads the page: save it (with permission) in \
         content/static/images/ and write `![...](/images/name.jpg)`; haven then also resizes it for phones",
    )
    .warning()
}

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
