//! Splitting a Markdown file into its YAML front matter and its body.
//!
//! Invariants: a UTF-8 BOM is skipped; `---` fences may end in `\n` or `\r\n` and may carry
//! trailing spaces; the body is everything after the closing fence. Offsets are byte
//! offsets into the original text, so diagnostics can point into the file.

/// The two parts of a content file, as byte ranges of the original text.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// Byte offset of `yaml` in the file.
    pub yaml_offset: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Why a file could not be split.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `---` line.
    NoOpeningFence,
    /// No closing `---` line was found.
    NoClosingFence,
}

/// Splits `text` at its `---` fences.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineIter { text, pos: start };
    match lines.next() {
        Some((_, line)) if is_fence(line) => {}
        _ => return Err(SplitError::NoOpeningFence),
    }
    let yaml_offset = lines.pos;
    while let Some((line_start, line)) = lines.next() {
        if is_fence(line) {
            return Ok(Split {
                yaml: &text[yaml_offset..line_start],
                yaml_offset,
                body: &text[lines.pos..],
                body_offset: lines.pos,
            });
        }
    }
    Err(SplitError::NoClosingFence)
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\r', '\n']).trim_end() == "---"
}

/// Lines with their start offsets, newline included.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        self.pos += end;
        Some((start, &rest[..end]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        type Want = Result<(&'static str, &'static str), SplitError>;
        let cases: &[(&str, Want)] = &[
            ("---\na: 1\n---\nbody\n", Ok(("a: 1\n", "body\n"))),
            ("\u{feff}---\na: 1\n---\nbody", Ok(("a: 1\n", "body"))),
            ("---\r\na: 1\r\n---\r\nbody\r\n", Ok(("a: 1\r\n", "body\r\n"))),
            ("---  \na: 1\n--- \n", Ok(("a: 1\n", ""))),
            ("---\na: 1\n---", Ok(("a: 1\n", ""))),
            ("---\n---\n", Ok(("", ""))),
            ("a: 1\n", Err(SplitError::NoOpeningFence)),
            ("", Err(SplitError::NoOpeningFence)),
            ("---\na: 1\n", Err(SplitError::NoClosingFence)),
            ("---\na: ---x\n----\n", Err(SplitError::NoClosingFence)),
        ];
        for (input, want) in cases {
            let got = split(input).map(|s| (s.yaml, s.body));
            assert_eq!(&got, want, "input {input:?}");
        }
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "\u{feff}---\ntitle: x\n---\nhello";
        let s = split(text).unwrap();
        assert_eq!(&text[s.yaml_offset..s.yaml_offset + s.yaml.len()], "title: x\n");
        assert_eq!(&text[s.body_offset..], "hello");
    }
}
