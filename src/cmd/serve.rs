//! `haven serve`: build into memory, serve on 127.0.0.1, rebuild and reload on every save.

use std::time::Duration;

use crate::cli::ServeArgs;
use crate::serve::{self, Options};

/// Serves the site until stopped. Returns the exit code (only when it cannot start).
pub fn run(args: &ServeArgs) -> u8 {
    let opts = Options {
        root: args.root.clone(),
        bind: args.bind,
        port: args.port,
        drafts: !args.no_drafts,
        poll: args.poll,
        open: args.open,
        debounce: Duration::from_millis(args.debounce),
        all_warnings: args.all_warnings,
    };
    match serve::run(&opts) {
        Ok(()) => super::OK,
        Err(msg) => {
            eprintln!("error: {msg}");
            super::CONTENT_ERROR
        }
    }
}
