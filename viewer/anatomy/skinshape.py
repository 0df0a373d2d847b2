"""Shape of the skin envelope: per-segment morphological closing and the regional fat map.

Both are read from ``skin.yaml``:

* ``segments``: the body is split into segments (head, trunk, each arm, hand, leg and foot) by
  the nearest bone; the occupancy of each segment is closed (dilate, then erode) by its own
  radius, which fills the clefts between muscles without webbing an arm to the trunk or one
  thigh to the other (the segments are closed apart and only then united).
* ``fat``: subcutaneous fat thickness as a smooth blend of landmark-anchored values; the skin is
  the level set ``distance - fat(x) = 0``.
"""

from __future__ import annotations

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


def segment_labels(data: AnatomyData, grid: Grid) -> tuple[np.ndarray, dict[int, float]]:
    """Segment label of every voxel (nearest bone of a segment) and the closing radius (m) per label.

    The labels are found on a coarser grid (``label_mm``) and spread to the skin grid.
    """
    label_mm, default, listed = _segment_specs(data)
    mm = data.skeleton.mm
    radii = {1: mm(default.number("closing_mm"))}
    if not listed:
        return np.ones(grid.shape, dtype=np.uint8), radii
    f = max(1, int(round(mm(label_mm) / grid.spacing)))
    coarse = Grid(grid.origin + 0.5 * (f - 1) * grid.spacing, grid.spacing * f,
                  tuple(int(np.ceil(n / f)) for n in grid.shape))
    labels = np.zeros(coarse.shape, dtype=np.uint8)
    used: list[str] = []
    value = 2
    for entry in listed:
        names = [str(b) for b in entry.get("bones")]
        used.extend(names)
        right, left = _bone_prims(data, names, entry, coarse.spacing)
        for prims in (right, left):
            if prims:
                _seed(labels, coarse, prims, value)
                radii[value] = mm(entry.number("closing_mm"))
                value += 1
    others = [e.name for e in data.bones if e.name not in used] + (["ribs"] if "ribs" not in used else [])
    right, left = _bone_prims(data, others, default, coarse.spacing)
    _seed(labels, coarse, right + left, 1)
    if not np.any(labels):
        return np.ones(grid.shape, dtype=np.uint8), radii
    idx = ndimage.distance_transform_edt(labels == 0, return_distances=False, return_indices=True)
    labels = labels[tuple(idx)]
    del idx
    for axis in range(3):
        labels = np.repeat(labels, f, axis=axis)
    return np.ascontiguousarray(labels[: grid.shape[0], : grid.shape[1], : grid.shape[2]]), radii


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


def fat_slabs(data: AnatomyData, grid: Grid, coarse_factor: int = 4, chunk: int = 32):
    """Yield (x-slice, fat thickness in m of those voxels): the map is evaluated on a grid
    ``coarse_factor`` times coarser and interpolated linearly (it varies over centimetres, the
    grid over millimetres), a slab of ``chunk`` x-rows at a time to keep the memory small."""
    default, centres, radii, values = fat_anchors(data)
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
