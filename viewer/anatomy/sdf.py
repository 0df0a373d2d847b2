"""Signed-distance primitives (capsules, tubes, ellipsoids, plates) and grid evaluation.

Bones and the skin's soft-tissue fillers are written in ``bones.yaml`` / ``skin.yaml`` as lists
of these primitives on landmark expressions; sizes are millimetres at the default stature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from viewer.anatomy.points import Skeleton
from viewer.anatomy.spec import Entry

FAR = 1.0  # metres: "no surface nearby"


def smin(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """Polynomial smooth minimum (blend band k metres); plain minimum when k <= 0."""
    if k <= 0:
        return np.minimum(a, b)
    h = np.maximum(k - np.abs(a - b), 0.0) / k
    return np.minimum(a, b) - h * h * k * 0.25


class Primitive:
    lo: np.ndarray
    hi: np.ndarray

    def distance(self, p: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def mirrored(self) -> "Primitive":  # pragma: no cover - interface
        raise NotImplementedError


@dataclass
class Capsule(Primitive):
    a: np.ndarray
    b: np.ndarray
    r1: float
    r2: float

    def __post_init__(self):
        r = max(self.r1, self.r2)
        self.lo = np.minimum(self.a, self.b) - r
        self.hi = np.maximum(self.a, self.b) + r

    def distance(self, p: np.ndarray) -> np.ndarray:
        ba = self.b - self.a
        denom = float(ba @ ba) or 1e-12
        t = np.clip((p - self.a) @ ba / denom, 0.0, 1.0)
        closest = self.a + t[:, None] * ba
        return np.linalg.norm(p - closest, axis=1) - (self.r1 + t * (self.r2 - self.r1))

    def mirrored(self) -> "Capsule":
        m = np.array([-1.0, 1.0, 1.0])
        return Capsule(self.a * m, self.b * m, self.r1, self.r2)


@dataclass
class Ellipsoid(Primitive):
    c: np.ndarray
    r: np.ndarray

    def __post_init__(self):
        self.lo, self.hi = self.c - self.r, self.c + self.r

    def distance(self, p: np.ndarray) -> np.ndarray:
        q = p - self.c
        k0 = np.linalg.norm(q / self.r, axis=1)
        k1 = np.linalg.norm(q / (self.r * self.r), axis=1)
        return np.where(k1 > 1e-12, k0 * (k0 - 1.0) / np.maximum(k1, 1e-12), -float(self.r.min()))

    def mirrored(self) -> "Ellipsoid":
        return Ellipsoid(self.c * np.array([-1.0, 1.0, 1.0]), self.r.copy())


@dataclass
class Plate(Primitive):
    """A thin curved plate: a triangle fan over a polygon of points, thickened."""

    polygon: np.ndarray
    thickness: float
    step: float

    def __post_init__(self):
        self.samples = _fan_samples(self.polygon, self.step)
        self.tree = cKDTree(self.samples)
        half = self.thickness / 2
        self.lo, self.hi = self.samples.min(0) - half, self.samples.max(0) + half

    def distance(self, p: np.ndarray) -> np.ndarray:
        d, _ = self.tree.query(p, k=1, distance_upper_bound=FAR)
        return np.minimum(d, FAR) - self.thickness / 2

    def mirrored(self) -> "Plate":
        return Plate(self.polygon * np.array([-1.0, 1.0, 1.0]), self.thickness, self.step)


def _fan_samples(polygon: np.ndarray, step: float) -> np.ndarray:
    centre = polygon.mean(axis=0)
    out = []
    n = len(polygon)
    for i in range(n):
        a, b = polygon[i], polygon[(i + 1) % n]
        size = max(np.linalg.norm(a - centre), np.linalg.norm(b - centre), np.linalg.norm(b - a))
        m = max(2, int(np.ceil(size / step)))
        u, v = np.meshgrid(np.arange(m + 1), np.arange(m + 1), indexing="ij")
        keep = u + v <= m
        u, v = u[keep] / m, v[keep] / m
        out.append(centre + u[:, None] * (a - centre) + v[:, None] * (b - centre))
    return np.unique(np.round(np.concatenate(out), 7), axis=0)


def _radius_list(entry: Entry, key: str, n: int, sk: Skeleton) -> list[float]:
    values = entry.numbers(key)
    if len(values) == 1:
        values = values * n
    if len(values) != n:
        raise entry.fail(key, f"expected 1 or {n} radii, got {len(values)}")
    return [sk.mm(v) for v in values]


def primitive(raw: dict, where: str, name: str, sk: Skeleton, step: float) -> list[Primitive]:
    """Build the primitive(s) of one record: capsule, tube, sphere, ellipsoid or plate."""
    entry = Entry(where, name, raw)
    kinds = [k for k in ("capsule", "tube", "sphere", "ellipsoid", "plate") if k in raw]
    if len(kinds) != 1:
        raise entry.fail("shape", "each primitive needs exactly one of capsule, tube, sphere, ellipsoid, plate")
    kind = kinds[0]
    if kind in ("capsule", "tube"):
        pts = [sk.resolve(e, f"{where}: {name}") for e in entry.get(kind)]
        if len(pts) < 2 or (kind == "capsule" and len(pts) != 2):
            raise entry.fail(kind, "needs two points (capsule) or at least two (tube)")
        radii = _radius_list(entry, "r", len(pts), sk)
        return [Capsule(pts[i], pts[i + 1], radii[i], radii[i + 1]) for i in range(len(pts) - 1)]
    if kind == "sphere":
        return [Ellipsoid(sk.resolve(entry.get(kind), f"{where}: {name}"), np.full(3, sk.mm(entry.number("r"))))]
    if kind == "ellipsoid":
        radii = np.array([sk.mm(v) for v in entry.numbers("r", 3)])
        return [Ellipsoid(sk.resolve(entry.get(kind), f"{where}: {name}"), radii)]
    pts = np.array([sk.resolve(e, f"{where}: {name}") for e in entry.get(kind)])
    if len(pts) < 3:
        raise entry.fail(kind, "a plate needs at least three points")
    return [Plate(pts, sk.mm(entry.number("thickness")), step)]


def primitives_of(entry: Entry, sk: Skeleton, step: float, key: str = "shapes") -> list[Primitive]:
    """All primitives of a bone/filler entry, with mirrored copies when ``mirror: true``."""
    shapes = entry.get(key)
    if not isinstance(shapes, list) or not shapes:
        raise entry.fail(key, "expected a non-empty list of shapes")
    prims: list[Primitive] = []
    for i, raw in enumerate(shapes):
        if not isinstance(raw, dict):
            raise entry.fail(f"{key}[{i}]", "expected a mapping")
        prims.extend(primitive(raw, entry.where, f"{entry.name}.{key}[{i}]", sk, step))
    if entry.get("mirror", False):
        prims = prims + [p.mirrored() for p in prims if not _on_midline(p)]
    return prims


def _on_midline(prim: Primitive) -> bool:
    """A primitive that is its own mirror image (mirroring it would double it)."""
    return bool(np.allclose(prim.lo[0], -prim.hi[0], atol=1e-9))


@dataclass(frozen=True)
class Grid:
    origin: np.ndarray
    spacing: float
    shape: tuple[int, int, int]

    @staticmethod
    def around(lo: np.ndarray, hi: np.ndarray, spacing: float, pad: float) -> "Grid":
        lo = np.floor((lo - pad) / spacing) * spacing
        n = np.ceil((hi + pad - lo) / spacing).astype(int) + 1
        return Grid(lo, spacing, (int(n[0]), int(n[1]), int(n[2])))

    def index_box(self, lo: np.ndarray, hi: np.ndarray) -> tuple[slice, slice, slice] | None:
        i0 = np.maximum(np.floor((lo - self.origin) / self.spacing).astype(int), 0)
        i1 = np.minimum(np.ceil((hi - self.origin) / self.spacing).astype(int) + 1, self.shape)
        if np.any(i1 <= i0):
            return None
        return tuple(slice(int(a), int(b)) for a, b in zip(i0, i1))  # type: ignore[return-value]

    def points(self, box: tuple[slice, slice, slice]) -> np.ndarray:
        axes = [self.origin[k] + self.spacing * np.arange(box[k].start, box[k].stop) for k in range(3)]
        g = np.meshgrid(*axes, indexing="ij")
        return np.stack([c.ravel() for c in g], axis=1)


def evaluate(prims: list[Primitive], grid: Grid, blend: float, field: np.ndarray | None = None) -> np.ndarray:
    """Smooth union of primitives on a grid (each primitive only inside its own box)."""
    out = np.full(grid.shape, FAR) if field is None else field
    margin = blend + 3 * grid.spacing
    for prim in prims:
        box = grid.index_box(prim.lo - margin, prim.hi + margin)
        if box is None:
            continue
        d = prim.distance(grid.points(box)).reshape(tuple(s.stop - s.start for s in box))
        out[box] = smin(out[box], d, blend)
    return out
