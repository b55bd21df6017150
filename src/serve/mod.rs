//! `haven serve`: build the site into memory, serve it on 127.0.0.1, rebuild what a saved
//! file touches and tell the browser.
//!
//! Threads: the HTTP server ([`http`], axum) runs on its own thread with its own tokio
//! runtime; the file watcher ([`watch`]) and the builds ([`site`]) stay synchronous on the
//! calling thread. They meet in one [`Shared`]: the served files (an `Arc` swapped whole, so
//! a request always sees one complete build), the last build error, and a broadcast channel
//! of live-reload events ([`reload`]).
//!
//! Invariants: nothing here writes to disk (the deploy folder is `haven build`'s alone);
//! requests are answered only from the in-memory map, never from the file system; a failed
//! build leaves the last good site served, with the error shown over it.

pub mod deps;
pub mod http;
pub mod reload;
mod shared;
pub mod site;
pub mod watch;

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::diag::{self, Diag};
use crate::pipeline::BuildOptions;
use reload::Event;
pub use shared::{Served, ServedFile, Shared};
use site::{Builder, Outcome};

/// What `haven serve` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site folder.
    pub root: PathBuf,
    /// Address to listen on (127.0.0.1 unless told otherwise).
    pub bind: IpAddr,
    /// Port (0: any free port).
    pub port: u16,
    /// Build drafts too.
    pub drafts: bool,
    /// Poll the file system instead of waiting for its events.
    pub poll: bool,
    /// Open the site in a browser once it is served.
    pub open: bool,
    /// Quiet time after the last file event before a rebuild starts.
    pub debounce: Duration,
    /// Print every warning in full (`--all-warnings`).
    pub all_warnings: bool,
}

/// Publishes a build with the builder's own map of files, then gives the builder a copy of
/// the served one: copying the map (a key and a content type per file, 5,000 files at the
/// benchmark corpus's size) is then done after the page is served, not before.
fn serve_files(shared: &Shared, outcome: &Outcome, builder: &mut Builder) {
    let mut taken = false;
    publish(shared, outcome, || {
        taken = true;
        builder.take_files()
    });
    if taken {
        builder.give_back_files(shared.current().files.clone());
    }
}

/// Publishes what a build did: swaps the site in, records or clears the error, and tells
/// every open page.
fn publish(shared: &Shared, outcome: &Outcome, files: impl FnOnce() -> HashMap<String, ServedFile>) {
    match outcome {
        Outcome::Failed(diags) => {
            let text = render_diags(diags);
            set(&shared.error, Some(text.clone()));
            let _ = shared.events.send(Event::Problem { text });
        }
        Outcome::Built { change, .. } => {
            let had_error = shared.error_text().is_some();
            set(&shared.error, None);
            if had_error {
                let _ = shared.events.send(Event::Clear);
            }
            if matches!(change, site::Change::Nothing) {
                return;
            }
            let old = shared.current();
            let generation = old.generation + 1;
            let files = files();
            let new = Served {
                files,
                generation,
                base_path: old.base_path.clone(),
            };
            set(&shared.served, Arc::new(new));
            let event = match change {
                site::Change::Css(swaps) => Event::Css {
                    generation,
                    swaps: swaps.clone(),
                },
                _ => Event::Reload { generation },
            };
            let _ = shared.events.send(event);
        }
    }
}

fn set<T>(lock: &RwLock<T>, value: T) {
    match lock.write() {
        Ok(mut g) => *g = value,
        Err(poisoned) => *poisoned.into_inner() = value,
    }
}

/// The diagnostics exactly as `haven build` prints them (without colour).
pub fn render_diags(diags: &[Diag]) -> String {
    diags
        .iter()
        .map(|d| diag::render(d, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The build options of serve mode: base URL pointing at the server, no minification.
pub fn build_options(opts: &Options, url: &str) -> BuildOptions {
    BuildOptions {
        root: opts.root.clone(),
        output: None,
        drafts: opts.drafts,
        base_url: Some(url.to_string()),
        minify: false,
        progress: None,
    }
}

/// Runs `haven serve` until the process is stopped. Returns an error message when the
/// server cannot start at all.
pub fn run(opts: &Options) -> Result<(), String> {
    let listener = TcpListener::bind(SocketAddr::new(opts.bind, opts.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let base_path = site::base_path_of(&opts.root);
    let url = format!("http://{}{base_path}", display_addr(addr));
    let shared = Shared::new(&base_path);
    let mut builder = Builder::new(build_options(opts, &url));

    let start = Instant::now();
    let first = builder.rebuild(site::Changes::full());
    let took = start.elapsed();
    serve_files(&shared, &first, &mut builder);
    let mut log = Log {
        seen: HashSet::new(),
        all_warnings: opts.all_warnings,
    };
    log.report(&first, &builder, took, true);

    http::spawn(listener, shared.clone())?;
    let (_guard, mut batcher, backend) = watch::start(&opts.root, opts.poll, opts.debounce)?;
    println!("Serving {url} (watching for changes: {backend}; press Ctrl-C to stop)");
    if opts.open {
        open_browser(&url);
    }
    loop {
        let Some(changes) = batcher.next_changes(&opts.root, builder.theme_name()) else {
            return Err("the file watcher stopped".into());
        };
        if changes.is_empty() {
            continue;
        }
        let start = Instant::now();
        shared.rebuilds.fetch_add(1, Ordering::SeqCst);
        let outcome = builder.rebuild(changes);
        let took = start.elapsed();
        shared
            .last_rebuild_us
            .store(u64::try_from(took.as_micros()).unwrap_or(u64::MAX), Ordering::SeqCst);
        // Served first, reported after: printing (and comparing the warnings with the
        // last build's) never delays the page.
        serve_files(&shared, &outcome, &mut builder);
        log.report(&outcome, &builder, took, false);
    }
}

/// What the terminal was told: each warning is printed once, and later builds only count
/// it while it stays (a failed rebuild too), so each save shows what it changed.
struct Log {
    /// [`warning_key`]s of the warnings printed and still there.
    seen: HashSet<String>,
    /// `--all-warnings`.
    all_warnings: bool,
}

impl Log {
    /// Prints what a build did: errors, new warnings, and the one summary line.
    fn report(&mut self, outcome: &Outcome, builder: &Builder, took: Duration, first: bool) {
        let ms = took.as_secs_f64() * 1000.0;
        match outcome {
            Outcome::Built { pages, what, .. } => {
                let warnings = builder.warnings();
                self.print_new(warnings, true);
                if first {
                    let files = builder.files().len();
                    println!("{} in {ms:.0} ms.", crate::pipeline::built(*pages, files));
                } else {
                    println!("Rebuilt {pages} pages ({what}) in {ms:.1} ms.");
                }
            }
            Outcome::Failed(diags) => {
                let counts = self.print_new(diags, false);
                eprintln!(
                    "Build failed with {}; still serving the last good site. Fix the file and save to rebuild.",
                    counts.both()
                );
            }
        }
    }

    /// Prints the errors of `diags` and the warnings not printed before; `replace` forgets
    /// the warnings that are gone (a failed build may not have looked for all of them).
    fn print_new(&mut self, diags: &[Diag], replace: bool) -> diag::Counts {
        let keys: Vec<Option<String>> = diags
            .iter()
            .map(|d| (d.severity == diag::Severity::Warning).then(|| warning_key(d)))
            .collect();
        let new: Vec<Diag> = diags
            .iter()
            .zip(&keys)
            .filter(|(_, k)| k.as_ref().is_none_or(|k| !self.seen.contains(k)))
            .map(|(d, _)| d.clone())
            .collect();
        diag::report(&new, self.all_warnings);
        let counts = diag::Counts::of(diags);
        let old = diags.len() - new.len();
        if old > 0 {
            println!("{} as before, not repeated.", diag::plural(old, "warning"));
        }
        if replace {
            self.seen.clear();
        }
        self.seen.extend(keys.into_iter().flatten());
        counts
    }
}

/// What tells two warnings apart: the file, the place and the message.
fn warning_key(d: &Diag) -> String {
    format!("{:?}|{:?}|{}", d.source.as_ref().map(|s| &s.name), d.span, d.message)
}

fn display_addr(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        SocketAddr::V4(a) => a.to_string(),
    }
}

/// Opens `url` in the desktop's browser (`$BROWSER` when it is set, as `cargo doc --open`
/// does); a failure only prints a note.
fn open_browser(url: &str) {
    if let Err(e) = opener::open_browser(url) {
        eprintln!("note: could not open a browser ({e}); open {url} yourself");
    }
}
