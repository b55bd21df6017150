#![allow(clippy::unwrap_used)]
//! `haven serve` end to end: the real binary on 127.0.0.1, a temporary copy of the demo
//! site, real file edits, and a plain `TcpStream` HTTP client (raw request paths, so
//! traversal attempts reach the server exactly as written).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ARTICLE: &str = "content/articles/mutual-help-groups.md";
const ARTICLE_URL: &str = "/articles/mutual-help-groups/";

/// A running `haven serve` on a copy of the demo site; killed on drop.
struct Server {
    child: Child,
    addr: String,
    dir: tempfile::TempDir,
    out: Arc<Mutex<String>>,
}

impl Server {
    fn start() -> Server {
        Server::start_with(&[])
    }

    fn start_with(extra: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("content"), &dir.path().join("content"));
        copy_dir(&repo.join("themes"), &dir.path().join("themes"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_haven"))
            .args(["serve", "--port", "0", "--root"])
            .arg(dir.path())
            .args(extra)
            .env("RUST_BACKTRACE", "0")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = Arc::new(Mutex::new(String::new()));
        for pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let out = out.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    out.lock().unwrap().push_str(&format!("{line}\n"));
                }
            });
        }
        let mut server = Server {
            child,
            addr: String::new(),
            dir,
            out,
        };
        server.addr = server.wait("the server to start", || {
            let out = server.out.lock().unwrap().clone();
            out.split_once("Serving http://")
                .map(|(_, rest)| rest.split('/').next().unwrap_or("").to_string())
        });
        server
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// GET `path` exactly as given; returns (status, head, body).
    fn get(&self, path: &str) -> (u16, String, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).to_string();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        (status, head.to_lowercase(), body.to_string())
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/__haven/status").2).unwrap()
    }

    fn log(&self) -> String {
        self.out.lock().unwrap().clone()
    }

    /// Polls `f` every 10 ms for up to 15 s.
    fn wait<T>(&self, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(v) = f() {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out waiting for {what}; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn append(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        let old = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{old}{text}")).unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn served_page_changes_after_an_edit_and_only_its_dependents_are_rendered() {
    let s = Server::start();
    let (code, head, body) = s.get(ARTICLE_URL);
    assert_eq!(code, 200, "{head}");
    assert!(head.contains("content-type: text/html; charset=utf-8"), "{head}");
    assert!(
        body.contains("/__haven/live.js"),
        "live-reload script injected in serve mode"
    );
    assert!(
        body.contains(&format!("http://{}/", s.addr)),
        "base_url points at the server"
    );
    s.append(ARTICLE, "\nA paragraph saved by the test: MARKER-EDIT-1.\n");
    s.wait("the edit to be served", || {
        s.get(ARTICLE_URL).2.contains("MARKER-EDIT-1").then_some(())
    });
    // The log line is read by another thread: wait for it rather than racing it.
    let line = s.wait("the rebuild log line", || {
        s.log()
            .lines()
            .find(|l| l.contains("(content edit;"))
            .map(str::to_string)
    });
    let log = s.log();
    let pages: usize = line
        .strip_prefix("Rebuilt ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    assert!(
        pages < 10,
        "a body edit re-renders the article and what lists it, not the site: {log}"
    );
    assert!(s.status()["rebuilds"].as_u64().unwrap() >= 1);
}

#[test]
fn polling_watcher_sees_edits_too() {
    let s = Server::start_with(&["--poll"]);
    assert!(s.log().contains("polling"), "{}", s.log());
    s.append(ARTICLE, "\nSaved while polling: MARKER-POLL.\n");
    s.wait("the edit to be served", || {
        s.get(ARTICLE_URL).2.contains("MARKER-POLL").then_some(())
    });
}

#[test]
fn traversal_attempts_are_refused_and_unknown_paths_get_the_404_page() {
    let s = Server::start();
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E%2fCargo.toml",
        "/articles/..%2f..%2fCargo.toml",
        "/..%5c..%5cCargo.toml",
        "/a%00b",
    ] {
        let (code, _, body) = s.get(path);
        assert_eq!(code, 400, "{path}");
        assert!(!body.contains("[package]"), "{path}");
    }
    for path in [
        "//etc/passwd",
        "/etc/passwd",
        "/C:/Windows/win.ini",
        "/content/site.yaml",
        "/nope/",
    ] {
        let (code, head, body) = s.get(path);
        assert_eq!(code, 404, "{path}");
        assert!(head.contains("text/html"), "{path}: {head}");
        assert!(body.contains("Page not found"), "{path}: the site's 404 page");
        assert!(!body.contains("base_url:"), "{path}");
    }
    // A folder without index.html is not listed.
    assert_eq!(s.get("/articles/medications/").0, 404);
    let (code, head, _) = s.get(&ARTICLE_URL[..ARTICLE_URL.len() - 1]);
    assert_eq!(code, 308);
    assert!(head.contains(&format!("location: {ARTICLE_URL}")), "{head}");
    let (code, head, _) = s.get("/feed.xml");
    assert_eq!(code, 200);
    assert!(head.contains("xml"), "{head}");
    assert_eq!(s.get("/robots.txt").0, 200);
}

#[test]
fn a_burst_of_50_saves_triggers_a_bounded_number_of_rebuilds() {
    let s = Server::start();
    for i in 0..50 {
        s.append(ARTICLE, &format!("\nBurst save {i}.\n"));
        std::thread::sleep(Duration::from_millis(2));
    }
    s.wait("the last save to be served", || {
        s.get(ARTICLE_URL).2.contains("Burst save 49.").then_some(())
    });
    std::thread::sleep(Duration::from_millis(500));
    let rebuilds = s.status()["rebuilds"].as_u64().unwrap();
    assert!(
        (1..=10).contains(&rebuilds),
        "{rebuilds} rebuilds for 50 saves:\n{}",
        s.log()
    );
}

#[test]
fn broken_front_matter_shows_the_command_line_diagnostic_then_clears_after_the_fix() {
    let s = Server::start();
    let path = s.path(ARTICLE);
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replacen("published: 2024-10-21", "published: [2024", 1)).unwrap();
    let error = s.wait("the error", || s.status()["error"].as_str().map(String::from));
    assert!(error.contains(ARTICLE), "{error}");
    // The last good site is still served.
    let (code, _, body) = s.get(ARTICLE_URL);
    assert_eq!(code, 200);
    assert!(body.contains("Mutual-Help"));
    // The same text as `haven check` prints.
    let check = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["check", "--root"])
        .arg(s.dir.path())
        .env("RUST_BACKTRACE", "0")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains(error.trim_end()), "serve:\n{error}\ncheck:\n{stderr}");
    std::fs::write(&path, good).unwrap();
    s.wait("the error to clear", || s.status()["error"].is_null().then_some(()));
}

#[test]
fn template_edit_rerenders_only_the_pages_using_it() {
    let s = Server::start();
    let path = s.path("themes/default/templates/topics.html");
    let text = std::fs::read_to_string(&path).unwrap();
    let marked = text.replacen(
        "{% block content %}",
        "{% block content %}<!-- TOPICS-TEMPLATE-MARK -->",
        1,
    );
    assert_ne!(text, marked);
    std::fs::write(&path, marked).unwrap();
    s.wait("the template edit", || {
        s.get("/topics/").2.contains("TOPICS-TEMPLATE-MARK").then_some(())
    });
    assert!(!s.get(ARTICLE_URL).2.contains("TOPICS-TEMPLATE-MARK"));
    s.wait("the log line `Rebuilt 1 pages (template edit)`", || {
        s.log().contains("Rebuilt 1 pages (template edit)").then_some(())
    });
}

#[test]
fn static_file_edit_is_read_alone() {
    let s = Server::start();
    s.append("content/static/favicon.svg", "<!-- STATIC-MARK -->\n");
    s.wait("the static edit", || {
        s.get("/favicon.svg").2.contains("STATIC-MARK").then_some(())
    });
    s.wait("the log line `Rebuilt 1 pages (static file)`", || {
        s.log().contains("Rebuilt 1 pages (static file)").then_some(())
    });
    assert!(s.get("/favicon.svg").1.contains("image/svg+xml"));
}

#[test]
fn build_output_never_carries_the_live_reload_script() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let status = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output"])
        .arg(&site)
        .env("RUST_BACKTRACE", "0")
        .status()
        .unwrap();
    assert!(status.success());
    let mut html = 0;
    for e in walkdir::WalkDir::new(&site) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "html") {
            html += 1;
            let text = std::fs::read_to_string(e.path()).unwrap();
            assert!(!text.contains("__haven"), "{}", e.path().display());
        }
    }
    assert!(html > 10);
}

/// Renders the demo site, applies `edit`, and checks that the last good outputs patched
/// with only the jobs `deps::dirty_jobs` picks equal a full render of the edited site.
/// Returns how many jobs were picked (`None`: every page).
fn incremental_equals_full(edit: impl Fn(&Path)) -> Option<usize> {
    use haven::pipeline::{self, BuildOptions};
    use std::collections::BTreeMap;
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &dir.path().join("content"));
    let opts = BuildOptions {
        root: dir.path().to_path_buf(),
        base_url: Some("http://127.0.0.1:1111/".into()),
        ..BuildOptions::default()
    };
    let map = |outs: Vec<haven::render::Output>| -> BTreeMap<String, Vec<u8>> {
        outs.into_iter().map(|o| (o.rel, o.bytes)).collect()
    };
    let mut old = pipeline::prepare(&opts).unwrap();
    let mut patched = map(pipeline::render_all(&mut old, None).unwrap());
    edit(dir.path());
    let mut new = pipeline::prepare(&opts).unwrap();
    let dirty = haven::serve::deps::dirty_jobs(&old.site, &new.site);
    let full = map(pipeline::render_all(&mut new, None).unwrap());
    let n = dirty.as_ref().map(Vec::len);
    match dirty {
        Some(jobs) => patched.extend(map(pipeline::render_jobs(&new, &jobs).unwrap())),
        None => patched = full.clone(),
    }
    assert_eq!(patched.keys().collect::<Vec<_>>(), full.keys().collect::<Vec<_>>());
    for (rel, bytes) in &full {
        assert!(patched[rel] == *bytes, "{rel} differs from a full render");
    }
    n
}

fn replace_in(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn incremental_render_equals_a_full_render() {
    let article = "content/articles/what-is-opioid-use-disorder.md";
    // (what, edit, expected: Some(max jobs) or None for every page)
    type Edit = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Edit, Option<usize>)> = vec![
        (
            "article body",
            Box::new(move |r| replace_in(r, article, "\n---\n", "\n---\n\nA new first paragraph.\n")),
            Some(12),
        ),
        (
            "article title",
            Box::new(move |r| replace_in(r, article, "title: What", "title: Retitled What")),
            Some(30),
        ),
        (
            "page body",
            Box::new(|r| replace_in(r, "content/pages/about.md", "\n---\n", "\n---\n\nNew text.\n")),
            Some(1),
        ),
        (
            "home body",
            Box::new(|r| replace_in(r, "content/index.md", "\n---\n", "\n---\n\nNew text.\n")),
            Some(1),
        ),
        (
            "article topics",
            Box::new(move |r| replace_in(r, article, "topics: [", "topics: [brand-new-topic, ")),
            None,
        ),
    ];
    for (what, edit, want) in cases {
        let got = incremental_equals_full(edit);
        match want {
            Some(max) => {
                let n = got.unwrap_or_else(|| panic!("{what}: expected a partial render, got every page"));
                assert!((1..=max).contains(&n), "{what}: {n} jobs");
            }
            None => assert_eq!(got, None, "{what}"),
        }
    }
}

#[test]
fn a_new_article_is_loaded_and_served() {
    let s = Server::start();
    std::fs::write(
        s.path("content/articles/brand-new-article.md"),
        "---\ntitle: A Brand New Article\ndescription: Added while serving.\nauthor: jordan-reyes\npublished: 2026-01-05\ntopics: [recovery]\n---\n\nNEW-ARTICLE-BODY.\n",
    )
    .unwrap();
    s.wait("the new article", || {
        s.get("/articles/brand-new-article/")
            .2
            .contains("NEW-ARTICLE-BODY")
            .then_some(())
    });
    s.wait("the list to show it", || {
        s.get("/articles/").2.contains("A Brand New Article").then_some(())
    });
    std::fs::remove_file(s.path("content/articles/brand-new-article.md")).unwrap();
    s.wait("the removal", || {
        (s.get("/articles/brand-new-article/").0 == 404).then_some(())
    });
}

/// Resident memory of a process in kB (`VmRSS` in /proc/PID/status).
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap()
}

/// Load generator for [`ten_thousand_requests_while_files_change`]: `connections`
/// keep-alive HTTP/1.1 connections (hyper's client) send `total` GETs in all, cycling
/// through `paths`. Returns the failures: a connection or protocol error, a status other
/// than the one expected, an HTML page without its live-reload tag, an empty body.
async fn load(addr: &str, paths: &[(String, u16)], total: usize, connections: usize) -> Vec<String> {
    use http_body_util::{BodyExt, Empty};
    use hyper::body::Bytes;

    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (addr, paths, next) = (addr.to_string(), paths.to_vec(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            let mut sender = None;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if i >= total {
                    return failures;
                }
                let (path, want) = &paths[i % paths.len()];
                if sender.is_none() {
                    let stream = match tokio::net::TcpStream::connect(&addr).await {
                        Ok(s) => s,
                        Err(e) => {
                            failures.push(format!("{path}: connect: {e}"));
                            continue;
                        }
                    };
                    match hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await {
                        Ok((s, conn)) => {
                            tokio::spawn(conn);
                            sender = Some(s);
                        }
                        Err(e) => {
                            failures.push(format!("{path}: handshake: {e}"));
                            continue;
                        }
                    }
                }
                let Some(s) = sender.as_mut() else { continue };
                let req = hyper::Request::get(path.as_str())
                    .header("host", &addr)
                    .body(Empty::<Bytes>::new())
                    .unwrap();
                let outcome = match s.send_request(req).await {
                    Ok(resp) => {
                        let status = resp.status().as_u16();
                        let html = resp
                            .headers()
                            .get("content-type")
                            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
                        match resp.into_body().collect().await {
                            Ok(body) => {
                                let body = body.to_bytes();
                                if status != *want {
                                    Err(format!("status {status}, expected {want}"))
                                } else if body.is_empty() && status != 308 {
                                    Err("empty body".to_string())
                                } else if html && !body.windows(16).any(|w| w == b"/__haven/live.js") {
                                    Err("HTML without the live-reload tag".to_string())
                                } else {
                                    Ok(())
                                }
                            }
                            Err(e) => Err(format!("body: {e}")),
                        }
                    }
                    Err(e) => Err(format!("request: {e}")),
                };
                if let Err(e) = outcome {
                    failures.push(format!("{path}: {e}"));
                    sender = None;
                }
            }
        }));
    }
    let mut failures = Vec::new();
    for t in tasks {
        failures.extend(t.await.unwrap());
    }
    failures
}

/// Listens to `/__haven/events` and records the generation of every `reload` event.
async fn listen_for_reloads(addr: String, reloads: Arc<Mutex<Vec<u64>>>) {
    use http_body_util::{BodyExt, Empty};
    use hyper::body::Bytes;

    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut s, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let req = hyper::Request::get("/__haven/events")
        .header("host", &addr)
        .body(Empty::<Bytes>::new())
        .unwrap();
    let mut body = s.send_request(req).await.unwrap().into_body();
    let mut text = String::new();
    while let Some(Ok(frame)) = body.frame().await {
        let Ok(data) = frame.into_data() else { continue };
        text.push_str(&String::from_utf8_lossy(&data));
        // One SSE event ends with a blank line.
        while let Some((event, rest)) = text.split_once("\n\n") {
            if event.contains("event: reload") {
                let generation = event
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
                    .and_then(|v| v["generation"].as_u64());
                reloads.lock().unwrap().extend(generation);
            }
            text = rest.to_string();
        }
    }
}

/// The dev server under load (issue 8): 12,000 requests on 16 keep-alive connections in
/// three rounds (2,000 to warm up, then 5,000 and 5,000) while an article is saved every
/// 100 ms. No request may fail and the server must log no error. Memory is flat: the server's
/// resident memory (VmRSS) after the second measured round stays near the first (a leak
/// would grow with the requests served). Reloads still reach an open page: one per served generation,
/// in order, and one for an edit made after the load. Bounded: a fixed count, 180 s at most.
#[test]
fn ten_thousand_requests_while_files_change() {
    const ROUNDS: [usize; 3] = [2_000, 5_000, 5_000];
    const CONNECTIONS: usize = 16;
    let s = Server::start();
    let pid = s.child.id();
    // The mix: pages of every kind, the 404 page, a redirect, the status endpoint, and the
    // theme's assets named in the home page (their names carry a hash).
    let mut paths: Vec<(String, u16)> = [
        ("/", 200),
        (ARTICLE_URL, 200),
        ("/articles/", 200),
        ("/topics/", 200),
        ("/search/", 200),
        ("/treatment/", 200),
        ("/treatment/data/index.json", 200),
        ("/favicon.svg", 200),
        ("/feed.xml", 200),
        ("/sitemap.xml", 200),
        ("/robots.txt", 200),
        ("/__haven/status", 200),
        ("/__haven/live.js", 200),
        ("/no-such-page/", 404),
        (&ARTICLE_URL[..ARTICLE_URL.len() - 1], 308),
    ]
    .iter()
    .map(|(p, c)| (p.to_string(), *c))
    .collect();
    let assets = scraper::Selector::parse("link[rel=stylesheet][href], script[src]").unwrap();
    for page in ["/", "/treatment/", "/search/"] {
        let html = scraper::Html::parse_document(&s.get(page).2);
        for e in html.select(&assets) {
            let url = e.attr("href").or(e.attr("src")).unwrap().to_string();
            if url.starts_with('/') && !url.starts_with("/__haven/") && !paths.iter().any(|(p, _)| *p == url) {
                paths.push((url, 200));
            }
        }
    }
    assert!(paths.len() >= 16, "the pages name the theme's assets: {paths:?}");
    for (p, want) in &paths {
        assert_eq!(s.get(p).0, *want, "{p}");
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let reloads = Arc::new(Mutex::new(Vec::new()));
    let listener = rt.spawn(listen_for_reloads(s.addr.clone(), reloads.clone()));
    let start = Instant::now();
    let mut failures = Vec::new();
    // (requests, seconds, saves, RSS in kB after the round)
    let mut rounds: Vec<(usize, f64, usize, u64)> = Vec::new();
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(180), async {
            for (round, requests) in ROUNDS.into_iter().enumerate() {
                // Requests on the runtime, saves from a thread of their own.
                let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
                let editor = {
                    let (done, article, temp) = (done.clone(), s.path(ARTICLE), s.path("save.tmp"));
                    std::thread::spawn(move || {
                        let mut n = 0;
                        while !done.load(std::sync::atomic::Ordering::SeqCst) || n == 0 {
                            // Saved as most editors save: a whole new file renamed over
                            // the old one (written in place, the watcher may read it empty
                            // halfway, which is reported as an error until the next save).
                            let old = std::fs::read_to_string(&article).unwrap();
                            std::fs::write(&temp, format!("{old}\nSaved in round {round}: {n}.\n")).unwrap();
                            std::fs::rename(&temp, &article).unwrap();
                            n += 1;
                            std::thread::sleep(Duration::from_millis(100));
                        }
                        n
                    })
                };
                let t = Instant::now();
                failures.extend(load(&s.addr, &paths, requests, CONNECTIONS).await);
                let took = t.elapsed().as_secs_f64();
                done.store(true, std::sync::atomic::Ordering::SeqCst);
                let saves: usize = editor.join().unwrap();
                // Measure when the server is idle again: the last save served, its search
                // index refreshed.
                let last = format!("Saved in round {round}: {}.", saves - 1);
                s.wait("the last save to be served", || {
                    s.get(ARTICLE_URL).2.contains(&last).then_some(())
                });
                tokio::time::sleep(Duration::from_millis(1000)).await;
                rounds.push((requests, took, saves, rss_kb(pid)));
            }
        })
        .await
        .expect("the load test finishes within 180 s")
    });
    // A page open through all this still hears about the next edit.
    let generation_before = s.status()["generation"].as_u64().unwrap();
    s.append(ARTICLE, "\nAfter the load: MARKER-LOAD.\n");
    s.wait("a reload event for the edit after the load", || {
        reloads
            .lock()
            .unwrap()
            .iter()
            .any(|g| *g > generation_before)
            .then_some(())
    });
    assert!(s.get(ARTICLE_URL).2.contains("MARKER-LOAD"));
    listener.abort();
    let status = s.status();
    let reloads = reloads.lock().unwrap().clone();
    let log = s.log();
    for (i, (requests, took, saves, kb)) in rounds.iter().enumerate() {
        eprintln!(
            "round {i}: {requests} requests in {took:.1} s ({:.0}/s), {saves} saves, server RSS after: {kb} kB",
            *requests as f64 / took
        );
    }
    eprintln!(
        "{} rebuilds, {} reload events, {} failed requests; {} s in all",
        status["rebuilds"],
        reloads.len(),
        failures.len(),
        start.elapsed().as_secs()
    );
    assert!(
        failures.is_empty(),
        "{} failed requests: {:?}",
        failures.len(),
        &failures[..failures.len().min(20)]
    );
    assert!(
        !log.to_lowercase().contains("error"),
        "the server logged an error:\n{log}"
    );
    assert!(status["error"].is_null(), "{status}");
    assert!(rounds.iter().all(|r| r.2 >= 3), "too few saves per round: {rounds:?}");
    assert!(
        reloads.windows(2).all(|w| w[0] < w[1]),
        "reload generations go up: {reloads:?}"
    );
    assert!(reloads.len() >= 4, "reloads during the run: {reloads:?}");
    // Flat: the second 5,000 requests add no more than 16 MB to the first's (a leak of
    // 3 kB per request would pass it). Measured (docs/reliability.md): requests alone add
    // under 1 MB per 5,000 and level off; rebuilds add a few MB each round until the
    // allocator's arenas level off at about +25 MB.
    let (first, second) = (rounds[1].3, rounds[2].3);
    assert!(
        second <= first + 16 * 1024,
        "server memory grew from {first} kB to {second} kB over 5,000 more requests"
    );
}
