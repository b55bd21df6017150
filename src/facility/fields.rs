//! The checks on a facility file's fields, one function per key or group of keys, each
//! adding its problems to the file's [`Check`] and returning the checked value.

use super::file::{AddressFile, Check, GeoFile, LicenseFile, LineFile, Options, S, span};
use super::types::{License, Line};
use super::vocabulary::{self, Term};
use super::{checks, zips};
use crate::date;
use crate::diag::{Diag, did_you_mean};
use crate::load::Doc;
use crate::slug::{is_slug, slugify};
use crate::yaml::Spanned;

pub(super) fn ids(vocab: &[Term]) -> String {
    vocab.iter().map(|t| t.id).collect::<Vec<_>>().join(", ")
}

pub(super) fn slug(c: &mut Check<'_>, doc: &Doc, written: Option<&S>) -> String {
    match written {
        Some(s) if is_slug(&s.value) => s.value.clone(),
        Some(s) => {
            let fix = slugify(&s.value);
            c.at(
                span(s),
                format!("{:?} is not a valid slug", s.value),
                format!("use lower-case letters, digits and single hyphens, for example `{fix}`"),
            );
            fix
        }
        None => {
            let stem = crate::load::stem(&doc.rel);
            let s = slugify(stem);
            if s.is_empty() {
                c.at(
                    (0, 1),
                    "this file's name gives no slug",
                    "add `slug:` with lower-case letters, digits and hyphens",
                );
            }
            s
        }
    }
}

pub(super) fn address(c: &mut Check<'_>, a: Option<&Spanned<AddressFile>>) -> (String, String, String, String) {
    let Some(a) = a else {
        c.missing(
            (0, 1),
            "address",
            "{ street: ..., city: ..., state: TX, zip: \"78701\" }",
        );
        return Default::default();
    };
    let at = span(a);
    let v = &a.value;
    let street = c.text(v.street.as_ref(), at, "street", "123 Example St");
    let city = c.text(v.city.as_ref(), at, "city", "Austin");
    let state = match &v.state {
        None => {
            c.missing(at, "state", "TX");
            String::new()
        }
        Some(s) => state(c, s),
    };
    let zip = match &v.zip {
        None => {
            c.missing(at, "zip", "\"78701\"");
            String::new()
        }
        Some(z) => {
            let zip = z.value.trim();
            if !checks::is_zip(zip) {
                c.at(
                    span(z),
                    format!("{zip:?} is not a ZIP code"),
                    "write 5 digits or ZIP+4 in quotes, such as \"78701\" or \"78701-1234\" (quotes keep leading zeros)",
                );
            }
            zip.to_string()
        }
    };
    if checks::is_zip(&zip) && !state.is_empty() {
        zip_in_state(c, v.zip.as_ref().map_or(at, span), &zip, &state);
    }
    (street, city, state, zip)
}

/// A USPS state code: as written, in capitals (with an error if it was not), or empty with
/// an error and a did-you-mean (also from the state's name).
fn state(c: &mut Check<'_>, s: &S) -> String {
    let code = s.value.trim();
    if vocabulary::state_name(code).is_some() {
        return code.to_string();
    }
    if vocabulary::state_name(&code.to_uppercase()).is_some() {
        c.at(
            span(s),
            format!("write the state code in capitals: `{}`", code.to_uppercase()),
            "USPS codes are upper case, such as TX, DC or PR",
        );
        return code.to_uppercase();
    }
    let by_name = vocabulary::STATES
        .iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(code))
        .map(|(k, _)| *k);
    let help = match by_name.or_else(|| did_you_mean(code, vocabulary::STATES.iter().map(|(k, _)| *k))) {
        Some(k) => format!("did you mean `{k}`? Use the two-letter USPS code"),
        None => "use the two-letter USPS code of a state, DC, PR or a territory (TX, DC, PR, GU, VI, AS, MP)".into(),
    };
    c.at(span(s), format!("`{code}` is not a USPS state code"), help);
    String::new()
}

/// Warns (at `at`) when a well-formed ZIP is unknown, or lies in another state.
fn zip_in_state(c: &mut Check<'_>, at: (usize, usize), zip: &str, state: &str) {
    let known = zips::states(zip);
    if known.is_empty() {
        c.warn(
            at,
            format!("ZIP {zip} is not in the ZIP code data set"),
            "check it for a typo; a brand-new ZIP may be missing from the data, and the locator still finds the listing by its coordinates",
        );
    } else if !known.contains(&state) {
        c.warn(
            at,
            format!("ZIP {zip} is in {}, not {state}", known.join(", ")),
            "check the ZIP code and the state",
        );
    }
}

pub(super) fn geo(c: &mut Check<'_>, g: Option<&Spanned<GeoFile>>, zip: &str, opts: &Options) -> (f64, f64) {
    let Some(g) = g else {
        c.missing((0, 1), "geo", "{ lat: 30.2672, lon: -97.7431 }");
        return (0.0, 0.0);
    };
    let (lat, lon) = (&g.value.lat, &g.value.lon);
    let mut ok = true;
    if !(-90.0..=90.0).contains(&lat.value) {
        c.at(
            span(lat),
            format!("latitude {} is out of range", lat.value),
            "latitude is between -90 and 90 degrees; check that lat and lon are not swapped",
        );
        ok = false;
    }
    if !(-180.0..=180.0).contains(&lon.value) {
        c.at(
            span(lon),
            format!("longitude {} is out of range", lon.value),
            "longitude is between -180 and 180 degrees",
        );
        ok = false;
    }
    if ok
        && checks::is_zip(zip)
        && let Some((zlat, zlon)) = zips::centroid(zip)
    {
        let km = checks::distance_km(lat.value, lon.value, zlat, zlon);
        if km > opts.max_zip_distance_km {
            c.warn(
                span(g),
                format!("these coordinates are {km:.0} km from the centre of ZIP {}", &zip[..5]),
                format!("check them: the ZIP's centre is near lat {zlat:.4}, lon {zlon:.4}; lat and lon may be swapped, or lon may lack its minus sign"),
            );
        }
    }
    (lat.value, lon.value)
}

pub(super) fn lines(c: &mut Check<'_>, list: Option<&[LineFile]>) -> Vec<Line> {
    let mut out = Vec::new();
    for l in list.unwrap_or_default() {
        let kind = l.kind.value.trim();
        if vocabulary::find(vocabulary::PHONE_TYPES, kind).is_none() {
            let known = ids(vocabulary::PHONE_TYPES);
            let help = match did_you_mean(kind, vocabulary::PHONE_TYPES.iter().map(|t| t.id)) {
                Some(s) => format!("did you mean `{s}`? Known types: {known}"),
                None => format!("use one of: {known}"),
            };
            c.at(span(&l.kind), format!("unknown phone type `{kind}`"), help);
        }
        c.phone(&l.number);
        out.push(Line {
            kind: kind.to_string(),
            number: l.number.value.clone(),
        });
    }
    out
}

pub(super) fn services(c: &mut Check<'_>, list: Option<&[S]>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in list.unwrap_or_default() {
        if !is_slug(&s.value) {
            c.at(
                span(s),
                format!("service id {:?} is not a slug", s.value),
                format!("write ids in lower case with hyphens, such as `{}`", slugify(&s.value)),
            );
        } else if !out.contains(&s.value) {
            out.push(s.value.clone());
        }
    }
    out
}

pub(super) fn languages(c: &mut Check<'_>, list: Option<&[S]>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in list.unwrap_or_default() {
        let code = l.value.trim();
        if code.len() == 2 && vocabulary::language(code).is_some() {
            if !out.iter().any(|o| o == code) {
                out.push(code.to_string());
            }
            continue;
        }
        let lower = code.to_lowercase();
        let guess = if lower.len() == 2 && vocabulary::language(&lower).is_some() {
            Some(lower)
        } else {
            // "Spanish" -> es.
            let mut name = lower.clone();
            if let Some(first) = name.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            isolang::Language::from_name(&name)
                .and_then(|l| l.to_639_1())
                .map(str::to_string)
        };
        let help = match guess {
            Some(g) => format!("did you mean `{g}`? Use two-letter ISO 639-1 codes in lower case"),
            None => "use two-letter ISO 639-1 codes, such as en, es, zh, vi, ar".into(),
        };
        c.at(span(l), format!("`{code}` is not an ISO 639-1 language code"), help);
    }
    out
}

pub(super) fn licenses(c: &mut Check<'_>, list: Option<&[LicenseFile]>) -> Vec<License> {
    let mut out = Vec::new();
    for l in list.unwrap_or_default() {
        if let Some(u) = &l.url
            && !checks::is_web_url(u.value.trim())
        {
            c.at(
                span(u),
                "a licence `url` must be an http:// or https:// address",
                "write the full address of the lookup page",
            );
        }
        out.push(License {
            number: l.number.trim().to_string(),
            authority: l.authority.clone(),
            url: l.url.as_ref().map(|u| u.value.trim().to_string()),
        });
    }
    out
}

pub(super) fn verified(c: &mut Check<'_>, v: Option<&S>, opts: &Options) -> Option<date::Date> {
    let Some(v) = v else {
        c.missing((0, 1), "verified", "2026-10-01");
        return None;
    };
    let d = match date::parse(&v.value) {
        Ok(d) => d,
        Err(why) => {
            c.at(
                span(v),
                why,
                "write the date the listing was last checked as YYYY-MM-DD",
            );
            return None;
        }
    };
    let day = chrono::DateTime::from_timestamp(d.timestamp, 0).map(|t| t.date_naive());
    if let Some(day) = day {
        if day > opts.today + chrono::Days::new(1) {
            c.warn(
                span(v),
                format!("`verified` ({}) is in the future", d.iso),
                "write the date the listing was actually checked",
            );
        } else if opts.stale_after_months > 0
            && let Some(limit) = opts
                .today
                .checked_sub_months(chrono::Months::new(opts.stale_after_months))
            && day < limit
        {
            let months = opts.stale_after_months;
            let stale = Diag::at(c.src, span(v), format!("this listing was last verified on {}, more than {months} months ago", d.iso))
                .help("call the facility, check the details, and update `verified:` (site.yaml's `listings_stale_after_months` sets the window)")
                .warning()
                .grouped(format!("listings were last verified more than {months} months ago"), d.iso.clone(), "oldest");
            c.diags.push(stale);
        }
    }
    Some(d)
}
