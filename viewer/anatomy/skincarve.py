"""Creases cut into the skin field: the oral fissure, the palpebral fissures.

The skin is an offset of the tissue beneath it, so a crease narrower than twice the fat (the
mouth line between the lips, the opening between the lids) fills in: the fat offset, the
closing and the blur all bridge it. ``skin.yaml: carves`` names volumes the skin steps back
from instead: each carve is a union of primitives (``shapes``, the same language as the
fillers) minus an optional union it never enters (``keep``: the globe behind the lids), and
the skin field becomes the smooth maximum (rounded over ``soft_mm``) of itself and the
negated distance of that volume. A carve only ever moves the skin inwards, within its own
volume; the gates check the carved field, so a carve cut down to a muscle fails them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from viewer.anatomy.sdf import FAR, Grid, Primitive, primitives_of, smin
from viewer.anatomy.spec import AnatomyData, Entry


@dataclass
class Carve:
    """One crease volume: ``shapes`` minus ``keep``, blended into the skin over ``soft``."""

    name: str
    shapes: list[Primitive]
    keep: list[Primitive]
    soft: float


def carves(data: AnatomyData, step: float) -> list[Carve]:
    """The carves of ``skin.yaml: carves`` (none when the key is absent)."""
    raw = data.skin.get("carves", None)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
        raise data.skin.fail("carves", "expected a list of {id, shapes, keep, soft_mm, mirror}")
    out: list[Carve] = []
    for k, raw_carve in enumerate(raw):
        entry = Entry(data.skin.where, str(raw_carve.get("id", f"carves[{k}]")), raw_carve)
        shapes = primitives_of(entry, data.skeleton, step, "shapes")
        keep = primitives_of(entry, data.skeleton, step, "keep") if entry.get("keep", None) is not None else []
        soft = data.skeleton.mm(entry.number("soft_mm", 0.0))
        if soft < 0:
            raise entry.fail("soft_mm", "expected a rounding of zero or more millimetres")
        out.append(Carve(str(entry.name), shapes, keep, soft))
    return out


def _union(prims: list[Primitive], points: np.ndarray) -> np.ndarray:
    out = np.full(len(points), FAR)
    for prim in prims:
        np.minimum(out, prim.distance(points), out=out)
    return out


def carve_values(carve: Carve, points: np.ndarray) -> np.ndarray:
    """Signed distance (m) of the carved volume at ``points``: negative inside ``shapes`` and
    outside ``keep`` (the intersection of the one with the complement of the other)."""
    d = _union(carve.shapes, points)
    if carve.keep:
        d = np.maximum(d, -_union(carve.keep, points))
    return d


def _bounds(carve: Carve, reach: float) -> tuple[np.ndarray, np.ndarray]:
    lo = np.min([p.lo for p in carve.shapes], axis=0) - carve.soft - reach
    hi = np.max([p.hi for p in carve.shapes], axis=0) + carve.soft + reach
    return lo, hi


def apply_carves(data: AnatomyData, grid: Grid, field: np.ndarray) -> None:
    """Cut every carve of ``skin.yaml`` into ``field`` (signed distance of the skin, negative
    inside) in place: within a carve the skin stands at the carve's wall, rounded over
    ``soft_mm`` where the wall meets the skin."""
    for carve in carves(data, grid.spacing / 2):
        box = grid.index_box(*_bounds(carve, 2 * grid.spacing))
        if box is None:
            continue
        shape = tuple(s.stop - s.start for s in box)
        cut = -carve_values(carve, grid.points(box)).reshape(shape).astype(field.dtype)
        field[box] = _smooth_max(field[box], cut, carve.soft)


def point_carver(data: AnatomyData, step: float) -> Callable[[np.ndarray, np.ndarray], np.ndarray] | None:
    """(points, field values there) -> the values with every carve cut in exactly, or None
    without carves. A crease 1-2 mm wide is thinner than the head's finer grid: sampled from
    the grid it aliases into a jagged line, evaluated at the points it is as smooth as the
    primitives."""
    cuts = carves(data, step)
    if not cuts:
        return None
    boxes = [_bounds(c, 0.0) for c in cuts]

    def cut(points: np.ndarray, values: np.ndarray) -> np.ndarray:
        out = np.array(values, dtype=np.float64, copy=True)
        for carve, (lo, hi) in zip(cuts, boxes):
            near = np.all((points >= lo) & (points <= hi), axis=1)
            if np.any(near):
                out[near] = _smooth_max(out[near], -carve_values(carve, points[near]), carve.soft)
        return out

    return cut


def _smooth_max(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """Smooth maximum over about ``k`` (the polynomial smooth minimum of sdf.py, mirrored)."""
    return -smin(-a, -b, k)
