//! The physical floor of a build on this machine (docs/performance.md, "The floor"): what
//! no static site generator can go under for a site, measured with the same crates haven
//! uses, so that haven's stages can be put beside it.
//!
//!     cargo bench --profile profiling --bench floor -- SITE BUILT [RUNS]
//!
//! SITE is a haven site (its `content/` is read), BUILT the output of a build of it (its
//! files are written again). Without them (as `cargo test --all-targets` runs it) it
//! measures the demo site in the current folder and skips the write. Reports, each the
//! median of RUNS (default 5):
//! - read: every file under `SITE/content` read into memory (the page cache warm, as in
//!   the build benchmark, which builds the same corpus again and again);
//! - markdown: one pulldown-cmark pass (parse and write HTML) over every `.md` file's
//!   text, on one thread and on every core (rayon);
//! - write: every file of BUILT written into a new folder beside BUILT (same file system)
//!   from memory, on one thread and on every core, then the folder removed (not timed).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

fn files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed()
            })
            .collect(),
    )
}

fn markdown(text: &str) -> usize {
    let mut html = String::with_capacity(text.len() * 3 / 2);
    let parser = pulldown_cmark::Parser::new_ext(text, haven::markdown::options());
    pulldown_cmark::html::push_html(&mut html, parser);
    html.len()
}

fn write_all(dest: &Path, outputs: &[(PathBuf, Vec<u8>)], parallel: bool) {
    let one = |(rel, bytes): &(PathBuf, Vec<u8>)| {
        let path = dest.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create a folder of the copy");
        }
        std::fs::write(&path, bytes).expect("write a file of the copy");
    };
    if parallel {
        outputs.par_iter().for_each(one);
    } else {
        outputs.iter().for_each(one);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let site = args.first().map_or(".", String::as_str);
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5).max(1);
    let content = Path::new(site).join("content");
    if !content.is_dir() {
        eprintln!(
            "usage: cargo bench --bench floor -- SITE BUILT [RUNS] ({} has no content/)",
            site
        );
        std::process::exit(2);
    }

    let inputs = files(&content);
    let read_bytes: u64 = inputs.iter().filter_map(|p| p.metadata().ok()).map(|m| m.len()).sum();
    let read = time(runs, || {
        inputs
            .iter()
            .map(|p| std::fs::read(p).map_or(0, |b| b.len()))
            .sum::<usize>()
    });
    println!(
        "read      {:>7} files {:>8.1} MB  {:>8.3} s",
        inputs.len(),
        read_bytes as f64 / 1e6,
        read.as_secs_f64()
    );

    let md: Vec<String> = inputs
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let md_bytes: usize = md.iter().map(String::len).sum();
    let one = time(runs, || md.iter().map(|t| markdown(t)).sum::<usize>());
    let all = time(runs, || md.par_iter().map(|t| markdown(t)).sum::<usize>());
    println!(
        "markdown  {:>7} files {:>8.1} MB  {:>8.3} s one thread, {:.3} s on {} threads",
        md.len(),
        md_bytes as f64 / 1e6,
        one.as_secs_f64(),
        all.as_secs_f64(),
        rayon::current_num_threads()
    );

    let Some(built) = args.get(1).map(Path::new) else {
        println!("write     (no BUILT folder given: skipped)");
        return;
    };
    let outputs: Vec<(PathBuf, Vec<u8>)> = files(built)
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((p.strip_prefix(built).ok()?.to_path_buf(), bytes))
        })
        .collect();
    let out_bytes: usize = outputs.iter().map(|(_, b)| b.len()).sum();
    let html_bytes: usize = outputs
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
        .map(|(_, b)| b.len())
        .sum();
    let parent = built.parent().unwrap_or(Path::new("."));
    let write = |parallel: bool| {
        median(
            (0..runs)
                .map(|i| {
                    let dest = parent.join(format!(".floor-copy-{}-{i}", std::process::id()));
                    let t = Instant::now();
                    write_all(&dest, &outputs, parallel);
                    let took = t.elapsed();
                    std::fs::remove_dir_all(&dest).expect("remove the copy");
                    took
                })
                .collect(),
        )
    };
    let one = write(false);
    let all = write(true);
    println!(
        "write     {:>7} files {:>8.1} MB  {:>8.3} s one thread, {:.3} s on {} threads ({:.1} MB of HTML)",
        outputs.len(),
        out_bytes as f64 / 1e6,
        one.as_secs_f64(),
        all.as_secs_f64(),
        rayon::current_num_threads(),
        html_bytes as f64 / 1e6
    );
}
