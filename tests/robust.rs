//! Robustness: hostile input, limits and file-system cases (issue 8).
//!
//! Every test builds a small site written into a temporary folder with the real pipeline
//! (`haven::pipeline::build`) and asserts on the files it wrote, or on the errors it gave.

// Helpers outside #[test] functions: a panic is how they report a broken fixture.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use haven::diag::Diag;
use haven::pipeline::{self, BuildOptions};
use scraper::{Html, Selector};
use tempfile::TempDir;

#[path = "robust/files.rs"]
mod files;
#[path = "robust/injection.rs"]
mod injection;
#[path = "robust/limits.rs"]
mod limits;

/// A site written into a temporary folder, file by file.
struct Site {
    dir: TempDir,
    files: BTreeMap<String, Vec<u8>>,
}

/// A site that builds: site.yaml, one author, one article.
const SITE_YAML: &str = "title: Test Site\nbase_url: https://example.org/\ncrisis_lines: []\n";
const AUTHOR: &str = "name: Jane Roe\n";
const ARTICLE: &str = "---\ntitle: Hello\nauthor: jane\npublished: 2024-01-02\n---\nSome text.\n";

impl Site {
    /// The minimal site.
    fn new() -> Self {
        Site {
            dir: tempfile::tempdir().unwrap(),
            files: BTreeMap::new(),
        }
        .file("content/site.yaml", SITE_YAML)
        .file("content/authors/jane.yaml", AUTHOR)
        .file("content/articles/hello.md", ARTICLE)
    }

    /// Sets (or replaces) a file, path relative to the site root.
    fn file(mut self, rel: &str, text: impl AsRef<[u8]>) -> Self {
        self.files.insert(rel.to_string(), text.as_ref().to_vec());
        self
    }

    /// The site root.
    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes the files (done by `build`; call it to add links by hand first).
    fn write(&self) {
        for (rel, bytes) in &self.files {
            let path = self.root().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }

    /// Writes the files and builds.
    fn build(&self) -> Result<Built, Vec<Diag>> {
        self.write();
        self.build_only()
    }

    /// Builds what is on disk.
    fn build_only(&self) -> Result<Built, Vec<Diag>> {
        let opts = BuildOptions {
            root: self.root().to_path_buf(),
            minify: true,
            ..BuildOptions::default()
        };
        pipeline::build(&opts)?;
        Ok(Built {
            out: self.root().join("output"),
        })
    }

    /// Builds, expecting failure; returns every message (with help) as one string per error.
    fn errors(&self) -> Vec<String> {
        match self.build() {
            Ok(_) => panic!("the build was expected to fail"),
            Err(ds) => ds.iter().map(describe).collect(),
        }
    }
}

/// One error as text: file, line, message and help.
fn describe(d: &Diag) -> String {
    let place = d.source.as_ref().map(|s| s.name.clone()).unwrap_or_default();
    let lc = d.line_col().map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default();
    format!("{place}{lc}: {} (help: {})", d.message, d.help.as_deref().unwrap_or(""))
}

/// A built site's output folder.
struct Built {
    out: PathBuf,
}

impl Built {
    /// Text of an output file.
    fn text(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// A parsed HTML page.
    fn page(&self, rel: &str) -> Html {
        Html::parse_document(&self.text(rel))
    }

    /// Every HTML file written, relative path and parsed document.
    fn pages(&self) -> Vec<(String, Html)> {
        walkdir::WalkDir::new(&self.out)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
            .map(|e| {
                let rel = e.path().strip_prefix(&self.out).unwrap().to_string_lossy().to_string();
                (rel.clone(), self.page(&rel))
            })
            .collect()
    }
}

/// Selects with a CSS selector known to be valid.
fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}
