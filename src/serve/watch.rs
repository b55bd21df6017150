//! Watching the site folder: notify with a debouncer, or polling.
//!
//! `content/` and `themes/` are watched recursively through notify-debouncer-full, so a
//! burst of saves (an editor's write, rename and chmod; a "save all") arrives as one batch;
//! batches that arrive while a build runs are merged into the next one. Polling (`--poll`,
//! and automatically when the native watcher cannot start) is for file systems whose events
//! never arrive: network shares and some container mounts. Editor temp and swap files, and
//! anything the site format ignores (`_x`, `.x`), never cause a rebuild.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::notify::{self, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer_opt};

use super::site::Changes;
use crate::load::is_ignored;

/// How often the polling watcher looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Which watcher runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The operating system's file events.
    Native,
    /// Looking at modification times regularly.
    Poll,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Native => "file system events",
            Backend::Poll => "polling every 250 ms",
        })
    }
}

/// Keeps the watcher alive; dropping it stops watching.
pub enum Guard {
    /// A native watcher.
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    /// A polling watcher.
    Poll(Debouncer<PollWatcher, NoCache>),
}

/// Starts watching `root`'s `content/` and `themes/` folders.
pub fn start(
    root: &Path,
    poll: bool,
    debounce: Duration,
) -> Result<(Guard, Receiver<DebounceEventResult>, Backend), String> {
    let dirs: Vec<PathBuf> = ["content", "themes"]
        .iter()
        .map(|d| root.join(d))
        .filter(|d| d.is_dir())
        .collect();
    if !poll {
        let (tx, rx) = channel();
        let native = new_debouncer_opt::<_, RecommendedWatcher, _>(
            debounce,
            None,
            tx,
            RecommendedCache::new(),
            notify::Config::default(),
        )
        .and_then(|mut d| {
            for dir in &dirs {
                d.watch(dir, RecursiveMode::Recursive)?;
            }
            Ok(d)
        });
        match native {
            Ok(d) => return Ok((Guard::Native(d), rx, Backend::Native)),
            Err(e) => eprintln!("note: file system events are not available ({e}); polling instead"),
        }
    }
    let (tx, rx) = channel();
    // Modification times are compared in whole seconds: two saves within one second would
    // look like one. Comparing contents (a hash per file per poll) sees every save.
    let config = notify::Config::default()
        .with_poll_interval(POLL_INTERVAL)
        .with_compare_contents(true);
    let mut d = new_debouncer_opt::<_, PollWatcher, _>(debounce, None, tx, NoCache, config)
        .map_err(|e| format!("cannot watch the site folder: {e}"))?;
    for dir in &dirs {
        d.watch(dir, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
    }
    Ok((Guard::Poll(d), rx, Backend::Poll))
}

/// Waits for the next batch of events, takes every batch already queued too, and says
/// what they change. `None` when the watcher is gone.
pub fn next_changes(rx: &Receiver<DebounceEventResult>, root: &Path, theme: Option<&str>) -> Option<Changes> {
    let mut batches = vec![rx.recv().ok()?];
    batches.extend(rx.try_iter());
    let canon = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut changes = Changes::default();
    for batch in batches {
        match batch {
            Ok(events) => {
                for e in events.iter().filter(|e| matters(&e.kind)) {
                    for p in &e.paths {
                        let rel = p.strip_prefix(&canon).or_else(|_| p.strip_prefix(root));
                        if let Ok(rel) = rel {
                            changes.merge(classify(&rel.to_string_lossy().replace('\\', "/"), theme));
                        }
                    }
                }
            }
            // The watcher lost track (queue overflow and the like): rebuild everything.
            Err(_) => changes.merge(Changes::full()),
        }
    }
    Some(changes)
}

/// Reads (including haven's own) never matter; writes, creations, removals and renames do.
fn matters(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// What a change to `rel` (a path relative to the site root, `/`-separated) means for the
/// build of a site whose theme folder is `theme` (`None`: not known yet).
pub fn classify(rel: &str, theme: Option<&str>) -> Changes {
    let mut c = Changes::default();
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    if parts.iter().any(|p| is_ignored(p) || is_temp(p)) {
        return c;
    }
    match parts.as_slice() {
        ["content"] | ["content", "site.yaml"] | ["content", "authors", ..] => c.full = true,
        ["content", "static", rest @ ..] if !rest.is_empty() => {
            c.statics.insert(rest.join("/"));
        }
        ["content", rest @ ..] => {
            c.content = true;
            c.files.insert(rest.join("/"));
        }
        ["themes", name, ..] => match theme {
            Some(t) if t == *name => c.theme = true,
            Some(_) => {}
            None => c.full = true,
        },
        _ => {}
    }
    c
}

/// Temporary files editors write beside the real one, beyond what the format ignores:
/// Vim's `4913` write test, JetBrains' `___jb_tmp___`/`___jb_old___`, `.tmp`/`.bak` names.
fn is_temp(name: &str) -> bool {
    name == "4913"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".crswap")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_table() {
        let full = Changes::full();
        let content = |f: &str| Changes {
            content: true,
            files: [f.to_string()].into(),
            ..Changes::default()
        };
        let theme = Changes {
            theme: true,
            ..Changes::default()
        };
        let none = Changes::default();
        let statics = |s: &str| Changes {
            statics: [s.to_string()].into(),
            ..Changes::default()
        };
        let table = [
            ("content/site.yaml", Some("default"), full.clone()),
            ("content/authors/jane.yaml", Some("default"), full.clone()),
            ("content/articles/x.md", Some("default"), content("articles/x.md")),
            ("content/index.md", Some("default"), content("index.md")),
            (
                "content/facilities/tx/a.yaml",
                Some("default"),
                content("facilities/tx/a.yaml"),
            ),
            ("content/static/img/a.png", Some("default"), statics("img/a.png")),
            ("themes/default/templates/base.html", Some("default"), theme.clone()),
            ("themes/default/static/style.css", Some("default"), theme),
            ("themes/other/templates/base.html", Some("default"), none.clone()),
            ("themes/default/templates/base.html", None, full),
            ("content/articles/.x.md.swp", Some("default"), none.clone()),
            ("content/articles/x.md~", Some("default"), none.clone()),
            ("content/articles/4913", Some("default"), none.clone()),
            ("content/articles/#x.md#", Some("default"), none.clone()),
            ("content/articles/x.md___jb_tmp___", Some("default"), none.clone()),
            ("content/_drafts/x.md", Some("default"), none.clone()),
            ("output/index.html", Some("default"), none),
        ];
        for (rel, theme, want) in table {
            assert_eq!(classify(rel, theme), want, "{rel}");
        }
    }
}
