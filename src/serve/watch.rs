//! Watching the site folder: notify's watcher, or polling, and batching of its events.
//!
//! `content/` and `themes/` are watched recursively. Events are gathered into batches
//! ([`Batcher`]): a burst of saves (an editor's write, rename and chmod; a "save all")
//! becomes one batch, and batches that arrive while a build runs are merged into the next
//! one. Polling (`--poll`, and automatically when the native watcher cannot start) is for
//! file systems whose events never arrive: network shares and some container mounts.
//! Editor temp and swap files, and anything the site format ignores (`_x`, `.x`), never
//! cause a rebuild.
//!
//! The batching is ours rather than a debouncer crate's (notify-debouncer-full and -mini
//! only wait for quiet): a single save is built at once when the file system says the
//! write is finished (the file was closed after writing, or renamed into place), which
//! saves the editor the whole debounce on every ordinary save. Only a burst waits for
//! quiet.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind, RenameMode};
use notify::{Event, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use super::site::Changes;
use crate::load::is_ignored;

/// How often the polling watcher looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// How long the watcher must have been quiet before a save counts as a single save, built
/// as soon as its write is finished rather than after the debounce.
const SINGLE_SAVE_QUIET: Duration = Duration::from_millis(150);

/// How long a finished single save waits for more events: an editor's "save all" writes
/// its files within a few milliseconds, and they should make one rebuild, not two.
const SINGLE_SAVE_GRACE: Duration = Duration::from_millis(3);

/// Which watcher runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The operating system's file events.
    Native,
    /// Looking at the files regularly.
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
    Native(RecommendedWatcher),
    /// A polling watcher.
    Poll(PollWatcher),
}

/// Starts watching `root`'s `content/` and `themes/` folders; events are batched by the
/// returned [`Batcher`], which waits `debounce` of quiet within a burst.
pub fn start(root: &Path, poll: bool, debounce: Duration) -> Result<(Guard, Batcher, Backend), String> {
    let dirs: Vec<PathBuf> = ["content", "themes"]
        .iter()
        .map(|d| root.join(d))
        .filter(|d| d.is_dir())
        .collect();
    if !poll {
        let (tx, rx) = channel();
        let native = RecommendedWatcher::new(tx, notify::Config::default()).and_then(|mut w| {
            for dir in &dirs {
                w.watch(dir, RecursiveMode::Recursive)?;
            }
            Ok(w)
        });
        match native {
            Ok(w) => return Ok((Guard::Native(w), Batcher::new(rx, debounce), Backend::Native)),
            Err(e) => eprintln!("note: file system events are not available ({e}); polling instead"),
        }
    }
    let (tx, rx) = channel();
    // Modification times are compared in whole seconds: two saves within one second would
    // look like one. Comparing contents (a hash per file per poll) sees every save.
    let config = notify::Config::default()
        .with_poll_interval(POLL_INTERVAL)
        .with_compare_contents(true);
    let mut w = PollWatcher::new(tx, config).map_err(|e| format!("cannot watch the site folder: {e}"))?;
    for dir in &dirs {
        w.watch(dir, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
    }
    Ok((Guard::Poll(w), Batcher::new(rx, debounce), Backend::Poll))
}

/// Gathers the watcher's events into batches of changes.
pub struct Batcher {
    rx: Receiver<notify::Result<Event>>,
    debounce: Duration,
    /// When the last event arrived.
    last: Option<Instant>,
}

impl Batcher {
    /// Batches the events of `rx`.
    pub fn new(rx: Receiver<notify::Result<Event>>, debounce: Duration) -> Self {
        Batcher {
            rx,
            debounce,
            last: None,
        }
    }

    /// Waits for the next batch of events and says what they change (possibly nothing: a
    /// batch of ignored files). `None` when the watcher is gone.
    ///
    /// A batch ends after `debounce` without a new event, or almost at once (after
    /// [`SINGLE_SAVE_GRACE`] without a new event) when a single save is finished: the
    /// watcher had been quiet for [`SINGLE_SAVE_QUIET`] before the batch began, and a
    /// file that matters was closed after writing or renamed into place.
    pub fn next_changes(&mut self, root: &Path, theme: Option<&str>) -> Option<Changes> {
        let canon = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let first = self.rx.recv().ok()?;
        let single = self.last.is_none_or(|t| t.elapsed() >= SINGLE_SAVE_QUIET);
        let mut changes = Changes::default();
        let mut event = first;
        loop {
            self.last = Some(Instant::now());
            let finished = add(&mut changes, event, root, &canon, theme);
            let wait = if single && finished {
                SINGLE_SAVE_GRACE
            } else {
                self.debounce
            };
            event = match self.rx.recv_timeout(wait) {
                Ok(e) => e,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            };
        }
        Some(changes)
    }
}

/// Adds what `event` changes to `changes`; returns whether it is the end of a write to a
/// file that matters (closed after writing, or renamed into place).
fn add(changes: &mut Changes, event: notify::Result<Event>, root: &Path, canon: &Path, theme: Option<&str>) -> bool {
    let e = match event {
        Ok(e) => e,
        // The watcher lost track (queue overflow and the like): rebuild everything.
        Err(_) => {
            changes.merge(Changes::full());
            return false;
        }
    };
    if !matters(&e.kind) {
        return false;
    }
    let mut relevant = false;
    for p in &e.paths {
        let rel = p.strip_prefix(canon).or_else(|_| p.strip_prefix(root));
        if let Ok(rel) = rel {
            let c = classify(&rel.to_string_lossy().replace('\\', "/"), theme);
            relevant |= !c.is_empty();
            changes.merge(c);
        }
    }
    relevant && finishes_write(&e.kind)
}

/// Events after which a file's new contents are complete.
fn finishes_write(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    )
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

    fn files(rels: &[&str]) -> std::collections::BTreeSet<String> {
        rels.iter().map(|r| r.to_string()).collect()
    }

    fn event(kind: EventKind, root: &Path, rel: &str) -> notify::Result<Event> {
        Ok(Event::new(kind).add_path(root.join(rel)))
    }

    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Content));
    const CLOSED: EventKind = EventKind::Access(AccessKind::Close(AccessMode::Write));

    #[test]
    fn a_finished_single_save_ends_its_batch_at_once_and_a_burst_waits_for_quiet() {
        let root = Path::new("/site");
        let (tx, rx) = channel();
        // A debounce far longer than the test may take: only the end of a write can make
        // a batch end early.
        let mut b = Batcher::new(rx, Duration::from_secs(30));
        let article = "content/articles/a.md";
        tx.send(event(WRITE, root, article)).unwrap();
        tx.send(event(CLOSED, root, article)).unwrap();
        let t = Instant::now();
        let c = b.next_changes(root, Some("default")).unwrap();
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "a single save waited for the debounce"
        );
        assert_eq!(c.files, files(&["articles/a.md"]));

        // Right after it (no quiet time), a save is part of a burst: the batch ends only
        // after the debounce without events; here the channel closes first.
        let mut b = Batcher {
            debounce: Duration::from_millis(200),
            ..b
        };
        tx.send(event(WRITE, root, "content/articles/b.md")).unwrap();
        tx.send(event(CLOSED, root, "content/articles/b.md")).unwrap();
        tx.send(event(CLOSED, root, "content/articles/c.md")).unwrap();
        let t = Instant::now();
        let c = b.next_changes(root, Some("default")).unwrap();
        assert!(
            t.elapsed() >= Duration::from_millis(200),
            "a burst did not wait for quiet"
        );
        assert_eq!(c.files, files(&["articles/b.md", "articles/c.md"]));
    }

    #[test]
    fn an_ignored_file_closing_does_not_end_a_batch() {
        let root = Path::new("/site");
        let (tx, rx) = channel();
        let mut b = Batcher::new(rx, Duration::from_millis(300));
        tx.send(event(WRITE, root, "content/articles/a.md")).unwrap();
        tx.send(event(CLOSED, root, "content/articles/.a.md.swp")).unwrap();
        let t = Instant::now();
        let c = b.next_changes(root, Some("default")).unwrap();
        assert!(t.elapsed() >= Duration::from_millis(300));
        assert_eq!(c.files, files(&["articles/a.md"]));
        drop(tx);
        assert!(
            b.next_changes(root, Some("default")).is_none(),
            "a closed watcher ends the loop"
        );
    }

    #[test]
    fn finished_writes() {
        let rename = |m| EventKind::Modify(ModifyKind::Name(m));
        for (kind, want) in [
            (CLOSED, true),
            (rename(RenameMode::To), true),
            (rename(RenameMode::Both), true),
            (rename(RenameMode::From), false),
            (WRITE, false),
            (EventKind::Create(notify::event::CreateKind::File), false),
        ] {
            assert_eq!(finishes_write(&kind), want, "{kind:?}");
        }
    }

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
