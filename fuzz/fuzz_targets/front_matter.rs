//! Front matter splitting + YAML parsing into an article's front matter.
#![no_main]

#[path = "../entry.rs"]
mod entry;

libfuzzer_sys::fuzz_target!(|data: &[u8]| entry::front_matter(data));
