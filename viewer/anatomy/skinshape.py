"""Shape of the skin envelope: per-segment morphological closing and the regional fat map.

Both are read from ``skin.yaml``:

* ``segments``: the body is split into segments (head, trunk, each arm, hand, leg and foot) by
  the nearest bone; the occupancy of each segment is closed (dilate, then erode) by its own
  radius, which fills the clefts between muscles without webbing an arm to the trunk or one
  thigh to the other (the segments are closed apart and only then united). Radius and blur
  change smoothly over a band around each seam, and a segment is closed together with the
  flesh of the segment it is jointed to near the seam, so the segments meet without a step.
* ``fat``: subcutaneous fat thickness as a smooth blend of landmark-anchored values; the skin is
  the level set ``distance - fat(x) = 0``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from viewer.anatomy.bones import rib_primitives
from viewer.anatomy.fields import mark_primitives
from viewer.anatomy.sdf import Grid, Primitive, primitives_of
from viewer.anatomy.spec import AnatomyData, Entry


def _segment_specs(data: AnatomyData) -> tuple[float, Entry, list[Entry]]:
    """(label spacing in mm, default segment, listed segments) of ``skin.yaml: segments``."""
    raw = data.skin.get("segments", None)
    if raw is None:
        return 0.0, Entry(data.skin.where, "segments.default", {"closing_mm": 0}), []
    if not isinstance(raw, dict):
        raise data.skin.fail("segments", "expected a mapping with label_mm, default and list")
    where = data.skin.where
    seg = Entry(where, "segments", raw)
    default = Entry(where, "segments.default", seg.get("default"))
    items = seg.get("list")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise seg.fail("list", "expected a list of {id, bones, closing_mm}")
    listed = [Entry(where, f"segments.{i.get('id', k)}", i) for k, i in enumerate(items)]
    return seg.number("label_mm"), default, listed


def _bone_prims(data: AnatomyData, names: list[str], where: Entry, step: float) -> tuple[list, list]:
    """Right-side (or midline) and mirrored left-side primitives of the named bones."""
    known = {e.name: e for e in data.bones}
    right: list[Primitive] = []
    left: list[Primitive] = []
    for name in names:
        if name == "ribs" and data.ribs is not None:
            prims, midline = rib_primitives(data.ribs, data.skeleton), False
        elif name in known:
            entry = known[name]
            prims = primitives_of(entry, data.skeleton, step)
            midline = entry.get("side", "bilateral") == "midline"
        else:
            raise where.fail("bones", f"unknown bone '{name}' (not in bones.yaml)")
        right.extend(prims)
        if not midline:
            left.extend(p.mirrored() for p in prims)
    return right, left


@dataclass
class SegmentMap:
    """Body segments on a coarse grid (``factor`` x the skin grid) and what each one asks for.

    ``radius`` and ``blur`` are fields on the coarse grid that vary smoothly across the seams
    (the per-segment values blurred over ``band``), so neighbouring segments are closed and
    blurred alike where they meet: no step where the arm meets the trunk or the head the neck.
    ``reach`` holds, per label, the coarse cells of the label plus the tissue within ``band``
    of it *through tissue* (a geodesic dilation): each segment is closed together with the
    flesh of its neighbours around the seam, but never with a limb lying across an air gap.
    """

    coarse: Grid
    factor: int
    labels: np.ndarray
    radius: np.ndarray
    blur: np.ndarray
    blurs: dict[int, float]
    spread: float  # Gaussian sigma of the seams, in coarse cells
    reach: dict[int, np.ndarray] = field(default_factory=dict)


def segment_map(data: AnatomyData, grid: Grid, occ: np.ndarray, default_blur: float,
                blur_scale: float = 1.0, blur_override: dict[str, float] | None = None) -> SegmentMap:
    """Segment labels (nearest bone of a segment), smooth radius/blur fields and seam reaches.

    Blurs (voxels) are multiplied by ``blur_scale`` (a finer grid keeps the same blur in mm);
    ``blur_override`` gives some segments (by id) their own blur in voxels of this grid."""
    override = blur_override or {}
    label_mm, default, listed = _segment_specs(data)
    mm = data.skeleton.mm
    f = max(1, int(round(mm(label_mm) / grid.spacing))) if listed else 1
    coarse = Grid(grid.origin + 0.5 * (f - 1) * grid.spacing, grid.spacing * f,
                  tuple(int(np.ceil(n / f)) for n in grid.shape))
    radii = {1: mm(default.number("closing_mm"))}
    blurs = {1: float(override.get("default", default.number("blur_voxels", default_blur) * blur_scale))}
    labels = np.zeros(coarse.shape, dtype=np.uint8)
    used: list[str] = []
    ids: dict[str, tuple[int, int]] = {}  # segment id -> (right label, left label)
    joins: dict[int, int] = {}
    reach_mm: dict[int, float] = {}
    value = 2
    for entry in listed:
        names = [str(b) for b in entry.get("bones")]
        used.extend(names)
        sides = []
        for prims in _bone_prims(data, names, entry, coarse.spacing):
            if prims:
                _seed(labels, coarse, prims, value)
                radii[value] = mm(entry.number("closing_mm"))
                own = entry.number("blur_voxels", default_blur) * blur_scale
                blurs[value] = float(override.get(str(entry.get("id", entry.name)), own))
                if entry.get("reach_mm", None) is not None:
                    reach_mm[value] = entry.number("reach_mm")
                sides.append(value)
                value += 1
        ids[str(entry.get("id", entry.name))] = (sides[0], sides[-1]) if sides else (0, 0)
        parent = str(entry.get("joins", "default"))
        if parent != "default" and parent not in ids:
            raise entry.fail("joins", f"unknown segment '{parent}' (use 'default' or an id listed above)")
        for side, k in enumerate(sides):
            joins[k] = 1 if parent == "default" else ids[parent][side]
    others = [e.name for e in data.bones if e.name not in used] + (["ribs"] if "ribs" not in used else [])
    right, left = _bone_prims(data, others, default, coarse.spacing)
    _seed(labels, coarse, right + left, 1)
    if np.any(labels):
        idx = ndimage.distance_transform_edt(labels == 0, return_distances=False, return_indices=True)
        labels = labels[tuple(idx)]
        del idx
    else:
        labels[:] = 1
    seams = Entry(data.skin.where, "segments", data.skin.get("segments")) if listed else None
    band = mm(seams.number("seam_band_mm", 0)) if seams else 0.0
    slope = seams.number("seam_slope", 0.5) if seams else 0.0
    tissue = _coarse_occupancy(occ, f, coarse.shape)
    reach = {k: mm(v) / coarse.spacing for k, v in reach_mm.items()}
    return seam_fields(coarse, f, labels, radii, blurs, band / coarse.spacing, tissue, joins, reach, slope)


def seam_fields(coarse: Grid, factor: int, labels: np.ndarray, radii: dict[int, float],
                blurs: dict[int, float], band_cells: float, tissue: np.ndarray,
                joins: dict[int, int] | None = None, reach_cells: dict[int, float] | None = None,
                slope: float = 0.5) -> SegmentMap:
    """The smooth radius and blur fields and the per-label reaches of a coarse label grid.

    ``band_cells`` is the seam band in coarse cells; ``tissue`` the coarse occupancy; ``joins``
    maps a label to the label it is jointed to (hand -> arm, arm -> trunk). A reach spreads only
    into its parent's cells: the child's closing covers the seam from its side (the parent's own
    closing, cut at the seam, lies inside it there), the right thigh never reaches into the left
    one where they touch, and the trunk never closes across from one thigh to the other.
    Without ``joins`` every label may reach every other. ``reach_cells`` overrides the reach
    (coarse cells) of some labels: the head reaches only a little into the neck, so the angle
    under the chin stays open. The radius ramps up from a segment with a smaller radius into its
    neighbour by ``slope`` (m of radius per m of distance), never above either segment's own.
    """
    sigma = band_cells / 2  # the seam spreads over about +-band
    lut_r = np.zeros(max(radii) + 1, np.float32)
    lut_b = np.zeros(max(radii) + 1, np.float32)
    for k in radii:
        lut_r[k], lut_b[k] = radii[k], blurs[k]
    blur = lut_b[labels]
    radius = _ramped(lut_r[labels], coarse.spacing, slope)
    if sigma > 0:
        blur = ndimage.gaussian_filter(blur, sigma, mode="nearest")
    seg = SegmentMap(coarse, factor, labels, radius, blur, blurs, sigma)
    for k in sorted(radii):
        steps = int(np.ceil((reach_cells or {}).get(k, band_cells)))
        own = labels == k
        if not steps:
            seg.reach[k] = own
            continue
        if joins is None:
            allowed = tissue
        else:
            allowed = tissue & np.isin(labels, sorted({k, joins.get(k, k)}))
        seg.reach[k] = own | ndimage.binary_dilation(own & tissue, iterations=steps, mask=allowed)
    return seg


def _ramped(radius: np.ndarray, spacing: float, slope: float) -> np.ndarray:
    """min over the radius values v of (v + slope * distance to the cells of radius v): each
    segment keeps its own radius and a larger one is approached gradually from the seam, so
    the closing never fills more next to a finely closed segment (the face, the hand)."""
    out = radius.copy()
    if slope <= 0:
        return out
    for v in np.unique(radius):
        others = radius > v
        if not others.any():
            continue
        d = ndimage.distance_transform_edt(radius != v, sampling=spacing).astype(np.float32)
        np.minimum(out, np.where(others, v + slope * d, out), out=out)
    return out


def _coarse_occupancy(occ: np.ndarray, f: int, shape: tuple[int, ...]) -> np.ndarray:
    """A coarse cell is tissue when at least half of its fine voxels are (so that narrow air
    gaps between two limbs stay open at the coarse scale)."""
    if f == 1:
        return occ.copy()
    pad = [(0, s * f - n) for s, n in zip(shape, occ.shape)]
    full = np.pad(occ, pad).reshape(shape[0], f, shape[1], f, shape[2], f)
    return full.sum(axis=(1, 3, 5), dtype=np.uint16) * 2 >= f ** 3


def upsample_box(a: np.ndarray, f: int, box: tuple[slice, slice, slice]) -> np.ndarray:
    """Linear interpolation of a coarse field onto the fine voxels of ``box`` (coarse cell i
    covers fine voxels i*f .. i*f+f-1, so its centre lies at fine index i*f + (f-1)/2)."""
    out = a
    for axis, sl in enumerate(box):
        pos = (np.arange(sl.start, sl.stop) - 0.5 * (f - 1)) / f
        pos = np.clip(pos, 0, a.shape[axis] - 1)
        i0 = np.floor(pos).astype(int)
        i1 = np.minimum(i0 + 1, a.shape[axis] - 1)
        shape = [1, 1, 1]
        shape[axis] = len(pos)
        t = (pos - i0).astype(np.float32).reshape(shape)
        lo = np.take(out, i0, axis=axis)
        step = np.take(out, i1, axis=axis)
        step -= lo  # in place: the box may span most of the body (memory)
        step *= t
        lo += step
        out = lo
        del step
    return out


def _repeat_box(a: np.ndarray, f: int, box: tuple[slice, slice, slice]) -> np.ndarray:
    """Nearest (block) upsampling of a coarse boolean onto the fine voxels of ``box``."""
    idx = np.ix_(*[np.minimum(np.arange(sl.start, sl.stop) // f, a.shape[k] - 1) for k, sl in enumerate(box)])
    return a[idx]


def close_smooth(occ: np.ndarray, seg: SegmentMap, spacing: float) -> np.ndarray:
    """Union over segments of a closing of each segment's reach, with the radius field of ``seg``.

    Dilation by r(x) then erosion by r(x) (thresholds of two distance transforms): where two
    segments meet both see the same tissue and the same radius, so their closings agree and
    the union has no step. Never smaller than ``occ``.
    """
    out = occ.copy()
    r_max = float(seg.radius.max()) if seg.radius.size else 0.0
    if r_max <= 0:
        return out
    pad = int(np.ceil(r_max / spacing)) + 3
    for k in sorted(seg.reach):
        mask = occ & _repeat_box(seg.reach[k], seg.factor, tuple(slice(0, n) for n in occ.shape))
        box = _box(mask, pad)
        if box is None:
            continue
        sub = mask[box]
        del mask
        grown = _within(ndimage.distance_transform_edt(~sub, sampling=spacing), seg, box)
        del sub
        out[box] |= ~_within(ndimage.distance_transform_edt(grown, sampling=spacing), seg, box)
        del grown
    return out


def _within(dist: np.ndarray, seg: SegmentMap, box: tuple[slice, slice, slice], chunk: int = 24) -> np.ndarray:
    """``dist <= r(x)`` on ``box``, the radius field interpolated a slab of rows at a time (the
    trunk's box spans most of the body: a full-size radius array would raise the peak memory)."""
    out = np.empty(dist.shape, dtype=bool)
    for start in range(0, dist.shape[0], chunk):
        rows = slice(start, min(start + chunk, dist.shape[0]))
        part = (slice(box[0].start + rows.start, box[0].start + rows.stop), box[1], box[2])
        out[rows] = dist[rows] <= upsample_box(seg.radius, seg.factor, part)
    return out


def blur_smooth(dist: np.ndarray, seg: SegmentMap) -> np.ndarray:
    """Gaussian blend of the distance field with the blur (voxels) of each segment, mixed by
    the smooth blur field of ``seg``: the face keeps its nose and lips while the trunk is
    blended broadly. Each distinct blur is computed only around the segments that use it."""
    values = sorted(set(seg.blurs.values()))
    base = seg.blurs[1]
    out = ndimage.gaussian_filter(dist, sigma=base, mode="nearest") if base > 0 else dist.copy()
    for sigma in values:
        if sigma == base:
            continue
        users = np.isin(seg.labels, [k for k, v in seg.blurs.items() if v == sigma])
        fine_pad = int(np.ceil(4 * max(sigma, base))) + 2
        box = _box(_repeat_box(users, seg.factor, tuple(slice(0, n) for n in dist.shape)),
                   fine_pad + int(np.ceil(3 * seg.factor * seg.spread)))
        if box is None:
            continue
        other = ndimage.gaussian_filter(dist[box], sigma=sigma, mode="nearest") if sigma > 0 else dist[box]
        # weight of this blur: where the smooth blur field sits between base and sigma
        w = np.clip((upsample_box(seg.blur, seg.factor, box) - base) / (sigma - base), 0.0, 1.0)
        out[box] += w * (other - out[box])
    return out


def _seed(labels: np.ndarray, grid: Grid, prims: list[Primitive], value: int) -> None:
    inside = np.zeros(labels.shape, dtype=bool)
    mark_primitives(inside, grid, prims)
    labels[inside & (labels == 0)] = value  # earlier (listed) segments win where bones touch


def close_segments(occ: np.ndarray, labels: np.ndarray, radii: dict[int, float], spacing: float) -> np.ndarray:
    """Union over segments of the closing of each segment's occupancy (never smaller than ``occ``)."""
    out = occ.copy()
    for value in sorted(radii):
        r = radii[value]
        if r <= 0:
            continue
        mask = occ & (labels == value)
        box = _box(mask, int(np.ceil(r / spacing)) + 3)
        if box is None:
            continue
        sub = mask[box]
        grown = ndimage.distance_transform_edt(~sub, sampling=spacing) <= r
        closed = ndimage.distance_transform_edt(grown, sampling=spacing) > r
        out[box] |= closed
        del mask, sub, grown, closed
    return out


def _box(mask: np.ndarray, pad: int) -> tuple[slice, slice, slice] | None:
    spans = []
    for axis in range(3):
        other = tuple(a for a in range(3) if a != axis)
        hit = np.flatnonzero(np.any(mask, axis=other))
        if hit.size == 0:
            return None
        spans.append(slice(max(int(hit[0]) - pad, 0), min(int(hit[-1]) + pad + 1, mask.shape[axis])))
    return tuple(spans)  # type: ignore[return-value]


def fat_anchors(data: AnatomyData) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """(default fat m, anchor points, anchor radii m, anchor fat m) of ``skin.yaml: fat``.

    Bilateral anchors (off the midline) are mirrored to the left side.
    """
    mm = data.skeleton.mm
    raw = data.skin.get("fat", None)
    if raw is None:
        return mm(data.skin.number("fat_mm")), np.zeros((0, 3)), np.zeros(0), np.zeros(0)
    if not isinstance(raw, dict):
        raise data.skin.fail("fat", "expected a mapping with default_mm and anchors")
    fat = Entry(data.skin.where, "fat", raw)
    anchors = fat.get("anchors", [])
    if not isinstance(anchors, list) or not all(isinstance(a, dict) for a in anchors):
        raise fat.fail("anchors", "expected a list of {at, r_mm, fat_mm}")
    pts, radii, values = [], [], []
    for k, raw_anchor in enumerate(anchors):
        a = Entry(data.skin.where, f"fat.anchors[{k}]", raw_anchor)
        p = data.skeleton.resolve(a.get("at"), f"{a.where} fat.anchors[{k}]")
        copies = [p] if abs(p[0]) < 1e-6 else [p, p * np.array([-1.0, 1.0, 1.0])]
        for q in copies:
            pts.append(q)
            radii.append(mm(a.number("r_mm")))
            values.append(mm(a.number("fat_mm")))
    return (mm(fat.number("default_mm")), np.asarray(pts).reshape(-1, 3), np.asarray(radii),
            np.asarray(values))


def fat_values(points: np.ndarray, default: float, centres: np.ndarray, radii: np.ndarray,
               values: np.ndarray, default_weight: float = 0.05) -> np.ndarray:
    """Fat thickness (m) at points: Gaussian-weighted mean of the anchors, fading to the default."""
    num = np.full(len(points), default * default_weight)
    den = np.full(len(points), default_weight)
    for c, r, v in zip(centres, radii, values):
        w = np.exp(-np.sum((points - c) ** 2, axis=1) / (r * r))
        num += w * v
        den += w
    return num / den


def fat_slabs(data: AnatomyData, grid: Grid, coarse_factor: int = 4, chunk: int = 32, anchors=None):
    """Yield (x-slice, fat thickness in m of those voxels): the map is evaluated on a grid
    ``coarse_factor`` times coarser and interpolated linearly (it varies over centimetres, the
    grid over millimetres), a slab of ``chunk`` x-rows at a time to keep the memory small.
    ``anchors`` (default, points, radii, values) maps another quantity the same way."""
    default, centres, radii, values = fat_anchors(data) if anchors is None else anchors
    f = coarse_factor
    cshape = tuple(int(np.ceil((n - 1) / f)) + 1 for n in grid.shape)
    coarse = Grid(grid.origin, grid.spacing * f, cshape)
    box = (slice(0, cshape[0]), slice(0, cshape[1]), slice(0, cshape[2]))
    small = fat_values(coarse.points(box), default, centres, radii, values).reshape(cshape).astype(np.float32)
    small = _upsample(_upsample(small, 1, f, grid.shape[1]), 2, f, grid.shape[2])
    rows = np.arange(grid.shape[0])
    for start in range(0, grid.shape[0], chunk):
        pos = rows[start:start + chunk] / f
        i0 = np.minimum(np.floor(pos).astype(int), cshape[0] - 1)
        i1 = np.minimum(i0 + 1, cshape[0] - 1)
        t = (pos - i0).astype(np.float32)[:, None, None]
        yield slice(start, start + len(pos)), small[i0] * (1 - t) + small[i1] * t


def _upsample(a: np.ndarray, axis: int, f: int, n: int) -> np.ndarray:
    """Linear interpolation along one axis from a grid f times coarser to n samples."""
    pos = np.arange(n) / f
    i0 = np.minimum(np.floor(pos).astype(int), a.shape[axis] - 1)
    i1 = np.minimum(i0 + 1, a.shape[axis] - 1)
    shape = [1, 1, 1]
    shape[axis] = n
    t = (pos - i0).astype(np.float32).reshape(shape)
    return np.take(a, i0, axis=axis) * (1 - t) + np.take(a, i1, axis=axis) * t
