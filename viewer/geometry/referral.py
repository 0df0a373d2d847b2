"""Referral zones -> per-vertex skin weights (essential, spillover) in [0, 1].

Zones are stored mesh-independently (``docs/assets.md``, research notes 3.12): skin region ids
plus disks, ellipses and bands anchored to landmarks. They are authored for the right side; the
left side uses the mirrored landmarks (``_l``), mirrored offsets and the left-side regions.

How a tier (essential or spillover) is painted:

* every shape is painted with a soft rim (weight 0.5 on the rim), distances measured along the
  skin so a disk on the trunk never reaches the arm beside it;
* a listed region is painted as a soft blob that follows the region but rounds its corners (a
  morphological opening: the union of the disks of radius ``REGION_ROUND_M`` that fit in the
  region) with a soft edge, so the result reads like a chart, not a mosaic of regions;
* but a region that the tier's shapes reach is left to the shapes: the shapes are the authored
  outline of the zone, and chart-sized shapes cannot fill large regions (calf, low back), so a
  region is painted whole only where the author drew no shape into it. The blob fades out as
  the shapes' share of the region's area grows from ``COVERED_FROM`` to ``COVERED_FULLY`` (a
  ramp, not a threshold, so a slightly different mesh or side cannot flip a whole region);
* a region that touches itself across the midline (e.g. the back of the head) is painted on the
  same-side half, feathered a little across the midline.

Essential wins over spillover: spillover is zeroed where the essential weight exceeds 0.5.
"""

from __future__ import annotations

import numpy as np

from viewer.domain.model import Side, TriggerPoint, Zone, ZoneShape
from viewer.geometry.frame import nearest_surface_point
from viewer.geometry.meshes import MeshData
from viewer.geometry.surface import SurfaceGraph, smoothstep, soft_disk

REGION_ROUND_M = 0.02        # corner rounding radius of region blobs
REGION_FEATHER_M = 0.015     # soft edge of region blobs (full width)
MIDLINE_FEATHER_M = 0.015    # how far a midline region's paint fades across the midline
COVERED_FROM = 0.02          # shapes' share of a region's area at which its blob starts to fade
COVERED_FULLY = 0.08         # ... and at which the region is left to the shapes alone
_SHAPE_FEATHER = (0.3, 0.008, 0.025)   # soft rim: fraction of the radius, clipped to [min, max] m


class ReferralError(ValueError):
    """A zone that cannot be painted; the message names the trigger point, tier and field."""


def _feather(radius: float, edge: float) -> float:
    """Rim width of a shape: a share of its radius, but at least 1.5 mesh edges, so a coarse
    mesh still gets a ramp of partial weights (and its painted area stays near the true one)."""
    fraction, low, high = _SHAPE_FEATHER
    return float(np.clip(max(fraction * radius, 1.5 * edge), low, high))


class ReferralRasteriser:
    """Paint the referral zones of trigger points on one skin mesh, with caching.

    Parameters
    ----------
    skin
        The skin part, with per-vertex ``region`` (uint16 index into ``region_ids``) and
        ``side`` (int8, -1 left, +1 right).
    region_ids
        The manifest's region ids.
    landmarks
        Posed landmarks, bilateral ones suffixed ``_r`` / ``_l``.
    midline_regions
        Regions painted half by half across the midline; by default every region whose left
        and right vertices share an edge (found on the mesh, so it needs no extra data).
    """

    def __init__(self, skin: MeshData, region_ids: tuple[str, ...], landmarks: dict[str, np.ndarray],
                 midline_regions: frozenset[str] | None = None):
        n = skin.n_points
        for key in ("region", "side"):
            if key not in skin.arrays or np.asarray(skin.arrays[key]).shape != (n,):
                raise ReferralError(f"skin mesh: array '{key}' is missing or has the wrong length "
                                    f"(expected {n} values)")
        self.skin = skin
        self.region_ids = tuple(region_ids)
        self._index = {rid: i for i, rid in enumerate(self.region_ids)}
        self._region = np.asarray(skin.arrays["region"], dtype=np.int64)
        if n and (self._region.min() < 0 or self._region.max() >= len(self.region_ids)):
            raise ReferralError(f"skin mesh: array 'region' holds {self._region.max()}, but only "
                                f"{len(self.region_ids)} region ids are listed")
        self._side = np.where(np.asarray(skin.arrays["side"]) < 0, -1, 1).astype(np.int8)
        self.landmarks = {k: np.asarray(v, dtype=np.float64).reshape(3) for k, v in landmarks.items()}
        self.graph = SurfaceGraph.of(skin)
        self.areas = self.graph.vertex_areas
        self.midline_regions = (frozenset(midline_regions) if midline_regions is not None
                                else self._touching_midline())
        self._weights: dict[tuple[str, Side], tuple[np.ndarray, np.ndarray]] = {}
        self._blobs: dict[tuple[int, Side], np.ndarray] = {}
        self._seams: dict[Side, np.ndarray] = {}
        self._anchors: dict[tuple[str, Side, tuple[float, ...]], tuple[np.ndarray, int]] = {}

    # -- public -------------------------------------------------------------------------------

    def weights(self, tp: TriggerPoint, side: Side) -> tuple[np.ndarray, np.ndarray]:
        """(essential, spillover) float32 weights per skin vertex for ``tp`` on ``side``.

        The arrays are cached and read-only; copy them before changing them.
        """
        key = (tp.id, Side(side))
        if key not in self._weights:
            where = f"trigger point {tp.id}"
            essential = self._tier(tp.referral.essential, key[1], f"{where}: essential")
            spillover = self._tier(tp.referral.spillover, key[1], f"{where}: spillover")
            spillover[essential > 0.5] = 0.0
            pair = (essential.astype(np.float32), spillover.astype(np.float32))
            for array in pair:
                array.flags.writeable = False
            self._weights[key] = pair
        return self._weights[key]

    def warm_up(self, region_ids: tuple[str, ...] | None = None) -> None:
        """Precompute the region paint of ``region_ids`` (default: all) on both sides.

        It does not depend on any trigger point, so an app can run this once after loading
        (e.g. in a worker thread) and every later :meth:`weights` call only paints shapes.
        """
        present = set(np.unique(self._region).tolist())
        for region_id in region_ids if region_ids is not None else self.region_ids:
            index = self._index.get(region_id)
            if index is None or index not in present:
                continue
            for side in (Side.RIGHT, Side.LEFT):
                self._blob(index, side)

    def region_mask(self, region_id: str, side: Side) -> np.ndarray:
        """Vertices of ``region_id`` on ``side`` (bool per vertex)."""
        index = self._index.get(region_id)
        if index is None:
            raise ReferralError(f"region '{region_id}' is not a region of the skin mesh")
        return (self._region == index) & (self._side == _sign(side))

    # -- tiers --------------------------------------------------------------------------------

    def _tier(self, zone: Zone, side: Side, where: str) -> np.ndarray:
        shapes = np.zeros(self.graph.n_points)
        for number, shape in enumerate(zone.shapes, start=1):
            np.maximum(shapes, self._shape(shape, side, f"{where} shape {number}"), out=shapes)
        painted = shapes.copy()
        for region_id in zone.regions:
            if region_id not in self._index:
                raise ReferralError(f"{where}: region '{region_id}' is not a region of the skin mesh")
            half = self.region_mask(region_id, side)
            area = float(self.areas[half].sum())
            if area <= 0.0:
                continue
            covered = float(self.areas[half] @ shapes[half]) / area
            keep = 1.0 - float(smoothstep(COVERED_FROM, COVERED_FULLY, np.array(covered)))
            if keep > 0.0:
                blob = self._blob(self._index[region_id], side)
                if not np.any(blob[half] > 0.0):
                    # a small midline region of a coarse mesh whose rounded core fell on the other
                    # half: a listed region is never left unpainted, so round this half alone
                    blob = self._opening(half)
                np.maximum(painted, keep * blob, out=painted)
        return painted

    # -- shapes -------------------------------------------------------------------------------

    def _shape(self, shape: ZoneShape, side: Side, where: str) -> np.ndarray:
        if not shape.anchors:
            raise ReferralError(f"{where}: field 'anchors' is empty")
        if shape.radius_mm <= 0:
            raise ReferralError(f"{where}: field 'radius_mm' must be positive")
        centre, vertex = self._anchor(shape.anchors[0], side, shape.offset_mm, where)
        radius = shape.radius_mm / 1000.0
        if shape.kind == "disk":
            feather = _feather(radius, self.graph.mean_edge)
            d = self.graph.distances(np.array([vertex]), radius + feather, origin=centre)
            return soft_disk(d, radius, feather)
        if shape.kind == "ellipse":
            return self._ellipse(shape, side, centre, vertex, where)
        if shape.kind == "band":
            feather = _feather(radius, self.graph.mean_edge)
            d = self.graph.distances(self._band_path(shape.anchors, side, where), radius + feather)
            return soft_disk(d, radius, feather)
        raise ReferralError(f"{where}: field 'kind': unknown shape '{shape.kind}' "
                            f"(expected disk, ellipse or band)")

    def _ellipse(self, shape: ZoneShape, side: Side, centre: np.ndarray, vertex: int,
                 where: str) -> np.ndarray:
        """Ellipse in the tangent plane at the centre, distances taken along the surface.

        A vertex at surface distance d in tangent direction theta is inside when d is below the
        ellipse radius in that direction (a cheap stand-in for a log map, exact on a plane).
        """
        major = shape.radius_mm / 1000.0
        minor = (shape.minor_mm or shape.radius_mm) / 1000.0
        feather = _feather(min(major, minor), self.graph.mean_edge)
        d = self.graph.distances(np.array([vertex]), max(major, minor) + feather, origin=centre)
        normal = np.asarray(self.skin.normals[vertex], dtype=np.float64)
        normal /= max(float(np.linalg.norm(normal)), 1e-12)
        # the axis comes from the landmarks themselves, not their skin projections, so it
        # does not wobble with the mesh
        toward = (self._landmark(shape.toward, side, where) - self._landmark(shape.anchors[0], side, where)
                  if shape.toward else np.array([0.0, 0.0, 1.0]))
        u = _tangent(toward, normal)
        v = np.cross(normal, u)
        reached = np.flatnonzero(np.isfinite(d))
        rel = self.graph.points[reached] - centre
        pu, pv = rel @ u, rel @ v
        planar = np.hypot(pu, pv)
        off_centre = planar > 1e-9
        cos_t = np.where(off_centre, pu / np.maximum(planar, 1e-9), 1.0)
        sin_t = np.where(off_centre, pv / np.maximum(planar, 1e-9), 0.0)
        rim = 1.0 / np.sqrt((cos_t / major) ** 2 + (sin_t / minor) ** 2)
        w = np.zeros(self.graph.n_points)
        w[reached] = soft_disk(d[reached] - rim, 0.0, feather)
        return w

    def _band_path(self, anchors: tuple[str, ...], side: Side, where: str) -> np.ndarray:
        """Skin vertices of a shortest surface path through the anchors in order."""
        ends = [self._anchor(name, side, (0.0, 0.0, 0.0), where) for name in anchors]
        pieces = [np.array([ends[0][1]])]
        for (p0, v0), (p1, v1) in zip(ends, ends[1:]):
            # first guess: the surface path is not much longer than the straight line
            limit = 1.5 * float(np.linalg.norm(p1 - p0)) + 0.01
            pieces.append(self.graph.path(v0, v1, limit))
        return np.unique(np.concatenate(pieces))

    def _anchor(self, name: str, side: Side, offset_mm: tuple[float, ...],
                where: str) -> tuple[np.ndarray, int]:
        """A landmark (mirrored for the left side) plus offset, projected to the skin."""
        key = (name, side, tuple(float(x) for x in offset_mm))
        if key not in self._anchors:
            offset = np.asarray(key[2], dtype=np.float64) / 1000.0
            if side is Side.LEFT:
                offset[0] = -offset[0]
            self._anchors[key] = nearest_surface_point(self.skin, self._landmark(name, side, where) + offset)
        return self._anchors[key]

    def _landmark(self, name: str, side: Side, where: str) -> np.ndarray:
        """The posed landmark: ``name_r`` / ``name_l`` by side, else the midline ``name``."""
        suffixed = name + ("_l" if side is Side.LEFT else "_r")
        position = self.landmarks.get(suffixed, self.landmarks.get(name))
        if position is None:
            raise ReferralError(f"{where}: landmark '{name}' is not in the manifest "
                                f"(looked for '{suffixed}' and '{name}')")
        return position

    # -- regions ------------------------------------------------------------------------------

    def _blob(self, index: int, side: Side) -> np.ndarray:
        """The rounded, soft-edged paint of one region on one side (cached)."""
        key = (index, side)
        if key not in self._blobs:
            midline = self.region_ids[index] in self.midline_regions
            mask = self._region == index
            if not midline:
                mask &= self._side == _sign(side)
            w = self._opening(mask) if mask.any() else np.zeros(self.graph.n_points)
            self._blobs[key] = w * self._seam(side) if midline else w
        return self._blobs[key]

    def _opening(self, mask: np.ndarray) -> np.ndarray:
        """Soft paint of the union of the disks of radius ``REGION_ROUND_M`` inside ``mask``.

        ``depth`` is the distance to the region's edge (the middle of the edges leaving it);
        the core is where depth >= radius, and the paint is 0.5 at ``radius`` from the core,
        i.e. on the region's edge except where corners are rounded off.
        """
        graph = self.graph
        inside, _, length = graph.cut_edges(mask)
        if inside.size:
            # region edges are soft anyway: plain edge-graph distances are good enough here
            depth = graph.distances(inside, REGION_ROUND_M, seeds=length / 2.0, refine=False)
        else:
            depth = np.full(graph.n_points, np.inf)
        depth = np.where(mask, depth, -depth)
        deepest = float(np.max(depth[mask]))
        radius = REGION_ROUND_M if deepest >= REGION_ROUND_M else max(0.6 * deepest, 1e-4)
        core = mask & (depth >= min(radius, deepest))
        feather = min(REGION_FEATHER_M, 2.0 * radius)
        ci, co, length = graph.cut_edges(core)
        # where depth crosses the radius along each edge leaving the core
        with np.errstate(invalid="ignore", divide="ignore"):
            t = (radius - depth[co]) / (depth[ci] - depth[co])
        seeds = np.clip(np.nan_to_num(t, nan=1.0, posinf=1.0, neginf=1.0), 0.0, 1.0) * length
        d = graph.distances(np.concatenate([ci, co]), radius + feather,
                            seeds=np.concatenate([np.zeros(len(ci)), seeds]), refine=False)
        d[core] = 0.0
        return soft_disk(d, radius, feather)

    def _seam(self, side: Side) -> np.ndarray:
        """1 on ``side``, fading to 0 within ``MIDLINE_FEATHER_M`` across the midline."""
        if side not in self._seams:
            mine = self._side == _sign(side)
            across, _, length = self.graph.cut_edges(~mine)
            d = self.graph.distances(across, MIDLINE_FEATHER_M, seeds=length / 2.0, refine=False)
            self._seams[side] = np.where(mine, 1.0, 1.0 - smoothstep(0.0, MIDLINE_FEATHER_M, d))
        return self._seams[side]

    def _touching_midline(self) -> frozenset[str]:
        a, b = self.graph.edges[:, 0], self.graph.edges[:, 1]
        across = (self._region[a] == self._region[b]) & (self._side[a] != self._side[b])
        return frozenset(self.region_ids[i] for i in np.unique(self._region[a[across]]))


def _sign(side: Side) -> int:
    return -1 if Side(side) is Side.LEFT else 1


def _tangent(direction: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Unit projection of ``direction`` on the plane normal to ``normal`` (never zero)."""
    for candidate in (direction, np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0])):
        u = candidate - (candidate @ normal) * normal
        length = float(np.linalg.norm(u))
        if length > 1e-6:
            return u / length
    return np.array([0.0, 1.0, 0.0])
