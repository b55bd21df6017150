//! `/_headers`: HTTP response headers for static hosts that read such a file (Netlify,
//! Cloudflare Pages). Hosts without one ignore it; docs/search.md shows the same policy for
//! a server configuration.
//!
//! The Content-Security-Policy allows what the built site needs and nothing else: scripts,
//! styles, images, fonts, fetches and workers from the site itself; no WebAssembly (the
//! search client is plain JavaScript, docs/search.md) and no eval. No inline script or
//! style: the default theme has none, and its JSON-LD is a data block that CSP does not run.

use crate::config::SiteConfig;

use super::output::Output;

/// The Content-Security-Policy of every page, without `upgrade-insecure-requests`
/// (added only for an https `base_url`, so a site tried out over plain http still loads).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Other headers for every response, and why.
const HEADERS: &[(&str, &str)] = &[
    // Files are served as the type the host says, never guessed.
    ("X-Content-Type-Options", "nosniff"),
    // Other sites never learn which page (about addiction) a reader came from.
    ("Referrer-Policy", "same-origin"),
    // Older browsers' form of frame-ancestors 'none': no clickjacking.
    ("X-Frame-Options", "DENY"),
    // Only geolocation, for a "near me" treatment search on this site.
    (
        "Permissions-Policy",
        "camera=(), microphone=(), payment=(), usb=(), browsing-topics=(), geolocation=(self)",
    ),
    ("Cross-Origin-Opener-Policy", "same-origin"),
];

/// The `_headers` file for `config`'s site.
pub fn headers_file(config: &SiteConfig) -> Output {
    let mut csp = CONTENT_SECURITY_POLICY.to_string();
    if config.base_url.starts_with("https://") {
        csp.push_str("; upgrade-insecure-requests");
    }
    let mut body = format!("{}*\n  Content-Security-Policy: {csp}\n", config.link("/"));
    for (name, value) in HEADERS {
        body.push_str(&format!("  {name}: {value}\n"));
    }
    // The search index's data files are in a folder named by their content hash: cache
    // them for good (a placeholder, not a second splat: hosts allow one). The manifest,
    // which names that folder, is outside it and fetched with no-store.
    body.push_str(&format!(
        "\n{}:build/*\n  Cache-Control: public, max-age=31536000, immutable\n",
        config.link(&format!("/{}/", crate::paths::BUNDLE_DIR))
    ));
    Output {
        rel: "_headers".into(),
        bytes: body.into_bytes(),
        html: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_allows_what_the_site_needs_and_no_inline_code() {
        let directives: Vec<&str> = CONTENT_SECURITY_POLICY.split("; ").collect();
        for want in [
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "worker-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(directives.contains(&want), "{want} missing: {directives:?}");
        }
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-inline"));
        assert!(!CONTENT_SECURITY_POLICY.contains("'unsafe-eval'"));
        // The search client is plain JavaScript (issue 13): no WebAssembly either.
        assert!(!CONTENT_SECURITY_POLICY.contains("wasm-unsafe-eval"));
    }

    fn config(base_url: &str) -> SiteConfig {
        let text = format!("title: T\nbase_url: {base_url}\n");
        let source = crate::diag::Source {
            name: "site.yaml".into(),
            text: text.into(),
        };
        let mut diags = crate::diag::Diags::new();
        crate::config::parse(&source, None, &mut diags).expect("a valid site.yaml")
    }

    #[test]
    fn headers_file_table() {
        // (base_url, first line, upgrades insecure requests)
        for (base_url, first, upgrade) in [
            ("https://example.org/", "/*", true),
            ("https://example.org/sub/", "/sub/*", true),
            ("http://127.0.0.1:8080/", "/*", false),
        ] {
            let out = headers_file(&config(base_url));
            let text = String::from_utf8(out.bytes).expect("text");
            assert_eq!(out.rel, "_headers");
            assert_eq!(text.lines().next(), Some(first), "{text}");
            assert_eq!(text.contains("upgrade-insecure-requests"), upgrade, "{text}");
            assert!(
                text.contains("  Content-Security-Policy: default-src 'self';"),
                "{text}"
            );
            assert!(
                text.contains(&format!(
                    "{}search-index/:build/*\n  Cache-Control:",
                    &first[..first.len() - 1]
                )),
                "{text}"
            );
        }
    }
}
