"""Body-wide voxel fields: occupancy of parts, signed distance, trilinear sampling."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from viewer.anatomy.sdf import FAR, Grid, Primitive, evaluate


@dataclass
class Field:
    """A signed distance (metres, negative inside) on a grid, sampled trilinearly."""

    grid: Grid
    values: np.ndarray

    def sample(self, points: np.ndarray) -> np.ndarray:
        idx = ((np.asarray(points) - self.grid.origin) / self.grid.spacing).T
        return ndimage.map_coordinates(self.values, idx, order=1, mode="constant", cval=FAR)

    def gradient(self, points: np.ndarray, step: float | None = None) -> np.ndarray:
        """Unit gradient by central differences ``step`` apart (default: the grid spacing)."""
        h = self.grid.spacing if step is None else step
        out = np.empty((len(points), 3))
        for k in range(3):
            e = np.zeros(3)
            e[k] = h
            out[:, k] = (self.sample(points + e) - self.sample(points - e)) / (2 * h)
        norm = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norm > 0, norm, 1.0)


def mark_primitives(occ: np.ndarray, grid: Grid, prims: list[Primitive]) -> None:
    """Set the voxels inside any primitive (hard union)."""
    for prim in prims:
        box = grid.index_box(prim.lo - grid.spacing, prim.hi + grid.spacing)
        if box is None:
            continue
        d = prim.distance(grid.points(box)).reshape(tuple(s.stop - s.start for s in box))
        occ[box] |= d <= 0


def mark_points(occ: np.ndarray, grid: Grid, points: np.ndarray) -> None:
    """Set the voxels nearest to dense interior sample points of a solid."""
    idx = np.rint((points - grid.origin) / grid.spacing).astype(np.int64)
    ok = np.all((idx >= 0) & (idx < np.array(grid.shape)), axis=1)
    idx = idx[ok]
    occ[idx[:, 0], idx[:, 1], idx[:, 2]] = True


def signed_distance(occ: np.ndarray, spacing: float) -> np.ndarray:
    """Euclidean signed distance of an occupancy grid (negative inside)."""
    outside = ndimage.distance_transform_edt(~occ, sampling=spacing)
    inside = ndimage.distance_transform_edt(occ, sampling=spacing)
    # The surface lies half a voxel between an occupied and a free voxel centre.
    return np.where(occ, 0.5 * spacing - inside, outside - 0.5 * spacing).astype(np.float32)


def primitive_field(prims: list[Primitive], grid: Grid) -> Field:
    """Exact-ish union distance of primitives (used for small grids only)."""
    return Field(grid, evaluate(prims, grid, 0.0))
