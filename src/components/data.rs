//! The shapes components (and the theme's templates) print: the hotline, the crisis lines
//! and a facility's card. Made here once, below resolve and render, so a component in an
//! article and the help bar or a city page show the same fields (docs/templates.md).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::SiteConfig;
use crate::facility::Facility;
use crate::facility::vocabulary::{self, Term};
use crate::phone;

/// `site.hotline`.
#[derive(Debug, Serialize)]
pub struct HotlineCtx {
    number: String,
    display: String,
    hours: Option<String>,
    answered_by: String,
    tel: String,
}

impl HotlineCtx {
    /// The site's hotline, if it has one.
    pub fn new(c: &SiteConfig) -> Option<Self> {
        c.hotline.as_ref().map(|h| HotlineCtx {
            number: h.number.clone(),
            display: h.display.clone(),
            hours: h.hours.clone(),
            answered_by: h.answered_by.clone(),
            tel: phone::tel(&h.number),
        })
    }
}

/// One of `site.crisis_lines`.
#[derive(Debug, Serialize)]
pub struct CrisisCtx {
    name: String,
    number: String,
    display: String,
    tel: String,
    text: Option<String>,
    sms: Option<String>,
    text_body: Option<String>,
    note: Option<String>,
}

impl CrisisCtx {
    /// The site's crisis lines.
    pub fn all(c: &SiteConfig) -> Vec<Self> {
        c.crisis_lines
            .iter()
            .map(|l| CrisisCtx {
                name: l.name.clone(),
                number: l.number.clone(),
                display: phone::display(&l.number),
                tel: phone::tel(&l.number),
                text: l.text.clone(),
                sms: l.text.as_ref().map(|t| match &l.text_body {
                    Some(body) => format!("sms:{t}?body={body}"),
                    None => format!("sms:{t}"),
                }),
                text_body: l.text_body.clone(),
                note: l.note.clone(),
            })
            .collect()
    }
}

/// A facility in a list or a card (`partials/facility_item.html`, the `facility` and
/// `facilities` components).
#[derive(Debug, Serialize)]
pub struct Card {
    name: String,
    url: String,
    street: String,
    city: String,
    state: String,
    zip: String,
    phone_display: String,
    tel: String,
    levels_of_care: Vec<String>,
    walk_in: Option<bool>,
    sponsored: bool,
}

impl Card {
    /// The card of `f`, its levels of care in the strings' language.
    pub fn new(c: &SiteConfig, strings: &BTreeMap<String, String>, f: &Facility) -> Self {
        Card {
            name: f.name.clone(),
            url: c.link(&f.path),
            street: f.street.clone(),
            city: f.city.clone(),
            state: f.state.clone(),
            zip: f.zip.clone(),
            phone_display: phone::display(&f.phone),
            tel: phone::tel(&f.phone),
            levels_of_care: f
                .levels_of_care
                .iter()
                .filter_map(|id| vocabulary::find(vocabulary::LEVELS_OF_CARE, id))
                .map(|t| localized(strings, "care", t).0)
                .collect(),
            walk_in: f.walk_in,
            sponsored: f.sponsored,
        }
    }
}

/// A term's label and explanation in the page's language: from the theme's strings when
/// they have it, else the vocabulary's own English.
/// `prefix` is the vocabulary's in the strings' keys (`care` for `care_detox`).
pub fn localized(strings: &BTreeMap<String, String>, prefix: &str, t: &Term) -> (String, String) {
    let k = format!("{prefix}_{}", t.id.replace('-', "_"));
    let own = strings.get(&k).zip(strings.get(&format!("{k}_explain")));
    let own = own.map(|(l, e)| (l.clone(), e.clone()));
    own.unwrap_or_else(|| (t.label.to_string(), t.explain.to_string()))
}
