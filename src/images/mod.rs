//! Images sized for phones (docs/images.md). Every JPEG and PNG under `content/static/` is
//! made, once, into a small set of widths no wider than itself ([`WIDTHS`]), each as lossy
//! WebP and in its own format; the original stays at its own URL. SVG, GIF and other files
//! are copied as they are (they are not touched here).
//!
//! A stage-like API: [`process`] reads the sources and gives [`Pictures`] (each image's
//! size and variants, and the variant files for the write stage), going through the cache
//! of [`cache`] (`.haven-cache/images/` at the site root) so that a warm build decodes and
//! encodes nothing; [`Picture::html`] writes the `<picture>` element with `srcset`,
//! `sizes`, `width` and `height`. The resolve stage puts that element where a Markdown
//! image was, and the render stage gives author photos' `srcset`s to the templates.

pub mod cache;
mod encode;

pub use encode::{Kind, WIDTHS};

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::diag::{Diag, Diags};
use crate::load::StaticFile;

/// `sizes` of an image in an article or page body: the text column (`.prose`, at most
/// 70ch, about 40rem), the whole screen less the page's padding below that.
pub const BODY_SIZES: &str = "(max-width: 42rem) calc(100vw - 2rem), 40rem";

/// One variant of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Site path (`/images/x.480w.webp`).
    pub path: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// WebP, or the source's own format.
    pub webp: bool,
}

/// A processed image: its own size and its variants, smallest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// Site path of the original (`/images/x.jpg`).
    pub src: String,
    /// Width of the original.
    pub width: u32,
    /// Height of the original.
    pub height: u32,
    /// Every variant, by width (the original itself is the one in its own format at its
    /// own width, when it is no wider than the largest of [`WIDTHS`]).
    pub variants: Vec<Variant>,
}

impl Picture {
    fn new(rel: &str, kind: Kind, (width, height): (u32, u32)) -> Picture {
        let src = format!("/{rel}");
        let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
        let mut variants = Vec::new();
        for w in WIDTHS.iter().copied().filter(|&w| w < width) {
            let h = encode::scaled_height(width, height, w);
            for (webp, ext) in [(true, "webp"), (false, kind.ext())] {
                variants.push(Variant {
                    path: format!("/{stem}.{w}w.{ext}"),
                    width: w,
                    height: h,
                    webp,
                });
            }
        }
        if width <= WIDTHS[WIDTHS.len() - 1] {
            variants.push(Variant {
                path: format!("/{stem}.{width}w.webp"),
                width,
                height,
                webp: true,
            });
            variants.push(Variant {
                path: src.clone(),
                width,
                height,
                webp: false,
            });
        }
        Picture {
            src,
            width,
            height,
            variants,
        }
    }

    /// The `srcset` of the WebP variants or of those in the source's own format, each
    /// path through `link` (the site's base path).
    pub fn srcset(&self, webp: bool, link: &dyn Fn(&str) -> String) -> String {
        let parts: Vec<String> = self
            .variants
            .iter()
            .filter(|v| v.webp == webp)
            .map(|v| format!("{} {}w", link(&v.path), v.width))
            .collect();
        parts.join(", ")
    }

    /// The largest variant in the source's own format: the `src` of browsers that read no
    /// `srcset`, and the `width` and `height` every copy shares in proportion.
    pub fn fallback(&self) -> &Variant {
        // Never empty: a width at or below the largest of WIDTHS makes the original one of
        // them, and a wider one makes every width.
        let own = self.variants.iter().filter(|v| !v.webp);
        own.max_by_key(|v| v.width).unwrap_or(&self.variants[0])
    }

    /// The `<picture>` element for this image. `alt` is plain text (escaped here);
    /// `first_screen` images load at once, the others lazily.
    pub fn html(&self, alt: &str, sizes: &str, first_screen: bool, link: &dyn Fn(&str) -> String) -> String {
        self.html_with_class(alt, sizes, first_screen, None, link)
    }

    /// [`Picture::html`], the `<img>` given `class` (a template's `picture(class=...)`).
    pub fn html_with_class(
        &self,
        alt: &str,
        sizes: &str,
        first_screen: bool,
        class: Option<&str>,
        link: &dyn Fn(&str) -> String,
    ) -> String {
        let f = self.fallback();
        let class = class.map_or_else(String::new, |c| format!(r#" class="{}""#, escape(c)));
        let lazy = if first_screen {
            ""
        } else {
            r#" loading="lazy" decoding="async""#
        };
        format!(
            r#"<picture><source type="image/webp" srcset="{webp}" sizes="{sizes}"><img{class} src="{src}" srcset="{own}" sizes="{sizes}" width="{w}" height="{h}" alt="{alt}"{lazy}></picture>"#,
            webp = self.srcset(true, link),
            own = self.srcset(false, link),
            src = link(&f.path),
            w = f.width,
            h = f.height,
            alt = escape(alt),
        )
    }
}

/// Text for an attribute value in double quotes.
fn escape(s: &str) -> String {
    // Four replacements: not worth a dependency (pulldown-cmark's escaper is not public API).
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Every processed image of a build.
#[derive(Debug, Default, Clone)]
pub struct Pictures {
    /// By the original's output path (`images/x.jpg`, as [`StaticFile::rel`], or a theme
    /// image's `img/logo.png`).
    pub by_rel: HashMap<String, Arc<Picture>>,
    /// The variant files for the output, from the cache (the originals are static files
    /// or theme assets already).
    pub files: Vec<StaticFile>,
    /// How many images were decoded and encoded in this build (0 on a warm cache).
    pub made: usize,
    /// The cache entries this build used (their folder names), for [`prune`].
    pub keys: HashSet<String>,
    /// The shared lock on the cache this build holds while its entries are in use (kept
    /// with the pictures, which live until the output is written).
    lock: Option<Arc<std::fs::File>>,
}

impl Pictures {
    /// The picture of a site path (`/images/x.jpg`, query or fragment ignored).
    pub fn get(&self, path: &str) -> Option<&Arc<Picture>> {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        self.by_rel.get(path.strip_prefix('/')?)
    }
}

/// An image whose bytes are already read: one of the theme's (`themes/<name>/static/`).
#[derive(Debug, Clone, Copy)]
pub struct Inline<'a> {
    /// Output path relative to the output root (`img/logo.png`).
    pub rel: &'a str,
    /// The file as errors name it (`themes/recovery/static/img/logo.png`).
    pub origin: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// What `haven serve` keeps between its builds: each source's result by its path, used
/// while its length and modification time are the same (then not even read again).
#[derive(Debug, Default)]
pub struct Memo {
    by_path: HashMap<PathBuf, Entry>,
    /// Whether the cache is only read (`haven check`, which writes nothing).
    read_only: bool,
}

impl Memo {
    /// A memo whose builds read the cache but never write it: an image the cache lacks is
    /// decoded for its size only.
    pub fn read_only() -> Memo {
        Memo {
            read_only: true,
            ..Memo::default()
        }
    }
}

/// A source's length and modification time, its cache key, and what was made of it.
type Entry = (u64, Option<SystemTime>, String, Arc<Picture>, Vec<StaticFile>);

/// One source's result (its picture, files and cache key), whether it was made afresh,
/// and problems.
type One = (Option<(Arc<Picture>, Vec<StaticFile>, String)>, bool, Vec<Diag>);

/// A source: a file of `content/static/`, or an image read already.
#[derive(Clone, Copy)]
enum Src<'a> {
    File(&'a StaticFile),
    Inline(Inline<'a>),
}

impl Src<'_> {
    fn rel(&self) -> &str {
        match self {
            Src::File(s) => &s.rel,
            Src::Inline(i) => i.rel,
        }
    }
}

/// Processes every JPEG and PNG of `statics` and of `theme` (a theme's images; one that a
/// static file of the same path hides is left out, as the static file is what is
/// published) through the cache under `root`. A source larger than `warn_over` bytes is a
/// warning; one that is not a readable image is an error naming the file.
pub fn process(
    root: &std::path::Path,
    statics: &[StaticFile],
    theme: &[Inline<'_>],
    warn_over: u64,
    memo: &mut Memo,
    diags: &mut Diags,
) -> Pictures {
    let own: HashSet<&str> = statics.iter().map(|s| s.rel.as_str()).collect();
    let sources: Vec<(Src<'_>, Kind)> = statics
        .iter()
        .map(Src::File)
        .chain(theme.iter().filter(|i| !own.contains(i.rel)).map(|i| Src::Inline(*i)))
        .filter_map(|s| Some((s, Kind::of(s.rel())?)))
        .collect();
    // Taken before any entry is read, so that no other build's prune removes one in use. A
    // site with no image and no cache gets no cache folder.
    let lock = match memo.read_only {
        true => cache::lock_shared(root, false),
        false if !sources.is_empty() || root.join(cache::DIR).is_dir() => cache::lock_shared(root, true),
        false => None,
    };
    let done: Vec<One> = sources
        .par_iter()
        .map(|(s, kind)| one(root, *s, *kind, warn_over, &*memo))
        .collect();
    let mut out = Pictures {
        lock: lock.map(Arc::new),
        ..Pictures::default()
    };
    let mut by_path = HashMap::with_capacity(sources.len());
    for ((s, _), (result, made, problems)) in sources.iter().zip(done) {
        diags.extend(problems);
        let Some((picture, files, key)) = result else { continue };
        out.made += usize::from(made);
        out.by_rel.insert(s.rel().to_string(), Arc::clone(&picture));
        out.files.extend(files.iter().cloned());
        out.keys.insert(key.clone());
        if let Src::File(s) = s
            && let Ok(m) = std::fs::metadata(&s.path)
        {
            by_path.insert(s.path.clone(), (m.len(), m.modified().ok(), key, picture, files));
        }
    }
    memo.by_path = by_path;
    out
}

fn one(root: &std::path::Path, src: Src<'_>, kind: Kind, warn_over: u64, memo: &Memo) -> One {
    let mut problems = Vec::new();
    let read;
    let (name, bytes): (std::borrow::Cow<'_, str>, &[u8]) = match src {
        Src::Inline(i) => {
            too_large(i.origin, i.bytes.len() as u64, warn_over, &mut problems);
            (i.origin.into(), i.bytes)
        }
        Src::File(s) => {
            let name = format!("content/static/{}", s.rel);
            let meta = std::fs::metadata(&s.path).ok();
            let stamp = meta.as_ref().map(|m| (m.len(), m.modified().ok()));
            if let Some((len, _)) = stamp {
                too_large(&name, len, warn_over, &mut problems);
            }
            if let (Some(stamp), Some((len, modified, key, picture, files))) = (stamp, memo.by_path.get(&s.path))
                && stamp == (*len, *modified)
            {
                return (Some((Arc::clone(picture), files.clone(), key.clone())), false, problems);
            }
            read = match std::fs::read(&s.path) {
                Ok(b) => b,
                Err(e) => {
                    problems
                        .push(Diag::error(format!("cannot read {name}: {e}")).help("check the file and build again"));
                    return (None, false, problems);
                }
            };
            (name.into(), read.as_slice())
        }
    };
    let key = cache::key(bytes);
    let entry = cache::entry(root, &key);
    let (size, made) = match cache::size(&entry) {
        Some(size) => (size, false),
        None if memo.read_only => match encode::size(bytes, kind) {
            Ok(size) => (size, false),
            Err(e) => {
                problems.push(unreadable(&name, &e));
                return (None, false, problems);
            }
        },
        None => match encode::variants(bytes, kind) {
            Ok((size, variants)) => {
                let files: Vec<(String, &[u8])> = variants
                    .iter()
                    .map(|m| {
                        let ext = if m.webp { "webp" } else { kind.ext() };
                        (cache::file(m.width, ext), m.bytes.as_slice())
                    })
                    .collect();
                if let Err(e) = cache::store(&entry, size, &files) {
                    problems.push(
                        Diag::error(format!("cannot write the image cache {}: {e}", entry.display())).help(format!(
                            "check that the site folder is writable; {} can be deleted at any time",
                            cache::DIR
                        )),
                    );
                    return (None, true, problems);
                }
                (size, true)
            }
            Err(e) => {
                problems.push(unreadable(&name, &e));
                return (None, false, problems);
            }
        },
    };
    let picture = Picture::new(src.rel(), kind, size);
    let files = picture
        .variants
        .iter()
        .filter(|v| v.path != picture.src)
        .map(|v| StaticFile {
            rel: v.path.trim_start_matches('/').to_string(),
            path: entry.join(cache::file(v.width, if v.webp { "webp" } else { kind.ext() })),
        })
        .collect();
    (Some((Arc::new(picture), files, key)), made, problems)
}

/// After a successful build: removes the cache entries of `root` that `pictures` (the
/// build's, every image it used) did not use, and the half-written ones of a stopped
/// build; nothing while another build or `haven serve` uses the cache (see
/// [`cache::prune`]). Gives how many were removed; a failure is a warning (the build is
/// written, and the cache can be deleted by hand at any time).
pub fn prune(root: &std::path::Path, pictures: &Pictures) -> Result<usize, Diag> {
    let Some(lock) = &pictures.lock else { return Ok(0) };
    cache::prune(root, lock, &pictures.keys).map_err(|e| {
        Diag::error(format!(
            "cannot remove old entries of the image cache {}: {e}",
            cache::DIR
        ))
        .help(format!(
            "{} can be deleted at any time; the next build makes it again",
            cache::DIR
        ))
        .warning()
    })
}

/// The warning for a source of `len` bytes over `warn_over`.
fn too_large(name: &str, len: u64, warn_over: u64, problems: &mut Vec<Diag>) {
    if len <= warn_over {
        return;
    }
    problems.push(
        Diag::error(format!(
            "{name} is {}: a phone reader should not download that",
            size_text(len)
        ))
        .help(format!(
            "haven sends phones small copies, but the original stays at its own URL: save it smaller \
             (about 2000 px wide is plenty), or raise `images: {{ warn_over: ... }}` in site.yaml \
             (now {} bytes)",
            warn_over
        ))
        .warning(),
    );
}

/// A file size as people read it: `5.2 MB`, `340 KB`.
fn size_text(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{} KB", bytes.div_ceil(1000))
    }
}

/// The error for a source that is not a readable image.
fn unreadable(name: &str, e: &str) -> Diag {
    Diag::error(format!("{name} cannot be read as an image: {e}"))
        .help("open it in an image editor and export it again as JPEG or PNG, or replace it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_of_a_wide_and_a_narrow_image() {
        let wide = Picture::new("images/a.jpg", Kind::Jpeg, (4000, 3000));
        let widths: Vec<_> = wide.variants.iter().map(|v| (v.path.as_str(), v.height)).collect();
        assert_eq!(
            widths,
            [
                ("/images/a.480w.webp", 360),
                ("/images/a.480w.jpg", 360),
                ("/images/a.960w.webp", 720),
                ("/images/a.960w.jpg", 720),
                ("/images/a.1440w.webp", 1080),
                ("/images/a.1440w.jpg", 1080)
            ]
        );
        assert_eq!(wide.fallback().path, "/images/a.1440w.jpg");
        let narrow = Picture::new("p.png", Kind::Png, (600, 400));
        let paths: Vec<_> = narrow.variants.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["/p.480w.webp", "/p.480w.png", "/p.600w.webp", "/p.png"]);
        assert_eq!(narrow.fallback().path, "/p.png");
    }

    #[test]
    fn html_has_srcset_size_and_lazy_loading_below_the_first_screen() {
        let p = Picture::new("images/a.jpg", Kind::Jpeg, (1000, 500));
        let link = |p: &str| format!("/sub{p}");
        let html = p.html("A \"quoted\" <alt>", BODY_SIZES, false, &link);
        for want in [
            r#"srcset="/sub/images/a.480w.webp 480w, /sub/images/a.960w.webp 960w, /sub/images/a.1000w.webp 1000w""#,
            r#"src="/sub/images/a.jpg""#,
            r#"width="1000" height="500""#,
            r#"alt="A &quot;quoted&quot; &lt;alt&gt;""#,
            r#"loading="lazy" decoding="async""#,
        ] {
            assert!(html.contains(want), "{want} in {html}");
        }
        assert!(!p.html("x", BODY_SIZES, true, &link).contains("loading="));
    }

    #[test]
    fn kinds_by_extension() {
        assert_eq!(Kind::of("a/B.JPEG"), Some(Kind::Jpeg));
        assert_eq!(Kind::of("x.png"), Some(Kind::Png));
        assert_eq!(Kind::of("x.gif"), None);
        assert_eq!(Kind::of("x.svg"), None);
        assert_eq!(Kind::of("noext"), None);
    }
}
