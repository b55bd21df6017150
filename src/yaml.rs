//! YAML parsing with positions, for site.yaml, front matter, authors and facilities.
//!
//! We use serde-saphyr rather than `yaml_serde` because it gives every value a position
//! ([`Spanned`]) and every error a location, so a semantic error ("no author `jane`") can
//! point at the value, not only at the file. Its parser is pure Rust, panic-free, and has
//! budgets against alias bombs. Unknown keys are errors (`deny_unknown_fields` on every
//! struct) and get a did-you-mean from the keys the struct accepts.

use serde::de::DeserializeOwned;
pub use serde_saphyr::Spanned;

use crate::diag::{Diag, Source, did_you_mean};

/// Parses `text`, which starts at byte `base` of `source.text`, into `T`.
pub fn parse<T: DeserializeOwned>(source: &Source, text: &str, base: usize) -> Result<T, Diag> {
    // The default budget caps depth (64), nodes, aliases and the alias/anchor ratio, which
    // is what keeps a billion-laughs file from exhausting memory.
    serde_saphyr::from_str(text).map_err(|e| to_diag(source, text, base, &e))
}

/// Parses `text` (at byte `base` of `source.text`) into `T`, collecting every problem
/// instead of stopping at the first: an unknown key or a value of the wrong kind is
/// reported, blanked out (replaced by spaces, so every position stays where it was) and
/// the text parsed again; a required key missing from a nested mapping is reported and
/// that mapping blanked. Returns `None` for `T` when the document cannot be read at all
/// (bad YAML, a budget breached, a required top-level key missing); every diagnostic found
/// so far is returned either way.
///
/// Hand-written rather than a crate: serde-saphyr stops at the first error and has no
/// spanned value tree to check keys against; blanking lines keeps every `Spanned` position
/// of the retried parse exact (see docs/errors.md).
pub fn parse_all<T: DeserializeOwned>(source: &Source, text: &str, base: usize) -> (Option<T>, Vec<Diag>) {
    // Most documents have no error: the text is copied only to blank something in it.
    let first = match serde_saphyr::from_str::<T>(text) {
        Ok(v) => return (Some(v), Vec::new()),
        Err(e) => e,
    };
    let mut work = text.to_string();
    let mut diags = Vec::new();
    let mut e = first;
    for _ in 0..MAX_RETRIES {
        let mut d = to_diag(source, &work, base, &e);
        let at = d.span.map_or(0, |s| s.0.saturating_sub(base)).min(work.len());
        let blanked = match original(&e) {
            serde_saphyr::Error::SerdeMissingField { field, .. } => {
                // A key blanked for its wrong value is not missing a second time.
                if !value_reported(&diags, field) {
                    diags.push(d);
                }
                blank_parent(&mut work, at)
            }
            serde_saphyr::Error::SerdeUnknownField { .. } => {
                diags.push(d);
                blank_entry(&mut work, at).is_some()
            }
            err if recoverable(err) => {
                let key = blank_entry(&mut work, at);
                if let Some(k) = key.as_ref().filter(|k| !k.is_empty() && d.label.is_none()) {
                    d = d.label(value_label(k));
                }
                diags.push(d);
                key.is_some()
            }
            _ => {
                diags.push(d);
                false
            }
        };
        if !blanked {
            return (None, diags);
        }
        // A document blanked to nothing is an empty mapping (for its missing keys), not bad YAML.
        let doc = if work.trim().is_empty() { "{}" } else { work.as_str() };
        e = match serde_saphyr::from_str::<T>(doc) {
            Ok(v) => return (Some(v), diags),
            Err(e) => e,
        };
    }
    (None, diags)
}

/// The label of an error about the value of `key` (which [`parse_all`] then blanked).
fn value_label(key: &str) -> String {
    format!("the value of `{key}`")
}

/// Whether `diags` holds an error about the value of `key`: a check that `key` is there
/// must not report it missing as well (its value was wrong, then blanked).
pub fn value_reported(diags: &[Diag], key: &str) -> bool {
    let label = value_label(key);
    diags.iter().any(|d| d.label.as_deref() == Some(label.as_str()))
}

/// More errors than this in one document and the rest are not looked for.
const MAX_RETRIES: usize = 64;

/// Errors about one key or value, after which the rest of the document can still be read.
fn recoverable(e: &serde_saphyr::Error) -> bool {
    use serde_saphyr::Error as E;
    matches!(
        e,
        E::SerdeUnknownField { .. }
            | E::Unexpected { .. }
            | E::SerdeInvalidType { .. }
            | E::SerdeInvalidValue { .. }
            | E::SerdeInvalidLength { .. }
            | E::SerdeUnknownVariant { .. }
            | E::InvalidScalar { .. }
            | E::NullIntoString { .. }
            | E::InvalidBooleanStrict { .. }
            | E::DuplicateMappingKey { .. }
            | E::Message { .. }
    )
}

/// Blanks the block-style entry on the line holding byte `at`: from its key (or its `- `
/// when the line is a plain list item) to the end of the line, and the more deeply
/// indented lines under it. Returns the key blanked (empty for a list item), or `None`
/// when nothing was left to blank.
fn blank_entry(work: &mut String, at: usize) -> Option<String> {
    let line_start = work[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = work[line_start..].find('\n').map_or(work.len(), |i| line_start + i);
    let line = &work[line_start..line_end];
    let indent = line.len() - line.trim_start_matches(' ').len();
    let mut key_col = indent;
    while line[key_col..].starts_with("- ") {
        key_col += 2 + line[key_col + 2..].len() - line[key_col + 2..].trim_start_matches(' ').len();
    }
    let key = entry_key(&line[key_col..]);
    let from = if key.is_some() { key_col } else { indent };
    if line[from..].trim().is_empty() {
        return None;
    }
    let end = block_end(work, line_end, from);
    blank(work, line_start + from, end);
    Some(key.unwrap_or_default())
}

/// Blanks the entry that holds the mapping starting at byte `at`: the nearest line above
/// it indented less (its key), or the list item `- ` it starts. `false` at the top level.
fn blank_parent(work: &mut String, at: usize) -> bool {
    let line_start = work[..at].rfind('\n').map_or(0, |i| i + 1);
    let col = at - line_start;
    if work[line_start..at].trim_end().ends_with('-') {
        return blank_entry(work, line_start + work[line_start..at].rfind('-').unwrap_or(0)).is_some();
    }
    let mut start = line_start;
    while start > 0 {
        let prev_end = start - 1;
        start = work[..prev_end].rfind('\n').map_or(0, |i| i + 1);
        let line = &work[start..prev_end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') && indent < col {
            return blank_entry(work, start + indent).is_some();
        }
    }
    false
}

/// `key` when `rest` starts with `key:` followed by a space or the line's end.
fn entry_key(rest: &str) -> Option<String> {
    let i = rest.find(':')?;
    let key = rest[..i].trim().trim_matches(['"', '\'']);
    let after = &rest[i + 1..];
    let ok = !key.is_empty() && !key.contains(['{', '[', ',']) && (after.is_empty() || after.starts_with([' ', '\r']));
    ok.then(|| key.to_string())
}

/// End (byte) of the block that starts on a line ending at `line_end` with its content at
/// column `col`: the lines after it that are blank or indented deeper.
fn block_end(work: &str, line_end: usize, col: usize) -> usize {
    let mut end = line_end;
    while end < work.len() {
        let next = end + 1;
        let next_end = work[next..].find('\n').map_or(work.len(), |i| next + i);
        let line = &work[next..next_end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        if !line.trim().is_empty() && indent <= col {
            break;
        }
        end = next_end;
    }
    end
}

/// Replaces `work[from..to]` with spaces, keeping line breaks.
fn blank(work: &mut String, from: usize, to: usize) {
    let spaced: String = work[from..to]
        .chars()
        .map(|c| {
            if c == '\n' || c == '\r' {
                c.to_string()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect();
    work.replace_range(from..to, &spaced);
}

/// Byte span (offset in the whole file, length) of a spanned value parsed from text at `base`.
pub fn span_of<T>(v: &Spanned<T>, base: usize) -> (usize, usize) {
    let span = v.referenced.span();
    let offset = span.byte_offset().unwrap_or(0) as usize;
    let len = span.byte_len().unwrap_or(0) as usize;
    (base + offset, len.max(1))
}

fn to_diag(source: &Source, text: &str, base: usize, e: &serde_saphyr::Error) -> Diag {
    let offset = e
        .location()
        .and_then(|l| l.span().byte_offset())
        .map(|o| o as usize)
        .or_else(|| {
            e.location()
                .map(|l| offset_of(text, l.line() as usize, l.column() as usize))
        });
    let span = |len: usize| (base + offset.unwrap_or(0), len.max(1));
    match original(e) {
        serde_saphyr::Error::SerdeUnknownField { field, expected, .. } => {
            let mut d = Diag::at(source, span(field.len()), format!("unknown key `{field}`")).label("not a known key");
            let list = expected.join(", ");
            d = match did_you_mean(field, expected.iter().copied()) {
                Some(s) => d.help(format!(
                    "did you mean `{s}`? Known keys here: {list}; custom fields go under `extra:`"
                )),
                None => d.help(format!("known keys here: {list}; custom fields go under `extra:`")),
            };
            d
        }
        serde_saphyr::Error::SerdeMissingField { field, .. } => missing(source, span(1), field),
        serde_saphyr::Error::Budget { breach, .. } => Diag::at(source, span(1), budget_message(breach)).help(
            "front matter and haven's YAML files hold a few fields: nest them less than 64 levels deep and do \
             not repeat data with anchors and aliases (`&name`, `*name`)",
        ),
        other => {
            let plain = other.render_with_options(serde_saphyr::render_options! {
                snippets: serde_saphyr::SnippetMode::Off,
            });
            let msg = strip_location(&plain);
            Diag::at(source, span(1), format!("invalid YAML: {msg}"))
                .help("check the indentation and quoting on this line; quote values that contain `:` or `#`")
        }
    }
}

/// "missing required key `key`", at `span` (the mapping that lacks it).
pub fn missing(source: &Source, span: (usize, usize), key: &str) -> Diag {
    Diag::at(source, span, format!("missing required key `{key}`")).help(format!("add `{key}:` with a value"))
}

/// A required key: its value, or `None` after recording that it is missing.
pub fn required<T>(v: Option<T>, source: &Source, span: (usize, usize), key: &str, diags: &mut Vec<Diag>) -> Option<T> {
    if v.is_none() && !value_reported(diags, key) {
        diags.push(missing(source, span, key));
    }
    v
}

/// The error itself, without the snippet and alias-location wrappers around it.
fn original(mut e: &serde_saphyr::Error) -> &serde_saphyr::Error {
    loop {
        match e.without_snippet() {
            serde_saphyr::Error::AliasError { error, .. } => e = error,
            inner => return inner,
        }
    }
}

/// What a breached parsing budget means, in the editor's words. The budget is what keeps an
/// alias bomb or a deeply nested file from taking the build's memory or stack.
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    match breach {
        B::Depth { depth } => format!("the YAML nests too deeply ({depth} levels; at most 64 are read)"),
        B::Nodes { nodes } => {
            format!("the YAML holds too many values ({nodes}, counting each alias `*name` as a copy)")
        }
        B::Aliases { aliases } => format!("the YAML uses too many aliases ({aliases})"),
        B::AliasAnchorRatio { .. } => "the YAML's aliases repeat its anchors too often (an alias bomb)".into(),
        other => format!("the YAML is too large to read safely ({other:?})"),
    }
}

/// serde-saphyr's plain messages end with " at line L column C"; the header shows that already.
fn strip_location(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].trim_end(),
        None => msg.trim_end(),
    }
}

/// Byte offset of a 1-based line and column (characters) in `text`.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset + l.char_indices().nth(col.saturating_sub(1)).map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        updated: Option<String>,
        author: Option<Spanned<String>>,
    }

    fn src(text: &str) -> Source {
        Source {
            name: "x.yaml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn unknown_key_points_at_key_with_suggestion() {
        let text = "title: a\nupdatd: b\n";
        let d = parse::<T>(&src(text), text, 0).unwrap_err();
        assert_eq!(&*d.message, "unknown key `updatd`");
        assert_eq!(d.line_col(), Some((2, 1)));
        assert!(d.help.unwrap_or_default().contains("did you mean `updated`?"));
    }

    #[test]
    fn spans_are_offset_by_base() {
        let file = "---\ntitle: a\nauthor: jane\n---\n";
        let yaml = &file[4..26];
        let t: T = parse(&src(file), yaml, 4).unwrap();
        let span = span_of(t.author.as_ref().unwrap(), 4);
        assert_eq!(&file[span.0..span.0 + span.1], "jane");
    }

    #[test]
    fn missing_key_is_named() {
        let text = "updated: x\n";
        let d = parse::<T>(&src(text), text, 0).unwrap_err();
        assert_eq!(&*d.message, "missing required key `title`");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        title: Option<String>,
        count: Option<u32>,
        geo: Option<Geo>,
        list: Option<Vec<Geo>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Geo {
        lat: f64,
        lon: f64,
    }

    /// Each of these used to hide the ones after it.
    #[test]
    fn parse_all_reports_every_key_and_value_problem() {
        let text = "titel: a\ncount: many\ngeo:\n  lat: 1\nlist:\n  - lat: 2\n    lon: 3\n  - lat: x\n    lon: 4\nwebiste: x\n";
        let (v, d) = parse_all::<Outer>(&src(text), text, 0);
        let got: Vec<_> = d.iter().map(|d| (&*d.message, d.line_col().map(|l| l.0))).collect();
        assert_eq!(got.len(), 5, "{got:?}");
        assert_eq!(got[0], ("unknown key `titel`", Some(1)));
        assert!(got[1].0.contains("many") || got[1].0.contains("invalid"), "{got:?}");
        assert_eq!(got[1].1, Some(2));
        assert_eq!(got[2], ("missing required key `lon`", Some(4)));
        assert_eq!(got[3].1, Some(8), "{got:?}");
        assert_eq!(got[4], ("unknown key `webiste`", Some(10)));
        let v = v.expect("the rest is read");
        assert!(v.geo.is_none());
        assert_eq!(v.list.map(|l| l.len()), Some(1));
    }

    /// A wrong value was reported, then its key reported missing too.
    #[test]
    fn a_wrong_value_is_not_also_a_missing_key() {
        let text = "title: [a, b]\n";
        let (v, d) = parse_all::<Outer>(&src(text), text, 0);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].label.as_deref(), Some("the value of `title`"));
        let mut d = d;
        assert!(required(v.and_then(|v| v.title), &src(text), (0, 1), "title", &mut d).is_none());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(required(None::<()>, &src(text), (0, 1), "count", &mut d).is_none());
        assert_eq!(&*d[1].message, "missing required key `count`");
    }

    #[test]
    fn parse_all_stops_at_bad_yaml_and_top_level_missing_keys() {
        let text = "title: [a\n";
        let (v, d) = parse_all::<T>(&src(text), text, 0);
        assert!(v.is_none());
        assert_eq!(d.len(), 1);
        let text = "updatd: 1\n";
        let (v, d) = parse_all::<T>(&src(text), text, 0);
        assert!(v.is_none());
        let got: Vec<_> = d.iter().map(|d| &*d.message).collect();
        assert_eq!(got, ["unknown key `updatd`", "missing required key `title`"]);
    }

    /// A breached budget said "budget breached: Depth { .. } ... (used" and asked to check quoting.
    #[test]
    fn too_deep_yaml_says_so() {
        let deep: String = (0..100).map(|i| format!("{}k:\n", "  ".repeat(i))).collect();
        let d = parse::<serde_json::Value>(&src(&deep), &deep, 0).unwrap_err();
        assert!(d.message.starts_with("the YAML nests too deeply"), "{}", d.message);
        assert!(d.help.as_deref().unwrap_or_default().contains("64 levels"));
        assert!(d.line_col().is_some());
    }

    #[test]
    fn alias_bomb_is_refused() {
        let text = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
        let d = parse::<serde_json::Value>(&src(text), text, 0).unwrap_err();
        assert!(d.message.starts_with("the YAML holds too many values"), "{}", d.message);
        assert!(d.help.as_deref().unwrap_or_default().contains("aliases"));
    }
}
