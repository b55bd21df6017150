//! The YAML shape of a facility file ([`FacilityFile`], unknown keys are errors), the
//! settings of its checks, and [`Check`], which collects a file's problems. Shared by
//! `parse.rs` (the whole file) and `fields.rs` (one field each), which both import it.

use serde::Deserialize;

use super::vocabulary::{self, Term};
use crate::config::SiteConfig;
use crate::diag::{Diag, Source, did_you_mean};
use crate::phone;
use crate::yaml::{self, Spanned};

pub(super) type S = Spanned<String>;

/// A facility file exactly as written. Required keys are `Option` here so that every
/// missing one is reported at once, not only the first.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FacilityFile {
    pub(super) name: Option<S>,
    pub(super) slug: Option<S>,
    pub(super) address: Option<Spanned<AddressFile>>,
    pub(super) geo: Option<Spanned<GeoFile>>,
    pub(super) phone: Option<S>,
    pub(super) phones: Option<Vec<LineFile>>,
    pub(super) website: Option<S>,
    pub(super) email: Option<S>,
    pub(super) levels_of_care: Option<Spanned<Vec<S>>>,
    pub(super) medications: Option<Vec<S>>,
    pub(super) services: Option<Vec<S>>,
    pub(super) payment: Option<Vec<S>>,
    pub(super) populations: Option<Vec<S>>,
    pub(super) languages: Option<Vec<S>>,
    pub(super) accreditations: Option<Vec<S>>,
    pub(super) hours: Option<String>,
    pub(super) walk_in: Option<bool>,
    pub(super) accepting_new_patients: Option<bool>,
    pub(super) npi: Option<S>,
    pub(super) licenses: Option<Vec<LicenseFile>>,
    pub(super) verified: Option<S>,
    pub(super) sponsored: Option<bool>,
    pub(super) description: Option<String>,
    pub(super) translations: Option<std::collections::BTreeMap<String, Spanned<TranslationFile>>>,
    pub(super) extra: Option<serde_json::Value>,
}

/// A facility's fields in another language (`translations: { es: { description, hours } }`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TranslationFile {
    pub(super) description: Option<String>,
    pub(super) hours: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AddressFile {
    pub(super) street: Option<S>,
    pub(super) city: Option<S>,
    pub(super) state: Option<S>,
    pub(super) zip: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GeoFile {
    pub(super) lat: Spanned<f64>,
    pub(super) lon: Spanned<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LineFile {
    #[serde(rename = "type")]
    pub(super) kind: S,
    pub(super) number: S,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LicenseFile {
    pub(super) number: String,
    pub(super) authority: Option<String>,
    pub(super) url: Option<S>,
}

/// Settings of the facility checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Warn when `verified` is older than this many months (0: never).
    pub stale_after_months: u32,
    /// Today, for the staleness check.
    pub today: chrono::NaiveDate,
    /// Warn when the coordinates are farther than this from the ZIP's centroid.
    pub max_zip_distance_km: f64,
}

impl Options {
    /// The options a site asks for, with today's date.
    pub fn from_config(config: &SiteConfig) -> Self {
        Options {
            stale_after_months: config.listings_stale_after_months,
            today: chrono::Local::now().date_naive(),
            max_zip_distance_km: 50.0,
        }
    }
}

/// Collects the problems of one file.
pub(super) struct Check<'a> {
    pub(super) src: &'a Source,
    pub(super) diags: Vec<Diag>,
}

impl Check<'_> {
    pub(super) fn at(
        &mut self,
        span: (usize, usize),
        msg: impl Into<std::sync::Arc<str>>,
        help: impl Into<std::sync::Arc<str>>,
    ) {
        self.diags.push(Diag::at(self.src, span, msg).help(help));
    }

    pub(super) fn warn(
        &mut self,
        span: (usize, usize),
        msg: impl Into<std::sync::Arc<str>>,
        help: impl Into<std::sync::Arc<str>>,
    ) {
        self.diags.push(Diag::at(self.src, span, msg).help(help).warning());
    }

    pub(super) fn missing(&mut self, span: (usize, usize), key: &str, example: &str) {
        if yaml::value_reported(&self.diags, key) {
            return;
        }
        self.at(
            span,
            format!("missing required key `{key}`"),
            format!("add `{key}:` with a value, for example `{key}: {example}`"),
        );
    }

    /// A required, non-empty string.
    pub(super) fn text(&mut self, v: Option<&S>, parent: (usize, usize), key: &str, example: &str) -> String {
        match v {
            None => {
                self.missing(parent, key, example);
                String::new()
            }
            Some(s) if s.value.trim().is_empty() => {
                self.at(
                    span(s),
                    format!("`{key}` is empty"),
                    format!("write a value, for example `{key}: {example}`"),
                );
                String::new()
            }
            Some(s) => s.value.trim().to_string(),
        }
    }

    pub(super) fn phone(&mut self, n: &S) {
        if !phone::is_e164(&n.value) {
            self.at(
                span(n),
                format!("{:?} is not an E.164 phone number", n.value),
                phone::e164_hint(&n.value),
            );
        }
    }

    /// Ids from a controlled list, deduplicated, in the order written.
    pub(super) fn terms(&mut self, list: Option<&[S]>, vocab: &'static [Term], key: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in list.unwrap_or_default() {
            let id = v.value.trim();
            if vocabulary::find(vocab, id).is_some() {
                if !out.iter().any(|o| o == id) {
                    out.push(id.to_string());
                }
                continue;
            }
            let known = vocab.iter().map(|t| t.id).collect::<Vec<_>>().join(", ");
            let help = match did_you_mean(id, vocab.iter().map(|t| t.id)) {
                Some(s) => format!("did you mean `{s}`? Known values: {known}"),
                None => format!("use one of: {known}"),
            };
            self.at(span(v), format!("unknown {key} value `{id}`"), help);
        }
        out
    }
}

pub(super) fn span<T>(v: &Spanned<T>) -> (usize, usize) {
    yaml::span_of(v, 0)
}
