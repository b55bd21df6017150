//! Diagnostics: the one error vocabulary of a build.
//!
//! Every problem found in a user's files becomes a [`Diag`]: the file, the byte span of the
//! offending text, what is wrong and how to fix it. Stages collect them in [`Diags`] and go
//! on, so that one build reports every error at once. Printing happens in one place,
//! [`report`], through miette so the source line is shown under the message.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The build fails.
    Error,
    /// The build goes on; the editor should look.
    Warning,
}

/// A source file as read from disk, shared by every diagnostic that points into it.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path shown to the user (relative to the site root where possible).
    pub name: String,
    /// Whole text of the file.
    pub text: Arc<str>,
}

impl Source {
    /// A source for `path` (shown relative to `root`) with the given text.
    pub fn new(root: &Path, path: &Path, text: impl Into<Arc<str>>) -> Self {
        Source {
            name: display_path(root, path),
            text: text.into(),
        }
    }
}

/// Shows `path` relative to `root` with forward slashes, or as it is when outside it.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// One problem in the user's input.
#[derive(Debug, Clone)]
pub struct Diag {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: Arc<str>,
    /// How to fix it.
    pub help: Option<Arc<str>>,
    /// File the problem is in, if any.
    pub source: Option<Source>,
    /// Byte range in `source.text` that the problem is about.
    pub span: Option<(usize, usize)>,
    /// Short text under the pointer.
    pub label: Option<Arc<str>>,
    /// The kind of warning this is, when many of one kind are summarized in one line.
    pub group: Option<Arc<Group>>,
    /// A warning for `check` and `serve` that `build` makes an error: something that must
    /// not be published (a page still holding `haven new`'s placeholder text).
    pub blocks_build: bool,
}

/// What warnings of one kind share, so that [`report`] can print one line for all of them
/// (hundreds of stale listings would bury everything else).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// What all of them are, said after their count: "listings were last verified more
    /// than 12 months ago". Warnings with the same `what` are one group.
    pub what: String,
    /// Sorts the group (the listing's date); the summary names the first three.
    pub order: String,
    /// What the first ones in that order are: "oldest".
    pub first_are: String,
}

impl Diag {
    /// An error not tied to a file position.
    pub fn error(message: impl Into<Arc<str>>) -> Self {
        Diag {
            severity: Severity::Error,
            message: message.into(),
            help: None,
            source: None,
            span: None,
            label: None,
            group: None,
            blocks_build: false,
        }
    }

    /// An error at `span` (byte offset, length) in `source`.
    pub fn at(source: &Source, span: (usize, usize), message: impl Into<Arc<str>>) -> Self {
        let mut d = Diag::error(message);
        d.source = Some(source.clone());
        d.span = Some(clamp_span(&source.text, span));
        d
    }

    /// An error about a whole file (points at its start).
    pub fn in_file(source: &Source, message: impl Into<Arc<str>>) -> Self {
        let mut d = Diag::error(message);
        d.source = Some(source.clone());
        d
    }

    /// Adds a fix-it hint.
    #[must_use]
    pub fn help(mut self, help: impl Into<Arc<str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a label under the pointed text.
    #[must_use]
    pub fn label(mut self, label: impl Into<Arc<str>>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Turns this into a warning.
    #[must_use]
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// A warning that `haven build` turns into an error (see [`Diag::blocks_build`]).
    #[must_use]
    pub fn blocks_build(mut self) -> Self {
        self.severity = Severity::Warning;
        self.blocks_build = true;
        self
    }

    /// Puts this warning in a group (see [`Group`]).
    #[must_use]
    pub fn grouped(mut self, what: impl Into<String>, order: impl Into<String>, first_are: &str) -> Self {
        self.group = Some(Arc::new(Group {
            what: what.into(),
            order: order.into(),
            first_are: first_are.into(),
        }));
        self
    }

    /// 1-based line and column of the span start, when known.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let src = self.source.as_ref()?;
        let (offset, _) = self.span?;
        Some(line_col(&src.text, offset))
    }

    /// What [`Diag::place`] is made from, without counting lines: the file and the
    /// offset its line and column are counted to. Two of the same file are equal exactly
    /// when their places are (different character boundaries are different lines or
    /// columns), so this tells diagnostics apart as `place` does, for the cost of a
    /// comparison (a site with 1,500 warnings spent 2 ms per `haven serve` save counting).
    pub fn place_key(&self) -> Option<(&str, Option<usize>)> {
        let src = self.source.as_ref()?;
        let offset = self.span.map(|(offset, _)| floor_char_boundary(&src.text, offset));
        Some((src.name.as_str(), offset))
    }

    /// `file:line:col` (or just `file`), the place shown in the one-line header.
    pub fn place(&self) -> Option<String> {
        let src = self.source.as_ref()?;
        Some(match self.line_col() {
            Some((l, c)) => format!("{}:{l}:{c}", src.name),
            None => src.name.clone(),
        })
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl miette::Diagnostic for Diag {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        // Only show a snippet when there is a position to show.
        self.span?;
        self.source.as_ref().map(|s| &s.text as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (offset, len) = self.span?;
        let span = SourceSpan::from((offset, len));
        let label = LabeledSpan::new_with_span(Some(self.label.as_deref().unwrap_or("here").to_string()), span);
        Some(Box::new(std::iter::once(label)))
    }
}

/// Byte offset -> 1-based (line, column in characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The last character boundary of `text` at or before `i` (its end when `i` is past it).
fn floor_char_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn clamp_span(text: &str, (offset, len): (usize, usize)) -> (usize, usize) {
    let start = floor_char_boundary(text, offset);
    let end = floor_char_boundary(text, start.saturating_add(len));
    (start, end - start)
}

/// The diagnostics of one build, in the order found.
#[derive(Debug, Default)]
pub struct Diags {
    items: Vec<Diag>,
}

impl Diags {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diag) {
        self.items.push(d);
    }

    /// Adds many.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diag>) {
        self.items.extend(ds);
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// All diagnostics.
    pub fn items(&self) -> &[Diag] {
        &self.items
    }

    /// All diagnostics, to change in place.
    pub fn items_mut(&mut self) -> &mut [Diag] {
        &mut self.items
    }

    /// Takes the list out, sorted by file and position so output is stable across runs.
    pub fn into_sorted(mut self) -> Vec<Diag> {
        sort(&mut self.items);
        self.items
    }
}

/// Sorts diagnostics by file and position (stably: the order found within one place).
pub fn sort(items: &mut [Diag]) {
    items.sort_by(|a, b| {
        let ka = (a.source.as_ref().map(|s| &s.name), a.span.map(|s| s.0));
        let kb = (b.source.as_ref().map(|s| &s.name), b.span.map(|s| s.0));
        ka.cmp(&kb)
    });
}

/// Renders one diagnostic as text: a grep-friendly header line (`error: file:line:col: what`)
/// followed by miette's snippet with the source line and the hint.
pub fn render(d: &Diag, color: bool) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = match d.place() {
        Some(place) => format!("{kind}: {place}: {}\n", d.message),
        None => format!("{kind}: {}\n", d.message),
    };
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let named = NamedDiag {
        inner: d,
        source: d.source.as_ref().map(|s| NamedSource::new(&s.name, s.text.clone())),
    };
    let mut snippet = String::new();
    if handler.render_report(&mut snippet, &named).is_ok() {
        // miette repeats the message (one line per message line); the header has it already.
        let repeated = d.message.lines().count().max(1);
        let body: String = snippet.lines().skip(repeated).map(|l| format!("{l}\n")).collect();
        out.push_str(&body);
    }
    out
}

/// How many errors and warnings a run found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
}

impl Counts {
    /// Counts `diags`.
    pub fn of(diags: &[Diag]) -> Self {
        let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
        Counts {
            errors,
            warnings: diags.len() - errors,
        }
    }

    /// "2 errors and 3 warnings", "1 error", "no warnings".
    pub fn both(&self) -> String {
        match (self.errors, self.warnings) {
            (0, 0) => "no warnings".into(),
            (e, 0) => plural(e, "error"),
            (0, w) => plural(w, "warning"),
            (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
        }
    }
}

/// "1 error", "1,176 files".
pub fn plural(n: usize, what: &str) -> String {
    format!("{} {what}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// `1176` as "1,176".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Warnings [`report`] prints in full; the others are counted (a generated or imported
/// directory can raise thousands, which would bury the summary and any error).
pub const WARNINGS_SHOWN: usize = 20;

/// Prints to stderr every error, then the warnings: the first [`WARNINGS_SHOWN`] of them,
/// with each [`Group`] of several in one line (every warning in full with `all_warnings`,
/// the `--all-warnings` flag). Returns the counts for the caller's summary line.
pub fn report(diags: &[Diag], all_warnings: bool) -> Counts {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diags.iter().filter(|d| d.severity == Severity::Error) {
        eprintln!("{}", render(d, color));
    }
    let warnings: Vec<&Diag> = diags.iter().filter(|d| d.severity == Severity::Warning).collect();
    let blocks = if all_warnings {
        warnings.iter().map(|d| render(d, color)).collect()
    } else {
        warning_blocks(&warnings, color)
    };
    let max = if all_warnings { usize::MAX } else { WARNINGS_SHOWN };
    for b in blocks.iter().take(max) {
        eprintln!("{b}");
    }
    if blocks.len() > max {
        let hidden = blocks.len() - max;
        eprintln!(
            "... and {} more warning{} not shown; `--all-warnings` lists every one.\n",
            thousands(hidden),
            if hidden == 1 { "" } else { "s" }
        );
    }
    Counts::of(diags)
}

/// The warnings as printed: each in full, except that a group of two or more becomes one
/// block, in the place of its first member.
fn warning_blocks(warnings: &[&Diag], color: bool) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut done: Vec<&str> = Vec::new();
    for d in warnings {
        let Some(g) = &d.group else {
            blocks.push(render(d, color));
            continue;
        };
        if done.contains(&g.what.as_str()) {
            continue;
        }
        let mut members: Vec<&Diag> = warnings
            .iter()
            .copied()
            .filter(|w| w.group.as_ref().is_some_and(|x| x.what == g.what))
            .collect();
        if members.len() == 1 {
            blocks.push(render(d, color));
            continue;
        }
        done.push(&g.what);
        members.sort_by(|a, b| {
            a.group
                .as_ref()
                .map(|g| &g.order)
                .cmp(&b.group.as_ref().map(|g| &g.order))
        });
        blocks.push(group_block(g, &members));
    }
    blocks
}

/// "warning: 14 listings were ...; the three oldest: a (2020-01-01), b (...), c (...)", and
/// the hint of the first.
fn group_block(g: &Group, members: &[&Diag]) -> String {
    let named: Vec<String> = members
        .iter()
        .take(3)
        .map(|d| {
            let place = d.place().unwrap_or_default();
            let order = d.group.as_ref().map(|g| g.order.as_str()).unwrap_or_default();
            format!("{place} ({order})")
        })
        .collect();
    let help = members.first().and_then(|d| d.help.as_deref()).unwrap_or_default();
    format!(
        "warning: {} {}; the {} {}: {}\n  help: {help}\n  `--all-warnings` lists every one.\n",
        thousands(members.len()),
        g.what,
        if named.len() == 3 { "three" } else { "two" },
        g.first_are,
        named.join(", ")
    )
}

/// Wraps a [`Diag`] with a named source so miette prints the file name.
struct NamedDiag<'a> {
    inner: &'a Diag,
    source: Option<NamedSource<Arc<str>>>,
}

impl fmt::Debug for NamedDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for NamedDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for NamedDiag<'_> {}

impl miette::Diagnostic for NamedDiag<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        miette::Diagnostic::severity(self.inner)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        miette::Diagnostic::help(self.inner)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.inner.span?;
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        miette::Diagnostic::labels(self.inner)
    }
}

/// Suggests the closest of `candidates` to `got`, when one is close enough to be a typo.
pub fn did_you_mean<'a>(got: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let got_l = got.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&got_l, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A path for messages: relative to `root` when inside it.
pub fn show(root: &Path, path: &Path) -> PathBuf {
    PathBuf::from(display_path(root, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_chars() {
        let t = "ab\ncdé f\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        // é is two bytes: the column counts characters.
        assert_eq!(line_col(t, 7), (2, 4));
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        let keys = ["title", "updated", "published"];
        assert_eq!(did_you_mean("updatd", keys), Some("updated"));
        assert_eq!(did_you_mean("zzzz", keys), None);
    }

    #[test]
    fn render_prints_a_multi_line_message_once() {
        let d = Diag::error("template error: x\n --> page.html:3:7\n3 | {% if %}").help("fix it");
        let out = render(&d, false);
        assert_eq!(out.matches("page.html:3:7").count(), 1, "{out}");
        assert!(out.contains("fix it"), "{out}");
    }

    #[test]
    fn counts_and_thousands() {
        assert_eq!(thousands(1176), "1,176");
        assert_eq!(thousands(135), "135");
        assert_eq!(thousands(1_000_000), "1,000,000");
        let c = Counts { errors: 2, warnings: 3 };
        assert_eq!(c.both(), "2 errors and 3 warnings");
        assert_eq!(Counts { errors: 1, warnings: 0 }.both(), "1 error");
    }

    /// Hundreds of stale listings printed one block each and buried everything else.
    #[test]
    fn a_group_of_warnings_is_one_block_naming_the_first_three() {
        let src = Source {
            name: "f.yaml".into(),
            text: "a\nb\nc\nd\n".into(),
        };
        let stale = |line: usize, date: &str| {
            Diag::at(&src, (line * 2, 1), format!("verified on {date}"))
                .warning()
                .help("call them")
                .grouped("listings are stale", date, "oldest")
        };
        let other = Diag::at(&src, (0, 1), "something else").warning();
        let ws = [
            stale(0, "2021-05-01"),
            other,
            stale(1, "2020-01-01"),
            stale(2, "2022-01-01"),
            stale(3, "2019-07-01"),
        ];
        let refs: Vec<&Diag> = ws.iter().collect();
        let blocks = warning_blocks(&refs, false);
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        assert!(
            blocks[0].starts_with(
                "warning: 4 listings are stale; the three oldest: f.yaml:4:1 (2019-07-01), f.yaml:2:1 (2020-01-01), f.yaml:1:1 (2021-05-01)\n"
            ),
            "{}",
            blocks[0]
        );
        assert!(blocks[0].contains("call them") && blocks[0].contains("--all-warnings"));
        assert!(blocks[1].contains("something else"));
        // One alone is printed in full.
        let one = [stale(0, "2021-05-01")];
        let blocks = warning_blocks(&one.iter().collect::<Vec<_>>(), false);
        assert!(
            blocks[0].starts_with("warning: f.yaml:1:1: verified on 2021-05-01"),
            "{}",
            blocks[0]
        );
    }

    #[test]
    fn render_names_file_line_and_column() {
        let src = Source {
            name: "content/a.md".into(),
            text: "---\ntitle: x\nautor: y\n---\n".into(),
        };
        let d = Diag::at(&src, (13, 5), "unknown key `autor`").help("did you mean `author`?");
        let out = render(&d, false);
        assert!(out.starts_with("error: content/a.md:3:1: unknown key `autor`"), "{out}");
        assert!(out.contains("did you mean `author`?"), "{out}");
        assert!(out.contains("autor: y"), "{out}");
    }
}
