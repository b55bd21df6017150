//! Rebuild when the embedded default theme changes (include_dir cannot tell cargo itself),
//! and link the haven binary at a fixed address on Linux (see below).
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    // minify-html's entity table (minify_html_common::gen::entities::ENTITY) is a 9.5 MB
    // static trie with a pointer on every page. In a position-independent executable the
    // loader relocates all of them at start: about 2,900 page faults, 12 MB of private
    // memory and 10 ms of CPU on every run, before main (a 40-page site builds in about
    // 100 ms). Linked at a fixed address, the table is read from the file only where a
    // lookup touches it. The price is that the binary's own code is not placed at a
    // random address (libraries, heap and stack still are): docs/performance.md.
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.contains("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
