"""Where line segments first enter a closed mesh (numpy only; no VTK, no trimesh at start-up).

Used to find what lies over a trigger point: the segment from the skin down to the trigger
point's muscle crosses the parts in between, outermost first.
"""

from __future__ import annotations

import numpy as np

from viewer.geometry.meshes import MeshData
from viewer.geometry.surface import cached_per_mesh

_EPS = 1e-12


def mesh_bounds(mesh: MeshData) -> np.ndarray:
    """(2, 3) lower and upper corner of the mesh's axis-aligned box."""
    def build(m: MeshData) -> np.ndarray:
        pts = np.asarray(m.points, dtype=np.float64)
        return np.array([pts.min(axis=0), pts.max(axis=0)]) if len(pts) else np.zeros((2, 3))
    return cached_per_mesh("bounds", mesh, build)


def _triangles(mesh: MeshData) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Corner a, edges ab and ac, and the per-triangle box (lo, hi) stacked as (n, 2, 3)."""
    def build(m: MeshData) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        tris = np.asarray(m.points, dtype=np.float64)[np.asarray(m.faces, dtype=np.int64)]
        box = np.stack([tris.min(axis=1), tris.max(axis=1)], axis=1)
        return tris[:, 0], tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0], box
    return cached_per_mesh("ray-triangles", mesh, build)


def segments_touch_box(starts: np.ndarray, ends: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Which segments' boxes overlap ``box`` (2, 3): a cheap test before the exact one."""
    lo, hi = np.minimum(starts, ends), np.maximum(starts, ends)
    return np.all((hi >= box[0]) & (lo <= box[1]), axis=1)


def first_hits(mesh: MeshData, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each segment start -> end, the fraction along it (NaN: no hit) and the face index
    (-1) of its first crossing of the mesh surface.

    The ray-triangle test of Moeller and Trumbore (1997), vectorised over the triangles whose
    boxes overlap the segment's box.
    """
    starts = np.asarray(starts, dtype=np.float64).reshape(-1, 3)
    ends = np.asarray(ends, dtype=np.float64).reshape(-1, 3)
    frac = np.full(len(starts), np.nan)
    face = np.full(len(starts), -1, dtype=np.int64)
    if not len(starts) or not len(mesh.faces):
        return frac, face
    a, ab, ac, box = _triangles(mesh)
    for i, (p, q) in enumerate(zip(starts, ends)):
        lo, hi = np.minimum(p, q), np.maximum(p, q)
        near = np.flatnonzero(np.all((box[:, 1] >= lo) & (box[:, 0] <= hi), axis=1))
        if not len(near):
            continue
        d = q - p
        e1, e2 = ab[near], ac[near]
        h = np.cross(d, e2)
        det = np.einsum("ij,ij->i", e1, h)
        ok = np.abs(det) > _EPS
        inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
        s = p - a[near]
        u = np.einsum("ij,ij->i", s, h) * inv
        qv = np.cross(s, e1)
        v = (qv @ d) * inv
        t = np.einsum("ij,ij->i", e2, qv) * inv
        hit = ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (t >= 0) & (t <= 1)
        if hit.any():
            j = int(np.argmin(np.where(hit, t, np.inf)))
            frac[i], face[i] = t[j], near[j]
    return frac, face


def face_normals(mesh: MeshData, faces: np.ndarray) -> np.ndarray:
    """Unit normals (k, 3) of the given faces (winding order; outward on a closed part)."""
    _, ab, ac, _ = _triangles(mesh)
    n = np.cross(ab[faces], ac[faces])
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), _EPS)
