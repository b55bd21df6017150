//! The `haven serve` test harness shared by tests/serve.rs and tests/serve_load.rs: the
//! real binary on 127.0.0.1 on a temporary copy of the demo site, its log, and a plain
//! `TcpStream` HTTP client (raw request paths, so traversal attempts reach the server exactly
//! as written).

// Each test binary uses part of the harness.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(crate) const ARTICLE: &str = "content/articles/mutual-help-groups.md";
pub(crate) const ARTICLE_URL: &str = "/articles/mutual-help-groups/";

/// A running `haven serve` on a copy of the demo site; killed on drop.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) addr: String,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) out: Arc<Mutex<String>>,
}

impl Server {
    pub(crate) fn start() -> Server {
        Server::start_with(&[])
    }

    pub(crate) fn start_with(extra: &[&str]) -> Server {
        Server::start_with_env(extra, &[])
    }

    /// Starts with extra arguments and environment variables.
    pub(crate) fn start_with_env(extra: &[&str], env: &[(&str, &Path)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("content"), &dir.path().join("content"));
        copy_dir(&repo.join("themes"), &dir.path().join("themes"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_haven"))
            .args(["serve", "--port", "0", "--root"])
            .arg(dir.path())
            .args(extra)
            .envs(env.iter().copied())
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

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// GET `path` exactly as given; returns (status, head, body).
    pub(crate) fn get(&self, path: &str) -> (u16, String, String) {
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

    pub(crate) fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/__haven/status").2).unwrap()
    }

    pub(crate) fn log(&self) -> String {
        self.out.lock().unwrap().clone()
    }

    /// Polls `f` every 10 ms for up to 15 s.
    pub(crate) fn wait<T>(&self, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
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

    pub(crate) fn append(&self, rel: &str, text: &str) {
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

pub(crate) fn copy_dir(from: &Path, to: &Path) {
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
