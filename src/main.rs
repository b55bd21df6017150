//! The `haven` binary: parse arguments, dispatch, exit with the subcommand's code.
//! Exit codes: 0 success, 1 content errors, 2 bad usage (clap).

use std::process::ExitCode;

use clap::Parser;
use haven::cli::{Cli, Command};
use haven::cmd;

/// mimalloc instead of glibc's malloc: a build allocates many small strings on every
/// rayon thread, and glibc's per-thread arenas kept freed memory (malloc and free were
/// about 15% of a build's CPU samples). See docs/performance.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    };
    ExitCode::from(code)
}
