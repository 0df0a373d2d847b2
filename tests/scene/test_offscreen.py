"""``render_image`` and the PNG writer."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from viewer.export.png import encode_png, write_png


def _decode(data: bytes) -> np.ndarray:
    """Just enough PNG reading for our own files (8-bit RGB, filter 0)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    pos, idat = 8, b""
    while pos < len(data):
        (n,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + 3 * w)
    return raw[:, 1:].reshape(h, w, 3)


def test_png_round_trip(tmp_path):
    image = np.random.default_rng(1).integers(0, 255, (7, 5, 3), dtype=np.uint8)
    path = write_png(tmp_path / "x.png", image)
    assert np.array_equal(_decode(path.read_bytes()), image)
    with pytest.raises(ValueError, match="uint8"):
        encode_png(image.astype(float))


def test_render_image_shows_the_selection_and_the_legend(catalog_min, synthetic_library):
    pytest.importorskip("pyvista")
    from viewer.scene.offscreen import render_image

    plain = render_image(catalog_min, synthetic_library, view="front", size=(240, 320))
    assert plain.shape == (320, 240, 3) and plain.dtype == np.uint8
    image = render_image(catalog_min, synthetic_library, view="right", select="alpha_tp1", size=(240, 320))
    def vermillion(img: np.ndarray) -> int:
        """Pixels of the essential hue whatever the shading (skin has red - green < 40)."""
        rgb = img.astype(int)
        return int(np.sum((rgb[..., 0] - rgb[..., 1] > 80) & (rgb[..., 0] - rgb[..., 2] > 100)))

    assert vermillion(image) > 100, "the essential zone must be visible"
    assert vermillion(plain) < 20
    with pytest.raises(ValueError, match="unknown trigger point"):
        render_image(catalog_min, synthetic_library, select="nope")
    with pytest.raises(ValueError, match="view must be one of"):
        render_image(catalog_min, synthetic_library, view="top")
