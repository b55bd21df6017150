#!/usr/bin/env python3
"""Save-to-served latency of `haven serve` (a benchmark, not a test).

Generates (or reuses) the benchmark corpus, starts `haven serve` on 127.0.0.1, then for an
article edit and for a template edit: saves the file N times (a unique marker each time,
a pause between saves) and polls the page over HTTP every 2 ms until the marker is served.
Prints the median, p95, min and max of save-to-served, plus the server's own rebuild time
from /__haven/status. Same method as ../shared/baselines.md section 5 (which used 5 saves).

    cargo build --release
    python3 bench/serve_latency.py                       # generates a 1,000 + 2,000 corpus
    python3 bench/serve_latency.py --corpus DIR --saves 20 --facilities 0

The site gets its own copy of the default theme (themes/default) so a template can be
edited; it is the same theme as the built-in one.
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO / "bench" / "gen_corpus.py"


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode("utf-8", "replace")


def start(binary, root, log):
    proc = subprocess.Popen(
        [str(binary), "serve", "--root", str(root), "--port", "0"],
        stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True,
        env={**os.environ, "RUST_BACKTRACE": "0", "NO_COLOR": "1"},
    )
    t0 = time.perf_counter()
    for line in proc.stdout:
        m = re.search(r"Serving (http://127\.0\.0\.1:\d+/)", line)
        if m:
            # Keep reading stdout (one line per rebuild) so the server never blocks on it.
            threading.Thread(target=lambda: [log.write(l) for l in proc.stdout], daemon=True).start()
            return proc, m.group(1), time.perf_counter() - t0
        if "Built" in line:
            print("  " + line.strip())
    raise SystemExit("haven serve did not start; see the log")


def measure(url, page, path, edit, saves, pause):
    """Applies edit(text, marker) to path `saves` times; returns seconds to served."""
    times, rebuilds = [], []
    for n in range(saves):
        marker = f"LATENCYMARK{os.getpid()}x{n}x{time.time_ns()}"
        text = path.read_text()
        new = edit(text, marker)
        t0 = time.perf_counter()
        path.write_text(new)
        while marker not in get(url + page):
            if time.perf_counter() - t0 > 30:
                raise SystemExit(f"marker {marker} not served after 30 s")
            time.sleep(0.002)
        times.append(time.perf_counter() - t0)
        rebuilds.append(json.loads(get(url + "__haven/status"))["last_rebuild_ms"])
        time.sleep(pause)
    return times, rebuilds


def summary(name, times, rebuilds):
    ms = sorted(t * 1000 for t in times)
    p95 = ms[max(0, math.ceil(0.95 * len(ms)) - 1)]
    print(f"{name}: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, "
          f"min {ms[0]:.1f}, max {ms[-1]:.1f} (n={len(ms)}); "
          f"server rebuild median {statistics.median(rebuilds):.1f} ms")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=REPO / "target" / "release" / "haven", type=Path)
    ap.add_argument("--corpus", type=Path, help="a gen_corpus.py output folder (generated when absent)")
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--facilities", type=int, default=2000)
    ap.add_argument("--saves", type=int, default=20)
    ap.add_argument("--pause", type=float, default=0.3, help="seconds between saves")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="haven-serve-bench-"))
    try:
        corpus = args.corpus
        if corpus is None:
            corpus = work / "corpus"
            subprocess.run([sys.executable, str(GEN), str(corpus), "--articles", str(args.articles),
                            "--facilities", str(args.facilities), "--layouts", "haven"],
                           check=True, stdout=subprocess.DEVNULL)
        # Work on a copy: the edits must not touch the corpus.
        site = work / "site"
        shutil.copytree(corpus / "haven", site)
        shutil.copytree(REPO / "themes" / "default", site / "themes" / "default", dirs_exist_ok=True)
        articles = sorted((site / "content" / "articles").rglob("*.md"))
        article = articles[len(articles) // 2]
        page = f"articles/{article.stem}/"
        template = site / "themes" / "default" / "templates" / "article.html"

        with open(work / "serve.log", "w") as log:
            proc, url, first = start(args.bin, site, log)
            try:
                print(f"{len(articles)} articles, {args.facilities} facilities; first serve after {first:.2f} s")
                get(url + page)
                a = measure(url, page, article, lambda t, m: t + f"\n\nEdited paragraph {m}.\n",
                            args.saves, args.pause)
                summary("article edit", *a)
                b = measure(url, page, template,
                            lambda t, m: re.sub(r"\{% block content %\}(<!--[^>]*-->)?",
                                                "{% block content %}<!-- " + m + " -->", t, count=1),
                            args.saves, args.pause)
                summary("template edit (article.html: every article page)", *b)
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait()
        lines = (work / "serve.log").read_text().splitlines()
        content = [l for l in lines if "content edit" in l]
        print("server log, last article edit and last template edit (stage times):",
              *content[-1:], *lines[-1:], sep="\n  ")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
