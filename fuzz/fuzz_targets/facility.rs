//! A facility file through parse, validate, resolve and the rendering of its pages and
//! locator data.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::facility(data));
