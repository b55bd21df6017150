#!/usr/bin/env python3
"""Draws the demo site's illustration content/static/images/open-door.png: a door standing
open, warm light coming through it onto the floor. Made here, from nothing but shapes, so
it is free of any licence question; Python's standard library only (zlib for PNG).

    python3 scripts/demo_image.py   # rewrites the file (the same bytes every time)
"""
import struct
import zlib
from pathlib import Path

W, H = 1600, 1000
OUT = Path(__file__).resolve().parent.parent / "content/static/images/open-door.png"

WALL = (46, 64, 92)
FLOOR = (70, 58, 52)
FRAME = (222, 214, 200)
DOOR = (150, 92, 60)
LIGHT = (255, 214, 140)
KNOB = (240, 200, 90)


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def inside(px, py, poly):
    """Whether (px, py) is inside the polygon (even-odd rule)."""
    n, c = len(poly), False
    for i in range(n):
        (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % n]
        if (y1 > py) != (y2 > py) and px < (x2 - x1) * (py - y1) / (y2 - y1) + x1:
            c = not c
    return c


def main():
    horizon = 720
    # The doorway, the open door swung into the room, and the light on the floor.
    frame = (640, 180, 960, horizon)
    opening = (660, 200, 940, horizon)
    door = [(940, 200), (1120, 150), (1120, horizon + 60), (940, horizon)]
    light = [(660, horizon), (940, horizon), (1180, H), (420, H)]
    rows = []
    for y in range(H):
        row = bytearray([0])
        for x in range(W):
            if y >= horizon:
                c = mix(FLOOR, (40, 32, 30), (y - horizon) / (H - horizon))
            else:
                c = mix(WALL, (30, 42, 64), y / horizon)
            if frame[0] <= x < frame[2] and frame[1] <= y < frame[3]:
                c = FRAME
            if opening[0] <= x < opening[2] and opening[1] <= y < opening[3]:
                # Light through the doorway: brightest low in the middle.
                t = min(1.0, abs(x - 800) / 200 * 0.5 + (horizon - y) / horizon * 0.4)
                c = mix(LIGHT, (255, 240, 200), 1 - t)
            if y >= horizon and inside(x, y, light):
                t = (y - horizon) / (H - horizon)
                c = mix(LIGHT, c, 0.25 + 0.6 * t)
            if x >= 940 and inside(x, y, door):
                shade = (x - 940) / 180
                c = mix(DOOR, (110, 66, 44), shade)
                if (x - 1075) ** 2 + (y - 470) ** 2 < 100:
                    c = KNOB
            row += bytes(c)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(png)
    print(f"{OUT.name}: {W}x{H}, {len(png)} bytes")


if __name__ == "__main__":
    main()
