"""The pain finder's drawing: a per-vertex painted weight on the skin, a soft round brush
measured along the surface, and painted area per (region, side).

Weights combine by maximum (painting twice does not count twice), so the area of a stroke is
what the patient sees painted, not how often they went over it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from viewer.geometry.frame import nearest_surface_point
from viewer.geometry.meshes import MeshData
from viewer.geometry.surface import SurfaceGraph, soft_disk

# Soft rim of the brush as a fraction of its radius (full width, centred on the radius), so a
# dab of radius r covers about pi r^2 of weighted area.
BRUSH_FEATHER = 0.5
SIDES = ("left", "right")


class BrushError(ValueError):
    """Bad brush input; the message names the argument."""


class PainDrawing:
    """Painted weight in [0, 1] per vertex of one skin mesh (``region`` and ``side`` arrays)."""

    def __init__(self, skin: MeshData):
        n = skin.n_points
        for key in ("region", "side"):
            if key not in skin.arrays or np.asarray(skin.arrays[key]).shape != (n,):
                raise BrushError(f"skin mesh: array '{key}' is missing or has the wrong length")
        self.skin = skin
        self.graph = SurfaceGraph.of(skin)
        self._region = np.asarray(skin.arrays["region"], dtype=np.int64)
        self._right = np.asarray(skin.arrays["side"]) >= 0
        self._painted = np.zeros(n, dtype=np.float32)

    @property
    def painted(self) -> np.ndarray:
        """Read-only view of the painted weight per vertex (float32, [0, 1])."""
        view = self._painted.view()
        view.flags.writeable = False
        return view

    @property
    def is_empty(self) -> bool:
        return not bool(np.any(self._painted > 0.0))

    def clear(self) -> None:
        self._painted[:] = 0.0

    def paint(self, where: int | np.ndarray, radius_m: float, erase: bool = False) -> np.ndarray:
        """Dab a soft round brush at a vertex index or a 3D point; return the touched vertices.

        The weight is 1 inside the radius and fades to 0 over ``BRUSH_FEATHER * radius`` (at
        least 1.5 mesh edges) centred on it, measured along the skin. Erasing lowers the weight
        by the same profile.
        """
        if not np.isfinite(radius_m) or radius_m <= 0:
            raise BrushError(f"brush radius must be a positive number of metres, got {radius_m!r}")
        vertex, origin = self._locate(where)
        # at least 1.5 mesh edges of ramp, so a small dab on a coarse mesh still paints its area
        feather = max(BRUSH_FEATHER * radius_m, 1.5 * self.graph.mean_edge)
        d = self.graph.distances(np.array([vertex]), radius_m + feather, origin=origin)
        touched = np.flatnonzero(np.isfinite(d))
        dab = soft_disk(d[touched], radius_m, feather).astype(np.float32)
        if erase:
            self._painted[touched] = np.minimum(self._painted[touched], 1.0 - dab)
        else:
            self._painted[touched] = np.maximum(self._painted[touched], dab)
        return touched

    def _locate(self, where: int | np.ndarray) -> tuple[int, np.ndarray | None]:
        if np.ndim(where) == 0:
            vertex = int(where)
            if not 0 <= vertex < self.graph.n_points:
                raise BrushError(f"vertex index {vertex} is not on the skin (0..{self.graph.n_points - 1})")
            return vertex, None
        point = np.asarray(where, dtype=np.float64)
        if point.shape != (3,) or not np.all(np.isfinite(point)):
            raise BrushError(f"brush position must be a vertex index or a 3D point, got {where!r}")
        surface_point, vertex = nearest_surface_point(self.skin, point)
        return vertex, surface_point

    def region_coverage(self, region_ids: tuple[str, ...]) -> dict[tuple[str, str], float]:
        """Painted area (m^2, vertex area x weight) per (region id, 'left' | 'right').

        Only pairs with painted area are listed. ``region_ids`` are the manifest's ids, in the
        order the skin's ``region`` array indexes them.
        """
        if self._region.size and self._region.max() >= len(region_ids):
            raise BrushError(f"skin region index {self._region.max()} has no id "
                             f"(only {len(region_ids)} region ids given)")
        key = self._region * 2 + self._right
        area = np.bincount(key, self.graph.vertex_areas * self._painted, minlength=2 * len(region_ids))
        return {(region_ids[k // 2], SIDES[k % 2]): float(a) for k, a in enumerate(area) if a > 0.0}

    def tick_regions(self, region_ids: tuple[str, ...], picks: Iterable[str | tuple[str, str]]) -> None:
        """Paint whole regions: ``picks`` are region ids (both sides) or (region id, side)."""
        index = {rid: i for i, rid in enumerate(region_ids)}
        for pick in picks:
            region_id, side = (pick, "both") if isinstance(pick, str) else pick
            if region_id not in index:
                raise BrushError(f"region '{region_id}' is not one of the skin's regions")
            if side not in ("left", "right", "both"):
                raise BrushError(f"region '{region_id}': side must be left, right or both, got {side!r}")
            mask = self._region == index[region_id]
            if side != "both":
                mask &= self._right == (side == "right")
            self._painted[mask] = 1.0

    @classmethod
    def from_regions(cls, skin: MeshData, region_ids: tuple[str, ...],
                     picks: Iterable[str | tuple[str, str]]) -> "PainDrawing":
        """A drawing with whole regions ticked (the list-based alternative to painting)."""
        drawing = cls(skin)
        drawing.tick_regions(region_ids, picks)
        return drawing
