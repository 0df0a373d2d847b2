"""``write_png(path, rgb)``: a minimal PNG writer (numpy and zlib only)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an (h, w, 3) or (h, w, 4) uint8 image."""
    image = np.asarray(rgb)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] not in (3, 4) or 0 in image.shape[:2]:
        raise ValueError(f"expected an (h, w, 3|4) uint8 image, got shape {image.shape} dtype {image.dtype}")
    h, w, c = image.shape
    raw = np.zeros((h, 1 + w * c), np.uint8)  # filter byte 0 (None) per row
    raw[:, 1:] = image.reshape(h, w * c)
    header = struct.pack(">IIBBBBB", w, h, 8, 2 if c == 3 else 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)) + _chunk(b"IEND", b""))


def write_png(path: Path | str, rgb: np.ndarray) -> Path:
    """Write ``rgb`` to ``path`` as PNG; returns the path."""
    path = Path(path)
    path.write_bytes(encode_png(rgb))
    return path
