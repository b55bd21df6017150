//! Component calls in a Markdown body, found and read without Tera.
//!
//! An editor writes Tera 2's call syntax on a line of its own: `{{ <hotline /> }}`, or
//! `{% <callout kind="tip"> %}` … Markdown … `{% </callout> %}` around a body. Calls in
//! code (fenced, indented or inline) are text. Each call is replaced by a marker, an HTML
//! comment on its line (`<!--haven-component:3-->`, the close `<!--haven-component:/3-->`)
//! that pulldown-cmark keeps as a block of its own and that interrupts a paragraph, so the
//! Markdown between an open and a close call is rendered as blocks of the body. The
//! markers become the components' HTML after the Markdown and the sanitizer
//! ([`super::Engine::fill`]).
//!
//! Hand-written rather than by Tera's parser: Tera reads a whole template, so it would
//! read the editor's Markdown as template text and report positions in it that are not
//! the body's; here every call and argument keeps its byte span in the body.

use pulldown_cmark::{Event, Parser, Tag};
use serde_json::Value;

use crate::markdown::{self, COMPONENT_MARKER, Scan};

/// How a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{{ <name ... /> }}`.
    Alone,
    /// `{% <name ...> %}`, the start of a body.
    Open,
    /// `{% </name> %}`, the end of the body of the open call `open`.
    Close {
        /// Index of the open call in [`Prepared::calls`].
        open: usize,
    },
}

/// One argument as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// Its name.
    pub name: String,
    /// Byte span (start, length) of the whole `name=value` in the body.
    pub span: (usize, usize),
    /// Its value; `None` when only the name was written.
    pub value: Option<Value>,
}

/// One call, with byte spans in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Component name.
    pub name: String,
    /// Span of the whole call.
    pub span: (usize, usize),
    /// Span of the name.
    pub name_span: (usize, usize),
    /// Arguments in the order written.
    pub args: Vec<Arg>,
    /// Alone, open or close.
    pub kind: Kind,
}

/// A problem in how a call is written: (span in the body, message, how to fix it).
pub type SyntaxError = ((usize, usize), String, String);

/// A body with its calls replaced by markers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prepared {
    /// The Markdown to render.
    pub text: String,
    /// Every call, in the order of the text.
    pub calls: Vec<Call>,
    /// Calls that could not be read.
    pub errors: Vec<SyntaxError>,
    /// (start in the body, length there, start in `text`, length there) of each replacement.
    edits: Vec<(usize, usize, usize, usize)>,
}

impl Prepared {
    /// The body offset of offset `at` of [`Prepared::text`] (a marker maps to its call).
    pub fn original(&self, at: usize) -> usize {
        let mut shift: isize = 0;
        for &(old, old_len, new, new_len) in &self.edits {
            if at < new {
                break;
            }
            if at < new + new_len {
                return old;
            }
            shift = (old + old_len) as isize - (new + new_len) as isize;
        }
        (at as isize + shift).max(0) as usize
    }

    /// Puts the offsets of a scan of [`Prepared::text`] back to the body's.
    pub fn restore_offsets(&self, scan: &mut Scan) {
        for l in &mut scan.links {
            let (start, end) = (self.original(l.span.0), self.original(l.span.0 + l.span.1));
            l.span = (start, end.saturating_sub(start));
        }
        for (at, _) in &mut scan.unsafe_html {
            *at = self.original(*at);
        }
    }
}

/// The body with its calls replaced by markers; `None` when it has no call (nor anything
/// that starts like one), so such a body is rendered exactly as before.
pub fn prepare(body: &str) -> Option<Prepared> {
    if !body.contains("{{") && !body.contains("{%") {
        return None;
    }
    let code = code_ranges(body);
    let in_code = |at: usize| code.iter().any(|(s, e)| *s <= at && at < *e);
    let mut out = Prepared::default();
    let mut open: Vec<usize> = Vec::new();
    let mut from = 0;
    let mut search = 0;
    while let Some(found) = next_opener(body, search) {
        search = found + 2;
        if in_code(found) {
            continue;
        }
        let call = match read_call(body, found) {
            Ok(Some(c)) => c,
            Ok(None) => continue,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        let (start, len) = call.span;
        search = start + len;
        if !alone_on_line(body, start, start + len) {
            out.errors.push((
                call.span,
                format!("the component `{}` must stand on a line of its own", call.name),
                "put the call on its own line, with nothing before or after it on that line".into(),
            ));
            continue;
        }
        let index = out.calls.len();
        let mut call = call;
        let marker = match call.kind {
            Kind::Close { .. } => match open.pop() {
                Some(o) if out.calls[o].name == call.name => {
                    call.kind = Kind::Close { open: o };
                    format!("{COMPONENT_MARKER}/{o}-->")
                }
                Some(o) => {
                    out.errors.push((
                        call.span,
                        format!(
                            "`{{% </{}> %}}` closes `{}`, but the open component here is `{}`",
                            call.name, call.name, out.calls[o].name
                        ),
                        format!(
                            "close `{}` first with `{{% </{}> %}}`",
                            out.calls[o].name, out.calls[o].name
                        ),
                    ));
                    open.push(o);
                    continue;
                }
                None => {
                    out.errors.push((
                        call.span,
                        format!("`{{% </{}> %}}` closes a component that was not opened", call.name),
                        format!("open it before with `{{% <{} ...> %}}`, or remove this line", call.name),
                    ));
                    continue;
                }
            },
            Kind::Open => {
                open.push(index);
                format!("{COMPONENT_MARKER}{index}-->")
            }
            Kind::Alone => format!("{COMPONENT_MARKER}{index}-->"),
        };
        out.text.push_str(&body[from..start]);
        out.edits.push((start, len, out.text.len(), marker.len()));
        out.text.push_str(&marker);
        out.calls.push(call);
        from = start + len;
    }
    for o in open {
        let c = &out.calls[o];
        out.errors.push((
            c.span,
            format!("the component `{}` is opened here and never closed", c.name),
            format!(
                "end its body with `{{% </{}> %}}` on a line of its own, or write `{{{{ <{} ... /> }}}}` for no body",
                c.name, c.name
            ),
        ));
    }
    if out.calls.is_empty() && out.errors.is_empty() {
        return None;
    }
    out.text.push_str(&body[from..]);
    Some(out)
}

/// Byte ranges of code (blocks and spans), where calls are text.
fn code_ranges(body: &str) -> Vec<(usize, usize)> {
    Parser::new_ext(body, markdown::options())
        .into_offset_iter()
        .filter_map(|(e, r)| match e {
            Event::Code(_) | Event::Start(Tag::CodeBlock(_)) => Some((r.start, r.end)),
            _ => None,
        })
        .collect()
}

fn next_opener(body: &str, from: usize) -> Option<usize> {
    let rest = body.get(from..)?;
    let a = rest.find("{{");
    let b = rest.find("{%");
    let first = match (a, b) {
        (Some(x), Some(y)) => x.min(y),
        (x, y) => x.or(y)?,
    };
    Some(from + first)
}

fn alone_on_line(body: &str, start: usize, end: usize) -> bool {
    let line_start = body[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = body[end..].find('\n').map_or(body.len(), |i| end + i);
    body[line_start..start].trim().is_empty() && body[end..line_end].trim().is_empty()
}

/// A cursor over the body.
struct Cur<'a> {
    s: &'a str,
    at: usize,
}

impl Cur<'_> {
    fn ws(&mut self) {
        while let Some(c) = self.s[self.at..].chars().next()
            && c.is_whitespace()
        {
            self.at += c.len_utf8();
        }
    }
    fn eat(&mut self, what: &str) -> bool {
        if self.s[self.at..].starts_with(what) {
            self.at += what.len();
            true
        } else {
            false
        }
    }
    fn ident(&mut self) -> Option<(String, usize)> {
        let start = self.at;
        let rest = &self.s[self.at..];
        let len = rest
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_alphanumeric() || *c == '_' || (*i > 0 && *c == '-')))
            .map_or(rest.len(), |(i, _)| i);
        if len == 0 || rest.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        self.at += len;
        Some((rest[..len].to_string(), start))
    }
    fn peek(&self) -> Option<char> {
        self.s[self.at..].chars().next()
    }
}

/// The call that starts at `at` (`{{` or `{%`): `Ok(None)` when it is not a component call
/// at all (`{{ x }}` in prose is text), an error when it starts as one but is not read.
fn read_call(body: &str, at: usize) -> Result<Option<Call>, SyntaxError> {
    let block = body[at..].starts_with("{%");
    let mut c = Cur { s: body, at: at + 2 };
    c.ws();
    if !c.eat("<") {
        return Ok(None);
    }
    let close = c.eat("/");
    let Some((name, name_at)) = c.ident() else {
        return Ok(None);
    };
    let name_len = name.len();
    let bad = |c: &Cur<'_>, what: String, help: &str| -> SyntaxError {
        let end = body[c.at..]
            .find(['\n', '}'])
            .map_or(body.len(), |i| c.at + i + 1)
            .min(body.len());
        ((at, end - at), what, help.to_string())
    };
    let shapes = "write `{{ <name arg=\"text\" /> }}`, or `{% <name arg=\"text\"> %}` … `{% </name> %}` around a body";
    let mut args = Vec::new();
    loop {
        c.ws();
        match c.peek() {
            Some('/') | Some('>') | None => break,
            _ => {}
        }
        if close {
            return Err(bad(&c, format!("the end of `{name}` takes no arguments"), shapes));
        }
        let Some((arg, arg_at)) = c.ident() else {
            return Err(bad(
                &c,
                format!("cannot read the arguments of the component `{name}`"),
                "write each argument as name=\"text\", name={3}, name={true} or name={[\"a\", \"b\"]}",
            ));
        };
        c.ws();
        let value = if c.eat("=") {
            c.ws();
            Some(read_value(&mut c).map_err(|msg| {
                bad(
                    &c,
                    format!("the value of `{arg}` in `{name}` {msg}"),
                    "write text in double quotes (name=\"text\"), or a number, true/false or a list in braces (name={3}, name={[\"a\", \"b\"]})",
                )
            })?)
        } else {
            None
        };
        args.push(Arg {
            name: arg,
            span: (arg_at, c.at - arg_at),
            value,
        });
    }
    let alone = c.eat("/");
    if !c.eat(">") {
        return Err(bad(&c, format!("the component call `{name}` is not finished"), shapes));
    }
    c.ws();
    let kind = match (block, alone, close) {
        (false, true, false) if c.eat("}}") => Kind::Alone,
        (true, false, false) if c.eat("%}") => Kind::Open,
        (true, false, true) if c.eat("%}") => Kind::Close { open: 0 },
        _ => {
            return Err(bad(
                &c,
                format!("the component call `{name}` is not written right"),
                shapes,
            ));
        }
    };
    Ok(Some(Call {
        name,
        span: (at, c.at - at),
        name_span: (name_at, name_len),
        args,
        kind,
    }))
}

/// `"text"`, `'text'` or `{json}`.
fn read_value(c: &mut Cur<'_>) -> Result<Value, &'static str> {
    let rest = &c.s[c.at..];
    if let Some(q) = rest.chars().next().filter(|q| *q == '"' || *q == '\'') {
        let Some(len) = rest[1..].find(q) else {
            return Err("has no closing quote");
        };
        c.at += len + 2;
        return Ok(Value::String(rest[1..1 + len].to_string()));
    }
    if !rest.starts_with('{') {
        return Err("is not in quotes or braces");
    }
    // The matching brace, skipping strings.
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, ch) in rest.char_indices() {
        match (quote, ch) {
            (Some(q), _) if ch == q => quote = None,
            (Some(_), _) => {}
            (None, '"') => quote = Some('"'),
            (None, '{') => depth += 1,
            (None, '}') => {
                depth -= 1;
                if depth == 0 {
                    c.at += i + 1;
                    return serde_json::from_str(rest[1..i].trim())
                        .map_err(|_| "is not a number, true/false or a list");
                }
            }
            _ => {}
        }
    }
    Err("has no closing brace")
}

/// A marker in rendered HTML: (start, end after its newline, call index, whether it closes).
pub(super) fn next_marker(html: &str, from: usize) -> Option<(usize, usize, usize, bool)> {
    let mut search = from;
    loop {
        let start = search + html.get(search..)?.find(COMPONENT_MARKER)?;
        let rest = &html[start + COMPONENT_MARKER.len()..];
        let close = rest.starts_with('/');
        let digits = &rest[usize::from(close)..];
        let n = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
        if n > 0
            && digits[n..].starts_with("-->")
            && let Ok(index) = digits[..n].parse()
        {
            let mut end = start + COMPONENT_MARKER.len() + usize::from(close) + n + 3;
            if html[end..].starts_with('\n') {
                end += 1;
            }
            return Some((start, end, index, close));
        }
        search = start + COMPONENT_MARKER.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_read_with_their_arguments_and_spans() {
        let body = "Intro.\n\n{{ <facility path=\"facilities/a.yaml\" /> }}\n\n{% <callout kind='tip' n={3} list={[\"a\", \"b\"]}> %}\nBody *md*.\n{% </callout> %}\n";
        let p = prepare(body).expect("calls");
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let names: Vec<_> = p.calls.iter().map(|c| (c.name.as_str(), c.kind)).collect();
        assert_eq!(
            names,
            [
                ("facility", Kind::Alone),
                ("callout", Kind::Open),
                ("callout", Kind::Close { open: 1 })
            ]
        );
        let a = &p.calls[0].args[0];
        assert_eq!(
            (a.name.as_str(), a.value.clone()),
            ("path", Some(Value::from("facilities/a.yaml")))
        );
        assert_eq!(&body[a.span.0..a.span.0 + a.span.1], "path=\"facilities/a.yaml\"");
        assert_eq!(p.calls[1].args[1].value, Some(Value::from(3)));
        assert_eq!(p.calls[1].args[2].value, Some(serde_json::json!(["a", "b"])));
        assert!(
            p.text.contains(
                "<!--haven-component:0-->\n\n<!--haven-component:1-->\nBody *md*.\n<!--haven-component:/1-->\n"
            ),
            "{}",
            p.text
        );
        // An offset after the calls maps back to the body's.
        let at = p.text.find("Body").expect("body");
        assert_eq!(p.original(at), body.find("Body").expect("body"));
        assert_eq!(
            p.original(p.text.find("<!--haven-component:1").expect("m")),
            p.calls[1].span.0
        );
    }

    #[test]
    fn code_and_prose_braces_are_text() {
        assert_eq!(prepare("No call here.\n"), None);
        assert_eq!(prepare("A {{ variable }} and {% tag %}.\n"), None);
        assert_eq!(
            prepare("```\n{{ <hotline /> }}\n```\n\n`{{ <crisis /> }}`\n\n    {{ <hotline /> }}\n"),
            None
        );
    }

    #[test]
    fn bad_calls_are_errors_at_their_place() {
        let p = prepare(
            "x {{ <hotline /> }} y\n\n{% <callout> %}\nopen\n\n{% </crisis> %}\n\n{{ <facility path=\"a /> }}\n",
        )
        .expect("errors");
        let messages: Vec<_> = p.errors.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(p.errors.len(), 4, "{messages:?}");
        assert!(messages[0].contains("line of its own"), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("closes `crisis`")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("no closing quote")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("never closed")), "{messages:?}");
    }

    #[test]
    fn markers_are_found_in_html() {
        let html = "<p>a</p>\n<!--haven-component:12-->\n<p>b</p>\n<!--haven-component:/12-->\n";
        let (s, e, i, close) = next_marker(html, 0).expect("first");
        assert_eq!((&html[s..e], i, close), ("<!--haven-component:12-->\n", 12, false));
        let (_, _, i, close) = next_marker(html, e).expect("second");
        assert_eq!((i, close), (12, true));
        assert_eq!(next_marker("<!--haven-component:x-->", 0), None);
    }
}
