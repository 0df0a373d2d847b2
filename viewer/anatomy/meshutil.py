"""Mesh helpers of the build: iso-surfaces, cleaning, decimation, smoothing, checks, mirroring.

pyvista is used only for the topology-preserving decimation and Taubin smoothing (build time).
"""

from __future__ import annotations

import numpy as np
from skimage.measure import marching_cubes

from viewer.anatomy.sdf import Grid


def signed_volume(points: np.ndarray, faces: np.ndarray) -> float:
    a, b, c = (points[faces[:, k]] for k in range(3))
    return float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0)


def edge_report(faces: np.ndarray) -> tuple[int, int]:
    """(edges not shared by exactly two faces, edges used twice in the same direction)."""
    directed = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    undirected = np.sort(directed, axis=1)
    _, counts = np.unique(undirected, axis=0, return_counts=True)
    bad = int(np.count_nonzero(counts != 2))
    _, dcounts = np.unique(directed, axis=0, return_counts=True)
    return bad, int(np.count_nonzero(dcounts > 1))


def is_closed_manifold(points: np.ndarray, faces: np.ndarray) -> bool:
    bad, flipped = edge_report(faces)
    return bad == 0 and flipped == 0 and signed_volume(points, faces) > 0


def vertex_normals(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    fn = np.cross(points[faces[:, 1]] - points[faces[:, 0]], points[faces[:, 2]] - points[faces[:, 0]])
    vn = np.zeros_like(points)
    for k in range(3):
        np.add.at(vn, faces[:, k], fn)
    norm = np.linalg.norm(vn, axis=1, keepdims=True)
    return vn / np.where(norm > 0, norm, 1.0)


def orient_outward(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    return faces[:, ::-1].copy() if signed_volume(points, faces) < 0 else faces


def clean(points: np.ndarray, faces: np.ndarray, keep_largest: bool = True,
          merge: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Merge coincident vertices, drop degenerate faces, optionally keep the largest component."""
    key = np.round(points / 1e-7).astype(np.int64) if merge else np.arange(len(points))[:, None]
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    order = np.argsort(first)
    remap = np.empty_like(order)
    remap[order] = np.arange(len(order))
    pts = points[first[order]]
    f = remap[inverse[faces]]
    f = f[(f[:, 0] != f[:, 1]) & (f[:, 1] != f[:, 2]) & (f[:, 0] != f[:, 2])]
    if keep_largest and len(f):
        f = _largest_component(len(pts), f)
    used = np.unique(f)
    lut = np.full(len(pts), -1, dtype=np.int64)
    lut[used] = np.arange(len(used))
    return pts[used], lut[f].astype(np.int32)


def _largest_component(n: int, faces: np.ndarray) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows = np.concatenate([faces[:, 0], faces[:, 1], faces[:, 2]])
    cols = np.concatenate([faces[:, 1], faces[:, 2], faces[:, 0]])
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    face_label = labels[faces[:, 0]]
    counts = np.bincount(face_label)
    return faces[face_label == int(np.argmax(counts))]


def iso_surface(field: np.ndarray, grid: Grid, level: float = 0.0,
                keep_largest: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Marching cubes (Lewiner) of ``field == level``; outward faces, cleaned."""
    verts, faces, _, _ = marching_cubes(field, level=level, spacing=(grid.spacing,) * 3,
                                        allow_degenerate=False)
    pts = verts.astype(np.float64) + grid.origin
    pts, faces = clean(pts, faces.astype(np.int64), keep_largest)
    return pts, orient_outward(pts, faces)


def _to_pv(points: np.ndarray, faces: np.ndarray):
    import pyvista as pv

    cells = np.hstack([np.full((len(faces), 1), 3, dtype=np.int64), faces.astype(np.int64)]).ravel()
    return pv.PolyData(points.astype(np.float64), cells)


def _from_pv(mesh) -> tuple[np.ndarray, np.ndarray]:
    faces = np.asarray(mesh.faces).reshape(-1, 4)[:, 1:]
    return np.asarray(mesh.points, dtype=np.float64), faces.astype(np.int64)


def _decimate_pro(points, faces, target):
    reduction = 1.0 - target / len(faces)
    mesh = _to_pv(points, faces).decimate_pro(reduction, preserve_topology=True, feature_angle=60.0,
                                              splitting=False, boundary_vertex_deletion=False)
    return _from_pv(mesh)


def _decimate_quadric(points, faces, target):
    import fast_simplification

    p, f = fast_simplification.simplify(points.astype(np.float64), faces.astype(np.int32),
                                        1.0 - target / len(faces))
    return np.asarray(p, dtype=np.float64), np.asarray(f, dtype=np.int64)


def _decimate_manifold(points: np.ndarray, faces: np.ndarray, target: int) -> tuple[np.ndarray, np.ndarray]:
    """manifold3d's error-bounded simplification (always manifold), tolerance fitted to the target."""
    import manifold3d

    solid = manifold3d.Manifold(manifold3d.Mesh(points.astype(np.float32), faces.astype(np.uint32)))
    scale = float(np.ptp(points, axis=0).max())
    tol, best = 2e-4 * scale, None
    for _ in range(8):
        mesh = solid.simplify(tol).to_mesh()
        n = len(mesh.tri_verts)
        if n <= target and (best is None or n > len(best[1])):
            best = (np.asarray(mesh.vert_properties, dtype=np.float64)[:, :3], np.asarray(mesh.tri_verts, dtype=np.int64))
        if target * 0.9 <= n <= target:
            break
        # the triangle count falls roughly as tolerance^-1.1; aim 3 % under the target
        tol *= max(0.4, min(2.5, (n / (0.97 * target)) ** 0.9))
    if best is None:
        raise ValueError("manifold simplification could not reach the target")
    return best


def decimate(points: np.ndarray, faces: np.ndarray, target: int) -> tuple[np.ndarray, np.ndarray]:
    """Reduce to about ``target`` triangles keeping the mesh closed and manifold.

    Both decimators occasionally pinch a mesh (an edge then has four faces), so every result is
    checked and the next candidate (other method, then a slightly larger target) is tried. The
    order is fixed, so the outcome is deterministic.
    """
    if len(faces) <= target:
        return points, faces
    for factor in (1.0, 1.04, 1.1, 1.2, 1.35, 1.6):
        goal = int(target * factor)
        if goal >= len(faces):
            break
        for method in (_decimate_manifold, _decimate_pro, _decimate_quadric):
            try:
                pts, f = method(points, faces, goal)
            except ValueError:
                continue
            pts, f = clean(pts, f, keep_largest=False, merge=False)
            f = orient_outward(pts, f)
            if is_closed_manifold(pts, f) and len(f) <= target * factor * 1.02:
                return pts, f
    return points, faces


def taubin(points: np.ndarray, faces: np.ndarray, iterations: int, pass_band: float = 0.1) -> np.ndarray:
    """Non-shrinking smoothing; returns the new vertex positions (same topology)."""
    if iterations <= 0:
        return points
    mesh = _to_pv(points, faces).smooth_taubin(n_iter=iterations, pass_band=pass_band,
                                               boundary_smoothing=False, feature_smoothing=False)
    return np.asarray(mesh.points, dtype=np.float64)


def mirror(points: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Left copy of a right part: x -> -x with the winding flipped."""
    return points * np.array([-1.0, 1.0, 1.0]), faces[:, ::-1].copy()
