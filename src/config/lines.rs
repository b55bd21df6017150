//! The hotline, crisis lines and menu entries of site.yaml: their types and checks,
//! shared by the default language's settings (`mod.rs`) and the added languages'
//! (`languages.rs`), so neither takes anything from the other.

use super::file::{CrisisLineFile, MenuFile};
use crate::diag::{Diag, Diags, Source};
use crate::phone;
use crate::yaml::{self, Spanned};

/// The site's hotline, shown on every page.
#[derive(Debug, Clone)]
pub struct Hotline {
    /// E.164 number.
    pub number: String,
    /// Human form of the number.
    pub display: String,
    /// Opening hours, free text.
    pub hours: Option<String>,
    /// Who answers the calls: the disclosure shown beside the number.
    pub answered_by: String,
}

/// A crisis line, shown on every page.
#[derive(Debug, Clone)]
pub struct CrisisLine {
    /// Name of the service.
    pub name: String,
    /// E.164 number or short code.
    pub number: String,
    /// Number for text messages, if the line takes them.
    pub text: Option<String>,
    /// What to write in the text message, if the line asks for a word (`AYUDA`).
    pub text_body: Option<String>,
    /// How to reach the line in the page's language, if that needs saying.
    pub note: Option<String>,
}

/// An entry of the main menu, with its URL as written and where it was written.
#[derive(Debug, Clone)]
pub struct MenuItem {
    /// Label.
    pub title: String,
    /// URL as written (root-relative ones are checked and prefixed in the resolve stage).
    pub url: String,
    /// Byte span of the URL in site.yaml.
    pub span: (usize, usize),
}

pub(super) fn crisis_line(source: &Source, l: CrisisLineFile, diags: &mut Diags) -> CrisisLine {
    check_line_number(source, &l.number, diags);
    if let Some(t) = &l.text {
        check_line_number(source, t, diags);
    }
    CrisisLine {
        name: l.name,
        number: l.number.value,
        text: l.text.map(|t| t.value),
        text_body: None,
        note: None,
    }
}

pub(super) fn menu_item(m: MenuFile) -> MenuItem {
    MenuItem {
        span: yaml::span_of(&m.url, 0),
        title: m.title,
        url: m.url.value,
    }
}

pub(super) fn default_crisis_lines() -> Vec<CrisisLine> {
    vec![
        CrisisLine {
            name: "988 Suicide & Crisis Lifeline".into(),
            number: "988".into(),
            text: Some("988".into()),
            text_body: None,
            note: None,
        },
        CrisisLine {
            name: "SAMHSA National Helpline".into(),
            number: "+18006624357".into(),
            text: None,
            text_body: None,
            note: None,
        },
    ]
}

pub(super) fn check_e164(source: &Source, n: &Spanned<String>, diags: &mut Diags) {
    if !phone::is_e164(&n.value) {
        diags.push(
            Diag::at(
                source,
                yaml::span_of(n, 0),
                format!("{:?} is not an E.164 phone number", n.value),
            )
            .help(phone::e164_hint(&n.value)),
        );
    }
}

pub(super) fn check_line_number(source: &Source, n: &Spanned<String>, diags: &mut Diags) {
    if !phone::is_short_code(&n.value) {
        check_e164(source, n, diags);
    }
}

/// The crisis lines haven knows, in a language it has them in: 988 with its Spanish
/// option, and the SAMHSA National Helpline (which answers in English and Spanish).
/// Wording checked against 988lifeline.org and samhsa.gov (December 2026).
pub(super) fn known_line(code: &str, number: &str) -> Option<CrisisLine> {
    match (code, number) {
        ("es", "988") => Some(CrisisLine {
            name: "Línea 988 de Prevención del Suicidio y Crisis".into(),
            number: "988".into(),
            text: Some("988".into()),
            text_body: Some("AYUDA".into()),
            note: Some(
                "Para hablar en español, marque 2 al llamar, o envíe la palabra AYUDA al 988 por mensaje de texto; también puede chatear en español en 988lifeline.org."
                    .into(),
            ),
        }),
        ("es", "+18006624357") => Some(CrisisLine {
            name: "Línea Nacional de Ayuda de SAMHSA".into(),
            number: "+18006624357".into(),
            text: None,
            text_body: None,
            note: Some("Gratuita y confidencial, las 24 horas, todos los días del año, en inglés y en español.".into()),
        }),
        _ => None,
    }
}
