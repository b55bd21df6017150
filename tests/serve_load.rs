#![allow(clippy::unwrap_used)]
//! `haven serve` under load (issue 8), in a test binary of its own so that it never shares
//! the machine with the other serve tests (cargo runs test binaries one after another).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "serve/server.rs"]
mod server;
use server::{ARTICLE, ARTICLE_URL, Server};

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
    const BATCH: usize = 500;
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
                let saved = Arc::new(std::sync::atomic::AtomicUsize::new(0));
                let editor = {
                    let (done, saved, article, temp) =
                        (done.clone(), saved.clone(), s.path(ARTICLE), s.path("save.tmp"));
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
                            saved.store(n, std::sync::atomic::Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(100));
                        }
                        n
                    })
                };
                // Requests go on, in batches, until the round's count is sent and the file
                // was saved at least three times while they ran: a fast machine sends 2,000
                // in less time than three saves take.
                let t = Instant::now();
                let mut sent = 0;
                while sent < requests || saved.load(std::sync::atomic::Ordering::SeqCst) < 3 {
                    failures.extend(load(&s.addr, &paths, BATCH, CONNECTIONS).await);
                    sent += BATCH;
                }
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
                rounds.push((sent, took, saves, rss_kb(pid)));
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
    // Flat: the second 5,000 requests add no more than 24 MB to the first's; a leak of 5 kB
    // per request (a leaked page is 10 to 60 kB) would exceed it. Measured
    // (docs/reliability.md): requests alone add under 1 MB per 5,000 and level off; rebuilds
    // add 4 to 9 MB a round until the allocator levels off about 25 MB higher.
    let (first, second) = (rounds[1].3, rounds[2].3);
    assert!(
        second <= first + 24 * 1024,
        "server memory grew from {first} kB to {second} kB over 5,000 more requests"
    );
}
