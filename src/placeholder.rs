//! Text that `haven new` writes for the editor to replace: a page still holding it must not
//! be published. It is a warning in `haven check` and `haven serve` and an error in `haven
//! build` ([`crate::diag::Diag::blocks_build`]).

use crate::diag::{Diag, Source};

/// The beginnings of the placeholder texts of `haven new` (src/cmd/new.rs; a test there
/// checks that each new file is caught here).
pub const BODIES: &[&str] = &["Write the article here", "Write the page here"];

/// The beginning of the placeholder of a new author's `bio`.
pub const BIO: &str = "A few sentences about ";

/// The placeholder problem of a Markdown body at `body_offset`, if it holds one. An empty
/// `description` is named in the hint: it falls back to the body, so the summary in lists
/// and search results would be the placeholder too.
pub fn in_body(src: &Source, body: &str, body_offset: usize, description_empty: bool) -> Option<Diag> {
    let (at, found) = BODIES.iter().find_map(|p| body.find(p).map(|i| (i, *p)))?;
    let mut help = "replace it with the text of the page".to_string();
    if description_empty {
        help.push_str(", and write a `description:` (it is empty, so the summary shown in lists and search would be this text too)");
    }
    let d = Diag::at(
        src,
        (body_offset + at, found.len()),
        "this still holds the placeholder text of `haven new`",
    )
    .help(help)
    .blocks_build();
    Some(d)
}

/// The placeholder problem of an author's `bio` at `span`, if it is the placeholder.
pub fn in_bio(src: &Source, bio: &str, span: (usize, usize)) -> Option<Diag> {
    bio.trim_start().starts_with(BIO).then(|| {
        Diag::at(src, span, "this bio is still the placeholder text of `haven new`")
            .help("write a few sentences about the author, or remove `bio:`")
            .blocks_build()
    })
}
