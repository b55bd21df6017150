//! Structured data (JSON-LD) and the text of `<title>`.
//!
//! JSON-LD is printed inside `<script type="application/ld+json">`; [`script_safe`] makes
//! sure no string in it can close that element or open a comment.

use serde_json::{Value, json};

use crate::resolve::{ResolvedArticle, Site};

/// The strings a script writes itself, keyed as in the theme's i18n files: the page gives
/// them to the script in a JSON block (the CSP lets no inline script run). A key the files
/// lack is left out here; the i18n check makes every language's file have the same keys.
pub fn script_strings(strings: &std::collections::BTreeMap<String, String>, keys: &[&str]) -> Value {
    let map = keys
        .iter()
        .filter_map(|k| strings.get(*k).map(|v| (k.to_string(), Value::String(v.clone()))))
        .collect::<serde_json::Map<_, _>>();
    Value::Object(map)
}

/// JSON text safe inside a script element: `<`, `>` and `&` become `\u` escapes, which
/// every JSON parser reads back as the same characters.
pub fn script_safe(v: &Value) -> String {
    let text = v.to_string();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn person(site: &Site, i: usize) -> Value {
    let Some(a) = site.authors.get(i) else {
        return Value::Null;
    };
    let mut p = json!({
        "@type": "Person",
        "name": a.author.name,
        "url": site.config.absolute(&a.path),
    });
    if let Some(c) = &a.author.credentials {
        p["honorificSuffix"] = json!(c);
    }
    if let Some(r) = &a.author.role {
        p["jobTitle"] = json!(r);
    }
    p
}

/// `MedicalWebPage` whose main entity is the `Article`.
pub fn article(site: &Site, a: &ResolvedArticle) -> String {
    let c = &site.config;
    let url = c.absolute(&a.path);
    let modified = a.article.updated.as_ref().unwrap_or(&a.article.published);
    let mut article = json!({
        "@type": "Article",
        "headline": a.article.title,
        "description": a.description,
        "author": person(site, a.author),
        "datePublished": a.article.published.rfc3339,
        "dateModified": modified.rfc3339,
        "inLanguage": c.language,
        "publisher": { "@type": "Organization", "name": c.title, "url": c.base_url },
        "mainEntityOfPage": url,
    });
    let mut page = json!({
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": a.article.title,
        "url": url,
        "description": a.description,
        "inLanguage": c.language,
        "mainEntity": Value::Null,
    });
    if let Some(r) = a.reviewer {
        // schema.org puts reviewedBy on the page; the article carries it too for readers
        // that look only at the main entity.
        page["reviewedBy"] = person(site, r);
        page["lastReviewed"] = json!(modified.iso);
        article["reviewedBy"] = person(site, r);
    }
    if !a.topics.is_empty() {
        article["keywords"] = json!(
            a.topics
                .iter()
                .map(|t| site.topics[*t].name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    page["mainEntity"] = article;
    script_safe(&page)
}

/// `WebSite` for the home page.
pub fn website(site: &Site) -> String {
    let c = &site.config;
    script_safe(&json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": c.title,
        "url": c.absolute("/"),
        "description": c.description,
        "inLanguage": c.language,
        "potentialAction": {
            "@type": "SearchAction",
            "target": format!("{}?q={{search_term_string}}", c.absolute("/search/")),
            "query-input": "required name=search_term_string",
        },
    }))
}

/// `<title>`: "Page – Site", or just the site title on the home page.
pub fn title(site: &Site, page: Option<&str>) -> String {
    match page {
        Some(p) if p != site.config.title => format!("{p} – {}", site.config.title),
        _ => site.config.title.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_cannot_close_the_element() {
        let v = json!({"name": "</script><script>alert(1)</script> & <!--"});
        let s = script_safe(&v);
        assert!(!s.contains('<') && !s.contains('>'), "{s}");
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
