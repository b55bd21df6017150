//! The `picture()` template function: the `<picture>` element of any processed image (a
//! theme's own, a static file, an author photo), with `srcset`, `sizes`, `width` and
//! `height`, written as a Markdown image in a body is (docs/templates.md, "Images").

use std::sync::Arc;

use tera::{Kwargs, State, TeraResult, Value};

use crate::images::{self, Pictures};

/// Its arguments: `src` and `alt` are required.
const ARGS: [&str; 5] = ["src", "alt", "sizes", "lazy", "class"];

/// The function, for the site whose shared files are linked under `root_path` (`/` or
/// `/recovery/`).
pub(super) fn function(pictures: Arc<Pictures>, root_path: String) -> impl Fn(Kwargs, &State) -> TeraResult<Value> {
    move |kwargs: Kwargs, _: &State| {
        for (key, _) in kwargs.iter() {
            let key = key.to_string();
            if !ARGS.contains(&key.as_str()) {
                return Err(tera::Error::message(format!(
                    "picture() has no argument `{key}`: its arguments are {}",
                    ARGS.join(", ")
                )));
            }
        }
        let src: String = kwargs.must_get("src")?;
        let alt: String = kwargs.must_get("alt")?;
        let sizes: Option<String> = kwargs.get("sizes")?;
        let lazy: Option<bool> = kwargs.get("lazy")?;
        let class: Option<String> = kwargs.get("class")?;
        let picture = find(&pictures, &src, &root_path).ok_or_else(|| {
            tera::Error::message(format!(
                "picture(): `{src}` is not a JPEG or PNG of content/static/ or of the theme's static/ \
                 (write its site path, as `/img/logo.png`; an SVG or GIF is not resized: use <img> with \
                 its width and height)"
            ))
        })?;
        let link = |p: &str| format!("{root_path}{}", p.trim_start_matches('/'));
        let sizes = sizes.as_deref().unwrap_or(images::BODY_SIZES);
        let html = picture.html_with_class(&alt, sizes, !lazy.unwrap_or(true), class.as_deref(), &link);
        Ok(Value::safe_string(&html))
    }
}

/// The picture of `src`: a site path (`/img/logo.png`), or one that already carries the
/// site's sub-path (`author.photo` is `/recovery/images/a.jpg`).
fn find<'a>(pictures: &'a Pictures, src: &str, root_path: &str) -> Option<&'a Arc<images::Picture>> {
    let src = src.trim();
    let rooted = if src.starts_with('/') {
        src.to_string()
    } else {
        format!("/{src}")
    };
    pictures.get(&rooted).or_else(|| {
        let rest = src.strip_prefix(root_path).filter(|_| root_path != "/")?;
        pictures.get(&format!("/{rest}"))
    })
}
