"""Isotropic remeshing of a closed manifold triangle mesh (numpy only).

The quadric decimators keep the triangles that carry the shape and stretch the others: on the
flat chest and back of the skin they leave triangles over 10 cm long, so a pain zone painted
per vertex there is coarse and the shading faceted. ``isotropic`` turns a mesh into one whose
edges are all close to a target length, after Botsch and Kobbelt (2004, "A remeshing approach
to multiresolution modeling"): split edges longer than 4/3 L, collapse edges shorter than
4/5 L, flip edges towards valence 6, move each vertex tangentially to the centroid of its
neighbours and project it back onto the surface.

Each step runs on a set of edges chosen so that no two touch the same faces (split, flip) or
the same one-rings (collapse): the operations are then independent and applied at once with
array operations; a step repeats a few rounds. Ties are broken by index, so the result is
deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy import sparse

Projector = Callable[[np.ndarray], np.ndarray]
Sizing = Callable[[np.ndarray], np.ndarray]


@dataclass
class _Edges:
    """Undirected edges of a closed manifold mesh: vertices (u, v), the face on each side and
    the vertex opposite the edge in each of those faces (u -> v runs in face f0)."""

    u: np.ndarray
    v: np.ndarray
    f0: np.ndarray
    f1: np.ndarray
    w: np.ndarray  # opposite in f0
    x: np.ndarray  # opposite in f1


def _edges(faces: np.ndarray, n: int) -> _Edges:
    a = faces.ravel()
    b = faces[:, [1, 2, 0]].ravel()
    c = faces[:, [2, 0, 1]].ravel()
    # half-edge a -> b sits at (a, b) of a sparse matrix; on a closed manifold the matrix and its
    # transpose have the same pattern, so entry k of each gives a half-edge and its twin
    h = np.arange(len(a), dtype=np.int64) + 1
    m = sparse.csr_matrix((h, (a, b)), shape=(n, n))
    t = m.T.tocsr()
    t.sort_indices()
    m.sort_indices()
    if m.nnz != len(a) or not (np.array_equal(m.indptr, t.indptr) and np.array_equal(m.indices, t.indices)):
        raise ValueError("remesh: the mesh is not closed and manifold")
    twin = np.empty(len(a), dtype=np.int64)
    twin[m.data - 1] = t.data - 1
    h0 = np.flatnonzero(a < b)
    h1 = twin[h0]
    return _Edges(a[h0], b[h0], h0 // 3, h1 // 3, c[h0], c[h1])


def _adjacency(faces: np.ndarray, n: int) -> sparse.csr_matrix:
    rows = np.concatenate([faces[:, 0], faces[:, 1], faces[:, 2]])
    cols = np.concatenate([faces[:, 1], faces[:, 2], faces[:, 0]])
    adj = sparse.coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n)).tocsr()
    adj = adj + adj.T
    adj.data[:] = 1
    return adj.tocsr()


def _adjacent(adj: sparse.csr_matrix, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether vertices a[i] and b[i] share an edge."""
    if len(a) == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(adj[a, b]).ravel() != 0


def _face_exclusive(priority: np.ndarray, e: _Edges, nfaces: int) -> np.ndarray:
    """Edges (priority >= 0) whose priority is the highest on both of their faces."""
    best = np.full(nfaces, -1, dtype=np.int64)
    np.maximum.at(best, e.f0, priority)
    np.maximum.at(best, e.f1, priority)
    return (priority >= 0) & (best[e.f0] == priority) & (best[e.f1] == priority)


def _ranks(values: np.ndarray, mask: np.ndarray, descending: bool) -> np.ndarray:
    """Unique priorities (higher first) of the masked entries by value; -1 elsewhere."""
    idx = np.flatnonzero(mask)
    order = idx[np.argsort(-values[idx] if descending else values[idx], kind="stable")]  # ties by index
    prio = np.full(len(values), -1, dtype=np.int64)
    prio[order] = np.arange(len(order), 0, -1)
    return prio


def _target(size: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Target length of the edges (a, b): the mean of their ends' sizes."""
    return 0.5 * (size[a] + size[b])


def split_long(points: np.ndarray, faces: np.ndarray, size: np.ndarray, ratio: float = 4.0 / 3.0,
               rounds: int = 12):
    """Split every edge longer than ``ratio`` x its target at its midpoint (longest first);
    ``size`` is the target edge length at each vertex (returned extended to the new ones)."""
    for _ in range(rounds):
        e = _edges(faces, len(points))
        length = np.linalg.norm(points[e.u] - points[e.v], axis=1)
        excess = length / _target(size, e.u, e.v)
        long = excess > ratio
        if not np.any(long):
            break
        pick = np.flatnonzero(_face_exclusive(_ranks(excess, long, True), e, len(faces)))
        m = len(points) + np.arange(len(pick))
        points = np.concatenate([points, 0.5 * (points[e.u[pick]] + points[e.v[pick]])])
        size = np.concatenate([size, _target(size, e.u[pick], e.v[pick])])
        u, v, w, x = e.u[pick], e.v[pick], e.w[pick], e.x[pick]
        faces = faces.copy()
        faces[e.f0[pick]] = np.stack([u, m, w], axis=1)
        faces[e.f1[pick]] = np.stack([v, m, x], axis=1)
        extra = np.concatenate([np.stack([m, v, w], axis=1), np.stack([m, u, x], axis=1)])
        faces = np.concatenate([faces, extra])
    return points, faces, size


def _face_normals(points: np.ndarray, faces: np.ndarray) -> np.ndarray:
    return np.cross(points[faces[:, 1]] - points[faces[:, 0]], points[faces[:, 2]] - points[faces[:, 0]])


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


def _collapse_ok(points, faces, u, v, w, x, adj, high: np.ndarray, max_valence) -> np.ndarray:
    """Which edges (u, v) may collapse to their midpoint: link condition (exactly the two
    opposite vertices w, x are common neighbours), no new edge longer than ``high``, no face
    turned over or nearly so, and the merged vertex not above ``max_valence``."""
    common = np.asarray(adj[u].multiply(adj[v]).sum(axis=1)).ravel()
    valence = np.diff(adj.indptr)
    ok = (common == 2) & (valence[u] + valence[v] - 4 <= max_valence) & (valence[w] > 3) & (valence[x] > 3)
    mid = 0.5 * (points[u] + points[v])
    nf = len(faces)
    inc = sparse.csr_matrix((np.ones(3 * nf, dtype=np.int8), (faces.ravel(), np.repeat(np.arange(nf), 3))),
                            shape=(len(points), nf))
    for ends in (u, v):  # the faces around each end, with the end moved to the midpoint
        rows = inc[ends]
        which = np.repeat(np.arange(len(u)), np.diff(rows.indptr))
        f = faces[rows.indices]
        before = _unit(_face_normals(points, f))
        moved = points[f]
        hit = (f == u[which][:, None]) | (f == v[which][:, None])
        moved[hit] = np.repeat(mid[which], hit.sum(axis=1), axis=0)
        after = np.cross(moved[:, 1] - moved[:, 0], moved[:, 2] - moved[:, 0])
        # the two faces on the edge vanish; the others must keep facing the same way
        alive = hit.sum(axis=1) < 2
        bad = alive & (np.einsum("ij,ij->i", before, _unit(after)) < 0.3)
        reach = np.max(np.linalg.norm(moved - mid[which][:, None, :], axis=2), axis=1)
        bad |= alive & (reach > high[which])
        ok &= np.bincount(which, weights=bad, minlength=len(u)) == 0
    return ok


def collapse_short(points: np.ndarray, faces: np.ndarray, size: np.ndarray, low: float = 0.8,
                   high: float = 4.0 / 3.0, rounds: int = 4, max_valence: int = 10):
    """Collapse edges shorter than ``low`` x their target to their midpoints (shortest first),
    unless an edge of the merged vertex would exceed ``high`` x the target.

    Vertex indices stay fixed over the rounds (the mesh is compacted at the end), so an edge
    found invalid is remembered and not proposed again.
    """
    n = len(points)
    points = points.copy()
    size = size.copy()
    rejected = np.zeros(0, dtype=np.int64)
    for _ in range(rounds):
        e = _edges(faces, n)
        target = _target(size, e.u, e.v)
        length = np.linalg.norm(points[e.u] - points[e.v], axis=1) / target
        key = np.minimum(e.u, e.v) * np.int64(n) + np.maximum(e.u, e.v)
        short = (length < low) & ~np.isin(key, rejected)
        cand = np.flatnonzero(short)
        if len(cand) == 0:
            break
        prio = _ranks(length, short, False)
        # one collapse per neighbourhood: the edge must hold the top priority over the closed
        # one-rings of both its ends, so no two collapses touch the same vertex or face
        adj = _adjacency(faces, n)
        top = np.full(n, -1, dtype=np.int64)
        np.maximum.at(top, e.u[cand], prio[cand])
        np.maximum.at(top, e.v[cand], prio[cand])
        spread = top.copy()
        rows, cols = adj.nonzero()
        np.maximum.at(spread, rows, top[cols])
        pick = cand[(spread[e.u[cand]] == prio[cand]) & (spread[e.v[cand]] == prio[cand])]
        ok = _collapse_ok(points, faces, e.u[pick], e.v[pick], e.w[pick], e.x[pick], adj, high * target[pick],
                          max_valence)
        rejected = np.union1d(rejected, key[pick[~ok]])
        pick = pick[ok]
        if len(pick) == 0:
            continue
        points[e.u[pick]] = 0.5 * (points[e.u[pick]] + points[e.v[pick]])
        size[e.u[pick]] = np.minimum(size[e.u[pick]], size[e.v[pick]])
        remap = np.arange(n)
        remap[e.v[pick]] = e.u[pick]
        faces = remap[faces]
        faces = faces[(faces[:, 0] != faces[:, 1]) & (faces[:, 1] != faces[:, 2]) & (faces[:, 2] != faces[:, 0])]
    used = np.zeros(n, dtype=bool)
    used[faces.ravel()] = True
    lut = np.cumsum(used) - 1
    return points[used], lut[faces], size[used]


def flip_to_valence(points: np.ndarray, faces: np.ndarray, size: np.ndarray, rounds: int = 6,
                    target: int = 6, ratio: float = 4.0 / 3.0):
    """Flip edges whose flip brings the four vertices involved closer to valence ``target``
    (never making an edge longer than ``ratio`` x its target)."""
    for _ in range(rounds):
        n = len(points)
        e = _edges(faces, n)
        adj = _adjacency(faces, n)
        val = np.diff(adj.indptr).astype(np.int64)
        u, v, w, x = e.u, e.v, e.w, e.x
        before = (val[u] - target) ** 2 + (val[v] - target) ** 2 + (val[w] - target) ** 2 + (val[x] - target) ** 2
        after = ((val[u] - 1 - target) ** 2 + (val[v] - 1 - target) ** 2 + (val[w] + 1 - target) ** 2
                 + (val[x] + 1 - target) ** 2)
        gain = before - after
        cand = (gain > 0) & (val[u] > 3) & (val[v] > 3) & (w != x)
        cand &= np.linalg.norm(points[w] - points[x], axis=1) <= ratio * _target(size, w, x)
        idx = np.flatnonzero(cand)
        cand[idx] &= ~_adjacent(adj, w[idx], x[idx])
        idx = np.flatnonzero(cand)
        cand[idx] &= _flip_keeps_shape(points, u[idx], v[idx], w[idx], x[idx])
        if not np.any(cand):
            break
        # larger gain first, then the longer edge (a flip shortens the diagonal of a thin pair)
        length = np.linalg.norm(points[u] - points[v], axis=1)
        score = gain * 1e3 + length / max(length.max(), 1e-12)
        faces = _apply_flips(faces, e, np.flatnonzero(_face_exclusive(_ranks(score, cand, True), e, len(faces))), n)
    return points, faces


def flip_delaunay(points: np.ndarray, faces: np.ndarray, size: np.ndarray, rounds: int = 4,
                  ratio: float = 4.0 / 3.0):
    """Flip edges whose two opposite angles sum above 180 degrees (the intrinsic Delaunay
    test): removes the thin obtuse triangles a split or a projection leaves behind."""
    for _ in range(rounds):
        n = len(points)
        e = _edges(faces, n)
        u, v, w, x = e.u, e.v, e.w, e.x
        excess = _angle(points, w, u, v) + _angle(points, x, u, v) - np.pi
        cand = (excess > 1e-3) & (w != x) & (np.linalg.norm(points[w] - points[x], axis=1) <= ratio * _target(size, w, x))
        idx = np.flatnonzero(cand)
        adj = _adjacency(faces, n)
        cand[idx] &= ~_adjacent(adj, w[idx], x[idx])
        idx = np.flatnonzero(cand)
        cand[idx] &= _flip_keeps_shape(points, u[idx], v[idx], w[idx], x[idx], 0.0)
        if not np.any(cand):
            break
        faces = _apply_flips(faces, e, np.flatnonzero(_face_exclusive(_ranks(excess, cand, True), e, len(faces))), n)
    return points, faces


def _angle(points, apex, a, b) -> np.ndarray:
    x, y = points[a] - points[apex], points[b] - points[apex]
    cos = np.einsum("ij,ij->i", x, y) / np.maximum(np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1), 1e-30)
    return np.arccos(np.clip(cos, -1.0, 1.0))


def _apply_flips(faces: np.ndarray, e: _Edges, pick: np.ndarray, n: int) -> np.ndarray:
    """Flip the picked edges (no two on one face); two flips never make the same new edge."""
    w, x = e.w[pick], e.x[pick]
    _, first = np.unique(np.minimum(w, x) * np.int64(n) + np.maximum(w, x), return_index=True)
    pick = pick[np.sort(first)]
    u, v, w, x = e.u[pick], e.v[pick], e.w[pick], e.x[pick]
    faces = faces.copy()
    faces[e.f0[pick]] = np.stack([u, x, w], axis=1)
    faces[e.f1[pick]] = np.stack([x, v, w], axis=1)
    return faces


def _flip_keeps_shape(points, u, v, w, x, fold: float = 0.5) -> np.ndarray:
    """The flipped pair faces the way the old pair did and is not folded (no crease made;
    ``fold``: least cosine between the new faces)."""
    old = _unit(_face_normals(points, np.stack([u, v, w], 1)) + _face_normals(points, np.stack([v, u, x], 1)))
    n1 = _unit(_face_normals(points, np.stack([u, x, w], 1)))
    n2 = _unit(_face_normals(points, np.stack([x, v, w], 1)))
    return ((np.einsum("ij,ij->i", n1, old) > 0.5) & (np.einsum("ij,ij->i", n2, old) > 0.5)
            & (np.einsum("ij,ij->i", n1, n2) > fold))


def relax(points: np.ndarray, faces: np.ndarray, project: Projector | None, weight: float = 0.8,
          max_move: float = np.inf) -> np.ndarray:
    """Move each vertex in its tangent plane towards the area-weighted centroid of its
    one-ring, then back onto the surface; a vertex the projection would carry further than
    ``max_move`` (onto another sheet of a thin part: a finger, the web of a toe) stays put."""
    n = len(points)
    fn = _face_normals(points, faces)
    area = np.linalg.norm(fn, axis=1)
    centre = points[faces].mean(axis=1)
    normal = np.zeros_like(points)
    acc = np.zeros_like(points)
    wsum = np.zeros(n)
    for k in range(3):
        np.add.at(normal, faces[:, k], fn)
        np.add.at(acc, faces[:, k], centre * area[:, None])
        np.add.at(wsum, faces[:, k], area)
    normal = _unit(normal)
    step = acc / np.maximum(wsum, 1e-30)[:, None] - points
    step -= np.einsum("ij,ij->i", step, normal)[:, None] * normal
    return _guarded(points, points + weight * step, project, max_move)


def _guarded(before: np.ndarray, moved: np.ndarray, project: Projector | None, max_move: float) -> np.ndarray:
    if project is None:
        return moved
    out = project(moved)
    far = np.linalg.norm(out - moved, axis=1) > max_move
    out[far] = before[far]
    return out


def isotropic(points: np.ndarray, faces: np.ndarray, length: float, project: Projector | None = None,
              iterations: int = 5, sizing: Sizing | None = None,
              finest: float = 0.3, weight: Sizing | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Remesh towards edges of ``length`` (m); with ``sizing`` (points -> the longest edge
    wanted there, m: shorter where the surface bends) towards the smaller of the two, never
    below ``finest`` x ``length``. ``weight`` (points -> factor in (0, 1]) scales the local
    length, both the common one and its floor (the face is meshed finer than the back).
    The mesh stays closed, manifold and outward."""
    points = np.asarray(points, dtype=np.float64)
    faces = np.asarray(faces, dtype=np.int64)

    def sizes(p: np.ndarray) -> np.ndarray:
        local = length if weight is None else length * weight(p)
        if sizing is None:
            return np.full(len(p), 1.0) * local
        return np.clip(sizing(p), finest * local, local)

    size = sizes(points)
    for _ in range(iterations):
        points, faces, size = split_long(points, faces, size)
        points, faces, size = collapse_short(points, faces, size)
        points, faces = flip_to_valence(points, faces, size)
        points = relax(points, faces, project, max_move=0.5 * length)
        size = sizes(points)
    # relaxation stretches a few edges again: a last split bounds every edge by 4/3 its target
    points, faces, size = split_long(points, faces, size)
    points = _guarded(points, points, project, 0.25 * length)
    return flip_delaunay(points, faces, size)


def length_for(points: np.ndarray, faces: np.ndarray, target_faces: int, sizing: Sizing | None = None,
               finest: float = 0.3, weight: Sizing | None = None) -> float:
    """Edge length at which an isotropic mesh of the same area has about ``target_faces``
    (with ``sizing`` and ``weight`` as in ``isotropic``: the finer parts use up more of the
    budget)."""
    area = 0.5 * np.linalg.norm(_face_normals(points, faces), axis=1)
    centres = points[faces].mean(axis=1)
    w = np.ones(len(faces)) if weight is None else weight(centres)
    length = float(np.sqrt(4.0 * np.sum(area / w**2) / (np.sqrt(3.0) * target_faces)))
    if sizing is None:
        return length
    limit = sizing(centres)
    for _ in range(6):  # fixed point: the fraction that is refined depends on the length
        factor = w * np.clip(limit / (w * length), finest, 1.0)
        length = float(np.sqrt(4.0 * np.sum(area / factor**2) / (np.sqrt(3.0) * target_faces)))
    return length
