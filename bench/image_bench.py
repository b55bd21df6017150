#!/usr/bin/env python3
"""Image budgets of issue 18 (docs/images.md), measured with a release haven:

1. An article with a 4000x3000 JPEG sends a 390 px wide phone at most 80 KB for it. The
   phone is taken at DPR 2 (most phones in use; DPR 3 is printed too): the file a browser
   picks is the smallest of the WebP `srcset` whose width is at least the slot's width in
   CSS px (from `sizes`) times the DPR.
2. A rebuild with a warm image cache adds at most 5 ms per image: the median of warm
   builds of a site with N such photos, less that of the same site with the same files
   under a name haven does not process (`.jpg.raw`, copied as they are, as every image
   was before issue 18), over N. What is left is the image work: reading and hashing the
   source, copying its six copies from the cache, and the longer HTML.

The photos are made here with Pillow (`pip install pillow`): several octaves of seeded
noise, coloured, so that they compress like a detailed photo and not like a flat drawing.
Nothing is downloaded.

    cargo build --release
    python3 bench/image_bench.py [--haven target/release/haven] [--images 8] [--runs 5]
"""
import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from PIL import Image, ImageFilter
except ImportError:
    sys.exit("bench/image_bench.py needs Pillow: pip install pillow")

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests/fixtures/basic"
PHONE_CSS_PX = 390
BUDGET = 80_000
WARM_BUDGET_MS = 5.0


def photo(path, seed, w=4000, h=3000):
    """A 4000x3000 JPEG (quality 90, as a phone saves it) with photo-like detail."""
    rng = random.Random(seed)
    channels = []
    for c in range(3):
        layers = []
        for size in (8, 32, 128, 512, 2000):
            noise = Image.effect_noise((size * w // 4000 or 1, size * h // 4000 or 1), 60 + rng.random() * 20)
            layers.append(noise.resize((w, h), Image.BICUBIC))
        img = layers[0]
        for i, layer in enumerate(layers[1:], 1):
            img = Image.blend(img, layer, 0.5 / i)
        channels.append(img.filter(ImageFilter.GaussianBlur(0.6)))
    Image.merge("RGB", channels).save(path, "JPEG", quality=90)


def site(tmp, name, photos):
    """The basic fixture with one article showing `photos` (names under /images/)."""
    root = tmp / name
    shutil.copytree(FIXTURE, root)
    body = "\n\n".join(f"![A photo, number {i + 1}](/images/{p})" for i, p in enumerate(photos))
    (root / "content/articles/photos.md").write_text(
        "---\ntitle: Photos\nauthor: editorial-team\npublished: 2024-02-01\n---\n\n"
        f"Some photos.\n\n{body or 'None today.'}\n"
    )
    return root


def build(haven, root):
    t = time.perf_counter()
    subprocess.run([haven, "build"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def slot_px(sizes, viewport):
    """The slot width of a `sizes` value for a viewport of `viewport` CSS px (16 px rem),
    for the forms haven writes: `(max-width: Xrem) calc(100vw - Yrem), Zrem`."""
    m = re.fullmatch(r"\(max-width: ([\d.]+)rem\) calc\(100vw - ([\d.]+)rem\), ([\d.]+)rem", sizes)
    if not m:
        sys.exit(f"unexpected sizes {sizes!r}")
    limit, pad, fixed = (float(x) * 16 for x in m.groups())
    return viewport - pad if viewport <= limit else fixed


def chosen(srcset, need):
    entries = sorted((int(w[:-1]), url) for url, w in (e.strip().rsplit(" ", 1) for e in srcset.split(",")))
    for width, url in entries:
        if width >= need:
            return width, url
    return entries[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--haven", default=str(ROOT / "target/release/haven"))
    ap.add_argument("--images", type=int, default=8)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    haven = str(Path(args.haven).resolve())
    with tempfile.TemporaryDirectory(prefix="haven-image-bench-") as t:
        tmp = Path(t)
        # 1. The phone budget.
        one = site(tmp, "one", ["photo.jpg"])
        photo(one / "content/static/images/photo.jpg", 1)
        src_size = (one / "content/static/images/photo.jpg").stat().st_size
        cold = build(haven, one)
        html = (one / "output/articles/photos/index.html").read_text()
        m = re.search(r'<source[^>]*srcset="?([^">]+)"?[^>]*>', html)
        s = re.search(r'sizes="([^"]+)"', html)
        if not (m and s):
            sys.exit("no <source srcset> with sizes in the article")
        srcset = m.group(1)
        slot = slot_px(s.group(1), PHONE_CSS_PX)
        print(f"source 4000x3000 JPEG, {src_size / 1000:.0f} KB; cold build with it {cold * 1000:.0f} ms")
        ok = True
        for dpr in (2, 3):
            width, url = chosen(srcset, slot * dpr)
            size = (one / "output" / url.lstrip("/")).stat().st_size
            line = f"390 px phone, DPR {dpr}: slot {slot:.0f} px -> {url} ({width} w), {size / 1000:.1f} KB"
            if dpr == 2:
                ok &= size <= BUDGET
                line += f" (budget {BUDGET / 1000:.0f} KB: {'ok' if size <= BUDGET else 'OVER'})"
            print(line)

        # 2. Warm rebuilds, per image.
        names = [f"p{i}.jpg" for i in range(args.images)]
        with_images = site(tmp, "many", names)
        for i, n in enumerate(names):
            photo(with_images / "content/static/images" / n, 100 + i)
        without = site(tmp, "none", [])
        for n in names:
            shutil.copy(with_images / "content/static/images" / n, without / "content/static/images" / (n + ".raw"))
        t0 = time.perf_counter()
        build(haven, with_images)
        print(f"cold build of {args.images} photos: {(time.perf_counter() - t0) * 1000:.0f} ms")
        build(haven, without)
        warm = statistics.median(build(haven, with_images) for _ in range(args.runs))
        base = statistics.median(build(haven, without) for _ in range(args.runs))
        per = (warm - base) * 1000 / args.images
        ok &= per <= WARM_BUDGET_MS
        print(
            f"warm build with {args.images} photos {warm * 1000:.0f} ms, with them copied as they are {base * 1000:.0f} ms "
            f"(median of {args.runs}): {per:.2f} ms per image (budget {WARM_BUDGET_MS} ms: "
            f"{'ok' if per <= WARM_BUDGET_MS else 'OVER'})"
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
