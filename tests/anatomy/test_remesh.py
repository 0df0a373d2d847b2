"""Isotropic remeshing (viewer/anatomy/remesh.py): closed, near-equilateral, on the surface."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from viewer.anatomy import meshutil, remesh

AXES = np.array([0.1, 0.1, 0.3])  # an ellipsoid 3:1, metres


def _on_ellipsoid(points: np.ndarray) -> np.ndarray:
    """Radial projection onto the ellipsoid (enough to keep the vertices on the surface)."""
    q = points / AXES
    return q / np.linalg.norm(q, axis=1, keepdims=True) * AXES


def _stretched_sphere() -> tuple[np.ndarray, np.ndarray]:
    """A unit icosphere stretched 3:1 along z: triangles three times longer than wide."""
    ico = trimesh.creation.icosphere(subdivisions=3)
    return np.asarray(ico.vertices) * AXES, np.asarray(ico.faces, dtype=np.int64)


def _edge_lengths(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    e = np.unique(np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1), axis=0)
    return np.linalg.norm(points[e[:, 0]] - points[e[:, 1]], axis=1)


def _min_angles(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    out = []
    for k in range(3):
        a, b, c = (points[faces[:, (k + j) % 3]] for j in range(3))
        x, y = b - a, c - a
        cos = np.einsum("ij,ij->i", x, y) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))
        out.append(np.degrees(np.arccos(np.clip(cos, -1, 1))))
    return np.min(out, axis=0)


def test_remesh_makes_even_triangles_on_the_surface():
    points, faces = _stretched_sphere()
    before = _min_angles(points, faces)
    length = remesh.length_for(points, faces, 1500)
    p, f = remesh.isotropic(points, faces, length, _on_ellipsoid, iterations=5)
    assert meshutil.is_closed_manifold(p, f)
    lengths = _edge_lengths(p, f)
    assert lengths.max() <= 4.0 / 3.0 * length * 1.05  # nothing left unsplit
    assert np.median(lengths) == pytest.approx(length, rel=0.15)
    after = _min_angles(p, f)
    assert np.percentile(after, 1) > np.percentile(before, 1) + 5  # fewer slivers than the input
    assert after.min() > 10
    assert 0.8 * 1500 <= len(f) <= 1.25 * 1500  # the fitted length gives about the asked count
    assert np.allclose(np.linalg.norm(p / AXES, axis=1), 1.0, atol=1e-9)


def test_remesh_is_deterministic():
    points, faces = _stretched_sphere()
    length = remesh.length_for(points, faces, 800)
    p1, f1 = remesh.isotropic(points, faces, length, _on_ellipsoid, iterations=3)
    p2, f2 = remesh.isotropic(points, faces, length, _on_ellipsoid, iterations=3)
    assert np.array_equal(f1, f2) and np.array_equal(p1, p2)


def test_remesh_refuses_an_open_mesh():
    points, faces = _stretched_sphere()
    with pytest.raises(ValueError, match="closed and manifold"):
        remesh.isotropic(points, faces[1:], 0.05, None, iterations=1)


def test_sizing_refines_where_asked_and_the_fit_keeps_the_count():
    points, faces = _stretched_sphere()

    def sizing(p: np.ndarray) -> np.ndarray:  # finer towards the top pole
        return np.where(p[:, 2] > 0.15, 0.012, 1.0)

    length = remesh.length_for(points, faces, 1500, sizing, finest=0.3)
    p, f = remesh.isotropic(points, faces, length, _on_ellipsoid, iterations=5, sizing=sizing, finest=0.3)
    assert meshutil.is_closed_manifold(p, f)
    assert 0.75 * 1500 <= len(f) <= 1.3 * 1500
    edges = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
    mid_z = 0.5 * (p[edges[:, 0], 2] + p[edges[:, 1], 2])
    lengths = np.linalg.norm(p[edges[:, 0]] - p[edges[:, 1]], axis=1)
    top, rest = np.median(lengths[mid_z > 0.2]), np.median(lengths[np.abs(mid_z) < 0.1])
    assert top < 0.7 * rest


def test_bend_limit_reads_the_curvature_of_a_sphere():
    from viewer.anatomy.fields import Field
    from viewer.anatomy.sdf import Grid
    from viewer.anatomy.skin import bend_limit

    grid = Grid(np.full(3, -0.1), 0.003, (67, 67, 67))
    idx = np.indices(grid.shape).reshape(3, -1).T * grid.spacing + grid.origin
    radius = 0.05
    field = Field(grid, (np.linalg.norm(idx, axis=1) - radius).reshape(grid.shape).astype(np.float32))
    on_surface = np.array([[radius, 0, 0], [0, -radius, 0], [0.0, 0.03, 0.04]])
    # Laplacian of the distance to a sphere on its surface: 2 / r, so the limit is 0.8 r / 2
    assert np.allclose(bend_limit(field, 0.8)(on_surface), 0.4 * radius, rtol=0.1)
