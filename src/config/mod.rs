//! `content/site.yaml`: the site's settings, parsed and checked.
//!
//! `file.rs` mirrors the file exactly (unknown keys are errors); [`SiteConfig`] is the
//! checked form every later stage uses: `base_url` normalised with a trailing slash, its
//! sub-path split out as `base_path`, phone numbers validated, defaults filled in.

mod file;
mod languages;
mod lines;
mod permalink;

pub use languages::{Language, native_name, primary};
pub use lines::{CrisisLine, Hotline, MenuItem};

use lines::{check_e164, crisis_line, default_crisis_lines, known_line, menu_item};
pub use permalink::{Permalinks, fill};

use file::{HotlineFile, ImagesFile, MarkdownFile, SearchFile, SiteFile};
use permalink::permalinks;

use crate::diag::{Diag, Diags, Source};
use crate::phone;
use crate::yaml::{self, Spanned};

/// What happens to raw HTML in editors' Markdown (`markdown: { raw_html: ... }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RawHtml {
    /// Safe tags are kept, scripts, handlers, iframes, forms and styles dropped (the default).
    #[default]
    Sanitized,
    /// Published as written: for a site whose editors are all trusted.
    Trusted,
}

/// The checked site settings.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Site title.
    pub title: String,
    /// Absolute base URL, ending with `/`.
    pub base_url: String,
    /// Path part of `base_url`: `/` or `/sub/path/`.
    pub base_path: String,
    /// Language code for `<html lang>`: the language of the pages these settings are for.
    pub language: String,
    /// The site's default language (`language:`), served at the root.
    pub default_language: String,
    /// Languages added under `languages:`, each served under `/{code}/`.
    pub languages: Vec<Language>,
    /// `""` for the default language, `es/` for the settings of an added language: what
    /// [`SiteConfig::link`] and [`SiteConfig::absolute`] put before a page's path.
    pub lang_prefix: String,
    /// Site description.
    pub description: String,
    /// Theme folder name.
    pub theme: String,
    /// Byte span of the theme name, for errors.
    pub theme_span: Option<(usize, usize)>,
    /// Articles per list page.
    pub articles_per_page: usize,
    /// The hotline, if the site has one.
    pub hotline: Option<Hotline>,
    /// Crisis lines (the defaults when the key is absent).
    pub crisis_lines: Vec<CrisisLine>,
    /// Where corrections to listings go: e-mail or URL.
    pub corrections: Option<String>,
    /// Main navigation.
    pub menu: Vec<MenuItem>,
    /// URL patterns.
    pub permalinks: Permalinks,
    /// Warn about facility listings not verified for this many months (0: never).
    pub listings_stale_after_months: u32,
    /// The site's own synonym groups (`search: { synonyms: [[a, b], ...] }`), each with at
    /// least two entries, trimmed; added to the search index's built-in glossary.
    pub search_synonyms: Vec<Vec<String>>,
    /// Raw HTML in Markdown: sanitized (default) or trusted.
    pub raw_html: RawHtml,
    /// An image source larger than this many bytes is a warning (`images: { warn_over: 5MB }`).
    pub images_warn_over: u64,
    /// Custom fields for themes.
    pub extra: serde_json::Value,
    /// The file itself, for diagnostics.
    pub source: Source,
}

impl SiteConfig {
    /// Settings used only to keep checking the rest of the site when site.yaml itself is
    /// missing or broken, so one run still reports every error. Never used to write a site.
    pub fn placeholder() -> Self {
        SiteConfig {
            title: String::new(),
            base_url: "https://example.invalid/".into(),
            base_path: "/".into(),
            language: "en".into(),
            default_language: "en".into(),
            languages: Vec::new(),
            lang_prefix: String::new(),
            description: String::new(),
            theme: "default".into(),
            theme_span: None,
            articles_per_page: 20,
            listings_stale_after_months: 12,
            search_synonyms: Vec::new(),
            raw_html: RawHtml::Sanitized,
            images_warn_over: DEFAULT_WARN_OVER,
            hotline: None,
            crisis_lines: Vec::new(),
            corrections: None,
            menu: Vec::new(),
            permalinks: permalinks(
                &Source {
                    name: String::new(),
                    text: "".into(),
                },
                None,
                &mut Diags::new(),
            ),
            extra: serde_json::Value::Null,
            source: Source {
                name: "content/site.yaml".into(),
                text: "".into(),
            },
        }
    }

    /// Absolute URL of a page's site path such as `/articles/x/` (which carries no base
    /// path yet), in the language of these settings.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}{}", self.base_url, self.lang_prefix, path.trim_start_matches('/'))
    }

    /// The path to link to from a page for a page's site path such as `/articles/x/`, in
    /// the language of these settings (`/es/articles/x/`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{}{}", self.base_path, self.lang_prefix, path.trim_start_matches('/'))
    }

    /// The path to link to for a file every language shares (a theme asset, a static file).
    pub fn asset_link(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }
}

impl SiteConfig {
    /// The settings of `code`, one of [`SiteConfig::languages`]: its overrides applied, its
    /// pages under `/{code}/` (`link` and `absolute` add the prefix; `asset_link` does not).
    pub fn for_language(&self, code: &str) -> Option<SiteConfig> {
        let l = self.languages.iter().find(|l| l.code == code)?;
        let mut c = self.clone();
        c.language = l.code.clone();
        c.lang_prefix = format!("{code}/");
        if let Some(t) = &l.title {
            c.title = t.clone();
        }
        if let Some(d) = &l.description {
            c.description = d.clone();
        }
        if let Some(m) = &l.menu {
            c.menu = m.clone();
        }
        c.crisis_lines = match &l.crisis_lines {
            Some(lines) => lines.clone(),
            None => self
                .crisis_lines
                .iter()
                .map(|line| known_line(code, &line.number).unwrap_or_else(|| line.clone()))
                .collect(),
        };
        c.hotline = l.hotline.clone();
        Some(c)
    }

    /// Every language of the site, the default first.
    pub fn all_languages(&self) -> Vec<String> {
        let mut all = vec![self.default_language.clone()];
        all.extend(self.languages.iter().map(|l| l.code.clone()));
        all
    }
}

/// The site language a mistyped code most likely meant: one letter off (`ed` for `es`), or
/// the start of its English name (`sp` for Spanish). Two-letter codes are too short for the
/// usual did-you-mean, which would call every code near every other.
fn nearest_language<'a>(code: &str, all: &'a [String]) -> Option<&'a str> {
    let named = |l: &str| {
        isolang::Language::from_639_1(&primary(l))
            .is_some_and(|lang| lang.to_name().to_lowercase().starts_with(&code.to_lowercase()))
    };
    all.iter()
        .find(|l| strsim::levenshtein(code, &primary(l)) <= 1 || named(l))
        .map(String::as_str)
}

/// The error for a file, or an entry of one, in a language the site does not have.
pub fn unknown_language(source: &Source, span: (usize, usize), code: &str, config: &SiteConfig) -> Diag {
    let all = config.all_languages();
    let msg = format!("the language `{code}` is not one of the site's languages");
    let d = Diag::at(source, span, msg);
    if primary(&config.default_language) == code {
        return d.help(format!(
            "`{code}` is the default language: its text goes in the file itself, not under a language code"
        ));
    }
    let added: Vec<String> = config.languages.iter().map(|l| l.code.clone()).collect();
    let hint = match nearest_language(code, &added) {
        Some(m) => format!("did you mean `{m}`? Or add `{code}` under `languages:` in content/site.yaml"),
        None => format!(
            "add `{code}` under `languages:` in content/site.yaml (the site has: {})",
            all.join(", ")
        ),
    };
    d.help(hint)
}

/// Parses and checks site.yaml. `base_url_override` is the `--base-url` flag. Returns the
/// settings whenever the file could be read, even with errors (they are in `diags`), so
/// that the rest of the site is checked against them (its menu links, for one).
pub fn parse(source: &Source, base_url_override: Option<&str>, diags: &mut Diags) -> Option<SiteConfig> {
    let (file, problems) = yaml::parse_all::<SiteFile>(source, &source.text, 0);
    diags.extend(problems);
    let file = file?;
    let at = |s: &Spanned<String>| yaml::span_of(s, 0);
    let mut missing = Vec::new();
    let title = yaml::required(file.title, source, (0, 1), "title", &mut missing);
    let written_base_url = yaml::required(file.base_url, source, (0, 1), "base_url", &mut missing);
    diags.extend(missing);
    if let Some(t) = title.as_ref().filter(|t| t.value.trim().is_empty()) {
        diags.push(Diag::at(source, at(t), "the site title is empty").help("write the site's name after `title:`"));
    }
    let (base_url, base_path) = base_url(source, base_url_override, written_base_url.as_ref(), diags)?;
    let hotline = file.hotline.and_then(|h| hotline(source, h, diags));
    let crisis_lines = match file.crisis_lines {
        None => default_crisis_lines(),
        Some(lines) => lines.into_iter().map(|l| crisis_line(source, l, diags)).collect(),
    };
    let articles_per_page = articles_per_page(source, file.articles_per_page, diags);
    let corrections = file.corrections.map(|c| corrections(source, &c, diags));
    let permalinks = permalinks(source, file.permalinks, diags);
    let search_synonyms = synonyms(source, file.search, diags);
    let raw_html = raw_html(source, file.markdown, diags);
    let images_warn_over = warn_over(source, file.images, diags);
    let language = file.language.map_or_else(|| "en".into(), |l| l.value);
    let languages = languages::languages(source, file.languages, &language, hotline.as_ref(), diags);
    let (theme, theme_span) = match file.theme {
        Some(t) => (t.value.clone(), Some(at(&t))),
        None => ("default".into(), None),
    };
    Some(SiteConfig {
        title: title.map(|t| t.value).unwrap_or_default(),
        base_url,
        base_path,
        default_language: language.clone(),
        language,
        languages,
        lang_prefix: String::new(),
        description: file.description.unwrap_or_default().trim().to_string(),
        theme,
        theme_span,
        articles_per_page,
        hotline,
        crisis_lines,
        corrections,
        menu: file.menu.unwrap_or_default().into_iter().map(menu_item).collect(),
        permalinks,
        listings_stale_after_months: file.listings_stale_after_months.unwrap_or(12),
        search_synonyms,
        raw_html,
        images_warn_over,
        extra: file.extra.unwrap_or(serde_json::Value::Object(Default::default())),
        source: source.clone(),
    })
}

/// The base URL and its path: `--base-url` when given (`None` when it is unusable), else
/// site.yaml's (a placeholder after an error, so the rest is still checked).
fn base_url(
    source: &Source,
    flag: Option<&str>,
    written: Option<&Spanned<String>>,
    diags: &mut Diags,
) -> Option<(String, String)> {
    if let Some(u) = flag {
        return match parse_base_url(u) {
            Ok(v) => Some(v),
            Err(why) => {
                diags.push(
                    Diag::error(format!("--base-url {u:?} is not usable: {why}"))
                        .help("give an absolute URL such as https://example.org/"),
                );
                None
            }
        };
    }
    let Some(written) = written else {
        return Some((String::new(), "/".into()));
    };
    Some(parse_base_url(&written.value).unwrap_or_else(|why| {
        diags.push(
            Diag::at(source, yaml::span_of(written, 0), format!("base_url is not usable: {why}"))
                .help("give the absolute address the site will live at, such as https://example.org/ or https://example.github.io/recovery/"),
        );
        (String::new(), "/".into())
    }))
}

/// The hotline, checked; `None` when a required key is missing (reported).
fn hotline(source: &Source, h: Spanned<HotlineFile>, diags: &mut Diags) -> Option<Hotline> {
    let span = yaml::span_of(&h, 0);
    let h = h.value;
    let mut missing = Vec::new();
    let number = yaml::required(h.number, source, span, "number", &mut missing);
    let answered_by = yaml::required(h.answered_by, source, span, "answered_by", &mut missing);
    diags.extend(missing);
    if let Some(n) = &number {
        check_e164(source, n, diags);
    }
    if let Some(a) = answered_by.as_ref().filter(|a| a.value.trim().is_empty()) {
        diags.push(
            Diag::at(source, yaml::span_of(a, 0), "the hotline's `answered_by` is empty").help(
                "say who answers calls, for example \"Calls are answered by Example Health, a paid advertiser.\"",
            ),
        );
    }
    let (number, answered_by) = (number?, answered_by?);
    Some(Hotline {
        display: h.display.unwrap_or_else(|| phone::display(&number.value)),
        number: number.value,
        hours: h.hours,
        answered_by: answered_by.value.trim().to_string(),
    })
}

fn articles_per_page(source: &Source, n: Option<Spanned<u64>>, diags: &mut Diags) -> usize {
    match n {
        Some(n) if n.value == 0 => {
            diags.push(
                Diag::at(source, yaml::span_of(&n, 0), "articles_per_page must be at least 1")
                    .help("use a number such as 20"),
            );
            20
        }
        Some(n) => usize::try_from(n.value).unwrap_or(usize::MAX),
        None => 20,
    }
}

fn corrections(source: &Source, c: &Spanned<String>, diags: &mut Diags) -> String {
    let v = c.value.trim().to_string();
    let ok = v.starts_with("https://") || v.starts_with("http://") || is_email(&v);
    if !ok {
        diags.push(
            Diag::at(
                source,
                yaml::span_of(c, 0),
                "corrections must be an e-mail address or an http(s) URL",
            )
            .help("for example listings@example.org"),
        );
    }
    v
}

/// Splits an absolute base URL into (URL with trailing slash, path with slashes at both ends).
pub fn parse_base_url(url: &str) -> Result<(String, String), &'static str> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("it must start with https:// or http://")?;
    if rest.contains(['?', '#', ' ']) {
        return Err("it must not contain a query, a fragment or spaces");
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() {
        return Err("it has no host name");
    }
    let path = path.trim_matches('/');
    let base_path = if path.is_empty() {
        "/".to_string()
    } else {
        format!("/{path}/")
    };
    let scheme = if url.starts_with("https://") {
        "https://"
    } else {
        "http://"
    };
    Ok((format!("{scheme}{host}{base_path}"), base_path))
}

/// `search.synonyms`: each group needs two or more words or phrases.
fn synonyms(source: &Source, file: Option<SearchFile>, diags: &mut Diags) -> Vec<Vec<String>> {
    let groups = file.and_then(|f| f.synonyms).unwrap_or_default();
    let mut out = Vec::with_capacity(groups.len());
    for g in groups {
        let words: Vec<String> = g
            .value
            .iter()
            .map(|w| w.trim().to_string())
            .filter(|w| !w.is_empty())
            .collect();
        if words.len() < 2 {
            diags.push(
                Diag::at(source, yaml::span_of(&g, 0), "a synonym group needs at least two words")
                    .help("list the words that should find each other, such as [peer recovery coach, peer mentor]"),
            );
            continue;
        }
        out.push(words);
    }
    out
}

/// Image sources larger than this (bytes) are a warning unless site.yaml says otherwise.
pub const DEFAULT_WARN_OVER: u64 = 5_000_000;

/// `images.warn_over`: a size such as `5MB`, `800KB` or `2000000` (bytes); KB and MB are
/// thousands, as file managers show them. Default [`DEFAULT_WARN_OVER`].
fn warn_over(source: &Source, file: Option<ImagesFile>, diags: &mut Diags) -> u64 {
    let Some(v) = file.and_then(|f| f.warn_over) else {
        return DEFAULT_WARN_OVER;
    };
    match parse_size(&v.value) {
        Some(n) if n > 0 => n,
        _ => {
            diags.push(
                Diag::at(
                    source,
                    yaml::span_of(&v, 0),
                    format!("warn_over must be a size, not {:?}", v.value),
                )
                .label("not a size")
                .help("write a number of bytes with KB or MB, such as `warn_over: 5MB` (the default)"),
            );
            DEFAULT_WARN_OVER
        }
    }
}

/// `5MB`, `1.5 MB`, `800kb`, `2000000` as bytes.
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_lowercase();
    let (number, unit) = match t.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => (t[..i].trim(), t[i..].trim()),
        None => (t.as_str(), ""),
    };
    let times = match unit {
        "" | "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        _ => return None,
    };
    let n: f64 = number.parse().ok()?;
    n.is_finite().then_some((n * times).round() as u64)
}

/// `markdown.raw_html`: `sanitized` (the default) or `trusted`.
fn raw_html(source: &Source, file: Option<MarkdownFile>, diags: &mut Diags) -> RawHtml {
    let Some(v) = file.and_then(|f| f.raw_html) else {
        return RawHtml::Sanitized;
    };
    match v.value.trim() {
        "sanitized" => RawHtml::Sanitized,
        "trusted" => RawHtml::Trusted,
        other => {
            diags.push(
                Diag::at(source, yaml::span_of(&v, 0), format!("raw_html must be `sanitized` or `trusted`, not {other:?}"))
                    .help("`sanitized` (the default) drops scripts, event handlers, iframes, forms and styles; `trusted` publishes raw HTML as written"),
            );
            RawHtml::Sanitized
        }
    }
}

/// A loose check: something@something.something, no spaces.
pub fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_table() {
        let ok = [
            ("https://example.org", ("https://example.org/", "/")),
            ("https://example.org/", ("https://example.org/", "/")),
            (
                "https://example.github.io/recovery",
                ("https://example.github.io/recovery/", "/recovery/"),
            ),
            ("http://127.0.0.1:1111/a/b/", ("http://127.0.0.1:1111/a/b/", "/a/b/")),
        ];
        for (input, (url, path)) in ok {
            assert_eq!(
                parse_base_url(input),
                Ok((url.to_string(), path.to_string())),
                "{input}"
            );
        }
        for bad in ["example.org", "ftp://x/", "https:///x", "https://x/?a=1"] {
            assert!(parse_base_url(bad).is_err(), "{bad}");
        }
    }

    fn parsed(text: &str) -> (Option<SiteConfig>, Diags) {
        let source = Source {
            name: "site.yaml".into(),
            text: text.to_string().into(),
        };
        let mut diags = Diags::new();
        (parse(&source, None, &mut diags), diags)
    }

    #[test]
    fn images_warn_over_is_a_size() {
        let c = |yaml: &str| {
            let (c, d) = parsed(&format!("title: T\nbase_url: https://example.org/\n{yaml}"));
            (c.map(|c| c.images_warn_over), d.items().len())
        };
        assert_eq!(c(""), (Some(5_000_000), 0));
        assert_eq!(c("images: { warn_over: 800KB }\n"), (Some(800_000), 0));
        assert_eq!(c("images: { warn_over: 1.5 MB }\n"), (Some(1_500_000), 0));
        assert_eq!(c("images: { warn_over: 2000000 }\n"), (Some(2_000_000), 0));
        assert_eq!(c("images: { warn_over: lots }\n").1, 1);
        assert_eq!(c("images: { warn_over: 0 }\n").1, 1);
        assert_eq!(c("images: { warnover: 5MB }\n").1, 1);
    }

    #[test]
    fn search_synonyms_and_raw_html() {
        let (c, d) = parsed(
            "title: T\nbase_url: https://example.org/\nsearch:\n  synonyms:\n    - [peer recovery coach, ' peer mentor ']\nmarkdown: { raw_html: trusted }\n",
        );
        let c = c.unwrap_or_else(|| panic!("{d:?}"));
        assert_eq!(
            c.search_synonyms,
            vec![vec!["peer recovery coach".to_string(), "peer mentor".into()]]
        );
        assert_eq!(c.raw_html, RawHtml::Trusted);

        let (c, _) = parsed("title: T\nbase_url: https://example.org/\n");
        let c = c.expect("minimal site.yaml");
        assert!(c.search_synonyms.is_empty());
        assert_eq!(c.raw_html, RawHtml::Sanitized);

        for bad in [
            "title: T\nbase_url: https://example.org/\nsearch: { synonyms: [[alone]] }\n",
            "title: T\nbase_url: https://example.org/\nmarkdown: { raw_html: yes }\n",
            "title: T\nbase_url: https://example.org/\nsearch: { synonym: [[a, b]] }\n",
        ] {
            let (_, d) = parsed(bad);
            assert!(d.error_count() == 1, "{bad}: {d:?}");
        }
    }

    fn parse_str(text: &str) -> (Option<SiteConfig>, Vec<Diag>) {
        let src = Source {
            name: "content/site.yaml".into(),
            text: text.into(),
        };
        let mut diags = Diags::new();
        let c = parse(&src, None, &mut diags);
        (c, diags.into_sorted())
    }

    #[test]
    fn hotline_without_answered_by_is_an_error() {
        let (c, d) = parse_str("title: T\nbase_url: https://e.org/\nhotline:\n  number: \"+18005550123\"\n");
        assert!(c.is_some_and(|c| c.hotline.is_none()));
        assert_eq!(&*d[0].message, "missing required key `answered_by`");
        assert_eq!(d[0].line_col().map(|l| l.0), Some(4), "{:?}", d[0].line_col());
    }

    /// These came one per run: the missing key stopped the file, so the number went unseen.
    #[test]
    fn every_problem_of_the_file_at_once() {
        let (c, d) = parse_str(
            "title: T\nbase_url: https://e.org/\nhotline:\n  number: \"800-555-0123\"\narticles_per_page: lots\nmenu:\n  - title: A\n    url: /a/\n    colour: red\n",
        );
        let got: Vec<_> = d.iter().map(|d| (d.line_col().map(|l| l.0), &*d.message)).collect();
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0], (Some(4), "missing required key `answered_by`"));
        assert_eq!(got[1], (Some(4), "\"800-555-0123\" is not an E.164 phone number"));
        assert_eq!(got[2].0, Some(5), "{got:?}");
        assert_eq!(got[3], (Some(9), "unknown key `colour`"));
        assert_eq!(c.map(|c| c.menu.len()), Some(1), "the menu is still checked");
    }

    #[test]
    fn defaults_and_display() {
        let (c, d) = parse_str(
            "title: T\nbase_url: https://e.org/sub\nhotline:\n  number: \"+18005550123\"\n  answered_by: Example Health\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let c = c.unwrap();
        assert_eq!(c.base_path, "/sub/");
        assert_eq!(c.hotline.as_ref().unwrap().display, "(800) 555-0123");
        assert_eq!(c.crisis_lines.len(), 2);
        assert_eq!(c.articles_per_page, 20);
        assert_eq!(c.link("/articles/x/"), "/sub/articles/x/");
    }

    #[test]
    fn bad_phone_points_at_value() {
        let (_, d) =
            parse_str("title: T\nbase_url: https://e.org/\nhotline:\n  number: \"800-555-0123\"\n  answered_by: X\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line_col(), Some((4, 11)));
        assert!(d[0].help.as_deref().unwrap_or("").contains("+18005550123"));
    }

    const HOTLINE: &str = "title: T\nbase_url: https://e.org/\nhotline:\n  number: \"+18005550123\"\n  hours: 24/7\n  answered_by: Example Health\n";

    #[test]
    fn languages_override_and_inherit() {
        let text = format!(
            "{HOTLINE}crisis_lines:\n  - {{ name: Local line, number: \"+15125550100\" }}\n  - {{ name: 988 Lifeline, number: \"988\", text: \"988\" }}\nlanguages:\n  es:\n    title: Recursos\n    hotline:\n      answered_by: Atiende Example Health.\n"
        );
        let (c, d) = parse_str(&text);
        assert!(d.is_empty(), "{d:?}");
        let c = c.expect("parsed");
        assert_eq!(c.all_languages(), vec!["en".to_string(), "es".into()]);
        let es = c.for_language("es").expect("es");
        assert_eq!((es.title.as_str(), es.language.as_str()), ("Recursos", "es"));
        let h = es.hotline.as_ref().expect("hotline");
        assert_eq!(
            (h.number.as_str(), h.hours.as_deref(), h.answered_by.as_str()),
            ("+18005550123", Some("24/7"), "Atiende Example Health.")
        );
        assert_eq!(es.link("/articles/x/"), "/es/articles/x/");
        assert_eq!(es.absolute("/"), "https://e.org/es/");
        assert_eq!(es.asset_link("/style.css"), "/style.css");
        // The site's own line is kept; 988 is given in Spanish, with its Spanish option.
        assert_eq!(es.crisis_lines[0].name, "Local line");
        assert!(es.crisis_lines[1].name.contains("988 de Prevención"));
        assert_eq!(es.crisis_lines[1].text_body.as_deref(), Some("AYUDA"));
        assert!(c.for_language("fr").is_none());
        assert_eq!(c.link("/a/"), "/a/", "the default language has no prefix");
    }

    #[test]
    fn a_language_without_answered_by_is_an_error_at_its_line() {
        let text = format!("{HOTLINE}languages:\n  es:\n    title: Recursos\n");
        let (_, d) = parse_str(&text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].message.contains("`es` has no `hotline.answered_by`"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].line_col().map(|l| l.0), Some(8));

        let text = format!("{HOTLINE}languages:\n  es:\n    hotline: {{ hours: 24 h }}\n");
        let (_, d) = parse_str(&text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line_col().map(|l| l.0), Some(9));

        // No hotline on the site: nothing to disclose.
        let (_, d) = parse_str("title: T\nbase_url: https://e.org/\nlanguages:\n  es: { title: R }\n");
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn a_language_code_must_be_iso_639_1() {
        let (c, d) = parse_str(
            "title: T\nbase_url: https://e.org/\nlanguages:\n  sp: { title: R }\n  en: { title: E }\n  es:\n    titel: R\n    title: R\n",
        );
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.line_col().map(|l| l.0), d.message.clone()))
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got.iter()
                .any(|(l, m)| *l == Some(4) && m.contains("\"sp\" is not an ISO 639-1")),
            "{got:?}"
        );
        assert!(
            got.iter().any(|(l, m)| *l == Some(5) && m.contains("default language")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|(l, m)| *l == Some(7) && m.contains("unknown key `titel`")),
            "{got:?}"
        );
        assert!(
            d.iter().any(|d| d.help.as_deref().is_some_and(|h| h.contains("`es`"))),
            "{d:?}"
        );
        assert_eq!(c.map(|c| c.languages.len()), Some(1));
    }
}
