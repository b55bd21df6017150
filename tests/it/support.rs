//! The fixture helper: copy a fixture site into a temporary folder, patch it, build it,
//! and read what came out.
//!
//! `Site::fixture("basic").build().page("/articles/naloxone/")` builds through the
//! library (fast, no process); [`Site::haven`] runs the real binary for exit codes and
//! stderr. Patches (`write`, `edit`, `remove`) panic when they do not apply, so a test
//! can never pass because its patch silently did nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use haven::diag::{Diag, Severity, render};
use haven::pipeline::{self, BuildOptions, Report};
use scraper::{ElementRef, Html, Selector};
use tempfile::TempDir;
use walkdir::WalkDir;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// A fixture site copied into its own temporary folder.
pub(crate) struct Site {
    /// Shared with every [`Built`], so the folder lives as long as anything reads it
    /// (`None` for the shared builds, which live in Cargo's test scratch folder).
    tmp: Option<Arc<TempDir>>,
    root: PathBuf,
    opts: BuildOptions,
}

impl Site {
    /// Copies `tests/fixtures/<name>/` (or `tests/fixtures/invalid/<name>/`).
    pub(crate) fn fixture(name: &str) -> Self {
        let valid = Path::new(FIXTURES).join(name);
        let src = if valid.is_dir() {
            valid
        } else {
            Path::new(FIXTURES).join("invalid").join(name)
        };
        assert!(
            src.is_dir(),
            "no fixture {name} in tests/fixtures/ or tests/fixtures/invalid/"
        );
        let tmp = tempfile::Builder::new()
            .prefix("haven-it-")
            .tempdir()
            .expect("temp dir");
        let root = tmp.path().join("site");
        copy_dir(&src, &root);
        Site::at(Some(Arc::new(tmp)), root)
    }

    /// The fixture `name`, copied afresh into Cargo's scratch folder as `slot`.
    fn shared(name: &str, slot: &str) -> Self {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("it-shared").join(slot);
        if root.exists() {
            std::fs::remove_dir_all(&root).expect("clear the shared build");
        }
        copy_dir(&Path::new(FIXTURES).join(name), &root);
        Site::at(None, root)
    }

    fn at(tmp: Option<Arc<TempDir>>, root: PathBuf) -> Self {
        let opts = BuildOptions {
            root: root.clone(),
            output: None,
            drafts: false,
            base_url: None,
            minify: true,
            ..BuildOptions::default()
        };
        Site { tmp, root, opts }
    }

    /// Writes (or replaces) a file of the site, relative to the site root.
    pub(crate) fn write(self, rel: &str, text: &str) -> Self {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, text).expect("write fixture file");
        self
    }

    /// Replaces `from` by `to` in a file; panics if `from` is not there.
    pub(crate) fn edit(self, rel: &str, from: &str, to: &str) -> Self {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        let text = text.replacen(from, to, 1);
        self.write(rel, &text)
    }

    /// Appends text to a file.
    pub(crate) fn append(self, rel: &str, more: &str) -> Self {
        let text = self.read(rel) + more;
        self.write(rel, &text)
    }

    /// Deletes a file; panics if it is not there.
    pub(crate) fn remove(self, rel: &str) -> Self {
        std::fs::remove_file(self.root.join(rel)).unwrap_or_else(|e| panic!("remove {rel}: {e}"));
        self
    }

    /// Builds drafts too (`--drafts`).
    pub(crate) fn drafts(mut self) -> Self {
        self.opts.drafts = true;
        self
    }

    /// Overrides `base_url` (`--base-url`).
    pub(crate) fn base_url(mut self, url: &str) -> Self {
        self.opts.base_url = Some(url.to_string());
        self
    }

    /// Text of a file of the site.
    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// The site folder.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// The output folder (`ROOT/output`).
    pub(crate) fn output(&self) -> PathBuf {
        self.opts.output_dir()
    }

    /// Builds through the library; panics with every diagnostic when the build fails.
    pub(crate) fn build(&self) -> Built {
        match pipeline::build(&self.opts) {
            Ok(report) => Built {
                _tmp: self.tmp.clone(),
                out: self.output(),
                report,
            },
            Err(diags) => panic!("the build failed:\n{}", Errors { diags }.text()),
        }
    }

    /// Builds through the library and expects it to fail.
    pub(crate) fn build_err(&self) -> Errors {
        match pipeline::build(&self.opts) {
            Ok(r) => panic!("the build succeeded ({} pages) but errors were expected", r.pages),
            Err(diags) => Errors { diags },
        }
    }

    /// Runs the real `haven` binary in the site folder.
    pub(crate) fn haven(&self, args: &[&str]) -> Run {
        haven_in(&self.root, args)
    }
}

/// Runs the real `haven` binary in `dir`.
pub(crate) fn haven_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .output()
        .expect("run haven");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The `basic` fixture, built once per test run for the tests that only read it.
pub(crate) fn basic() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| Site::shared("basic", "basic").build())
}

/// The sub-path base URL of [`basic_sub`].
pub(crate) const SUB: &str = "https://example.github.io/recovery/";

/// The `basic` fixture built with `--base-url` [`SUB`], once per test run.
pub(crate) fn basic_sub() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| Site::shared("basic", "basic-sub").base_url(SUB).build())
}

fn copy_dir(from: &Path, to: &Path) {
    // Never an image cache (.haven-cache/) that a build of the fixture folder left there:
    // each test site starts without one.
    let walk = WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".haven-cache");
    for entry in walk {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("inside fixture");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("create folder");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy fixture file");
        }
    }
}

/// What the binary did.
#[derive(Debug)]
pub(crate) struct Run {
    /// Exit code (`None` if killed by a signal).
    pub(crate) code: Option<i32>,
    /// Standard output.
    pub(crate) stdout: String,
    /// Standard error.
    pub(crate) stderr: String,
}

/// The diagnostics of a failed build.
pub(crate) struct Errors {
    /// As the pipeline returned them.
    pub(crate) diags: Vec<Diag>,
}

impl Errors {
    /// Number of errors (warnings not counted).
    pub(crate) fn count(&self) -> usize {
        self.diags.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// Everything, rendered as the editor sees it (no colour).
    pub(crate) fn text(&self) -> String {
        self.diags
            .iter()
            .map(|d| render(d, false))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The one diagnostic whose message contains `needle`; panics on none or several.
    pub(crate) fn find(&self, needle: &str) -> &Diag {
        let hits: Vec<&Diag> = self.diags.iter().filter(|d| d.message.contains(needle)).collect();
        assert_eq!(
            hits.len(),
            1,
            "want one error containing {needle:?}, got:\n{}",
            self.text()
        );
        hits[0]
    }

    /// Asserts that the error containing `needle` is shown as `error: {place}: message`
    /// (`place` is `file:line:col`, or just the file) and returns it for more checks.
    pub(crate) fn at(&self, place: &str, needle: &str) -> &Diag {
        let d = self.find(needle);
        let shown = render(d, false);
        let header = shown.lines().next().unwrap_or_default();
        let want = format!("error: {place}: ");
        assert!(
            header.starts_with(&want),
            "want the header to start with {want:?}, got:\n{shown}"
        );
        d
    }
}

/// A successful build's output folder.
pub(crate) struct Built {
    _tmp: Option<Arc<TempDir>>,
    /// The output folder.
    pub(crate) out: PathBuf,
    /// What the build reported.
    pub(crate) report: Report,
}

impl Built {
    /// Output file of a site path: `/a/` -> `a/index.html`, `/feed.xml` -> `feed.xml`.
    pub(crate) fn file(&self, path: &str) -> PathBuf {
        self.out.join(haven::render::out_rel(path))
    }

    /// Whether the build wrote a site path.
    pub(crate) fn exists(&self, path: &str) -> bool {
        self.file(path).is_file()
    }

    /// The text of a site path.
    pub(crate) fn text(&self, path: &str) -> String {
        std::fs::read_to_string(self.file(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
    }

    /// An HTML page, parsed.
    pub(crate) fn page(&self, path: &str) -> Page {
        Page::parse(path, self.text(path))
    }

    /// An XML file, parsed (panics if it is not well-formed).
    pub(crate) fn xml(&self, path: &str) -> Elem {
        Elem::parse(&self.text(path)).unwrap_or_else(|e| panic!("{path} is not well-formed XML: {e}"))
    }

    /// Every HTML file of the output, by path relative to the output folder.
    pub(crate) fn html_pages(&self) -> Vec<(String, Page)> {
        snapshot(&self.out)
            .into_iter()
            .filter(|(rel, _)| rel.ends_with(".html"))
            .map(|(rel, bytes)| {
                let text = String::from_utf8(bytes).expect("HTML is UTF-8");
                (rel.clone(), Page::parse(&rel, text))
            })
            .collect()
    }
}

/// Every file under `dir` (relative path with `/` -> contents).
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk output"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read output file"))
        })
        .collect()
}

/// A parsed HTML page.
pub(crate) struct Page {
    /// Where it came from, for messages.
    pub(crate) path: String,
    /// The HTML as written.
    pub(crate) raw: String,
    /// The parsed document.
    pub(crate) html: Html,
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css:?}: {e}"))
}

impl Page {
    fn parse(path: &str, raw: String) -> Self {
        Page {
            path: path.to_string(),
            html: Html::parse_document(&raw),
            raw,
        }
    }

    /// Every element matching `css`.
    pub(crate) fn select(&self, css: &str) -> Vec<ElementRef<'_>> {
        self.html.select(&sel(css)).collect()
    }

    /// Whether anything matches `css`.
    pub(crate) fn has(&self, css: &str) -> bool {
        !self.select(css).is_empty()
    }

    /// The one element matching `css`; panics on none or several.
    pub(crate) fn one(&self, css: &str) -> ElementRef<'_> {
        let found = self.select(css);
        assert_eq!(found.len(), 1, "{}: want one {css:?}, found {}", self.path, found.len());
        found[0]
    }

    /// Text of the one element matching `css`, whitespace collapsed.
    pub(crate) fn text(&self, css: &str) -> String {
        text_of(self.one(css))
    }

    /// Texts of every element matching `css`.
    pub(crate) fn texts(&self, css: &str) -> Vec<String> {
        self.select(css).into_iter().map(text_of).collect()
    }

    /// Attribute `name` of the one element matching `css`.
    pub(crate) fn attr(&self, css: &str, name: &str) -> String {
        let e = self.one(css);
        e.value()
            .attr(name)
            .unwrap_or_else(|| panic!("{}: {css:?} has no {name}", self.path))
            .to_string()
    }

    /// Attribute `name` of every element matching `css` that has it.
    pub(crate) fn attrs(&self, css: &str, name: &str) -> Vec<String> {
        self.select(css)
            .into_iter()
            .filter_map(|e| e.value().attr(name).map(String::from))
            .collect()
    }

    /// The page's one JSON-LD block, parsed.
    pub(crate) fn json_ld(&self) -> serde_json::Value {
        let script = self.one(r#"script[type="application/ld+json"]"#);
        let text: String = script.text().collect();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: JSON-LD is not JSON ({e}): {text}", self.path))
    }
}

/// Text of an element, whitespace collapsed.
pub(crate) fn text_of(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A minimal XML element tree, enough to assert on feeds and sitemaps.
#[derive(Debug, Default)]
pub(crate) struct Elem {
    /// Qualified name as written (`entry`, `atom:link`).
    pub(crate) name: String,
    /// Attributes, unescaped.
    pub(crate) attrs: BTreeMap<String, String>,
    /// Child elements in order.
    pub(crate) children: Vec<Elem>,
    /// Text directly inside, unescaped and trimmed.
    pub(crate) text: String,
}

impl Elem {
    /// Parses a document and returns its root element. quick-xml checks that end tags match.
    pub(crate) fn parse(xml: &str) -> Result<Elem, String> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack: Vec<Elem> = vec![Elem::default()];
        let open = |e: &quick_xml::events::BytesStart<'_>| -> Result<Elem, String> {
            let mut el = Elem {
                name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                ..Elem::default()
            };
            for a in e.attributes() {
                let a = a.map_err(|e| e.to_string())?;
                let v = a.unescape_value().map_err(|e| e.to_string())?;
                el.attrs
                    .insert(String::from_utf8_lossy(a.key.as_ref()).into_owned(), v.into_owned());
            }
            Ok(el)
        };
        loop {
            let ev = reader.read_event().map_err(|e| e.to_string())?;
            let top = stack.last_mut().ok_or("unbalanced")?;
            match ev {
                Event::Start(e) => {
                    let el = open(&e)?;
                    stack.push(el);
                }
                Event::Empty(e) => top.children.push(open(&e)?),
                Event::End(_) => {
                    let mut done = stack.pop().ok_or("unbalanced")?;
                    done.text = done.text.trim().to_string();
                    stack.last_mut().ok_or("unbalanced")?.children.push(done);
                }
                Event::Text(t) => top.text.push_str(&t.decode().map_err(|e| e.to_string())?),
                Event::CData(t) => top.text.push_str(&t.decode().map_err(|e| e.to_string())?),
                Event::GeneralRef(r) => {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    match r.resolve_char_ref().map_err(|e| e.to_string())? {
                        Some(c) => top.text.push(c),
                        None => top.text.push_str(
                            quick_xml::escape::resolve_predefined_entity(&name)
                                .ok_or_else(|| format!("unknown entity &{name};"))?,
                        ),
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let mut doc = stack.pop().ok_or("unbalanced")?;
        if !stack.is_empty() || doc.children.len() != 1 {
            return Err("not exactly one root element".into());
        }
        Ok(doc.children.remove(0))
    }

    /// Child elements named `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<&Elem> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    /// The first child named `name`; panics if there is none.
    pub(crate) fn child(&self, name: &str) -> &Elem {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("<{}> has no <{name}>", self.name))
    }

    /// Attribute `name`; panics if absent.
    pub(crate) fn attr(&self, name: &str) -> &str {
        self.attrs
            .get(name)
            .unwrap_or_else(|| panic!("<{}> has no attribute {name}", self.name))
    }
}
