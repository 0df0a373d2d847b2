"""Mesh helpers of the region atlas: limb coordinates, distances and patch clean-up.

numpy/scipy only. Connectivity is the edge graph of the triangles, restricted to one body
side, so a midline region is one patch on each side of x = 0.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph


def chain_coordinates(points: np.ndarray, normals: np.ndarray, start: np.ndarray,
                      end: np.ndarray, front: np.ndarray):
    """Coordinates around a bone axis start -> end.

    Returns u (0 at start, 1 at end), radial distance (metres), sector angle in degrees
    (0 towards ``front``, 90 lateral = +x side, 180 back, 270 medial) and the cosine between
    the normal and the radial direction (1 = the skin faces away from the bone).
    """
    axis = end - start
    length = float(np.linalg.norm(axis))
    a = axis / length
    f = front - (front @ a) * a
    f /= np.linalg.norm(f)
    lat = np.cross(a, f)
    if lat[0] < 0:  # lateral is the +x side in the mirrored (right-side) frame
        lat = -lat
    rel = points - start
    along = rel @ a
    radial_vec = rel - along[:, None] * a
    radial = np.linalg.norm(radial_vec, axis=1)
    angle = np.degrees(np.arctan2(radial_vec @ lat, radial_vec @ f)) % 360.0
    outward = np.einsum("ij,ij->i", radial_vec, normals) / np.maximum(radial, 1e-12)
    return along / length, radial, angle, outward


def polyline_distance(points: np.ndarray, line: list[np.ndarray]) -> np.ndarray:
    """Distance of each point to a polyline (a single point is allowed)."""
    if len(line) == 1:
        return np.linalg.norm(points - line[0], axis=1)
    best = np.full(len(points), np.inf)
    for p, q in zip(line[:-1], line[1:]):
        d = q - p
        t = np.clip((points - p) @ d / max(float(d @ d), 1e-18), 0.0, 1.0)
        best = np.minimum(best, np.linalg.norm(points - (p + t[:, None] * d), axis=1))
    return best


class Graph:
    """Edge graph of the skin, cut at x = 0 so the two sides never connect."""

    def __init__(self, points: np.ndarray, faces: np.ndarray, side: np.ndarray):
        e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
        e = np.sort(e, axis=1)
        n = np.int64(len(points))
        key = np.sort(e[:, 0].astype(np.int64) * n + e[:, 1])  # sort + diff: faster than unique
        key = key[np.r_[True, key[1:] != key[:-1]]]
        e = np.stack([key // n, key % n], axis=1)
        # separate shells of the skin (slivers of a rough build) are handled one by one
        self.pieces, self.piece = csgraph.connected_components(
            sparse.coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n)),
            directed=False)
        e = e[side[e[:, 0]] == side[e[:, 1]]]
        self.n = len(points)
        self.side = (np.asarray(side) > 0).astype(np.int64)
        self.edges = e
        self.length = np.linalg.norm(points[e[:, 0]] - points[e[:, 1]], axis=1) + 1e-9

    def _matrix(self, keep: np.ndarray, weights: np.ndarray | None = None) -> sparse.csr_matrix:
        e = self.edges[keep]
        w = np.ones(len(e)) if weights is None else weights[keep]
        return sparse.coo_matrix((w, (e[:, 0], e[:, 1])), shape=(self.n, self.n)).tocsr()

    def fill_unlabelled(self, label: np.ndarray) -> np.ndarray:
        """Vertices labelled -1 take the label of the nearest labelled vertex (geodesic)."""
        todo = label < 0
        if not todo.any():
            return label
        sources = np.flatnonzero(~todo)
        if len(sources) == 0:
            raise ValueError("region atlas: no rule labelled any skin vertex")
        keep = todo[self.edges[:, 0]] | todo[self.edges[:, 1]]
        graph = self._matrix(keep, self.length)
        _, _, origin = csgraph.dijkstra(graph, directed=False, indices=sources,
                                        min_only=True, return_predecessors=True)
        out = label.copy()
        reached = todo & (origin >= 0)
        out[reached] = label[origin[reached]]
        # A part of one side no labelled vertex can reach (a stray shell) keeps nothing
        # unlabelled: give it the most common label of its side.
        if (out < 0).any():
            out[out < 0] = np.bincount(label[~todo]).argmax()
        return out

    def keep_largest_patches(self, label: np.ndarray) -> tuple[np.ndarray, bool]:
        """Per region, side (and skin shell) keep the largest patch; islands are refilled."""
        same = label[self.edges[:, 0]] == label[self.edges[:, 1]]
        _, comp = csgraph.connected_components(self._matrix(same), directed=False)
        key = (label * 2 + self.side) * self.pieces + self.piece
        size = np.bincount(comp)
        comp_key = np.zeros(comp.max() + 1, dtype=np.int64)
        comp_key[comp] = key
        order = np.lexsort((-size, comp_key))
        first = np.ones(len(order), dtype=bool)
        first[1:] = comp_key[order][1:] != comp_key[order][:-1]
        winner = np.zeros(len(size), dtype=bool)
        winner[order[first]] = True
        stray = ~winner[comp]
        if not stray.any():
            return label, False
        out = label.copy()
        out[stray] = -1
        return self.fill_unlabelled(out), True

    def grow(self, label: np.ndarray, start: int, region: int, radius: float,
             keep: list[int] | None = None) -> np.ndarray:
        """Give the vertices within a geodesic radius of start the given region, except
        those of the regions in ``keep``; the start vertex is always taken."""
        dist = csgraph.dijkstra(self._matrix(np.ones(len(self.edges), bool), self.length),
                                directed=False, indices=start, limit=radius)
        take = np.isfinite(dist) & ~np.isin(label, keep or [])
        out = label.copy()
        out[take] = region
        out[start] = region
        return out
