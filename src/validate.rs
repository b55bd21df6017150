//! Stage 2, validate: parse every file into the typed model and check each on its own.
//!
//! Checks that need only the file itself live here: required keys, unknown keys (with a
//! did-you-mean), date formats and order, slug and URL shapes. Checks across files (does
//! the author exist, are slugs unique, do links resolve) belong to the resolve stage.
//! Files are parsed in parallel; every error of every file is collected.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Deserialize;

use crate::config::{self, SiteConfig};
use crate::date;
use crate::diag::{Diag, Diags, Source};
use crate::frontmatter::{self, SplitError};
use crate::load::{Doc, Loaded, StaticFile, stem};
use crate::memo::Memo;
use crate::model::{Article, Author, AuthorTranslation, LinkItem, Page, Ref, Written};
use crate::placeholder;
use crate::slug;
use crate::yaml::{self, Spanned};

/// The site, parsed and checked file by file.
#[derive(Debug)]
pub struct Validated {
    /// Site settings.
    pub config: SiteConfig,
    /// Home page content (`content/index.md`).
    pub home: Option<Page>,
    /// Articles, drafts included (the resolve stage drops them unless asked).
    pub articles: Vec<Arc<Article>>,
    /// Standalone pages.
    pub pages: Vec<Page>,
    /// Authors by file order.
    pub authors: Vec<Author>,
    /// Facility files, for the facilities stage (shared with what `haven serve` keeps of
    /// the load, and between languages).
    pub facilities: Arc<Vec<Doc>>,
    /// Files copied as-is.
    pub statics: Vec<StaticFile>,
    /// Content files (relative to content/) left out because they have errors. Their
    /// errors are reported already; the resolve stage does not report references to them.
    pub invalid: HashSet<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleFront {
    // Required keys are `Option` so that a missing one is reported with every other problem.
    title: Option<Spanned<String>>,
    description: Option<String>,
    author: Option<Spanned<String>>,
    reviewed_by: Option<Spanned<String>>,
    published: Option<Spanned<String>>,
    updated: Option<Spanned<String>>,
    topics: Option<Vec<Spanned<String>>>,
    slug: Option<Spanned<String>>,
    draft: Option<bool>,
    toc: Option<bool>,
    aliases: Option<Vec<Spanned<String>>>,
    sources: Option<Vec<LinkFile>>,
    extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFront {
    title: Option<Spanned<String>>,
    description: Option<String>,
    template: Option<Spanned<String>>,
    draft: Option<bool>,
    aliases: Option<Vec<Spanned<String>>>,
    toc: Option<bool>,
    extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorFile {
    name: Option<Spanned<String>>,
    credentials: Option<String>,
    role: Option<String>,
    photo: Option<Spanned<String>>,
    bio: Option<Spanned<String>>,
    links: Option<Vec<LinkFile>>,
    translations: Option<std::collections::BTreeMap<String, Spanned<AuthorTranslationFile>>>,
    extra: Option<serde_json::Value>,
}

/// An author's fields in another language (`translations: { es: { role, bio } }`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorTranslationFile {
    credentials: Option<String>,
    role: Option<String>,
    bio: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkFile {
    title: String,
    url: Spanned<String>,
}

/// Parses and checks every file. When site.yaml is missing or broken (an error is already
/// recorded) the rest is still checked, against placeholder settings.
pub fn validate(loaded: Loaded, base_url: Option<&str>, diags: &mut Diags) -> Option<Validated> {
    validate_with(loaded, base_url, diags, &mut Memos::default())
}

/// What [`validate`] computed per file, for the next build of `haven serve`
/// ([`crate::memo`]): a file whose text did not change is not parsed again.
#[derive(Debug, Default)]
pub struct Memos {
    articles: Memo<Parsed<Arc<Article>>>,
    pages: Memo<Parsed<Arc<Page>>>,
    authors: Memo<Parsed<Arc<Author>>>,
}

/// What parsing one file gave: the item unless it could not be made (a required key is
/// missing, the YAML is unreadable), and every problem found in it. An item with errors is
/// still passed on, so that the whole-site checks (its links, its author) run on it too.
type Parsed<T> = (Option<T>, Vec<Diag>);

fn has_errors(diags: &[Diag]) -> bool {
    diags.iter().any(|d| d.severity == crate::diag::Severity::Error)
}

/// [`validate`], reusing and updating `memos`.
pub fn validate_with(
    loaded: Loaded,
    base_url: Option<&str>,
    diags: &mut Diags,
    memos: &mut Memos,
) -> Option<Validated> {
    let config = loaded.site.as_ref().and_then(|s| config::parse(s, base_url, diags));
    let config = match config {
        Some(c) => Some(c),
        None if diags.has_errors() => Some(SiteConfig::placeholder()),
        None => None,
    };
    let mut invalid = HashSet::new();
    let articles = collect(&loaded.articles, article, &mut memos.articles, &mut invalid, diags);
    // Pages and authors are few, and later stages change them: each its own copy.
    let pages = collect(&loaded.pages, page, &mut memos.pages, &mut invalid, diags);
    let pages = pages.into_iter().map(Arc::unwrap_or_clone).collect();
    let authors = collect(&loaded.authors, author, &mut memos.authors, &mut invalid, diags);
    let authors = authors.into_iter().map(Arc::unwrap_or_clone).collect();
    let home = loaded.home.as_ref().and_then(|d| {
        let (p, ds) = page(d);
        if p.is_none() {
            invalid.insert(d.rel.clone());
        }
        diags.extend(ds);
        p
    });
    Some(Validated {
        config: config?,
        home,
        articles,
        pages,
        authors,
        facilities: loaded.facilities,
        statics: loaded.statics,
        invalid,
    })
}

/// Parses `docs` in parallel (those `memo` knows at their current text are not parsed
/// again); keeps the good ones and notes the rest in `invalid`. The memo and the result
/// share each value: copying a thousand articles' fields from the memo was about a
/// millisecond of every `haven serve` save.
fn collect<T: Send + Sync>(
    docs: &[Doc],
    parse: fn(&Doc) -> Parsed<T>,
    memo: &mut Memo<Parsed<Arc<T>>>,
    invalid: &mut HashSet<String>,
    diags: &mut Diags,
) -> Vec<Arc<T>> {
    let results: Vec<(Parsed<Arc<T>>, bool)> = docs
        .par_iter()
        .map(|d| match memo.get(&d.rel, &d.source.text) {
            Some(r) => (r, false),
            None => {
                let (v, ds) = parse(d);
                ((v.map(Arc::new), ds), true)
            }
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for (doc, (r, fresh)) in docs.iter().zip(results) {
        if fresh {
            memo.put(&doc.rel, &doc.source.text, r.clone());
        }
        let (v, ds) = r;
        diags.extend(ds);
        match v {
            Some(v) => out.push(v),
            None => {
                invalid.insert(doc.rel.clone());
            }
        }
    }
    out
}

/// Splits front matter off a Markdown file and parses it into `T`: `(T, YAML offset, body
/// offset)` unless the file cannot be read, and the problems found.
fn front<T: for<'de> Deserialize<'de>>(doc: &Doc) -> Parsed<(T, usize, usize)> {
    let src = &doc.source;
    let split = match frontmatter::split(&src.text) {
        Ok(s) => s,
        Err(e) => {
            let d = match e {
                SplitError::NoOpeningFence => Diag::at(src, (0, 1), "the file does not start with front matter")
                    .help("start the file with a line `---`, the YAML fields, and another `---` line"),
                SplitError::NoClosingFence => Diag::at(src, (0, 3), "the front matter is never closed")
                    .help("add a line with only `---` after the last YAML field"),
            };
            return (None, vec![d]);
        }
    };
    let (parsed, errs) = yaml::parse_all(src, split.yaml, split.yaml_offset);
    (parsed.map(|p| (p, split.yaml_offset, split.body_offset)), errs)
}

fn r(s: &Spanned<String>, base: usize) -> Ref {
    Ref {
        value: s.value.clone(),
        span: yaml::span_of(s, base),
    }
}

/// Where a missing top-level key of a document at `base` is reported: its first line.
fn top(base: usize) -> (usize, usize) {
    (base.saturating_sub(4), 3)
}

fn article(doc: &Doc) -> Parsed<Article> {
    let (f, mut errs) = front::<ArticleFront>(doc);
    let Some((f, base, body_offset)) = f else {
        return (None, errs);
    };
    let src = &doc.source;
    let title = yaml::required(f.title, src, top(base), "title", &mut errs);
    // A translation may leave these out: they come from its original (crate::languages).
    let translation = crate::load::translation(&doc.rel).is_some();
    let given = Written {
        author: f.author.is_some(),
        reviewed_by: f.reviewed_by.is_some(),
        published: f.published.is_some(),
        topics: f.topics.is_some(),
    };
    let (author, written) = if translation {
        (f.author, f.published)
    } else {
        let author = yaml::required(f.author, src, top(base), "author", &mut errs);
        (
            author,
            yaml::required(f.published, src, top(base), "published", &mut errs),
        )
    };
    if let Some(t) = &title {
        check_title(src, t, base, &mut errs);
    }
    let published = written.as_ref().and_then(|p| parse_date(src, p, base, &mut errs));
    let updated = f.updated.as_ref().and_then(|u| parse_date(src, u, base, &mut errs));
    if let (Some(p), Some(u), Some(us)) = (&published, &updated, &f.updated)
        && u.timestamp < p.timestamp
    {
        errs.push(
            Diag::at(
                src,
                yaml::span_of(us, base),
                format!("`updated` ({}) is before `published` ({})", u.iso, p.iso),
            )
            .help("an article cannot be updated before it was published: fix one of the two dates"),
        );
    }
    let slug = article_slug(doc, f.slug.as_ref(), base, &mut errs);
    let aliases = aliases(src, f.aliases.as_deref(), base, &mut errs);
    let sources = links(src, f.sources.unwrap_or_default(), base, &mut errs);
    let topics = topics(src, f.topics.unwrap_or_default(), base, &mut errs);
    let extra = extra(src, f.extra, &mut errs);
    let empty = f.description.as_deref().is_none_or(|d| d.trim().is_empty());
    errs.extend(placeholder::in_body(src, &src.text[body_offset..], body_offset, empty));
    let Some(title) = title else { return (None, errs) };
    let author = match author {
        Some(a) => r(&a, base),
        None if translation => Ref {
            value: String::new(),
            span: top(base),
        },
        None => return (None, errs),
    };
    if written.is_none() && !translation {
        return (None, errs);
    }
    // A date already reported as wrong: the article is kept only for the whole-site checks.
    let published = published.unwrap_or_else(fallback_date);
    let article = Article {
        rel: doc.rel.clone(),
        source: src.clone(),
        title: title.value.trim().to_string(),
        description: f.description.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()),
        author,
        written: given,
        reviewed_by: f.reviewed_by.as_ref().map(|x| r(x, base)),
        published,
        updated,
        topics,
        slug,
        draft: f.draft.unwrap_or(false),
        toc: f.toc.unwrap_or(true),
        aliases,
        sources,
        extra,
        body_offset,
    };
    (Some(article), errs)
}

/// The date that stands in for one written wrongly (an error is recorded already).
fn fallback_date() -> date::Date {
    date::parse("1970-01-01").unwrap_or_else(|_| unreachable!("a valid literal date"))
}

fn article_slug(doc: &Doc, written: Option<&Spanned<String>>, base: usize, errs: &mut Vec<Diag>) -> Ref {
    let src = &doc.source;
    let Some(s) = written else {
        let s = slug::slugify(stem(&doc.rel));
        if s.is_empty() {
            errs.push(
                Diag::in_file(src, "cannot make a slug from this file's name").help("add `slug:` to the front matter"),
            );
        }
        return Ref { value: s, span: (0, 0) };
    };
    if !slug::is_slug(&s.value) {
        let fixed = slug::slugify(&s.value);
        errs.push(
            Diag::at(
                src,
                yaml::span_of(s, base),
                format!("{:?} is not a valid slug", s.value),
            )
            .help(if fixed.is_empty() {
                "use lower-case letters, digits and hyphens".to_string()
            } else {
                format!("use lower-case letters, digits and hyphens: `{fixed}`")
            }),
        );
    }
    r(s, base)
}

fn topics(src: &Source, list: Vec<Spanned<String>>, base: usize, errs: &mut Vec<Diag>) -> Vec<Ref> {
    let topics: Vec<Ref> = list.iter().map(|t| r(t, base)).collect();
    for t in &topics {
        if slug::slugify(&t.value).is_empty() {
            errs.push(
                Diag::at(src, t.span, format!("topic {:?} has no letters or digits", t.value))
                    .help("name the topic with words, such as `recovery`"),
            );
        }
    }
    topics
}

fn page(doc: &Doc) -> Parsed<Page> {
    let (f, mut errs) = front::<PageFront>(doc);
    let Some((f, base, body_offset)) = f else {
        return (None, errs);
    };
    let src = &doc.source;
    let title = yaml::required(f.title, src, top(base), "title", &mut errs);
    if let Some(t) = &title {
        check_title(src, t, base, &mut errs);
    }
    let aliases = aliases(src, f.aliases.as_deref(), base, &mut errs);
    let extra = extra(src, f.extra, &mut errs);
    let empty = f.description.as_deref().is_none_or(|d| d.trim().is_empty());
    errs.extend(placeholder::in_body(src, &src.text[body_offset..], body_offset, empty));
    let Some(title) = title else { return (None, errs) };
    let page = Page {
        rel: doc.rel.clone(),
        source: src.clone(),
        title: title.value.trim().to_string(),
        description: f.description.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()),
        template: f.template.as_ref().map(|t| r(t, base)),
        draft: f.draft.unwrap_or(false),
        aliases,
        toc: f.toc.unwrap_or(false),
        extra,
        body_offset,
    };
    (Some(page), errs)
}

fn author(doc: &Doc) -> Parsed<Author> {
    let src = &doc.source;
    let (f, mut errs) = yaml::parse_all::<AuthorFile>(src, &src.text, 0);
    let Some(f) = f else { return (None, errs) };
    let name = yaml::required(f.name, src, (0, 1), "name", &mut errs);
    if let Some(n) = &name {
        check_title(src, n, 0, &mut errs);
    }
    let id = stem(&doc.rel).to_string();
    if !slug::is_slug(&id) {
        errs.push(
            Diag::in_file(src, format!("the author id {id:?} (the file name) is not a valid id"))
                .help(format!("rename the file to `{}.yaml`", slug::slugify(&id))),
        );
    }
    let photo = f.photo.as_ref().map(|p| r(p, 0));
    if let Some(p) = &photo
        && !p.value.starts_with('/')
    {
        errs.push(
            Diag::at(
                src,
                p.span,
                "the photo must be a path under content/static/, starting with `/`",
            )
            .help("for example /images/authors/jane-roe.jpg for content/static/images/authors/jane-roe.jpg"),
        );
    }
    let links = links(src, f.links.unwrap_or_default(), 0, &mut errs);
    let extra = extra(src, f.extra, &mut errs);
    if let Some(b) = &f.bio {
        errs.extend(placeholder::in_bio(src, &b.value, yaml::span_of(b, 0)));
    }
    // An author whose id is unusable is left out: pages naming it are not blamed for it.
    if name.is_none() || has_errors(&errs) {
        return (None, errs);
    }
    let author = Author {
        id,
        rel: doc.rel.clone(),
        source: src.clone(),
        name: name.map(|n| n.value.trim().to_string()).unwrap_or_default(),
        credentials: f.credentials.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
        role: f.role.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
        photo,
        bio: f.bio.as_ref().map(|b| r(b, 0)),
        links,
        translations: f
            .translations
            .unwrap_or_default()
            .into_iter()
            .map(|(code, t)| AuthorTranslation {
                span: yaml::span_of(&t, 0),
                code,
                credentials: t
                    .value
                    .credentials
                    .map(|c| c.trim().to_string())
                    .filter(|c| !c.is_empty()),
                role: t.value.role.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
                bio: t.value.bio.as_ref().map(|b| r(b, 0)),
            })
            .collect(),
        extra,
    };
    (Some(author), errs)
}

fn check_title(src: &Source, t: &Spanned<String>, base: usize, errs: &mut Vec<Diag>) {
    if t.value.trim().is_empty() {
        errs.push(
            Diag::at(src, yaml::span_of(t, base), "this must not be empty").help("write the text after the colon"),
        );
    }
}

fn parse_date(src: &Source, s: &Spanned<String>, base: usize, errs: &mut Vec<Diag>) -> Option<date::Date> {
    match date::parse(&s.value) {
        Ok(d) => Some(d),
        Err(why) => {
            errs.push(
                Diag::at(src, yaml::span_of(s, base), why).help(
                    "write the date as YYYY-MM-DD (2024-03-30) or as an RFC 3339 date-time (2024-03-30T09:00:00Z)",
                ),
            );
            None
        }
    }
}

fn aliases(src: &Source, list: Option<&[Spanned<String>]>, base: usize, errs: &mut Vec<Diag>) -> Vec<Ref> {
    let list = list.unwrap_or_default();
    let mut out = Vec::with_capacity(list.len());
    for a in list {
        let v = a.value.trim();
        if !v.starts_with('/')
            || v.starts_with("//")
            || v.contains(['?', '#', ' ', '"', '<', '>'])
            || v.split('/').any(|s| s == "..")
        {
            errs.push(
                Diag::at(
                    src,
                    yaml::span_of(a, base),
                    format!("alias {:?} is not a site path", a.value),
                )
                .help("write the old URL as a path from the site root, such as /opiate-recovery-guide/"),
            );
            continue;
        }
        out.push(Ref {
            value: v.to_string(),
            span: yaml::span_of(a, base),
        });
    }
    out
}

fn links(src: &Source, list: Vec<LinkFile>, base: usize, errs: &mut Vec<Diag>) -> Vec<LinkItem> {
    list.into_iter()
        .filter_map(|l| {
            let url = l.url.value.trim();
            if !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:")) {
                errs.push(
                    Diag::at(
                        src,
                        yaml::span_of(&l.url, base),
                        format!("{url:?} is not an http(s) or mailto: URL"),
                    )
                    .help("write the full address, starting with https://"),
                );
                return None;
            }
            Some(LinkItem {
                title: l.title.trim().to_string(),
                url: url.to_string(),
            })
        })
        .collect()
}

fn extra(src: &Source, v: Option<serde_json::Value>, errs: &mut Vec<Diag>) -> serde_json::Value {
    match v {
        None => serde_json::Value::Object(Default::default()),
        Some(m @ serde_json::Value::Object(_)) => m,
        Some(_) => {
            errs.push(
                Diag::in_file(src, "`extra` must be a map of fields")
                    .help("write `extra:` then indented `key: value` lines"),
            );
            serde_json::Value::Null
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The article, which must have no problem.
    fn ok(r: Parsed<Article>) -> Article {
        assert!(r.1.is_empty(), "{:?}", r.1);
        r.0.expect("an article")
    }

    /// The problems, which there must be.
    fn errs(r: Parsed<Article>) -> Vec<Diag> {
        assert!(has_errors(&r.1), "no error");
        r.1
    }

    fn doc(rel: &str, text: &str) -> Doc {
        Doc {
            rel: rel.into(),
            source: Source {
                name: format!("content/{rel}"),
                text: text.into(),
            },
        }
    }

    #[test]
    fn article_minimal_defaults() {
        let a = ok(article(&doc(
            "articles/My File.md",
            "---\ntitle: T\nauthor: a\npublished: 2024-01-02\n---\nBody",
        )));
        assert_eq!(a.slug.value, "my-file");
        assert!(a.toc);
        assert!(!a.draft);
        assert_eq!(a.body(), "Body");
    }

    #[test]
    fn updated_before_published_points_at_updated() {
        let e = errs(article(&doc(
            "articles/x.md",
            "---\ntitle: T\nauthor: a\npublished: 2024-01-02\nupdated: 2023-01-01\n---\n",
        )));
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("before `published`"));
        assert_eq!(e[0].line_col(), Some((5, 10)));
    }

    #[test]
    fn several_errors_in_one_file() {
        let e = errs(article(&doc(
            "articles/x.md",
            "---\ntitle: T\nauthor: a\npublished: 2024-13-02\nslug: Bad Slug\naliases: [old]\n---\n",
        )));
        assert_eq!(e.len(), 3, "{e:?}");
    }

    #[test]
    fn unknown_front_matter_key() {
        let e = errs(article(&doc(
            "articles/x.md",
            "---\ntitle: T\nauthor: a\npublished: 2024-01-02\nupdatd: 2024-01-03\n---\n",
        )));
        assert_eq!(&*e[0].message, "unknown key `updatd`");
        assert_eq!(e[0].line_col(), Some((5, 1)));
    }

    /// What `haven new` writes is caught as placeholder text: a warning that blocks a build.
    #[test]
    fn files_from_haven_new_hold_placeholders() {
        use crate::cli::NewKind;
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("content/authors")).expect("authors folder");
        // `haven new` writes only inside a site, and fills in an author that exists.
        std::fs::write(
            dir.path().join("content/site.yaml"),
            "title: T\nbase_url: https://example.org/\n",
        )
        .expect("site.yaml");
        std::fs::write(dir.path().join("content/authors/editor.yaml"), "name: Editor\n").expect("author");
        let parse = |kind, rel: &str| -> Vec<Diag> {
            let made =
                crate::cmd::new::create(dir.path(), kind, "Getting Help", Default::default()).expect("haven new");
            let text = std::fs::read_to_string(made.path).expect("read the new file");
            let d = doc(rel, &text);
            match kind {
                NewKind::Article => article(&d).1,
                NewKind::Page => page(&d).1,
                _ => author(&d).1,
            }
        };
        for (kind, rel) in [
            (NewKind::Article, "articles/getting-help.md"),
            (NewKind::Page, "pages/getting-help.md"),
            (NewKind::Author, "authors/getting-help.yaml"),
        ] {
            let diags = parse(kind, rel);
            assert_eq!(diags.len(), 1, "{rel}: {diags:?}");
            assert!(
                diags[0].blocks_build && diags[0].message.contains("placeholder"),
                "{diags:?}"
            );
        }
        let (_, e) = page(&doc(
            "pages/x.md",
            "---\ntitle: T\ndescription: \"\"\n---\nWrite the page here.\n",
        ));
        assert_eq!(e[0].line_col(), Some((5, 1)));
        assert!(e[0].help.as_deref().unwrap_or_default().contains("`description:`"));
        let (_, e) = page(&doc("pages/x.md", "---\ntitle: T\n---\nA real page.\n"));
        assert!(e.is_empty(), "{e:?}");
    }

    /// An unknown key stopped the file: the bad date and the missing author went unseen.
    #[test]
    fn unknown_key_bad_date_and_missing_key_at_once() {
        let (a, e) = article(&doc(
            "articles/x.md",
            "---\ntitle: T\nupdatd: 2024-01-03\npublished: 2024-02-30\n---\n",
        ));
        let got: Vec<_> = e.iter().map(|d| &*d.message).collect();
        assert_eq!(
            got,
            [
                "unknown key `updatd`",
                "missing required key `author`",
                "\"2024-02-30\" is not a date"
            ]
        );
        assert!(a.is_none());
    }
}
