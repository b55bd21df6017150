//! The search index of `haven serve`, refreshed in the background.
//!
//! Pagefind takes seconds on a large site, far longer than a rebuild. So the index is never
//! part of a rebuild: after a build is served, [`Indexer::request`] leaves the newest
//! inputs in a one-place slot, and one worker thread indexes them once the site has been
//! quiet for a moment (a burst of saves makes one refresh, not one each). Until a refresh
//! lands, the previous index keeps being served; a refresh for a build that a newer one
//! replaced meanwhile is dropped.
//!
//! The worker must not slow the next rebuild down: it runs Pagefind in a rayon pool of
//! its own (not the global one the build stages share) with half the cores, at a lower
//! scheduling priority on Linux (threads it starts inherit it).

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::Shared;
use crate::index::{self, FacilityRecord};
use crate::render::Output;

/// How long the site must stay unchanged before the index is refreshed.
pub const QUIET: Duration = Duration::from_millis(400);

/// What one refresh needs.
struct Request {
    pages: Vec<Output>,
    records: Vec<FacilityRecord>,
    language: String,
    /// The served generation the inputs belong to.
    generation: u64,
    at: Instant,
}

type Slot = Arc<(Mutex<Option<Request>>, Condvar)>;

/// Hands search-index refreshes to the background worker.
pub struct Indexer {
    slot: Slot,
}

impl Indexer {
    /// Starts the worker, which publishes into `shared`.
    pub fn start(shared: Arc<Shared>) -> Self {
        let slot: Slot = Arc::new((Mutex::new(None), Condvar::new()));
        let worker = slot.clone();
        std::thread::Builder::new()
            .name("haven-search".into())
            .spawn(move || run(&worker, &shared))
            .map_or_else(
                |e| eprintln!("warning: the search index will not refresh while serving: {e}"),
                |_| (),
            );
        Indexer { slot }
    }

    /// Asks for the index of these inputs (replacing a request not started yet).
    pub fn request(&self, pages: Vec<Output>, records: Vec<FacilityRecord>, language: String, generation: u64) {
        let (lock, wake) = &*self.slot;
        *guard(lock) = Some(Request {
            pages,
            records,
            language,
            generation,
            at: Instant::now(),
        });
        wake.notify_one();
    }
}

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn run(slot: &Slot, shared: &Shared) {
    lower_priority();
    let threads = std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("haven-search-{i}"))
        .build()
        .ok();
    let (lock, wake) = &**slot;
    loop {
        let request = {
            let mut pending = guard(lock);
            loop {
                match pending.as_ref().map(|r| r.at.elapsed()) {
                    None => pending = wake.wait(pending).unwrap_or_else(std::sync::PoisonError::into_inner),
                    Some(waited) if waited < QUIET => {
                        pending = wake
                            .wait_timeout(pending, QUIET - waited)
                            .map_or_else(|p| p.into_inner().0, |(g, _)| g);
                    }
                    Some(_) => break pending.take(),
                }
            }
        };
        let Some(r) = request else { continue };
        if shared.current().generation != r.generation {
            continue;
        }
        let build = || index::index(&r.pages, &r.records, &r.language);
        let result = match &pool {
            Some(p) => p.install(build),
            None => build(),
        };
        if let Ok(search) = result {
            publish(shared, r.generation, search.files);
        }
    }
}

/// Puts the new bundle in place of the old one, if the site is still the one indexed
/// (checked and swapped under the write lock, so a newer build is never replaced).
fn publish(shared: &Shared, generation: u64, bundle: Vec<Output>) {
    let mut served = shared.served.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    if served.generation != generation {
        return;
    }
    let mut files = served.files.clone();
    files.retain(|k, _| !k.starts_with(index::BUNDLE_DIR));
    for o in bundle {
        super::site::insert(&mut files, o.rel, o.bytes);
    }
    *served = Arc::new(super::Served {
        files,
        generation,
        base_path: served.base_path.clone(),
    });
}

/// Lowers this thread's scheduling priority (nice 10), so a rebuild running at the same
/// time gets the processor first. On Linux, `setpriority` on the calling thread applies
/// to it alone, and to the threads it starts afterwards.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::process::setpriority_process(None, 10);
    }
}
