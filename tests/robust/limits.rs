//! Limits: huge and deeply nested input either builds or fails with a clear error, in
//! bounded time, never with a stack overflow (which would abort the whole test binary).
//! Inputs are generated here; docs/reliability.md has the time and memory measured on the
//! release binary for the full-size cases, with `scripts/limits` to reproduce them.

use std::time::{Duration, Instant};

use super::{Site, describe};

const FRONT: &str = "---\ntitle: Big\nauthor: jane\npublished: 2024-01-02\n---\n";

/// Builds `site`, checking the time; returns the errors (empty when it built).
fn build_within(site: &Site, limit: Duration) -> Vec<String> {
    let start = Instant::now();
    let result = site.build();
    let took = start.elapsed();
    assert!(took < limit, "took {took:?}, more than {limit:?}");
    match result {
        Ok(_) => Vec::new(),
        Err(ds) => ds.iter().map(describe).collect(),
    }
}

fn article(body: &str) -> Site {
    Site::new().file("content/articles/big.md", format!("{FRONT}{body}"))
}

/// A paragraph with the usual inline Markdown, about 400 bytes.
const PARA: &str = "Recovery is *possible*, and **treatment works**. Call a [helpline](https://example.org/help) \
    or read about `naloxone`. Medications for opioid use disorder cut the risk of death by half; \
    ask a doctor about buprenorphine, methadone and naltrexone. Harm reduction saves lives.\n\n";

#[test]
fn large_markdown_builds() {
    // 5 MB here (debug build); the 50 MB case is measured on the release binary.
    let body = PARA.repeat(5_000_000 / PARA.len());
    let errors = build_within(&article(&body), Duration::from_secs(120));
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn deeply_nested_markdown_builds() {
    let cases = [
        ("lists", "- ".repeat(10_000) + "x\n"),
        ("ordered lists", "1. ".repeat(10_000) + "x\n"),
        ("block quotes", "> ".repeat(10_000) + "x\n"),
        ("quotes and lists", "> - ".repeat(5_000) + "x\n"),
        ("brackets", "[".repeat(10_000) + "x" + &"](/)".repeat(10_000)),
        ("emphasis", "*a ".repeat(10_000) + &" b*".repeat(10_000)),
        ("inline html", "<span>".repeat(10_000) + "x"),
    ];
    for (what, body) in cases {
        let errors = build_within(&article(&body), Duration::from_secs(60));
        // Any error must be about the content (a broken link), not a crash or a limit.
        assert!(
            errors.iter().all(|e| e.starts_with("content/articles/big.md")),
            "{what}: {errors:?}"
        );
    }
}

#[test]
fn long_yaml_builds() {
    // 100,000 lines of YAML: an author's bio as a literal block.
    let bio: String = (0..100_000).map(|i| format!("  line {i} of the bio.\n")).collect();
    let site = Site::new().file("content/authors/jane.yaml", format!("name: Jane\nbio: |\n{bio}"));
    let errors = build_within(&site, Duration::from_secs(60));
    assert!(errors.is_empty(), "{errors:?}");

    // 100,000 `extra` keys (200,000 values) build too: measured by scripts/limits, as a
    // debug build takes 20 s to read them.
}

#[test]
fn deep_yaml_is_a_clear_error() {
    let block: String = (0..200).map(|i| format!("{}k{i}:\n", "  ".repeat(i + 1))).collect();
    let cases = [
        ("block maps", format!("extra:\n{block}")),
        (
            "flow lists",
            format!("extra: {{a: {}{}}}\n", "[".repeat(200), "]".repeat(200)),
        ),
        (
            "flow maps",
            format!("extra: {}{}\n", "{a: ".repeat(200), "}".repeat(200)),
        ),
        (
            "very deep",
            format!("extra: {{a: {}{}}}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
    ];
    for (what, yaml) in cases {
        let site = article("Body.\n").file(
            "content/articles/big.md",
            format!("---\ntitle: Big\nauthor: jane\npublished: 2024-01-02\n{yaml}---\nBody.\n"),
        );
        let errors = build_within(&site, Duration::from_secs(30));
        assert_eq!(errors.len(), 1, "{what}: {errors:?}");
        assert!(errors[0].starts_with("content/articles/big.md:"), "{what}: {errors:?}");
        let e = &errors[0];
        assert!(
            e.contains("nests too deeply") || e.contains("recursion limit"),
            "{what}: {errors:?}"
        );
    }
}

#[test]
fn alias_bomb_is_a_clear_error() {
    // Billion laughs: nine levels of ten aliases each would be 10^9 strings. The parser
    // stops at 250,000 values (slow only in a debug build: about 20 s here, 0.3 s released).
    let mut yaml = String::from("extra:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        yaml.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    let text = format!("---\ntitle: Big\nauthor: jane\npublished: 2024-01-02\n{yaml}---\n");
    let errors = build_within(
        &article("").file("content/articles/big.md", text),
        Duration::from_secs(90),
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("content/articles/big.md:"), "{errors:?}");
    assert!(errors[0].contains("too many values"), "{errors:?}");
}
