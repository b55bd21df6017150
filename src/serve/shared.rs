//! What the server thread and the builds share: the served site ([`Served`], its files
//! [`ServedFile`]) and the [`Shared`] state that holds it with the last build error and the
//! live-reload channel. A leaf of its own so that the server (`http`), the builds (`site`)
//! and `mod.rs`, which publishes each build into it, all take it from below.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use tokio::sync::broadcast;

use super::reload::Event;

/// One file of the served site.
#[derive(Debug, Clone)]
pub struct ServedFile {
    /// Contents (reference-counted: handing them to a response copies nothing).
    pub bytes: Bytes,
    /// `Content-Type` header value.
    pub content_type: String,
}

/// A complete build, as served.
#[derive(Debug, Default)]
pub struct Served {
    /// Output path (`articles/x/index.html`, `style.3f2a9c1d.css`) -> file.
    pub files: HashMap<String, ServedFile>,
    /// Bumped on every published change; pages carry it so a stale page reloads.
    pub generation: u64,
    /// Path part of the site's base URL (`/` or `/sub/`).
    pub base_path: String,
}

/// State shared by the server thread and the watcher.
#[derive(Debug)]
pub struct Shared {
    /// The site being served.
    pub served: RwLock<Arc<Served>>,
    /// The diagnostics of the last failed build, rendered as on the command line.
    pub error: RwLock<Option<String>>,
    /// Live-reload events to every open page.
    pub events: broadcast::Sender<Event>,
    /// Rebuilds started since the server started (the first build not counted).
    pub rebuilds: AtomicU64,
    /// How long the last rebuild took, in microseconds.
    pub last_rebuild_us: AtomicU64,
}

impl Shared {
    /// Empty state for a site served under `base_path`.
    pub fn new(base_path: &str) -> Arc<Self> {
        let (events, _) = broadcast::channel(64);
        Arc::new(Shared {
            served: RwLock::new(Arc::new(Served {
                base_path: base_path.to_string(),
                ..Served::default()
            })),
            error: RwLock::new(None),
            events,
            rebuilds: AtomicU64::new(0),
            last_rebuild_us: AtomicU64::new(0),
        })
    }

    /// The current site.
    pub fn current(&self) -> Arc<Served> {
        match self.served.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The current error text, if the last build failed.
    pub fn error_text(&self) -> Option<String> {
        match self.error.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}
