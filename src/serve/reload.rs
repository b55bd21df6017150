//! Live reload: the events a build sends to open pages, each as the Server-Sent Event that
//! carries it (the stream, `/__haven/events`, is served by [`http`](super::http)), and the
//! script that pages load to listen.
//!
//! The script is added to HTML responses by the server ([`inject`]), so it can never reach
//! `haven build` output. Each page carries the generation of the build it came from; on
//! (re)connecting, the stream first says which generation is served, so a page that missed
//! an event while loading still reloads.

use axum::response::sse::Event as SseEvent;
use serde_json::json;

/// The script pages load (served at `/__haven/live.js`).
pub const SCRIPT: &str = include_str!("live.js");

/// Something open pages must hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A build changed the site: reload if the page is older.
    Reload {
        /// The generation now served.
        generation: u64,
    },
    /// Only stylesheets changed: swap `<link href>`s, no reload.
    Css {
        /// The generation now served.
        generation: u64,
        /// (old, new) stylesheet paths.
        swaps: Vec<(String, String)>,
    },
    /// A build failed: show its diagnostics over the page.
    Problem {
        /// The diagnostics as the command line prints them.
        text: String,
    },
    /// The error is fixed: remove the overlay.
    Clear,
}

impl Event {
    /// The event as the stream sends it: its name and JSON data.
    pub(super) fn to_sse(&self) -> SseEvent {
        let (name, data) = match self {
            Event::Reload { generation } => ("reload", json!({ "generation": generation })),
            Event::Css { generation, swaps } => ("css", json!({ "generation": generation, "swaps": swaps })),
            Event::Problem { text } => ("problem", json!({ "text": text })),
            Event::Clear => ("clear", json!({})),
        };
        SseEvent::default().event(name).data(data.to_string())
    }
}

/// The tag added to every served HTML page.
pub fn tag(generation: u64) -> String {
    format!("<script src=\"/__haven/live.js\" data-generation=\"{generation}\"></script>")
}

/// Adds the live-reload tag before the last `</body>` (or at the end).
pub fn inject(html: &[u8], generation: u64) -> Vec<u8> {
    let tag = tag(generation);
    let at = find_last_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inject_goes_before_the_last_body_end() {
        let table: &[(&str, &str)] = &[
            (
                "<html><body><p>x</p></body></html>",
                "<html><body><p>x</p>TAG</body></html>",
            ),
            ("<p>no body end</p>", "<p>no body end</p>TAG"),
            ("<pre></body></pre></BODY>", "<pre></body></pre>TAG</BODY>"),
            ("", "TAG"),
        ];
        for (input, want) in table {
            let got = String::from_utf8(inject(input.as_bytes(), 7)).unwrap();
            assert_eq!(got, want.replace("TAG", &tag(7)), "{input}");
        }
    }
}
