//! `haven new article|page|author|facility "Title"`: a new file with its fields filled in.
//! Never overwrites: the file is created with `create_new`. Only inside a site (a folder
//! with content/site.yaml); the file's path goes to stdout (so `$EDITOR "$(haven new
//! article "Title")"` works), what to do next to stderr.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{NewArgs, NewKind};
use crate::facility::vocabulary::{self, Term};
use crate::{date, slug};

/// Creates the file and prints its path and what to do next. Returns the exit code.
pub fn run(args: &NewArgs) -> u8 {
    let place = Place {
        state: args.state.as_deref(),
        city: args.city.as_deref(),
    };
    let lang = Lang {
        code: args.lang.as_deref(),
        of: args.translation_of.as_deref(),
    };
    match create_in(&args.root, args.kind, &args.title, place, lang) {
        Ok(made) => {
            println!("{}", made.path.display());
            for line in made.notes {
                eprintln!("{line}");
            }
            super::OK
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            super::CONTENT_ERROR
        }
    }
}

/// Where a new facility is (`--state`, `--city`); unused for the other kinds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Place<'a> {
    /// Two-letter postal code.
    pub state: Option<&'a str>,
    /// City name.
    pub city: Option<&'a str>,
}

/// The language of a new article or page (`--lang`, `--translation-of`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Lang<'a> {
    /// A code of site.yaml's `languages:`.
    pub code: Option<&'a str>,
    /// The original it translates, under content/ (`articles/naloxone.md`).
    pub of: Option<&'a str>,
}

/// A file [`create`] wrote.
#[derive(Debug)]
pub struct Made {
    /// Its path.
    pub path: PathBuf,
    /// What to do next, one line each.
    pub notes: Vec<String>,
}

/// Writes the new file under `root` and returns its path and what to tell the editor.
pub fn create(root: &Path, kind: NewKind, title: &str, place: Place<'_>) -> Result<Made, String> {
    create_in(root, kind, title, place, Lang::default())
}

/// [`create`], in a language of the site, or as the translation of an existing file.
pub fn create_in(root: &Path, kind: NewKind, title: &str, place: Place<'_>, lang: Lang<'_>) -> Result<Made, String> {
    if !root.join("content/site.yaml").is_file() {
        return Err(format!(
            "there is no site in {}: it has no content/site.yaml. Start a site with \
             `haven init mysite`, or give the folder of an existing site with --root DIR",
            shown(root)
        ));
    }
    let slug = slug::slugify(title);
    if slug.is_empty() {
        return Err(format!(
            "cannot make a file name from {title:?}: use some letters or digits"
        ));
    }
    let mut notes = Vec::new();
    let new = NewFile {
        slug: &slug,
        quoted: quote(title),
        title,
    };
    if let Some(code) = lang.code {
        return translation(root, kind, &new, code, lang.of, notes);
    }
    let (dir, file, text) = match kind {
        NewKind::Article => new.article(root, &mut notes),
        NewKind::Page => new.page(&mut notes),
        NewKind::Author => new.author(&mut notes),
        NewKind::Facility => new.facility(place, &mut notes)?,
    };
    let path = write_new(&root.join(dir), &file, &text)?;
    Ok(Made { path, notes })
}

/// A new article or page in language `code`: beside its original when it translates one
/// (its own title and slug; author, reviewer, dates and topics left to the original), else a
/// page in that language only, made like any new one.
fn translation(
    root: &Path,
    kind: NewKind,
    new: &NewFile<'_>,
    code: &str,
    of: Option<&str>,
    mut notes: Vec<String>,
) -> Result<Made, String> {
    if !matches!(kind, NewKind::Article | NewKind::Page) {
        return Err("--lang is for articles and pages; authors and facilities have one file for every language, with `translations:` in it".into());
    }
    site_has_language(root, code)?;
    let Some(of) = of else {
        let (dir, file, text) = match kind {
            NewKind::Page => new.page(&mut notes),
            _ => new.article(root, &mut notes),
        };
        let file = file.replace(".md", &format!(".{code}.md"));
        let path = write_new(&root.join(dir), &file, &text)?;
        return Ok(Made { path, notes });
    };
    let of = of.trim_start_matches("content/").trim_start_matches('/');
    let original = root.join("content").join(of);
    let stem = of.strip_suffix(".md").filter(|_| original.is_file()).ok_or_else(|| {
        format!("there is no content/{of} to translate: give the original's path under content/, such as articles/naloxone.md")
    })?;
    if crate::load::translation(of).is_some() {
        return Err(format!("content/{of} is itself a translation: translate its original"));
    }
    let text = format!(
        "---
title: {}
slug: {}
description: \"\"
updated: {}
draft: true
---

Write the translation of content/{of} here.
",
        new.quoted,
        new.slug,
        date::today()
    );
    notes.push(format!(
        "The translation takes its author, reviewer, dates and topics from content/{of}; `updated:` is today, keep it as the day the translation was last brought up to date."
    ));
    draft_notes(&mut notes, "translation");
    let path = write_new(&root.join("content"), &format!("{stem}.{code}.md"), &text)?;
    Ok(Made { path, notes })
}

/// Whether site.yaml lists `code` under `languages:` (an error saying how to add it if not).
fn site_has_language(root: &Path, code: &str) -> Result<(), String> {
    let path = root.join("content/site.yaml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read content/site.yaml: {e}"))?;
    let source = crate::diag::Source {
        name: "content/site.yaml".into(),
        text: text.into(),
    };
    let mut diags = crate::diag::Diags::new();
    let config = crate::config::parse(&source, None, &mut diags)
        .ok_or("content/site.yaml has errors: run `haven check` to see them")?;
    if config.languages.iter().any(|l| l.code == code) {
        return Ok(());
    }
    let have = config.all_languages().join(", ");
    Err(format!(
        "the site has no language `{code}` (it has {have}): add `{code}:` under `languages:` in content/site.yaml first"
    ))
}

/// The new file's folder (under the site root), name and text.
type Planned = (String, String, String);

/// What every new file is made from.
struct NewFile<'a> {
    slug: &'a str,
    /// The title as a YAML string.
    quoted: String,
    title: &'a str,
}

impl NewFile<'_> {
    fn article(&self, root: &Path, notes: &mut Vec<String>) -> Planned {
        let author = match first_author(root) {
            Some(id) => id,
            None => {
                notes.push(
                    "The site has no author yet, so `author:` is empty: add one with \
                     `haven new author \"Your Name\"` and write its id (the file name without \
                     .yaml) after `author:`."
                        .into(),
                );
                "\"\"".into()
            }
        };
        let text = format!(
            "---\ntitle: {}\ndescription: \"\"\nauthor: {author}\npublished: {}\ntopics: []\ndraft: true\n---\n\nWrite the article here. Remove `draft: true` when it is ready.\n",
            self.quoted,
            date::today()
        );
        draft_notes(notes, "article");
        ("content/articles".to_string(), format!("{}.md", self.slug), text)
    }

    fn page(&self, notes: &mut Vec<String>) -> Planned {
        draft_notes(notes, "page");
        (
            "content/pages".to_string(),
            format!("{}.md", self.slug),
            format!(
                "---\ntitle: {}\ndescription: \"\"\ndraft: true\n---\n\nWrite the page here.\n",
                self.quoted
            ),
        )
    }

    fn author(&self, notes: &mut Vec<String>) -> Planned {
        notes.push(format!("Articles name this author with `author: {}`.", self.slug));
        (
            "content/authors".to_string(),
            format!("{}.yaml", self.slug),
            format!(
                "name: {}\ncredentials: \"\"\nrole: \"\"\nbio: |\n  A few sentences about {}.\n",
                self.quoted,
                self.title.trim()
            ),
        )
    }

    fn facility(&self, place: Place<'_>, notes: &mut Vec<String>) -> Result<Planned, String> {
        let (state, city) = facility_place(place)?;
        notes.push(
            "Fill in every line marked `required` (`haven check` lists what is still missing): \
             until then the site does not build, because a listing with a missing address or \
             phone number would send a reader to the wrong place."
                .into(),
        );
        Ok((
            format!("content/facilities/{}", state.to_ascii_lowercase()),
            format!("{}.yaml", self.slug),
            facility_text(&self.quoted, &state, city),
        ))
    }
}

/// The notes for a new draft (an article or a page).
fn draft_notes(notes: &mut Vec<String>, what: &str) {
    notes.push(format!(
        "This {what} is a draft (`draft: true`): `haven build` leaves it out, and `haven serve` \
         shows it with a \"Draft: not published\" banner so you can preview it."
    ));
    notes.push("To publish it, remove the line `draft: true` (and fill in `description:`).".into());
}

/// Writes a new file into `dir` (made if missing), never over an existing one.
fn write_new(dir: &Path, file: &str, text: &str) -> Result<std::path::PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
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

/// A YAML double-quoted string (JSON's string syntax is valid YAML).
fn quote(s: &str) -> String {
    serde_json::to_string(s.trim()).unwrap_or_else(|_| "\"\"".into())
}

/// `.` as "this folder", anything else as given.
fn shown(root: &Path) -> String {
    if root == Path::new(".") {
        "this folder".into()
    } else {
        root.display().to_string()
    }
}

/// The checked `--state` (upper case) and `--city` of a new facility.
fn facility_place(place: Place<'_>) -> Result<(String, &str), String> {
    let (Some(state), Some(city)) = (place.state, place.city.map(str::trim).filter(|c| !c.is_empty())) else {
        return Err(
            "a new facility needs its state and city: haven new facility \"Name\" --state TX --city Austin".into(),
        );
    };
    let code = state.trim().to_ascii_uppercase();
    if vocabulary::state_name(&code).is_none() {
        return Err(format!(
            "--state {state:?} is not a US state or territory code: use the two-letter postal code, such as TX"
        ));
    }
    Ok((code, city))
}

/// One line listing a vocabulary's ids, for a comment.
fn ids(terms: &[Term]) -> String {
    terms.iter().map(|t| t.id).collect::<Vec<_>>().join(", ")
}

/// A new facility file: every key of the format, the required ones empty and marked.
fn facility_text(name: &str, state: &str, city: &str) -> String {
    format!(
        "# A new treatment listing. Fill in every line marked \"required\"; the others are\n\
         # optional: remove the `#` in front of one to use it. A key left out means\n\
         # \"unknown\" and is shown as nothing, never as \"no\".\n\
         name: {name}\n\
         # slug: the-address-in-the-url   # optional; default: the file name\n\
         address:\n\
         \x20 street:                      # required, such as 123 Main St, Suite 4\n\
         \x20 city: {city}\n\
         \x20 state: {state}\n\
         \x20 zip:                         # required, in quotes: \"78701\" or \"78701-1234\"\n\
         geo:                             # required, the address on a map, such as {{ lat: 30.2672, lon: -97.7431 }}\n\
         phone:                           # required: the program's own main line, such as \"+15125550123\"\n\
         # phones:                        # more of its own lines; type: {phone_types}\n\
         #   - {{ type: intake, number: \"+15125550124\" }}\n\
         # website: https://example.org/  # http(s) only\n\
         # email: intake@example.org\n\
         levels_of_care: []               # required, at least one of: {levels}\n\
         # medications: []                # {medications}\n\
         # services: [counseling]         # your own ids, such as counseling, peer-support\n\
         # payment: []                    # {payment}\n\
         # populations: []                # {populations}\n\
         # languages: [en]                # two-letter language codes\n\
         # accreditations: []             # {accreditations}\n\
         # hours: Mon-Fri 8am-6pm\n\
         # walk_in: true\n\
         # accepting_new_patients: true\n\
         # npi: \"1234567893\"             # 10 digits\n\
         # licenses:\n\
         #   - {{ number: \"TX-12345\", authority: Texas HHSC, url: https://example.org/lookup }}\n\
         verified:                        # required: the day you checked the listing with the program, YYYY-MM-DD\n\
         sponsored: false                 # true: a paid listing, labelled \"Sponsored\" wherever it appears\n\
         # description: |\n\
         #   What the program offers, in a few plain sentences.\n",
        city = quote(city),
        phone_types = ids(vocabulary::PHONE_TYPES),
        levels = ids(vocabulary::LEVELS_OF_CARE),
        medications = ids(vocabulary::MEDICATIONS),
        payment = ids(vocabulary::PAYMENT),
        populations = ids(vocabulary::POPULATIONS),
        accreditations = ids(vocabulary::ACCREDITATIONS),
    )
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
