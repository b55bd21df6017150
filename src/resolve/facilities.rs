//! Facilities in the resolve stage: the facility module places them (slugs, pages, the
//! state and city directory; see [`crate::facility`]), and here their pages join the route
//! table, so that a clash with an article or a page is reported like any other.

use std::sync::Arc;

use crate::config::SiteConfig;
use crate::diag::{Diag, Diags};
use crate::facility;
use crate::load::Doc;

use super::routes::Routes;

/// The facility directory, with every page it makes routed.
pub(super) fn directory(
    config: &SiteConfig,
    files: &[Doc],
    memo: &mut facility::Memo,
    routes: &mut Routes,
    diags: &mut Diags,
) -> Arc<facility::Directory> {
    let directory = facility::resolve_with(config, files, diags, memo);
    for r in &directory.routes {
        let clash = |o: &str| {
            let msg = format!("the URL {} of {} is also produced by {o}", r.path, r.owner);
            match &r.source {
                Some(s) => Diag::in_file(s, msg).help("give one of them another `slug:`"),
                None => Diag::error(msg),
            }
        };
        routes.add(&r.path, &r.owner, clash, diags);
    }
    directory
}
