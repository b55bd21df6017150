//! Crash safety of the write stage (issue 8): the real binary, killed with SIGKILL at
//! random moments while it rebuilds a site, always leaves `output/` holding either the
//! complete previous site or the complete new one; and a build that cannot write leaves the
//! previous site intact with a clear error. Its own test binary: it takes 30 to 60 s.

// Helpers outside #[test] functions: a panic is how they report a broken fixture.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// Every file of a folder, relative path -> SHA-256.
type Manifest = BTreeMap<String, Vec<u8>>;

fn manifest(dir: &Path) -> Option<Manifest> {
    if !dir.is_dir() {
        return None;
    }
    let mut m = Manifest::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().to_string();
            m.insert(rel, Sha256::digest(std::fs::read(e.path()).unwrap()).to_vec());
        }
    }
    Some(m)
}

/// Writes version `v` (0 or 1) of a site of `n` articles: the versions differ in the site
/// title (so every page differs) and in one article that only version 1 has.
fn write_site(root: &Path, n: usize, v: usize) {
    let content = root.join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::create_dir_all(content.join("authors")).unwrap();
    std::fs::write(
        content.join("site.yaml"),
        format!("title: Crash Test {v}\nbase_url: https://example.org/\narticles_per_page: 10\n"),
    )
    .unwrap();
    std::fs::write(content.join("authors/jane.yaml"), "name: Jane Roe\n").unwrap();
    let para = "Recovery is possible, and treatment works. Medications cut the risk of death by half.\n\n";
    for i in 0..n {
        let text = format!(
            "---\ntitle: Article {i}\nauthor: jane\npublished: 2024-01-02\ntopics: [t{}]\n---\n## Part one\n\n{}",
            i % 7,
            para.repeat(40)
        );
        std::fs::write(content.join(format!("articles/a{i}.md")), text).unwrap();
    }
    let extra = content.join("articles/only-in-one.md");
    if v == 1 {
        std::fs::write(
            &extra,
            "---\ntitle: Only\nauthor: jane\npublished: 2024-01-03\n---\nOnly here.\n",
        )
        .unwrap();
    } else if extra.exists() {
        std::fs::remove_file(&extra).unwrap();
    }
}

fn haven(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_haven"));
    c.arg("build").arg("--root").arg(root).env("RUST_BACKTRACE", "0");
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

fn build(root: &Path) {
    let out = haven(root).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A small xorshift generator: the kill times only need to be spread, and the seed is
/// printed so a failing run can be repeated (HAVEN_CRASH_SEED).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
fn killed_builds_leave_a_whole_site() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let out = root.join("output");
    // Enough articles for a build of about a second (debug build, two busy cores).
    let n = 100;
    // The two complete sites, built without interruption.
    write_site(root, n, 1);
    build(root);
    let one = manifest(&out).unwrap();
    write_site(root, n, 0);
    let start = Instant::now();
    build(root);
    let took = start.elapsed();
    let zero = manifest(&out).unwrap();
    build(root);
    assert_eq!(manifest(&out).unwrap(), zero, "builds are reproducible");
    assert_ne!(zero, one);
    let sites = [zero, one];

    let seed = std::env::var("HAVEN_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::UNIX_EPOCH.elapsed().unwrap().as_nanos() as u64 | 1);
    eprintln!("seed {seed}; a full build takes {took:?}");
    let mut rng = Rng(seed);
    let (mut current, mut killed, mut finished, mut new_seen) = (0, 0, 0, 0);
    // About 50 builds' time: enough for 20 kills on a loaded machine too (a build that
    // takes 0.5 s on an idle one took 4.5 s at a load average of 6), still bounded.
    let deadline = Instant::now() + Duration::from_secs(120).max(took * 50);
    let mut runs = 0;
    while (runs < 24 || killed < 20 || new_seen == 0) && Instant::now() < deadline {
        runs += 1;
        let next = 1 - current;
        write_site(root, n, next);
        let mut child = haven(root).spawn().unwrap();
        // Anywhere in the build, most often around its end, where the swap is.
        let ms = took.as_millis() as u64;
        let at = if rng.below(3) == 0 {
            rng.below(ms)
        } else {
            ms * 3 / 4 + rng.below(ms / 2)
        };
        std::thread::sleep(Duration::from_millis(at));
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "run {runs}: the build failed");
                finished += 1;
            }
            None => {
                child.kill().unwrap();
                child.wait().unwrap();
                killed += 1;
            }
        }
        let got = manifest(&out);
        let got = got.unwrap_or_else(|| panic!("run {runs} (seed {seed}, kill at {at} ms): output/ is missing"));
        if got == sites[next] {
            current = next;
            new_seen += 1;
        } else {
            let diff = got.iter().filter(|(k, v)| sites[current].get(*k) != Some(v)).count();
            assert!(
                got == sites[current],
                "run {runs} (seed {seed}, kill at {at} ms): output/ is a mix ({diff} files differ from the previous site, {} from the new)",
                got.iter().filter(|(k, v)| sites[next].get(*k) != Some(v)).count()
            );
        }
    }
    eprintln!("{runs} runs: {killed} killed, {finished} finished, {new_seen} left the new site");
    assert!(killed >= 20, "only {killed} builds were killed");
    assert!(
        new_seen > 0 && new_seen < runs,
        "both outcomes must occur: {new_seen} of {runs} runs left the new site"
    );
    // The next build recovers from whatever the last kill left behind.
    write_site(root, n, 1);
    build(root);
    assert_eq!(manifest(&out).unwrap(), sites[1]);
    let leftovers: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        // The build lock file stays on purpose (removing it would race with the next build).
        .filter(|n| n.contains("haven-") && n != ".output.haven-lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// When the site folder cannot be written (the temporary folder goes beside `output/`),
/// the build says so and leaves the previous site as it was.
#[test]
fn read_only_location_keeps_the_previous_site() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_site(root, 3, 0);
    build(root);
    let before = manifest(&root.join("output")).unwrap();
    write_site(root, 3, 1);
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    mode(root, 0o555);
    let mut cmd = haven(root);
    // root ignores permissions: build as `nobody`, who can read the site but not write.
    let privileged = std::fs::write(root.join("probe"), "").is_ok();
    if privileged {
        std::fs::remove_file(root.join("probe")).unwrap();
        cmd.uid(65534).gid(65534);
    }
    let result = cmd.output().unwrap();
    mode(root, 0o755);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot create"), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert!(stderr.contains("the previous output was left as it was"), "{stderr}");
    assert!(stderr.contains("check that you may write there"), "{stderr}");
    assert_eq!(manifest(&root.join("output")).unwrap(), before);
}
