//! Themes: the embedded default theme, overlaid by a site's own `themes/<name>/`.
//!
//! The default theme is compiled into the binary, so a site with no `themes/` folder
//! builds. A site's theme folder may replace any template or asset by giving a file the
//! same name; it may also add new ones. CSS and JS assets get content-hashed file names
//! (`style.3f2a9c1d.css`) for cache busting; templates find them in `assets`.

use std::collections::BTreeMap;
use std::path::Path;

use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::diag::{Diag, Diags, display_path};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A template's text and where it came from.
#[derive(Debug, Clone)]
pub struct Template {
    /// Name used in Tera (`article.html`, `partials/x.html`).
    pub name: String,
    /// Source text.
    pub text: String,
    /// Path shown in errors (`themes/default/templates/article.html`, or `<built-in>/…`).
    pub origin: String,
}

/// A theme asset, with its output name.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Name as in the theme's static folder (`style.css`).
    pub name: String,
    /// Output path relative to the output root (`style.3f2a9c1d.css`).
    pub out_rel: String,
    /// Path shown in errors (`themes/default/static/img/logo.png`, or `<built-in>/…`).
    pub origin: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// The templates and assets a build uses.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Templates by name.
    pub templates: BTreeMap<String, Template>,
    /// Assets by name.
    pub assets: BTreeMap<String, Asset>,
    /// Components editors call from Markdown (`components/hotline.html`), by file name;
    /// kept apart from the templates: they are rendered into bodies by the resolve stage
    /// (`crate::components`), not by the page templates.
    pub components: BTreeMap<String, Template>,
    /// The theme's strings, by language code (`i18n/es.yaml` -> `es`): (origin, text).
    pub strings: BTreeMap<String, (String, String)>,
}

impl Theme {
    /// A theme of the given templates only (tests), each with origin `themes/x/templates/NAME`.
    #[cfg(test)]
    pub(crate) fn from_templates(files: &[(&str, &str)]) -> Theme {
        let mut t = Theme::default();
        for (name, text) in files {
            let template = Template {
                name: name.to_string(),
                text: text.to_string(),
                origin: format!("themes/x/templates/{name}"),
            };
            t.templates.insert(name.to_string(), template);
        }
        t
    }

    /// Asset name -> site path, for the `assets` template variable.
    pub fn asset_paths(&self, config: &SiteConfig) -> BTreeMap<String, String> {
        self.assets
            .iter()
            .map(|(k, a)| (k.clone(), config.asset_link(&a.out_rel)))
            .collect()
    }
}

/// The embedded default theme, then the site's `themes/<name>/` on top.
pub fn load(root: &Path, config: &SiteConfig, diags: &mut Diags) -> Theme {
    let mut theme = Theme::default();
    for file in all_files(&DEFAULT_THEME) {
        let rel = file.path().to_string_lossy().replace('\\', "/");
        add(
            &mut theme,
            &rel,
            file.contents().to_vec(),
            format!("<built-in default theme>/{rel}"),
            diags,
        );
    }
    let dir = root.join("themes").join(&config.theme);
    if !dir.is_dir() {
        if config.theme != "default" {
            let mut d = Diag::error(format!(
                "theme {:?} not found: there is no folder {}",
                config.theme,
                display_path(root, &dir)
            ))
            .help(
                "create the folder with templates/ and static/, or remove `theme:` to use the built-in default theme",
            );
            if let Some(span) = config.theme_span {
                d = Diag::at(&config.source, span, d.message.clone()).help(d.help.unwrap_or_default());
            }
            diags.push(d);
        }
        return theme;
    }
    for entry in WalkDir::new(&dir).follow_links(true).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diag::error(format!("cannot read the theme folder: {e}")));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::load::is_ignored(&name) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        match std::fs::read(entry.path()) {
            Ok(bytes) => add(&mut theme, &rel, bytes, display_path(root, entry.path()), diags),
            Err(e) => diags.push(Diag::error(format!(
                "cannot read {}: {e}",
                display_path(root, entry.path())
            ))),
        }
    }
    theme
}

fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<_> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(all_files(d));
    }
    out
}

fn add(theme: &mut Theme, rel: &str, bytes: Vec<u8>, origin: String, diags: &mut Diags) {
    let templates = match rel.strip_prefix("templates/") {
        Some(name) => Some((name, &mut theme.templates)),
        None => rel.strip_prefix("components/").map(|_| (rel, &mut theme.components)),
    };
    if let Some((name, templates)) = templates {
        match String::from_utf8(bytes) {
            Ok(text) => {
                templates.insert(
                    name.to_string(),
                    Template {
                        name: name.to_string(),
                        text,
                        origin,
                    },
                );
            }
            Err(_) => {
                diags.push(Diag::error(format!("{origin} is not valid UTF-8")).help("save the template as UTF-8"))
            }
        }
    } else if let Some(code) = rel.strip_prefix("i18n/").and_then(|n| n.strip_suffix(".yaml")) {
        match String::from_utf8(bytes) {
            Ok(text) => {
                theme.strings.insert(code.to_string(), (origin, text));
            }
            Err(_) => diags.push(Diag::error(format!("{origin} is not valid UTF-8")).help("save the file as UTF-8")),
        }
    } else if let Some(name) = rel.strip_prefix("static/") {
        let out_rel = hashed_name(name, &bytes);
        theme.assets.insert(
            name.to_string(),
            Asset {
                name: name.to_string(),
                out_rel,
                origin,
                bytes,
            },
        );
    }
}

/// `style.css` -> `style.<first 10 hex digits of its SHA-256>.css`; other files keep their name.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return name.to_string();
    };
    if !matches!(ext, "css" | "js" | "mjs") {
        return name.to_string();
    }
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{stem}.{hex}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_css_and_js_only() {
        let a = hashed_name("style.css", b"body{}");
        assert!(
            a.starts_with("style.") && a.ends_with(".css") && a.len() == "style..css".len() + 10,
            "{a}"
        );
        assert_ne!(a, hashed_name("style.css", b"body{x}"));
        assert_eq!(hashed_name("img/logo.png", b"x"), "img/logo.png");
        assert!(hashed_name("js/app.js", b"x").starts_with("js/app."));
    }

    #[test]
    fn default_theme_is_embedded() {
        let names: Vec<_> = all_files(&DEFAULT_THEME)
            .iter()
            .map(|f| f.path().to_string_lossy().to_string())
            .collect();
        assert!(names.iter().any(|n| n == "templates/base.html"), "{names:?}");
    }
}
