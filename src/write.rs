//! Stage 6, write: minify and put the built site in place, all or nothing.
//!
//! The new site is written into a temporary folder beside the output folder, and swapped
//! in by renames only when every file was written. A failed build leaves the previous
//! output exactly as it was. haven only ever replaces or removes a folder that carries
//! its marker file ([`MARKER`]), so it can never delete a folder it did not create.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::Diag;
use crate::load::StaticFile;
use crate::render::Output;
use crate::theme::Theme;

/// The file that marks a folder as haven's output.
pub const MARKER: &str = ".haven-output";

/// Deepest element nesting handed to minify-html. Its parser recurses once per level and
/// overflowed a 2 MiB worker stack at about 650 levels (10,000 nested block quotes in one
/// article aborted the whole build); real pages nest a few dozen levels.
pub const MAX_MINIFY_DEPTH: usize = 256;

/// The minifier settings: one place, so every page is minified the same way. A page
/// nested deeper than [`MAX_MINIFY_DEPTH`] is written as it is, unminified.
pub fn minify(html: &[u8]) -> Vec<u8> {
    if nesting_depth(html) > MAX_MINIFY_DEPTH {
        return html.to_vec();
    }
    let mut cfg = minify_html::Cfg::new();
    cfg.minify_css = true;
    // minify-html's JS minifier has broken scripts elsewhere (zola#2731): off.
    cfg.minify_js = false;
    cfg.keep_html_and_head_opening_tags = true;
    // Stay standards-compliant so the HTML validator accepts the output.
    cfg.minify_doctype = false;
    cfg.allow_noncompliant_unquoted_attribute_values = false;
    cfg.allow_removing_spaces_between_attributes = false;
    cfg.keep_closing_tags = true;
    minify_html::minify(html, &cfg)
}

/// The CSS minifier, beside the HTML one: lightningcss (the engine minify-html uses for
/// `<style>`), with no browser targets, so rules are only shortened, never rewritten for
/// old browsers. A stylesheet lightningcss cannot parse (a theme's own, say) is written
/// as it is: browsers skip what they do not understand, and the reader still gets it.
pub fn minify_css(css: &[u8]) -> Vec<u8> {
    use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions, StyleSheet};
    let Ok(text) = std::str::from_utf8(css) else {
        return css.to_vec();
    };
    let Ok(mut sheet) = StyleSheet::parse(text, ParserOptions::default()) else {
        return css.to_vec();
    };
    let printer = PrinterOptions {
        minify: true,
        ..PrinterOptions::default()
    };
    match sheet.minify(MinifyOptions::default()).map(|()| sheet.to_css(printer)) {
        Ok(Ok(out)) => out.code.into_bytes(),
        _ => css.to_vec(),
    }
}

/// An upper bound of the element nesting of `html`: start tags minus end tags, void
/// elements and `/>` not counted. Hand-written (a few lines) because a real HTML parser
/// is what we must not recurse into; text that only looks like a tag (inside a script)
/// can only raise the bound, which merely skips minification.
fn nesting_depth(html: &[u8]) -> usize {
    const VOID: &[&[u8]] = &[
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source", b"track",
        b"wbr",
    ];
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(lt) = html[i..].iter().position(|&b| b == b'<') {
        let tag = &html[i + lt + 1..];
        let end = tag.iter().position(|&b| b == b'>').unwrap_or(tag.len());
        let closing = tag.first() == Some(&b'/');
        let name_at = usize::from(closing);
        let name_len = tag[name_at..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(tag.len() - name_at);
        let name = tag[name_at..name_at + name_len].to_ascii_lowercase();
        if tag.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            if closing {
                depth = depth.saturating_sub(1);
            } else if !VOID.contains(&name.as_slice()) && !tag[..end].ends_with(b"/") {
                depth += 1;
                max = max.max(depth);
            }
        }
        i += lt + 1;
    }
    max
}

/// Where the files come from.
pub struct SiteFiles<'a> {
    /// Rendered outputs.
    pub outputs: &'a [Output],
    /// Static files to copy.
    pub statics: &'a [StaticFile],
    /// Theme assets.
    pub theme: &'a Theme,
    /// Whether to minify HTML.
    pub minify: bool,
}

/// Refuses output locations that would put a user's files at risk.
pub fn check_output_location(root: &Path, output: &Path) -> Result<(), Diag> {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root_c = canon(root);
    let out_c = match output.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => canon(parent).join(output.file_name().unwrap_or_default()),
        _ => canon(output),
    };
    let bad = root_c.starts_with(&out_c)
        || out_c.starts_with(root_c.join("content"))
        || out_c.starts_with(root_c.join("themes"));
    if bad {
        return Err(Diag::error(format!(
            "refusing to write the site into {}: it holds (or is inside) your own files",
            output.display()
        ))
        .help("choose an output folder of its own, such as output/"));
    }
    if output.exists() {
        let empty = fs::read_dir(output).map(|mut d| d.next().is_none()).unwrap_or(false);
        if !output.is_dir() || (!empty && !output.join(MARKER).is_file()) {
            return Err(Diag::error(format!(
                "{} exists and was not made by haven; refusing to replace it",
                output.display()
            ))
            .help("remove or rename that folder yourself, or pass another --output"));
        }
    }
    Ok(())
}

/// What [`write_site`] wrote.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    /// Files written in all.
    pub files: usize,
    /// Time taken to minify and write the site's own files (not those of `beside`).
    pub took: std::time::Duration,
}

/// Writes the site into `output` while `beside` runs on a thread of its own, then writes
/// the files `beside` returns too. The new site replaces the previous build only when both
/// succeeded; otherwise the previous output is left exactly as it was.
///
/// `beside` is given a function to call when the site's own files may be written; they
/// are written then, or once `beside` has returned. The build runs the search index beside
/// and lets the writing start at once: the index reads only the typed site data.
pub fn write_site<T: Send>(
    root: &Path,
    output: &Path,
    files: &SiteFiles<'_>,
    beside: impl FnOnce(&(dyn Fn() + Sync)) -> Result<(Vec<Output>, T), Vec<Diag>> + Send,
) -> Result<(Written, T), Vec<Diag>> {
    check_output_location(root, output).map_err(|d| vec![d])?;
    let (parent, name) = parent_and_name(output);
    fs::create_dir_all(parent).map_err(|e| vec![io_err(parent, "create", &e)])?;
    // Held until this function returns (the swap included): a second build of the same
    // output folder stops here instead of mixing its files with this one's.
    let _lock = lock(parent, &name, output).map_err(|d| vec![d])?;
    recover(parent, &name, output);
    let tmp = parent.join(format!(".{name}.haven-new"));
    if tmp.exists() {
        remove_ours(&tmp).map_err(|d| vec![d])?;
    }
    let (written, other) = write_beside(&tmp, files, beside);
    let result = written.map_err(|d| vec![d]).and_then(|(n, took)| {
        let (late, value) = other?;
        write_outputs(&tmp, &late, files.minify).map_err(|d| vec![d])?;
        let written = Written {
            files: n + late.len(),
            took,
        };
        Ok((written, value))
    });
    match result {
        Ok(done) => {
            swap(parent, &name, &tmp, output).map_err(|d| vec![d])?;
            Ok(done)
        }
        Err(e) => {
            let _ = remove_ours(&tmp);
            Err(e)
        }
    }
}

/// The folder that holds `output` and `output`'s own name.
fn parent_and_name(output: &Path) -> (&Path, String) {
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into());
    (parent, name)
}

/// Writes `files` into `tmp` on this thread once `beside` (on a thread of its own) says it
/// is ready, or has returned; gives the files written and the time it took, and what
/// `beside` returned.
#[allow(clippy::type_complexity)]
fn write_beside<T: Send>(
    tmp: &Path,
    files: &SiteFiles<'_>,
    beside: impl FnOnce(&(dyn Fn() + Sync)) -> Result<(Vec<Output>, T), Vec<Diag>> + Send,
) -> (
    Result<(usize, std::time::Duration), Diag>,
    Result<(Vec<Output>, T), Vec<Diag>>,
) {
    std::thread::scope(|s| {
        let (go, start) = std::sync::mpsc::channel();
        let other = s.spawn(move || {
            let ready = || {
                let _ = go.send(());
            };
            beside(&ready)
        });
        // Err only when `beside` has returned (its sender is gone): write then too.
        let _ = start.recv();
        let began = std::time::Instant::now();
        let written = write_into(tmp, files).map(|n| (n, began.elapsed()));
        let other = other.join().unwrap_or_else(|_| {
            Err(vec![Diag::error("the search index stopped unexpectedly").help(
                "this is a problem in haven, not in your content; please report it",
            )])
        });
        (written, other)
    })
}

/// Takes the build lock of `output`: an exclusive lock (`flock` on Linux, std's
/// `File::try_lock`) on `.<name>.haven-lock` beside it, released when the guard is dropped,
/// and by the system when the build is killed. The file itself stays: removing a lock file races with
/// the next build opening it.
fn lock(parent: &Path, name: &str, output: &Path) -> Result<OutputLock, Diag> {
    let path = parent.join(format!(".{name}.haven-lock"));
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io_err(&path, "create", &e))?;
    match file.try_lock() {
        Ok(()) => Ok(OutputLock(file)),
        Err(fs::TryLockError::WouldBlock) => Err(Diag::error(format!(
            "another haven build is writing {} right now (it holds {}); this build stopped \
             without writing anything",
            output.display(),
            path.display()
        ))
        .help("wait until the other build has finished, then build again")),
        Err(fs::TryLockError::Error(e)) => Err(io_err(&path, "lock", &e)),
    }
}

/// The held build lock. Dropping it unlocks explicitly rather than only closing the file:
/// a process spawned meanwhile (tests, `haven serve`'s tools) may hold a copy of the file
/// descriptor between its fork and exec, and the lock would outlive our close until then.
struct OutputLock(fs::File);

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Puts back a previous output left aside by a build that was killed mid-swap.
fn recover(parent: &Path, name: &str, output: &Path) {
    let old = parent.join(format!(".{name}.haven-old"));
    if old.join(MARKER).is_file() {
        if !output.exists() {
            let _ = fs::rename(&old, output);
        } else {
            let _ = remove_ours(&old);
        }
    }
}

/// Puts the new site (`tmp`) at `output`. On Linux the two folders are exchanged in one
/// atomic `renameat2(RENAME_EXCHANGE)`, so at every instant `output` holds a complete site;
/// elsewhere (or on a file system without it) the old output is moved aside first, which
/// leaves a moment without `output` that [`recover`] repairs on the next build.
fn swap(parent: &Path, name: &str, tmp: &Path, output: &Path) -> Result<(), Diag> {
    if output.exists() && exchange(tmp, output) {
        // `tmp` now holds the previous site.
        let _ = remove_ours(tmp);
        return Ok(());
    }
    let old = parent.join(format!(".{name}.haven-old"));
    if output.exists() {
        // Empty folders (no marker) are replaced too: they hold nothing to lose.
        fs::rename(output, &old).map_err(|e| io_err(output, "move aside", &e))?;
    }
    if let Err(e) = fs::rename(tmp, output) {
        let _ = fs::rename(&old, output);
        let _ = remove_ours(tmp);
        return Err(io_err(output, "replace", &e));
    }
    if old.exists() {
        let _ = remove_ours(&old);
    }
    Ok(())
}

/// Atomically exchanges two folders; false when the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Removes a folder only if it carries our marker (or is empty). The marker goes last, so
/// a removal cut short (the build was killed) is still recognised as ours next time.
fn remove_ours(dir: &Path) -> Result<(), Diag> {
    let empty = fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false);
    if !empty && !dir.join(MARKER).is_file() {
        return Err(Diag::error(format!(
            "{} was not made by haven; not removing it",
            dir.display()
        )));
    }
    let entries = fs::read_dir(dir).map_err(|e| io_err(dir, "remove", &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_err(dir, "remove", &e))?;
        if entry.file_name() == MARKER {
            continue;
        }
        let path = entry.path();
        let removed = match entry.file_type() {
            Ok(t) if t.is_dir() => fs::remove_dir_all(&path),
            _ => fs::remove_file(&path),
        };
        removed.map_err(|e| io_err(&path, "remove", &e))?;
    }
    let marker = dir.join(MARKER);
    if marker.is_file() {
        fs::remove_file(&marker).map_err(|e| io_err(&marker, "remove", &e))?;
    }
    fs::remove_dir(dir).map_err(|e| io_err(dir, "remove", &e))
}

fn write_into(dir: &Path, files: &SiteFiles<'_>) -> Result<usize, Diag> {
    fs::create_dir_all(dir).map_err(|e| io_err(dir, "create", &e))?;
    fs::write(
        dir.join(MARKER),
        "This folder is written by `haven build` and replaced on every build.\n",
    )
    .map_err(|e| io_err(&dir.join(MARKER), "write", &e))?;
    create_dirs(
        dir,
        files
            .statics
            .iter()
            .map(|s| s.rel.as_str())
            .chain(files.theme.assets.values().map(|a| a.out_rel.as_str())),
    )?;
    write_outputs(dir, files.outputs, files.minify)?;
    files
        .theme
        .assets
        .values()
        .collect::<Vec<_>>()
        .par_iter()
        .try_for_each(|a| {
            let path = dir.join(&a.out_rel);
            if files.minify && a.out_rel.ends_with(".css") {
                fs::write(&path, minify_css(&a.bytes))
            } else {
                fs::write(&path, &a.bytes)
            }
            .map_err(|e| io_err(&path, "write", &e))
        })?;
    files.statics.par_iter().try_for_each(|s| {
        let path = dir.join(&s.rel);
        fs::copy(&s.path, &path)
            .map(|_| ())
            .map_err(|e| io_err(&s.path, "copy", &e))
    })?;
    Ok(files.outputs.len() + files.statics.len() + files.theme.assets.len())
}

/// Creates the folders of the files `rels` inside `dir`, one at a time (cheap), so the
/// files can then be written in parallel.
fn create_dirs<'a>(dir: &Path, rels: impl Iterator<Item = &'a str>) -> Result<(), Diag> {
    let mut dirs: Vec<PathBuf> = rels
        .filter_map(|rel| Path::new(rel).parent().map(|p| dir.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d).map_err(|e| io_err(d, "create", &e))?;
    }
    Ok(())
}

/// Writes rendered outputs into `dir`, HTML minified when asked.
fn write_outputs(dir: &Path, outputs: &[Output], minify_html: bool) -> Result<(), Diag> {
    create_dirs(dir, outputs.iter().map(|o| o.rel.as_str()))?;
    outputs.par_iter().try_for_each(|o| {
        let path = dir.join(&o.rel);
        let bytes = if o.html && minify_html {
            minify(&o.bytes)
        } else {
            o.bytes.clone()
        };
        fs::write(&path, bytes).map_err(|e| io_err(&path, "write", &e))
    })
}

fn io_err(path: &Path, what: &str, e: &std::io::Error) -> Diag {
    let hint = match e.kind() {
        std::io::ErrorKind::PermissionDenied => "check that you may write there, or pass another --output",
        std::io::ErrorKind::StorageFull => "free some disk space and build again",
        _ => "check the path and the disk, then build again",
    };
    Diag::error(format!(
        "cannot {what} {}: {e}; the previous output was left as it was",
        path.display()
    ))
    .help(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_table() {
        let cases: &[(&str, usize)] = &[
            ("<p>a</p>", 1),
            ("<div><p>a<br>b<img src=x></p><p>c</p></div>", 2),
            ("<div><svg><path d=x/></svg></div>", 2),
            ("<!doctype html><!-- <a> --><b>", 2),
            ("a < b and c<d", 1),
            ("</p></p><i>", 1),
            ("", 0),
        ];
        for (html, want) in cases {
            assert_eq!(nesting_depth(html.as_bytes()), *want, "{html}");
        }
    }

    /// 10,000 nested block quotes overflowed minify-html's recursive parser.
    #[test]
    fn deep_pages_are_written_unminified() {
        let deep = "<blockquote>".repeat(10_000) + "x" + &"</blockquote>".repeat(10_000);
        let out = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || minify(deep.as_bytes()).len())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(out, 10_000 * 25 + 1);
        let shallow = "<blockquote>".repeat(MAX_MINIFY_DEPTH) + " x " + &"</blockquote>".repeat(MAX_MINIFY_DEPTH);
        let out = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || minify(shallow.as_bytes()))
            .unwrap()
            .join()
            .unwrap();
        assert!(String::from_utf8(out).unwrap().contains(">x<"), "still minified");
    }

    fn page(rel: &str, text: &str) -> Output {
        Output {
            rel: rel.into(),
            bytes: format!(
                "<!doctype html><html lang=\"en\"><head><title>t</title></head><body><p>{text}</p></body></html>"
            )
            .into_bytes(),
            html: true,
        }
    }

    /// Writes `outputs` with `beside` beside, into ROOT/output.
    fn write_beside(
        root: &Path,
        outputs: &[Output],
        beside: impl FnOnce(&(dyn Fn() + Sync)) -> Result<(Vec<Output>, ()), Vec<Diag>> + Send,
    ) -> Result<Written, Vec<Diag>> {
        let theme = Theme::default();
        let files = SiteFiles {
            outputs,
            statics: &[],
            theme: &theme,
            minify: true,
        };
        write_site(root, &root.join("output"), &files, beside).map(|(w, ())| w)
    }

    #[test]
    fn files_made_beside_are_written_and_a_failure_beside_keeps_the_previous_site() {
        let root = tempfile::tempdir().expect("temp dir");
        let root = root.path();
        let first = [page("index.html", "first")];
        let w = write_beside(root, &first, |_| Ok((vec![page("pagefind/x.html", "late")], ()))).expect("writes");
        assert_eq!(w.files, 2);
        let read = |rel: &str| fs::read_to_string(root.join("output").join(rel)).unwrap_or_default();
        assert!(read("index.html").contains("first"));
        assert!(
            read("pagefind/x.html").contains("late"),
            "the late file is written, and minified"
        );
        assert!(!read("pagefind/x.html").contains("</body>\n"));

        // The writing goes on while `beside` fails, but nothing of it is kept.
        let second = [page("index.html", "second")];
        let err = write_beside(root, &second, |_| Err(vec![Diag::error("index failed")])).expect_err("fails");
        assert_eq!(err.len(), 1);
        assert!(read("index.html").contains("first"), "the previous site stays");
        assert!(read("pagefind/x.html").contains("late"));
        let mut left: Vec<_> = fs::read_dir(root)
            .expect("root")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        // The build lock file stays on purpose (see `lock`); no temporary folder does.
        assert_eq!(
            left,
            [".output.haven-lock", "output"],
            "no temporary folder is left behind"
        );
    }

    #[test]
    fn the_site_is_written_only_once_start_says_so() {
        let root = tempfile::tempdir().expect("temp dir");
        let out = root.path().join("output");
        let theme = Theme::default();
        let outputs = [page("index.html", "x")];
        let files = SiteFiles {
            outputs: &outputs,
            statics: &[],
            theme: &theme,
            minify: false,
        };
        let tmp = root.path().join(".output.haven-new");
        let (w, seen) = write_site(root.path(), &out, &files, |ready| {
            // Give the writer time to start too early, if it would.
            std::thread::sleep(std::time::Duration::from_millis(200));
            let early = tmp.join("index.html").exists();
            ready();
            Ok((vec![], early))
        })
        .expect("writes");
        assert!(!seen, "the site's files were written before `ready` was called");
        assert_eq!(w.files, 1);
        assert!(out.join("index.html").is_file());
    }

    #[test]
    fn minify_css_shortens_the_theme_and_keeps_its_rules() {
        let css = include_bytes!("../themes/default/static/style.css");
        let out = minify_css(css);
        let text = std::str::from_utf8(&out).expect("UTF-8");
        assert!(out.len() * 10 < css.len() * 8, "{} -> {} bytes", css.len(), out.len());
        // Parse the output again: every rule of the source is still there, in order.
        let rules = |t: &str| -> Vec<String> {
            use lightningcss::stylesheet::{ParserOptions, StyleSheet};
            let sheet = StyleSheet::parse(t, ParserOptions::default()).expect("parses");
            sheet
                .rules
                .0
                .iter()
                .map(|r| format!("{:?}", std::mem::discriminant(r)))
                .collect()
        };
        // lightningcss may merge neighbouring rules (133 -> 132 today), never drop one.
        let (before, after) = (rules(std::str::from_utf8(css).expect("UTF-8")).len(), rules(text).len());
        assert!(after <= before && after + 3 >= before, "{before} rules -> {after}");
        for sel in [
            "body{",
            ".call{",
            "@media (prefers-color-scheme:dark)",
            ":focus-visible{",
            ".locator-row",
        ] {
            assert!(text.contains(sel), "{sel} missing");
        }
        assert!(!text.contains("/*"), "comments are gone");
        // What lightningcss cannot parse is kept as it is.
        assert_eq!(minify_css(b"a{color:red}}"), b"a{color:red}}");
        assert_eq!(minify_css(b"\xff\xfe"), b"\xff\xfe");
    }

    #[test]
    fn minify_keeps_document_valid() {
        let out = minify(b"<!doctype html>\n<html lang=\"en\"><head><title>x</title>\n<style> a { color : red } </style></head><body>  <p>a  b</p>\n<script>var a = 1 ;</script></body></html>");
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("<!doctype html>"), "{s}");
        assert!(s.contains("a{color:red}"), "{s}");
        assert!(s.contains("var a = 1 ;"), "JS must stay untouched: {s}");
    }
}
