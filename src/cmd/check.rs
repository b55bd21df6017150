//! `haven check`: everything `build` does except writing.

use crate::cli::CheckArgs;
use crate::diag::{Counts, report};
use crate::pipeline::{self, BuildOptions};

/// Checks the site; prints errors or a summary. Returns the exit code.
pub fn run(args: &CheckArgs) -> u8 {
    let opts = BuildOptions {
        root: args.root.clone(),
        drafts: args.drafts,
        ..BuildOptions::default()
    };
    match pipeline::check(&opts) {
        Ok(r) => {
            let counts = report(&r.warnings, args.all_warnings);
            println!("{}", no_errors(counts, r.pages));
            super::OK
        }
        Err(diags) => {
            let counts = report(&diags, args.all_warnings);
            eprintln!("Found {}.", counts.both());
            super::CONTENT_ERROR
        }
    }
}

/// "No errors, 3 warnings: 135 pages would be built."
fn no_errors(counts: Counts, pages: usize) -> String {
    format!(
        "No errors, {}: {} would be built.",
        counts.both(),
        crate::diag::plural(pages, "page")
    )
}
