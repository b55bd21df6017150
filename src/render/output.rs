//! What a render job gives: an [`Output`] (the file's path and bytes), the output file of a
//! site path, and the escaping of text written into one. A leaf of its own so that the jobs
//! (`pages`, `files`, `headers`, `locator_data`) and the job list (`mod.rs`) both take it
//! from below.

/// One file of the built site, before minification.
#[derive(Debug, Clone)]
pub struct Output {
    /// Path relative to the output root (`articles/x/index.html`).
    pub rel: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// Whether this is an HTML page (minified).
    pub html: bool,
}

/// Site path -> output file path: `/a/b/` -> `a/b/index.html`, `/404.html` -> `404.html`.
pub fn out_rel(path: &str) -> String {
    let p = path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

/// Escapes text for an HTML attribute or element.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_rel_table() {
        assert_eq!(out_rel("/"), "index.html");
        assert_eq!(out_rel("/articles/x/"), "articles/x/index.html");
        assert_eq!(out_rel("/404.html"), "404.html");
        assert_eq!(out_rel("/old.html"), "old.html");
    }
}
