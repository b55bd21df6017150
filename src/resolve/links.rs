//! Links: `@/path.md#id` becomes the target's URL (a draft, a missing file or a missing
//! heading is an error with a did-you-mean), `#id` must name a heading of the page, a
//! root-relative link must be a route the build makes, and a script URL is refused. The
//! menu's entries are checked the same way.

use std::borrow::Cow;
use std::collections::HashSet;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::SiteConfig;
use crate::diag::{Diag, Diags, Source, did_you_mean};
use crate::markdown::{self, Heading};
use crate::memo::Fingerprint;
use crate::safe_url;

use super::routes::Routes;
use super::site::Elsewhere;

/// A document whose links are resolved and whose Markdown is rendered.
pub(super) struct DocRef<'a> {
    pub(super) rel: &'a str,
    pub(super) source: &'a Source,
    pub(super) body: &'a str,
    pub(super) body_offset: usize,
}

/// Link targets by file (`articles/x.md`): the site path, and the headings (`None` for a
/// facility, which has no Markdown headings). The headings are the scan's own, searched in
/// place: a set of ids per document, made again on every save in `haven serve`, was more
/// than a millisecond of each save at 1,000 articles, and a page has a few dozen at most.
pub(super) type Targets<'a> = FxHashMap<&'a str, (&'a str, Option<&'a [Heading]>)>;

/// The heading ids of a document.
pub(super) fn heading_set(headings: &[Heading]) -> FxHashSet<&str> {
    headings.iter().map(|h| h.id.as_str()).collect()
}

/// What a link is checked against.
pub(super) struct LinkCtx<'a> {
    pub(super) config: &'a SiteConfig,
    pub(super) routes: &'a Routes,
    pub(super) targets: &'a Targets<'a>,
    pub(super) drafts: &'a HashSet<String>,
    /// Files with errors of their own: links to them are not reported again.
    pub(super) invalid: &'a HashSet<String>,
    /// The default language's documents, for an added language's links to them.
    pub(super) elsewhere: &'a Elsewhere,
}

impl LinkCtx<'_> {
    /// A fingerprint of everything [`LinkCtx::resolve`] reads besides the document itself
    /// (the settings, every route and its owner, every `@/` target with its heading ids,
    /// the drafts, the files with errors, the other language's documents and routes): a
    /// document whose text is unchanged has the same links and problems while it is the
    /// same (`haven serve` resolves its links again only when it is not).
    pub(super) fn fingerprint(&self) -> u128 {
        use rayon::prelude::*;
        // In parallel: at 1,000 articles and 2,000 facilities these are about 11,000 values,
        // hashed on every save of `haven serve`.
        let (routes, targets) = rayon::join(
            || {
                self.routes
                    .map
                    .par_iter()
                    .fold(Fingerprint::default, |mut f, (path, owner)| {
                        f.add(&("route", path, owner));
                        f
                    })
                    .reduce(Fingerprint::default, Fingerprint::join)
            },
            || {
                self.targets
                    .par_iter()
                    .fold(Fingerprint::default, |mut f, (rel, (path, headings))| {
                        let mut ids = Fingerprint::default();
                        for h in headings.iter().copied().flatten() {
                            ids.add(&h.id.as_str());
                        }
                        f.add(&("target", rel, path, headings.is_some(), ids.value()));
                        f
                    })
                    .reduce(Fingerprint::default, Fingerprint::join)
            },
        );
        let mut all = routes.join(targets);
        all.add(&("config", format!("{:?}", self.config)));
        for rel in self.drafts {
            all.add(&("draft", rel));
        }
        for rel in self.invalid {
            all.add(&("invalid", rel));
        }
        // The default language's own fingerprint of them (hashing its thousands of routes
        // and headings again was half of an added language's resolve in `haven serve`).
        all.add(&("elsewhere", self.elsewhere.print));
        all.value()
    }

    /// What a link becomes; `None` keeps it as written.
    pub(super) fn resolve(
        &self,
        d: &DocRef<'_>,
        own: &FxHashSet<&str>,
        l: &markdown::LinkRef,
        errs: &mut Vec<Diag>,
    ) -> Option<String> {
        let span = (d.body_offset + l.span.0, l.span.1);
        if let Some(scheme) = safe_url::script_scheme(&l.dest, l.image) {
            errs.push(script_link(d.source, span, &scheme));
            return None;
        }
        if let Some(target) = l.dest.strip_prefix("@/") {
            return self.internal(d, span, target, errs);
        }
        if let Some(frag) = l.dest.strip_prefix('#') {
            if !frag.is_empty() && !own.contains(frag) && !d.rel.starts_with("authors/") {
                let hint = match did_you_mean(frag, own.iter().copied()) {
                    Some(s) => format!("did you mean `#{s}`?"),
                    None => "link to a heading id of this page".into(),
                };
                errs.push(
                    Diag::at(d.source, span, format!("this page has no heading with id `{frag}`"))
                        .label("broken fragment")
                        .help(hint),
                );
            }
            return None;
        }
        if l.dest.starts_with('/') && !l.dest.starts_with("//") {
            let mut local = Vec::new();
            let mut diags = Diags::new();
            let url = check_root_link(
                &l.dest,
                self.routes,
                self.elsewhere,
                self.config,
                d.source,
                span,
                &mut diags,
            );
            local.extend(diags.into_sorted());
            errs.extend(local);
            return Some(url);
        }
        None
    }

    /// An `@/file.md#id` link (`target` without the `@/`).
    fn internal(&self, d: &DocRef<'_>, span: (usize, usize), target: &str, errs: &mut Vec<Diag>) -> Option<String> {
        let (file, frag) = split_fragment(target);
        if self.invalid.contains(file) {
            return None;
        }
        let Some((path, headings)) = self.targets.get(file) else {
            if let Some((url, ids)) = self.elsewhere.docs.get(file) {
                return self.in_default_language(d, span, file, url, ids, frag, errs);
            }
            errs.push(self.missing_target(d, span, file).label("broken link"));
            return None;
        };
        let Some(frag) = frag else {
            return Some(self.config.link(path));
        };
        if !headings.is_some_and(|h| h.iter().any(|h| h.id == frag)) {
            let ids = headings.iter().copied().flatten().map(|h| h.id.as_str());
            errs.push(no_heading(d, span, file, frag, ids));
            return None;
        }
        Some(format!("{}#{frag}", self.config.link(path)))
    }

    /// An added language's link to a page of the default language (one with no translation,
    /// or named by its original's file on purpose).
    #[allow(clippy::too_many_arguments)]
    fn in_default_language(
        &self,
        d: &DocRef<'_>,
        span: (usize, usize),
        file: &str,
        url: &str,
        ids: &[String],
        frag: Option<&str>,
        errs: &mut Vec<Diag>,
    ) -> Option<String> {
        let Some(frag) = frag else {
            return Some(url.to_string());
        };
        if ids.iter().any(|i| i == frag) {
            return Some(format!("{url}#{frag}"));
        }
        errs.push(no_heading(d, span, file, frag, ids.iter().map(String::as_str)));
        None
    }

    /// The error for an `@/` link to a file that is not built.
    fn missing_target(&self, d: &DocRef<'_>, span: (usize, usize), file: &str) -> Diag {
        if self.drafts.contains(file) {
            return Diag::at(
                d.source,
                span,
                format!("link to @/{file}, which is a draft and is not built"),
            )
            .help("publish it (remove `draft: true`), or remove this link until it is published");
        }
        let others = self.targets.keys().copied().filter(|k| *k != d.rel);
        let hint = match did_you_mean(file, others) {
            Some(s) => format!("did you mean `@/{s}`?"),
            None => "link with the file's path under content/, such as @/articles/naloxone.md".into(),
        };
        Diag::at(d.source, span, format!("link to @/{file}, which does not exist")).help(hint)
    }
}

/// The error for `@/file#frag` when `file` has no heading `frag` (its ids are `ids`).
fn no_heading<'a>(
    d: &DocRef<'_>,
    span: (usize, usize),
    file: &str,
    frag: &str,
    ids: impl IntoIterator<Item = &'a str>,
) -> Diag {
    let hint = match did_you_mean(frag, ids) {
        Some(s) => format!("did you mean `#{s}`?"),
        None => "link to a heading id of that page: its text in lower case with hyphens".into(),
    };
    Diag::at(d.source, span, format!("@/{file} has no heading with id `{frag}`"))
        .label("broken fragment")
        .help(hint)
}

/// The menu's entries (title, URL to print), each checked like a link in site.yaml.
pub(super) fn menu(
    config: &SiteConfig,
    routes: &Routes,
    elsewhere: &Elsewhere,
    diags: &mut Diags,
) -> Vec<(String, String)> {
    config
        .menu
        .iter()
        .map(|m| {
            let url = if m.url.starts_with('/') && !m.url.starts_with("//") {
                check_root_link(&m.url, routes, elsewhere, config, &config.source, m.span, diags)
            } else if let Some(scheme) = safe_url::script_scheme(&m.url, false) {
                diags.push(script_link(&config.source, m.span, &scheme));
                m.url.clone()
            } else {
                m.url.clone()
            };
            (m.title.clone(), url)
        })
        .collect()
}

/// A link that would run script when followed.
fn script_link(source: &Source, span: (usize, usize), scheme: &str) -> Diag {
    Diag::at(
        source,
        span,
        format!("a `{scheme}:` URL would run code in the reader's browser"),
    )
    .label("refused link")
    .help("link to an https:// address or a page of the site; haven never publishes script links")
}

fn split_fragment(s: &str) -> (&str, Option<&str>) {
    match s.split_once('#') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    }
}

/// Checks a root-relative URL against the routes and returns it with the base path.
fn check_root_link(
    url: &str,
    routes: &Routes,
    elsewhere: &Elsewhere,
    config: &SiteConfig,
    source: &Source,
    span: (usize, usize),
    diags: &mut Diags,
) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let (path, rest) = url.split_at(end);
    // In an added language, `/es/treatment/` is written as often as `/treatment/`: both are
    // the page in this language.
    let path = match path.strip_prefix(&format!("/{}", config.lang_prefix)) {
        Some(inner) if !config.lang_prefix.is_empty() => &path[path.len() - inner.len() - 1..],
        _ => path,
    };
    let decoded = percent_decode(path);
    match routes.find(&decoded) {
        Some(found) => {
            let to = if found == decoded { path } else { &found };
            // A page is the one in the page's language (`/es/treatment/`); a file every
            // language shares (static files, theme assets) is at the site's root.
            let shared = routes
                .map
                .get(found.as_ref())
                .is_some_and(|owner| owner.starts_with("content/static/") || owner.starts_with("theme asset "));
            let at = if shared { config.asset_link(to) } else { config.link(to) };
            format!("{at}{rest}")
        }
        // A page of the default language that this language has no version of.
        None if elsewhere.routes.contains(decoded.as_ref()) => format!("{}{rest}", config.asset_link(path)),
        None => {
            let mut d = Diag::at(source, span, format!("{path} does not exist in the built site")).label("broken link");
            // Never the page the link is on: "did you mean" the page itself helps nobody.
            let keys = routes
                .map
                .iter()
                .filter(|(_, owner)| **owner != source.name)
                .map(|(k, _)| k.as_str());
            d = match did_you_mean(&decoded, keys) {
                Some(s) => d.help(format!("did you mean {s}? Images and files go in content/static/")),
                None => d.help("link to a page the build makes, or put the file in content/static/ (/images/x.png is content/static/images/x.png)"),
            };
            diags.push(d);
            config.link(path)
        }
    }
}

/// `%XX` escapes decoded (the percent-encoding crate, as serve uses); invalid UTF-8 keeps
/// the text as written.
fn percent_decode(s: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap_or(Cow::Borrowed(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/a%20b/"), "/a b/");
        assert_eq!(percent_decode("/a%2"), "/a%2");
    }
}
