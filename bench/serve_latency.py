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
    python3 bench/serve_latency.py --spanish 50          # bilingual, and a translation edit
    python3 bench/serve_latency.py --site . --article naloxone-how-to-respond-to-an-overdose.md

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


def slug_of(article):
    """An article's slug: its front matter's `slug`, else its file name."""
    m = re.search(r"^slug:\s*\"?([^\"\n]+)", article.read_text(), re.M)
    return m.group(1).strip() if m else article.stem


SPANISH_SITE = """
languages:
  es:
    title: Recursos de recuperación (prueba)
"""
SPANISH_HOTLINE = """    hotline:
      answered_by: Las llamadas las atiende Example Partners, un anunciante pagado.
"""


def add_spanish(site, articles, measured, n):
    """Adds Spanish to the site and translations of `n` articles; returns the measured one's."""
    config = site / "content" / "site.yaml"
    text = config.read_text()
    extra = SPANISH_SITE + (SPANISH_HOTLINE if re.search(r"^hotline:", text, re.M) else "")
    config.write_text(text.rstrip("\n") + "\n" + extra)
    step = max(1, len(articles) // n)
    chosen = [measured] + [a for a in articles[::step] if a != measured][: n - 1]
    for a in chosen:
        a.with_name(a.stem + ".es.md").write_text(
            f'---\ntitle: "Traducción de {a.stem}"\nslug: {a.stem}\n---\n\n'
            "Esta es la traducción al español de un artículo de prueba.\n\n## Qué hacer\n\n"
            "Llame a la línea de ayuda si necesita hablar con alguien.\n")
    print(f"Spanish: translations of {len(chosen)} articles")
    return measured.with_name(measured.stem + ".es.md")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=REPO / "target" / "release" / "haven", type=Path)
    ap.add_argument("--corpus", type=Path, help="a gen_corpus.py output folder (generated when absent)")
    ap.add_argument("--site", type=Path, help="a site folder to use instead of a corpus (e.g. . for the demo)")
    ap.add_argument("--article", help="the article to edit, relative to content/articles/ "
                                      "(default: the middle one); its .es.md is edited too when it has one")
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--facilities", type=int, default=2000)
    ap.add_argument("--saves", type=int, default=20)
    ap.add_argument("--pause", type=float, default=0.3, help="seconds between saves")
    ap.add_argument("--spanish", type=int, default=0, metavar="N",
                    help="make the site bilingual: `languages: es` in site.yaml and Spanish "
                         "translations of N articles (the measured one among them), whose "
                         "edit is measured too")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="haven-serve-bench-"))
    try:
        corpus = args.corpus
        if corpus is None and args.site is None:
            corpus = work / "corpus"
            subprocess.run([sys.executable, str(GEN), str(corpus), "--articles", str(args.articles),
                            "--facilities", str(args.facilities), "--layouts", "haven"],
                           check=True, stdout=subprocess.DEVNULL)
        # Work on a copy: the edits must not touch the corpus.
        site = work / "site"
        if args.site is None:
            shutil.copytree(corpus / "haven", site)
        else:
            shutil.copytree(args.site / "content", site / "content")
        shutil.copytree(REPO / "themes" / "default", site / "themes" / "default", dirs_exist_ok=True)
        # Originals only: `x.es.md` is a translation.
        articles = sorted(a for a in (site / "content" / "articles").rglob("*.md") if "." not in a.stem)
        article = site / "content" / "articles" / args.article if args.article else articles[len(articles) // 2]
        page = f"articles/{slug_of(article)}/"
        template = site / "themes" / "default" / "templates" / "article.html"
        translation = add_spanish(site, articles, article, args.spanish) if args.spanish else None
        if translation is None and article.with_name(article.stem + ".es.md").exists():
            translation = article.with_name(article.stem + ".es.md")

        with open(work / "serve.log", "w") as log:
            proc, url, first = start(args.bin, site, log)
            try:
                facilities = "" if args.site else f", {args.facilities} facilities"
                print(f"{len(articles)} articles{facilities}; first serve after {first:.2f} s")
                get(url + page)
                a = measure(url, page, article, lambda t, m: t + f"\n\nEdited paragraph {m}.\n",
                            args.saves, args.pause)
                summary("article edit", *a)
                if translation:
                    es_page = f"es/articles/{slug_of(translation)}/"
                    get(url + es_page)
                    c = measure(url, es_page, translation, lambda t, m: t + f"\n\nPárrafo editado {m}.\n",
                                args.saves, args.pause)
                    summary("Spanish translation edit", *c)
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
