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
        serde_saphyr::Error::SerdeMissingField { field, .. } => {
            Diag::at(source, span(1), format!("missing required key `{field}`"))
                .help(format!("add `{field}:` with a value"))
        }
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
        assert_eq!(d.message, "unknown key `updatd`");
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
        assert_eq!(d.message, "missing required key `title`");
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
