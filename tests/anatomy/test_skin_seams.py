"""Skin seams: closing and blur that vary smoothly where two body segments meet."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from viewer.anatomy import spec
from viewer.anatomy.sdf import Grid
from viewer.anatomy.skinshape import blur_smooth, close_segments, close_smooth, seam_fields, segment_map

ROOT = Path(__file__).resolve().parents[2]
SPACING = 0.003


def _grid(shape: tuple[int, int, int]) -> Grid:
    return Grid(np.zeros(3), SPACING, shape)


def _grooved_bar() -> np.ndarray:
    """A bar along z (40 voxels across in x, 20 in y) with a V groove (right angle, 6 voxels
    deep) down its front face: a closing of radius r fills about 0.41 r of it from the apex."""
    x, y, z = np.mgrid[:60, :40, :120]
    bar = (np.abs(x - 30) <= 20) & (np.abs(y - 20) <= 10) & (z >= 5) & (z < 115)
    groove = (y - 24) > np.abs(x - 30)
    return bar & ~groove


def _halves(shape: tuple[int, int, int]) -> np.ndarray:
    """Label 1 below the middle of z, label 2 above."""
    z = np.mgrid[: shape[0], : shape[1], : shape[2]][2]
    return np.where(z < shape[2] // 2, 1, 2).astype(np.uint8)


def _filled_depth(closed: np.ndarray) -> np.ndarray:
    """Per z slice, how far the groove is filled above its apex (voxels)."""
    return closed[30, 25:31, :].sum(axis=0)


def test_hard_labels_leave_a_step_and_the_seam_band_removes_it():
    occ = _grooved_bar()
    labels = _halves(occ.shape)
    radii = {1: 10 * SPACING, 2: 2 * SPACING}  # wide closing below (fills the groove), narrow above
    hard = _filled_depth(close_segments(occ, labels, radii, SPACING))[10:110]
    assert np.max(np.abs(np.diff(hard))) >= 3, "the hard seam should show a step (the test's premise)"
    seg = seam_fields(_grid(occ.shape), 1, labels, radii, {1: 0.0, 2: 0.0}, 20.0, occ)
    closed = close_smooth(occ, seg, SPACING)
    assert closed[occ].all(), "the closing must never remove tissue"
    depth = _filled_depth(closed)[10:110]
    assert abs(int(depth[0]) - int(hard[0])) <= 1 and abs(int(depth[-1]) - int(hard[-1])) <= 1, "each end keeps its own radius"
    assert np.max(np.abs(np.diff(depth))) <= 1, f"the fill must change gradually, got {depth.tolist()}"


def test_seam_band_never_webs_two_segments_across_an_air_gap():
    x, y, z = np.mgrid[:40, :60, :40]
    occ = ((x - 20) ** 2 + (y - 18) ** 2 + (z - 20) ** 2 <= 64) | ((x - 20) ** 2 + (y - 42) ** 2 + (z - 20) ** 2 <= 64)
    labels = np.where(y < 30, 1, 2).astype(np.uint8)
    radii = {1: 8 * SPACING, 2: 8 * SPACING}
    seg = seam_fields(_grid(occ.shape), 1, labels, radii, {1: 0.0, 2: 0.0}, 15.0, occ)
    assert not seg.reach[1][20, 42, 20], "a segment's reach must not jump an air gap"
    closed = close_smooth(occ, seg, SPACING)
    assert closed[occ].all() and not closed[20, 30, 20]


def test_blur_follows_the_segment_and_blends_across_the_seam():
    shape = (20, 20, 80)
    dist = np.zeros(shape, np.float32)
    dist[:, 10, :] = 1.0  # a thin sheet: a sharp feature that a blur flattens
    labels = _halves(shape)
    seg = seam_fields(_grid(shape), 1, labels, {1: 0.0, 2: 0.0}, {1: 3.0, 2: 0.0}, 8.0, dist > 0)
    out = blur_smooth(dist, seg)
    low, high, mid = out[10, 10, 5], out[10, 10, 75], out[10, 10, 40]
    assert low < 0.3, "the base segment is blurred"
    assert high > 0.95, "the segment asking for no blur keeps its detail"
    assert low < mid < high, "between them the blur changes gradually"


def test_shipped_segments_have_smooth_fields_and_a_sharper_face():
    data = spec.load(ROOT / "data")
    grid = Grid(np.array([-0.3, -0.2, 0.0]), 0.012, (50, 34, 150))
    occ = np.zeros(grid.shape, dtype=bool)
    seg = segment_map(data, grid, occ, data.skin.number("blur_voxels"))
    assert seg.blurs[1] == data.skin.number("blur_voxels")
    assert min(seg.blurs.values()) < seg.blurs[1], "the head segment asks for a smaller blur"
    # the radius rises by at most seam_slope per unit distance (no step at a seam), and each
    # segment keeps its own closing radius (the head, the first listed segment, label 2)
    segments = data.skin.get("segments")
    for axis in range(3):
        assert np.max(np.abs(np.diff(seg.radius, axis=axis))) <= segments["seam_slope"] * seg.coarse.spacing * 1.001
    head = data.skeleton.mm(segments["list"][0]["closing_mm"])
    assert np.any(seg.labels == 2) and np.allclose(seg.radius[seg.labels == 2], head)


def test_a_segment_reaches_only_into_the_segments_it_is_jointed_to():
    """Two thighs touching at the crotch (labels 2 and 3, both jointed to the trunk, 1): the
    right thigh reaches up into the trunk but never across into the left thigh."""
    x, y, z = np.mgrid[:40, :20, :60]
    trunk = (z >= 40) & (np.abs(x - 20) <= 15) & (np.abs(y - 10) <= 6)
    thighs = (z < 40) & (np.abs(y - 10) <= 6) & (((x - 12) ** 2 <= 64) | ((x - 28) ** 2 <= 64))
    occ = trunk | thighs
    labels = np.where(z >= 40, 1, np.where(x < 20, 2, 3)).astype(np.uint8)
    radii = {1: 6 * SPACING, 2: 6 * SPACING, 3: 6 * SPACING}
    blurs = {1: 0.0, 2: 0.0, 3: 0.0}
    seg = seam_fields(_grid(occ.shape), 1, labels, radii, blurs, 10.0, occ, {2: 1, 3: 1})
    assert seg.reach[2][12, 10, 45], "the thigh reaches into the trunk across its seam"
    assert not seg.reach[2][28, 10, 20], "but not into the other thigh"
    assert not seg.reach[1][12, 10, 30], "and the trunk does not reach down into both thighs"
    free = seam_fields(_grid(occ.shape), 1, labels, radii, blurs, 10.0, occ)
    assert free.reach[2][24, 10, 20], "(premise: without joins the reach would cross where they touch)"


def test_a_finer_grid_keeps_the_blur_in_mm_unless_a_segment_overrides_it():
    data = spec.load(ROOT / "data")
    grid = Grid(np.array([-0.3, -0.2, 0.0]), 0.012, (50, 34, 150))
    occ = np.zeros(grid.shape, dtype=bool)
    base = segment_map(data, grid, occ, data.skin.number("blur_voxels"))
    finer = segment_map(data, grid, occ, data.skin.number("blur_voxels"), 2.0, {"head": 0.7})
    head = 2  # the head is the first listed segment
    for k, blur in base.blurs.items():
        expected = 0.7 if k == head else 2.0 * blur
        assert abs(finer.blurs[k] - expected) < 1e-9
