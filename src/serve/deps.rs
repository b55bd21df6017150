//! What depends on what, read from the pipeline's own data rather than guessed.
//!
//! Content: two resolved sites (the last good one and the new one) are compared. If their
//! *shape* differs (settings, the order and paths of articles, topics, authors, pages,
//! redirects, static files, facilities, theme), every page is rendered again. Otherwise
//! only the articles, pages and home page whose source or rendered HTML changed are
//! re-rendered, with the pages that show their summary (lists, topics, authors, the home
//! page, the related-articles box of other articles, the feed, the sitemap).
//!
//! Templates: each template's `extends`/`include`/`import` names give a graph; a job is
//! re-rendered when its template uses a changed template, directly or not. A template
//! name that is not a plain string (computed at render time) makes the answer "every
//! page".

use std::collections::{BTreeMap, BTreeSet};

use crate::config::SiteConfig;
use crate::memo::same_text;
use crate::pipeline::Prepared;
use crate::render::context::Summary;
use crate::render::{self, Job};
use crate::resolve::Site;
use crate::theme::Theme;

/// The jobs to render again after the content went from `old` to `new`; `None` when
/// every page must be rendered (the shape of the site changed).
pub fn dirty_jobs(old: &Site, new: &Site) -> Option<Vec<Job>> {
    if !same_shape(old, new) {
        return None;
    }
    let changes = Changes::between(old, new);
    // Not the directory's jobs: they read only what `same_shape` compares (see `touch`).
    Some(
        render::content_jobs(new)
            .into_iter()
            .filter(|job| changes.touch(new, *job))
            .collect(),
    )
}

/// [`dirty_jobs`] of every language (the default's first); `None` when every page of every
/// language must be rendered: a language's shape changed, or which pages are translations
/// of each other (a switcher or an `hreflang` link may point elsewhere now).
pub fn dirty_jobs_all(old: &Prepared, new: &Prepared) -> Option<Vec<Vec<Job>>> {
    if old.others.len() != new.others.len() || old.site.alternates != new.site.alternates {
        return None;
    }
    let mut all = vec![dirty_jobs(&old.site, &new.site)?];
    for (o, n) in old.others.iter().zip(&new.others) {
        if o.site.alternates != n.site.alternates {
            return None;
        }
        let mut jobs = dirty_jobs(&o.site, &n.site)?;
        jobs.retain(|j| !matches!(j, Job::Robots | Job::HeadersFile));
        all.push(jobs);
    }
    Some(all)
}

/// What changed between two builds of the same shape.
struct Changes {
    /// Articles whose text or HTML changed.
    changed: Vec<bool>,
    /// Articles whose summary (as lists show it) changed.
    summary: Vec<bool>,
    /// Standalone pages whose text or HTML changed.
    pages: Vec<bool>,
    home: bool,
    any_summary: bool,
    /// Topics of the articles whose summary changed: only articles sharing one can list them
    /// as related (computing every article's related list is quadratic in the site size).
    hot_topics: BTreeSet<usize>,
    per: usize,
}

impl Changes {
    fn between(old: &Site, new: &Site) -> Self {
        let changed: Vec<bool> = old
            .articles
            .iter()
            .zip(&new.articles)
            .map(|(a, b)| !same_text(&a.article.source.text, &b.article.source.text) || !same_text(&a.html, &b.html))
            .collect();
        let summary: Vec<bool> = (0..new.articles.len())
            .map(|i| changed[i] && summary_json(old, i) != summary_json(new, i))
            .collect();
        let pages = old
            .pages
            .iter()
            .zip(&new.pages)
            .map(|(a, b)| !same_text(&a.page.source.text, &b.page.source.text) || !same_text(&a.html, &b.html))
            .collect();
        let home = match (&old.home, &new.home) {
            (Some(a), Some(b)) => !same_text(&a.page.source.text, &b.page.source.text) || !same_text(&a.html, &b.html),
            _ => false,
        };
        let hot_topics = (0..summary.len())
            .filter(|i| summary[*i])
            .flat_map(|i| new.articles[i].topics.iter().copied())
            .collect();
        Changes {
            any_summary: summary.iter().any(|c| *c),
            changed,
            summary,
            pages,
            home,
            hot_topics,
            per: new.config.articles_per_page.max(1),
        }
    }

    fn any(&self, items: &[usize]) -> bool {
        items.iter().any(|i| self.summary[*i])
    }

    fn may_relate(&self, new: &Site, i: usize) -> bool {
        self.any_summary && new.articles[i].topics.iter().any(|t| self.hot_topics.contains(t))
    }

    /// Whether `job`'s output can differ from the last build's.
    fn touch(&self, new: &Site, job: Job) -> bool {
        let per = self.per;
        match job {
            Job::Home => self.home || self.summary.iter().take(10).any(|c| *c),
            Job::Article(i) => {
                self.changed[i] || (self.may_relate(new, i) && self.any(&render::related_articles(new, i)))
            }
            Job::ArticleList(n) => self.summary.iter().skip((n - 1) * per).take(per).any(|c| *c),
            Job::Topic(t, n) => {
                let items = &new.topics[t].articles;
                items.iter().skip((n - 1) * per).take(per).any(|i| self.summary[*i])
            }
            Job::Author(a) => self.any(&new.authors[a].articles) || self.any(&new.authors[a].reviewed),
            Job::Page(i) => self.pages[i],
            Job::Feed => self.changed.iter().take(20).any(|c| *c),
            Job::Sitemap => self.any_summary,
            // These read only what `same_shape` covers.
            Job::Topics
            | Job::Search
            | Job::NotFound
            | Job::Redirect(_)
            | Job::Robots
            | Job::RedirectsFile
            | Job::HeadersFile => false,
            // The directory reads only facility files and settings, both compared by `same_shape`.
            Job::Facility(_)
            | Job::State(_)
            | Job::City(_)
            | Job::Locator
            | Job::LocatorIndex
            | Job::LocatorCell(_)
            | Job::LocatorZips(_)
            | Job::LocatorZip3 => false,
            // A job kind added later is re-rendered on every change until it is listed here.
            #[allow(unreachable_patterns)]
            _ => true,
        }
    }
}

fn summary_json(site: &Site, i: usize) -> String {
    serde_json::to_string(&Summary::new(site, i)).unwrap_or_default()
}

/// Whether `a` and `b` agree on everything a page may read besides the bodies of articles,
/// pages and the home page. Compared field by field (no copy of the site is made): this
/// runs after every save in `haven serve`.
fn same_shape(a: &Site, b: &Site) -> bool {
    fn same<'a, T, U: PartialEq>(x: &'a [T], y: &'a [T], key: impl Fn(&'a T) -> U) -> bool {
        x.len() == y.len() && x.iter().zip(y).all(|(p, q)| key(p) == key(q))
    }
    a.config.source.text == b.config.source.text
        && a.menu == b.menu
        && same(&a.articles, &b.articles, |x| (&x.path, x.author, x.reviewer, &x.topics))
        && same(&a.topics, &b.topics, |t| (&t.name, &t.slug, &t.path, &t.articles))
        && same(&a.redirects, &b.redirects, |r| (&r.from, &r.to))
        && same(&a.authors, &b.authors, |x| {
            (&x.path, &x.author.source.text, &x.bio_html, &x.photo, &x.articles, &x.reviewed)
        })
        && same(&a.pages, &b.pages, |p| (&p.path, p.page.template.as_ref().map(|t| &t.value)))
        && a.home.is_some() == b.home.is_some()
        && same(&a.statics, &b.statics, |s| &s.rel)
        // The directory (states, cities, routes, locator cells) is made from the facility
        // files and the settings alone.
        && (std::sync::Arc::ptr_eq(&a.facilities, &b.facilities)
            || same(&a.facilities.facilities, &b.facilities.facilities, |f| (&f.rel, &f.source.text)))
        && a.theme.templates.len() == b.theme.templates.len()
        && a.theme.templates.values().zip(b.theme.templates.values()).all(|(x, y)| x.name == y.name && x.text == y.text)
        && a.theme.assets.len() == b.theme.assets.len()
        && a.theme.assets.values().zip(b.theme.assets.values()).all(|(x, y)| x.out_rel == y.out_rel)
}

/// Whether two themes' assets differ (names or contents).
pub fn assets_differ(old: &Theme, new: &Theme) -> bool {
    differ(&old.assets, &new.assets, |a, b| a.bytes == b.bytes)
}

/// Whether two themes' components differ (names or texts).
pub fn components_differ(old: &Theme, new: &Theme) -> bool {
    differ(&old.components, &new.components, |a, b| a.text == b.text)
}

fn differ<T>(a: &BTreeMap<String, T>, b: &BTreeMap<String, T>, same: impl Fn(&T, &T) -> bool) -> bool {
    a.len() != b.len() || a.iter().zip(b).any(|((ka, x), (kb, y))| ka != kb || !same(x, y))
}

/// When the only asset changes are stylesheets, the (old, new) site paths to swap.
pub fn css_swaps(old: &Theme, new: &Theme, config: &SiteConfig) -> Option<Vec<(String, String)>> {
    if !assets_differ(old, new) || old.assets.keys().ne(new.assets.keys()) || old.templates.len() != new.templates.len()
    {
        return None;
    }
    if old
        .templates
        .values()
        .zip(new.templates.values())
        .any(|(a, b)| a.text != b.text)
    {
        return None;
    }
    let mut swaps = Vec::new();
    for (a, b) in old.assets.values().zip(new.assets.values()) {
        if a.bytes == b.bytes {
            continue;
        }
        if !a.name.ends_with(".css") {
            return None;
        }
        swaps.push((config.link(&a.out_rel), config.link(&b.out_rel)));
    }
    Some(swaps)
}

/// The jobs whose template uses a template that differs between `old` and the site's
/// current theme; `None` when that cannot be told.
pub fn template_jobs(site: &Site, old: &Theme) -> Option<Vec<Job>> {
    let new = &site.theme;
    let names: BTreeSet<&String> = old.templates.keys().chain(new.templates.keys()).collect();
    let changed: BTreeSet<String> = names
        .into_iter()
        .filter(|n| old.templates.get(*n).map(|t| &t.text) != new.templates.get(*n).map(|t| &t.text))
        .cloned()
        .collect();
    // Tera 2 components are visible to every template once defined: a change to a
    // template defining one may touch any page.
    let defines_component = |t: Option<&crate::theme::Template>| t.is_some_and(|t| defines_component(&t.text));
    if changed
        .iter()
        .any(|n| defines_component(old.templates.get(n)) || defines_component(new.templates.get(n)))
    {
        return None;
    }
    let users = users_of(new, &changed)?;
    Some(
        render::jobs(site)
            .into_iter()
            .filter(|j| render::template_of(site, *j).is_some_and(|t| users.contains(t)))
            .collect(),
    )
}

/// Every template that uses one of `changed` (itself included), following
/// `extends`/`include`/`import` transitively; `None` if a reference is not a plain name.
pub fn users_of(theme: &Theme, changed: &BTreeSet<String>) -> Option<BTreeSet<String>> {
    let mut uses: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for t in theme.templates.values() {
        uses.insert(t.name.as_str(), template_refs(&t.text)?);
    }
    let mut users: BTreeSet<String> = changed.clone();
    loop {
        let before = users.len();
        for (name, refs) in &uses {
            if refs.iter().any(|r| users.contains(r)) {
                users.insert((*name).to_string());
            }
        }
        if users.len() == before {
            return Some(users);
        }
    }
}

/// The template names a template's text refers to in `extends`, `include` and `import`
/// tags; `None` if one of those tags names its template with an expression.
pub fn template_refs(text: &str) -> Option<Vec<String>> {
    let mut refs = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{%") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("%}") else { break };
        let tag = after[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        rest = &after[end + 2..];
        let keyword = tag.split_whitespace().next().unwrap_or("");
        if !matches!(keyword, "extends" | "include" | "import") {
            continue;
        }
        let names = quoted_strings(&tag[keyword.len()..]);
        if names.is_empty() {
            return None;
        }
        refs.extend(names);
    }
    Some(refs)
}

/// Whether a template defines a Tera 2 component (`{% component name(...) %}`).
fn defines_component(text: &str) -> bool {
    text.match_indices("{%").any(|(i, _)| {
        text[i + 2..]
            .trim_start_matches(|c: char| c == '-' || c.is_whitespace())
            .starts_with("component ")
    })
}

/// The contents of every `"..."` or `'...'` string in a tag.
fn quoted_strings(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(['"', '\'']) {
        let quote = if rest[i..].starts_with('"') { '"' } else { '\'' };
        let after = &rest[i + 1..];
        let Some(len) = after.find(quote) else { break };
        out.push(after[..len].to_string());
        rest = &after[len + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_refs_table() {
        let cases: &[(&str, Option<&[&str]>)] = &[
            ("{% extends \"base.html\" %}", Some(&["base.html"])),
            (
                "{%- include 'partials/a.html' -%} x {% include \"b.html\" %}",
                Some(&["partials/a.html", "b.html"]),
            ),
            ("{% import \"macros.html\" as m %}", Some(&["macros.html"])),
            ("{% include [\"a.html\", \"b.html\"] %}", Some(&["a.html", "b.html"])),
            ("{% if x %}{{ y }}{% endif %}", Some(&[])),
            ("{% include name %}", None),
            ("{% extends", Some(&[])),
        ];
        for (text, want) in cases {
            let got = template_refs(text);
            let want = want.map(|w| w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(got, want, "{text}");
        }
    }

    fn theme(files: &[(&str, &str)]) -> Theme {
        Theme::from_templates(files)
    }

    #[test]
    fn users_follow_includes_transitively() {
        let t = theme(&[
            ("base.html", "{% include \"partials/help.html\" %}"),
            (
                "article.html",
                "{% extends \"base.html\" %}{% include \"partials/toc.html\" %}",
            ),
            ("topic.html", "{% extends \"base.html\" %}"),
            ("partials/help.html", "help"),
            ("partials/toc.html", "toc"),
        ]);
        let one = |n: &str| BTreeSet::from([n.to_string()]);
        let toc = users_of(&t, &one("partials/toc.html")).unwrap();
        assert!(toc.contains("article.html") && !toc.contains("topic.html"), "{toc:?}");
        let help = users_of(&t, &one("partials/help.html")).unwrap();
        assert!(help.contains("article.html") && help.contains("topic.html"), "{help:?}");
        let dynamic = theme(&[("a.html", "{% include x %}")]);
        assert_eq!(users_of(&dynamic, &one("a.html")), None);
        assert!(defines_component("{%- component card(title) %}x{% endcomponent %}"));
        assert!(!defines_component(
            "{{ <card title=\"x\" /> }}{% include \"component.html\" %}"
        ));
    }
}
