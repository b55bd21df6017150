//! Imports run one way (docs/architecture.md, "Imports"): a module takes items only from
//! modules of a lower layer of [`LAYERS`] (or from its own folder), and there is no import
//! circle among the files of `src/`.
//!
//! Read from the source text: every `crate::`, `super::` and `self::` path outside the
//! `#[cfg(test)] mod tests` block (tests may reach anywhere), grouped `use` lists included,
//! and every bare path that starts with a child module's name (`site::Site` in a folder's
//! `mod.rs`), is taken to the file of the longest module it names. So a folder's `mod.rs`
//! (or `a.rs` beside `a/`) that uses or re-exports its children imports from them, and a
//! child must not take anything from it: what the children share lives in a leaf file of
//! the folder. Only `mod child;` itself is the module tree and no import. Hand-written
//! rather than with `syn`: the few rules above are all it needs, and the test binary stays
//! small.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The top-level modules of `src/`, lowest first. A module may import from a module of a
/// lower layer only; modules of one layer do not import each other.
const LAYERS: &[&[&str]] = &[
    // Helpers every stage may use; they know no stage.
    &[
        "diag",
        "date",
        "slug",
        "phone",
        "safe_url",
        "paths",
        "memo",
        "frontmatter",
        "cli",
    ],
    &["yaml", "load", "placeholder", "model", "sanitize"],
    &["config", "markdown", "drafts", "images"],
    &["theme"],
    // Stage 2, validate; facility files are parsed and checked below resolve.
    &["validate", "facility", "i18n"],
    // Between validate and resolve: the validated site split by language; the components
    // bodies call (they read the theme, the strings and the facility directory).
    &["translations", "components"],
    &["resolve"],
    &["render"],
    &["index", "write"],
    &["pipeline"],
    &["serve"],
    &["cmd"],
    &["lib"],
];

/// Module path (`["facility", "parse"]`; `[]` for lib.rs) of every file under `src/`.
fn modules(src: &Path) -> BTreeMap<Vec<String>, String> {
    fn walk(dir: &Path, src: &Path, out: &mut BTreeMap<Vec<String>, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            panic!("cannot read {}", dir.display())
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, src, out);
                continue;
            }
            let rel = p.strip_prefix(src).unwrap_or(&p).to_string_lossy().replace('\\', "/");
            let Some(stem) = rel.strip_suffix(".rs") else { continue };
            if rel == "main.rs" {
                continue; // the binary: it reaches the library as `haven::`, from above.
            }
            let mut segs: Vec<String> = stem.split('/').map(String::from).collect();
            if segs.last().is_some_and(|s| s == "mod" || s == "lib") {
                segs.pop();
            }
            out.insert(segs, rel);
        }
    }
    let mut out = BTreeMap::new();
    walk(src, src, &mut out);
    out
}

/// The text that counts: no `#[cfg(test)] mod tests` block, no `//` comments.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_len(s: &str) -> usize {
    s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len())
}

/// The paths `s` names after a `crate::`/`super::`/`self::` head: `a::b`, or every item of
/// a group `a::{b, c::{d}}` (as `a::b`, `a::c::d`).
fn paths_after(s: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut segs = prefix.to_vec();
    let mut rest = s;
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        paths_after(group[start..i].trim(), &segs, out);
                        return;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        paths_after(group[start..i].trim(), &segs, out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            return;
        }
        let n = ident_len(rest);
        if n > 0 {
            segs.push(rest[..n].to_string());
            rest = &rest[n..];
        }
        let Some(next) = rest.strip_prefix("::") else { break };
        rest = next;
    }
    segs.retain(|s| s != "self");
    out.push(segs);
}

/// Every module path the code of the file at `me` names: `crate::`, `super::` and `self::`
/// paths, and bare paths that start with one of its `children` (`site::Site` in
/// `resolve/mod.rs`; `mod site;` itself names nothing).
fn named_paths(code: &str, me: &[String], children: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let child_heads: Vec<String> = children.iter().map(|c| format!("{c}::")).collect();
    let heads = ["crate::", "super::", "self::"].into_iter().map(String::from);
    for head in heads.chain(child_heads) {
        for (at, _) in code.match_indices(&head) {
            let before = code[..at].chars().next_back();
            // `x::`, `a::x::` and `.x::<T>()` (a method, as `.parse::<f64>()`) are no heads.
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':' || c == '.') {
                continue;
            }
            // The module a head means: `super` in `a/b.rs` is `a`, in `a/mod.rs` the crate;
            // a child's name is read from the file's own module.
            let (base, rest): (Vec<String>, &str) = match head.as_str() {
                "crate::" => (Vec::new(), &code[at + head.len()..]),
                "self::" => (me.to_vec(), &code[at + head.len()..]),
                "super::" => (me[..me.len().saturating_sub(1)].to_vec(), &code[at + head.len()..]),
                _ => (me.to_vec(), &code[at..]),
            };
            paths_after(rest, &base, &mut out);
        }
    }
    out
}

/// File → files it imports from. A folder's `mod.rs` (or `a.rs` beside `a/`) that uses or
/// re-exports its children imports from them, as a child that takes its parent's items
/// imports from the parent; only `mod child;` is the module tree and no import.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules(src);
    let file_of = |segs: &[String]| (1..=segs.len()).rev().find_map(|k| mods.get(&segs[..k]));
    let mut g = BTreeMap::new();
    for (me, file) in &mods {
        let text = std::fs::read_to_string(src.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let children: Vec<String> = mods
            .keys()
            .filter(|m| m.len() == me.len() + 1 && m.starts_with(me))
            .filter_map(|m| m.last().cloned())
            .collect();
        let mut to = BTreeSet::new();
        for p in named_paths(&code(&text), me, &children) {
            if let Some(f) = file_of(&p)
                && f != file
                && f != "lib.rs"
            {
                to.insert(f.clone());
            }
        }
        g.insert(file.clone(), to);
    }
    g
}

fn top(file: &str) -> &str {
    let first = file.split('/').next().unwrap_or(file);
    first.strip_suffix(".rs").unwrap_or(first)
}

fn layer(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&module))
        .unwrap_or_else(|| panic!("src/{module}: add the new module to LAYERS in tests/it/imports.rs"))
}

/// A circle of imports, if there is one (files in order, the first repeated at the end).
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        v: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == v) {
            let mut c = stack[i..].to_vec();
            c.push(v.to_string());
            return Some(c);
        }
        if !done.insert(v.to_string()) {
            return None;
        }
        stack.push(v.to_string());
        for w in g.get(v).into_iter().flatten() {
            if let Some(c) = visit(w, g, done, stack) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    g.keys().find_map(|v| visit(v, g, &mut done, &mut Vec::new()))
}

/// The files of `src/` that import each other in a circle, one group per circle set (the
/// strongly connected parts of `g` with more than one file), each with one circle in it.
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<(BTreeSet<String>, Vec<String>)> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(v) = todo.pop() {
            for w in g.get(&v).into_iter().flatten() {
                if seen.insert(w.clone()) {
                    todo.push(w.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> = g.keys().map(|v| (v, reach(v))).collect();
    let mut out: Vec<(BTreeSet<String>, Vec<String>)> = Vec::new();
    for (v, from_v) in &reached {
        if !from_v.contains(*v) || out.iter().any(|(group, _)| group.contains(*v)) {
            continue;
        }
        let group: BTreeSet<String> = from_v.iter().filter(|w| reached[w].contains(*v)).cloned().collect();
        let inside: BTreeMap<String, BTreeSet<String>> = group
            .iter()
            .map(|w| (w.clone(), g[w].intersection(&group).cloned().collect()))
            .collect();
        let circle = find_cycle(&inside).unwrap_or_default();
        out.push((group, circle));
    }
    out
}

fn src_graph() -> BTreeMap<String, BTreeSet<String>> {
    graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let mut wrong = Vec::new();
    for (file, to) in src_graph() {
        for t in &to {
            let (a, b) = (top(&file), top(t));
            if a != b && layer(b) >= layer(a) {
                wrong.push(format!("src/{file} imports from src/{t}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that run up or sideways:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_import_circle_among_src_files() {
    let g = src_graph();
    assert!(g.len() > 50, "the source files were not found ({} read)", g.len());
    assert!(
        g.get("resolve/mod.rs")
            .or(g.get("resolve.rs"))
            .is_some_and(|t| !t.is_empty()),
        "the resolve stage's imports were not read"
    );
    let listed: Vec<String> = circles(&g)
        .iter()
        .map(|(group, c)| {
            let files: Vec<&str> = group.iter().map(String::as_str).collect();
            format!("{} (files: {})", c.join(" -> "), files.join(", "))
        })
        .collect();
    assert!(listed.is_empty(), "import circles:\n{}", listed.join("\n"));
}

/// The reader sees grouped and nested `use` lists, and `super::` from a folder's file.
#[test]
fn import_reader_follows_groups_and_super() {
    let me: Vec<String> = vec!["facility".into(), "fields".into()];
    let code =
        "use super::file::{Check, S};\nuse crate::{diag::{Diag, Diags}, load};\nlet x = crate::paths::BUNDLE_DIR;";
    let got: BTreeSet<String> = named_paths(code, &me, &[]).iter().map(|p| p.join("::")).collect();
    for want in [
        "facility::file::Check",
        "facility::file::S",
        "diag::Diag",
        "diag::Diags",
        "load",
        "paths::BUNDLE_DIR",
    ] {
        assert!(got.contains(want), "{want} not in {got:?}");
    }
    let mut g = BTreeMap::new();
    g.insert("a.rs".to_string(), BTreeSet::from(["b.rs".to_string()]));
    g.insert("b.rs".to_string(), BTreeSet::from(["a.rs".to_string()]));
    assert_eq!(find_cycle(&g).map(|c| c.len()), Some(3));
}

/// A folder's `mod.rs` (and `a.rs` beside `a/`) using or re-exporting its children imports
/// from them, `mod child;` does not, and a child taking its parent's items closes a circle.
#[test]
fn parent_and_child_imports_are_edges() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = [
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        // a/mod.rs uses its child `c` (a bare path) and re-exports from `d`.
        (
            "a/mod.rs",
            "mod c;\nmod d;\npub use d::D;\npub struct A;\nfn f() { c::g() }\n",
        ),
        ("a/c.rs", "use super::A;\npub fn g() {}\n"),
        ("a/d.rs", "pub struct D;\n"),
        // b.rs beside b/: names its children only as `mod e;` and in a method call.
        (
            "b.rs",
            "mod e;\nmod parse;\npub struct B;\nfn n() -> f64 { \"1\".parse::<f64>().unwrap_or(0.0) }\n",
        ),
        ("b/e.rs", "use super::B;\n"),
        ("b/parse.rs", "pub fn f() {}\n"),
    ];
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("a folder")).expect("make folder");
        std::fs::write(&p, text).expect("write file");
    }
    let g = graph(dir.path());
    let to = |f: &str| g[f].iter().map(String::as_str).collect::<Vec<_>>();
    assert_eq!(to("a/mod.rs"), ["a/c.rs", "a/d.rs"]);
    assert_eq!(to("a/c.rs"), ["a/mod.rs"]);
    assert_eq!(to("b.rs"), Vec::<&str>::new());
    assert_eq!(to("b/e.rs"), ["b.rs"]);
    let found = circles(&g);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].0,
        BTreeSet::from(["a/c.rs".to_string(), "a/mod.rs".to_string()])
    );
    assert_eq!(found[0].1.len(), 3);
}
