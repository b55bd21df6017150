//! The one place Tera is configured.
//!
//! Templates come from the [`Theme`] (embedded default, overlaid by the site's theme).
//! The site-wide variables (`site`, `assets`) go into Tera's global context once, so a
//! page's own context holds only what is particular to it.

use tera::{Context, Tera};

use crate::diag::Diag;
use crate::theme::Theme;

/// Builds the Tera engine for a theme, with `globals` available to every template.
pub fn engine(theme: &Theme, globals: Context) -> Result<Tera, Vec<Diag>> {
    engine_with(theme, globals, |_| ())
}

/// [`engine`], with the functions `register` adds (before the templates, which Tera checks
/// for unknown functions as it reads them).
pub fn engine_with(theme: &Theme, globals: Context, register: impl FnOnce(&mut Tera)) -> Result<Tera, Vec<Diag>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    register(&mut tera);
    let templates = theme.templates.values().map(|t| (t.name.as_str(), t.text.as_str()));
    if let Err(e) = tera.add_raw_templates(templates) {
        return Err(vec![template_error(theme, None, &e)]);
    }
    tera.global_context().extend(globals);
    Ok(tera)
}

/// A Tera error as a diagnostic that names the template file (and Tera's own line report).
pub fn template_error(theme: &Theme, rendering: Option<&str>, e: &tera::Error) -> Diag {
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(&format!("\n{c}"));
        cause = c.source();
    }
    // Name the file the template came from, so the editor knows which copy to open.
    let origins: Vec<&str> = theme
        .templates
        .values()
        .filter(|t| text.contains(&t.name))
        .map(|t| t.origin.as_str())
        .collect();
    let what = match rendering {
        Some(page) => format!("template error while rendering {page}"),
        None => "template error".to_string(),
    };
    let mut d = Diag::error(format!("{what}: {text}"));
    if !origins.is_empty() {
        d = d.help(format!("fix the template in {}", origins.join(", ")));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(files: &[(&str, &str)]) -> Theme {
        Theme::from_templates(files)
    }

    #[test]
    fn syntax_error_names_template_and_line() {
        let t = theme(&[("page.html", "ok\n{% if %}\n")]);
        let e = engine(&t, Context::new()).unwrap_err();
        assert!(e[0].message.contains("page.html"), "{}", e[0].message);
        assert!(e[0].message.contains(":2:"), "{}", e[0].message);
        assert!(
            e[0].help
                .as_deref()
                .unwrap_or("")
                .contains("themes/x/templates/page.html")
        );
    }

    #[test]
    fn undefined_variable_is_an_error() {
        let t = theme(&[("page.html", "{{ nope }}")]);
        let tera = engine(&t, Context::new()).unwrap();
        assert!(tera.render("page.html", &Context::new()).is_err());
    }

    #[test]
    fn globals_and_autoescape() {
        let t = theme(&[("page.html", "{{ site }}|{{ x }}")]);
        let mut g = Context::new();
        g.insert("site", "S");
        let tera = engine(&t, g).unwrap();
        let mut c = Context::new();
        c.insert("x", "<script>");
        assert_eq!(tera.render("page.html", &c).unwrap(), "S|&lt;script&gt;");
    }
}
