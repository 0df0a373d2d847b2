"""Interference of parts: muscle volume inside bone, and muscles of one layer inside each other.

Both measures work on volume samples of a muscle's lofted sheet (points filling the solid about
``step`` apart, each tagged with its fibre coordinate s), so they measure volume, not surface:

* penetration - the fraction of a muscle's belly samples deeper than ``tol`` inside any bone
  primitive (hard union of the primitives of ``bones.yaml``, which the bone meshes follow to
  within their blend band). The end zones, where a muscle runs into its attachment on bone by
  construction, are reported separately and not gated.
* overlap - the fraction of a part's volume voxels that another part of the same layer
  (either side: midline muscles meet their mirror twin) also occupies. Each solid is first
  shrunk by ``shrink`` through its thickness, so parts that merely touch do not count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from viewer.anatomy.sdf import FAR, Primitive

MIRROR = np.array([-1.0, 1.0, 1.0])


@dataclass(frozen=True)
class Penetration:
    name: str
    layer: str
    belly: float        # fraction of belly samples inside bone
    ends: float         # fraction of end-zone samples inside bone (not gated)
    depth_mm: float     # deepest belly sample inside bone


@dataclass(frozen=True)
class Overlap:
    name: str
    layer: str
    fraction: float     # fraction of the part's voxels shared with another part of its layer
    partner: str        # the part it shares most with ('' when none)


def volume_samples(sheet, step: float, shrink: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Points filling a sheet's solid about ``step`` apart and their fibre coordinate s.

    ``shrink`` (metres) is taken off both faces (never below the mid-surface)."""
    length = np.linalg.norm(np.diff(sheet.mid[:, sheet.mid.shape[1] // 2], axis=0), axis=1).sum()
    width = np.linalg.norm(np.diff(sheet.mid[sheet.mid.shape[0] // 2], axis=0), axis=1).sum()
    ns = max(2, int(np.ceil(length / step)) + 1)
    nt = max(2, int(np.ceil(width / step)) + 1)
    nd = max(2, int(np.ceil(float(sheet.thickness.max()) / step)) + 1)
    s = np.linspace(0.0, 1.0, ns)
    mid, normal, thick, _ = sheet.resample(s, np.linspace(0.0, 1.0, nt))
    depth = np.linspace(-0.5, 0.5, nd)
    reach = np.maximum(thick - 2 * shrink, 0.0)[None, ..., None] * depth[:, None, None, None]
    pts = mid[None] + normal[None] * reach
    ss = np.broadcast_to(s[None, :, None], (nd, ns, nt))
    return pts.reshape(-1, 3), ss.reshape(-1)


def bone_distance(points: np.ndarray, prims: list[Primitive]) -> np.ndarray:
    """Hard-union signed distance of bone primitives (FAR where no primitive is near)."""
    out = np.full(len(points), FAR)
    if not len(points):
        return out
    lo, hi = points.min(axis=0), points.max(axis=0)
    for prim in prims:
        if np.any(prim.hi < lo) or np.any(prim.lo > hi):
            continue
        near = np.all((points >= prim.lo) & (points <= prim.hi), axis=1)
        if np.any(near):
            idx = np.flatnonzero(near)
            out[idx] = np.minimum(out[idx], prim.distance(points[idx]))
    return out


def penetration(built, bone_prims: list[Primitive], step: float, tol: float, end_zone: float) -> list[Penetration]:
    """Per right-side muscle part, worst first (by belly fraction)."""
    rows = []
    for b in built:
        pts, s = volume_samples(b.sheet, step)
        d = bone_distance(pts, bone_prims)
        inside = d < -tol
        belly = (s >= end_zone) & (s <= 1.0 - end_zone)
        frac_b = float(inside[belly].mean()) if np.any(belly) else 0.0
        frac_e = float(inside[~belly].mean()) if np.any(~belly) else 0.0
        depth = float(-d[belly].min()) * 1000 if np.any(belly) else 0.0
        rows.append(Penetration(b.entry.name, b.part.layer, frac_b, frac_e, max(depth, 0.0)))
    return sorted(rows, key=lambda r: (-r.belly, -r.depth_mm, r.name))


def _voxels(points: np.ndarray, origin: np.ndarray, h: float, dims: np.ndarray) -> np.ndarray:
    idx = np.floor((points - origin) / h).astype(np.int64)
    return np.unique((idx[:, 0] * dims[1] + idx[:, 1]) * dims[2] + idx[:, 2])


def overlap(built, step: float, shrink: float) -> list[Overlap]:
    """Per right-side muscle part, worst first: volume shared with other parts of its layer."""
    rows: list[Overlap] = []
    for layer in sorted({b.part.layer for b in built}):
        members = [b for b in built if b.part.layer == layer]
        names, clouds = [], []
        for b in members:
            pts, _ = volume_samples(b.sheet, step / 2, shrink)
            names += [b.entry.name, b.entry.name + " (left)"]
            clouds += [pts, pts * MIRROR]
        origin = np.min([c.min(axis=0) for c in clouds], axis=0) - step
        dims = np.ceil((np.max([c.max(axis=0) for c in clouds], axis=0) - origin) / step).astype(np.int64) + 2
        keys = [_voxels(c, origin, step, dims) for c in clouds]
        shared, partner = _shared(keys)
        for i, b in enumerate(members):
            k = 2 * i
            frac = shared[k] / max(len(keys[k]), 1)
            rows.append(Overlap(b.entry.name, layer, float(frac), names[partner[k]] if partner[k] >= 0 else ""))
    return sorted(rows, key=lambda r: (-r.fraction, r.name))


def _shared(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per cloud: how many of its voxels another cloud holds, and the cloud it shares most with."""
    allk = np.concatenate(keys)
    owner = np.concatenate([np.full(len(k), i, dtype=np.int64) for i, k in enumerate(keys)])
    order = np.argsort(allk, kind="stable")
    allk, owner = allk[order], owner[order]
    same_next = allk[1:] == allk[:-1]
    is_shared = np.zeros(len(allk), dtype=bool)
    is_shared[1:] |= same_next
    is_shared[:-1] |= same_next
    n = len(keys)
    shared = np.bincount(owner[is_shared], minlength=n)
    pairs = np.zeros((n, n), dtype=np.int64)
    a, b = owner[:-1][same_next], owner[1:][same_next]
    np.add.at(pairs, (a, b), 1)
    np.add.at(pairs, (b, a), 1)
    partner = np.where(pairs.max(axis=1) > 0, pairs.argmax(axis=1), -1)
    return shared, partner


def format_table(pen: list[Penetration], ovl: list[Overlap]) -> str:
    """The plain-text report (worst first) other helpers read."""
    lines = ["Muscle-bone penetration (right side; fraction of volume samples > tol inside bone)",
             f"{'part':34s} {'layer':12s} {'belly':>7s} {'ends':>7s} {'deepest':>8s}"]
    lines += [f"{r.name:34s} {r.layer:12s} {r.belly:7.1%} {r.ends:7.1%} {r.depth_mm:6.1f}mm" for r in pen]
    lines += ["", "Muscle-muscle overlap within a layer (fraction of the part's voxels another part also fills)",
              f"{'part':34s} {'layer':12s} {'shared':>7s}  partner"]
    lines += [f"{r.name:34s} {r.layer:12s} {r.fraction:7.1%}  {r.partner}" for r in ovl]
    return "\n".join(lines) + "\n"
