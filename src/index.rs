//! Stage 5, index: the prebuilt client-side search index, made with Pagefind as a library.
//!
//! [`index`] is the one place that configures Pagefind. It reads the rendered pages that ask
//! for it ([`Output::index`]: articles and standalone pages; never drafts, redirects, the 404
//! page, lists or topic pages) and the treatment facilities as custom records
//! ([`FacilityRecord`]), and returns the Pagefind bundle as extra [`Output`]s under
//! [`BUNDLE_DIR`], which the write stage writes inside its atomic swap like any other file.
//!
//! Invariants (STYLE.md, "Known traps"):
//! - Pagefind reads the HTML *before* minification: minify-html drops optional end tags and
//!   Pagefind then indexed nothing. The theme marks the text with `data-pagefind-body`.
//! - The bundle comes from `get_files()`, never `write_files()` (which can panic or retry
//!   forever on a file-system error): this module never touches the disk.
//! - An error from Pagefind, or a panic inside it, becomes a [`Diag`]; haven never aborts.
//!
//! Filters (facets) the search page offers, by name: [`FILTER_TYPE`] (`article`, `facility`,
//! `page`), [`FILTER_TOPIC`], [`FILTER_STATE`], [`FILTER_LEVEL`], [`FILTER_MEDICATION`],
//! [`FILTER_PAYMENT`]. Pages get theirs from `data-pagefind-filter` attributes in the theme;
//! facilities from their record.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::panic::AssertUnwindSafe;

use pagefind::api::{PagefindIndex, SyntheticFile};
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use crate::diag::Diag;
use crate::phone;
use crate::render::Output;

/// Folder of the bundle in the output (`pagefind/pagefind.js`).
pub const BUNDLE_DIR: &str = "pagefind";

/// Static hosts' limit on a site's number of files (Cloudflare Pages: 20,000). Fragment
/// grouping ([`fragment_files`]) exists only to keep a site under it.
pub const HOST_FILE_LIMIT: usize = 20_000;

/// Most records in one fragment group file. Each result a reader sees downloads its whole
/// group, so a site that would need bigger groups to stay under [`HOST_FILE_LIMIT`] is not
/// grouped: its readers would pay too much for a limit it can barely keep.
pub const MAX_GROUP_SIZE: usize = 10;

/// Files a site has besides its rendered files and its fragments, estimated: Pagefind's
/// word-index chunks (measured: one per 12 records on 10,000 generated articles, one per 38
/// on 10,000 articles + 30,000 facilities; one per 10 assumed), and 200 for Pagefind's
/// scripts and filter files, the theme's assets and the site's images.
fn other_files(records: usize) -> usize {
    records / 10 + 200
}

/// How many fragment files Pagefind may write (its `max_fragments`), or `None` for one file
/// per record. `site_files` are the files rendered before the index (pages, feeds, the
/// locator's data files). Each indexed record has a fragment (its text, for the excerpt);
/// grouping them into shared files keeps a large site under [`HOST_FILE_LIMIT`], at the
/// price of a bigger download for each result. So fragments are grouped only where that
/// keeps the site under the limit: not when one file per record already fits, and not when
/// the site's own files leave no room (30,000 facility pages are over the limit whatever
/// the index does). When grouped, the groups are as small as the room allows.
pub fn fragment_files(site_files: usize, records: usize) -> Option<u32> {
    let room = HOST_FILE_LIMIT.saturating_sub(site_files + other_files(records));
    if records <= room || room == 0 || records.div_ceil(room) > MAX_GROUP_SIZE {
        return None;
    }
    u32::try_from(room).ok()
}

/// Filter: content type, one of `article`, `facility`, `page`.
pub const FILTER_TYPE: &str = "type";
/// Filter: an article's topics.
pub const FILTER_TOPIC: &str = "topic";
/// Filter: a facility's state.
pub const FILTER_STATE: &str = "state";
/// Filter: a facility's levels of care.
pub const FILTER_LEVEL: &str = "level_of_care";
/// Filter: medications a facility offers.
pub const FILTER_MEDICATION: &str = "medication";
/// Filter: payment a facility accepts.
pub const FILTER_PAYMENT: &str = "payment";

/// A treatment facility as the search index sees it. Values are the text readers see
/// (filter values show as they are written, e.g. `Texas`, `Residential`, `Medicaid`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacilityRecord {
    /// Site path of the facility page, without the base path (`/treatment/tx/austin/x/`).
    pub url: String,
    /// Facility name (the result title).
    pub name: String,
    /// City.
    pub city: String,
    /// State, as shown (also the state filter value).
    pub state: String,
    /// Main phone number, E.164 (`+15125550110`), or empty.
    pub phone: String,
    /// Levels of care (filter values).
    pub levels_of_care: Vec<String>,
    /// Medications offered (filter values).
    pub medications: Vec<String>,
    /// Payment accepted (filter values).
    pub payment: Vec<String>,
    /// Plain-text description (searched, and the source of the excerpt).
    pub description: String,
}

/// One record that went into the index.
#[derive(Debug, Clone)]
pub struct Indexed {
    /// Its URL in the index (a site path without the base path).
    pub url: String,
    /// Words Pagefind indexed for it; 0 means search cannot find it.
    pub words: u32,
    /// Its metadata (`title`, and for facilities `city`, `state`, `phone`, `tel`).
    pub meta: BTreeMap<String, String>,
}

/// What [`index`] made.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// The bundle, as outputs under [`BUNDLE_DIR`].
    pub files: Vec<Output>,
    /// Every record indexed, pages first, in input order.
    pub records: Vec<Indexed>,
    /// Pages search cannot find, and why.
    pub warnings: Vec<Diag>,
    /// Time of each step (reading the pages, the facility records, building and
    /// compressing the bundle), for `haven build --timings`.
    pub steps: Vec<(&'static str, std::time::Duration)>,
}

/// Builds the search bundle from the rendered, not yet minified pages marked `index`, and
/// the facility records. `language` is the site's (`en`, `es-US`).
/// `pages` are all the site's rendered outputs: their number decides whether fragments are
/// grouped ([`fragment_files`]).
pub fn index(pages: &[Output], facilities: &[FacilityRecord], language: &str) -> Result<SearchIndex, Vec<Diag>> {
    index_notifying(pages, facilities, language, &|| ())
}

/// [`index`], calling `records_read` once Pagefind has read every record and goes on to
/// build the bundle, which keeps only one core busy for most of its time: `haven build`
/// starts minifying and writing the site then (`write::write_site`).
pub fn index_notifying(
    pages: &[Output],
    facilities: &[FacilityRecord],
    language: &str,
    records_read: &(dyn Fn() + Sync),
) -> Result<SearchIndex, Vec<Diag>> {
    let records = pages.iter().filter(|o| o.index).count() + facilities.len();
    let max_fragments = fragment_files(pages.len(), records);
    index_with(pages, facilities, language, max_fragments, Names::Short, records_read)
}

/// How the bundle names its records: [`Names::Short`] is what haven ships ([`compact`]);
/// tests also look at the bundle as Pagefind made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    #[cfg(test)]
    Pagefind,
    Short,
}

fn index_with(
    pages: &[Output],
    facilities: &[FacilityRecord],
    language: &str,
    max_fragments: Option<u32>,
    names: Names,
    records_read: &(dyn Fn() + Sync),
) -> Result<SearchIndex, Vec<Diag>> {
    // Pagefind's API is async; a small runtime of our own keeps the rest of haven synchronous.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| vec![failure(&e.to_string())])?;
    // Pagefind unwraps in places (it reads the working folder when configured, for one):
    // a panic there must fail this build with a message, not abort haven.
    let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
        runtime.block_on(run(
            pages,
            facilities,
            &language.to_lowercase(),
            max_fragments,
            names,
            records_read,
        ))
    }));
    match run {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(vec![failure(&format!("Pagefind stopped: {what}"))])
        }
    }
}

async fn run(
    pages: &[Output],
    facilities: &[FacilityRecord],
    language: &str,
    max_fragments: Option<u32>,
    names: Names,
    records_read: &(dyn Fn() + Sync),
) -> Result<SearchIndex, Vec<Diag>> {
    let config = PagefindServiceConfig::builder()
        .force_language(language.to_string())
        // Pagefind groups only for a limit above 0 and below the record count: 0 is "never".
        .max_fragments(max_fragments.unwrap_or(0))
        .build();
    let mut pagefind = PagefindIndex::new(Some(config)).map_err(|e| vec![failure(&format!("{e:#}"))])?;
    let mut out = SearchIndex::default();
    let mut t = std::time::Instant::now();
    let mut lap = |out: &mut SearchIndex, step| {
        out.steps.push((step, t.elapsed()));
        t = std::time::Instant::now();
    };
    let pages: Vec<&Output> = pages.iter().filter(|o| o.index && safe_rel(&o.rel)).collect();
    // Once one page marks its text with data-pagefind-body, Pagefind skips pages without it.
    let any_body = pages.iter().any(|p| has_body_marker(&p.bytes));

    // Pagefind's per-file API (`add_html_file`, `add_custom_record`) parses one record at a
    // time under a lock and looks each new URL up in a list of all records so far: serial,
    // and quadratic in the site's size (on 10,000 articles + 30,000 facilities it took 158 s
    // of a 287 s index stage). Its directory API parses files in parallel with no such
    // lookup. So every record is written to a private temporary folder as the HTML file
    // Pagefind would find on disk (pages as rendered, facilities as a small page of their
    // own fields), and the folder is added in one call. See docs/performance.md.
    // Pages as they are (borrowed, not copied); facilities made into pages here.
    let files: Vec<(String, Cow<'_, [u8]>)> = pages
        .iter()
        .map(|p| (p.rel.clone(), Cow::Borrowed(&p.bytes[..])))
        .chain(facilities.iter().filter(|f| safe_rel(&f.url)).map(|f| {
            let rel = format!("{}index.html", f.url.trim_start_matches('/'));
            (rel, Cow::Owned(facility_html(f, language).into_bytes()))
        }))
        .collect();
    let folder =
        write_records(&files).map_err(|e| vec![failure(&format!("cannot write to a temporary folder: {e}"))])?;
    drop(files);
    lap(&mut out, "index: write records");
    pagefind
        .add_directory(folder.path().to_string_lossy().into_owned(), Some("**/*.html".into()))
        .await
        .map_err(|e| vec![failure(&format!("cannot read the pages: {e:#}"))])?;
    lap(&mut out, "index: read records");
    records_read();
    let files = pagefind
        .get_files()
        .await
        .map_err(|e| vec![failure(&format!("{e:#}"))])?;
    out.files = files.into_iter().filter_map(bundle_output).collect();
    lap(&mut out, "index: bundle");
    if names == Names::Short
        && let Err(e) = compact::compact(&mut out.files)
    {
        out.warnings.push(
            Diag::error(format!("the search index was written with its full-size record names: {e}"))
                .help("search works, but a first search downloads more; this is a problem in haven, not in your content: please report it")
                .warning(),
        );
    }
    drop_unused_wasm(&mut out.files);
    out.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    lap(&mut out, "index: short names");
    drop(folder);
    lap(&mut out, "index: clean up");

    // What went in, read back from the bundle's fragments (one per record found).
    let mut found = read_fragments(&out.files);
    for page in pages {
        let url = page_url(&page.rel);
        let record = found.remove(&url);
        if any_body && !has_body_marker(&page.bytes) {
            out.warnings.push(
                Diag::error(format!(
                    "search skips {url}: its template has no data-pagefind-body element"
                ))
                .help("add data-pagefind-body to the element that holds the page's text (see docs/search.md)")
                .warning(),
            );
        } else if record.as_ref().is_none_or(|r| r.words == 0) {
            out.warnings.push(
                Diag::error(format!("search cannot find {url}: it has no text to index"))
                    .help("give the page some text, or check that data-pagefind-body is on the element that holds it")
                    .warning(),
            );
        }
        out.records.push(record.unwrap_or(Indexed {
            url,
            words: 0,
            meta: BTreeMap::new(),
        }));
    }
    for f in facilities {
        out.records.push(found.remove(&f.url).unwrap_or(Indexed {
            url: f.url.clone(),
            words: 0,
            meta: BTreeMap::new(),
        }));
    }
    lap(&mut out, "index: check records");
    Ok(out)
}

/// Writes the records into a new private folder: in memory (`/dev/shm`) when the machine
/// has room there, else in the system's temporary folder (`TMPDIR`). Creating thousands
/// of files on a disk file system costs more than Pagefind's parsing saves.
fn write_records(files: &[(String, Cow<'_, [u8]>)]) -> std::io::Result<tempfile::TempDir> {
    let prefix = format!("{RECORDS_PREFIX}{}-", std::process::id());
    let write_in = |base: Option<&std::path::Path>| -> std::io::Result<tempfile::TempDir> {
        let mut b = tempfile::Builder::new();
        b.prefix(&prefix);
        let folder = match base {
            Some(base) => b.tempdir_in(base)?,
            None => b.tempdir()?,
        };
        // One at a time, in a fixed order: Pagefind numbers the records in the order it
        // lists the folder, and a file system lists entries in an order that can depend on
        // the order they were made in (tmpfs: newest first). Written in parallel, two builds
        // of the same site gave different bundles.
        for (rel, bytes) in files {
            let path = folder.path().join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, &bytes[..])?;
        }
        Ok(folder)
    };
    let shm = std::path::Path::new("/dev/shm");
    for base in [shm.to_path_buf(), std::env::temp_dir()] {
        remove_orphans(&base);
    }
    if shm.is_dir()
        && let Ok(folder) = write_in(Some(shm))
    {
        return Ok(folder);
    }
    write_in(None)
}

/// Start of the records folders' names; the process id follows.
const RECORDS_PREFIX: &str = "haven-search-";

/// Removes records folders left by haven processes that no longer run (a build killed
/// with SIGKILL cannot remove its own, and in `/dev/shm` they hold memory). Linux only:
/// elsewhere a process's liveness is not read from `/proc`.
fn remove_orphans(base: &std::path::Path) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(base) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(RECORDS_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let mine = e.metadata().is_ok_and(|m| m.is_dir() && is_own(&m));
        if mine && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Whether a file belongs to this process's user.
fn is_own(m: &std::fs::Metadata) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        m.uid() == rustix::process::getuid().as_raw()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = m;
        false
    }
}

/// Whether an output path or URL stays inside the folder it is written to.
fn safe_rel(rel: &str) -> bool {
    !rel.split('/').any(|c| c == ".." || c == ".") && !rel.contains('\\')
}

/// A facility as the small HTML page Pagefind reads: its text in the body, its metadata
/// and filters in elements outside it (so they are not searched as text twice).
fn facility_html(f: &FacilityRecord, language: &str) -> String {
    let (content, meta, filters) = facility_fields(f);
    let e = crate::render::html_escape;
    let mut html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\
         <main data-pagefind-body><p>{}</p></main>",
        e(language),
        e(&f.name),
        e(&content)
    );
    for (key, value) in &meta {
        html.push_str(&format!("<span data-pagefind-meta=\"{}\">{}</span>", e(key), e(value)));
    }
    for (key, values) in &filters {
        for value in values {
            html.push_str(&format!(
                "<span data-pagefind-filter=\"{}\">{}</span>",
                e(key),
                e(value)
            ));
        }
    }
    html.push_str("</body></html>");
    html
}

/// The records in a bundle, by URL, read from its fragment files.
fn read_fragments(files: &[Output]) -> HashMap<String, Indexed> {
    #[derive(serde::Deserialize)]
    struct Fragment {
        url: String,
        word_count: u32,
        #[serde(default)]
        meta: BTreeMap<String, String>,
    }
    files
        .par_iter()
        .filter_map(decode_fragment::<Fragment>)
        .flatten_iter()
        .map(|f| {
            (
                f.url.clone(),
                Indexed {
                    url: f.url,
                    words: f.word_count,
                    meta: f.meta,
                },
            )
        })
        .collect()
}

/// The records of one file of the bundle, if it is a fragment file: gzipped JSON after
/// Pagefind's signature, one record, or a map of several in a group file. `None` for
/// other files and for a fragment that does not decode.
fn decode_fragment<T: serde::de::DeserializeOwned>(f: &Output) -> Option<Vec<T>> {
    if !f.rel.starts_with(&format!("{BUNDLE_DIR}/fragment/")) {
        return None;
    }
    let json = payload(&f.bytes)?;
    if f.rel.contains("_group_") {
        serde_json::from_slice::<BTreeMap<String, T>>(&json)
            .ok()
            .map(|m| m.into_values().collect())
    } else {
        serde_json::from_slice::<T>(&json).ok().map(|one| vec![one])
    }
}

/// Signature Pagefind writes before the payload of each of its gzipped files.
const SIGNATURE: &[u8] = b"pagefind_dcd";

/// The payload of one of Pagefind's gzipped files (fragments, metadata): gunzipped, the
/// signature removed. `None` if it is not such a file.
fn payload(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut raw).ok()?;
    raw.strip_prefix(SIGNATURE).map(<[u8]>::to_vec)
}

/// The bundle's entry file (`pagefind-entry.json`): where it is in `files`, and its JSON.
fn entry(files: &[Output]) -> Option<(usize, serde_json::Value)> {
    let rel = format!("{BUNDLE_DIR}/pagefind-entry.json");
    let at = files.iter().position(|f| f.rel == rel)?;
    serde_json::from_slice(&files[at].bytes).ok().map(|json| (at, json))
}

/// The text, metadata and filters of a facility's record.
fn facility_fields(f: &FacilityRecord) -> (String, BTreeMap<String, String>, BTreeMap<String, Vec<String>>) {
    let place = [f.city.as_str(), f.state.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let mut content: Vec<String> = vec![format!("{}.", f.name)];
    if !place.is_empty() {
        content.push(format!("{place}."));
    }
    for list in [&f.levels_of_care, &f.medications, &f.payment] {
        if !list.is_empty() {
            content.push(format!("{}.", list.join(", ")));
        }
    }
    content.push(f.description.clone());
    let mut meta = BTreeMap::from([("title".to_string(), f.name.clone())]);
    for (key, value) in [("city", &f.city), ("state", &f.state)] {
        if !value.is_empty() {
            meta.insert(key.into(), value.clone());
        }
    }
    if !f.phone.is_empty() {
        meta.insert("phone".into(), phone::display(&f.phone));
        meta.insert("tel".into(), phone::tel(&f.phone));
    }
    let state = if f.state.is_empty() {
        vec![]
    } else {
        vec![f.state.clone()]
    };
    let filters = [
        (FILTER_TYPE, vec!["facility".to_string()]),
        (FILTER_STATE, state),
        (FILTER_LEVEL, f.levels_of_care.clone()),
        (FILTER_MEDICATION, f.medications.clone()),
        (FILTER_PAYMENT, f.payment.clone()),
    ]
    .into_iter()
    .filter(|(_, values)| !values.is_empty())
    .map(|(k, v)| (k.to_string(), v.into_iter().filter(|s| !s.is_empty()).collect()))
    .collect();
    (content.join(" ").trim().to_string(), meta, filters)
}

/// Output path -> the URL Pagefind stores: `articles/x/index.html` -> `/articles/x/`.
/// Without the base path: the search page's script adds it (Pagefind's `baseUrl`).
fn page_url(rel: &str) -> String {
    format!("/{}", rel.strip_suffix("index.html").unwrap_or(rel))
}

fn has_body_marker(html: &[u8]) -> bool {
    html.windows(b"data-pagefind-body".len())
        .any(|w| w == b"data-pagefind-body")
}

/// Keeps the files our search page uses; Pagefind's own UIs and highlighter are left out.
fn bundle_output(file: SyntheticFile) -> Option<Output> {
    let rel = file.filename.to_string_lossy().replace('\\', "/");
    let name = rel.rsplit('/').next().unwrap_or(&rel);
    let used = matches!(name, "pagefind.js" | "pagefind-worker.js" | "pagefind-entry.json")
        || name.starts_with("wasm.")
        || name.ends_with(".pf_meta")
        || ["fragment/", "index/", "filter/"].iter().any(|d| rel.starts_with(d));
    used.then(|| Output {
        rel: format!("{BUNDLE_DIR}/{rel}"),
        bytes: file.contents,
        html: false,
        index: false,
    })
}

/// Removes the WebAssembly files that no language of the entry file uses. Pagefind always
/// writes `wasm.unknown.pagefind` (58 KiB) besides the one for the site's language; the
/// search script loads only the one the entry file names. Kept as they are when the entry
/// file cannot be read.
fn drop_unused_wasm(files: &mut Vec<Output>) {
    let Some((_, entry)) = entry(files) else {
        return;
    };
    let Some(languages) = entry.get("languages").and_then(|l| l.as_object()) else {
        return;
    };
    // A language without a stemmer has no `wasm` of its own: the script then loads
    // `wasm.unknown.pagefind`.
    let used: Vec<String> = languages
        .values()
        .map(|l| l.get("wasm").and_then(|w| w.as_str()).unwrap_or("unknown"))
        .map(|w| format!("{BUNDLE_DIR}/wasm.{w}.pagefind"))
        .collect();
    if used.is_empty() {
        return;
    }
    let wasm = format!("{BUNDLE_DIR}/wasm.");
    files.retain(|f| !f.rel.starts_with(&wasm) || used.contains(&f.rel));
}

fn failure(what: &str) -> Diag {
    Diag::error(format!("cannot build the search index: {what}"))
        .help("this is a problem in haven or its search library, not in your content; please report it")
}

mod compact;

#[cfg(test)]
mod tests;
