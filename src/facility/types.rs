//! One facility as the stages after parsing see it: [`Facility`], with its phone lines and
//! licences. A leaf of its own so that the parser (`parse`, `fields`) and the directory
//! (`mod.rs`) both take it from below.

use crate::date::Date;
use crate::diag::Source;

/// One of the facility's own phone lines besides the main one.
#[derive(Debug, Clone)]
pub struct Line {
    /// Line type id from [`vocabulary::PHONE_TYPES`](super::vocabulary::PHONE_TYPES) (`intake`, `tty`, `sms`, `fax`, `after-hours`).
    pub kind: String,
    /// E.164 number.
    pub number: String,
}

/// A licence as written.
#[derive(Debug, Clone)]
pub struct License {
    /// Licence number.
    pub number: String,
    /// Who issued it.
    pub authority: Option<String>,
    /// Where to look it up (http(s)).
    pub url: Option<String>,
}

/// One facility, validated and placed. The plain fields are what a search record needs.
#[derive(Debug, Clone)]
pub struct Facility {
    /// Path relative to content/.
    pub rel: String,
    /// Site path of its page.
    pub path: String,
    /// The file, for diagnostics.
    pub source: Source,
    /// Name.
    pub name: String,
    /// URL slug (unique among facilities).
    pub slug: String,
    /// Where `slug:` was written, if it was (for the duplicate-slug error).
    pub slug_span: Option<(usize, usize)>,
    /// Street line.
    pub street: String,
    /// City as written.
    pub city: String,
    /// Slug of the city, as in the URL.
    pub city_slug: String,
    /// USPS state code, upper case.
    pub state: String,
    /// ZIP or ZIP+4.
    pub zip: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Main line, E.164.
    pub phone: String,
    /// More of the facility's own lines.
    pub phones: Vec<Line>,
    /// Website (http(s)).
    pub website: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Level-of-care ids, as written (deduplicated).
    pub levels_of_care: Vec<String>,
    /// Medication ids.
    pub medications: Vec<String>,
    /// Free-form service ids.
    pub services: Vec<String>,
    /// Payment ids.
    pub payment: Vec<String>,
    /// Population ids.
    pub populations: Vec<String>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// Accreditation ids.
    pub accreditations: Vec<String>,
    /// Opening hours, free text.
    pub hours: Option<String>,
    /// Walk-ins welcome; `None` is unknown.
    pub walk_in: Option<bool>,
    /// Taking new patients; `None` is unknown.
    pub accepting_new_patients: Option<bool>,
    /// National Provider Identifier.
    pub npi: Option<String>,
    /// Licences.
    pub licenses: Vec<License>,
    /// When the listing was last checked.
    pub verified: Date,
    /// Paid listing.
    pub sponsored: bool,
    /// Description as sanitized HTML (empty when absent).
    pub description_html: String,
    /// Description as plain text, for search and meta descriptions.
    pub description_text: String,
    /// Description and hours in other languages.
    pub translations: Vec<Translation>,
    /// Custom fields.
    pub extra: serde_json::Value,
}

/// A facility's description and hours in another language (`None`: as in the default one).
#[derive(Debug, Clone)]
pub struct Translation {
    /// Language code.
    pub code: String,
    /// Byte span of the entry in the file.
    pub span: (usize, usize),
    /// Opening hours.
    pub hours: Option<String>,
    /// Description as sanitized HTML and as plain text.
    pub description: Option<(String, String)>,
}

impl Facility {
    /// The facility as shown in language `code`: its translated fields in place.
    pub fn translate(&mut self, code: &str) {
        let Some(t) = self.translations.iter().find(|t| t.code == code) else {
            return;
        };
        if let Some(h) = &t.hours {
            self.hours = Some(h.clone());
        }
        if let Some((html, text)) = &t.description {
            self.description_html = html.clone();
            self.description_text = text.clone();
        }
    }
}
