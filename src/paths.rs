//! Fixed paths of the built site that more than one stage names.
//!
//! The resolve stage keeps content out of the folders the build writes whole; the render
//! and index stages write there. The names live here, below all three, so that no stage
//! takes them from a stage above it.

/// Folder of the search index in the output (`search-index/manifest.json`).
pub const BUNDLE_DIR: &str = "search-index";

/// Site path of the treatment locator's data folder.
pub const LOCATOR_DATA: &str = "/treatment/data/";
