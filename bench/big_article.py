#!/usr/bin/env python3
"""Writes a site with one very large Markdown article, for measuring peak memory.

Usage: bench/big_article.py OUT [--mb 50]

OUT/content/articles/big.md is about --mb megabytes of ordinary Markdown (headings, lists,
emphasis, links, paragraphs); `/usr/bin/time -v haven build --root OUT` then shows the peak
RSS (docs/performance.md, "Memory"). The same arguments always give the same bytes.
"""
import argparse
import os

WORDS = ("recovery support treatment naloxone counselor family meeting withdrawal "
         "medication clinic hope sleep water friend call plan today").split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=50)
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "content", "articles"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "content", "authors"), exist_ok=True)
    with open(os.path.join(a.out, "content", "site.yaml"), "w") as f:
        f.write("title: Big\nbase_url: https://example.org/\n")
    with open(os.path.join(a.out, "content", "authors", "editor.yaml"), "w") as f:
        f.write("name: Editor\n")
    target = int(a.mb * 1_000_000)
    with open(os.path.join(a.out, "content", "articles", "big.md"), "w") as f:
        f.write("---\ntitle: A very long article\ndescription: One article of %g MB.\n"
                "author: editor\npublished: 2026-01-01\n---\n\n" % a.mb)
        n, i = 0, 0
        while n < target:
            w = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(60)]
            block = "## Part %d\n\n%s *%s* **%s** [%s](https://example.org/%d).\n\n- %s\n- %s\n\n" % (
                i, " ".join(w[:40]), w[40], w[41], w[42], i, " ".join(w[43:50]), " ".join(w[50:]))
            f.write(block)
            n += len(block)
            i += 1


if __name__ == "__main__":
    main()
