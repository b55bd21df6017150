//! Permalink patterns (`permalinks:` in site.yaml): checked once here, filled in by the
//! resolve stage and the facility directory with [`fill`].

use crate::diag::{Diag, Diags, Source};
use crate::yaml::{self, Spanned};

use super::file::PermalinksFile;

/// URL patterns, each with `{slug}` (and `{state}`, `{city}` for facilities).
#[derive(Debug, Clone)]
pub struct Permalinks {
    /// Article pages.
    pub article: String,
    /// Topic pages.
    pub topic: String,
    /// Author pages.
    pub author: String,
    /// Facility pages.
    pub facility: String,
}

/// `permalinks:`, each pattern checked; the defaults where none is given.
pub(super) fn permalinks(source: &Source, file: Option<PermalinksFile>, diags: &mut Diags) -> Permalinks {
    let mut p = Permalinks {
        article: "/articles/{slug}/".into(),
        topic: "/topics/{slug}/".into(),
        author: "/authors/{slug}/".into(),
        facility: "/treatment/{state}/{city}/{slug}/".into(),
    };
    let Some(file) = file else { return p };
    let mut set = |slot: &mut String, v: Option<Spanned<String>>, allowed: &[&str]| {
        let Some(v) = v else { return };
        if let Err(why) = check_pattern(&v.value, allowed) {
            diags.push(
                Diag::at(
                    source,
                    yaml::span_of(&v, 0),
                    format!("permalink pattern {:?} {why}", v.value),
                )
                .help(format!(
                    "use only {} between slashes, for example \"/articles/{{slug}}/\"",
                    allowed.join(", ")
                )),
            );
        } else {
            *slot = v.value;
        }
    };
    set(&mut p.article, file.article, &["{slug}"]);
    set(&mut p.topic, file.topic, &["{slug}"]);
    set(&mut p.author, file.author, &["{slug}"]);
    set(&mut p.facility, file.facility, &["{slug}", "{state}", "{city}"]);
    p
}

fn check_pattern(pattern: &str, allowed: &[&str]) -> Result<(), &'static str> {
    if !pattern.starts_with('/') || !pattern.ends_with('/') {
        return Err("must start and end with `/`");
    }
    if !pattern.contains("{slug}") {
        return Err("must contain {slug}");
    }
    let mut rest = pattern;
    while let Some(i) = rest.find('{') {
        let end = rest[i..].find('}').ok_or("has an unclosed `{`")? + i;
        if !allowed.contains(&&rest[i..=end]) {
            return Err("uses an unknown placeholder");
        }
        rest = &rest[end + 1..];
    }
    if pattern.chars().any(|c| c.is_whitespace() || c == '?' || c == '#') {
        return Err("must not contain spaces, `?` or `#`");
    }
    Ok(())
}

/// Fills a permalink pattern.
pub fn fill(pattern: &str, vars: &[(&str, &str)]) -> String {
    // One pass over the pattern (this runs for every page on every save of `haven serve`);
    // a value that itself holds a `{` is filled as the replacements one after another would.
    if vars.iter().any(|(_, v)| v.contains('{')) {
        let mut out = pattern.to_string();
        for (k, v) in vars {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        return out;
    }
    let mut out = String::with_capacity(pattern.len() + vars.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let var = after.find('}').and_then(|close| {
            vars.iter()
                .find(|(k, _)| *k == &after[..close])
                .map(|(_, v)| (close, v))
        });
        match var {
            Some((close, v)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_is_the_replacements_one_after_another() {
        let naive = |pattern: &str, vars: &[(&str, &str)]| {
            let mut out = pattern.to_string();
            for (k, v) in vars {
                out = out.replace(&format!("{{{k}}}"), v);
            }
            out
        };
        let vars = [("state", "tx"), ("city", "austin"), ("slug", "a-b")];
        for pattern in [
            "/articles/{slug}/",
            "/treatment/{state}/{city}/{slug}/",
            "/{slug}{slug}/",
            "/{{slug}}/",
            "/{nope}/{slug}",
            "/{slug",
            "slug}/{",
            "/{}/",
            "/día/{city}/ñ/",
            "",
        ] {
            assert_eq!(fill(pattern, &vars), naive(pattern, &vars), "{pattern}");
        }
        let tricky = [("slug", "{city}"), ("city", "austin")];
        assert_eq!(fill("/{slug}/", &tricky), "/austin/");
        assert_eq!(fill("/treatment/tx/{city}/", &vars), "/treatment/tx/austin/");
    }

    #[test]
    fn pattern_checks() {
        assert!(check_pattern("/articles/{slug}/", &["{slug}"]).is_ok());
        assert!(check_pattern("/a/{city}/{slug}/", &["{slug}"]).is_err());
        assert!(check_pattern("articles/{slug}", &["{slug}"]).is_err());
        assert!(check_pattern("/articles/", &["{slug}"]).is_err());
    }
}
