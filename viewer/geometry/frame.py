"""Muscle frame (s, t, depth) -> 3D point, and nearest vertex / surface point queries.

A trigger point is stored as (muscle part, s, t, depth) so it survives a rebuild of the meshes
(see ``docs/assets.md``); :func:`place` turns it into a point in the body frame and
:func:`nearest_surface_point` finds the skin point over it.
"""

from __future__ import annotations

import numpy as np

from viewer.geometry.meshes import MeshData
from viewer.geometry.surface import cached_per_mesh

FRAME_ARRAYS = ("frame_mid", "frame_normal", "frame_thickness")
def _closest_on_triangles(tris: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Closest point on each triangle (k, 3, 3) to each point (k, 3), numpy only.

    The region tests of Ericson, *Real-Time Collision Detection* (2005), section 5.1.5,
    vectorised; written here so that the viewer does not import trimesh at start-up.
    """
    a, b, c = tris[:, 0], tris[:, 1], tris[:, 2]
    ab, ac = b - a, c - a
    ap, bp, cp = points - a, points - b, points - c
    d1, d2 = np.einsum("ij,ij->i", ab, ap), np.einsum("ij,ij->i", ac, ap)
    d3, d4 = np.einsum("ij,ij->i", ab, bp), np.einsum("ij,ij->i", ac, bp)
    d5, d6 = np.einsum("ij,ij->i", ab, cp), np.einsum("ij,ij->i", ac, cp)
    va, vb, vc = d3 * d6 - d5 * d4, d5 * d2 - d1 * d6, d1 * d4 - d3 * d2
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = va + vb + vc
        out = a + ab * np.nan_to_num(vb / denom)[:, None] + ac * np.nan_to_num(vc / denom)[:, None]
        # later assignments take precedence, in the reverse of Ericson's test order
        t_bc = np.nan_to_num((d4 - d3) / ((d4 - d3) + (d5 - d6)))
        m = (va <= 0) & (d4 - d3 >= 0) & (d5 - d6 >= 0)
        out[m] = (b + (c - b) * t_bc[:, None])[m]
        t_ac = np.nan_to_num(d2 / (d2 - d6))
        m = (vb <= 0) & (d2 >= 0) & (d6 <= 0)
        out[m] = (a + ac * t_ac[:, None])[m]
        m = (d6 >= 0) & (d5 <= d6)
        out[m] = c[m]
        t_ab = np.nan_to_num(d1 / (d1 - d3))
        m = (vc <= 0) & (d1 >= 0) & (d3 <= 0)
        out[m] = (a + ab * t_ab[:, None])[m]
        m = (d3 >= 0) & (d4 <= d3)
        out[m] = b[m]
        m = (d1 <= 0) & (d2 <= 0)
        out[m] = a[m]
    return out


# Candidate faces for the exact closest point: those around this many nearest vertices.
_CANDIDATE_VERTICES = 8


class FrameError(ValueError):
    """A mesh without a usable muscle frame; the message names the missing or bad array."""


def _frame(mesh: MeshData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    missing = [k for k in FRAME_ARRAYS if k not in mesh.arrays]
    if missing:
        raise FrameError(f"muscle mesh has no array {', '.join(repr(k) for k in missing)} "
                         f"(needed to place a trigger point)")
    mid = np.asarray(mesh.arrays["frame_mid"], dtype=np.float64)
    normal = np.asarray(mesh.arrays["frame_normal"], dtype=np.float64)
    thickness = np.asarray(mesh.arrays["frame_thickness"], dtype=np.float64)
    if mid.ndim != 3 or mid.shape[2] != 3 or normal.shape != mid.shape or thickness.shape != mid.shape[:2]:
        raise FrameError(f"muscle frame arrays have inconsistent shapes: frame_mid {mid.shape}, "
                         f"frame_normal {normal.shape}, frame_thickness {thickness.shape}")
    return mid, normal, thickness


def _bilinear(grid: np.ndarray, s: float, t: float) -> np.ndarray:
    """Bilinear interpolation of ``grid`` (S, T, ...) at s, t in [0, 1] on linspace nodes."""
    def cell(u: float, n: int) -> tuple[int, float]:
        if n == 1:
            return 0, 0.0
        x = min(max(float(u), 0.0), 1.0) * (n - 1)
        i = min(int(np.floor(x)), n - 2)
        return i, x - i

    i, fs = cell(s, grid.shape[0])
    j, ft = cell(t, grid.shape[1])
    i1, j1 = min(i + 1, grid.shape[0] - 1), min(j + 1, grid.shape[1] - 1)
    return ((1 - fs) * (1 - ft) * grid[i, j] + fs * (1 - ft) * grid[i1, j]
            + (1 - fs) * ft * grid[i, j1] + fs * ft * grid[i1, j1])


def place(mesh: MeshData, s: float, t: float, depth: float) -> np.ndarray:
    """The 3D point at (s, t, depth) of a muscle part.

    ``s`` and ``t`` are clamped to [0, 1]; ``depth`` 0 is the superficial surface
    (mid + normal * thickness / 2), 1 the deep surface, 0.5 the mid-surface.
    """
    mid, normal, thickness = _frame(mesh)
    n = _bilinear(normal, s, t)
    norm = float(np.linalg.norm(n))
    if norm < 1e-12:
        raise FrameError(f"muscle frame normal vanishes at s={s}, t={t}")
    half = 0.5 * float(_bilinear(thickness, s, t))
    return _bilinear(mid, s, t) + (n / norm) * half * (1.0 - 2.0 * float(depth))


def _points64(mesh: MeshData) -> np.ndarray:
    return cached_per_mesh("points64", mesh, lambda m: np.ascontiguousarray(m.points, dtype=np.float64))


def _nearest_vertices(mesh: MeshData, point: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` vertices closest to ``point``, nearest first.

    A brute-force scan, not a k-d tree: parts have at most ~10^5 vertices, so one query is well
    under a millisecond, and the viewer does not import scipy.spatial or build trees at start-up.
    """
    points = _points64(mesh)
    offsets = points - point
    d2 = np.einsum("ij,ij->i", offsets, offsets)
    k = min(k, len(d2))
    near = np.argpartition(d2, k - 1)[:k] if k < len(d2) else np.arange(len(d2))
    return near[np.argsort(d2[near], kind="stable")]


def _vertex_faces(mesh: MeshData) -> tuple[np.ndarray, np.ndarray]:
    """Vertex -> incident faces as CSR (offsets, face ids)."""
    def build(m: MeshData) -> tuple[np.ndarray, np.ndarray]:
        faces = np.asarray(m.faces, dtype=np.int64).ravel()
        order = np.argsort(faces, kind="stable")
        counts = np.bincount(faces, minlength=m.n_points)
        return np.concatenate([[0], np.cumsum(counts)]), order // 3
    return cached_per_mesh("vertex-faces", mesh, build)


def nearest_vertex(mesh: MeshData, point: np.ndarray) -> int:
    """Index of the vertex closest (straight line) to ``point``."""
    return int(_nearest_vertices(mesh, np.asarray(point, dtype=np.float64).reshape(3), 1)[0])


def nearest_surface_point(mesh: MeshData, point: np.ndarray) -> tuple[np.ndarray, int]:
    """The closest point on the mesh's triangles to ``point`` and the vertex nearest to it."""
    points, vertices = nearest_surface_points(mesh, np.asarray(point, dtype=np.float64).reshape(1, 3))
    return points[0], int(vertices[0])


def _nearest_vertex_sets(mesh: MeshData, queries: np.ndarray, k: int) -> np.ndarray:
    """(m, k) indices of the ``k`` vertices closest to each query (exact differences, in chunks)."""
    points = _points64(mesh)
    k = min(k, len(points))
    chunk = max(1, 2_000_000 // max(1, 3 * len(points)))  # about 16 MB of differences at a time
    out = np.empty((len(queries), k), dtype=np.int64)
    for i in range(0, len(queries), chunk):
        diff = points[None, :, :] - queries[i:i + chunk, None, :]
        d2 = np.einsum("mij,mij->mi", diff, diff)
        near = np.argpartition(d2, k - 1, axis=1)[:, :k] if k < len(points) else np.tile(np.arange(k), (len(d2), 1))
        order = np.argsort(np.take_along_axis(d2, near, axis=1), axis=1, kind="stable")
        out[i:i + chunk] = np.take_along_axis(near, order, axis=1)
    return out


def nearest_surface_points(mesh: MeshData, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`nearest_surface_point` for many points at once: ((m, 3) points, (m,) vertices).

    Placing all trigger-point markers this way is one pass of array operations instead of
    hundreds of small ones (start-up time).
    """
    q = np.asarray(queries, dtype=np.float64).reshape(-1, 3)
    near = _nearest_vertex_sets(mesh, q, _CANDIDATE_VERTICES)
    all_points = _points64(mesh)
    surface = all_points[near[:, 0]].copy()
    vertices = near[:, 0].copy()
    if mesh.n_faces == 0 or len(q) == 0:
        return surface, vertices
    offsets, face_ids = _vertex_faces(mesh)
    # (query, candidate face) pairs: the faces around each query's nearest vertices, sorted by
    # face id per query so that ties go to the lowest face id (as a unique() of them would).
    starts, counts = offsets[near.ravel()], np.diff(offsets)[near.ravel()]
    owner = np.repeat(np.repeat(np.arange(len(q)), near.shape[1]), counts)
    steps = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    faces = face_ids[np.repeat(starts, counts) + steps]
    order = np.lexsort((faces, owner))
    owner, faces = owner[order], faces[order]
    if len(faces) == 0:
        return surface, vertices
    corners_all = np.asarray(mesh.faces)
    closest = _closest_on_triangles(all_points[corners_all[faces]], q[owner])
    dist = np.linalg.norm(closest - q[owner], axis=1)
    # the first pair of each query with the smallest distance
    by_query = np.lexsort((np.arange(len(dist)), dist, owner))
    first = np.ones(len(by_query), dtype=bool)
    first[1:] = owner[by_query][1:] != owner[by_query][:-1]
    best = by_query[first]
    has = owner[best]
    surface[has] = closest[best]
    corners = corners_all[faces[best]]
    pick = np.argmin(np.linalg.norm(all_points[corners] - closest[best][:, None, :], axis=2), axis=1)
    vertices[has] = corners[np.arange(len(corners)), pick]
    return surface, vertices
