//! The HTTP side of `haven serve`: an axum router on its own thread and tokio runtime.
//!
//! Files come only from the in-memory map of the last good build ([`Served`]): a request
//! path is decoded once, refused if it holds `..`, `.`, a backslash or a NUL byte, and then
//! looked up as a map key. No path ever reaches the file system, so no traversal, encoded
//! or not, and no symlink can lead out of the site. No directory listings: a folder is
//! served only through its `index.html`. Unknown paths get the site's 404 page with
//! status 404.

use std::convert::Infallible;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use percent_encoding::percent_decode_str;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;

use super::reload::{self, Event};
use super::shared::{Served, Shared};

/// Starts the server on `listener` in a thread of its own.
pub fn spawn(listener: TcpListener, shared: Arc<Shared>) -> Result<(), String> {
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot use the listening socket: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("haven-serve")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server runtime: {e}"))?;
    std::thread::Builder::new()
        .name("haven-http".into())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => return eprintln!("error: cannot serve: {e}"),
                };
                if let Err(e) = axum::serve(listener, router(shared)).await {
                    eprintln!("error: the server stopped: {e}");
                }
            });
        })
        .map_err(|e| format!("cannot start the server thread: {e}"))?;
    Ok(())
}

/// The routes: live reload, status, then the site.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/__haven/events", get(events))
        .route("/__haven/live.js", get(script))
        .route("/__haven/status", get(status))
        .fallback(site)
        .with_state(shared)
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

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        reload::SCRIPT,
    )
        .into_response()
}

/// `GET /__haven/status`: what the watcher has done (tests and benchmarks read it).
async fn status(State(shared): State<Arc<Shared>>) -> Response {
    let body = json!({
        "generation": shared.current().generation,
        "rebuilds": shared.rebuilds.load(std::sync::atomic::Ordering::SeqCst),
        "last_rebuild_ms": shared.last_rebuild_us.load(std::sync::atomic::Ordering::SeqCst) as f64 / 1000.0,
        "error": shared.error_text(),
    });
    ([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response()
}

async fn site(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], "").into_response();
    }
    let served = shared.current();
    let resp = match lookup(&served, uri.path()) {
        Lookup::File(rel) => file(&served, &rel, StatusCode::OK),
        Lookup::Redirect(to) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, to)], "").into_response(),
        Lookup::NotFound => file(&served, "404.html", StatusCode::NOT_FOUND),
        Lookup::Bad => (StatusCode::BAD_REQUEST, "bad request path\n").into_response(),
    };
    if method == Method::HEAD {
        let (parts, _) = resp.into_parts();
        return Response::from_parts(parts, Body::empty());
    }
    resp
}

fn file(served: &Served, rel: &str, status: StatusCode) -> Response {
    let Some(f) = served.files.get(rel) else {
        // No 404 page (nothing built yet): a bare page that still carries the live-reload
        // script, so a build error shows over it.
        let body = reload::inject(
            b"<!doctype html><title>Not found</title><p>Not found.</p>",
            served.generation,
        );
        return (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response();
    };
    let body = if f.content_type.starts_with("text/html") {
        Body::from(reload::inject(&f.bytes, served.generation))
    } else {
        Body::from(f.bytes.clone())
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&f.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    resp
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// This file of the map.
    File(String),
    /// A folder asked for without its trailing slash (or the site root outside the base
    /// path): redirect here.
    Redirect(String),
    /// Not in the site.
    NotFound,
    /// A path that can never be valid (`..`, NUL, backslash, bad encoding).
    Bad,
}

/// Maps a raw request path to a key of the served map. Pure, so it is tested by table.
pub fn lookup(served: &Served, raw: &str) -> Lookup {
    let Ok(path) = percent_decode_str(raw).decode_utf8() else {
        return Lookup::Bad;
    };
    if path.contains(['\0', '\\']) || path.split('/').any(|seg| seg == ".." || seg == ".") {
        return Lookup::Bad;
    }
    let base = served.base_path.as_str();
    let Some(rel) = path.strip_prefix(base) else {
        if format!("{path}/") == base || (path == "/" && base != "/") {
            return Lookup::Redirect(base.to_string());
        }
        return Lookup::NotFound;
    };
    if rel.starts_with('/') {
        // `//etc/passwd` and the like: never a key of the map.
        return Lookup::NotFound;
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if served.files.contains_key(&key) {
        return Lookup::File(key);
    }
    if !key.ends_with("index.html") && served.files.contains_key(&format!("{key}/index.html")) {
        return Lookup::Redirect(format!("{raw}/"));
    }
    Lookup::NotFound
}

/// The `Content-Type` of an output file, by its extension (`charset=utf-8` on text).
pub fn content_type(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name == "_redirects" || name == "_headers" {
        return "text/plain; charset=utf-8".into();
    }
    let mime = mime_guess::from_path(rel).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(mime.subtype().as_str(), "javascript" | "json" | "xml")
        || mime.suffix().is_some_and(|s| s == "xml" || s == "json");
    if text {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::ServedFile;

    fn served(base: &str) -> Served {
        let mut s = Served {
            base_path: base.into(),
            ..Served::default()
        };
        for rel in [
            "index.html",
            "articles/x/index.html",
            "style.abc.css",
            "404.html",
            "img/a b.png",
        ] {
            s.files.insert(
                rel.into(),
                ServedFile {
                    bytes: Default::default(),
                    content_type: content_type(rel),
                },
            );
        }
        s
    }

    #[test]
    fn lookup_table() {
        let s = served("/");
        let file = |k: &str| Lookup::File(k.into());
        let table = [
            ("/", file("index.html")),
            ("/articles/x/", file("articles/x/index.html")),
            ("/articles/x", Lookup::Redirect("/articles/x/".into())),
            ("/style.abc.css", file("style.abc.css")),
            ("/img/a%20b.png", file("img/a b.png")),
            ("/articles/", Lookup::NotFound),
            ("/nope", Lookup::NotFound),
            ("/../Cargo.toml", Lookup::Bad),
            ("/%2e%2e/Cargo.toml", Lookup::Bad),
            ("/articles/%2E%2E/%2e%2e/Cargo.toml", Lookup::Bad),
            ("/./index.html", Lookup::Bad),
            ("/..%2fCargo.toml", Lookup::Bad),
            ("/..%5cCargo.toml", Lookup::Bad),
            ("/a%00b", Lookup::Bad),
            ("/%ff", Lookup::Bad),
            ("//etc/passwd", Lookup::NotFound),
            ("/etc/passwd", Lookup::NotFound),
        ];
        for (raw, want) in table {
            assert_eq!(lookup(&s, raw), want, "{raw}");
        }
    }

    #[test]
    fn lookup_under_a_sub_path() {
        let s = served("/sub/");
        assert_eq!(lookup(&s, "/sub/"), Lookup::File("index.html".into()));
        assert_eq!(lookup(&s, "/sub"), Lookup::Redirect("/sub/".into()));
        assert_eq!(lookup(&s, "/"), Lookup::Redirect("/sub/".into()));
        assert_eq!(lookup(&s, "/index.html"), Lookup::NotFound);
    }

    #[test]
    fn content_types() {
        let table = [
            ("a/index.html", "text/html; charset=utf-8"),
            ("style.1.css", "text/css; charset=utf-8"),
            ("app.1.js", "text/javascript; charset=utf-8"),
            ("feed.xml", "text/xml; charset=utf-8"),
            ("favicon.svg", "image/svg+xml; charset=utf-8"),
            ("img/a.png", "image/png"),
            ("_redirects", "text/plain; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
        ];
        for (rel, want) in table {
            assert_eq!(content_type(rel), want, "{rel}");
        }
    }
}
