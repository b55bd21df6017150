//! The YAML shape of `content/site.yaml`, exactly as written: unknown keys are errors, and
//! required keys are `Option` so that every missing one is reported at once.

use serde::Deserialize;

use crate::yaml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SiteFile {
    // Required keys are `Option` so that a missing one is reported with every other problem.
    pub(super) title: Option<Spanned<String>>,
    pub(super) base_url: Option<Spanned<String>>,
    pub(super) language: Option<Spanned<String>>,
    pub(super) description: Option<String>,
    pub(super) theme: Option<Spanned<String>>,
    pub(super) articles_per_page: Option<Spanned<u64>>,
    pub(super) hotline: Option<Spanned<HotlineFile>>,
    pub(super) crisis_lines: Option<Vec<CrisisLineFile>>,
    pub(super) corrections: Option<Spanned<String>>,
    pub(super) menu: Option<Vec<MenuFile>>,
    pub(super) permalinks: Option<PermalinksFile>,
    pub(super) listings_stale_after_months: Option<u32>,
    pub(super) search: Option<SearchFile>,
    pub(super) markdown: Option<MarkdownFile>,
    pub(super) images: Option<ImagesFile>,
    pub(super) languages: Option<std::collections::BTreeMap<String, Spanned<LanguageFile>>>,
    pub(super) extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SearchFile {
    pub(super) synonyms: Option<Vec<Spanned<Vec<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ImagesFile {
    pub(super) warn_over: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MarkdownFile {
    pub(super) raw_html: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HotlineFile {
    pub(super) number: Option<Spanned<String>>,
    pub(super) display: Option<String>,
    pub(super) hours: Option<String>,
    pub(super) answered_by: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CrisisLineFile {
    pub(super) name: String,
    pub(super) number: Spanned<String>,
    pub(super) text: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MenuFile {
    pub(super) title: String,
    pub(super) url: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PermalinksFile {
    pub(super) article: Option<Spanned<String>>,
    pub(super) topic: Option<Spanned<String>>,
    pub(super) author: Option<Spanned<String>>,
    pub(super) facility: Option<Spanned<String>>,
}

/// One entry of `languages:`: what an added language overrides.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LanguageFile {
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) menu: Option<Vec<MenuFile>>,
    pub(super) crisis_lines: Option<Vec<CrisisLineFile>>,
    pub(super) hotline: Option<Spanned<HotlineFile>>,
}
