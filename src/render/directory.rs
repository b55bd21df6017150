//! The treatment directory's pages: facility, city and state pages and the locator page,
//! with the template shapes they use (docs/templates.md lists every field). The locator's
//! data files are made in [`super::locator_data`].

use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tera::Context;

use super::locator_data::DATA_PATH;
use super::pages::{Page, seo_for};
use super::seo;
use crate::components::data::{Card, localized};
use crate::date::Date;
use crate::facility::vocabulary::{self, Term};
use crate::facility::{self, Facility, hours, zips};
use crate::phone;
use crate::resolve::Site;

#[derive(Debug, Serialize)]
struct TermCtx {
    id: &'static str,
    label: String,
    explain: String,
}

fn terms(strings: &BTreeMap<String, String>, ids: &[String], vocab: &'static [Term], prefix: &str) -> Vec<TermCtx> {
    ids.iter()
        .filter_map(|id| vocabulary::find(vocab, id))
        .map(|t| {
            let (label, explain) = localized(strings, prefix, t);
            TermCtx {
                id: t.id,
                label,
                explain,
            }
        })
        .collect()
}

#[derive(Debug, Serialize)]
struct LineCtx {
    kind: String,
    label: String,
    explain: Option<String>,
    number: String,
    display: String,
    /// `tel:` or `sms:` URL; null for fax lines.
    href: Option<String>,
    /// `call`, `text` or null.
    action: Option<&'static str>,
    /// Button text: "Call (512) 555-0110", "Call intake: …", "Text …", "TTY: …".
    text: String,
}

#[derive(Debug, Serialize)]
struct LanguageCtx {
    code: String,
    name: String,
    english: &'static str,
    /// The code for a `lang` attribute, null for the site's own language.
    lang: Option<String>,
}

fn languages(codes: &[String], site_lang: &str) -> Vec<LanguageCtx> {
    codes
        .iter()
        .filter_map(|code| {
            let (english, own) = vocabulary::language(code)?;
            let same = site_lang.split('-').next() == Some(code.as_str());
            let name = if same { english.to_string() } else { capitalize(own) };
            Some(LanguageCtx {
                code: code.clone(),
                name,
                english,
                lang: (!same).then(|| code.clone()),
            })
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn label_of_id(id: &str) -> String {
    capitalize(&id.replace('-', " "))
}

/// `facility` on a facility page.
#[derive(Debug, Serialize)]
struct FacilityCtx {
    name: String,
    slug: String,
    url: String,
    canonical: String,
    street: String,
    city: String,
    state: String,
    state_name: String,
    zip: String,
    lat: f64,
    lon: f64,
    map_url: String,
    city_url: String,
    state_url: String,
    lines: Vec<LineCtx>,
    website: Option<String>,
    email: Option<String>,
    levels_of_care: Vec<TermCtx>,
    medications: Vec<TermCtx>,
    payment: Vec<TermCtx>,
    populations: Vec<TermCtx>,
    accreditations: Vec<TermCtx>,
    services: Vec<String>,
    languages: Vec<LanguageCtx>,
    hours: Option<String>,
    walk_in: Option<bool>,
    accepting_new_patients: Option<bool>,
    npi: Option<String>,
    licenses: Vec<Value>,
    verified: Date,
    sponsored: bool,
    content: String,
    extra: Value,
}

fn lines(strings: &BTreeMap<String, String>, f: &Facility) -> Vec<LineCtx> {
    // The button's words before the number, in the page's language (`button_intake`).
    let button = |kind: &str, english: &str, display: &str| {
        let words = strings.get(&format!("button_{}", kind.replace('-', "_")));
        format!("{} {display}", words.map_or(english, String::as_str))
    };
    let main = LineCtx {
        kind: "main".into(),
        label: strings.get("main_line").map_or("Main line", String::as_str).into(),
        explain: None,
        display: phone::display(&f.phone),
        href: Some(phone::tel(&f.phone)),
        action: Some("call"),
        text: button("main", "Call", &phone::display(&f.phone)),
        number: f.phone.clone(),
    };
    let others = f.phones.iter().map(|l| {
        let term = vocabulary::find(vocabulary::PHONE_TYPES, &l.kind);
        let (href, action) = match l.kind.as_str() {
            "fax" => (None, None),
            "sms" => (Some(format!("sms:{}", l.number)), Some("text")),
            _ => (Some(phone::tel(&l.number)), Some("call")),
        };
        let display = phone::display(&l.number);
        let english = match l.kind.as_str() {
            "sms" => "Text".to_string(),
            "tty" => "TTY:".to_string(),
            "fax" => "Fax:".to_string(),
            "after-hours" => "Call after hours:".to_string(),
            other => format!("Call {other}:"),
        };
        let text = button(&l.kind, &english, &display);
        let term = term.map(|t| localized(strings, "phone", t));
        LineCtx {
            text,
            kind: l.kind.clone(),
            label: term.as_ref().map_or_else(|| l.kind.clone(), |t| t.0.clone()),
            explain: term.map(|t| t.1),
            display: phone::display(&l.number),
            number: l.number.clone(),
            href,
            action,
        }
    });
    std::iter::once(main).chain(others).collect()
}

/// A plain OpenStreetMap link: a marker at the facility, no script.
pub fn map_url(lat: f64, lon: f64) -> String {
    format!("https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map=17/{lat:.5}/{lon:.5}")
}

impl FacilityCtx {
    fn new(site: &Site, f: &Facility) -> Self {
        let c = &site.config;
        let city_path = format!("{}{}/", facility::state_path(&f.state), f.city_slug);
        FacilityCtx {
            name: f.name.clone(),
            slug: f.slug.clone(),
            url: c.link(&f.path),
            canonical: c.absolute(&f.path),
            street: f.street.clone(),
            city: f.city.clone(),
            state: f.state.clone(),
            state_name: vocabulary::state_name(&f.state).unwrap_or(&f.state).to_string(),
            zip: f.zip.clone(),
            lat: f.lat,
            lon: f.lon,
            map_url: map_url(f.lat, f.lon),
            city_url: c.link(&city_path),
            state_url: c.link(&facility::state_path(&f.state)),
            lines: lines(&site.strings, f),
            website: f.website.clone(),
            email: f.email.clone(),
            levels_of_care: terms(&site.strings, &f.levels_of_care, vocabulary::LEVELS_OF_CARE, "care"),
            medications: terms(&site.strings, &f.medications, vocabulary::MEDICATIONS, "med"),
            payment: terms(&site.strings, &f.payment, vocabulary::PAYMENT, "pay"),
            populations: terms(&site.strings, &f.populations, vocabulary::POPULATIONS, "pop"),
            accreditations: terms(
                &site.strings,
                &f.accreditations,
                vocabulary::ACCREDITATIONS,
                "accreditation",
            ),
            services: f.services.iter().map(|s| label_of_id(s)).collect(),
            languages: languages(&f.languages, &c.language),
            hours: f.hours.clone(),
            walk_in: f.walk_in,
            accepting_new_patients: f.accepting_new_patients,
            npi: f.npi.clone(),
            licenses: f
                .licenses
                .iter()
                .map(|l| json!({ "number": l.number, "authority": l.authority, "url": l.url }))
                .collect(),
            verified: crate::i18n::localized(&f.verified, &c.language),
            sponsored: f.sponsored,
            content: f.description_html.clone(),
            extra: f.extra.clone(),
        }
    }
}

/// A facility in a list (state and city pages).
fn item(site: &Site, f: &Facility) -> Card {
    Card::new(&site.config, &site.strings, f)
}

/// (unpaid, sponsored) items of a list of facility indexes, keeping their order.
fn split_items(site: &Site, list: &[usize]) -> (Vec<Card>, Vec<Card>) {
    let fs = &site.facilities.facilities;
    let (paid, free): (Vec<usize>, Vec<usize>) = list.iter().partition(|i| fs[**i].sponsored);
    let items = |l: Vec<usize>| l.into_iter().map(|i| item(site, &fs[i])).collect();
    (items(free), items(paid))
}

/// The theme's strings that locator.js writes itself (status lines, result counts, badges,
/// errors), in the page's language. `{n}`-style placeholders are filled by the script.
const LOCATOR_SCRIPT_KEYS: &[&str] = &[
    "button_main",
    "sponsored",
    "sponsored_listings",
    "walk_ins_welcome",
    "locator_js_count_zip_one",
    "locator_js_count_zip_many",
    "locator_js_count_here_one",
    "locator_js_count_here_many",
    "locator_js_none_near_zip3",
    "locator_js_sponsored_one",
    "locator_js_sponsored_many",
    "locator_js_nearest_one",
    "locator_js_nearest_many",
    "locator_js_try_larger",
    "locator_js_results",
    "locator_js_nearest_label",
    "locator_js_show_more",
    "locator_js_sponsored_apart",
    "locator_js_distance",
    "locator_js_distance_about",
    "locator_js_searching",
    "locator_js_load_error",
    "locator_js_enter_zip",
    "locator_js_zip_unknown",
    "locator_js_finding_location",
    "locator_js_no_location",
];

/// `locator`: the search form's options, on the locator, state and city pages.
fn locator_ctx(site: &Site) -> Value {
    let c = &site.config;
    let term_list = |v: &'static [Term], prefix: &str| {
        v.iter()
            .enumerate()
            .map(|(bit, t)| {
                let (label, explain) = localized(&site.strings, prefix, t);
                json!({ "id": t.id, "label": label, "explain": explain, "bit": bit })
            })
            .collect::<Vec<_>>()
    };
    let vocab = json!({
        "levels": vocabulary::LEVELS_OF_CARE
            .iter()
            .map(|t| localized(&site.strings, "care", t).0)
            .collect::<Vec<_>>(),
        "strings": seo::script_strings(&site.strings, LOCATOR_SCRIPT_KEYS),
    });
    json!({
        "data_url": c.link(DATA_PATH),
        "radii": super::locator_data::RADII,
        "default_radius": 25,
        "levels_of_care": term_list(vocabulary::LEVELS_OF_CARE, "care"),
        "medications": term_list(vocabulary::MEDICATIONS, "med"),
        "payment": term_list(vocabulary::PAYMENT, "pay"),
        "populations": term_list(vocabulary::POPULATIONS, "pop"),
        "languages": languages(&site.facilities.languages, &c.language),
        "vocab_json": seo::script_safe(&vocab),
        "attribution": zips::ATTRIBUTION,
        "total": site.facilities.facilities.len(),
    })
}

fn states_ctx(site: &Site) -> Vec<Value> {
    site.facilities
        .states
        .iter()
        .map(|s| json!({ "code": s.code, "name": s.name, "url": site.config.link(&s.path), "count": s.facilities.len() }))
        .collect()
}

/// `MedicalClinic` JSON-LD for a facility page.
pub fn json_ld(site: &Site, f: &Facility) -> String {
    let c = &site.config;
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": f.name,
        "url": c.absolute(&f.path),
        "telephone": f.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": f.street,
            "addressLocality": f.city,
            "addressRegion": f.state,
            "postalCode": f.zip,
            "addressCountry": "US",
        },
        "geo": { "@type": "GeoCoordinates", "latitude": f.lat, "longitude": f.lon },
    });
    if !f.description_text.is_empty() {
        v["description"] = json!(f.description_text);
    }
    if let Some(w) = &f.website {
        v["sameAs"] = json!(w);
    }
    if let Some(h) = &f.hours {
        let oh = hours::opening_hours(h);
        if !oh.is_empty() {
            v["openingHours"] = json!(oh);
        }
    }
    if !f.payment.is_empty() {
        let labels: Vec<&str> = f
            .payment
            .iter()
            .filter_map(|p| vocabulary::find(vocabulary::PAYMENT, p).map(|t| t.label))
            .collect();
        v["paymentAccepted"] = json!(labels.join(", "));
    }
    if !f.languages.is_empty() {
        v["knowsLanguage"] = json!(f.languages);
    }
    if let Some(n) = &f.npi {
        v["identifier"] = json!({ "@type": "PropertyValue", "propertyID": "NPI", "value": n });
    }
    seo::script_safe(&v)
}

/// A facility page.
pub(super) fn facility_page(site: &Site, i: usize) -> Page<'static> {
    let f = &site.facilities.facilities[i];
    let mut ctx = Context::new();
    ctx.insert("facility", &FacilityCtx::new(site, f));
    let description = if f.description_text.is_empty() {
        format!(
            "{} in {}, {}: levels of care, payment, phone and hours.",
            f.name, f.city, f.state
        )
    } else {
        crate::markdown::cut(&f.description_text, 160)
    };
    let seo = seo_for(
        site,
        Some(&f.name),
        &description,
        &f.path,
        "website",
        Some(json_ld(site, f)),
    );
    Page {
        template: "facility.html",
        path: f.path.clone(),
        kind: "facility",
        seo,
        ctx,
    }
}

/// A state page.
pub(super) fn state_page(site: &Site, i: usize) -> Page<'static> {
    let s = &site.facilities.states[i];
    let c = &site.config;
    let (facilities, sponsored) = split_items(site, &s.facilities);
    let cities: Vec<Value> = s
        .cities
        .iter()
        .map(|ci| {
            let city = &site.facilities.cities[*ci];
            json!({ "name": city.name, "url": c.link(&city.path), "count": city.facilities.len() })
        })
        .collect();
    let mut ctx = Context::new();
    ctx.insert(
        "state",
        &json!({ "code": s.code, "name": s.name, "url": c.link(&s.path), "cities": cities }),
    );
    ctx.insert("facilities", &facilities);
    ctx.insert("sponsored", &sponsored);
    ctx.insert("locator", &locator_ctx(site));
    ctx.insert("locator_url", &c.link(facility::LOCATOR_PATH));
    let title = format!("Treatment in {}", s.name);
    let description = format!(
        "{} treatment facilit{} in {}, by city.",
        s.facilities.len(),
        if s.facilities.len() == 1 { "y" } else { "ies" },
        s.name
    );
    let seo = seo_for(site, Some(&title), &description, &s.path, "website", None);
    Page {
        template: "state.html",
        path: s.path.clone(),
        kind: "state",
        seo,
        ctx,
    }
}

/// A city page.
pub(super) fn city_page(site: &Site, i: usize) -> Page<'static> {
    let city = &site.facilities.cities[i];
    let s = &site.facilities.states[city.state_index];
    let c = &site.config;
    let (facilities, sponsored) = split_items(site, &city.facilities);
    let mut ctx = Context::new();
    ctx.insert(
        "city",
        &json!({
            "name": city.name, "url": c.link(&city.path),
            "state": { "code": s.code, "name": s.name, "url": c.link(&s.path) },
        }),
    );
    ctx.insert("facilities", &facilities);
    ctx.insert("sponsored", &sponsored);
    ctx.insert("locator", &locator_ctx(site));
    ctx.insert("locator_url", &c.link(facility::LOCATOR_PATH));
    let title = format!("Treatment in {}, {}", city.name, s.code);
    let description = format!("Treatment facilities in {}, {}.", city.name, s.name);
    let seo = seo_for(site, Some(&title), &description, &city.path, "website", None);
    Page {
        template: "city.html",
        path: city.path.clone(),
        kind: "city",
        seo,
        ctx,
    }
}

/// The locator page `/treatment/`.
pub(super) fn locator_page(site: &Site) -> Page<'static> {
    let mut ctx = Context::new();
    ctx.insert("states", &states_ctx(site));
    ctx.insert("locator", &locator_ctx(site));
    let seo = seo_for(
        site,
        Some("Find treatment"),
        "Find addiction treatment near you: search by ZIP code, or browse by state and city.",
        facility::LOCATOR_PATH,
        "website",
        None,
    );
    Page {
        template: "locator.html",
        path: facility::LOCATOR_PATH.into(),
        kind: "locator",
        seo,
        ctx,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_mark_non_site_languages() {
        let l = languages(&["en".into(), "es".into()], "en");
        assert_eq!((l[0].name.as_str(), l[0].lang.as_deref()), ("English", None));
        assert_eq!((l[1].name.as_str(), l[1].lang.as_deref()), ("Español", Some("es")));
    }

    #[test]
    fn map_link_is_plain_osm() {
        assert_eq!(
            map_url(30.2672, -97.7431),
            "https://www.openstreetmap.org/?mlat=30.26720&mlon=-97.74310#map=17/30.26720/-97.74310"
        );
    }
}
