//! One facility file: every check on its values (its YAML shape is in `file.rs`, the
//! per-field checks in `fields.rs`). All problems of a file are reported together, each at
//! the value.

pub use super::file::Options;
use super::file::{Check, FacilityFile, span};
use super::vocabulary;
use super::{Facility, checks, description, fields};
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
    let top = (0, 1);
    let name = c.text(file.name.as_ref(), top, "name", "Example Recovery Center");
    let slug = fields::slug(&mut c, doc, file.slug.as_ref());

    let (street, city, state, zip) = fields::address(&mut c, file.address.as_ref());
    let city_slug = slugify(&city);
    if !city.is_empty() && city_slug.is_empty() {
        let at = file
            .address
            .as_ref()
            .and_then(|a| a.value.city.as_ref())
            .map_or(top, span);
        c.at(
            at,
            "this city name has no letters or digits",
            "write the city's name, such as `Austin`",
        );
    }
    let (lat, lon) = fields::geo(&mut c, file.geo.as_ref(), &zip, opts);

    let phone = match &file.phone {
        Some(p) => {
            c.phone(p);
            p.value.clone()
        }
        None => {
            c.missing(top, "phone", "\"+15125550123\"");
            String::new()
        }
    };
    let phones = fields::lines(&mut c, file.phones.as_deref());
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

    let levels_of_care = match &file.levels_of_care {
        None => {
            c.missing(top, "levels_of_care", "[outpatient]");
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
    let medications = c.terms(file.medications.as_deref(), vocabulary::MEDICATIONS, "medications");
    let payment = c.terms(file.payment.as_deref(), vocabulary::PAYMENT, "payment");
    let populations = c.terms(file.populations.as_deref(), vocabulary::POPULATIONS, "populations");
    let accreditations = c.terms(
        file.accreditations.as_deref(),
        vocabulary::ACCREDITATIONS,
        "accreditations",
    );
    let services = fields::services(&mut c, file.services.as_deref());
    let languages = fields::languages(&mut c, file.languages.as_deref());

    let npi = file.npi.as_ref().map(|n| {
        if !checks::is_npi(&n.value) {
            c.at(
                span(n),
                format!("{:?} is not a valid NPI", n.value),
                "an NPI is 10 digits whose last digit is a check digit; copy it from the NPI registry (quote it: npi: \"1234567893\")",
            );
        }
        n.value.clone()
    });
    let licenses = fields::licenses(&mut c, file.licenses.as_deref());
    let verified = fields::verified(&mut c, file.verified.as_ref(), opts);
    let description = file.description.as_deref().unwrap_or("").trim();
    let description_html = if description.is_empty() {
        String::new()
    } else {
        description::sanitize(&crate::markdown::to_html(description))
    };
    let description_text = if description_html.is_empty() {
        String::new()
    } else {
        description::plain_text(&description_html)
    };

    let has_errors = c.diags.iter().any(|d| d.severity == crate::diag::Severity::Error);
    let facility = match verified {
        Some(verified) if !has_errors => Some(Facility {
            rel: doc.rel.clone(),
            path: String::new(),
            source: src.clone(),
            name,
            slug,
            slug_span: file.slug.as_ref().map(span),
            street,
            city,
            city_slug,
            state,
            zip,
            lat,
            lon,
            phone,
            phones,
            website,
            email,
            levels_of_care,
            medications,
            services,
            payment,
            populations,
            languages,
            accreditations,
            hours: file.hours.map(|h| h.trim().to_string()).filter(|h| !h.is_empty()),
            walk_in: file.walk_in,
            accepting_new_patients: file.accepting_new_patients,
            npi,
            licenses,
            verified,
            sponsored: file.sponsored.unwrap_or(false),
            description_html,
            description_text,
            extra: file.extra.unwrap_or(serde_json::Value::Object(serde_json::Map::new())),
        }),
        _ => None,
    };
    (facility, c.diags)
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
        let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
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
                .any(|d| d.message == "missing required key `street`" && d.line_col() == Some((3, 3))),
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
        let got: Vec<_> = diags.iter().map(|d| (d.message.as_str(), d.line_col())).collect();
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
        let got: Vec<_> = diags.iter().map(|d| (d.message.as_str(), d.line_col())).collect();
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
