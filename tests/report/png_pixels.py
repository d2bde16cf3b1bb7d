"""A minimal PNG reader (8-bit RGB/RGBA, non-interlaced: what Chromium writes), so the
browser test needs no imaging library."""
from __future__ import annotations

import struct
import zlib

import numpy as np


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def read_png(path) -> np.ndarray:
    """The image as a (height, width, channels) uint8 array."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    position, idat, header = 8, [], None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"{path}: only 8-bit RGB/RGBA non-interlaced PNGs are supported")
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompress(b"".join(idat))
    image = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.int64)
    for row in range(height):
        start = row * (stride + 1)
        kind = raw[start]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=start + 1).astype(np.int64)
        if kind == 0:
            current = line
        elif kind == 2:
            current = (line + previous) % 256
        elif kind == 1:
            current = (np.cumsum(line.reshape(width, channels), axis=0) % 256).reshape(-1)
        else:
            current = _sequential(kind, line.tolist(), previous.tolist(), channels)
        image[row] = current
        previous = np.asarray(current, dtype=np.int64)
    return image.reshape(height, width, channels)


def _sequential(kind: int, line: list, up: list, channels: int) -> np.ndarray:
    """Average (3) and Paeth (4) filters depend on the reconstructed left neighbour."""
    out = [0] * len(line)
    for i, value in enumerate(line):
        left = out[i - channels] if i >= channels else 0
        if kind == 3:
            out[i] = (value + (left + up[i]) // 2) % 256
        elif kind == 4:
            upper_left = up[i - channels] if i >= channels else 0
            out[i] = (value + _paeth(left, up[i], upper_left)) % 256
        else:
            raise ValueError(f"unknown PNG filter type {kind}")
    return np.array(out, dtype=np.int64)
