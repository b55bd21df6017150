//! `languages:` in site.yaml: the languages a site adds to its default one, each with its
//! overrides, and the settings of one language ([`SiteConfig::for_language`]).
//!
//! A language is an ISO 639-1 code (checked with `isolang`, already a dependency for the
//! facilities' `languages:`). When the site has a hotline, every added language must say
//! who answers it in its own words (`hotline.answered_by`): the disclosure is always in the
//! reader's language. Crisis lines haven knows (988, the SAMHSA National Helpline) are given
//! in the language's own words when haven has them (Spanish), whatever the site's list.

use std::collections::BTreeMap;

use super::file::{HotlineFile, LanguageFile};
use super::lines::{CrisisLine, Hotline, MenuItem, check_e164, crisis_line, menu_item};
use crate::diag::{Diag, Diags, Source};
use crate::phone;
use crate::yaml::{self, Spanned};

/// An added language and what it overrides (`None`: the default language's value).
#[derive(Debug, Clone)]
pub struct Language {
    /// ISO 639-1 code (`es`).
    pub code: String,
    /// Byte span of the code in site.yaml.
    pub span: (usize, usize),
    /// Site title in this language.
    pub title: Option<String>,
    /// Site description in this language.
    pub description: Option<String>,
    /// Main navigation in this language.
    pub menu: Option<Vec<MenuItem>>,
    /// Crisis lines in this language.
    pub crisis_lines: Option<Vec<CrisisLine>>,
    /// The hotline in this language (the default's number, with this language's words).
    pub hotline: Option<Hotline>,
}

/// The name of a language in itself (`es` -> `Español`), for the language switcher.
pub fn native_name(code: &str) -> String {
    let name = isolang::Language::from_639_1(code)
        .and_then(|l| l.to_autonym())
        .unwrap_or(code)
        .to_string();
    // Autonyms are lower-case in some languages ("español"); a menu entry starts upper-case.
    let mut chars = name.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The primary subtag of a language tag (`en-US` -> `en`).
pub fn primary(tag: &str) -> String {
    tag.split(['-', '_']).next().unwrap_or(tag).to_ascii_lowercase()
}

/// Checks `languages:` against the default language and hotline.
pub(super) fn languages(
    source: &Source,
    file: Option<BTreeMap<String, Spanned<LanguageFile>>>,
    default: &str,
    hotline: Option<&Hotline>,
    diags: &mut Diags,
) -> Vec<Language> {
    let mut out = Vec::new();
    for (code, entry) in file.unwrap_or_default() {
        let value_span = yaml::span_of(&entry, 0);
        let span = key_span(source, &code, value_span.0).unwrap_or(value_span);
        if isolang::Language::from_639_1(&code).is_none() {
            let known: Vec<&str> = ["en", "es", "fr", "de", "pt", "it", "zh", "vi", "ko", "ar", "ru", "ht"].into();
            let mut d = Diag::at(source, span, format!("{code:?} is not an ISO 639-1 language code"));
            d = match crate::diag::did_you_mean(&code, known) {
                Some(m) => d.help(format!(
                    "did you mean `{m}`? Use the two-letter code, such as `es` for Spanish"
                )),
                None => d.help("use the two-letter ISO 639-1 code, such as `es` for Spanish"),
            };
            diags.push(d);
            continue;
        }
        if code == primary(default) {
            diags.push(
                Diag::at(
                    source,
                    span,
                    format!("`{code}` is the site's default language (`language: {default}`)"),
                )
                .help("list under `languages:` only the languages added to the default one"),
            );
            continue;
        }
        let f = entry.value;
        let hotline = language_hotline(source, &code, span, f.hotline, hotline, diags);
        out.push(Language {
            span,
            title: f.title.map(|t| t.trim().to_string()),
            description: f.description.map(|d| d.trim().to_string()),
            menu: f.menu.map(|m| m.into_iter().map(menu_item).collect()),
            crisis_lines: f
                .crisis_lines
                .map(|lines| lines.into_iter().map(|l| crisis_line(source, l, diags)).collect()),
            hotline,
            code,
        });
    }
    out
}

/// Where `code:` is written before its value (the key has no span of its own).
fn key_span(source: &Source, code: &str, value_at: usize) -> Option<(usize, usize)> {
    let before = source.text.get(..value_at)?;
    let at = before.rfind(&format!("{code}:"))?;
    Some((at, code.len()))
}

/// A language's hotline: the default one's number and hours unless overridden, and its
/// own `answered_by`, which is required whenever the site has a hotline.
fn language_hotline(
    source: &Source,
    code: &str,
    span: (usize, usize),
    written: Option<Spanned<HotlineFile>>,
    default: Option<&Hotline>,
    diags: &mut Diags,
) -> Option<Hotline> {
    let at = written.as_ref().map_or(span, |h| yaml::span_of(h, 0));
    let h = written.map(|h| h.value);
    let answered_by = h.as_ref().and_then(|h| h.answered_by.as_ref());
    let Some(answered_by) = answered_by.filter(|a| !a.value.trim().is_empty()) else {
        if default.is_some() || h.is_some() {
            diags.push(
                Diag::at(source, at, format!("the language `{code}` has no `hotline.answered_by`"))
                    .help(format!("say who answers the hotline in this language, under `languages: {{ {code}: {{ hotline: {{ answered_by: ... }} }} }}`: the disclosure is always shown in the reader's language")),
            );
        }
        return None;
    };
    let answered_by = answered_by.value.trim().to_string();
    let h = h?;
    let number = match (&h.number, default) {
        (Some(n), _) => {
            check_e164(source, n, diags);
            n.value.clone()
        }
        (None, Some(d)) => d.number.clone(),
        (None, None) => {
            diags.push(yaml::missing(source, at, "number"));
            return None;
        }
    };
    let display = h
        .display
        .or_else(|| default.filter(|d| d.number == number).map(|d| d.display.clone()))
        .unwrap_or_else(|| phone::display(&number));
    Some(Hotline {
        hours: h.hours.or_else(|| default.and_then(|d| d.hours.clone())),
        number,
        display,
        answered_by,
    })
}
