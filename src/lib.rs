//! haven: a static site generator for addiction-recovery resource websites.
//!
//! The build is a pipeline of plain stages with typed data between them:
//! [`load`] → [`validate`] → [`resolve`] → [`render`] → [`index`] → [`write`]. Each stage is a module
//! that can be read alone; [`build::build`] strings them together.

pub mod cli;
pub mod cmd;
pub mod components;
pub mod config;
pub mod date;
pub mod diag;
pub mod drafts;
pub mod facility;
pub mod frontmatter;
pub mod i18n;
pub mod images;
pub mod index;
pub mod load;
pub mod markdown;
pub mod memo;
pub mod model;
pub mod paths;
pub mod phone;
pub mod pipeline;
pub mod placeholder;
pub mod render;
pub mod resolve;
pub mod safe_url;
pub mod sanitize;
pub mod serve;
pub mod slug;
pub mod theme;
pub mod translations;
pub mod validate;
pub mod write;
pub mod yaml;
