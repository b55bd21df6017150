//! One module per subcommand, each with a small `run()` returning the exit code.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod serve;

/// Exit code: success.
pub const OK: u8 = 0;
/// Exit code: the site has errors (or the build could not be written).
pub const CONTENT_ERROR: u8 = 1;
