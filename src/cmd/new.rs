//! `haven new article|page|author "Title"`: a new file with its fields filled in.
//! Never overwrites: the file is created with `create_new`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{NewArgs, NewKind};
use crate::{date, slug};

/// Creates the file and prints its path. Returns the exit code.
pub fn run(args: &NewArgs) -> u8 {
    match create(&args.root, args.kind, &args.title) {
        Ok(path) => {
            println!("{}", path.display());
            super::OK
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            super::CONTENT_ERROR
        }
    }
}

/// Writes the new file under `root` and returns its path.
pub fn create(root: &Path, kind: NewKind, title: &str) -> Result<PathBuf, String> {
    let slug = slug::slugify(title);
    if slug.is_empty() {
        return Err(format!(
            "cannot make a file name from {title:?}: use some letters or digits"
        ));
    }
    let quoted = serde_json::to_string(title.trim()).map_err(|e| e.to_string())?;
    let (dir, file, text) = match kind {
        NewKind::Article => {
            let author = first_author(root).unwrap_or_else(|| "editorial-team".into());
            let text = format!(
                "---\ntitle: {quoted}\ndescription: \"\"\nauthor: {author}\npublished: {}\ntopics: []\ndraft: true\n---\n\nWrite the article here. Remove `draft: true` when it is ready.\n",
                date::today()
            );
            ("content/articles", format!("{slug}.md"), text)
        }
        NewKind::Page => (
            "content/pages",
            format!("{slug}.md"),
            format!("---\ntitle: {quoted}\ndescription: \"\"\n---\n\nWrite the page here.\n"),
        ),
        NewKind::Author => (
            "content/authors",
            format!("{slug}.yaml"),
            format!(
                "name: {quoted}\ncredentials: \"\"\nrole: \"\"\nbio: |\n  A few sentences about {}.\n",
                title.trim()
            ),
        ),
    };
    let dir = root.join(dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(file);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!(
                    "{} already exists; not overwriting it (choose another title)",
                    path.display()
                )
            } else {
                format!("cannot create {}: {e}", path.display())
            }
        })?;
    f.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn first_author(root: &Path) -> Option<String> {
    let mut ids: Vec<String> = std::fs::read_dir(root.join("content/authors"))
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".yaml"))
                .map(String::from)
        })
        .filter(|n| !crate::load::is_ignored(n))
        .collect();
    ids.sort();
    ids.into_iter().next()
}
