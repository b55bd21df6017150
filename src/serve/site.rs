//! The serve-mode build: the whole pipeline once, then only what a change touches.
//!
//! [`Builder`] keeps the last good build (its [`Prepared`] site and every output, in
//! memory) and the changes seen since. A rebuild picks the cheapest plan that is still
//! correct, from the pipeline's own data ([`deps`](super::deps)):
//!
//! - content (articles, pages, home, facilities): the site is prepared again (load,
//!   validate, resolve: every check still runs) and compared with the last good one; only
//!   the jobs whose data changed are rendered;
//! - theme templates: the theme is reloaded on the existing site and only the jobs whose
//!   template includes or extends a changed template are rendered;
//! - theme components (`components/`): built as a content edit, since they are rendered
//!   into the bodies: only the pages whose body calls the edited component are rendered;
//! - theme assets: every page is rendered again (their hashed names are in every page);
//!   a CSS-only change is announced as a stylesheet swap rather than a reload;
//! - a changed static file is read alone;
//! - `site.yaml`, authors, files appearing or vanishing, or anything unrecognised: the full
//!   pipeline again (in memory).
//!
//! A failed build changes nothing here: the last good site stays, and the changes stay
//! pending so the next build after the fix covers them too.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use rayon::prelude::*;

use super::shared::ServedFile;
use super::{deps, http};
use crate::diag::Source;
use crate::diag::{Diag, Diags};
use crate::load::{self, Doc, Loaded};
use crate::pipeline::Memos;
use crate::pipeline::{self, BuildOptions, Prepared};
use crate::render::{self, Output};
use crate::{config, images, theme};

/// What changed on disk, as far as the build cares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Something that needs the whole pipeline again.
    pub full: bool,
    /// Articles, pages, the home page or facilities.
    pub content: bool,
    /// The site's theme (templates or assets).
    pub theme: bool,
    /// Static files, as paths under `content/static/`.
    pub statics: BTreeSet<String>,
    /// Changed content files (with `content`), as paths under `content/`.
    pub files: BTreeSet<String>,
}

impl Changes {
    /// A full build.
    pub fn full() -> Self {
        Changes {
            full: true,
            ..Changes::default()
        }
    }

    /// Whether nothing relevant changed.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// Adds `other` to these changes.
    pub fn merge(&mut self, other: Changes) {
        self.full |= other.full;
        self.content |= other.content;
        self.theme |= other.theme;
        self.statics.extend(other.statics);
        self.files.extend(other.files);
    }
}

/// What the browser should do after a build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing served changed.
    Nothing,
    /// Reload the page.
    Reload,
    /// Only stylesheets changed: swap `<link href>` from old to new (site paths).
    Css(Vec<(String, String)>),
}

/// The result of one build.
#[derive(Debug)]
pub enum Outcome {
    /// The build succeeded and is ready to serve.
    Built {
        /// Outputs rendered (or files read) by this build.
        pages: usize,
        /// Which plan ran, for the log line.
        what: String,
        /// What the browser should do.
        change: Change,
    },
    /// The build failed; the last good site stays.
    Failed(Vec<Diag>),
}

struct Good {
    p: Prepared,
    files: HashMap<String, ServedFile>,
    /// What loading read, kept when loading found nothing to report, so the next content
    /// edit re-reads only the files that changed.
    loaded: Option<Loaded>,
}

/// Builds the site for serving and keeps the last good build.
pub struct Builder {
    opts: BuildOptions,
    /// Per-document work of earlier builds (kept across failed builds too: entries are
    /// keyed by the text they came from, so they are never stale).
    memos: Memos,
    /// What the search index kept of the last build (records' words, by record).
    search: Vec<crate::index::Memo>,
    good: Option<Good>,
    pending: Changes,
    empty: HashMap<String, ServedFile>,
}

/// The path part of the site's `base_url` (`/` when it cannot be read: the build then
/// reports why).
pub fn base_path_of(root: &Path) -> String {
    #[derive(serde::Deserialize)]
    struct BaseOnly {
        base_url: Option<String>,
    }
    std::fs::read_to_string(root.join("content/site.yaml"))
        .ok()
        .and_then(|t| serde_saphyr::from_str::<BaseOnly>(&t).ok())
        .and_then(|b| b.base_url)
        .and_then(|u| config::parse_base_url(&u).ok())
        .map_or_else(|| "/".to_string(), |(_, path)| path)
}

impl Builder {
    /// A builder with nothing built yet.
    pub fn new(opts: BuildOptions) -> Self {
        Builder {
            opts,
            memos: Memos::default(),
            search: Vec::new(),
            good: None,
            pending: Changes::default(),
            empty: HashMap::new(),
        }
    }

    /// The warnings of the last good build.
    pub fn warnings(&self) -> &[Diag] {
        self.good.as_ref().map_or(&[], |g| &g.p.warnings)
    }

    /// The files of the last good build.
    pub fn files(&self) -> &HashMap<String, ServedFile> {
        self.good.as_ref().map_or(&self.empty, |g| &g.files)
    }

    /// Moves the files of the last good build out, to be served without copying the map
    /// first; [`Builder::give_back_files`] must follow before the next rebuild.
    pub fn take_files(&mut self) -> HashMap<String, ServedFile> {
        self.good
            .as_mut()
            .map_or_else(HashMap::new, |g| std::mem::take(&mut g.files))
    }

    /// Puts back the files [`Builder::take_files`] took (a copy of the served map: the
    /// file contents are shared, only the keys are copied).
    pub fn give_back_files(&mut self, files: HashMap<String, ServedFile>) {
        if let Some(g) = self.good.as_mut() {
            g.files = files;
        }
    }

    /// The theme folder name of the last good build (`None` before one succeeded).
    pub fn theme_name(&self) -> Option<&str> {
        self.good.as_ref().map(|g| g.p.site.config.theme.as_str())
    }

    /// Rebuilds after `changes` (plus any left pending by a failed build).
    pub fn rebuild(&mut self, changes: Changes) -> Outcome {
        self.pending.merge(changes);
        let c = self.pending.clone();
        if c.theme || c.full {
            self.memos.theme_changed();
        }
        let result = match self.good.take() {
            None => self.full().map_err(|e| (e, None)),
            // A changed JPEG or PNG changes its variants and maybe its size in the pages: a
            // full build, in which the image cache makes every other image cost nothing.
            Some(good)
                if c.full || (c.content && c.theme) || c.statics.iter().any(|s| images::Kind::of(s).is_some()) =>
            {
                self.full().map_err(|e| (e, Some(good)))
            }
            Some(good) if c.content => self.content(good, &c),
            Some(good) if c.theme => self.theme(good, &c),
            Some(good) => self.statics(good, &c.statics),
        };
        match result {
            Ok((good, pages, what, change)) => {
                self.good = Some(good);
                self.pending = Changes::default();
                Outcome::Built { pages, what, change }
            }
            Err((diags, old)) => {
                self.good = old;
                Outcome::Failed(diags)
            }
        }
    }

    fn full(&mut self) -> Result<Built, Vec<Diag>> {
        let (loaded, diags, took, _) = self.load(None, &BTreeSet::new());
        let cache = diags.items().is_empty().then(|| copy(&loaded));
        let mut p = pipeline::prepare_loaded(&self.opts, loaded, diags, took, &mut self.memos)?;
        let outputs = pipeline::render_all(&mut p, None)?;
        // Counted as `haven build` counts: HTML pages (the files are counted by the caller).
        let pages = outputs.iter().filter(|o| o.html).count();
        let mut files = assemble(&p, outputs, None)?;
        add_search(&mut files, &p, &mut self.search, &mut String::new());
        let good = Good {
            p,
            files,
            loaded: cache,
        };
        Ok((good, pages, "full rebuild".into(), Change::Reload))
    }

    /// Loads the site: from `cache` with only `changed` re-read when that is safe (every
    /// changed file is a known, existing, plain UTF-8 file), from disk otherwise. The last
    /// value says whether `cache` was brought up to date in place (then it needs no new copy).
    fn load(&self, cache: Option<&mut Loaded>, changed: &BTreeSet<String>) -> (Loaded, Diags, Duration, bool) {
        let t = Instant::now();
        if let Some(c) = cache
            && patch(c, &self.opts.root, changed)
        {
            return (copy(c), Diags::new(), t.elapsed(), true);
        }
        let mut diags = Diags::new();
        let loaded = load::load(&self.opts.root, &mut diags);
        (loaded, diags, t.elapsed(), false)
    }

    fn content(&mut self, mut good: Good, c: &Changes) -> Result<Built, Failure> {
        let statics = &c.statics;
        let (loaded, diags, took, patched) = self.load(good.loaded.as_mut(), &c.files);
        // Patched in place, the cache is already what was read; otherwise a copy of a load
        // that found nothing to report replaces it.
        let cache = (!patched && diags.items().is_empty()).then(|| copy(&loaded));
        let p = match pipeline::prepare_loaded(&self.opts, loaded, diags, took, &mut self.memos) {
            Ok(p) => p,
            Err(e) => return Err((e, Some(good))),
        };
        if deps::assets_differ(&good.p.site.theme, &p.site.theme) {
            return self.full().map_err(|e| (e, Some(good)));
        }
        let t = Instant::now();
        // Every language's dirty jobs: a translation's save can change its original's
        // switcher and hreflang links too (then every page of every language is rendered).
        let dirty = deps::dirty_jobs_all(&good.p, &p);
        let compared = t.elapsed();
        let every = dirty.is_none();
        let jobs = dirty.unwrap_or_else(|| pipeline::every_job(&p));
        let rendered = pipeline::render_jobs_all(&p, &jobs);
        let outputs = match rendered {
            Ok(o) => o,
            Err(e) => return Err((e, Some(good))),
        };
        let rendered = t.elapsed() - compared;
        let pages = outputs.len();
        let mut what = content_timings(every, &p.timings.stages, compared, rendered);
        let changed = if every {
            // The set of outputs may have changed: start a new map, keeping static files read.
            match assemble(&p, outputs, Some(&good.files)) {
                Ok(files) => {
                    good.files = files;
                    true
                }
                Err(e) => return Err((e, Some(good))),
            }
        } else {
            add_outputs(&mut good.files, outputs)
        };
        // The index is rebuilt in the same rebuild: a saved article is searchable on reload.
        let t = Instant::now();
        let mut steps = String::new();
        let changed = add_search(&mut good.files, &p, &mut self.search, &mut steps) | changed;
        what.push_str(&format!(
            "; index {:.1} ms ({steps})",
            t.elapsed().as_secs_f64() * 1000.0
        ));
        // The last site is dropped on another thread: freeing its thousands of strings and
        // vectors took about 2 ms of each save before the page was served.
        let old_loaded = match patched {
            true => None,
            false => std::mem::replace(&mut good.loaded, cache),
        };
        drop_later((std::mem::replace(&mut good.p, p), old_loaded));
        let static_count = match read_statics(&mut good, statics) {
            Ok(n) => n,
            Err(e) => return Err((e, Some(good))),
        };
        let change = if changed || static_count > 0 {
            Change::Reload
        } else {
            Change::Nothing
        };
        Ok((good, pages + static_count, what, change))
    }

    fn theme(&mut self, mut good: Good, c: &Changes) -> Result<Built, Failure> {
        let statics = &c.statics;
        let mut diags = Diags::new();
        let new_theme = theme::load(&self.opts.root, &good.p.site.config, &mut diags);
        if diags.has_errors() {
            return Err((diags.into_sorted(), Some(good)));
        }
        // Components are rendered into the bodies by the resolve stage: an edit to one is
        // built as a content edit, which renders again the pages whose HTML changed.
        if deps::components_differ(&good.p.site.theme, &new_theme) {
            return self.content(good, c);
        }
        // The theme's strings (`i18n/*.yaml`) are on every page and in the site data (facility
        // labels, the scripts' strings): an edit to them is built again whole. So is one to a
        // theme's JPEG or PNG, processed like a static one: its variants and maybe its size
        // change (the image cache keeps the other images free).
        if images_differ(&good.p.site.theme, &new_theme) || new_theme.strings != good.p.site.theme.strings {
            return self.full().map_err(|e| (e, Some(good)));
        }
        // Every language has its own engine (its strings): each is made again, and each
        // re-renders the pages of the templates that changed.
        let old_theme = std::mem::replace(&mut good.p.site.theme, new_theme.clone());
        for l in &mut good.p.others {
            l.site.theme = new_theme.clone();
        }
        let restore = |good: &mut Good| {
            good.p.site.theme = old_theme.clone();
            for l in &mut good.p.others {
                l.site.theme = old_theme.clone();
            }
        };
        let mut teras = Vec::with_capacity(good.p.others.len() + 1);
        for site in std::iter::once(&good.p.site).chain(good.p.others.iter().map(|l| &l.site)) {
            let memo = self.memos.engines.entry(site.config.language.clone()).or_default();
            match render::site_engine_reusing(site, memo) {
                Ok(t) => teras.push(t),
                Err(e) => {
                    restore(&mut good);
                    return Err((e, Some(good)));
                }
            }
        }
        let mut teras = teras.into_iter();
        let old_tera = teras.next().map(|t| std::mem::replace(&mut good.p.tera, t));
        let old_teras: Vec<_> = good
            .p
            .others
            .iter_mut()
            .zip(teras)
            .map(|(l, t)| std::mem::replace(&mut l.tera, t))
            .collect();
        let css = deps::css_swaps(&old_theme, &good.p.site.theme, &good.p.site.config);
        let assets_changed = deps::assets_differ(&old_theme, &good.p.site.theme);
        let mut every = assets_changed;
        let mut jobs = Vec::new();
        for (i, site) in std::iter::once(&good.p.site)
            .chain(good.p.others.iter().map(|l| &l.site))
            .enumerate()
        {
            let all = || {
                if i == 0 {
                    render::jobs(site)
                } else {
                    render::language_jobs(site)
                }
            };
            jobs.push(match assets_changed {
                true => all(),
                false => deps::template_jobs(site, &old_theme).unwrap_or_else(|| {
                    every = true;
                    all()
                }),
            });
        }
        let what = match (assets_changed, every) {
            (true, _) => "theme asset edit, every page".to_string(),
            (false, true) => "template edit, every page".to_string(),
            (false, false) => "template edit".to_string(),
        };
        let outputs = match pipeline::render_jobs_all(&good.p, &jobs) {
            Ok(o) => o,
            Err(e) => {
                restore(&mut good);
                if let Some(t) = old_tera {
                    good.p.tera = t;
                }
                for (l, t) in good.p.others.iter_mut().zip(old_teras) {
                    l.tera = t;
                }
                return Err((e, Some(good)));
            }
        };
        let pages = outputs.len();
        let mut changed = add_outputs(&mut good.files, outputs);
        if assets_changed {
            for a in old_theme.assets.values() {
                good.files.remove(&a.out_rel);
            }
            add_assets(&mut good.files, &good.p);
            changed = true;
        }
        let static_count = match read_statics(&mut good, statics) {
            Ok(n) => n,
            Err(e) => return Err((e, Some(good))),
        };
        let change = match css {
            Some(swaps) if static_count == 0 => Change::Css(swaps),
            _ if changed || static_count > 0 => Change::Reload,
            _ => Change::Nothing,
        };
        Ok((good, pages + static_count, what, change))
    }

    fn statics(&mut self, mut good: Good, statics: &BTreeSet<String>) -> Result<Built, Failure> {
        let known: BTreeSet<&str> = good.p.site.statics.iter().map(|s| s.rel.as_str()).collect();
        let root = self.opts.root.join("content/static");
        // A file added or removed changes the routes links are checked against: full build.
        if statics
            .iter()
            .any(|rel| !known.contains(rel.as_str()) || !root.join(rel).is_file())
        {
            return self.full().map_err(|e| (e, Some(good)));
        }
        match read_statics(&mut good, statics) {
            Ok(n) => Ok((good, n, "static file".into(), Change::Reload)),
            Err(e) => Err((e, Some(good))),
        }
    }
}

type Built = (Good, usize, String, Change);
type Failure = (Vec<Diag>, Option<Good>);

/// Re-reads changed static files that the last build knows (others wait for a full build).
fn read_statics(good: &mut Good, statics: &BTreeSet<String>) -> Result<usize, Vec<Diag>> {
    let mut n = 0;
    for s in good.p.site.statics.iter().filter(|s| statics.contains(&s.rel)) {
        let bytes = std::fs::read(&s.path).map_err(|e| {
            vec![
                Diag::error(format!("cannot read content/static/{}: {e}", s.rel)).help("check the file and save again"),
            ]
        })?;
        insert(&mut good.files, s.rel.clone(), bytes);
        n += 1;
    }
    Ok(n)
}

/// Puts rendered outputs in the map; returns whether any file's bytes changed.
fn add_outputs(files: &mut HashMap<String, ServedFile>, outputs: Vec<Output>) -> bool {
    let mut changed = false;
    for o in outputs {
        let same = files
            .get(&o.rel)
            .is_some_and(|f| f.bytes.as_ref() == o.bytes.as_slice());
        changed |= !same;
        if !same {
            insert(files, o.rel, o.bytes);
        }
    }
    changed
}

/// Replaces the search index in the map by `p`'s; returns whether it changed (a new
/// index has a new build folder, so comparing the manifests is enough). `memos` keeps
/// each language's records for the next rebuild; `steps` gets the time of each step, for
/// the log line.
fn add_search(
    files: &mut HashMap<String, ServedFile>,
    p: &Prepared,
    memos: &mut Vec<crate::index::Memo>,
    steps: &mut String,
) -> bool {
    // Every language's index, each under its prefix (`es/search-index/`).
    let index = pipeline::index_all_with(p, memos);
    let t = Instant::now();
    let mut times: Vec<String> = index
        .steps
        .iter()
        .map(|(step, d)| format!("{} {:.1}", step.trim_start_matches("index: "), d.as_secs_f64() * 1000.0))
        .collect();
    let prefixes: Vec<&str> = std::iter::once("").chain(p.others.iter().map(|l| l.prefix())).collect();
    let same = prefixes.iter().all(|prefix| {
        let manifest = format!("{prefix}{}/manifest.json", crate::index::BUNDLE_DIR);
        index.files.iter().find(|o| o.rel == manifest).is_some_and(|m| {
            files
                .get(&manifest)
                .is_some_and(|f| f.bytes.as_ref() == m.bytes.as_slice())
        })
    });
    if same {
        return false;
    }
    files.retain(|k, _| {
        !prefixes.iter().any(|prefix| {
            k.strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with(crate::index::BUNDLE_DIR))
        })
    });
    // Shared with the index's memo, not copied. Every file of the index is JSON.
    let json = http::content_type("x.json");
    for f in index.files {
        let served = ServedFile {
            bytes: Bytes::from_owner(Shared(f.bytes)),
            content_type: json.clone(),
        };
        files.insert(f.rel, served);
    }
    times.push(format!("serve {:.1}", t.elapsed().as_secs_f64() * 1000.0));
    *steps = times.join(", ");
    true
}

/// An index file's bytes, shared with the index's memo, as the body of a response.
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        self.0.as_slice()
    }
}

/// Whether the theme's JPEGs and PNGs differ between two themes (names or contents).
fn images_differ(old: &theme::Theme, new: &theme::Theme) -> bool {
    fn raster(t: &theme::Theme) -> impl Iterator<Item = (&str, &[u8])> {
        let raster = t.assets.values().filter(|a| images::Kind::of(&a.name).is_some());
        raster.map(|a| (a.name.as_str(), a.bytes.as_slice()))
    }
    raster(old).ne(raster(new))
}

fn add_assets(files: &mut HashMap<String, ServedFile>, p: &Prepared) {
    for a in p.site.theme.assets.values() {
        insert(files, a.out_rel.clone(), a.bytes.clone());
    }
}

/// Puts one file in a served map, with its content type.
pub(super) fn insert(files: &mut HashMap<String, ServedFile>, rel: String, bytes: Vec<u8>) {
    let content_type = http::content_type(&rel);
    files.insert(
        rel,
        ServedFile {
            bytes: Bytes::from(bytes),
            content_type,
        },
    );
}

/// The whole served map: rendered outputs, theme assets and static files (taken from
/// `previous` when it has them, read from disk otherwise).
fn assemble(
    p: &Prepared,
    outputs: Vec<Output>,
    previous: Option<&HashMap<String, ServedFile>>,
) -> Result<HashMap<String, ServedFile>, Vec<Diag>> {
    let site = &p.site;
    let mut files = HashMap::with_capacity(outputs.len() + site.statics.len() + site.theme.assets.len());
    add_outputs(&mut files, outputs);
    add_assets(&mut files, p);
    let missing: Vec<_> = site
        .statics
        .iter()
        .filter(|s| match previous.and_then(|m| m.get(&s.rel)) {
            Some(f) => {
                files.insert(s.rel.clone(), f.clone());
                false
            }
            None => true,
        })
        .collect();
    let read: Vec<(String, Vec<u8>)> = missing
        .par_iter()
        .map(|s| {
            std::fs::read(&s.path).map(|b| (s.rel.clone(), b)).map_err(|e| {
                Diag::error(format!("cannot read content/static/{}: {e}", s.rel)).help("check the file and save again")
            })
        })
        .collect::<Result<_, _>>()
        .map_err(|d| vec![d])?;
    for (rel, bytes) in read {
        insert(&mut files, rel, bytes);
    }
    Ok(files)
}

/// How long to wait before reading a file found empty a second time.
const EMPTY_READ_RETRY: Duration = Duration::from_millis(30);

/// A copy of what loading read (texts are shared, not copied).
fn copy(l: &Loaded) -> Loaded {
    Loaded {
        root: l.root.clone(),
        site: l.site.clone(),
        home: l.home.clone(),
        articles: l.articles.clone(),
        pages: l.pages.clone(),
        authors: l.authors.clone(),
        facilities: l.facilities.clone(),
        statics: l.statics.clone(),
    }
}

/// Brings `cache` up to date with the `changed` documents (paths under `content/`) read
/// again; `false`, leaving `cache` as it was, when only a real load can tell (a file
/// added, removed, turned into a symlink or not UTF-8, or not a document the cache holds):
/// `load::load` then decides and reports.
fn patch(cache: &mut Loaded, root: &Path, changed: &BTreeSet<String>) -> bool {
    if changed.is_empty() {
        return false;
    }
    // Every file is read before any is put in, so that a refusal leaves the cache whole.
    let mut read = Vec::with_capacity(changed.len());
    for rel in changed {
        if !docs(cache).any(|d| d.rel == *rel) {
            return false;
        }
        match read_changed(root, rel) {
            Some(source) => read.push((rel, source)),
            None => return false,
        }
    }
    for (rel, source) in read {
        if let Some(doc) = docs_mut(cache).find(|d| d.rel == *rel) {
            doc.source = source;
        }
    }
    true
}

/// Every document of `l` an edit can be patched into (an edited author file, or any other
/// file, is read again by `load::load`).
fn docs(l: &Loaded) -> impl Iterator<Item = &Doc> {
    l.home
        .iter()
        .chain(l.articles.iter())
        .chain(l.pages.iter())
        .chain(l.facilities.iter())
}

/// [`docs`], to change: a list shared with a build still running is copied first (the
/// cache's lists are its own again once the build that read them has finished).
fn docs_mut(l: &mut Loaded) -> impl Iterator<Item = &mut Doc> {
    l.home
        .iter_mut()
        .chain(Arc::make_mut(&mut l.articles).iter_mut())
        .chain(Arc::make_mut(&mut l.pages).iter_mut())
        .chain(Arc::make_mut(&mut l.facilities).iter_mut())
}

/// The text of document `rel` read again, when it is a plain UTF-8 file.
fn read_changed(root: &Path, rel: &str) -> Option<Source> {
    let path = root.join("content").join(rel);
    if !std::fs::symlink_metadata(&path).ok()?.file_type().is_file() {
        return None;
    }
    let mut bytes = std::fs::read(&path).ok()?;
    if bytes.is_empty() {
        // An editor that saves in place truncates the file, then writes it: a read in
        // between sees nothing. Look once more before reporting an empty document.
        std::thread::sleep(EMPTY_READ_RETRY);
        bytes = std::fs::read(&path).ok()?;
    }
    let text = String::from_utf8(bytes).ok()?;
    Some(Source::new(root, &path, text))
}

/// Drops `value` on a thread of its own, so that freeing a whole site does not delay the
/// page (if no thread can be started, it is dropped here).
fn drop_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("haven-drop".into())
        .spawn(move || drop(value));
}

/// What a content rebuild says it did: "content edit[, every page]" and each stage's time.
fn content_timings(
    every: bool,
    stages: &[(&'static str, std::time::Duration)],
    compared: std::time::Duration,
    rendered: std::time::Duration,
) -> String {
    let mut what = String::from(if every {
        "content edit, every page"
    } else {
        "content edit"
    });
    for (stage, d) in stages.iter().chain([&("compare", compared), &("render", rendered)]) {
        what.push_str(&format!("; {stage} {:.1} ms", d.as_secs_f64() * 1000.0));
    }
    what
}
