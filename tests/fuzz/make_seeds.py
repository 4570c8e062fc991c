#!/usr/bin/python3
"""Writes the hand-made seed inputs of the fuzz corpora (tests/fuzz/README.md, "Corpus").

The model corpus is the repository's own models (examples/, tests/data/), copied; the readers'
seeds are small valid files written here, plus the head of Debian's Fashion-MNIST if
installed. Targets that read two files take one input "<u16 little-endian length of the
first><first><second>" (fuzz_support.hpp, split_input). Run once from the repository root;
the corpus is then grown by fuzzing and minimised with -merge=1.
"""
import gzip
import io
import os
import shutil
import struct
import sys

import numpy as np

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
corpus = os.path.join(root, "tests", "fuzz", "corpus")


def put(target, name, data):
    os.makedirs(os.path.join(corpus, target), exist_ok=True)
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)


def two(first, second):
    return struct.pack("<H", len(first)) + first + second


def idx_images(n, rows, cols, pixels):
    return struct.pack(">IIII", 0x803, n, rows, cols) + bytes(pixels)


def idx_labels(n, labels):
    return struct.pack(">II", 0x801, n) + bytes(labels)


def npy(array, version=None):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, version=version)
    return buf.getvalue()


# Models: the repository's own, so mutations start from every section and template.
for folder in ("examples", os.path.join("examples", "rule_comparison"), os.path.join("tests", "data")):
    for name in sorted(os.listdir(os.path.join(root, folder))):
        if name.endswith(".toml"):
            shutil.copy(os.path.join(root, folder, name), os.path.join(corpus, "fuzz_model", name))

# Stimulus CSV files: rows of numbers, comments, blank lines, CRLF, signs and exponents.
put("fuzz_stimulus_csv", "two_columns.csv", b"0.1, 0.2\n0.3,0.4\n")
put("fuzz_stimulus_csv", "comments.csv", b"# rate of each input\n\n  # indented comment\n1,2,3\n+4e-1,\t5 ,-6\n")
put("fuzz_stimulus_csv", "crlf.csv", b"1.5\r\n2.5\r\n")

# IDX pairs: plain and gzipped, one and several images.
img = idx_images(3, 2, 4, [0, 1, 2, 3, 4, 5, 6, 7, 128, 129, 130, 131, 60, 70, 80, 90, 255, 254, 253, 252, 10, 20, 30, 40])
lab = idx_labels(3, [2, 0, 7])
put("fuzz_idx", "plain", two(img, lab))
put("fuzz_idx", "gzip", two(gzip.compress(img, mtime=0), gzip.compress(lab, mtime=0)))
put("fuzz_idx", "one_pixel", two(idx_images(1, 1, 1, [9]), idx_labels(1, [1])))
fashion = "/usr/share/datasets/fashion-mnist"
if os.path.isdir(fashion):
    with gzip.open(os.path.join(fashion, "t10k-images-idx3-ubyte.gz")) as f:
        head = f.read(16 + 2 * 784)
    with gzip.open(os.path.join(fashion, "t10k-labels-idx1-ubyte.gz")) as f:
        labels = f.read(8 + 2)
    # The first two test images with their header's count set to 2.
    put("fuzz_idx", "fashion_head", two(struct.pack(">II", 0x803, 2) + head[8:], struct.pack(">II", 0x801, 2) + labels[8:]))

# CSV data sets: a header, comments, a byte order mark, gzip.
put("fuzz_csv_dataset", "header.csv", b"f0,f1,label\n0.5,1e-3,1\n-2,3.25,0\n")
put("fuzz_csv_dataset", "comments_bom.csv", b"\xef\xbb\xbf# made by hand\n\n1, 2, 3.0\n+4,5,6\n")
put("fuzz_csv_dataset", "gzip.csv", gzip.compress(b"1,2,0\n3,4,1\n", mtime=0))

# NPY pairs: each feature dtype once, shapes (n, d) and (n, h, w), labels (n,) and (n, 1).
labels3 = npy(np.array([2, 0, 7], dtype="<i8"))
for dtype in ("<f4", "<f8", "|u1", "|i1", "<u2", "<i2", "<i4", "<i8"):
    x = npy(np.arange(6).reshape(3, 2).astype(dtype))
    put("fuzz_npy", "features_" + dtype.strip("<|"), two(x, labels3))
put("fuzz_npy", "images_u1_labels_u1", two(npy(np.arange(12, dtype="|u1").reshape(3, 2, 2)), npy(np.array([[1], [0], [1]], dtype="|u1"))))
put("fuzz_npy", "version2_labels_i4", two(npy(np.ones((2, 2), dtype="<f4"), (2, 0)), npy(np.array([0, 1], dtype="<i4"))))
sys.exit(0)
