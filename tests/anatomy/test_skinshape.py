"""Skin envelope helpers: per-segment closing and the regional fat map."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from viewer.anatomy import spec
from viewer.anatomy.sdf import Grid
from viewer.anatomy.skinshape import close_segments, fat_anchors, fat_slabs, fat_values

ROOT = Path(__file__).resolve().parents[2]
SPACING = 0.003


def _two_balls(gap_vox: int) -> np.ndarray:
    """Two balls of radius 8 voxels side by side along y, ``gap_vox`` voxels apart."""
    x, y, z = np.mgrid[:40, :60, :40]
    c1, c2 = 30 - 8 - gap_vox // 2, 30 + 8 + (gap_vox - gap_vox // 2)
    return ((x - 20) ** 2 + (y - c1) ** 2 + (z - 20) ** 2 <= 64) | ((x - 20) ** 2 + (y - c2) ** 2 + (z - 20) ** 2 <= 64)


def test_closing_bridges_a_narrow_gap_within_one_segment():
    occ = _two_balls(4)
    closed = close_segments(occ, np.ones(occ.shape, np.uint8), {1: 8 * SPACING}, SPACING)
    assert closed[occ].all(), "the closing must never remove tissue"
    assert closed[20, 30, 20] and not occ[20, 30, 20]


def test_closing_never_webs_two_segments():
    occ = _two_balls(4)
    labels = np.where(np.mgrid[:40, :60, :40][1] < 30, 1, 2).astype(np.uint8)
    closed = close_segments(occ, labels, {1: 8 * SPACING, 2: 8 * SPACING}, SPACING)
    assert closed[occ].all()
    assert not closed[20, 30, 20], "the gap between two segments must stay open"


def test_fat_map_follows_its_anchors_and_fades_to_the_default():
    centres = np.array([[0.0, 0.0, 0.0]])
    values = fat_values(np.array([[0.0, 0.0, 0.0], [0.5, 0.0, 0.0]]), 0.005, centres,
                        np.array([0.05]), np.array([0.010]))
    assert values[0] > 0.0095 and abs(values[1] - 0.005) < 1e-6


def test_shipped_fat_map_is_within_the_literature_range_and_interpolates():
    data = spec.load(ROOT / "data")
    default, centres, radii, values = fat_anchors(data)
    mm = data.skeleton.mm
    assert mm(1.5) <= default <= mm(10) and np.all(values >= mm(1.5)) and np.all(values <= mm(12))
    # bilateral anchors come in mirrored pairs
    off = np.abs(centres[:, 0]) > 1e-6
    mirrored = centres[off] * np.array([-1.0, 1.0, 1.0])
    assert all(np.min(np.linalg.norm(centres - m, axis=1)) < 1e-9 for m in mirrored)
    grid = Grid(np.array([-0.2, -0.15, 0.0]), 0.012, (34, 26, 150))
    slabs = np.concatenate([f for _, f in fat_slabs(data, grid, coarse_factor=2, chunk=7)])
    assert slabs.shape == grid.shape
    # on the nodes of the coarse grid (every 2nd voxel) the interpolation is exact
    idx = [np.arange(0, n, 4) for n in grid.shape]
    axes = [grid.origin[k] + grid.spacing * idx[k] for k in range(3)]
    pts = np.stack([c.ravel() for c in np.meshgrid(*axes, indexing="ij")], axis=1)
    exact = fat_values(pts, default, centres, radii, values).reshape([len(i) for i in idx])
    assert np.max(np.abs(slabs[np.ix_(*idx)] - exact)) < mm(0.01)
    assert slabs.min() >= values.min() - mm(0.01) and slabs.max() <= max(values.max(), default) + mm(0.01)
