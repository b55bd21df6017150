//! Raw HTML in editors' Markdown (articles, pages, the home page, author bios), made safe
//! by default (`markdown: { raw_html: sanitized }`, see docs/format.md).
//!
//! One policy, written once as lists, serves two purposes:
//! - [`clean`] applies it with **ammonia** to a document's whole HTML (haven's own markup
//!   included, so the lists hold every tag and attribute pulldown-cmark and haven write);
//! - [`dropped`] finds, in each piece of raw HTML an editor wrote, what the policy removes,
//!   so the build can warn with the file and line. It reads the piece with **lol_html**
//!   (a streaming HTML rewriter that gives each tag its byte position; ammonia has no such
//!   report of what it removed).
//!
//! A document with no raw HTML (and no `{key=value}` heading attributes) is haven's own
//! markup only, and is not passed through ammonia at all (see [`crate::markdown::Scan`]).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Tags kept: what editors use and what haven's Markdown writes (tables, footnotes,
/// task lists, code blocks). Everything else is removed, its text kept, except the
/// [`CONTENT_DROPPED`] ones, removed with their content.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "source",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Removed with everything inside them.
const CONTENT_DROPPED: &[&str] = &["script", "style"];

/// Attributes kept on every kept tag.
const GENERIC_ATTRIBUTES: &[&str] = &["id", "class", "title", "lang", "dir"];

/// Attributes kept on one tag.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "hreflang"]),
    // `srcset`, `sizes`, `decoding` and `<picture>`'s `<source>`: haven's own resized images
    // (crate::images) in a document that also holds raw HTML.
    (
        "img",
        &[
            "src", "alt", "width", "height", "loading", "srcset", "sizes", "decoding",
        ],
    ),
    ("source", &["type", "srcset", "sizes"]),
    ("td", &["colspan", "rowspan", "style"]),
    ("th", &["colspan", "rowspan", "scope", "style"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("ol", &["start", "reversed", "type"]),
    ("li", &["value"]),
    ("details", &["open"]),
    ("time", &["datetime"]),
    ("blockquote", &["cite"]),
    ("q", &["cite"]),
    ("del", &["cite", "datetime"]),
    ("ins", &["cite", "datetime"]),
    // Task list boxes (`- [x] done`), which pulldown-cmark writes as disabled inputs.
    ("input", &["type", "checked", "disabled"]),
];

/// Attribute values the policy rewrites or drops even on a kept attribute: `style` only as
/// pulldown-cmark's column alignment, `type` of an input only `checkbox`.
fn filter<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        ("td" | "th", "style") => {
            let align = value.trim().trim_end_matches(';').trim();
            ["text-align: left", "text-align: center", "text-align: right"]
                .contains(&align)
                .then_some(Cow::Borrowed(value))
        }
        ("input", "type") => (value.eq_ignore_ascii_case("checkbox")).then_some(Cow::Borrowed(value)),
        ("source", "type") => value.starts_with("image/").then_some(Cow::Borrowed(value)),
        _ => Some(Cow::Borrowed(value)),
    }
}

static POLICY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(CONTENT_DROPPED.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(
            TAG_ATTRIBUTES
                .iter()
                .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect::<HashSet<_>>()))
                .collect::<HashMap<_, _>>(),
        )
        // Links inside the site and out keep the rel haven gives them (none by default).
        .link_rel(None)
        .attribute_filter(filter);
    b
});

/// `html` with everything the policy does not keep removed (ammonia).
pub fn clean(html: &str) -> String {
    POLICY.clean(html).to_string()
}

/// Something [`clean`] removes from a piece of raw HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// Byte offset of the tag in the piece.
    pub offset: usize,
    /// What is removed, for the warning: "the <script> element", "the onclick attribute
    /// of <a>", "the javascript: link of <a>".
    pub what: String,
}

/// An `<img>` in a piece of raw HTML: its byte offset, `src` and `alt` (`None`: no such
/// attribute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawImage {
    /// Byte offset of the tag in the piece.
    pub offset: usize,
    /// Its `src` (`""` when it has none).
    pub src: String,
    /// Its `alt`, when it has the attribute (`alt=""` is `Some("")`, decoration).
    pub alt: Option<String>,
}

/// The `<img>` tags of `piece`, a piece of raw HTML as an editor wrote it.
pub fn images(piece: &str) -> Vec<RawImage> {
    use lol_html::{RewriteStrSettings, element, rewrite_str};

    if !piece.contains("<img") && !piece.contains("<IMG") {
        return Vec::new();
    }
    let found = std::cell::RefCell::new(Vec::new());
    let settings = RewriteStrSettings::new().append_element_content_handler(element!("img", |el| {
        found.borrow_mut().push(RawImage {
            offset: el.source_location().bytes().start,
            src: el.get_attribute("src").unwrap_or_default(),
            alt: el.get_attribute("alt"),
        });
        Ok(())
    }));
    // As in `dropped`: lol_html only fails past its memory limit.
    let _ = rewrite_str(piece, settings);
    found.into_inner()
}

/// What [`clean`] removes from `piece`, a piece of raw HTML as an editor wrote it.
pub fn dropped(piece: &str) -> Vec<Dropped> {
    use lol_html::{RewriteStrSettings, element, rewrite_str};

    let found = std::cell::RefCell::new(Vec::new());
    let settings = RewriteStrSettings::new().append_element_content_handler(element!("*", |el| {
        let tag = el.tag_name();
        let offset = el.source_location().bytes().start;
        let mut found = found.borrow_mut();
        if !TAGS.contains(&tag.as_str()) {
            found.push(Dropped {
                offset,
                what: format!("the <{tag}> element"),
            });
            return Ok(());
        }
        let own = TAG_ATTRIBUTES
            .iter()
            .find(|(t, _)| *t == tag)
            .map_or(&[][..], |(_, a)| a);
        for attr in el.attributes() {
            let name = attr.name();
            let value = attr.value();
            let kept = (GENERIC_ATTRIBUTES.contains(&name.as_str()) || own.contains(&name.as_str()))
                && filter(&tag, &name, &value).is_some();
            if !kept {
                found.push(Dropped {
                    offset,
                    what: format!("the {name} attribute of <{tag}>"),
                });
            } else if matches!(name.as_str(), "href" | "src" | "cite")
                && let Some(scheme) = crate::safe_url::script_scheme(&value, tag == "img")
            {
                found.push(Dropped {
                    offset,
                    what: format!("the {scheme}: link of <{tag}>"),
                });
            }
        }
        Ok(())
    }));
    // lol_html only fails past its memory limit; a piece of an editor's page is far below.
    let _ = rewrite_str(piece, settings);
    found.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whats(piece: &str) -> Vec<String> {
        dropped(piece).into_iter().map(|d| d.what).collect()
    }

    #[test]
    fn each_unsafe_construct_is_dropped_and_reported() {
        let cases: &[(&str, &str, &str)] = &[
            ("<script>alert(1)</script>ok", "alert", "the <script> element"),
            (
                "<p onclick=\"alert(1)\">ok</p>",
                "onclick",
                "the onclick attribute of <p>",
            ),
            (
                "<img src=x onerror=\"alert(1)\">",
                "onerror",
                "the onerror attribute of <img>",
            ),
            (
                "<a href=\"javascript:alert(1)\">ok</a>",
                "javascript",
                "the javascript: link of <a>",
            ),
            (
                "<a href=\" JaVa\tScript:alert(1)\">ok</a>",
                "Script",
                "the javascript: link of <a>",
            ),
            (
                "<iframe src=\"https://example.org/\"></iframe>ok",
                "iframe",
                "the <iframe> element",
            ),
            (
                "<form action=\"https://example.org/\"><button>ok</button></form>",
                "form",
                "the <form> element",
            ),
            (
                "<p style=\"position:fixed\">ok</p>",
                "style",
                "the style attribute of <p>",
            ),
            ("<style>body{display:none}</style>ok", "display", "the <style> element"),
            ("<object data=\"x.swf\"></object>ok", "object", "the <object> element"),
        ];
        for (html, gone, what) in cases {
            let clean = clean(html);
            assert!(!clean.contains(gone), "{gone} survived in {clean:?} from {html:?}");
            assert!(
                whats(html).iter().any(|w| w == what),
                "{what} not reported for {html:?}: {:?}",
                whats(html)
            );
        }
        assert!(clean("<form><button>ok</button></form>").contains("ok"), "text is kept");
        assert_eq!(dropped("<p>fine</p>\n<script>x</script>")[0].offset, 12);
    }

    #[test]
    fn what_editors_use_is_kept_and_not_reported() {
        let html = concat!(
            "<details open><summary>More</summary><p class=\"note\" id=\"n1\">Hidden</p></details>",
            "<abbr title=\"medications for opioid use disorder\">MOUD</abbr> H<sub>2</sub>O x<sup>2</sup>",
            "<figure><img src=\"/images/a.png\" alt=\"A\"><figcaption>Caption</figcaption></figure>",
            "<div class=\"callout\"><span class=\"big\">Hi</span></div>",
            "<table><thead><tr><th style=\"text-align: center\">A</th></tr></thead><tbody><tr><td colspan=\"2\">1</td></tr></tbody></table>",
            "<a href=\"https://example.org/\">out</a> <a href=\"/about/#who\">in</a> <a href=\"tel:+18005550123\">call</a>",
        );
        assert_eq!(whats(html), Vec::<String>::new());
        let clean = clean(html);
        for kept in [
            "<details open=\"\">",
            "<summary>More</summary>",
            "<p class=\"note\" id=\"n1\">",
            "<abbr title=\"medications for opioid use disorder\">",
            "<sub>2</sub>",
            "<sup>2</sup>",
            "<figure><img src=\"/images/a.png\" alt=\"A\"><figcaption>",
            "<div class=\"callout\"><span class=\"big\">",
            "<th style=\"text-align: center\">",
            "<td colspan=\"2\">",
            "<a href=\"https://example.org/\">out</a>",
            "<a href=\"/about/#who\">in</a>",
            "<a href=\"tel:+18005550123\">",
        ] {
            assert!(clean.contains(kept), "{kept} lost in {clean}");
        }
    }

    #[test]
    fn havens_own_markdown_survives_cleaning() {
        let md = "## Intro {#intro}\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n\nNote[^1]\n\n- [x] done\n\n```rust\nfn x() {}\n```\n\n[^1]: A footnote.\n";
        let html = crate::markdown::to_html(md);
        let clean = clean(&html);
        for kept in [
            "<h2 id=\"intro\">",
            "style=\"text-align: center\"",
            "style=\"text-align: right\"",
            "class=\"footnote-reference\"",
            "class=\"footnote-definition\"",
            "type=\"checkbox\"",
            "checked",
            "class=\"language-rust\"",
        ] {
            assert!(clean.contains(kept), "{kept} lost in {clean}\nfrom {html}");
        }
    }
}
