//! Stage 3, resolve: everything that needs the whole site at once.
//!
//! Gives every page its URL and checks that no two claim the same one; checks author and
//! reviewer ids; merges topics case-insensitively by slug; turns `@/path.md#id` links into
//! URLs and checks root-relative links against the routes the build makes; renders each
//! document's Markdown with those decisions. Site paths here (`/articles/x/`) carry no
//! `base_url` sub-path: [`SiteConfig::link`] adds it when a URL is written out.
//!
//! [`resolve_with`] reads as the list of its steps; each concern is a file of its own:
//! `documents` (what is published, article and page URLs), `routes` (the route table,
//! fixed routes, static files, aliases), `people` (authors and topics), `facilities`,
//! `links` (`@/` links, fragments, root-relative links, the menu), `bodies` (Markdown
//! scanned and rendered) and `assemble` (the [`Site`], defined in `site`).
//!
//! [`SiteConfig::link`]: crate::config::SiteConfig::link

mod assemble;
mod bodies;
mod documents;
mod facilities;
mod links;
mod people;
mod routes;
mod site;

pub use documents::Options;
pub use routes::page_path;
pub use site::{Elsewhere, Redirect, ResolvedArticle, ResolvedAuthor, ResolvedPage, Site, Topic, pages_count};

use crate::diag::Diags;
use crate::facility;
use crate::images::Pictures;
use crate::theme::Theme;
use crate::validate::Validated;

use links::LinkCtx;
use routes::Routes;

/// What [`resolve`] computed per document, for the next build of `haven serve`
/// ([`crate::memo`]): Markdown is scanned again only when its text changed, and rendered
/// again only when its text or the URLs its links resolve to changed. Every link is still
/// resolved and checked on every build.
#[derive(Debug, Default)]
pub struct Memos {
    /// Facility files, parsed and checked (the facility module's own memo).
    facilities: facility::Memo,
    /// Markdown scans and renders.
    bodies: bodies::Memos,
    /// What the other languages may link to, from a build that stopped at errors (so that
    /// their links are still checked in the same run, without errors that only echo these).
    pub failed_links: std::sync::Arc<Elsewhere>,
}

/// Resolves the validated site.
pub fn resolve(v: Validated, theme: Theme, opts: Options, diags: &mut Diags) -> Option<Site> {
    let pictures = Pictures::default();
    resolve_with(
        v,
        theme,
        opts,
        &Elsewhere::default(),
        &pictures,
        diags,
        &mut Memos::default(),
    )
}

/// [`resolve`], reusing and updating `memos` (the Markdown and facility ones). An added
/// language's site gets the default language's documents in `elsewhere`, so that its `@/`
/// links may name a page that has no translation. `pictures` are the processed images
/// ([`crate::images::process`]) that the bodies' images become.
pub fn resolve_with(
    v: Validated,
    theme: Theme,
    opts: Options,
    elsewhere: &Elsewhere,
    pictures: &Pictures,
    diags: &mut Diags,
    memos: &mut Memos,
) -> Option<Site> {
    let mut routes = Routes::for_site(&v);
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
    let drafts = documents::left_out(&articles, &pages, opts);
    let articles = documents::published_articles(articles, opts);
    let pages = documents::published_pages(pages, opts);
    let per_page = config.articles_per_page;

    routes::add_fixed(&mut routes, articles.len(), per_page, diags);
    let article_paths = documents::article_paths(&articles, &config, &mut routes, diags);
    let people = people::Authors::new(&authors, &invalid, &config, &mut routes, diags);
    let bylines = people::bylines(&articles, &people, &config, diags);
    people::topic_routes(&bylines.all_topics, per_page, &mut routes, diags);
    let page_paths = documents::page_paths(&pages, &theme, &mut routes, diags);
    let directory = facilities::directory(&config, &facilities, &mut memos.facilities, &mut routes, diags);
    routes::add_files(&mut routes, &statics, &theme, diags);
    let redirects = routes::aliases(&mut routes, &articles, &article_paths, &pages, &page_paths, diags);
    let menu = links::menu(&config, &routes, elsewhere, diags);

    let docs = bodies::documents(&articles, &pages, home.as_ref(), &authors);
    let scans = bodies::scan(&docs, &mut memos.bodies);
    let paths = bodies::paths(&article_paths, &page_paths, home.is_some());
    let targets = bodies::targets(&docs, &paths, &scans, &directory);
    let ctx = LinkCtx {
        config: &config,
        routes: &routes,
        targets: &targets,
        drafts: &drafts,
        invalid: &invalid,
        elsewhere,
    };
    let engine = bodies::engine(&scans, &theme, &config, &directory, diags);
    // `context`: the fingerprint of what the links were resolved against.
    let (html, context) = bodies::render(&docs, &scans, &ctx, engine.as_ref(), pictures, &mut memos.bodies, diags);
    drop(engine);
    // Before giving up at errors: the other languages' links are checked against it anyway.
    let link_targets = bodies::elsewhere(&config, &targets, &routes, context, &mut memos.bodies);
    // Checked before giving up, so that these errors come in the same run as the link errors.
    people::check_photos(&authors, &routes, diags);
    if diags.has_errors() {
        memos.failed_links = link_targets;
        return None;
    }
    let author_paths = people.paths;
    Some(assemble::site(assemble::Parts {
        config,
        theme,
        home,
        articles,
        article_paths,
        bylines,
        pages,
        page_paths,
        authors,
        author_paths,
        html,
        scans,
        redirects,
        statics,
        directory,
        menu,
        link_targets,
    }))
}
