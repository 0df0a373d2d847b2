"""The skin field's building blocks: the banded (slab-wise) signed distance and the soft clip."""

from __future__ import annotations

import numpy as np

from viewer.anatomy.fields import signed_distance
from viewer.anatomy.skin import banded_signed_distance, soft_clip


def _body() -> np.ndarray:
    rng = np.random.default_rng(7)
    occ = np.zeros((40, 36, 150), dtype=bool)
    occ[8:32, 6:30, 12:138] = True
    occ[14:22, 2:34, 50:60] = False  # a cleft through the block
    occ |= rng.random(occ.shape) > 0.998  # specks far from it
    return occ


def test_banded_distance_matches_the_whole_grid_transform_inside_the_band():
    occ, spacing, band = _body(), 0.003, 0.03
    whole = signed_distance(occ, spacing)
    for rows in (17, 64, 400):  # slabs thinner than the band, thicker, and one slab
        banded = banded_signed_distance(occ, spacing, band, rows)
        assert banded.dtype == np.float32 and banded.shape == occ.shape
        near = np.abs(whole) < band - spacing
        assert np.allclose(banded[near], whole[near], atol=1e-6)
        # beyond the band the value is held at the band, with the right sign
        far = ~near
        assert np.all(np.sign(banded[far]) == np.sign(whole[far]))
        assert np.all(np.abs(banded[far]) >= band - spacing - 1e-6)


def test_soft_clip_rounds_the_corners_and_never_exceeds_the_upper_bound():
    x = np.linspace(-6.0, 6.0, 241, dtype=np.float32)
    lo, hi = np.full_like(x, -2.0), np.full_like(x, 2.0)
    soft = soft_clip(x, lo, hi, np.float32(1.0))
    hard = np.clip(x, lo, hi)
    assert np.all(soft <= hi + 1e-6)  # the skin keeps at least the thinnest fat over tissue
    assert np.allclose(soft[np.abs(x) > 3], hard[np.abs(x) > 3])  # away from the corners: a clip
    assert np.allclose(soft[np.abs(x) < 0.5], x[np.abs(x) < 0.5])  # in the middle: untouched
    slope = np.diff(soft) / np.diff(x)
    assert np.max(np.abs(np.diff(slope))) < 0.1  # no kink: the slope changes gradually
    assert np.array_equal(soft_clip(x, lo, hi, np.float32(0.0)), hard)
