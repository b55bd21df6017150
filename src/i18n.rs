//! The theme's strings in the page's language (`themes/<name>/i18n/{code}.yaml`, a flat
//! mapping of key to text, `t.key` in templates), and dates written in it.
//!
//! The default theme ships `en.yaml` and `es.yaml`; a site's theme may override either or
//! add a language. Every key of any of the site's languages' files (and of the default
//! theme's English, which names every string its templates print) must be in each of
//! them: a missing key is an error naming the key and the file, so no page shows a key's
//! name or an empty string. A string is text, printed escaped (`&` stays `&amp;`).

use std::collections::{BTreeMap, BTreeSet};

use crate::config::primary;
use crate::date::Date;
use crate::diag::{Diag, Source};
use crate::theme::Theme;
use crate::yaml;

/// The strings of language `language` (a tag such as `es` or `en-US`), checked against
/// those of every language of the site (`all`).
pub fn strings(theme: &Theme, language: &str, all: &[String]) -> Result<BTreeMap<String, String>, Vec<Diag>> {
    // A one-language site in a language the theme has no strings for keeps the English
    // ones, as before themes had strings per language.
    if let [only] = all
        && !theme.strings.contains_key(&primary(only))
    {
        return strings(theme, "en", &["en".to_string()]);
    }
    let mut errors = Vec::new();
    let mut parsed: BTreeMap<String, (Source, BTreeMap<String, String>)> = BTreeMap::new();
    let codes: BTreeSet<String> = all.iter().map(|l| primary(l)).chain(["en".to_string()]).collect();
    for code in &codes {
        let Some((origin, text)) = theme.strings.get(code) else {
            if code != "en" || all.iter().any(|l| primary(l) == "en") {
                errors.push(
                    Diag::error(format!("the theme has no strings in `{code}`")).help(format!(
                        "add i18n/{code}.yaml to the theme, with every key of i18n/en.yaml translated"
                    )),
                );
            }
            continue;
        };
        let source = Source {
            name: origin.clone(),
            text: text.as_str().into(),
        };
        match yaml::parse::<BTreeMap<String, String>>(&source, text, 0) {
            Ok(map) => {
                parsed.insert(code.clone(), (source, map));
            }
            Err(d) => errors.push(d.help("write each string as `key: text` on a line of its own")),
        }
    }
    let keys: BTreeSet<&String> = parsed.values().flat_map(|(_, m)| m.keys()).collect();
    for code in all.iter().map(|l| primary(l)) {
        let Some((source, map)) = parsed.get(&code) else {
            continue;
        };
        for k in keys.iter().filter(|k| !map.contains_key(**k)) {
            let others: Vec<&str> = parsed
                .iter()
                .filter(|(_, (_, m))| m.contains_key(*k))
                .map(|(c, _)| c.as_str())
                .collect();
            errors.push(
                Diag::in_file(source, format!("the key `{k}` is missing in {}", source.name)).help(format!(
                    "add `{k}:` with its text in this language (it is in the {} strings)",
                    others.join(", ")
                )),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(parsed.remove(&primary(language)).map(|(_, m)| m).unwrap_or_default())
}

/// A date as people read it in `language`: "February 12, 2024", "12 de febrero de 2024".
/// Hand-written: chrono's localised formats need its `unstable-locales` feature and a
/// large locale table for the two forms haven writes.
pub fn date(d: &Date, language: &str) -> String {
    const ES: [&str; 12] = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ];
    let ymd = d
        .iso
        .get(..10)
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    match (primary(language).as_str(), ymd) {
        ("es", Some(day)) => {
            use chrono::Datelike;
            let month = ES.get(day.month0() as usize).copied().unwrap_or_default();
            format!("{} de {month} de {}", day.day(), day.year())
        }
        _ => d.display.clone(),
    }
}

/// A date with its display in `language`.
pub fn localized(d: &Date, language: &str) -> Date {
    Date {
        display: date(d, language),
        ..d.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_spanish() {
        let d = crate::date::parse("2024-02-12").expect("date");
        assert_eq!(date(&d, "es"), "12 de febrero de 2024");
        assert_eq!(date(&d, "es-US"), "12 de febrero de 2024");
        assert_eq!(date(&d, "en"), d.display);
        let t = crate::date::parse("2024-12-01T09:00:00Z").expect("date-time");
        assert_eq!(date(&t, "es"), "1 de diciembre de 2024");
    }

    fn theme(files: &[(&str, &str)]) -> Theme {
        let mut t = Theme::default();
        for (code, text) in files {
            t.strings.insert(
                code.to_string(),
                (format!("themes/x/i18n/{code}.yaml"), text.to_string()),
            );
        }
        t
    }

    #[test]
    fn a_missing_key_names_the_key_and_the_file() {
        let t = theme(&[("en", "skip: Skip\nsearch: Search\n"), ("es", "skip: Saltar\n")]);
        let all = ["en".to_string(), "es".into()];
        let e = strings(&t, "es", &all).expect_err("es lacks a key");
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(&*e[0].message, "the key `search` is missing in themes/x/i18n/es.yaml");
        let ok = theme(&[("en", "skip: Skip\n"), ("es", "skip: Saltar\n")]);
        assert_eq!(strings(&ok, "es", &all).expect("complete")["skip"], "Saltar");
        let e = strings(&ok, "fr", &["en".to_string(), "fr".into()]).expect_err("no fr file");
        assert!(e[0].message.contains("no strings in `fr`"), "{e:?}");
        let fr_only = strings(&ok, "fr", &["fr".to_string()]).expect("English for a French-only site");
        assert_eq!(fr_only["skip"], "Skip");
    }

    #[test]
    fn the_default_theme_has_every_key_in_english_and_spanish() {
        let t = crate::theme::load(
            std::path::Path::new("/nonexistent"),
            &crate::config::SiteConfig::placeholder(),
            &mut crate::diag::Diags::new(),
        );
        let all = ["en".to_string(), "es".into()];
        let es = strings(&t, "es", &all).unwrap_or_else(|e| panic!("{e:?}"));
        let en = strings(&t, "en", &all).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(es.len(), en.len());
        assert_ne!(es.get("skip_to_content"), en.get("skip_to_content"));
    }
}
