//! The build pipeline: load → validate → resolve → render → (index) → write.
//!
//! [`prepare`] runs the stages up to a resolved [`Site`] and its template engine;
//! [`build`] renders and writes. `haven check` stops after rendering, `haven serve`
//! reuses the same functions.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tera::Tera;

use crate::diag::{Diag, Diags, Severity};
use crate::render::{self, Output};
use crate::resolve::{self, Site};
use crate::translations::{self, Alternates};
use crate::{drafts, index, load, theme, validate, write};

/// Every memo of the pipeline, owned by whoever builds again and again (`haven serve`);
/// each stage defines its own from the generic [`crate::memo::Memo`].
#[derive(Debug, Default)]
pub struct Memos {
    /// Front matter and checks of articles, pages, the home page and authors.
    pub validate: validate::Memos,
    /// Facility files, and Markdown scans and renders.
    pub resolve: resolve::Memos,
    /// The same for each added language, by code.
    pub languages: std::collections::BTreeMap<String, resolve::Memos>,
    /// Processed images, by source file (`haven serve` reads an unchanged one not again).
    pub images: crate::images::Memo,
    /// The last alternates of every language, with the fingerprint of what they were
    /// computed from (each language's settings and page keys).
    pub alternates: Option<(u128, Vec<Arc<Alternates>>)>,
    /// The theme's strings of each language, by code, with what they were read from.
    pub strings: BTreeMap<String, StringsMemo>,
    /// The last template engine of each language, by code (see [`render::site_engine_reusing`]).
    pub engines: BTreeMap<String, render::EngineMemo>,
    /// The theme the last build loaded, by the name in site.yaml. `haven serve` keeps it
    /// while no file of the theme changes (its watcher says when one does, and then calls
    /// [`Memos::theme_changed`]): reading and hashing the theme's files again was nearly a
    /// millisecond of every content save.
    pub theme: Option<(String, theme::Theme)>,
}

impl Memos {
    /// Forgets the theme kept: a file of it changed.
    pub fn theme_changed(&mut self) {
        self.theme = None;
    }
}

/// A language's theme strings and what they were read from (its code is the key).
#[derive(Debug)]
pub struct StringsMemo {
    all: Vec<String>,
    theme: BTreeMap<String, (String, String)>,
    strings: Arc<BTreeMap<String, String>>,
}

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site folder.
    pub root: PathBuf,
    /// Output folder (default `ROOT/output`).
    pub output: Option<PathBuf>,
    /// Build drafts too.
    pub drafts: bool,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// Minify HTML (on for builds).
    pub minify: bool,
    /// Progress of the render stage (hidden unless the command line shows it).
    pub progress: Option<indicatif::ProgressBar>,
}

impl BuildOptions {
    /// The output folder.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join("output"))
    }
}

/// Time spent in each stage.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    /// (stage, time) in order.
    pub stages: Vec<(&'static str, Duration)>,
    /// Steps inside a stage, (step, time), shown under the stages.
    pub steps: Vec<(&'static str, Duration)>,
    /// The process's peak memory after each stage of `stages` (same order), in bytes:
    /// what a stage added to the peak is its figure less the one before. `None` where the
    /// system does not say ([`peak_memory`]).
    pub peaks: Vec<Option<u64>>,
}

impl Timings {
    fn lap(&mut self, stage: &'static str, since: &mut Instant) {
        let now = Instant::now();
        self.push(stage, now - *since);
        *since = now;
    }

    /// Records that `stage` took `took`, and the peak memory so far.
    fn push(&mut self, stage: &'static str, took: Duration) {
        self.stages.push((stage, took));
        self.peaks.push(peak_memory());
    }
}

/// The peak resident memory of this process so far, in bytes: `VmHWM` of
/// /proc/self/status on Linux, `None` elsewhere (or if it cannot be read). For
/// `--timings` and the benchmarks' budgets on added memory per stage.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// What a successful build did.
#[derive(Debug)]
pub struct Report {
    /// HTML pages rendered.
    pub pages: usize,
    /// Files written in all.
    pub files: usize,
    /// Warnings found.
    pub warnings: Vec<Diag>,
    /// Time per stage.
    pub timings: Timings,
    /// Images decoded and resized in this build (0 when the cache had them all).
    pub images_made: usize,
    /// Image cache entries removed after the build, as no image uses them any more.
    pub images_pruned: usize,
}

/// "Built 135 pages (1,176 files)": `build` and `serve` count the same way.
pub fn built(pages: usize, files: usize) -> String {
    format!(
        "Built {} ({})",
        crate::diag::plural(pages, "page"),
        crate::diag::plural(files, "file")
    )
}

/// A site ready to render.
pub struct Prepared {
    /// The resolved site, in its default language.
    pub site: Site,
    /// Its template engine (shared with `haven serve`'s memo of it).
    pub tera: Arc<Tera>,
    /// The site in each added language (site.yaml's `languages:`), rendered under `/{code}/`.
    pub others: Vec<LanguageSite>,
    /// Warnings so far.
    pub warnings: Vec<Diag>,
    /// Time per stage so far.
    pub timings: Timings,
}

/// The site in one added language, and its template engine.
pub struct LanguageSite {
    /// The resolved site (`site.config.language` is its code).
    pub site: Site,
    /// Its template engine (the theme's strings in this language).
    pub tera: Arc<Tera>,
}

impl LanguageSite {
    /// Where this language's files go in the output (`es/`).
    pub fn prefix(&self) -> &str {
        &self.site.config.lang_prefix
    }
}

/// Runs load, validate and resolve, and builds the template engine.
pub fn prepare(opts: &BuildOptions) -> Result<Prepared, Vec<Diag>> {
    let t = Instant::now();
    let mut diags = Diags::new();
    let loaded = load::load(&opts.root, &mut diags);
    prepare_loaded(opts, loaded, diags, t.elapsed(), &mut Memos::default())
}

/// [`prepare`] from an already loaded site (`haven serve` re-reads only the files that
/// changed); `diags` holds what loading found, `load_time` what it took. Per-document
/// work found in `memos` at the same text is reused, and `memos` is brought up to date.
pub fn prepare_loaded(
    opts: &BuildOptions,
    loaded: load::Loaded,
    mut diags: Diags,
    load_time: Duration,
    memos: &mut Memos,
) -> Result<Prepared, Vec<Diag>> {
    let mut timings = Timings::default();
    timings.push("load", load_time);
    // Problems in drafts left out of this build do not stop it (see `drafts`).
    let drafts = if opts.drafts {
        HashSet::new()
    } else {
        drafts::sources(&loaded)
    };
    let mut t = Instant::now();
    let validated = validate::validate_with(loaded, opts.base_url.as_deref(), &mut diags, &mut memos.validate);
    timings.lap("validate", &mut t);
    // Before resolve, which stops at errors: a draft's are warnings by now.
    drafts::demote(diags.items_mut(), &drafts);
    let Some(validated) = validated else {
        return Err(diags.into_sorted());
    };
    let split = translations::split(validated, &mut diags);
    let theme = match &memos.theme {
        Some((name, kept)) if *name == split.default.config.theme => kept.clone(),
        _ => {
            let before = diags.items().len();
            let theme = theme::load(&opts.root, &split.default.config, &mut diags);
            // Kept only when it loaded cleanly, so that its problems are reported again.
            if diags.items().len() == before {
                memos.theme = Some((split.default.config.theme.clone(), theme.clone()));
            }
            theme
        }
    };
    let images_took = Instant::now();
    // Every language shares the static files and the theme, so their images are
    // processed once.
    let warn_over = split.default.config.images_warn_over;
    let theme_images: Vec<crate::images::Inline<'_>> = theme
        .assets
        .values()
        .map(|a| crate::images::Inline {
            rel: &a.out_rel,
            origin: &a.origin,
            bytes: &a.bytes,
        })
        .collect();
    let pictures = crate::images::process(
        &opts.root,
        &split.default.statics,
        &theme_images,
        warn_over,
        &mut memos.images,
        &mut diags,
    );
    let pictures = std::sync::Arc::new(pictures);
    // A step of resolve (its time is in resolve's).
    timings.steps.push(("images", images_took.elapsed()));
    let resolve_opts = resolve::Options { drafts: opts.drafts };
    let site = resolve::resolve_with(
        split.default,
        theme.clone(),
        resolve_opts,
        &resolve::Elsewhere::default(),
        &pictures,
        &mut diags,
        &mut memos.resolve,
    );
    let elsewhere = match &site {
        Some(s) => std::sync::Arc::clone(&s.link_targets),
        None => std::mem::take(&mut memos.resolve.failed_links),
    };
    let others: Vec<Option<Site>> = split
        .others
        .into_iter()
        .map(|v| {
            let memo = memos.languages.entry(v.config.language.clone()).or_default();
            resolve::resolve_with(v, theme.clone(), resolve_opts, &elsewhere, &pictures, &mut diags, memo)
        })
        .collect();
    timings.lap("resolve", &mut t);
    // Files every language shares (authors, facilities, site.yaml) are checked once per
    // language: each problem is reported once.
    let found = once_each(diags.into_sorted());
    let (Some(mut site), Some(mut others)) = (site, others.into_iter().collect::<Option<Vec<Site>>>()) else {
        return Err(found);
    };
    if found.iter().any(|d| d.severity == Severity::Error) {
        return Err(found);
    }
    link_translations(&mut site, &mut others, &mut memos.alternates);
    timings.lap("translations", &mut t);
    // The variants are written beside the static files (the default language's, which are
    // every language's), and every language's templates see the same pictures.
    site.statics.extend(pictures.files.iter().cloned());
    for s in std::iter::once(&mut site).chain(others.iter_mut()) {
        s.pictures = std::sync::Arc::clone(&pictures);
    }
    let mut errors = Vec::new();
    for s in std::iter::once(&mut site).chain(others.iter_mut()) {
        match theme_strings(s, &mut memos.strings) {
            Ok(strings) => s.strings = strings,
            Err(e) => errors.extend(e),
        }
    }
    let mut teras = Vec::with_capacity(others.len() + 1);
    for s in std::iter::once(&site).chain(&others) {
        let memo = memos.engines.entry(s.config.language.clone()).or_default();
        match render::site_engine_reusing(s, memo) {
            Ok(t) => teras.push(t),
            Err(e) => errors.extend(e),
        }
    }
    timings.lap("engines", &mut t);
    if !errors.is_empty() {
        errors.extend(found);
        return Err(once_each(errors));
    }
    let tera = teras.remove(0);
    let others = others
        .into_iter()
        .zip(teras)
        .map(|(site, tera)| LanguageSite { site, tera })
        .collect();
    Ok(Prepared {
        site,
        tera,
        others,
        warnings: found,
        timings,
    })
}

/// Each diagnostic once (sorted), however many languages' passes found it. Hashed with Fx:
/// a site with 1,500 warnings runs this on every save of `haven serve`.
fn once_each(mut diags: Vec<Diag>) -> Vec<Diag> {
    let mut seen = rustc_hash::FxHashSet::with_capacity_and_hasher(diags.len(), Default::default());
    let keep: Vec<bool> = diags
        .iter()
        .map(|d| seen.insert((d.place_key(), &*d.message, d.severity == Severity::Error)))
        .collect();
    let mut keep = keep.into_iter();
    diags.retain(|_| keep.next().unwrap_or(true));
    diags
}

/// Gives each language's site the alternates of its pages (nothing for a one-language site).
/// They are computed again only when a language's settings or page keys changed since the
/// ones `memo` kept: `haven serve` prepares the site on every save, and computing them (a
/// list of every page's versions, about 3,000 pages in each of two languages at 1,000
/// articles and 2,000 facilities) was about 20 ms of an article edit there in a profile.
fn link_translations(site: &mut Site, others: &mut [Site], memo: &mut Option<(u128, Vec<Arc<Alternates>>)>) {
    if others.is_empty() {
        return;
    }
    let all: Vec<&Site> = std::iter::once(&*site).chain(others.iter()).collect();
    let mut print = crate::memo::Fingerprint::default();
    for (i, s) in all.iter().enumerate() {
        print.add(&(i, format!("{:?}", s.config)));
        let mut n = 0usize;
        s.each_page_key(|doc, key, path| {
            print.add(&(i, n, doc, key, path));
            n += 1;
        });
    }
    let print = print.value();
    let alternates = match memo {
        Some((p, kept)) if *p == print && kept.len() == all.len() => kept.clone(),
        _ => {
            let configs: Vec<_> = all.iter().map(|s| &s.config).collect();
            let keys: Vec<_> = all.iter().map(|s| s.page_keys()).collect();
            let made: Vec<Arc<Alternates>> = Alternates::compute(&configs, &keys).into_iter().map(Arc::new).collect();
            *memo = Some((print, made.clone()));
            made
        }
    };
    let mut alternates = alternates.into_iter();
    for s in std::iter::once(site).chain(others.iter_mut()) {
        s.alternates = alternates.next().unwrap_or_default();
    }
}

/// The theme's strings in `s`'s language ([`crate::i18n::strings`]), from `memo` while the
/// theme's strings and the site's languages are the ones they were read from.
fn theme_strings(
    s: &Site,
    memo: &mut BTreeMap<String, StringsMemo>,
) -> Result<Arc<BTreeMap<String, String>>, Vec<Diag>> {
    let all = s.config.all_languages();
    if let Some(m) = memo.get(&s.config.language)
        && m.all == all
        && m.theme == s.theme.strings
    {
        return Ok(Arc::clone(&m.strings));
    }
    let strings = Arc::new(crate::i18n::strings(&s.theme, &s.config.language, &all)?);
    let kept = StringsMemo {
        all,
        theme: s.theme.strings.clone(),
        strings: Arc::clone(&strings),
    };
    memo.insert(s.config.language.clone(), kept);
    Ok(strings)
}

/// Renders every page of a prepared site, in every language.
pub fn render_all(p: &mut Prepared, progress: Option<&indicatif::ProgressBar>) -> Result<Vec<Output>, Vec<Diag>> {
    let mut t = Instant::now();
    let outputs = render_languages(p, &every_job(p), progress);
    p.timings.lap("render", &mut t);
    outputs
}

/// Every render job of every language (the default's first), as [`render_jobs_all`] takes them.
pub fn every_job(p: &Prepared) -> Vec<Vec<render::Job>> {
    std::iter::once(render::jobs(&p.site))
        .chain(p.others.iter().map(|l| render::language_jobs(&l.site)))
        .collect()
}

/// An added language's outputs under its prefix; its aliases join the site's `_redirects`.
fn add_language(outputs: &mut Vec<Output>, more: Vec<Output>, prefix: &str) {
    for mut o in more {
        if o.rel == "_redirects" {
            if let Some(all) = outputs.iter_mut().find(|x| x.rel == "_redirects") {
                all.bytes.extend(o.bytes);
            }
            continue;
        }
        o.rel = format!("{prefix}{}", o.rel);
        outputs.push(o);
    }
}

/// The search index of every language: each its own, with its own stemmer, under its prefix.
pub fn index_all(p: &Prepared) -> index::SearchIndex {
    let mut memos: Vec<index::Memo> = (0..=p.others.len()).map(|_| index::Memo::default()).collect();
    index_all_with(p, &mut memos)
}

/// [`index_all`], reusing what `memos` kept of an earlier build (`haven serve`): one memo
/// per language, the default language's first; a language without one gets a new
/// remembering memo.
pub fn index_all_with(p: &Prepared, memos: &mut Vec<index::Memo>) -> index::SearchIndex {
    memos.resize_with(1 + p.others.len(), index::Memo::remembering);
    let (first, rest) = memos.split_at_mut(1);
    let mut all = index::index_memo(&p.site, &mut first[0]);
    for (l, memo) in p.others.iter().zip(rest.iter_mut()) {
        let more = index::index_memo(&l.site, memo);
        all.files.extend(more.files.into_iter().map(|f| index::IndexFile {
            rel: format!("{}{}", l.prefix(), f.rel),
            ..f
        }));
        all.records += more.records;
        all.warnings.extend(more.warnings);
        all.steps.extend(more.steps);
    }
    all
}

/// Renders only `jobs[0]` of the default language and `jobs[i]` of the added language
/// `i - 1` (`haven serve` re-renders what a change touched, in every language).
pub fn render_jobs_all(p: &Prepared, jobs: &[Vec<render::Job>]) -> Result<Vec<Output>, Vec<Diag>> {
    render_languages(p, jobs, None)
}

/// Renders `jobs` as [`render_jobs_all`] does, showing `progress` for the default language.
fn render_languages(
    p: &Prepared,
    jobs: &[Vec<render::Job>],
    progress: Option<&indicatif::ProgressBar>,
) -> Result<Vec<Output>, Vec<Diag>> {
    let mut diags = Diags::new();
    let none = Vec::new();
    let mut outputs = render::render_all(&p.site, &p.tera, jobs.first().unwrap_or(&none), progress, &mut diags);
    for (l, jobs) in p.others.iter().zip(jobs.iter().skip(1)) {
        let more = render::render_all(&l.site, &l.tera, jobs, None, &mut diags);
        add_language(&mut outputs, more, l.prefix());
    }
    if diags.has_errors() {
        return Err(diags.into_sorted());
    }
    Ok(outputs)
}

/// `haven check`: everything but writing. Without `--drafts`, drafts are read too, in a
/// second pass that includes them, and their problems added as warnings "in a draft".
pub fn check(opts: &BuildOptions) -> Result<Report, Vec<Diag>> {
    // `haven check` writes nothing, not even the image cache: images it has not seen are
    // only decoded (for their size and to find a broken one).
    let mut memos = Memos {
        images: crate::images::Memo::read_only(),
        ..Memos::default()
    };
    let result = check_with(opts, &mut memos);
    if opts.drafts {
        return result;
    }
    let in_drafts = draft_problems(opts, &mut memos);
    match result {
        Ok(mut r) => {
            drafts::merge(&mut r.warnings, in_drafts);
            crate::diag::sort(&mut r.warnings);
            Ok(r)
        }
        Err(mut d) => {
            drafts::merge(&mut d, in_drafts);
            crate::diag::sort(&mut d);
            Err(d)
        }
    }
}

fn check_with(opts: &BuildOptions, memos: &mut Memos) -> Result<Report, Vec<Diag>> {
    let t = Instant::now();
    let mut diags = Diags::new();
    let loaded = load::load(&opts.root, &mut diags);
    let mut p = prepare_loaded(opts, loaded, diags, t.elapsed(), memos)?;
    let outputs = render_all(&mut p, opts.progress.as_ref())?;
    Ok(Report {
        pages: outputs.iter().filter(|o| o.html).count(),
        files: 0,
        images_made: p.site.pictures.made,
        images_pruned: 0,
        warnings: p.warnings,
        timings: p.timings,
    })
}

/// What is wrong in the drafts: the site prepared with them (reusing `memos`, so the rest
/// is not parsed again), keeping what points into a draft, as warnings.
fn draft_problems(opts: &BuildOptions, memos: &mut Memos) -> Vec<Diag> {
    let mut diags = Diags::new();
    let loaded = load::load(&opts.root, &mut diags);
    let drafts = drafts::sources(&loaded);
    if drafts.is_empty() {
        return Vec::new();
    }
    let with = BuildOptions {
        drafts: true,
        progress: None,
        ..opts.clone()
    };
    let found = match prepare_loaded(&with, loaded, diags, Duration::ZERO, memos) {
        Ok(p) => p.warnings,
        Err(d) => d,
    };
    let mut found: Vec<Diag> = found.into_iter().filter(|d| drafts::is_in(d, &drafts)).collect();
    drafts::demote(&mut found, &drafts);
    found
}

/// `haven build`: render and write the whole site.
pub fn build(opts: &BuildOptions) -> Result<Report, Vec<Diag>> {
    let output = opts.output_dir();
    // Refuse a dangerous output folder before doing any work.
    write::check_output_location(&opts.root, &output).map_err(|d| vec![d])?;
    let mut p = prepare(opts).map_err(publishing)?;
    if p.warnings.iter().any(|d| d.blocks_build) {
        return Err(publishing(std::mem::take(&mut p.warnings)));
    }
    let outputs = render_all(&mut p, opts.progress.as_ref())?;
    // The search index reads the typed site data, not the pages. It runs before the write,
    // not beside it: both use the one rayon pool, and beside the minifier it would wait.
    let t = Instant::now();
    let mut search = index_all(&p);
    p.timings.push("index", t.elapsed());
    let index_files: Vec<Output> = std::mem::take(&mut search.files)
        .into_iter()
        .map(index::IndexFile::into_output)
        .collect();
    let files = write::SiteFiles {
        outputs: &outputs,
        statics: &p.site.statics,
        theme: &p.site.theme,
        minify: opts.minify,
    };
    let (written, ()) = write::write_site(&opts.root, &output, &files, |ready| {
        ready();
        Ok((index_files, ()))
    })?;
    p.timings.push("minify+write", written.took);
    // The output is written: the image cache entries this build did not use can go.
    let images_pruned = crate::images::prune(&opts.root, &p.site.pictures).unwrap_or_else(|d| {
        p.warnings.push(d);
        0
    });
    p.timings.steps.extend(search.steps);
    p.warnings.extend(search.warnings);
    Ok(Report {
        pages: outputs.iter().filter(|o| o.html).count(),
        files: written.files,
        images_made: p.site.pictures.made,
        images_pruned,
        warnings: p.warnings,
        timings: p.timings,
    })
}

/// The diagnostics of a build that publishes: the warnings that must not be published
/// (placeholder text, [`Diag::blocks_build`]) become errors.
fn publishing(mut diags: Vec<Diag>) -> Vec<Diag> {
    for d in diags.iter_mut().filter(|d| d.blocks_build) {
        d.severity = Severity::Error;
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;
    use std::path::Path;

    #[test]
    fn once_each_keeps_one_of_each_place_and_message() {
        let a = Source::new(Path::new("/s"), Path::new("/s/content/a.md"), "one\ntwo é three\n");
        let b = Source::new(Path::new("/s"), Path::new("/s/content/b.md"), "one\ntwo é three\n");
        let found = vec![
            Diag::at(&a, (4, 3), "m"),
            Diag::at(&a, (4, 3), "m"),           // again (a second language's pass)
            Diag::at(&a, (4, 1), "m"),           // the same place, another length
            Diag::at(&a, (5, 1), "m"),           // the same line, another column
            Diag::at(&a, (4, 3), "other"),       // another message
            Diag::at(&a, (4, 3), "m").warning(), // a warning beside the error
            Diag::at(&b, (4, 3), "m"),           // another file
            Diag::error("m"),                    // no file
            Diag::error("m"),
        ];
        let places = |ds: &[Diag]| -> Vec<(Option<String>, String)> {
            ds.iter().map(|d| (d.place(), d.message.to_string())).collect()
        };
        let kept = once_each(found);
        assert_eq!(kept.len(), 6, "{:?}", places(&kept));
        let mut seen = HashSet::new();
        assert!(
            kept.iter()
                .all(|d| seen.insert((d.place(), d.message.clone(), d.severity == Severity::Error)))
        );
        assert_eq!(kept[0].place().as_deref(), Some("content/a.md:2:1"));
        assert_eq!(kept[1].place().as_deref(), Some("content/a.md:2:2"));
    }
}
