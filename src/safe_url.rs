//! URLs that would run script when followed: `javascript:`, `vbscript:`, and `data:`
//! documents. haven refuses them (an error naming the file and line) wherever an editor
//! writes a link, so no built page carries a live script link.
//!
//! The scheme is read the way a browser's URL parser reads it (WHATWG URL): leading and
//! trailing spaces and control characters are dropped, tabs and newlines anywhere are
//! removed, and the scheme is case-insensitive, so `" Java\tScript:"` is caught too.
//! Hand-written because it is a dozen lines and a URL crate would accept these as valid.

/// The scheme of `url` when following it would run script (or show an attacker's
/// document), as written in lower case; `None` for every other URL. `data:image/...` is
/// allowed for images (`image` true): an image cannot run script.
pub fn script_scheme(url: &str, image: bool) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, rest) = cleaned.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !valid {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    let bad = match scheme.as_str() {
        "javascript" | "vbscript" => true,
        "data" => !(image && rest.trim_start().to_ascii_lowercase().starts_with("image/")),
        _ => false,
    };
    bad.then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, bool, Option<&str>)] = &[
            ("javascript:alert(1)", false, Some("javascript")),
            ("  JavaScript:alert(1)", false, Some("javascript")),
            ("java\tscript:alert(1)", false, Some("javascript")),
            ("\u{1}javascript:x", false, Some("javascript")),
            ("vbscript:msgbox", false, Some("vbscript")),
            ("data:text/html,<script>", false, Some("data")),
            ("data:image/png;base64,AAAA", false, Some("data")),
            ("data:image/png;base64,AAAA", true, None),
            ("data:text/html,x", true, Some("data")),
            ("https://example.org/javascript:x", false, None),
            ("/articles/javascript:x/", false, None),
            ("mailto:a@example.org", false, None),
            ("tel:+18005550123", false, None),
            ("#javascript:x", false, None),
            ("java script:x", false, None),
            ("", false, None),
        ];
        for (url, image, want) in cases {
            assert_eq!(script_scheme(url, *image).as_deref(), *want, "{url:?}");
        }
    }
}
