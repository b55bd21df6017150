#!/usr/bin/env python3
"""Writes src/facility/zips.txt, haven's ZIP table, from the `zipcodes` data set.

haven used to depend on the `zipcodes` crate, which embeds its table bz2-compressed and
decompresses and parses all of it (JSON, 42,788 records) on first use: 0.4-0.6 s of every
build with facilities, plus bzip2 and the crate itself on a newcomer's first compile. This
script runs once, when the data set is updated, and writes a table the build reads in place
(docs/facilities.md, "ZIP code centroids"):

    one line per ZIP, sorted, fixed width (25 bytes with the newline):
    ZZZZZ SS +LL.LLLL -LLL.LLLL   without the spaces: zip, USPS state, lat, lon
    e.g. "78701TX+30.2713-097.7426"; a ZIP without coordinates has spaces for lat and lon.

Fixed width lets src/facility/zips.rs binary-search the embedded text with no parse.

Usage: scripts/zip_table.py ZIPS_JSON_BZ2 [OUT]
ZIPS_JSON_BZ2 is `src/zips.json.bz2` of the zipcodes crate (MIT; coordinates GeoNames,
CC BY 4.0): `cargo download zipcodes==3.0.1`, or the crate's source in cargo's registry
cache after any build that used it. The same input always gives the same bytes.
"""
import bz2
import json
import sys


def fixed(value, width):
    """A coordinate as a signed decimal with 4 places, zero-padded to `width`."""
    text = "%+0*.4f" % (width, value)
    if len(text) != width:
        raise SystemExit("coordinate %r does not fit %d characters" % (value, width))
    return text


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    out = sys.argv[2] if len(sys.argv) == 3 else "src/facility/zips.txt"
    records = json.loads(bz2.open(sys.argv[1]).read())
    lines = {}
    for r in records:
        zip_code, state = r["zip_code"], r["state"]
        if len(zip_code) != 5 or not zip_code.isdigit() or len(state) != 2:
            raise SystemExit("unexpected record %r" % r)
        if zip_code in lines:
            raise SystemExit("ZIP %s twice" % zip_code)
        try:
            lat, lon = float(r["lat"]), float(r["long"])
        except ValueError:
            lat = lon = 0.0
        # The crate's convention for "no location" is 0, 0 (or an empty string).
        if lat == 0.0 and lon == 0.0:
            where = " " * 17
        else:
            where = fixed(lat, 8) + fixed(lon, 9)
        lines[zip_code] = zip_code + state + where
    with open(out, "w", encoding="ascii", newline="\n") as f:
        for zip_code in sorted(lines):
            f.write(lines[zip_code] + "\n")
    print("%s: %d ZIPs" % (out, len(lines)))


if __name__ == "__main__":
    main()
