//! Drafts' problems: warnings that say "in a draft" unless drafts are being built.
//!
//! A build without `--drafts` leaves drafts out, so their problems do not stop it; `haven
//! check` still reads them (see [`crate::pipeline::check`]) and reports what is wrong in
//! them as warnings, so a draft is not a surprise on the day it is published.

use std::collections::HashSet;

use serde::Deserialize;

use crate::diag::{Diag, Severity, Source};
use crate::frontmatter;
use crate::load::Loaded;

/// The names (as diagnostics show them) of the articles and pages marked `draft: true`.
pub fn sources(loaded: &Loaded) -> HashSet<String> {
    loaded
        .articles
        .iter()
        .chain(loaded.pages.iter())
        .filter(|d| is_draft(&d.source))
        .map(|d| d.source.name.clone())
        .collect()
}

/// Whether the front matter says `draft: true`. Read on its own, ignoring every other key,
/// so that a draft with errors in its front matter is still known to be one.
fn is_draft(source: &Source) -> bool {
    #[derive(Deserialize)]
    struct DraftOnly {
        draft: Option<bool>,
    }
    // Most files do not mention drafts: skip the parse for them.
    if !source.text.contains("draft:") {
        return false;
    }
    let Ok(split) = frontmatter::split(&source.text) else {
        return false;
    };
    serde_saphyr::from_str::<DraftOnly>(split.yaml).is_ok_and(|d| d.draft == Some(true))
}

/// Whether `d` points into one of `drafts`.
pub fn is_in(d: &Diag, drafts: &HashSet<String>) -> bool {
    d.source.as_ref().is_some_and(|s| drafts.contains(&s.name))
}

/// Turns the errors of draft files into warnings that say so.
pub fn demote(diags: &mut [Diag], drafts: &HashSet<String>) {
    if drafts.is_empty() {
        return;
    }
    for d in diags.iter_mut().filter(|d| is_in(d, drafts)) {
        if d.severity == Severity::Error {
            d.message = format!("{} (in a draft)", d.message).into();
            d.severity = Severity::Warning;
        }
        // A draft left out is not published: nothing in it can block the build.
        d.blocks_build = false;
    }
}

/// Adds to `to` the diagnostics of `more` it does not hold yet (same file, place and message).
pub fn merge(to: &mut Vec<Diag>, more: Vec<Diag>) {
    let key = |d: &Diag| (d.source.as_ref().map(|s| s.name.clone()), d.span, d.message.clone());
    let have: HashSet<_> = to.iter().map(key).collect();
    to.extend(more.into_iter().filter(|d| !have.contains(&key(d))));
}
