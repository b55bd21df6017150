//! Facility descriptions: Markdown rendered by [`crate::markdown`], then sanitized with
//! ammonia, and a plain-text form for search records and meta descriptions.

/// Sanitizes description HTML: no script, no style, no event handlers, no `javascript:`
/// links (ammonia's defaults), links marked as user content, and no `h1`/`h2` (their text
/// stays): the page has its own `h1` and `h2` sections, so a description's headings must
/// not break the outline.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(&["h1", "h2"])
        .link_rel(Some("nofollow noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// The text of sanitized HTML, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let text = ammonia::Builder::empty().clean(html).to_string();
    // ammonia keeps entities escaped; decode the few it produces.
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizer_strips_script_and_event_handlers() {
        let html = crate::markdown::to_html(
            "Hi <script>alert(1)</script><img src=x onerror=\"alert(2)\"> [x](javascript:alert(3)) <a href=\"https://example.org\" onclick=\"alert(4)\">ok</a>",
        );
        let clean = sanitize(&html);
        for bad in ["<script", "alert(1)", "onerror", "onclick", "javascript:"] {
            assert!(!clean.contains(bad), "{bad} survived: {clean}");
        }
        assert!(clean.contains("href=\"https://example.org\""), "{clean}");
        assert_eq!(plain_text("<p>A &amp; B</p>\n<p>C</p>"), "A & B C");
        let headed = sanitize("<h1 id=\"x\">Big</h1><h3>Small</h3>");
        assert_eq!(headed, "Big<h3>Small</h3>");
    }
}
