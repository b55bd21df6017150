//! Markdown: one place that configures pulldown-cmark, gives headings stable ids, builds
//! the table of contents and rewrites links.
//!
//! Rendering is two passes over the text: [`scan`] finds headings (with their ids), links,
//! the first paragraph and the plain text the search index reads ([`PlainText`]); the
//! resolve stage decides what each link becomes; [`render`] writes HTML with those
//! decisions applied. Both passes see the same events in the same order, so the n-th link
//! of `scan` is the n-th link of `render`. No stage parses a body a third time.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::slug::slugify;

/// A heading found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Unique id within the document.
    pub id: String,
    /// Plain text of the heading.
    pub title: String,
}

/// A link or image destination found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// Destination as written.
    pub dest: String,
    /// Byte span in the Markdown text.
    pub span: (usize, usize),
    /// Whether it is an image.
    pub image: bool,
    /// An image's alt text as plain text (`None` for a link; `Some("")` for `![](x.png)`).
    pub alt: Option<String>,
    /// Words of text before it in the document (an image near the top is on the first
    /// screen: [`crate::images`]).
    pub words_before: usize,
}

/// What [`scan`] learns about a document.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Headings in order, with deduplicated ids.
    pub headings: Vec<Heading>,
    /// Links and images in order.
    pub links: Vec<LinkRef>,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    /// Number of words of text.
    pub words: usize,
    /// Whether the document holds raw HTML (or `{key=value}` heading attributes): only
    /// then does its HTML go through the sanitizer ([`crate::sanitize::clean`]).
    pub raw_html: bool,
    /// What the sanitizer removes from that raw HTML: byte offset in the text, and what.
    pub unsafe_html: Vec<(usize, String)>,
    /// The `<img>` tags of that raw HTML, each with its offset in the text.
    pub raw_images: Vec<crate::sanitize::RawImage>,
    /// The headings and passages as plain text, for the search index.
    pub text: PlainText,
}

/// A body's headings and passages as plain text, what the search index reads (raw HTML
/// left out). Shared, not copied, by the index's records: `Arc`s of the strings' list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlainText {
    /// Heading texts.
    pub headings: std::sync::Arc<[String]>,
    /// Paragraphs, list items, table rows (cells separated by ` · `), in order.
    pub passages: std::sync::Arc<[String]>,
}

/// Reads [`PlainText`] from a body's events, one at a time (inside [`scan`]'s pass).
#[derive(Default)]
struct TextReader {
    headings: Vec<String>,
    passages: Vec<String>,
    buf: String,
    heading: bool,
}

impl TextReader {
    fn flush(buf: &mut String, into: &mut Vec<String>) {
        let text = buf.trim().trim_end_matches('·').trim();
        if !text.is_empty() {
            into.push(text.to_string());
        }
        buf.clear();
    }

    fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                Self::flush(&mut self.buf, &mut self.passages);
                self.heading = true;
            }
            Event::End(TagEnd::Heading(_)) => {
                Self::flush(&mut self.buf, &mut self.headings);
                self.heading = false;
            }
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableRow | Tag::TableHead)
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead)
                if !self.heading =>
            {
                Self::flush(&mut self.buf, &mut self.passages);
            }
            Event::End(TagEnd::TableCell) => self.buf.push_str(" · "),
            Event::Text(t) | Event::Code(t) => self.buf.push_str(t),
            Event::SoftBreak | Event::HardBreak => self.buf.push(' '),
            _ => {}
        }
    }

    fn finish(mut self) -> PlainText {
        Self::flush(&mut self.buf, &mut self.passages);
        PlainText {
            headings: self.headings.into(),
            passages: self.passages.into(),
        }
    }
}

/// The [`PlainText`] of `markdown` alone (what [`scan`] reads in its pass; for a body
/// scanned in another form, such as one with its component calls replaced).
pub fn plain_text(markdown: &str) -> PlainText {
    let mut reader = TextReader::default();
    for event in Parser::new_ext(markdown, options()) {
        reader.event(&event);
    }
    reader.finish()
}

/// One entry of a table of contents: an h2 with its h3 children.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    /// Heading level.
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Heading text.
    pub title: String,
    /// Sub-entries (h3 under an h2).
    pub children: Vec<TocEntry>,
}

/// How the line that stands for a component call starts (`crate::components` writes it):
/// an HTML comment, so it is a block of its own that interrupts a paragraph.
pub const COMPONENT_MARKER: &str = "<!--haven-component:";

/// The extensions haven turns on (also what `bench/floor.rs` parses with).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

fn level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// First pass: headings, links, first paragraph, word count, plain text.
pub fn scan(text: &str) -> Scan {
    let mut out = Scan::default();
    let mut reader = TextReader::default();
    let mut used = HashSet::new();
    let mut heading: Option<(u8, Option<String>, String)> = None;
    let mut para_depth = 0usize;
    let mut first_done = false;
    // The index in `out.links` of the image whose alt text is being read, and how many
    // images deep the text is (an image in an image's brackets is part of its alt text).
    let mut in_image: Option<usize> = None;
    let mut image_depth = 0usize;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        reader.event(&event);
        match &event {
            Event::Start(Tag::Heading {
                level: l, id, attrs, ..
            }) => {
                heading_attrs(&mut out, range.start, level(*l), attrs);
                heading = Some((level(*l), id.as_ref().map(|i| i.to_string()), String::new()))
            }
            // A block of raw HTML is read whole (its lines come as separate events). A
            // component's marker is haven's, not the editor's (`crate::components`).
            Event::Start(Tag::HtmlBlock) if !text[range.clone()].trim_start().starts_with(COMPONENT_MARKER) => {
                raw_piece(&mut out, range.start, &text[range.clone()])
            }
            Event::InlineHtml(piece) => raw_piece(&mut out, range.start, piece),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, title)) = heading.take() {
                    let id = unique_id(explicit.unwrap_or_else(|| slugify(&title)), &mut used);
                    out.headings.push(Heading {
                        level,
                        id,
                        title: title.trim().to_string(),
                    });
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
                let image = matches!(event, Event::Start(Tag::Image { .. }));
                if image {
                    if image_depth == 0 {
                        in_image = Some(out.links.len());
                    }
                    image_depth += 1;
                }
                out.links.push(LinkRef {
                    dest: dest_url.to_string(),
                    span: (range.start, range.end - range.start),
                    image,
                    alt: image.then(String::new),
                    words_before: out.words,
                });
            }
            Event::End(TagEnd::Image) => {
                image_depth = image_depth.saturating_sub(1);
                if image_depth == 0 {
                    in_image = None;
                }
            }
            Event::Start(Tag::Paragraph) => para_depth += 1,
            Event::End(TagEnd::Paragraph) => {
                para_depth = para_depth.saturating_sub(1);
                if !out.first_paragraph.trim().is_empty() {
                    first_done = true;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(alt) = in_image.and_then(|i| out.links.get_mut(i)).and_then(|l| l.alt.as_mut()) {
                    alt.push_str(t);
                }
                out.words += t.split_whitespace().count();
                if let Some((_, _, title)) = &mut heading {
                    title.push_str(t);
                } else if para_depth > 0 && !first_done {
                    out.first_paragraph.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak if para_depth > 0 && !first_done && heading.is_none() => {
                out.first_paragraph.push(' ')
            }
            _ => {}
        }
    }
    out.text = reader.finish();
    out
}

/// A piece of raw HTML at `start`: the document holds raw HTML, and what the sanitizer
/// would drop from it is noted.
fn raw_piece(out: &mut Scan, start: usize, piece: &str) {
    out.raw_html = true;
    for d in crate::sanitize::dropped(piece) {
        out.unsafe_html.push((start + d.offset, d.what));
    }
    for mut img in crate::sanitize::images(piece) {
        img.offset += start;
        out.raw_images.push(img);
    }
}

/// `## Title {onclick=x}`: attributes an editor wrote, checked like raw HTML.
fn heading_attrs(out: &mut Scan, start: usize, level: u8, attrs: &[(CowStr<'_>, Option<CowStr<'_>>)]) {
    for (key, value) in attrs {
        let piece = format!(
            "<h{level} {key}=\"{}\">",
            value.as_deref().unwrap_or_default().replace('"', "&quot;")
        );
        raw_piece(out, start, &piece);
    }
}

fn unique_id(base: String, used: &mut HashSet<String>) -> String {
    let base = if base.is_empty() { "section".to_string() } else { base };
    let mut id = base.clone();
    let mut n = 1;
    while used.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

/// Second pass: HTML, with heading ids from `headings` and each link `i` replaced by
/// `links[i]` when that is `Some`.
pub fn render(text: &str, headings: &[Heading], links: &[Option<String>]) -> String {
    render_with_images(text, headings, links, &|_, _| None)
}

/// What becomes of an image: given its index among the links (as in [`Scan::links`]) and
/// its alt text, the HTML that takes its place, or `None` to write it as Markdown does.
pub type ImageHtml<'a> = &'a dyn Fn(usize, &str) -> Option<String>;

/// [`render`], with each image written by `image` ([`crate::images`]' `<picture>`).
pub fn render_with_images(text: &str, headings: &[Heading], links: &[Option<String>], image: ImageHtml<'_>) -> String {
    let mut h = headings.iter();
    let mut l = links.iter();
    let events = Parser::new_ext(text, options()).map(|event| match event {
        Event::Start(Tag::Heading {
            level, classes, attrs, ..
        }) => {
            let id = h.next().map(|x| CowStr::from(x.id.clone()));
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            })
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = replace(l.next(), dest_url);
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = replace(l.next(), dest_url);
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        e => e,
    });
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, images(events, image));
    html
}

/// The events with each image (its start, alt text and end) replaced by `image`'s HTML
/// when it gives some.
fn images<'a>(mut events: impl Iterator<Item = Event<'a>>, image: ImageHtml<'_>) -> impl Iterator<Item = Event<'a>> {
    let mut link = 0usize;
    let mut pending: std::collections::VecDeque<Event<'a>> = std::collections::VecDeque::new();
    std::iter::from_fn(move || {
        if let Some(e) = pending.pop_front() {
            return Some(e);
        }
        let e = events.next()?;
        match e {
            Event::Start(Tag::Link { .. }) => link += 1,
            Event::Start(Tag::Image { .. }) => {}
            e => return Some(e),
        }
        if !matches!(e, Event::Start(Tag::Image { .. })) {
            return Some(e);
        }
        let index = link;
        link += 1;
        let (mut depth, mut alt) = (1usize, String::new());
        pending.push_back(e);
        for e in events.by_ref() {
            match &e {
                Event::Start(Tag::Image { .. }) => {
                    depth += 1;
                    link += 1;
                }
                Event::Start(Tag::Link { .. }) => link += 1,
                Event::End(TagEnd::Image) => depth -= 1,
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                _ => {}
            }
            pending.push_back(e);
            if depth == 0 {
                break;
            }
        }
        if let Some(html) = image(index, &alt) {
            pending.clear();
            return Some(Event::InlineHtml(CowStr::from(html)));
        }
        pending.pop_front()
    })
}

fn replace<'a>(new: Option<&Option<String>>, old: CowStr<'a>) -> CowStr<'a> {
    match new {
        Some(Some(n)) => CowStr::from(n.clone()),
        _ => old,
    }
}

/// Table of contents from h2 and h3 headings (an h3 before any h2 becomes top-level).
pub fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    let mut out: Vec<TocEntry> = Vec::new();
    for h in headings.iter().filter(|h| h.level == 2 || h.level == 3) {
        let entry = TocEntry {
            level: h.level,
            id: h.id.clone(),
            title: h.title.clone(),
            children: Vec::new(),
        };
        match out.last_mut() {
            Some(parent) if h.level == 3 && parent.level == 2 => parent.children.push(entry),
            _ => out.push(entry),
        }
    }
    out
}

/// A description cut from text: at most `max` characters, at a word boundary, with "…".
pub fn cut(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let mut out = String::new();
    for word in text.split(' ') {
        if out.chars().count() + word.chars().count() + 1 > max.saturating_sub(1) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.trim_end_matches([',', ';', ':', '.']).to_string() + "…"
}

/// Markdown to HTML with no link rewriting and no sanitizing (facility descriptions, which
/// their own sanitizer cleans: `facility::description`).
pub fn to_html(text: &str) -> String {
    render(text, &scan(text).headings, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_are_slugged_and_deduplicated() {
        let s = scan(
            "## Opiate Recovery Through the 12 Steps\n\n## Intro\n\n### Intro\n\n## Intro\n\n## Custom {#mine}\n\n## `code` *and* text\n",
        );
        let ids: Vec<_> = s.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "opiate-recovery-through-the-12-steps",
                "intro",
                "intro-1",
                "intro-2",
                "mine",
                "code-and-text"
            ]
        );
        let html = render("## Intro\n\n## Intro\n", &scan("## Intro\n\n## Intro\n").headings, &[]);
        assert!(
            html.contains(r#"<h2 id="intro">"#) && html.contains(r#"<h2 id="intro-1">"#),
            "{html}"
        );
    }

    #[test]
    fn toc_nests_h3_under_h2() {
        let s = scan("# Title\n\n### Early\n\n## A\n\n### A1\n\n### A2\n\n#### deep\n\n## B\n");
        let t = toc(&s.headings);
        let shape: Vec<_> = t.iter().map(|e| (e.id.as_str(), e.children.len())).collect();
        assert_eq!(shape, [("early", 0), ("a", 2), ("b", 0)]);
    }

    #[test]
    fn links_are_found_and_replaced_in_order() {
        let md = "See [x](@/articles/x.md#top) and ![img](/images/a.png) and [web](https://e.org).";
        let s = scan(md);
        let dests: Vec<_> = s.links.iter().map(|l| (l.dest.as_str(), l.image)).collect();
        assert_eq!(
            dests,
            [
                ("@/articles/x.md#top", false),
                ("/images/a.png", true),
                ("https://e.org", false)
            ]
        );
        assert_eq!(&md[s.links[0].span.0..s.links[0].span.0 + 4], "[x](");
        let html = render(
            md,
            &[],
            &[Some("/articles/x/#top".into()), Some("/sub/images/a.png".into()), None],
        );
        assert!(html.contains(r#"href="/articles/x/#top""#), "{html}");
        assert!(html.contains(r#"src="/sub/images/a.png""#), "{html}");
        assert!(html.contains(r#"href="https://e.org""#), "{html}");
    }

    #[test]
    fn extensions_are_on() {
        let html = to_html("| a |\n|---|\n| b |\n\n~~x~~ \"q\"[^1]\n\n- [ ] task\n\n[^1]: note\n");
        for want in ["<table>", "<del>x</del>", "type=\"checkbox\"", "“q”", "footnote"] {
            assert!(html.contains(want), "{want} in {html}");
        }
    }

    #[test]
    fn first_paragraph_and_cut() {
        let s = scan("## H\n\nFirst *para*\ngraph here.\n\nSecond.");
        assert_eq!(s.first_paragraph, "First para graph here.");
        assert_eq!(cut("one two three four", 12), "one two…");
        assert_eq!(cut("short", 12), "short");
    }

    #[test]
    fn plain_text_keeps_passages_apart_and_scan_reads_the_same() {
        let md = "# Help\n\nFirst *line* here.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n\n<div>raw</div>\n";
        let t = plain_text(md);
        assert_eq!(&*t.headings, ["Help"]);
        assert_eq!(&*t.passages, ["First line here.", "one", "two", "a · b", "c · d"]);
        // The scan's single pass reads the same text the standalone reader does.
        assert_eq!(scan(md).text, t);
    }
}
