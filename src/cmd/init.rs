//! `haven init [DIR]`: a new site that builds at once, with no warning.
//!
//! The starter files are in `src/cmd/starter/` (compiled in), written with today's date
//! where a date belongs. The site uses the embedded theme, so no `themes/` folder is
//! written. `init` writes only into a new or empty folder, and each file with
//! `create_new`, so nothing a user wrote is ever overwritten.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use crate::cli::InitArgs;
use crate::date;

/// The starter site: path under the site folder, text (`{today}` is replaced).
const STARTER: &[(&str, &str)] = &[
    ("content/site.yaml", include_str!("starter/site.yaml")),
    ("content/index.md", include_str!("starter/index.md")),
    ("content/pages/about.md", include_str!("starter/pages/about.md")),
    (
        "content/authors/editorial-team.yaml",
        include_str!("starter/authors/editorial-team.yaml"),
    ),
    (
        "content/articles/where-to-start.md",
        include_str!("starter/articles/where-to-start.md"),
    ),
    (
        "content/facilities/tx/example-recovery-center.yaml",
        include_str!("starter/facilities/tx/example-recovery-center.yaml"),
    ),
];

/// The menu entry of the about page, left out of `--minimal`'s site.yaml (no such page).
const ABOUT_MENU: &str = "  - title: About\n    url: /about/\n";

/// Creates the site and says what to do next. Returns the exit code.
pub fn run(args: &InitArgs) -> u8 {
    match create(&args.dir, args.minimal) {
        Ok(written) => {
            for rel in &written {
                println!("created {}", args.dir.join(rel).display());
            }
            let cd = args.dir.display().to_string();
            println!("\nYour site is ready. To see it in a browser, as you edit it:\n\n    cd {cd} && haven serve\n");
            println!("`haven new article \"Title\"` starts an article; `haven build` writes the site into output/.");
            super::OK
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            super::CONTENT_ERROR
        }
    }
}

/// Writes the starter site into `dir` (created if needed) and returns the files written,
/// relative to `dir`. Refuses a folder that holds anything but a `.git` folder.
pub fn create(dir: &Path, minimal: bool) -> Result<Vec<String>, String> {
    if let Some(found) = first_entry(dir)? {
        return Err(format!(
            "{} is not empty (it holds {found}): haven init only writes into a new or empty folder, \
             so that nothing in it is overwritten. Choose a new folder, for example `haven init mysite`",
            dir.display()
        ));
    }
    let today = date::today();
    let files: Vec<(&str, String)> = STARTER
        .iter()
        .filter(|(rel, _)| !minimal || *rel == "content/site.yaml")
        .map(|(rel, text)| {
            let mut text = text.replace("{today}", &today);
            if minimal {
                text = text.replace(ABOUT_MENU, "");
            }
            (*rel, text)
        })
        .collect();
    let mut written = Vec::with_capacity(files.len());
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        f.write_all(text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(rel.to_string());
    }
    Ok(written)
}

/// The name of something already in `dir` (other than `.git`), if any. A missing folder
/// is empty; a file where the folder should be is an error.
fn first_entry(dir: &Path) -> Result<Option<String>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if dir.exists() && !dir.is_dir() => {
            return Err(format!("{} is a file, not a folder ({e})", dir.display()));
        }
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name != ".git" {
            return Ok(Some(name));
        }
    }
    Ok(None)
}
