//! Command-line arguments (clap). Parsing only; each subcommand's work is in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// haven: a static site generator for addiction-recovery resource websites.
#[derive(Debug, Parser)]
#[command(name = "haven", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (replaced only when the build succeeds).
    Build(BuildArgs),
    /// Check the site for errors without writing anything.
    Check(CheckArgs),
    /// Create a new site that builds at once: settings, a home page, an about page, an
    /// author, an article and a fictional treatment listing.
    Init(InitArgs),
    /// Create a new article, page, author or facility file with its fields filled in.
    New(NewArgs),
    /// Serve the site on this machine, rebuilding and reloading the browser on every save.
    Serve(ServeArgs),
}

/// `haven build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Site folder (the one holding content/).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Output folder [default: ROOT/output].
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Build draft articles and pages too.
    #[arg(long)]
    pub drafts: bool,
    /// Use this base URL instead of site.yaml's `base_url`.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Print the time each build stage took.
    #[arg(long)]
    pub timings: bool,
    /// Print every warning in full (by default the first 20 are, warnings of one kind are
    /// summarized in one line, and the rest counted).
    #[arg(long)]
    pub all_warnings: bool,
}

/// `haven check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Site folder (the one holding content/).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Check drafts too.
    #[arg(long)]
    pub drafts: bool,
    /// Print every warning in full (by default the first 20 are, warnings of one kind are
    /// summarized in one line, and the rest counted).
    #[arg(long)]
    pub all_warnings: bool,
}

/// `haven init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the site in; it must be new or empty.
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
    /// Write only content/site.yaml (a site with no pages of its own yet).
    #[arg(long)]
    pub minimal: bool,
}

/// `haven serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Site folder (the one holding content/).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Port to listen on (0: any free port).
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. Only change it to show the site to other machines.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: std::net::IpAddr,
    /// Hide draft articles and pages (by default they are served, each with a
    /// "Draft: not published" banner).
    #[arg(long)]
    pub no_drafts: bool,
    /// Serve drafts (the default; kept so that older scripts keep working).
    #[arg(long, hide = true, conflicts_with = "no_drafts")]
    pub drafts: bool,
    /// Open the site in a browser.
    #[arg(long)]
    pub open: bool,
    /// Poll for changes instead of waiting for file system events (network or container mounts).
    #[arg(long)]
    pub poll: bool,
    /// Quiet time after the last change before rebuilding, in milliseconds.
    #[arg(long, default_value_t = 20, value_name = "MS")]
    pub debounce: u64,
    /// Print every warning in full (by default the first 20 are, warnings of one kind are
    /// summarized in one line, and the rest counted).
    #[arg(long)]
    pub all_warnings: bool,
}

/// `haven new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to create.
    pub kind: NewKind,
    /// Its title (or the author's or facility's name).
    pub title: String,
    /// Site folder (the one holding content/).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// For a facility: its state, as the two-letter postal code (TX).
    #[arg(long, value_name = "CODE")]
    pub state: Option<String>,
    /// For a facility: its city.
    #[arg(long, value_name = "NAME")]
    pub city: Option<String>,
    /// For an article or page: the language it is written in, one of site.yaml's
    /// `languages:` (es); the file is named `<slug>.<code>.md`.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// With --lang: the file this one translates, under content/ (articles/naloxone.md); the
    /// translation is made beside it and takes its author, dates and topics.
    #[arg(long, value_name = "PATH", requires = "lang")]
    pub translation_of: Option<String>,
}

/// Kinds of file `haven new` makes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NewKind {
    /// content/articles/<slug>.md
    Article,
    /// content/pages/<slug>.md
    Page,
    /// content/authors/<slug>.yaml
    Author,
    /// content/facilities/<state>/<slug>.yaml (needs --state and --city)
    Facility,
}
