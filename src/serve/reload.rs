//! Live reload: the events a build sends to open pages, the Server-Sent Events stream that
//! carries them (`/__haven/events`), and the script that pages load to listen.
//!
//! The script is added to HTML responses by the server ([`inject`]), so it can never reach
//! `haven build` output. Each page carries the generation of the build it came from; on
//! (re)connecting, the stream first says which generation is served, so a page that missed
//! an event while loading still reloads.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::Shared;

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
    fn to_sse(&self) -> SseEvent {
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

/// `GET /__haven/events`: a `hello` with the served generation and any error, then every
/// event as it happens.
pub async fn events(State(shared): State<Arc<Shared>>) -> Sse<impl Stream<Item = Result<SseEvent, Infallible>>> {
    let rx = shared.events.subscribe();
    let hello = SseEvent::default()
        .event("hello")
        .data(json!({ "generation": shared.current().generation, "error": shared.error_text() }).to_string());
    let rest = stream::unfold(rx, |mut rx| async move {
        let event = match rx.recv().await {
            Ok(e) => e,
            // Too far behind to know what happened: a reload is always right.
            Err(RecvError::Lagged(_)) => Event::Reload { generation: u64::MAX },
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(event.to_sse()), rx))
    });
    let all = futures_util::StreamExt::chain(stream::once(async move { Ok(hello) }), rest);
    Sse::new(all).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
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
