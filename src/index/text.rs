//! Words: Unicode word boundaries, folding, stemming; and the text of a Markdown body as
//! headings and passages (a paragraph, a list item, a table row: never cells run together).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use unicode_segmentation::UnicodeSegmentation;

/// A word as the index stores it and the client looks it up: transliterated to ASCII
/// where a transliteration exists (`Clínica` -> `clinica`, `Café` -> `cafe`), lower-case,
/// letters and digits only (`don't` -> `dont`). Empty for a word with none.
pub fn fold(word: &str) -> String {
    let mut out = String::new();
    fold_into(word, &mut out);
    out
}

/// [`fold`] into `out` (cleared first), so a caller tokenizing much text reuses one buffer.
pub fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        // The common case, without char decoding or Unicode case tables.
        out.extend(
            word.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
        return;
    }
    let ascii = deunicode::deunicode(word);
    out.extend(
        ascii
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase),
    );
}

/// The words of `text` at Unicode word boundaries, not yet folded ([`fold_into`]).
pub fn raw_words(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.unicode_words()
}

/// The folded words of `text`, in order.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.unicode_words().map(fold).filter(|w| !w.is_empty())
}

/// The site language's Snowball stemmer (none for a language Snowball does not cover:
/// words are then indexed as they are).
pub struct Stemmer(Option<pagefind_stem::Stemmer>);

impl Stemmer {
    /// The stemmer for a site `language` such as `en`, `es-US`.
    pub fn for_language(language: &str) -> Self {
        use pagefind_stem::Algorithm as A;
        let primary = language.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        let algorithm = match primary.as_str() {
            "en" => Some(A::English),
            "es" => Some(A::Spanish),
            "fr" => Some(A::French),
            "de" => Some(A::German),
            "pt" => Some(A::Portuguese),
            "it" => Some(A::Italian),
            _ => None,
        };
        Stemmer(algorithm.map(pagefind_stem::Stemmer::create))
    }

    /// The stem of a folded word. Numbers and words under 3 letters are their own stem.
    pub fn stem(&self, word: &str) -> String {
        match &self.0 {
            Some(s) if word.chars().count() >= 3 && !word.chars().all(|c| c.is_ascii_digit()) => {
                s.stem(word).into_owned()
            }
            _ => word.to_string(),
        }
    }
}

/// A Markdown body's headings and passages, as plain text. Raw HTML is left out.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Body {
    /// Heading texts.
    pub headings: Vec<String>,
    /// Paragraphs, list items, table rows (cells separated by ` · `), in order.
    pub passages: Vec<String>,
}

/// Reads a Markdown body into [`Body`].
pub fn body(markdown: &str) -> Body {
    let mut out = Body::default();
    let mut buf = String::new();
    let mut heading = false;
    let flush = |buf: &mut String, into: &mut Vec<String>| {
        let text = buf.trim().trim_end_matches('·').trim().to_string();
        if !text.is_empty() {
            into.push(text);
        }
        buf.clear();
    };
    for event in Parser::new_ext(markdown, crate::markdown::options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                flush(&mut buf, &mut out.passages);
                heading = true;
            }
            Event::End(TagEnd::Heading(_)) => {
                flush(&mut buf, &mut out.headings);
                heading = false;
            }
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableRow | Tag::TableHead)
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead)
                if !heading =>
            {
                flush(&mut buf, &mut out.passages);
            }
            Event::End(TagEnd::TableCell) => buf.push_str(" · "),
            Event::Text(t) | Event::Code(t) => buf.push_str(&t),
            Event::SoftBreak | Event::HardBreak => buf.push(' '),
            _ => {}
        }
    }
    flush(&mut buf, &mut out.passages);
    out
}

/// `text` cut to at most `max` bytes at a word boundary, with `…` when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let head = head.rfind(' ').map_or(head, |i| &head[..i]);
    format!("{}…", head.trim_end_matches([',', ';', ':', ' ']))
}
