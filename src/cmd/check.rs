//! `haven check`: everything `build` does except writing.

use crate::cli::CheckArgs;
use crate::diag::{report, report_all};
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
            if args.all_warnings {
                report_all(&r.warnings);
            } else {
                report(&r.warnings);
            }
            println!("No errors: {} pages would be built.", r.pages);
            super::OK
        }
        Err(diags) => {
            report(&diags);
            let n = diags
                .iter()
                .filter(|d| d.severity == crate::diag::Severity::Error)
                .count();
            eprintln!("Found {n} error{}.", if n == 1 { "" } else { "s" });
            super::CONTENT_ERROR
        }
    }
}
