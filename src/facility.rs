//! Treatment facilities: parsing, validation and the state/city directory.
//!
//! (Filled in by the facilities work; this is the interface the pipeline uses.)

use crate::config::SiteConfig;
use crate::diag::{Diags, Source};
use crate::load::Doc;

/// One facility, validated and placed.
#[derive(Debug, Clone)]
pub struct Facility {
    /// Path relative to content/.
    pub rel: String,
    /// Site path of its page.
    pub path: String,
}

/// All facilities with their states and cities.
#[derive(Debug, Default)]
pub struct Directory {
    /// Facilities in file order.
    pub facilities: Vec<Facility>,
    /// Every page path the directory makes, for the route table.
    pub routes: Vec<Route>,
}

/// A page the directory makes.
#[derive(Debug, Clone)]
pub struct Route {
    /// Site path.
    pub path: String,
    /// Who makes it, for clash messages.
    pub owner: String,
    /// The facility file behind it, if any.
    pub source: Option<Source>,
}

/// Parses every facility file. The routes it produces are in [`Directory::routes`].
pub fn resolve(_config: &SiteConfig, docs: Vec<Doc>, _diags: &mut Diags) -> Directory {
    let _ = docs;
    Directory {
        facilities: Vec::new(),
        routes: vec![Route {
            path: "/treatment/".into(),
            owner: "the treatment locator".into(),
            source: None,
        }],
    }
}
