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

--ignore-json-member ID:KEY compares pages with member KEY taken out of the JSON of the
`<script id=ID>` block (`locator-vocab:strings`): for a change that adds data there on
purpose, the rest of the block and of the page must still be identical.
"""
import argparse
import fnmatch
import json
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


def without_members(data, drop):
    """`data` with member KEY taken out of the JSON of each `<script ... id=ID>` (ID:KEY in drop)."""
    for spec in drop:
        sid, key = spec.split(":", 1)
        block = re.compile(rb'(<script[^>]*\bid="?' + re.escape(sid.encode()) + rb'"?[^>]*>)(.*?)(</script>)', re.S)

        def strip(m):
            try:
                v = json.loads(m.group(2))
            except ValueError:
                return m.group(0)
            if isinstance(v, dict):
                v.pop(key, None)
            return m.group(1) + json.dumps(v, sort_keys=True).encode() + m.group(3)

        data = block.sub(strip, data)
    return data


def read(path, unhash, drop=()):
    with open(path, "rb") as f:
        data = f.read()
    data = HASHED.sub(rb"\1.HASH.\2", data) if unhash else data
    return without_members(data, drop) if drop else data


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("site")
    ap.add_argument("--expect-changed", nargs="*", default=[], metavar="GLOB")
    ap.add_argument("--ignore-asset-hashes", action="store_true")
    ap.add_argument("--ignore-json-member", nargs="*", default=[], metavar="ID:KEY")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old_out, new_out = os.path.join(tmp, "old"), os.path.join(tmp, "new")
        build(a.old, a.site, old_out)
        build(a.new, a.site, new_out)
        old, new = files(old_out, a.ignore_asset_hashes), files(new_out, a.ignore_asset_hashes)
        expected = lambda rel: any(fnmatch.fnmatch(rel, g) for g in a.expect_changed)
        same, changed, unexpected, same_but_member = 0, 0, [], 0
        for rel in sorted(set(old) | set(new)):
            if rel in old and rel in new:
                equal = read(old[rel], a.ignore_asset_hashes) == read(new[rel], a.ignore_asset_hashes)
                if not equal and a.ignore_json_member:
                    drop = a.ignore_json_member
                    equal = read(old[rel], a.ignore_asset_hashes, drop) == read(new[rel], a.ignore_asset_hashes, drop)
                    same_but_member += equal
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
        if a.ignore_json_member:
            print("  of the identical: %d differ only in %s" % (same_but_member, " ".join(a.ignore_json_member)))
        for u in unexpected[:50]:
            print("  " + u)
        sys.exit(1 if unexpected else 0)


if __name__ == "__main__":
    main()
