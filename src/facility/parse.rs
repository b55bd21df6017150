//! One facility file: every check on its values (its YAML shape is in `file.rs`, the
//! per-field checks in `fields.rs`). All problems of a file are reported together, each at
//! the value.

pub use super::file::Options;
use super::file::{Check, FacilityFile, span};
use super::types::{Facility, License, Line, Translation};
use super::vocabulary;
use super::{checks, description, fields};
use crate::config;
use crate::diag::Diag;
use crate::load::Doc;
use crate::slug::slugify;
use crate::yaml;

/// Parses and checks one facility file. Returns the facility (path not yet set) unless it
/// has errors, and every diagnostic (errors and warnings) found in it.
pub fn facility(doc: &Doc, opts: &Options) -> (Option<Facility>, Vec<Diag>) {
    let src = &doc.source;
    let (file, diags) = yaml::parse_all::<FacilityFile>(src, &src.text, 0);
    let Some(file) = file else { return (None, diags) };
    let mut c = Check { src, diags };
    let name = c.text(file.name.as_ref(), TOP, "name", "Example Recovery Center");
    let slug = fields::slug(&mut c, doc, file.slug.as_ref());
    let place = place(&mut c, &file, opts);
    let contact = contact(&mut c, &file);
    let care = care(&mut c, &file);
    let npi = npi(&mut c, &file);
    let licenses = fields::licenses(&mut c, file.licenses.as_deref());
    let verified = fields::verified(&mut c, file.verified.as_ref(), opts);
    let has_errors = c.diags.iter().any(|d| d.severity == crate::diag::Severity::Error);
    let facility = match verified {
        Some(verified) if !has_errors => {
            let checked = Checked {
                name,
                slug,
                place,
                contact,
                care,
                npi,
                licenses,
                verified,
            };
            Some(build(doc, file, checked))
        }
        _ => None,
    };
    (facility, c.diags)
}

/// Where a problem with no value of its own (a missing key) is reported: the file's start.
const TOP: (usize, usize) = (0, 1);

/// The address and the coordinates, checked.
struct Place {
    street: String,
    city: String,
    city_slug: String,
    state: String,
    zip: String,
    lat: f64,
    lon: f64,
}

fn place(c: &mut Check<'_>, file: &FacilityFile, opts: &Options) -> Place {
    let (street, city, state, zip) = fields::address(c, file.address.as_ref());
    let city_slug = slugify(&city);
    if !city.is_empty() && city_slug.is_empty() {
        let at = file
            .address
            .as_ref()
            .and_then(|a| a.value.city.as_ref())
            .map_or(TOP, span);
        c.at(
            at,
            "this city name has no letters or digits",
            "write the city's name, such as `Austin`",
        );
    }
    let (lat, lon) = fields::geo(c, file.geo.as_ref(), &zip, opts);
    Place {
        street,
        city,
        city_slug,
        state,
        zip,
        lat,
        lon,
    }
}

/// Phone numbers, website and e-mail, checked.
struct Contact {
    phone: String,
    phones: Vec<Line>,
    website: Option<String>,
    email: Option<String>,
}

fn contact(c: &mut Check<'_>, file: &FacilityFile) -> Contact {
    let phone = match &file.phone {
        Some(p) => {
            c.phone(p);
            p.value.clone()
        }
        None => {
            c.missing(TOP, "phone", "\"+15125550123\"");
            String::new()
        }
    };
    let phones = fields::lines(c, file.phones.as_deref());
    let website = file.website.as_ref().map(|w| {
        if !checks::is_web_url(w.value.trim()) {
            c.at(
                span(w),
                "`website` must be an http:// or https:// address",
                "write the full address, such as https://example.org/",
            );
        }
        w.value.trim().to_string()
    });
    let email = file.email.as_ref().map(|e| {
        if !config::is_email(e.value.trim()) {
            c.at(
                span(e),
                format!("{:?} is not an e-mail address", e.value),
                "write it as name@example.org",
            );
        }
        e.value.trim().to_string()
    });
    Contact {
        phone,
        phones,
        website,
        email,
    }
}

/// The controlled lists (levels of care, medications, ...), checked against the vocabulary.
struct Care {
    levels_of_care: Vec<String>,
    medications: Vec<String>,
    payment: Vec<String>,
    populations: Vec<String>,
    accreditations: Vec<String>,
    services: Vec<String>,
    languages: Vec<String>,
}

fn care(c: &mut Check<'_>, file: &FacilityFile) -> Care {
    let levels_of_care = match &file.levels_of_care {
        None => {
            c.missing(TOP, "levels_of_care", "[outpatient]");
            Vec::new()
        }
        Some(l) if l.value.is_empty() => {
            let known = fields::ids(vocabulary::LEVELS_OF_CARE);
            c.at(
                span(l),
                "`levels_of_care` needs at least one value",
                format!("use one or more of: {known}"),
            );
            Vec::new()
        }
        Some(l) => c.terms(Some(&l.value), vocabulary::LEVELS_OF_CARE, "levels_of_care"),
    };
    Care {
        levels_of_care,
        medications: c.terms(file.medications.as_deref(), vocabulary::MEDICATIONS, "medications"),
        payment: c.terms(file.payment.as_deref(), vocabulary::PAYMENT, "payment"),
        populations: c.terms(file.populations.as_deref(), vocabulary::POPULATIONS, "populations"),
        accreditations: c.terms(
            file.accreditations.as_deref(),
            vocabulary::ACCREDITATIONS,
            "accreditations",
        ),
        services: fields::services(c, file.services.as_deref()),
        languages: fields::languages(c, file.languages.as_deref()),
    }
}

fn npi(c: &mut Check<'_>, file: &FacilityFile) -> Option<String> {
    file.npi.as_ref().map(|n| {
        if !checks::is_npi(&n.value) {
            c.at(
                span(n),
                format!("{:?} is not a valid NPI", n.value),
                "an NPI is 10 digits whose last digit is a check digit; copy it from the NPI registry (quote it: npi: \"1234567893\")",
            );
        }
        n.value.clone()
    })
}

/// The checked values of a file without errors.
struct Checked {
    name: String,
    slug: String,
    place: Place,
    contact: Contact,
    care: Care,
    npi: Option<String>,
    licenses: Vec<License>,
    verified: crate::date::Date,
}

/// The description as HTML (sanitized) and as plain text; both empty when there is none.
fn description(file: &FacilityFile) -> (String, String) {
    markdown_description(file.description.as_deref())
}

fn markdown_description(written: Option<&str>) -> (String, String) {
    let description = written.unwrap_or("").trim();
    let html = if description.is_empty() {
        String::new()
    } else {
        description::sanitize(&crate::markdown::to_html(description))
    };
    let text = if html.is_empty() {
        String::new()
    } else {
        description::plain_text(&html)
    };
    (html, text)
}

fn build(doc: &Doc, file: FacilityFile, v: Checked) -> Facility {
    let (description_html, description_text) = description(&file);
    let (place, contact, care) = (v.place, v.contact, v.care);
    Facility {
        rel: doc.rel.clone(),
        path: String::new(),
        source: doc.source.clone(),
        name: v.name,
        slug: v.slug,
        slug_span: file.slug.as_ref().map(span),
        street: place.street,
        city: place.city,
        city_slug: place.city_slug,
        state: place.state,
        zip: place.zip,
        lat: place.lat,
        lon: place.lon,
        phone: contact.phone,
        phones: contact.phones,
        website: contact.website,
        email: contact.email,
        levels_of_care: care.levels_of_care,
        medications: care.medications,
        services: care.services,
        payment: care.payment,
        populations: care.populations,
        languages: care.languages,
        accreditations: care.accreditations,
        hours: file.hours.map(|h| h.trim().to_string()).filter(|h| !h.is_empty()),
        walk_in: file.walk_in,
        accepting_new_patients: file.accepting_new_patients,
        npi: v.npi,
        licenses: v.licenses,
        verified: v.verified,
        sponsored: file.sponsored.unwrap_or(false),
        description_html,
        description_text,
        translations: file
            .translations
            .into_iter()
            .flatten()
            .map(|(code, t)| Translation {
                span: span(&t),
                code,
                hours: t.value.hours.map(|h| h.trim().to_string()).filter(|h| !h.is_empty()),
                description: t
                    .value
                    .description
                    .filter(|d| !d.trim().is_empty())
                    .map(|d| markdown_description(Some(&d))),
            })
            .collect(),
        extra: file.extra.unwrap_or(serde_json::Value::Object(serde_json::Map::new())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;
    use crate::diag::Source;

    const VALID: &str = "name: Example Recovery Center
address:
  street: 123 Example St
  city: Austin
  state: TX
  zip: \"78701\"
geo: { lat: 30.2672, lon: -97.7431 }
phone: \"+15125550123\"
phones:
  - { type: intake, number: \"+15125550124\" }
website: https://example.org/austin
email: intake@example.org
levels_of_care: [detox, outpatient]
medications: [buprenorphine]
payment: [medicaid]
populations: [adults]
languages: [en, es]
accreditations: [carf]
npi: \"1234567893\"
licenses:
  - { number: TX-1, authority: Texas HHSC, url: https://example.org/lookup }
verified: 2026-10-01
description: |
  Hello *there*.
";

    fn opts() -> Options {
        Options {
            stale_after_months: 12,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("test value"),
            max_zip_distance_km: 50.0,
        }
    }

    fn run(text: &str) -> (Option<Facility>, Vec<Diag>) {
        let doc = Doc {
            rel: "facilities/tx/example.yaml".into(),
            source: Source {
                name: "content/facilities/tx/example.yaml".into(),
                text: text.into(),
            },
        };
        facility(&doc, &opts())
    }

    /// Replaces the first line starting with `key` with `with` (a `with` holding NUL deletes it).
    fn edit(key: &str, with: &str) -> String {
        let i = VALID.lines().position(|l| l.starts_with(key));
        let Some(i) = i else {
            panic!("no line starts with {key:?}")
        };
        let mut lines: Vec<&str> = VALID.lines().collect();
        if with.contains('\u{0}') {
            lines.remove(i);
        } else {
            lines[i] = with;
        }
        lines.join("\n") + "\n"
    }

    #[test]
    fn valid_file_parses() {
        let (f, d) = run(VALID);
        assert!(d.is_empty(), "{d:?}");
        let f = f.expect("test value");
        assert_eq!(
            (f.slug.as_str(), f.city_slug.as_str(), f.state.as_str()),
            ("example", "austin", "TX")
        );
        assert_eq!(f.levels_of_care, ["detox", "outpatient"]);
        assert_eq!(f.description_text, "Hello there.");
        assert!(f.walk_in.is_none() && !f.sponsored);
    }

    /// Each case: (line prefix to replace, replacement, message part, line, column of the value).
    #[test]
    fn each_error_names_file_line_and_column() {
        let cases: &[(&str, &str, &str, usize, usize)] = &[
            (
                "levels_of_care",
                "levels_of_care: [detoxx]",
                "unknown levels_of_care value `detoxx`",
                13,
                18,
            ),
            (
                "medications",
                "medications: [suboxone]",
                "unknown medications value `suboxone`",
                14,
                15,
            ),
            (
                "payment",
                "payment: [medicaid, cash]",
                "unknown payment value `cash`",
                15,
                21,
            ),
            (
                "populations",
                "populations: [adult]",
                "unknown populations value `adult`",
                16,
                15,
            ),
            (
                "accreditations",
                "accreditations: [jcaho]",
                "unknown accreditations value `jcaho`",
                18,
                18,
            ),
            (
                "  - { type: intake",
                "  - { type: intak, number: \"+15125550124\" }",
                "unknown phone type `intak`",
                10,
                13,
            ),
            ("  state:", "  state: TQ", "`TQ` is not a USPS state code", 5, 10),
            ("  state:", "  state: tx", "write the state code in capitals", 5, 10),
            ("  zip:", "  zip: \"7870\"", "\"7870\" is not a ZIP code", 6, 8),
            (
                "phone:",
                "phone: \"512-555-0123\"",
                "is not an E.164 phone number",
                8,
                8,
            ),
            (
                "  - { type: intake",
                "  - { type: intake, number: \"5125550124\" }",
                "is not an E.164 phone number",
                10,
                29,
            ),
            (
                "geo:",
                "geo: { lat: 97.7, lon: -97.7431 }",
                "latitude 97.7 is out of range",
                7,
                13,
            ),
            (
                "geo:",
                "geo: { lat: 30.2, lon: -197.7 }",
                "longitude -197.7 is out of range",
                7,
                24,
            ),
            ("npi:", "npi: \"1234567890\"", "is not a valid NPI", 19, 6),
            (
                "website:",
                "website: ftp://example.org/",
                "`website` must be an http:// or https:// address",
                11,
                10,
            ),
            (
                "website:",
                "website: javascript:alert(1)",
                "`website` must be an http:// or https:// address",
                11,
                10,
            ),
            ("email:", "email: nobody", "is not an e-mail address", 12, 8),
            (
                "languages:",
                "languages: [en, Spanish]",
                "`Spanish` is not an ISO 639-1 language code",
                17,
                17,
            ),
            ("verified:", "verified: 2026-13-01", "is not a date", 22, 11),
            (
                "levels_of_care",
                "levels_of_care: []",
                "`levels_of_care` needs at least one value",
                13,
                17,
            ),
            ("name:", "name: \"\"", "`name` is empty", 1, 7),
            ("name:", "nmae: X", "unknown key `nmae`", 1, 1),
            ("  city:", "  cty: Austin", "unknown key `cty`", 4, 3),
            ("phone:", "slug: Not A Slug", "is not a valid slug", 8, 7),
            (
                "  - { number: TX-1",
                "  - { number: TX-1, url: \"javascript:x\" }",
                "a licence `url` must be",
                21,
                26,
            ),
        ];
        for (key, with, msg, line, col) in cases {
            let text = edit(key, with);
            let (f, diags) = run(&text);
            let hit = diags.iter().find(|d| d.message.contains(msg));
            let Some(d) = hit else {
                panic!("{with:?}: no diagnostic containing {msg:?}; got {diags:?}");
            };
            assert_eq!(d.severity, Severity::Error, "{with}");
            assert!(f.is_none(), "{with}: a file with errors must be left out");
            assert_eq!(
                d.place().as_deref().map(|p| p.split(':').next()),
                Some(Some("content/facilities/tx/example.yaml"))
            );
            assert_eq!(d.line_col(), Some((*line, *col)), "{with}: {}", d.message);
            assert!(d.help.as_deref().is_some_and(|h| !h.is_empty()), "{with}: no hint");
        }
    }

    #[test]
    fn did_you_mean_suggestions() {
        let cases = [
            ("levels_of_care", "levels_of_care: [detoxx]", "did you mean `detox`?"),
            ("  state:", "  state: Texas", "did you mean `TX`?"),
            ("languages:", "languages: [Spanish]", "did you mean `es`?"),
            ("name:", "nmae: X", "did you mean `name`?"),
            ("phone:", "phone: \"(512) 555-0123\"", "\"+15125550123\""),
        ];
        for (key, with, want) in cases {
            let (_, diags) = run(&edit(key, with));
            let helps: Vec<&str> = diags.iter().filter_map(|d| d.help.as_deref()).collect();
            assert!(helps.iter().any(|h| h.contains(want)), "{with}: {helps:?}");
        }
    }

    #[test]
    fn all_missing_keys_are_reported_at_once() {
        let (f, diags) = run("website: https://example.org/\n");
        assert!(f.is_none());
        let msgs: Vec<&str> = diags.iter().map(|d| &*d.message).collect();
        for key in ["name", "address", "geo", "phone", "levels_of_care", "verified"] {
            assert!(
                msgs.contains(&format!("missing required key `{key}`").as_str()),
                "{key}: {msgs:?}"
            );
        }
        let (_, diags) = run(&edit("  street:", "  \u{0}"));
        assert!(
            diags
                .iter()
                .any(|d| &*d.message == "missing required key `street`" && d.line_col() == Some((3, 3))),
            "{diags:?}"
        );
    }

    #[test]
    fn several_errors_in_one_file_all_reported() {
        let text = edit("levels_of_care", "levels_of_care: [detoxx]").replace("\"+15125550123\"", "\"5125550123\"");
        let (_, diags) = run(&text);
        assert!(diags.len() >= 2, "{diags:?}");
    }

    /// The misspelled key stopped the file, and the latitude beside it went unseen.
    #[test]
    fn unknown_key_does_not_hide_a_bad_latitude() {
        let text = edit("website", "webiste: https://example.org/austin").replace(
            "geo: { lat: 30.2672, lon: -97.7431 }",
            "geo:\n  lat: 302.672\n  lon: -97.7431",
        );
        let (f, diags) = run(&text);
        let got: Vec<_> = diags.iter().map(|d| (&*d.message, d.line_col())).collect();
        assert_eq!(
            got,
            [
                ("unknown key `webiste`", Some((13, 1))),
                ("latitude 302.672 is out of range", Some((8, 8))),
            ]
        );
        assert!(help_of(&diags[0]).contains("did you mean `website`?"));
        assert!(f.is_none());
    }

    /// The wrong value was blanked to read the rest: `geo` was then reported missing too.
    #[test]
    fn a_wrong_value_is_reported_once() {
        let (_, diags) = run(&edit("geo:", "geo: { lat: north, lon: -97.7431 }"));
        let got: Vec<_> = diags.iter().map(|d| (&*d.message, d.line_col())).collect();
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, Some((7, 13)), "{got:?}");
    }

    fn help_of(d: &Diag) -> &str {
        d.help.as_deref().unwrap_or_default()
    }

    #[test]
    fn warnings_for_stale_listing_and_far_coordinates() {
        let (f, diags) = run(&edit("verified:", "verified: 2025-06-01"));
        assert!(f.is_some(), "warnings keep the facility");
        let d = diags
            .iter()
            .find(|d| d.message.contains("more than 12 months ago"))
            .expect("stale warning");
        assert_eq!((d.severity, d.line_col()), (Severity::Warning, Some((22, 11))));

        // lat and lon swapped -> far from ZIP 78701; also an unsigned lon.
        for geo in [
            "geo: { lat: -97.7431, lon: 30.2672 }",
            "geo: { lat: 30.2672, lon: 97.7431 }",
        ] {
            let (_, diags) = run(&edit("geo:", geo));
            assert!(
                diags.iter().any(|d| d.severity == Severity::Warning
                    && d.message.contains("km from the centre of ZIP 78701")
                    && d.line_col().map(|l| l.0) == Some(7))
                    || diags.iter().any(|d| d.message.contains("out of range")),
                "{geo}: {diags:?}"
            );
        }
        let (_, diags) = run(&edit("geo:", "geo: { lat: 30.2672, lon: 97.7431 }"));
        assert!(
            diags
                .iter()
                .any(|d| d.severity == Severity::Warning && d.message.contains("km from the centre")),
            "{diags:?}"
        );
    }

    #[test]
    fn zip_warnings() {
        for (zip, want) in [
            ("\"00000\"", "is not in the ZIP code data set"),
            ("\"10001\"", "ZIP 10001 is in NY, not TX"),
        ] {
            let (f, diags) = run(&edit("  zip:", &format!("  zip: {zip}")));
            assert!(f.is_some());
            let d = diags.iter().find(|d| d.message.contains(want)).expect(want);
            assert_eq!((d.severity, d.line_col()), (Severity::Warning, Some((6, 8))));
        }
    }
}
