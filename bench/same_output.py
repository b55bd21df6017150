#!/usr/bin/env python3
"""Builds one site with two haven binaries and compares every output file byte for byte.

Proves that a change meant only for speed left the output as it was: each binary builds
SITE into a folder of its own, then every file of either output is compared.

Usage:
  bench/same_output.py OLD_HAVEN NEW_HAVEN SITE [--expect-changed GLOB ...]

OLD_HAVEN and NEW_HAVEN are haven binaries (for two commits: build each, e.g. with
`git worktree add` and `cargo build --release`, or copy target/release/haven aside before
switching). SITE is a site folder (the one holding content/). Files matching an
--expect-changed glob (relative path, fnmatch; e.g. 'treatment/data/*' '*.css') may
differ, appear or disappear; they are counted apart. Exit status 0 when every other file
is identical, 1 otherwise (the differing files are listed).

--ignore-asset-hashes compares files with the content hashes of theme asset names
(`locator.3f2a9c1d0e.js`) blanked out, and asset files by their unhashed name: for a
change that edits a theme asset on purpose, every page that links it differs only there.
"""
import argparse
import fnmatch
import os
import re
import subprocess
import sys
import tempfile


def build(haven, site, out):
    run = subprocess.run([haven, "build", "--root", site, "-o", out], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("%s failed on %s:\n%s%s" % (haven, site, run.stdout, run.stderr))


HASHED = re.compile(rb"([A-Za-z0-9_-]+)\.[0-9a-f]{10}\.(css|js)")


def files(root, unhash):
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            rel = os.path.relpath(p, root)
            if unhash:
                rel = HASHED.sub(rb"\1.HASH.\2", rel.encode()).decode()
            out[rel] = p
    return out


def read(path, unhash):
    with open(path, "rb") as f:
        data = f.read()
    return HASHED.sub(rb"\1.HASH.\2", data) if unhash else data


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("site")
    ap.add_argument("--expect-changed", nargs="*", default=[], metavar="GLOB")
    ap.add_argument("--ignore-asset-hashes", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old_out, new_out = os.path.join(tmp, "old"), os.path.join(tmp, "new")
        build(a.old, a.site, old_out)
        build(a.new, a.site, new_out)
        old, new = files(old_out, a.ignore_asset_hashes), files(new_out, a.ignore_asset_hashes)
        expected = lambda rel: any(fnmatch.fnmatch(rel, g) for g in a.expect_changed)
        same, changed, unexpected = 0, 0, []
        for rel in sorted(set(old) | set(new)):
            if rel in old and rel in new:
                equal = read(old[rel], a.ignore_asset_hashes) == read(new[rel], a.ignore_asset_hashes)
            else:
                equal = False
            if equal:
                same += 1
            elif expected(rel):
                changed += 1
            else:
                where = "only old" if rel not in new else "only new" if rel not in old else "differs"
                unexpected.append("%s (%s)" % (rel, where))
        print("%s: %d files identical, %d expected to change differ (old %d files, new %d files), %d unexpected"
              % (a.site, same, changed, len(old), len(new), len(unexpected)))
        for u in unexpected[:50]:
            print("  " + u)
        sys.exit(1 if unexpected else 0)


if __name__ == "__main__":
    main()
