//! Slugs: the URL-safe names of articles, topics, cities and headings.
//!
//! One rule everywhere: transliterate to ASCII (deunicode: "Cañon" -> "canon"), lower-case,
//! drop apostrophes inside words ("Coeur d'Alene" -> "coeur-dalene"), turn every other run
//! of non-alphanumerics into one `-`, trim `-` at the ends.

/// The slug of `text`; empty when `text` has no letters or digits.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut out = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '`' {
            // "St. Brigid's" -> "st-brigids": an apostrophe does not split a word.
        } else {
            pending_dash = true;
        }
    }
    out
}

/// Whether `s` is already a valid slug (what `slugify` could produce).
pub fn is_slug(s: &str) -> bool {
    !s.is_empty() && slugify(s) == s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases = [
            (
                "Opiate Recovery Through the 12 Steps",
                "opiate-recovery-through-the-12-steps",
            ),
            ("  Hello,  World! ", "hello-world"),
            ("Coeur d'Alene", "coeur-dalene"),
            ("Cañon City", "canon-city"),
            ("St. Brigid’s House", "st-brigids-house"),
            ("Naloxone (Narcan®) FAQ", "naloxone-narcan-r-faq"),
            ("12-step", "12-step"),
            ("---", ""),
            ("Recovery", "recovery"),
            ("A & B", "a-b"),
        ];
        for (input, want) in cases {
            assert_eq!(slugify(input), want, "input {input:?}");
        }
    }

    #[test]
    fn is_slug_accepts_only_canonical_slugs() {
        assert!(is_slug("opiate-recovery"));
        assert!(!is_slug("Opiate Recovery"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug(""));
    }
}
