//! The typed content model: what the validate stage produces and later stages read.
//!
//! Every value a later stage may complain about keeps the byte span where the editor
//! wrote it ([`Ref`]), so semantic errors point at the value.

use crate::date::Date;
use crate::diag::Source;

/// A value as written, with its span in the source file.
#[derive(Debug, Clone)]
pub struct Ref {
    /// The value.
    pub value: String,
    /// Byte offset and length in the file.
    pub span: (usize, usize),
}

/// A titled link (article sources, author links).
#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkItem {
    /// Link text.
    pub title: String,
    /// Target URL.
    pub url: String,
}

/// Which of the keys a translation may leave out were written in an article's file (a
/// translation takes the others from its original).
#[derive(Debug, Clone, Copy, Default)]
pub struct Written {
    /// `author`.
    pub author: bool,
    /// `reviewed_by`.
    pub reviewed_by: bool,
    /// `published`.
    pub published: bool,
    /// `topics`.
    pub topics: bool,
}

/// An article, validated.
#[derive(Debug, Clone)]
pub struct Article {
    /// Path relative to content/ (`articles/x.md`).
    pub rel: String,
    /// The file.
    pub source: Source,
    /// Title.
    pub title: String,
    /// Description as written, if any.
    pub description: Option<String>,
    /// Author id.
    pub author: Ref,
    /// Which keys the file itself gives (see [`Written`]).
    pub written: Written,
    /// Medical reviewer id.
    pub reviewed_by: Option<Ref>,
    /// First publication.
    pub published: Date,
    /// Last update.
    pub updated: Option<Date>,
    /// Topic names as written.
    pub topics: Vec<Ref>,
    /// URL slug.
    pub slug: Ref,
    /// Drafts are built only with `--drafts`.
    pub draft: bool,
    /// Whether to show the table of contents.
    pub toc: bool,
    /// Old URLs that redirect here.
    pub aliases: Vec<Ref>,
    /// Citations.
    pub sources: Vec<LinkItem>,
    /// Custom fields.
    pub extra: serde_json::Value,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
}

/// A standalone page (or the home page), validated.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path relative to content/ (`pages/about.md`, `index.md`).
    pub rel: String,
    /// The file.
    pub source: Source,
    /// Title.
    pub title: String,
    /// Description as written, if any.
    pub description: Option<String>,
    /// Template name, if not the default.
    pub template: Option<Ref>,
    /// Drafts are built only with `--drafts`.
    pub draft: bool,
    /// Old URLs that redirect here.
    pub aliases: Vec<Ref>,
    /// Whether to show the table of contents.
    pub toc: bool,
    /// Custom fields.
    pub extra: serde_json::Value,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
}

/// An author or reviewer, validated.
#[derive(Debug, Clone)]
pub struct Author {
    /// Id: the file stem.
    pub id: String,
    /// Path relative to content/.
    pub rel: String,
    /// The file.
    pub source: Source,
    /// Full name.
    pub name: String,
    /// Credentials such as "MD, FASAM".
    pub credentials: Option<String>,
    /// Role such as "Medical Reviewer".
    pub role: Option<String>,
    /// Site path of the photo.
    pub photo: Option<Ref>,
    /// Markdown biography.
    pub bio: Option<Ref>,
    /// Links.
    pub links: Vec<LinkItem>,
    /// Fields in other languages.
    pub translations: Vec<AuthorTranslation>,
    /// Custom fields.
    pub extra: serde_json::Value,
}

/// An author's fields in another language; what it leaves out stays as in the default one.
#[derive(Debug, Clone)]
pub struct AuthorTranslation {
    /// Language code.
    pub code: String,
    /// Byte span of the entry in the file.
    pub span: (usize, usize),
    /// Credentials.
    pub credentials: Option<String>,
    /// Role.
    pub role: Option<String>,
    /// Markdown biography.
    pub bio: Option<Ref>,
}

impl Article {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.source.text[self.body_offset..]
    }
}

impl Page {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.source.text[self.body_offset..]
    }
}
