"""Skin region atlas: one region id of body-regions.yaml and a side for every skin vertex.

The partition is declarative (``data/anatomy/regions_rules.yaml``): planes through landmarks,
landmark heights, the mid-sagittal plane, sectors around the limb bones (planes through the
joint centres perpendicular to the bone axis) and small discs around palpable landmarks,
following the landmark-defined partitions of procedural-anatomy.md section 3.6. The rules
are written for the right side; left vertices are mirrored (x -> -x) and labelled with the
``_l`` landmarks, so both sides follow the same anatomy.

Labelling runs in three steps:
1. every vertex gets a *segment* (head, neck, arm, hand, leg, ... or trunk, the remainder);
2. ordered rules label it (first match wins); vertices no rule takes get the region of the
   nearest labelled vertex on the surface;
3. clean-up: per region and side only the largest connected patch survives, stray islands
   go to the region that surrounds them, and a region that vanished is re-seeded at its
   anchor landmark.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
from scipy.spatial import cKDTree

from viewer.anatomy.region_rules import Rules, load_rules
from viewer.anatomy import region_mesh as mesh

__all__ = ["label_skin", "load_rules", "RULES_PATH"]

RULES_PATH = Path(__file__).resolve().parents[2] / "data" / "anatomy" / "regions_rules.yaml"
_CLEANUP_ROUNDS = 6
_SMALL = 3  # vertices: a patch this small is kept whole by the re-seeding


@dataclass
class _Side:
    """One body side, mirrored into the right-side frame (x >= 0 means lateral)."""

    sign: int  # +1 right, -1 left
    index: np.ndarray  # vertex indices of the whole mesh on this side
    points: np.ndarray  # mirrored positions, metres
    normals: np.ndarray  # mirrored normals
    stature: float
    landmarks: Mapping[str, np.ndarray]
    rules: Rules
    _cache: dict

    def point(self, expr: Any) -> np.ndarray:
        """A point expression of the rules file -> (3,) metres in the mirrored frame."""
        key = repr(expr)
        if key not in self._cache:
            self._cache[key] = self._point(expr)
        return self._cache[key]

    def _point(self, expr: Any) -> np.ndarray:
        if isinstance(expr, str):
            if expr in self.rules.points:
                return self.point(self.rules.points[expr])
            suffix = "_r" if self.sign > 0 else "_l"
            raw = self.landmarks.get(expr + suffix, self.landmarks.get(expr))
            if raw is None:
                raise ValueError(f"{self.rules.source}: point '{expr}': no such derived "
                                 f"point or posed landmark ('{expr}{suffix}' or '{expr}')")
            p = np.asarray(raw, dtype=float).copy()
            p[0] *= self.sign
            return p
        if "combo" in expr:  # weighted sum of points, e.g. a knuckle from a fingertip
            return sum(w * self.point(p) for p, w in expr["combo"])
        if "lerp" in expr:
            a, b, f = expr["lerp"]
            return (1.0 - f) * self.point(a) + f * self.point(b)
        base = self.point(expr["from"])
        return base + np.asarray(expr["add"], dtype=float) * self.stature

    def on_skin(self, expr: Any) -> np.ndarray:
        """The skin vertex of this side nearest to a point expression (cached)."""
        if "tree" not in self._cache:
            self._cache["tree"] = cKDTree(self.points)
        return self.points[self._cache["tree"].query(self.point(expr))[1]]

    def chain(self, name: str) -> tuple[np.ndarray, ...]:
        """Coordinates of every vertex of this side around a chain (cached)."""
        key = "chain:" + name
        if key not in self._cache:
            c = self.rules.chains[name]
            self._cache[key] = mesh.chain_coordinates(
                self.points, self.normals, self.point(c.start), self.point(c.end),
                _front(self, c.front))
        return self._cache[key]

    def scalar(self, expr: Any, axis: int) -> float:
        """A bound: a number (fraction of stature) or a point's coordinate (+ add)."""
        if expr is None:
            return float("nan")
        if isinstance(expr, (int, float)):
            return float(expr) * self.stature
        if isinstance(expr, dict) and "of" in expr:
            return float(self.point(expr["of"])[axis] + expr.get("add", 0.0) * self.stature)
        return float(self.point(expr)[axis])


def label_skin(
    points: np.ndarray,
    normals: np.ndarray,
    faces: np.ndarray,
    landmarks: Mapping[str, np.ndarray],
    region_ids: tuple[str, ...],
    rules: Rules | None = None,
    initial: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Label every skin vertex with a region and a side.

    points (n,3) metres, normals (n,3) unit outward, faces (m,3), landmarks: posed, names
    with ``_r``/``_l`` for bilateral ones; region_ids: the ids of data/regions.yaml in order.
    ``initial`` (optional, region index per vertex) replaces the rules, e.g. labels carried
    over from a finer mesh of the same skin; the clean-up below runs either way.
    Returns (region index uint16 (n,), side int8 (n,) -1 left / +1 right, x = 0 is right).
    """
    rules = rules if rules is not None else load_rules(RULES_PATH)
    points = np.asarray(points, dtype=float)
    normals = np.asarray(normals, dtype=float)
    faces = np.asarray(faces, dtype=np.int64)
    _check_input(points, normals, faces, landmarks)
    _check_ids(rules, region_ids)
    stature = float(np.asarray(landmarks["vertex"], dtype=float)[2])
    side = np.where(points[:, 0] >= 0.0, 1, -1).astype(np.int8)
    label = np.full(len(points), -1, dtype=np.int64)
    sides = []
    for sign in (1, -1):
        idx = np.flatnonzero(side == sign)
        if len(idx) == 0:
            continue
        flip = np.array([sign, 1.0, 1.0])
        s = _Side(sign, idx, points[idx] * flip, normals[idx] * flip, stature,
                  landmarks, rules, {})
        label[idx] = _label_side(s, region_ids) if initial is None else np.asarray(initial)[idx]
        sides.append(s)
    graph = mesh.Graph(points, faces, side)
    label = graph.fill_unlabelled(label)
    for _ in range(_CLEANUP_ROUNDS):
        label, _ = graph.keep_largest_patches(label)
        label, seeded = _reseed_missing(graph, label, sides, region_ids)
        if not seeded:
            break
    if seeded:  # a seed may have cut a neighbour in two; this pass removes no region
        label, _ = graph.keep_largest_patches(label)
    return label.astype(np.uint16), side


def _check_input(points: np.ndarray, normals: np.ndarray, faces: np.ndarray,
                 landmarks: Mapping[str, np.ndarray]) -> None:
    problem = None
    if points.ndim != 2 or points.shape[1] != 3 or len(points) == 0:
        problem = f"points must be (n, 3), got {points.shape}"
    elif normals.shape != points.shape:
        problem = f"normals {normals.shape} do not match points {points.shape}"
    elif faces.ndim != 2 or faces.shape[1] != 3 or faces.min() < 0 or faces.max() >= len(points):
        problem = f"faces must be (m, 3) indices into {len(points)} points"
    elif "vertex" not in landmarks:
        problem = "landmarks lack 'vertex' (the stature is its height)"
    if problem:
        raise ValueError(f"label_skin: {problem}")


def _check_ids(rules: Rules, region_ids: tuple[str, ...]) -> None:
    missing = [r for r in region_ids if r not in rules.anchors]
    unknown = [r for r in rules.regions_used() if r not in region_ids]
    if missing or unknown:
        raise ValueError(
            f"{rules.source}: anchors: regions without an anchor {missing}; "
            f"rules name unknown regions {unknown}")


def _label_side(s: _Side, region_ids: tuple[str, ...]) -> np.ndarray:
    """Segments, then the ordered rules; -1 where no rule applies."""
    n = len(s.points)
    names = [seg.name for seg in s.rules.segments] + ["trunk"]
    segment = np.full(n, len(names) - 1, dtype=np.int64)
    free = np.ones(n, dtype=bool)
    for code, seg in enumerate(s.rules.segments):
        hit = free & _conditions(s, seg.when, free)
        segment[hit] = code
        free &= ~hit
    index = {rid: i for i, rid in enumerate(region_ids)}
    label = np.full(n, -1, dtype=np.int64)
    for rule in s.rules.rules:
        todo = label < 0
        if rule.segments:
            todo &= np.isin(np.arange(len(names)), [names.index(g) for g in rule.segments])[segment]
        if not todo.any():
            continue
        hit = todo & _conditions(s, rule.when, todo)
        if rule.region is not None:
            label[hit] = index[rule.region]
        elif hit.any():
            label[hit] = _nearest_line(s, rule.split, np.flatnonzero(hit), index)
    return label


def _nearest_line(s: _Side, split: dict, rows: np.ndarray, index: dict) -> np.ndarray:
    """Each vertex of rows to the region whose anchor line is nearest (fingers, toes)."""
    names = list(split)
    dist = np.stack([mesh.polyline_distance(s.points[rows], [s.point(p) for p in split[k]])
                     for k in names], axis=1)
    return np.array([index[k] for k in names])[np.argmin(dist, axis=1)]


def _conditions(s: _Side, when: dict, active: np.ndarray) -> np.ndarray:
    """All conditions of one rule or segment, evaluated on the active vertices."""
    ok = active.copy()
    for key, arg in when.items():
        if not ok.any():
            break
        rows = np.flatnonzero(ok)
        ok[rows] = _CONDITION[key](s, arg, rows)
    return ok


def _between(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    ok = np.ones(len(values), dtype=bool)
    if not np.isnan(lo):
        ok &= values >= lo
    if not np.isnan(hi):
        ok &= values < hi
    return ok


def _axis_range(axis: int):
    def cond(s: _Side, arg: list, rows: np.ndarray) -> np.ndarray:
        return _between(s.points[rows, axis], s.scalar(arg[0], axis), s.scalar(arg[1], axis))
    return cond


def _line_side(plane: tuple[int, int], above: bool):
    """Above/below a polyline through points, seen in a body plane (h, v axes).

    One point is a level; beyond the ends the line continues flat. ``{line: [...], dz: d}``
    shifts the line by d (fraction of stature) along v.
    """
    h, v = plane

    def cond(s: _Side, arg: Any, rows: np.ndarray) -> np.ndarray:
        line, shift = (arg["line"], arg.get("dz", 0.0)) if isinstance(arg, dict) else (arg, 0.0)
        pts = np.array([s.point(p) for p in line])
        order = np.argsort(pts[:, h])
        level = np.interp(s.points[rows, h], pts[order, h], pts[order, v])
        level = level + shift * s.stature
        return s.points[rows, v] >= level if above else s.points[rows, v] < level
    return cond


def _front(s: _Side, front: Any) -> np.ndarray:
    if isinstance(front, list) and len(front) == 3 and all(
            isinstance(c, (int, float)) for c in front):
        return np.asarray(front, dtype=float)
    return s.point(front[1]) - s.point(front[0])


def _chain(s: _Side, arg: dict, rows: np.ndarray) -> np.ndarray:
    """Limb coordinates: u along the bone, radial distance, sector angle, outward normal."""
    u, radial, angle, outward = (a[rows] for a in s.chain(arg["name"]))
    ok = np.ones(len(rows), dtype=bool)
    if "u" in arg:
        lo, hi = (np.nan if v is None else v for v in arg["u"])
        ok &= _between(u, lo, hi)
    if "radius" in arg:
        lo, hi = (np.nan if v is None else v * s.stature for v in arg["radius"])
        ok &= _between(radial, lo, hi)
    if "sector" in arg:
        a, b = arg["sector"]
        ok &= ((angle >= a) & (angle < b)) if a <= b else ((angle >= a) | (angle < b))
    if "outward" in arg:
        ok &= outward >= arg["outward"]
    return ok


def _near(s: _Side, arg: dict, rows: np.ndarray) -> np.ndarray:
    """Within r of a point (moved onto the skin of this side first) or of a polyline."""
    r = arg["r"] * s.stature
    if "line" in arg:
        return mesh.polyline_distance(s.points[rows], [s.point(p) for p in arg["line"]]) < r
    centre = s.point(arg["point"])
    if arg.get("skin", True):
        centre = s.on_skin(arg["point"])
    return np.linalg.norm(s.points[rows] - centre, axis=1) < r


def _facing(s: _Side, arg: list, rows: np.ndarray) -> np.ndarray:
    """Normal within a cone: [dx, dy, dz, min_cos]."""
    d = np.asarray(arg[:3], dtype=float)
    return s.normals[rows] @ (d / np.linalg.norm(d)) >= arg[3]


_CONDITION = {
    "x": _axis_range(0), "y": _axis_range(1), "z": _axis_range(2),
    "above": _line_side((0, 2), True), "below": _line_side((0, 2), False),
    "above_yz": _line_side((1, 2), True), "below_yz": _line_side((1, 2), False),
    "front_of": _line_side((0, 1), True), "behind": _line_side((0, 1), False),
    "lateral_of": _line_side((2, 0), True), "medial_of": _line_side((2, 0), False),
    "chain": _chain, "near": _near, "facing": _facing,
}


def _reseed_missing(graph: "mesh.Graph", label: np.ndarray, sides: list[_Side],
                    region_ids: tuple[str, ...]) -> tuple[np.ndarray, bool]:
    """A region squeezed out on one side is re-seeded around its anchor landmark.

    Seeds never overwrite each other (small neighbours such as lips and mouth on a coarse
    mesh), and at least the vertex nearest to the anchor is taken.
    """
    seeded = False
    for s in sides:
        counts = np.bincount(label[s.index], minlength=len(region_ids))
        # regions of a few vertices only (coarse meshes) are never overwritten by a seed
        protected = [int(i) for i in np.flatnonzero((counts > 0) & (counts <= _SMALL))]
        for i in np.flatnonzero(counts == 0):
            dist = np.linalg.norm(s.points - s.point(s.rules.anchors[region_ids[i]]), axis=1)
            near = np.argsort(dist)[:_SMALL * 20]
            ok = near[~np.isin(label[s.index[near]], protected)]
            start = s.index[ok[0] if len(ok) else near[0]]
            label = graph.grow(label, start, int(i), s.rules.reseed_radius * s.stature, protected)
            protected.append(int(i))
            seeded = True
    return label, seeded
