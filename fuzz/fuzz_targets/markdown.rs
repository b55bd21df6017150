//! An article's Markdown through scan, render and the whole resolve stage.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::markdown(data));
