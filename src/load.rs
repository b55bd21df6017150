//! Stage 1, load: find every file of the site and read it.
//!
//! Owns the file-system rules of the format: which folders mean what, which files are
//! ignored (`_*`, `.*`, editor swap and backup files), that nothing outside the site root
//! is read through a symlink, and that every file is UTF-8. Reading runs in parallel.
//! No parsing happens here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::{Diag, Diags, Source, display_path};

/// The file name without folder and extension (`authors/jane-doe.yaml` -> `jane-doe`).
pub fn stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// The language and the original of a translation's file name: `articles/x.es.md` ->
/// `("es", "articles/x.md")`, `index.es.md` -> `("es", "index.md")`. A Markdown file whose
/// name ends in a dot and two lower-case letters before `.md` is a translation.
pub fn translation(rel: &str) -> Option<(&str, String)> {
    let base = rel.strip_suffix(".md")?;
    let (original, code) = base.rsplit_once('.')?;
    let is_code = code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase());
    let named = !original.is_empty() && !original.ends_with('/');
    (is_code && named).then(|| (code, format!("{original}.md")))
}

/// A text file of the site, read.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Path relative to `content/`, with `/` separators (`articles/x.md`).
    pub rel: String,
    /// The file and its text.
    pub source: Source,
}

/// A file copied as-is to the output.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Output path relative to the output root (`images/x.png`).
    pub rel: String,
    /// Where it is on disk.
    pub path: PathBuf,
}

/// Everything read from a site folder.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The site root.
    pub root: PathBuf,
    /// `content/site.yaml`, when present.
    pub site: Option<Source>,
    /// `content/index.md`, when present.
    pub home: Option<Doc>,
    /// `content/articles/**/*.md`.
    pub articles: Arc<Vec<Doc>>,
    /// `content/pages/**/*.md`.
    pub pages: Arc<Vec<Doc>>,
    /// `content/authors/*.yaml`.
    pub authors: Arc<Vec<Doc>>,
    /// `content/facilities/**/*.yaml`.
    pub facilities: Arc<Vec<Doc>>,
    /// `content/static/**`.
    pub statics: Vec<StaticFile>,
}

/// Whether a file name is one the format says to ignore.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('_')
        || name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// Reads the site under `root`.
pub fn load(root: &Path, diags: &mut Diags) -> Loaded {
    let mut loaded = Loaded {
        root: root.to_path_buf(),
        ..Loaded::default()
    };
    let content = root.join("content");
    if !site_folder(root, &content, diags) {
        return loaded;
    }
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let files = walk(root, &canon_root, &content, diags);

    let mut texts: Vec<(Kind, PathBuf, String)> = Vec::new();
    for (path, rel) in files {
        match classify(&rel) {
            Kind::Static => loaded.statics.push(StaticFile { rel: rel["static/".len()..].to_string(), path }),
            Kind::Unknown => diags.push(
                Diag::error(format!("content/{rel} is not part of the site format"))
                    .help("articles go in content/articles/ (.md), pages in content/pages/ (.md), authors in content/authors/ (.yaml), facilities in content/facilities/ (.yaml), other files in content/static/; start the name with `_` to keep a file here unpublished"),
            ),
            kind => texts.push((kind, path, rel)),
        }
    }
    let read: Vec<(Kind, Result<Doc, Diag>)> = texts
        .into_par_iter()
        .map(|(kind, path, rel)| (kind, read_doc(root, &path, rel)))
        .collect();
    for (kind, doc) in read {
        match doc {
            Ok(doc) => loaded.add(kind, doc),
            Err(d) => diags.push(d),
        }
    }
    loaded.sort();
    loaded
}

/// Whether `root` is a site folder with a `content/` folder (an error if not); a missing
/// site.yaml is an error too, but the rest of the site is still read and checked.
fn site_folder(root: &Path, content: &Path, diags: &mut Diags) -> bool {
    if !root.is_dir() {
        diags.push(
            Diag::error(format!("the folder {} does not exist", root.display()))
                .help("check the path given to --root: it is the site folder, the one holding content/site.yaml"),
        );
        return false;
    }
    if !content.is_dir() {
        diags.push(
            Diag::error(format!("no content folder at {}", content.display()))
                .help("run haven in a site folder (one with content/site.yaml), or pass --root DIR"),
        );
        return false;
    }
    let site_yaml = content.join("site.yaml");
    if !site_yaml.is_file() {
        diags.push(
            Diag::error(format!("missing {}", display_path(root, &site_yaml)))
                .help("create content/site.yaml with at least `title:` and `base_url:` (see docs/editors-guide.md)"),
        );
    }
    true
}

impl Loaded {
    /// Files a read document where its kind goes.
    fn add(&mut self, kind: Kind, doc: Doc) {
        match kind {
            Kind::Site => self.site = Some(doc.source),
            Kind::Home => self.home = Some(doc),
            Kind::Article => Arc::make_mut(&mut self.articles).push(doc),
            Kind::Page => Arc::make_mut(&mut self.pages).push(doc),
            Kind::Author => Arc::make_mut(&mut self.authors).push(doc),
            Kind::Facility => Arc::make_mut(&mut self.facilities).push(doc),
            Kind::Static | Kind::Unknown => {}
        }
    }

    /// Every list in path order, whatever order the folders were read in.
    fn sort(&mut self) {
        for list in [
            &mut self.articles,
            &mut self.pages,
            &mut self.authors,
            &mut self.facilities,
        ] {
            Arc::make_mut(list).sort_by(|a, b| a.rel.cmp(&b.rel));
        }
        self.statics.sort_by(|a, b| a.rel.cmp(&b.rel));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Site,
    Home,
    Article,
    Page,
    Author,
    Facility,
    Static,
    Unknown,
}

fn classify(rel: &str) -> Kind {
    let ext = rel.rsplit_once('.').map(|(_, e)| e);
    let depth = rel.matches('/').count();
    match (rel.split('/').next(), ext) {
        _ if rel == "site.yaml" => Kind::Site,
        _ if rel == "index.md" => Kind::Home,
        _ if translation(rel).is_some_and(|(_, o)| o == "index.md") => Kind::Page,
        (Some("static"), _) => Kind::Static,
        (Some("articles"), Some("md")) => Kind::Article,
        (Some("pages"), Some("md")) => Kind::Page,
        (Some("authors"), Some("yaml" | "yml")) if depth == 1 => Kind::Author,
        (Some("facilities"), Some("yaml" | "yml")) => Kind::Facility,
        _ => Kind::Unknown,
    }
}

/// Walks `content/`, returning (path, path relative to content/) for every file kept.
fn walk(root: &Path, canon_root: &Path, content: &Path, diags: &mut Diags) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let walker = WalkDir::new(content).follow_links(true).sort_by_file_name().into_iter();
    let walker = walker.filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_some_and(is_ignored));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let place = e.path().map(|p| display_path(root, p)).unwrap_or_default();
                let msg = if e.loop_ancestor().is_some() {
                    format!("{place} is a symlink loop")
                } else {
                    format!("cannot read {place}: {e}")
                };
                diags.push(Diag::error(msg).help("remove the link or fix its target"));
                continue;
            }
        };
        if let Some(file) = site_file(root, canon_root, content, &entry, diags) {
            out.push(file);
        }
    }
    out
}

/// A walked entry as (path, path under `content/` with `/`), if it is a file of the site:
/// not ignored, not a symlink out of the site, with a UTF-8 name (errors go to `diags`).
fn site_file(
    root: &Path,
    canon_root: &Path,
    content: &Path,
    entry: &walkdir::DirEntry,
    diags: &mut Diags,
) -> Option<(PathBuf, String)> {
    if !entry.file_type().is_file() {
        return None;
    }
    let path = entry.path();
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        diags.push(
            Diag::error(format!(
                "the file name of {} is not valid UTF-8",
                display_path(root, path)
            ))
            .help("rename the file using UTF-8 characters only"),
        );
        return None;
    };
    if is_ignored(name) {
        return None;
    }
    if entry.path_is_symlink() || entry.depth() > 0 {
        // A symlink (here or in a parent folder) must not lead out of the site.
        if let Ok(real) = path.canonicalize()
            && !real.starts_with(canon_root)
        {
            diags.push(
                Diag::error(format!(
                    "{} is a symlink to {}, outside the site folder",
                    display_path(root, path),
                    real.display()
                ))
                .help("copy the file into the site instead of linking to it"),
            );
            return None;
        }
    }
    let rel = path.strip_prefix(content).ok()?;
    let Some(rel) = rel.to_str() else {
        diags.push(
            Diag::error(format!("the path {} is not valid UTF-8", display_path(root, path)))
                .help("rename the folders using UTF-8 characters only"),
        );
        return None;
    };
    Some((path.to_path_buf(), rel.replace('\\', "/")))
}

fn read_doc(root: &Path, path: &Path, rel: String) -> Result<Doc, Diag> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diag::error(format!("cannot read {}: {e}", display_path(root, path))).help("check the file's permissions")
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, _) = crate::diag::line_col(&String::from_utf8_lossy(e.as_bytes()), e.utf8_error().valid_up_to());
        Diag::error(format!(
            "{} is not valid UTF-8 (first bad byte at offset {}, line {line})",
            display_path(root, path),
            e.utf8_error().valid_up_to()
        ))
        .help("save the file as UTF-8 in your editor")
    })?;
    Ok(Doc {
        rel,
        source: Source::new(root, path, text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_names() {
        for n in ["_draft.md", ".hidden", "x.md~", ".x.md.swp", "x.swp", "#x.md#"] {
            assert!(is_ignored(n), "{n}");
        }
        for n in ["x.md", "a_b.md", "x#.md"] {
            assert!(!is_ignored(n), "{n}");
        }
    }

    #[test]
    fn translations_by_name() {
        assert_eq!(
            translation("articles/x.es.md"),
            Some(("es", "articles/x.md".to_string()))
        );
        assert_eq!(translation("index.es.md"), Some(("es", "index.md".to_string())));
        assert_eq!(
            translation("pages/a/about.fr.md"),
            Some(("fr", "pages/a/about.md".to_string()))
        );
        for not in [
            "articles/x.md",
            "articles/v2.10.md",
            "articles/x.ES.md",
            "articles/.es.md",
            "a.es.yaml",
        ] {
            assert_eq!(translation(not), None, "{not}");
        }
    }

    #[test]
    fn classify_table() {
        assert_eq!(classify("site.yaml"), Kind::Site);
        assert_eq!(classify("index.md"), Kind::Home);
        assert_eq!(classify("articles/a/b.md"), Kind::Article);
        assert_eq!(classify("pages/legal/privacy.md"), Kind::Page);
        assert_eq!(classify("authors/jane.yaml"), Kind::Author);
        assert_eq!(classify("authors/x/jane.yaml"), Kind::Unknown);
        assert_eq!(classify("facilities/tx/a.yaml"), Kind::Facility);
        assert_eq!(classify("static/images/a.png"), Kind::Static);
        assert_eq!(classify("articles/a.txt"), Kind::Unknown);
        assert_eq!(classify("notes.txt"), Kind::Unknown);
    }
}
