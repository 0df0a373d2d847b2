"""Shared surface helpers: edge graph, vertex areas and distances measured along the surface.

Distances start from Dijkstra on the edge graph (``scipy.sparse.csgraph``) with a ``limit``, so
they never cross a gap between body parts that are close in space but not joined by skin (the
arm beside the trunk). Edge-graph paths zig-zag and overestimate distances by up to ~8 %, so the
result is then refined with a few sweeps of the planar wavefront update that fast marching uses
(each triangle unfolded into the plane); that brings a disk's area within a few percent of
pi r^2, which the referral zones and the pain brush both rely on.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable, TypeVar

import numpy as np

from viewer.geometry.meshes import MeshData

T = TypeVar("T")

# Dijkstra runs a little past the requested limit so vertices whose refined distance is inside
# the limit are not lost to the edge-graph overestimate.
_GRAPH_SLACK = 1.2
_MAX_SWEEPS = 60
# Sweeps stop when no distance dropped by more than this fraction of the mean edge (~5 um):
# looser stops leave order-dependent residues that break exact left/right symmetry.
_SWEEP_TOLERANCE = 0.001

_CACHES: dict[tuple[str, int], tuple[weakref.ref, Any]] = {}


def cached_per_mesh(kind: str, mesh: MeshData, build: Callable[[MeshData], T]) -> T:
    """Return ``build(mesh)``, computed once per mesh object and dropped with the mesh.

    ``MeshData`` holds numpy arrays and is not hashable, so the cache is keyed by identity and
    guarded by a weak reference (an id can be reused once its object is gone).
    """
    key = (kind, id(mesh))
    hit = _CACHES.get(key)
    if hit is not None and hit[0]() is mesh:
        return hit[1]
    value = build(mesh)
    _CACHES[key] = (weakref.ref(mesh), value)
    weakref.finalize(mesh, _CACHES.pop, key, None)
    return value


def smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    """0 below ``edge0``, 1 above ``edge1``, a smooth cubic between (Hermite smoothstep)."""
    span = max(float(edge1) - float(edge0), 1e-12)
    u = np.clip((np.asarray(x, dtype=np.float64) - edge0) / span, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def soft_disk(distance: np.ndarray, radius: float, feather: float) -> np.ndarray:
    """1 inside ``radius``, 0 outside, 0.5 at the rim, ramping over ``feather`` (inf -> 0)."""
    return 1.0 - smoothstep(radius - feather / 2.0, radius + feather / 2.0, distance)


class SurfaceGraph:
    """Edge graph, vertex areas and surface distances of one triangle mesh."""

    def __init__(self, points: np.ndarray, faces: np.ndarray):
        # scipy is imported here, not at module level: the start-up path imports this module
        # (for ``cached_per_mesh``) but builds no graph before the first frame.
        from scipy.sparse import csr_matrix

        self.points = np.ascontiguousarray(points, dtype=np.float64)
        self.faces = np.ascontiguousarray(faces, dtype=np.int64).reshape(-1, 3)
        n = len(self.points)
        edges = np.concatenate([self.faces[:, [0, 1]], self.faces[:, [1, 2]], self.faces[:, [2, 0]]])
        edges = np.sort(edges, axis=1)
        keys = np.unique(edges[:, 0] * n + edges[:, 1])      # 1-D unique is much faster
        edges = np.stack([keys // n, keys % n], axis=1)
        self.edges = edges
        lengths = np.linalg.norm(self.points[edges[:, 0]] - self.points[edges[:, 1]], axis=1)
        # csgraph would drop explicit zero weights as missing edges; keep duplicates joined.
        lengths = np.maximum(lengths, 1e-9)
        rows = np.concatenate([edges[:, 0], edges[:, 1]])
        cols = np.concatenate([edges[:, 1], edges[:, 0]])
        self.graph = csr_matrix((np.concatenate([lengths, lengths]), (rows, cols)), shape=(n, n))
        self.mean_edge = float(lengths.mean()) if len(lengths) else 0.0
        self.vertex_areas = self._vertex_areas()
        # vertex -> incident faces (CSR), to refine only the faces a distance query reached
        flat = self.faces.ravel()
        self._vf_faces = np.argsort(flat, kind="stable") // 3
        self._vf_ptr = np.concatenate([[0], np.cumsum(np.bincount(flat, minlength=n))])

    @classmethod
    def of(cls, mesh: MeshData) -> "SurfaceGraph":
        """The (cached) graph of ``mesh``."""
        return cached_per_mesh("surface-graph", mesh, lambda m: cls(m.points, m.faces))

    @property
    def n_points(self) -> int:
        return len(self.points)

    def _vertex_areas(self) -> np.ndarray:
        """Barycentric vertex areas: a third of each incident triangle (they sum to the area)."""
        p = self.points[self.faces]
        face_area = 0.5 * np.linalg.norm(np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0]), axis=1)
        return np.bincount(self.faces.ravel(), np.repeat(face_area / 3.0, 3), minlength=self.n_points)

    def neighbours_outside(self, mask: np.ndarray) -> np.ndarray:
        """Indices of vertices not in ``mask`` that share an edge with a vertex in ``mask``."""
        return np.unique(self.cut_edges(mask)[1])

    def cut_edges(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Edges leaving ``mask``: (vertex inside, vertex outside, edge length) per edge."""
        a, b = self.edges[:, 0], self.edges[:, 1]
        cut = mask[a] != mask[b]
        inside = np.where(mask[a[cut]], a[cut], b[cut])
        outside = np.where(mask[a[cut]], b[cut], a[cut])
        return inside, outside, np.linalg.norm(self.points[inside] - self.points[outside], axis=1)

    def distances(self, sources: np.ndarray, limit: float, origin: np.ndarray | None = None,
                  seeds: np.ndarray | None = None, refine: bool = True) -> np.ndarray:
        """Surface distance (m) from the nearest source; ``inf`` beyond about ``limit``.

        ``seeds`` are start distances of the sources (default 0): a source then stands for a
        point that far away, e.g. a boundary in the middle of an edge. ``origin`` is an exact
        3D point to measure from when the single source need not sit on it; the source's
        neighbourhood is then seeded with straight-line distances. ``refine=False`` keeps the
        edge-graph distances (a few percent long; fine for soft region edges, and faster).
        """
        sources = np.atleast_1d(np.asarray(sources, dtype=np.int64))
        if sources.size == 0:
            return np.full(self.n_points, np.inf)
        if origin is not None:
            ring = self.graph.indices[self.graph.indptr[sources[0]]:self.graph.indptr[sources[0] + 1]]
            sources = np.concatenate([sources[:1], ring])
            seeds = np.linalg.norm(self.points[sources] - np.asarray(origin, dtype=np.float64), axis=1)
        point = origin is not None or sources.size == 1
        d = self._dijkstra(sources, seeds, limit * _GRAPH_SLACK)
        if refine:
            self._refine(d, point)
        d[d > limit * _GRAPH_SLACK] = np.inf
        return d

    def _dijkstra(self, sources: np.ndarray, seeds: np.ndarray | None, limit: float) -> np.ndarray:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        if seeds is None or not np.any(np.asarray(seeds) > 0):
            return np.asarray(dijkstra(self.graph, directed=True, indices=sources, min_only=True,
                                       limit=limit), dtype=np.float64)
        # one virtual vertex joined to every source by an edge as long as its seed
        start = np.full(self.n_points, np.inf)
        np.minimum.at(start, sources, np.asarray(seeds, dtype=np.float64))
        used = np.flatnonzero(np.isfinite(start))
        g, n = self.graph, self.n_points
        augmented = csr_matrix(
            (np.concatenate([g.data, np.maximum(start[used], 1e-12)]),
             np.concatenate([g.indices, used]),
             np.concatenate([g.indptr, [g.indptr[-1] + len(used)]])),
            shape=(n + 1, n + 1))
        d = dijkstra(augmented, directed=True, indices=n, limit=limit)
        return np.asarray(d[:n], dtype=np.float64)

    def _refine(self, d: np.ndarray, point: bool) -> None:
        """Lower edge-graph distances in place with the unfolded-triangle wavefront update.

        ``point``: the distances grow from one point, so the update is trusted right from the
        source; otherwise (a line or many sources) only a little way off it, see ``_wavefront``.
        """
        near = 0.0 if point else 1.0
        touched = np.unique(self._incident_faces(np.flatnonzero(np.isfinite(d))))
        touched = touched[np.isfinite(d[self.faces[touched]]).all(axis=1)]
        if touched.size == 0:
            return
        faces = self.faces[touched]
        # mesh face -> row of ``faces``; faces not reached map to a spare last row
        slot = np.full(len(self.faces), len(faces), dtype=np.int64)
        slot[touched] = np.arange(len(touched))
        setups = [(f, *_unfold(self.points, f))
                  for f in (faces[:, [0, 1, 2]], faces[:, [1, 2, 0]], faces[:, [2, 0, 1]])]
        tol = _SWEEP_TOLERANCE * max(self.mean_edge, 1e-9)
        active = np.arange(len(faces))
        mark = np.zeros(len(faces) + 1, dtype=bool)
        for _ in range(_MAX_SWEEPS):
            moved = []
            for f, *geometry in setups:
                fa = f[active]
                target = fa[:, 2]
                with np.errstate(invalid="ignore"):
                    cand = _wavefront(d[fa[:, 0]], d[fa[:, 1]], *(g[active] for g in geometry), near=near)
                better = cand < d[target]
                if np.any(better):
                    # apply every improvement, but keep sweeping only around real ones
                    moved.append(target[cand < d[target] - tol])
                    np.minimum.at(d, target[better], cand[better])
            moved_vertices = np.concatenate(moved) if moved else np.empty(0, np.int64)
            if moved_vertices.size == 0:
                break
            # only faces next to a vertex that moved can improve in the next sweep (a mask
            # removes duplicates faster than np.unique)
            mark[:] = False
            mark[slot[self._incident_faces(moved_vertices)]] = True
            active = np.flatnonzero(mark[:-1])

    def _incident_faces(self, vertices: np.ndarray) -> np.ndarray:
        """Ids of the faces incident to ``vertices``, with repeats (no Python loop)."""
        starts, ends = self._vf_ptr[vertices], self._vf_ptr[vertices + 1]
        counts = ends - starts
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
        return self._vf_faces[np.arange(int(counts.sum())) + offsets]

    def path(self, start: int, end: int, limit: float) -> np.ndarray:
        """Vertex indices of a shortest edge path from ``start`` to ``end`` (just both if none).

        The search stops at ``limit`` and is retried with a 1.6 times larger limit (up to 4 times), so
        a good first guess keeps it local and a poor one still finds the path.
        """
        from scipy.sparse.csgraph import dijkstra

        if start == end:
            return np.array([start])
        for _ in range(4):
            _, pred = dijkstra(self.graph, directed=True, indices=int(start), limit=limit,
                               return_predecessors=True)
            if pred[end] >= 0:
                out = [int(end)]
                while out[-1] != start:
                    out.append(int(pred[out[-1]]))
                return np.array(out[::-1])
            limit *= 1.6
        return np.array([start, end])


def _unfold(points: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, ...]:
    """Triangle (a, b, c) in the plane: |ab|, |ab|^2, 1 / 2|ab| and c's coordinates along
    and across ab (cy > 0)."""
    a, b, c = points[f[:, 0]], points[f[:, 1]], points[f[:, 2]]
    ab = b - a
    length = np.maximum(np.linalg.norm(ab, axis=1), 1e-12)
    e = ab / length[:, None]
    ac = c - a
    cx = np.einsum("ij,ij->i", ac, e)
    cy = np.maximum(np.linalg.norm(ac - cx[:, None] * e, axis=1), 1e-12)
    return length, length * length, 0.5 / length, cx, cy


def _wavefront(da: np.ndarray, db: np.ndarray, length: np.ndarray, length2: np.ndarray,
               half_inv: np.ndarray, cx: np.ndarray, cy: np.ndarray, near: float = 0.0) -> np.ndarray:
    """Distance at c from a virtual point source consistent with ``da`` and ``db``.

    The source sits on the far side of ab; the update is valid only when the straight line
    from it to c crosses the edge ab (otherwise ``inf``: the edge graph already covers it).
    Call under ``np.errstate(invalid="ignore")``: infinite inputs give NaN, which fails every
    test below and so yields ``inf``.
    """
    da2 = da * da
    xs = (da2 - db * db + length2) * half_inv
    ys2 = da2 - xs * xs
    ys = np.sqrt(np.maximum(ys2, 0.0))            # the source is at (xs, -ys)
    cand = np.hypot(cx - xs, cy + ys)
    cross = xs + (cx - xs) * ys / (cy + ys)       # where the ray to c meets the line ab
    # Near a source that is a line (a band, a region edge) rather than a point, the point
    # source implied by two small distances sits too close and the update undershoots by
    # up to an edge; with both distances at least an edge long (near=1) the error is below
    # 0.14 edge.
    ok = (ys2 >= 0.0) & (np.minimum(da, db) >= near * length) & (cross >= 0.0) & (cross <= length)
    return np.where(ok, cand, np.inf)
