//! `haven build`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::BuildArgs;
use crate::diag::report;
use crate::pipeline::{self, BuildOptions, Report};

/// Builds the site; prints errors or a summary. Returns the exit code.
pub fn run(args: &BuildArgs) -> u8 {
    let start = Instant::now();
    let progress = progress_bar();
    let opts = BuildOptions {
        root: args.root.clone(),
        output: args.output.clone(),
        drafts: args.drafts,
        base_url: args.base_url.clone(),
        minify: true,
        progress: Some(progress.clone()),
    };
    // Looked at before the build, which may create the folder.
    let had_output = opts.output_dir().join(crate::write::MARKER).is_file();
    let result = pipeline::build(&opts);
    progress.finish_and_clear();
    match result {
        Ok(r) => {
            let counts = report(&r.warnings, args.all_warnings);
            print_timings(args.timings, &r);
            let warned = if counts.warnings > 0 {
                format!(", with {}", counts.both())
            } else {
                String::new()
            };
            println!(
                "{} into {} in {} ms{warned}.",
                pipeline::built(r.pages, r.files),
                opts.output_dir().display(),
                start.elapsed().as_millis()
            );
            super::OK
        }
        Err(diags) => {
            let counts = report(&diags, args.all_warnings);
            let kept = if had_output {
                "; the previous output was left as it was"
            } else {
                "; nothing was written"
            };
            eprintln!("Build failed with {}{kept}.", counts.both());
            super::CONTENT_ERROR
        }
    }
}

fn print_timings(on: bool, r: &Report) {
    if !on {
        return;
    }
    let mb = |bytes: u64| bytes as f64 / 1e6;
    let mut before = None;
    for (i, (stage, t)) in r.timings.stages.iter().enumerate() {
        let ms = t.as_secs_f64() * 1000.0;
        match r.timings.peaks.get(i).copied().flatten() {
            Some(peak) => {
                let added = before.map_or(String::new(), |b: u64| {
                    format!(" (+{:.0} MB)", mb(peak.saturating_sub(b)))
                });
                println!("{stage:>14}: {ms:>8.1} ms   peak {:>6.0} MB{added}", mb(peak));
                before = Some(peak);
            }
            None => println!("{stage:>14}: {ms:>8.1} ms"),
        }
    }
    for (step, t) in &r.timings.steps {
        println!("  {step:>20}: {:>8.1} ms", t.as_secs_f64() * 1000.0);
    }
}

/// A progress bar that stays hidden, and appears only on an interactive terminal once the
/// build has taken more than a second.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::hidden();
    if let Ok(style) = ProgressStyle::with_template("{spinner} rendering {pos}/{len} pages {wide_bar}") {
        bar.set_style(style);
    }
    if interactive() {
        let delayed = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            if !delayed.is_finished() {
                delayed.set_draw_target(ProgressDrawTarget::stderr());
            }
        });
    }
    bar
}

/// Whether progress output suits this terminal (not in CI, not piped).
pub fn interactive() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("CI").is_none()
}
