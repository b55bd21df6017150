//! Stage 5, index: haven's own client-side search index, built from the typed site data.
//!
//! [`index`] makes one [`Record`] per searchable thing (articles and standalone pages;
//! facilities; never drafts, redirects, the 404 page, lists, topic or author pages, the
//! search page), scores their words with BM25F ([`build`]) and writes the files of
//! [`format`] under [`BUNDLE_DIR`], as [`Output`]s the write stage writes inside its atomic
//! swap like any other file. docs/search.md describes the files for another client.
//!
//! Hand-written, not a crate: no maintained crate builds a static, sharded index that a
//! plain-JavaScript client can read in a few small files (docs/search.md, "Why our own").
//!
//! Filters (facets) the search page offers, by name: [`FILTER_TYPE`] (`article`, `facility`,
//! `page`), [`FILTER_TOPIC`], [`FILTER_STATE`], [`FILTER_LEVEL`], [`FILTER_MEDICATION`],
//! [`FILTER_PAYMENT`].

use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::diag::Diag;
use crate::facility::Facility;
use crate::facility::vocabulary::{self as v, Term};
use crate::markdown::PlainText;
use crate::phone;
use crate::render::Output;
use crate::resolve::Site;

pub mod build;
pub mod format;
pub mod live;
pub mod record;
pub mod text;

/// Folder of the index in the output (`search-index/manifest.json`); defined in
/// [`crate::paths`] so that render and resolve need not import from this stage.
pub use crate::paths::BUNDLE_DIR;
pub use record::{FIELDS, Record};

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

/// The built-in glossary: words and phrases of the field a reader may use for one another.
/// A site adds its own in site.yaml (`search: { synonyms: ... }`).
pub const GLOSSARY: &[&[&str]] = &[
    &["naloxone", "narcan"],
    &["buprenorphine", "suboxone", "subutex", "bupe"],
    &["naltrexone", "vivitrol"],
    &["methadone clinic", "opioid treatment program", "otp"],
    &[
        "mat",
        "moud",
        "medication-assisted treatment",
        "medication for opioid use disorder",
    ],
    &["rehab", "treatment"],
    &["detox", "withdrawal management", "detoxification"],
    &[
        "aa",
        "na",
        "12-step",
        "twelve step",
        "alcoholics anonymous",
        "narcotics anonymous",
    ],
];

/// One file of the index: its path under the output root (`search-index/…`) and its
/// bytes, shared with the memo of `haven serve`, which serves them without a copy (copying
/// the 4.8 MB of an S site's index on every save was about a millisecond of each).
#[derive(Debug, Clone)]
pub struct IndexFile {
    /// Path relative to the output root.
    pub rel: String,
    /// Contents.
    pub bytes: Arc<Vec<u8>>,
}

impl IndexFile {
    /// The file as an output to write: its bytes moved out when nothing else holds them
    /// (`haven build`, whose state keeps no file), copied otherwise.
    pub fn into_output(self) -> Output {
        Output {
            rel: self.rel,
            bytes: Arc::try_unwrap(self.bytes).unwrap_or_else(|shared| shared.as_ref().clone()),
            html: false,
        }
    }
}

/// What [`index`] made.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// The index files, under [`BUNDLE_DIR`].
    pub files: Vec<IndexFile>,
    /// Records indexed.
    pub records: usize,
    /// Records search cannot find, and why.
    pub warnings: Vec<Diag>,
    /// Time of each step, for `haven build --timings`.
    pub steps: Vec<(&'static str, std::time::Duration)>,
}

/// Builds the search index of `site`.
pub fn index(site: &Site) -> SearchIndex {
    index_with(site, &mut live::Memo::default())
}

/// [`index`], reusing what `memo` kept of an earlier build of the same site: the same
/// files, with only the changed records read and tokenized again.
pub fn index_with(site: &Site, memo: &mut live::Memo) -> SearchIndex {
    index_remembering(site, memo, &mut Made::default())
}

/// What `haven serve` keeps of one language's index from one build to the next: the
/// index's own memo ([`live::Memo`]) and the records made ([`Made`]).
#[derive(Debug, Default)]
pub struct Memo {
    /// Records' words and the index state.
    pub live: live::Memo,
    /// Finished records, by what they were made from.
    pub made: Made,
}

impl Memo {
    /// A memo that remembers (for `haven serve`).
    pub fn remembering() -> Self {
        Memo {
            live: live::Memo::remembering(),
            made: Made::default(),
        }
    }
}

/// [`index_with`], also keeping the finished records in `memo` (`haven serve`): an edit
/// makes again only the records whose inputs changed.
pub fn index_memo(site: &Site, memo: &mut Memo) -> SearchIndex {
    index_remembering(site, &mut memo.live, &mut memo.made)
}

fn index_remembering(site: &Site, memo: &mut live::Memo, made: &mut Made) -> SearchIndex {
    let mut out = SearchIndex::default();
    let mut t = Instant::now();
    let mut lap = |out: &mut SearchIndex, step| {
        out.steps.push((step, t.elapsed()));
        t = Instant::now();
    };
    let records = records_with(site, memo, made);
    lap(&mut out, "index: records");
    let synonyms = synonyms(&site.config.search_synonyms);
    let ((files, n), warnings) = files_with(records, &site.config.language, synonyms, &mut out.steps, memo);
    out.records = n;
    out.files = files;
    out.warnings = warnings;
    out
}

/// The glossary and the site's own groups, folded (each member a phrase of folded words).
pub fn synonyms(site: &[Vec<String>]) -> Vec<Vec<String>> {
    let phrase = |p: &str| text::words(p).collect::<Vec<_>>().join(" ");
    GLOSSARY
        .iter()
        .map(|g| g.iter().map(|p| phrase(p)).collect::<Vec<_>>())
        .chain(site.iter().map(|g| g.iter().map(|p| phrase(p)).collect()))
        .map(|mut g: Vec<String>| {
            g.retain(|p| !p.is_empty());
            g.dedup();
            g
        })
        .filter(|g| g.len() > 1)
        .collect()
}

/// The records of a site, in id order: articles, then pages, then facilities by state,
/// city and name (so a city's facilities share record files).
pub fn records(site: &Site) -> Vec<Arc<Record>> {
    records_with(site, &mut live::Memo::default(), &mut Made::default())
}

/// Finished records of the last build (`haven serve`), each kept with everything it was
/// made from, so that it is used again only when all of that is equal: it is a cache of
/// a pure function. A memo that does not remember (`haven build`) keeps nothing.
#[derive(Debug, Default)]
pub struct Made {
    /// Articles and pages, by source file: what [`written`] read, and the record (shared
    /// with the build that used it: an unchanged record is a pointer, not a copy).
    written: rustc_hash::FxHashMap<String, (Written, Arc<Record>)>,
    /// The facility directory the facility records were made from (kept, so that the same
    /// allocation is never another directory), and those records in record order.
    facilities: Option<(Arc<crate::facility::Directory>, Vec<Arc<Record>>)>,
    /// Records made (not found) by the last build.
    made: usize,
}

impl Made {
    /// How many records the last build made (the others were found).
    pub fn made(&self) -> usize {
        self.made
    }
}

/// Everything an article's or page's record is made from, kept with the record
/// ([`Inputs::made`] compares a build's inputs with it).
#[derive(Debug)]
struct Written {
    body: Arc<PlainText>,
    path: String,
    title: String,
    kind: &'static str,
    described: Vec<String>,
    topics: Vec<String>,
}

impl Written {
    /// The inputs of a record with an empty description and no topics.
    fn new(body: &Arc<PlainText>, path: &str, title: &str, kind: &'static str) -> Self {
        Written {
            body: Arc::clone(body),
            path: path.to_string(),
            title: title.to_string(),
            kind,
            described: Vec::new(),
            topics: Vec::new(),
        }
    }
}

/// What an article's or page's record is made from, borrowed from the site: compared
/// with a kept [`Written`] in place, copied into one only for a record made again (on a
/// save of `haven serve`, copying these for every article was most of the step).
struct Inputs<'a> {
    /// The file, which names the record in the memo.
    name: &'a str,
    /// The body's headings and passages, read by the resolve stage's scan.
    body: &'a Arc<PlainText>,
    path: &'a str,
    title: &'a str,
    kind: &'static str,
    description: &'a str,
    /// The article's topics, indexes into `names`.
    topics: &'a [usize],
    names: &'a [crate::resolve::Topic],
}

impl Inputs<'_> {
    /// The names of the topics.
    fn topic_names(&self) -> impl Iterator<Item = &str> + Clone {
        self.topics
            .iter()
            .filter_map(|&i| self.names.get(i))
            .map(|t| t.name.as_str())
    }

    /// The owned inputs: the description, then the topics, describe the record.
    fn written(&self) -> Written {
        let topics: Vec<String> = self.topic_names().map(str::to_string).collect();
        Written {
            described: std::iter::once(self.description.to_string())
                .chain(topics.iter().cloned())
                .collect(),
            topics,
            ..Written::new(self.body, self.path, self.title, self.kind)
        }
    }

    /// Whether `k` is what [`Inputs::written`] would make. The body compares by its
    /// allocation first (the resolve stage keeps a body's scan while its text is the
    /// same): a kept record is found on every save of `haven serve` without comparing
    /// the article's text.
    fn made(&self, k: &Written) -> bool {
        let described = std::iter::once(self.description).chain(self.topic_names());
        (Arc::ptr_eq(&k.body, self.body) || k.body == *self.body)
            && k.path == self.path
            && k.title == self.title
            && k.kind == self.kind
            && k.topics.iter().map(String::as_str).eq(self.topic_names())
            && k.described.iter().map(String::as_str).eq(described)
    }
}

/// [`records`], with the finished records taken from `made` when made from the same
/// inputs (`memo` remembering).
fn records_with(site: &Site, memo: &mut live::Memo, made: &mut Made) -> Vec<Arc<Record>> {
    let remember = memo.remembers();
    let mut out = Vec::new();
    let mut count = 0;
    let articles = site.articles.iter().filter(|a| !a.article.draft).map(|a| Inputs {
        name: &a.article.source.name,
        body: &a.text,
        path: &a.path,
        title: &a.article.title,
        kind: "article",
        description: &a.description,
        topics: &a.topics,
        names: &site.topics,
    });
    let pages = site.pages.iter().filter(|p| !p.page.draft).map(|p| Inputs {
        name: &p.page.source.name,
        body: &p.text,
        path: &p.path,
        title: &p.page.title,
        kind: "page",
        description: &p.description,
        topics: &[],
        names: &site.topics,
    });
    let inputs: Vec<Inputs<'_>> = articles.chain(pages).collect();
    if remember {
        // Found in place: an unchanged record costs a lookup and a comparison, not a copy
        // of what it was made from.
        for i in &inputs {
            match made.written.get(i.name) {
                Some((k, r)) if i.made(k) => out.push(Arc::clone(r)),
                _ => {
                    count += 1;
                    let w = i.written();
                    let r = Arc::new(record_of(&w));
                    out.push(Arc::clone(&r));
                    made.written.insert(i.name.to_string(), (w, r));
                }
            }
        }
        if made.written.len() > inputs.len() {
            let live: rustc_hash::FxHashSet<&str> = inputs.iter().map(|i| i.name).collect();
            made.written.retain(|name, _| live.contains(name.as_str()));
        }
    } else {
        // A build remembers nothing. The bodies' text was read by the resolve stage's
        // Markdown pass and is shared, not copied: no Markdown is parsed here.
        out = inputs
            .into_par_iter()
            .map(|i| Arc::new(record_of(&i.written())))
            .collect();
        count += out.len();
    }
    // A facility's record reads its facility alone: the same directory, the same records.
    match &made.facilities {
        Some((d, records)) if remember && Arc::ptr_eq(d, &site.facilities) => {
            out.extend(records.iter().map(Arc::clone));
        }
        _ => {
            let mut facilities: Vec<_> = site.facilities.facilities.iter().collect();
            facilities
                .sort_by(|a, b| (&a.state, &a.city, &a.name, &a.path).cmp(&(&b.state, &b.city, &b.name, &b.path)));
            let records: Vec<Arc<Record>> = facilities
                .into_par_iter()
                .map(|f| Arc::new(facility_record(f)))
                .collect();
            count += records.len();
            if remember {
                out.extend(records.iter().map(Arc::clone));
                made.facilities = Some((Arc::clone(&site.facilities), records));
            } else {
                out.extend(records);
            }
        }
    }
    made.made = count;
    out
}

/// The labels of vocabulary ids (an id the vocabulary does not know is kept as it is).
fn labels(list: &'static [Term], ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|id| v::find(list, id).map_or_else(|| id.clone(), |t| t.label.to_string()))
        .collect()
}

/// The record of a facility: its name, place, care lists and description as fields, its
/// state and care lists as filters.
fn facility_record(f: &Facility) -> Record {
    let state = v::state_name(&f.state).unwrap_or(&f.state).to_string();
    let place = [f.city.as_str(), state.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let levels = labels(v::LEVELS_OF_CARE, &f.levels_of_care);
    let medications = labels(v::MEDICATIONS, &f.medications);
    let payment = labels(v::PAYMENT, &f.payment);
    let populations = labels(v::POPULATIONS, &f.populations);
    let languages: Vec<String> = f
        .languages
        .iter()
        .map(|l| v::language(l).map_or_else(|| l.clone(), |(name, native)| format!("{name} {native}")))
        .collect();
    let care = [&levels, &medications, &payment]
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.join(", "))
        .collect::<Vec<_>>();
    let mut passages: Vec<String> = vec![];
    if !f.description_text.is_empty() {
        passages.extend(f.description_text.split_inclusive(". ").map(|s| s.trim().to_string()));
    }
    passages.extend(care.iter().cloned());
    let (ph, tel) = if f.phone.is_empty() {
        (String::new(), String::new())
    } else {
        (phone::display(&f.phone), phone::tel(&f.phone))
    };
    let mut r = Record {
        display: format::Display {
            u: f.path.clone(),
            t: f.name.clone(),
            k: "facility".into(),
            pl: place.clone(),
            ph,
            tel,
            s: u8::from(f.sponsored),
            x: vec![],
        },
        fields: [
            vec![f.name.clone()].into(),
            vec![place].into(),
            levels
                .iter()
                .chain(&medications)
                .chain(&payment)
                .chain(&populations)
                .chain(&languages)
                .chain(&f.services)
                .cloned()
                .collect(),
            passages.into(),
        ],
        facets: vec![(FILTER_TYPE, "facility".into())],
    };
    if !state.is_empty() {
        r.facets.push((FILTER_STATE, state));
    }
    r.facets.extend(levels.into_iter().map(|l| (FILTER_LEVEL, l)));
    r.facets.extend(medications.into_iter().map(|l| (FILTER_MEDICATION, l)));
    r.facets.extend(payment.into_iter().map(|l| (FILTER_PAYMENT, l)));
    r
}

/// The record of an article or page (`w.kind` `article` or `page`): its title, the
/// headings and passages of its body (shared), its description and topics.
fn record_of(w: &Written) -> Record {
    let mut facets = vec![(FILTER_TYPE, w.kind.into())];
    facets.extend(w.topics.iter().map(|t| (FILTER_TOPIC, t.clone())));
    Record {
        display: format::Display {
            u: w.path.clone(),
            t: w.title.clone(),
            k: w.kind.into(),
            ..Default::default()
        },
        fields: [
            vec![w.title.clone()].into(),
            Arc::clone(&w.body.headings),
            w.described.clone().into(),
            Arc::clone(&w.body.passages),
        ],
        facets,
    }
}

/// The index files of `records`, and the number of records; warnings for records
/// without words.
pub fn files(
    records: Vec<Record>,
    language: &str,
    synonyms: Vec<Vec<String>>,
    steps: &mut Vec<(&'static str, std::time::Duration)>,
) -> ((Vec<Output>, usize), Vec<Diag>) {
    let records = records.into_iter().map(Arc::new).collect();
    let ((files, n), warnings) = files_with(records, language, synonyms, steps, &mut live::Memo::default());
    ((files.into_iter().map(IndexFile::into_output).collect(), n), warnings)
}

/// [`files`], reusing the words `memo` kept of unchanged records.
fn files_with(
    records: Vec<Arc<Record>>,
    language: &str,
    synonyms: Vec<Vec<String>>,
    steps: &mut Vec<(&'static str, std::time::Duration)>,
    memo: &mut live::Memo,
) -> ((Vec<IndexFile>, usize), Vec<Diag>) {
    let mut t = Instant::now();
    let mut lap = |step| {
        steps.push((step, t.elapsed()));
        t = Instant::now();
    };
    let stemmer = text::Stemmer::for_language(language);
    let counted = build::count(&records, &stemmer, &mut memo.tokens);
    lap("index: count");
    let mut live = if memo.remembers() {
        std::mem::take(&mut memo.live)
    } else {
        live::Live::once()
    };
    live.update(records, counted, &memo.tokens.lexicon);
    live.groups(&synonyms);
    lap("index: score");
    let records = live.records();
    let warnings = unfindable(records, |i| live.is_empty(i));
    let manifest = format::Manifest {
        v: format::VERSION,
        build: String::new(),
        lang: language.to_string(),
        n: u32::try_from(records.len()).unwrap_or(u32::MAX),
        chunk: format::CHUNK as u32,
        shards: Vec::new(),
        sponsored: format::encode_ids(&sponsored(records)),
        kinds: format::kinds(records.iter().map(|r| r.display.k.as_str())),
        synonyms,
    };
    let n = records.len();
    let made = live.files();
    lap("index: encode");
    let manifest = format::Manifest {
        shards: made.firsts,
        build: made.build.clone(),
        ..manifest
    };
    let build = made.build;
    if !memo.remembers() {
        // The state is not kept, and a state made once keeps no file's bytes
        // ([`live::Live::files`]). Its millions of small allocations are freed beside the
        // next stages, not before them: 90 ms at L on the build's one thread.
        let done = std::mem::take(&mut live);
        std::thread::spawn(move || drop(done));
    }
    let mut files: Vec<IndexFile> = made
        .named
        .into_iter()
        .map(|(name, bytes)| IndexFile {
            rel: format!("{BUNDLE_DIR}/{build}/{name}"),
            bytes,
        })
        .collect();
    files.push(IndexFile {
        rel: format!("{BUNDLE_DIR}/manifest.json"),
        bytes: Arc::new(live::json(&manifest)),
    });
    lap("index: name");
    if memo.remembers() {
        memo.live = live;
    }
    ((files, n), warnings)
}

/// A warning for each record that has no word to index: search cannot find it.
fn unfindable(records: &[Arc<Record>], empty: impl Fn(usize) -> bool) -> Vec<Diag> {
    records
        .iter()
        .enumerate()
        .filter(|(i, _)| empty(*i))
        .map(|(_, r)| {
            Diag::error(format!("search cannot find {}: it has no text to index", r.display.u))
                .help("give it a title and some text")
                .warning()
        })
        .collect()
}

/// The ids of the sponsored records.
fn sponsored(records: &[Arc<Record>]) -> Vec<u32> {
    records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.display.s == 1)
        .map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX))
        .collect()
}

#[cfg(test)]
mod tests;
