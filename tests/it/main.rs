//! haven's integration tests: one binary (one link step), fixture sites under
//! tests/fixtures/, built through the library or the real binary (see `support`).
//!
//! Valid fixtures live in tests/fixtures/<name>/; most error tests patch the valid `basic`
//! fixture in place so that each one breaks exactly one thing.

mod build;
mod components;
mod content;
mod errors;
mod images;
mod imports;
mod languages;
mod links;
mod memo;
mod output;
mod preview;
mod related;
mod report;
mod safety;
mod starter;
mod support;
mod theme;
