"""Finer skin over the face: remeshing zones, the blended detail field, per-anchor extra depth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import trimesh

from viewer.anatomy import remesh, spec
from viewer.anatomy.fields import Field
from viewer.anatomy.sdf import Grid
from viewer.anatomy.skin import remesh_weight
from viewer.anatomy.skindetail import DetailField, extra_anchors
from viewer.anatomy.skinshape import fat_anchors

ROOT = Path(__file__).resolve().parents[2]


def _edge_lengths(points: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    e = np.unique(np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1), axis=0)
    return np.linalg.norm(points[e[:, 0]] - points[e[:, 1]], axis=1), 0.5 * (points[e[:, 0]] + points[e[:, 1]])


def test_weight_meshes_one_half_finer_and_counts_it_in_the_budget():
    ico = trimesh.creation.icosphere(subdivisions=4, radius=0.1)
    pts, faces = np.asarray(ico.vertices), np.asarray(ico.faces, dtype=np.int64)

    def weight(p: np.ndarray) -> np.ndarray:
        return np.where(p[:, 2] > 0, 0.5, 1.0)

    def project(p: np.ndarray) -> np.ndarray:
        return p / np.linalg.norm(p, axis=1, keepdims=True) * 0.1

    target = 3000
    length = remesh.length_for(pts, faces, target, weight=weight)
    assert length > remesh.length_for(pts, faces, target), "finer parts must use up budget"
    p, f = remesh.isotropic(pts, faces, length, project, iterations=4, weight=weight)
    lengths, mids = _edge_lengths(p, f)
    upper = np.median(lengths[mids[:, 2] > 0.03])
    lower = np.median(lengths[mids[:, 2] < -0.03])
    assert upper < 0.7 * lower
    assert 0.7 * target < len(f) < 1.3 * target


def test_shipped_zones_refine_the_face_only():
    data = spec.load(ROOT / "data")
    sk = data.skeleton
    probes = np.array([sk.resolve("nasion", "t"), sk.resolve("umbilicus", "t"), sk.resolve("tragion", "t")])
    for lod in (0, 1):
        weight = remesh_weight(data, lod)
        assert weight is not None
        w = weight(probes)
        assert w[0] < 0.6 and w[1] == 1.0 and w[2] < 0.8
        mirrored = weight(probes * np.array([-1.0, 1.0, 1.0]))
        assert np.allclose(w, mirrored), "zones off the midline are mirrored"


def _ball(grid: Grid, radius: float) -> np.ndarray:
    axes = [grid.origin[k] + grid.spacing * np.arange(grid.shape[k]) for k in range(3)]
    x, y, z = np.meshgrid(*axes, indexing="ij")
    return (np.sqrt(x * x + y * y + z * z) - radius).astype(np.float32)


def test_detail_field_takes_the_fine_field_where_its_weight_is_one():
    coarse_grid = Grid(np.array([-0.1, -0.1, -0.1]), 0.004, (51, 51, 51))
    fine_grid = Grid(np.array([-0.1, -0.1, -0.1]), 0.001, (201, 201, 201))
    coarse = Field(coarse_grid, _ball(coarse_grid, 0.05))
    blended = DetailField(fine_grid, _ball(fine_grid, 0.055), coarse=coarse,
                          weight=lambda p: np.clip(p[:, 2] / 0.02, 0.0, 1.0))
    top, bottom, side = np.array([[0, 0, 0.05]]), np.array([[0, 0, -0.05]]), np.array([[0.05, 0, 0.01]])
    assert abs(blended.sample(top)[0] + 0.005) < 5e-4      # the fine ball (5.5 cm) above
    assert abs(blended.sample(bottom)[0]) < 5e-4           # the coarse ball (5 cm) below
    assert -0.005 < blended.sample(side)[0] < 0            # in between across the blend
    g = blended.gradient(top)
    assert np.allclose(g[0], [0, 0, 1], atol=0.05)


def test_extra_depth_defaults_to_max_extra_and_follows_the_fat_anchors():
    data = spec.load(ROOT / "data")
    mm = data.skeleton.mm
    default, centres, radii, values = extra_anchors(data)
    _, fat_centres, fat_radii, _ = fat_anchors(data)
    assert default == mm(data.skin.number("max_extra_mm"))
    assert np.array_equal(centres, fat_centres) and np.array_equal(radii, fat_radii)
    assert len(values) == len(centres)
    assert np.sum(values < default) >= 2, "the lids and the mouth line carry their own extra depth"
    assert np.all(values >= 0) and np.all(values <= default)
