#!/usr/bin/python3
"""Run `cortexsim plot` on a finished run and check the figures it writes.

usage: /usr/bin/python3 tests/tools/check_plots.py CORTEXSIM RUN_DIR NAME...
       /usr/bin/python3 tests/tools/check_plots.py --self-test

Runs `CORTEXSIM plot RUN_DIR --out RUN_DIR/checked_plots` with no display, then checks that
  - it exits with 0 and prints exactly NAME.png and NAME.svg for every NAME given;
  - every PNG starts with the PNG signature, its IHDR says 900 x 600 pixels (tools/plot_run.py
    draws every figure at 9 x 6 inches, 100 dpi), its IDAT data decompresses with zlib to
    height x (1 + width x channels) bytes, and its pixels are not all one colour (decoded with
    matplotlib.image);
  - every SVG parses as XML with an <svg> root.
--self-test checks that the checks reject a blank PNG, a wrong size and a broken signature.

Exit status: 0 if everything holds, 1 if not (each problem is printed), 2 on usage errors.
"""
import os
import pathlib
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

EXPECTED_SIZE = (900, 600)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type -> samples per pixel


def png_problems(path):
    """What is wrong with the PNG at `path`, as a list of messages (empty: fine)."""
    data = pathlib.Path(path).read_bytes()
    if not data.startswith(PNG_SIGNATURE):
        return ["no PNG signature"]
    pos, chunks = len(PNG_SIGNATURE), []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunks.append((kind, data[pos + 8:pos + 8 + length]))
        pos += 12 + length
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        return ["the first chunk is not a 13-byte IHDR"]
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    problems = []
    if (width, height) != EXPECTED_SIZE:
        problems.append(f"IHDR says {width} x {height}, expected {EXPECTED_SIZE[0]} x "
                        f"{EXPECTED_SIZE[1]}")
    try:
        raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    except zlib.error as e:
        return problems + [f"IDAT does not decompress: {e}"]
    row_bytes = 1 + (width * CHANNELS.get(colour, 4) * depth + 7) // 8
    if len(raw) != height * row_bytes:
        problems.append(f"IDAT holds {len(raw)} bytes, expected {height * row_bytes}")
    import matplotlib.image
    pixels = matplotlib.image.imread(path)
    if pixels.std() == 0:
        problems.append("every pixel has the same colour (a blank figure)")
    return problems


def svg_problems(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return [f"not XML: {e}"]
    return [] if root.tag.endswith("svg") else [f"the root element is <{root.tag}>, not <svg>"]


def check(cli, run, names):
    out = run / "checked_plots"
    env = dict(os.environ)
    env.pop("DISPLAY", None)  # figures must not need a display
    result = subprocess.run([cli, "plot", str(run), "--out", str(out)], capture_output=True,
                            text=True, env=env)
    problems = []
    if result.returncode != 0:
        return [f"plot exited with {result.returncode}: {result.stderr.strip()}"]
    printed = sorted(pathlib.Path(line).name for line in result.stdout.split())
    expected = sorted(f"{n}.{ext}" for n in names for ext in ("png", "svg"))
    if printed != expected:
        problems.append(f"plot printed {printed}, expected {expected}")
    for name in expected:
        path = out / name
        if not path.exists():
            problems.append(f"{path} is missing")
            continue
        for p in (png_problems if name.endswith(".png") else svg_problems)(path):
            problems.append(f"{path}: {p}")
    return problems


def self_test():
    """The checks must fail on broken figures, or passing them would mean nothing."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        fig = plt.figure(figsize=(9, 6), dpi=100)
        fig.savefig(tmp / "blank.png", dpi=100)
        fig.gca().plot([0, 1], [0, 1])
        fig.savefig(tmp / "good.png", dpi=100)
        fig.savefig(tmp / "small.png", dpi=50)
        (tmp / "broken.png").write_bytes(b"GIF89a" + (tmp / "good.png").read_bytes()[6:])
        cases = {"good.png": None, "blank.png": "blank figure", "small.png": "450 x 300",
                 "broken.png": "no PNG signature"}
        for name, expect in cases.items():
            got = png_problems(tmp / name)
            if expect is None and got:
                problems.append(f"self-test: a good figure was rejected: {got}")
            if expect is not None and not any(expect in g for g in got):
                problems.append(f"self-test: {name} was not rejected for '{expect}': {got}")
    return problems


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        problems, what = self_test(), "the checks reject broken figures"
    elif len(argv) >= 4:
        problems = check(argv[1], pathlib.Path(argv[2]), argv[3:])
        what = f"{2 * len(argv[3:])} figures of {argv[2]}"
    else:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    for p in problems:
        print(f"check_plots: {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_plots: {what}: all good")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
