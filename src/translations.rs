//! Between validate and resolve: the validated site split by language (site.yaml's
//! `languages:`), and the alternates that link each page to its translations.
//!
//! `articles/x.es.md` is the Spanish translation of `articles/x.md`: the keys it leaves out
//! (`author`, `reviewed_by`, `published`, `topics`) come from the original, its `slug`
//! defaults to the original's file name; `index.es.md` is the Spanish home page. A
//! translation with no original is a page in that language only, and must then give every
//! required key itself. A file for a language the site does not have is an error, and a
//! translation last updated before its original a warning. Authors and facilities are one
//! file for all languages; an author's `translations:` are applied here, a facility's by
//! the facility module.
//!
//! Each added language then goes through resolve and render as a site of its own
//! ([`SiteConfig::for_language`]: its pages under `/{code}/`), so every page kind exists in
//! every language, and [`Alternates`] says which pages are translations of each other.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::config::{self, SiteConfig};
use crate::diag::{Diag, Diags};
use crate::load::{stem, translation};
use crate::model::{Article, Author, Page, Ref};
use crate::slug;
use crate::validate::Validated;

/// The site in its default language, and in each added one (in site.yaml's order).
#[derive(Debug)]
pub struct Split {
    /// The default language.
    pub default: Validated,
    /// Each added language, with its settings (`config.language` is its code).
    pub others: Vec<Validated>,
}

/// A translation found by its file name, before it is merged with its original.
struct Found<T> {
    code: String,
    original: String,
    item: T,
}

/// Splits the validated site by language. Without `languages:` in site.yaml the site is
/// returned as it was (a translation's file name is then an error).
pub fn split(v: Validated, diags: &mut Diags) -> Split {
    let Validated {
        config,
        home,
        articles,
        pages,
        mut authors,
        facilities,
        statics,
        mut invalid,
    } = v;
    let codes: Vec<String> = config.languages.iter().map(|l| l.code.clone()).collect();
    let (articles, found_articles) = separate(articles, |a| (&a.rel, &a.source), &config, &codes, &mut invalid, diags);
    let (pages, found_pages) = separate(pages, |p| (&p.rel, &p.source), &config, &codes, &mut invalid, diags);
    check_author_languages(&authors, &config, diags);
    let mut others = Vec::with_capacity(codes.len());
    for code in &codes {
        let Some(lang_config) = config.for_language(code) else {
            continue;
        };
        let lang_articles: Vec<Arc<Article>> = found_articles
            .iter()
            .filter(|f| &f.code == code)
            .filter_map(|f| merge_article(f, &articles, &mut invalid, diags).map(Arc::new))
            .collect();
        let (lang_home, lang_pages): (Vec<&Found<Page>>, Vec<&Found<Page>>) = found_pages
            .iter()
            .filter(|f| &f.code == code)
            .partition(|f| f.original == "index.md");
        others.push(Validated {
            config: lang_config,
            home: lang_home.first().map(|f| f.item.clone()),
            articles: lang_articles,
            pages: lang_pages.iter().map(|f| f.item.clone()).collect(),
            authors: authors.iter().map(|a| translate_author(a, code)).collect(),
            facilities: facilities.clone(),
            statics: statics.clone(),
            invalid: invalid.clone(),
        });
    }
    authors.iter_mut().for_each(|a| a.translations.clear());
    Split {
        default: Validated {
            config,
            home,
            articles,
            pages,
            authors,
            facilities,
            statics,
            invalid,
        },
        others,
    }
}

/// The items of the default language, and the translations (a file for a language the
/// site does not have is reported and left out).
fn separate<T>(
    items: Vec<T>,
    file: impl Fn(&T) -> (&String, &crate::diag::Source),
    config: &SiteConfig,
    codes: &[String],
    invalid: &mut std::collections::HashSet<String>,
    diags: &mut Diags,
) -> (Vec<T>, Vec<Found<T>>) {
    let mut default = Vec::with_capacity(items.len());
    let mut found = Vec::new();
    for item in items {
        let (rel, source) = file(&item);
        let Some((code, original)) = translation(rel) else {
            default.push(item);
            continue;
        };
        if !codes.iter().any(|c| c == code) {
            diags.push(config::unknown_language(source, (0, 3), code, config));
            invalid.insert(rel.clone());
            continue;
        }
        found.push(Found {
            code: code.to_string(),
            original,
            item,
        });
    }
    (default, found)
}

/// A translated article with what it leaves out taken from its original; `None` (with an
/// error) when it has no original and leaves out a required key.
fn merge_article(
    f: &Found<Arc<Article>>,
    originals: &[Arc<Article>],
    invalid: &mut std::collections::HashSet<String>,
    diags: &mut Diags,
) -> Option<Article> {
    let mut a = Article::clone(&f.item);
    if a.slug.span == (0, 0) {
        a.slug.value = slug::slugify(stem(&f.original));
    }
    let Some(o) = originals.iter().find(|o| o.rel == f.original) else {
        let top = a.author.span;
        let missing: Vec<&str> = [("author", a.written.author), ("published", a.written.published)]
            .into_iter()
            .filter(|(_, given)| !given)
            .map(|(k, _)| k)
            .collect();
        for key in &missing {
            diags.push(
                Diag::at(&a.source, top, format!("missing required key `{key}`")).help(format!(
                    "this translation has no original (content/{}), so it must give `{key}` itself",
                    f.original
                )),
            );
        }
        if !missing.is_empty() {
            invalid.insert(a.rel.clone());
            return None;
        }
        return Some(a);
    };
    let w = a.written;
    if !w.author {
        a.author = Ref {
            value: o.author.value.clone(),
            span: a.author.span,
        };
    }
    if !w.reviewed_by {
        a.reviewed_by = o.reviewed_by.as_ref().map(|r| Ref {
            value: r.value.clone(),
            span: a.author.span,
        });
    }
    if !w.published {
        a.published = o.published.clone();
    }
    if !w.topics {
        a.topics = o
            .topics
            .iter()
            .map(|t| Ref {
                value: t.value.clone(),
                span: a.author.span,
            })
            .collect();
    }
    out_of_date(&a, o, diags);
    Some(a)
}

/// "translation may be out of date": the translation was last updated before its original.
fn out_of_date(t: &Article, o: &Article, diags: &mut Diags) {
    let Some(changed) = o.updated.as_ref() else {
        return;
    };
    let own = t.updated.as_ref().unwrap_or(&t.published);
    if own.timestamp >= changed.timestamp {
        return;
    }
    let at = updated_span(t).unwrap_or(t.author.span);
    diags.push(
        Diag::at(
            &t.source,
            at,
            format!(
                "translation may be out of date: content/{} was updated on {}, this translation {}",
                o.rel,
                changed.iso,
                if t.updated.is_some() {
                    format!("on {}", own.iso)
                } else {
                    "never".to_string()
                }
            ),
        )
        .help("bring the translation up to date with its original, then set its `updated:` to that day")
        .warning(),
    );
}

/// Where `updated:` is written in a file's front matter.
fn updated_span(a: &Article) -> Option<(usize, usize)> {
    let front = &a.source.text[..a.body_offset.min(a.source.text.len())];
    let at = front.find("\nupdated:")? + 1;
    Some((at, "updated".len()))
}

/// An author as shown in language `code`: its translated fields in place.
fn translate_author(a: &Author, code: &str) -> Author {
    let mut a = a.clone();
    if let Some(t) = a.translations.iter().find(|t| t.code == code).cloned() {
        a.credentials = t.credentials.or(a.credentials);
        a.role = t.role.or(a.role);
        a.bio = t.bio.or(a.bio);
    }
    a.translations.clear();
    a
}

/// An author's `translations:` for a language the site does not have.
fn check_author_languages(authors: &[Author], config: &SiteConfig, diags: &mut Diags) {
    for a in authors {
        for t in &a.translations {
            if !config.languages.iter().any(|l| l.code == t.code) {
                diags.push(config::unknown_language(&a.source, t.span, &t.code, config));
            }
        }
    }
}

/// One language version of a page, for `hreflang` links and the language switcher.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Alternate {
    /// Language code.
    pub code: String,
    /// The language's name in itself (`Español`).
    pub name: String,
    /// The path to link to.
    pub url: String,
    /// Absolute URL.
    pub absolute: String,
}

/// Which pages are translations of each other, for one language's site.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Alternates {
    /// Site path of a page (without the language prefix) -> every language version of it,
    /// the default language first, this page's own included.
    pub by_path: HashMap<String, Vec<Alternate>>,
    /// Every language's home page, the default first.
    pub homes: Vec<Alternate>,
}

impl Alternates {
    /// The alternates of each language's site, from what page each site path is
    /// (`keys[i]`: page key -> site path, for the settings `configs[i]`). A page key is
    /// the same in every language for translations of each other: the original's file
    /// for articles and pages, the path itself for the pages the build makes.
    pub fn compute(configs: &[&SiteConfig], keys: &[BTreeMap<String, String>]) -> Vec<Alternates> {
        if configs.len() < 2 {
            return configs.iter().map(|_| Alternates::default()).collect();
        }
        let alternate = |c: &SiteConfig, path: &str| Alternate {
            code: c.language.clone(),
            name: config::native_name(&config::primary(&c.language)),
            url: c.link(path),
            absolute: c.absolute(path),
        };
        let homes: Vec<Alternate> = configs.iter().map(|c| alternate(c, "/")).collect();
        let mut versions: HashMap<&str, Vec<Alternate>> = HashMap::new();
        for (c, k) in configs.iter().zip(keys) {
            for (key, path) in k {
                versions.entry(key.as_str()).or_default().push(alternate(c, path));
            }
        }
        keys.iter()
            .map(|k| Alternates {
                by_path: k
                    .iter()
                    .filter_map(|(key, path)| {
                        let v = versions.get(key.as_str())?;
                        (v.len() > 1).then(|| (path.clone(), v.clone()))
                    })
                    .collect(),
                homes: homes.clone(),
            })
            .collect()
    }
}
