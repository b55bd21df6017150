//! Words: Unicode word boundaries, folding, stemming; and the text of a Markdown body as
//! headings and passages (a paragraph, a list item, a table row: never cells run together).

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

/// The words of `text` at Unicode word boundaries (UAX #29, as `unicode-segmentation`'s
/// `unicode_words` finds them), not yet folded ([`fold_into`]).
///
/// Hand-written fast path, not only the crate: the text is cut at ASCII white space (UAX
/// #29 breaks on both sides of it), and a piece that is all ASCII, nearly every piece of
/// English text, is split by [`ascii_words`], the same rules on bytes; other pieces go to
/// the crate. Segmenting the L corpus's 13 million words with the crate alone was most of
/// the index stage (docs/search.md, "The index stage"). A property test checks that both
/// give the same words (src/index/tests.rs).
pub fn raw_words(text: &str) -> impl Iterator<Item = &str> + '_ {
    text.split(|c: char| c.is_ascii_whitespace())
        .filter(|piece| !piece.is_empty())
        .flat_map(|piece| {
            if piece.is_ascii() {
                Pieces::Ascii(ascii_words(piece))
            } else {
                Pieces::Unicode(piece.unicode_words())
            }
        })
}

/// The words of a piece of text: by the ASCII rules or by the crate's.
enum Pieces<A, U> {
    Ascii(A),
    Unicode(U),
}

impl<'a, A: Iterator<Item = &'a str>, U: Iterator<Item = &'a str>> Iterator for Pieces<A, U> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        match self {
            Pieces::Ascii(a) => a.next(),
            Pieces::Unicode(u) => u.next(),
        }
    }
}

/// How UAX #29 classes an ASCII byte, as far as word boundaries go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    /// `_` (ExtendNumLet): joins letters, digits and itself.
    Join,
    /// `:` (MidLetter): between two letters.
    MidLetter,
    /// `.` and `'` (MidNumLet, Single_Quote): between two letters or two digits.
    MidBoth,
    /// `,` and `;` (MidNum): between two digits.
    MidNum,
    Other,
}

fn class(b: u8) -> Class {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
        b'0'..=b'9' => Class::Digit,
        b'_' => Class::Join,
        b':' => Class::MidLetter,
        b'.' | b'\'' => Class::MidBoth,
        b',' | b';' => Class::MidNum,
        _ => Class::Other,
    }
}

/// Whether the middle character `c` at `bytes[i]` (`i > 0`) joins the characters around
/// it into one word (UAX #29 rules WB6/WB7 and WB11/WB12: `don't`, `3.5`).
fn mid_joins(bytes: &[u8], i: usize, c: Class) -> bool {
    let before = class(bytes[i - 1]);
    let after = bytes.get(i + 1).map_or(Class::Other, |&b| class(b));
    before == after
        && match before {
            Class::Letter => matches!(c, Class::MidLetter | Class::MidBoth),
            Class::Digit => matches!(c, Class::MidNum | Class::MidBoth),
            _ => false,
        }
}

/// The words of an all-ASCII `text` by the rules of UAX #29 (WB5 to WB13b): runs of
/// letters, digits and `_`, where one `:`, `.` or `'` between two letters, or one `,`,
/// `;`, `.` or `'` between two digits, stays inside the word (`don't`, `e.g`, `1,000`,
/// `3.5`). Like `unicode_words`, a run without a letter or digit is not a word.
pub fn ascii_words(text: &str) -> impl Iterator<Item = &str> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            while i < bytes.len() && !matches!(class(bytes[i]), Class::Letter | Class::Digit | Class::Join) {
                i += 1;
            }
            if i >= bytes.len() {
                return None;
            }
            let start = i;
            let mut alnum = false;
            while i < bytes.len() {
                let c = class(bytes[i]);
                match c {
                    Class::Letter | Class::Digit => alnum = true,
                    Class::Join => {}
                    Class::MidLetter | Class::MidBoth | Class::MidNum => {
                        if !mid_joins(bytes, i, c) {
                            break;
                        }
                        // The middle byte and the letter or digit after it.
                        i += 1;
                    }
                    Class::Other => break,
                }
                i += 1;
            }
            if alnum {
                return text.get(start..i);
            }
        }
    })
}

/// Calls `each` with every folded word of `text`, in order: the words of
/// `raw_words(text).map(fold)` that are not empty (a property test checks it), with no
/// String made for most of them.
///
/// The index stage's inner loop (13 million words at L), so ASCII text takes one byte loop
/// that cuts and folds at once: a word that is already lower-case letters and digits, nearly
/// every word of English prose, is handed over as a slice of `text`; any other ASCII word is
/// folded into `buf`. A piece with a non-ASCII byte goes through [`raw_words`] and
/// [`fold_into`]. Measured with callgrind on 400 articles of the L corpus, splitting and
/// folding took about 530 instructions a word through the iterators; this loop is what is
/// left after that (docs/search.md, "The index stage").
pub fn each_folded_word(text: &str, buf: &mut String, mut each: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // One piece: up to the next ASCII white space (UAX #29 breaks on both sides of it).
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        let mut high = 0u8;
        // Lower-case letters and digits only: the piece is one word, already folded.
        let mut plain = true;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            let b = bytes[i];
            high |= b;
            plain &= b.is_ascii_lowercase() || b.is_ascii_digit();
            i += 1;
        }
        let Some(piece) = text.get(start..i) else { continue };
        if piece.is_empty() {
            continue;
        }
        if plain {
            each(piece);
        } else if high.is_ascii() {
            ascii_folded(piece, buf, &mut each);
        } else {
            for w in piece.unicode_words() {
                fold_into(w, buf);
                if !buf.is_empty() {
                    each(buf);
                }
            }
        }
    }
}

/// [`each_folded_word`] on an all-ASCII piece: the rules of [`ascii_words`], folding as it
/// goes.
fn ascii_folded(piece: &str, buf: &mut String, each: &mut impl FnMut(&str)) {
    let bytes = piece.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && !matches!(class(bytes[i]), Class::Letter | Class::Digit | Class::Join) {
            i += 1;
        }
        if i >= bytes.len() {
            return;
        }
        let start = i;
        let mut alnum = false;
        // Already folded: lower-case letters and digits only.
        let mut plain = true;
        while i < bytes.len() {
            let b = bytes[i];
            match class(b) {
                Class::Letter => {
                    alnum = true;
                    plain &= b.is_ascii_lowercase();
                }
                Class::Digit => alnum = true,
                Class::Join => plain = false,
                c @ (Class::MidLetter | Class::MidBoth | Class::MidNum) => {
                    if !mid_joins(bytes, i, c) {
                        break;
                    }
                    plain = false;
                    // The middle byte and the letter or digit after it.
                    i += 1;
                }
                Class::Other => break,
            }
            i += 1;
        }
        if !alnum {
            continue;
        }
        let Some(word) = piece.get(start..i) else { continue };
        if plain {
            each(word);
        } else {
            buf.clear();
            buf.extend(
                word.bytes()
                    .filter(u8::is_ascii_alphanumeric)
                    .map(|b| char::from(b.to_ascii_lowercase())),
            );
            each(buf);
        }
    }
}

/// The folded words of `text`, in order.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text).map(fold).filter(|w| !w.is_empty())
}

/// The site language's Snowball stemmer (none for a language Snowball does not cover:
/// words are then indexed as they are).
pub struct Stemmer(Option<pagefind_stem::Stemmer>, String);

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
        Stemmer(algorithm.map(pagefind_stem::Stemmer::create), language.to_string())
    }

    /// The site language it was made for.
    pub fn language(&self) -> &str {
        &self.1
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What the crate alone finds.
    fn crate_words(text: &str) -> Vec<&str> {
        text.unicode_words().collect()
    }

    #[test]
    fn ascii_rules_keep_apostrophes_decimals_and_thousands_inside_words() {
        let text = "Don't stop: e.g. 1,000 or 3.5 mg; a:b 4;5 a.1 _x_ __ x__y 1'000 end.";
        assert_eq!(raw_words(text).collect::<Vec<_>>(), crate_words(text));
        assert_eq!(
            raw_words(text).collect::<Vec<_>>(),
            [
                "Don't", "stop", "e.g", "1,000", "or", "3.5", "mg", "a:b", "4;5", "a", "1", "_x_", "x__y", "1'000",
                "end"
            ]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// On ASCII text, the fast path finds the same words as `unicode_words`.
        #[test]
        fn ascii_fast_path_is_uax29_on_ascii(text in "[ -~\t\n\r]{0,60}") {
            proptest::prop_assert_eq!(raw_words(&text).collect::<Vec<_>>(), crate_words(&text));
        }

        /// The fused loop gives the words `raw_words` and `fold` give, without the empty ones.
        #[test]
        fn each_folded_word_is_raw_words_folded(
            text in "([a-zA-Z0-9_.,;:' \t\n-]|A|Z|é|Ñ|\u{301}|ß|日本|\u{a0}|·|😀){0,60}"
        ) {
            let mut buf = String::new();
            let mut got = Vec::new();
            each_folded_word(&text, &mut buf, |w| got.push(w.to_string()));
            let want: Vec<String> = raw_words(&text).map(fold).filter(|w| !w.is_empty()).collect();
            proptest::prop_assert_eq!(got, want);
        }

        /// On mixed text (letters with accents, combining marks, other scripts, emoji,
        /// joiners and the separators the rules name), the same too.
        #[test]
        fn fast_path_is_uax29_on_mixed_text(
            text in "([a-zA-Z0-9_.,;:' \t\n-]|é|Ñ|\u{301}|\u{200d}|\u{ad}|ß|日本|क़|\u{5d0}|\"|😀|\u{1f1fa}\u{1f1f8}|\u{a0}|·){0,40}"
        ) {
            proptest::prop_assert_eq!(raw_words(&text).collect::<Vec<_>>(), crate_words(&text));
        }
    }
}
