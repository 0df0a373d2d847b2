"""Signed-distance primitives (capsules, tubes, ellipsoids, plates, sheets, cups, carved groups) and grid evaluation.

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
SHEET_REACH = 0.03  # metres: a sheet's distance is exact up to this far outside it


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


@dataclass
class Sheet(Primitive):
    """A curved sheet: a smooth patch through a grid of points (rows x columns, Catmull-Rom in
    both directions), thickened by a thickness that may vary over the grid (a wedge, a blade
    thin in its middle and thick at its rim). The iliac wing and the sacrum are written so."""

    grid: np.ndarray        # (rows, columns, 3)
    thickness: np.ndarray   # (rows, columns)
    step: float

    def __post_init__(self):
        rows, cols = self.grid.shape[:2]
        # samples per segment from its longest span, so every grid point is itself a sample
        k_cols = max(1, int(np.ceil(float(np.linalg.norm(np.diff(self.grid, axis=1), axis=2).max()) / self.step)))
        k_rows = max(1, int(np.ceil(float(np.linalg.norm(np.diff(self.grid, axis=0), axis=2).max()) / self.step)))
        m_cols, m_rows = (cols - 1) * k_cols + 1, (rows - 1) * k_rows + 1
        both = np.concatenate([self.grid, self.thickness[..., None]], axis=2)
        dense = _spline(_spline(both, m_cols, axis=1), m_rows, axis=0).reshape(-1, 4)
        self.samples = dense[:, :3]
        # the spline may overshoot the thicknesses it passes through: keep it within them
        self.radii = np.clip(dense[:, 3], self.thickness.min(), self.thickness.max()) / 2
        self.uniform = bool(np.ptp(self.thickness) < 1e-9)
        self.tree = cKDTree(self.samples)
        r = float(self.radii.max())
        self.lo, self.hi = self.samples.min(0) - r, self.samples.max(0) + r

    def distance(self, p: np.ndarray) -> np.ndarray:
        """Exact up to ``SHEET_REACH`` outside the surface and held there beyond: every user of
        a bone field looks only near the surface (inside tests, smooth-union bands of at most a
        centimetre), and the search for far points is what costs (three times the time)."""
        r_max = float(self.radii.max())
        bound = SHEET_REACH + r_max
        if self.uniform:
            d, _ = self.tree.query(p, k=1, distance_upper_bound=bound)
            return np.minimum(d, bound) - r_max
        # varying thickness: the nearest of a few samples, each with its own radius
        d, i = self.tree.query(p, k=4, distance_upper_bound=bound)
        gap = np.where(np.isinf(d), np.inf, d - self.radii[np.minimum(i, len(self.radii) - 1)])
        return np.minimum(gap.min(axis=1), SHEET_REACH)

    def mirrored(self) -> "Sheet":
        return Sheet(self.grid * np.array([-1.0, 1.0, 1.0]), self.thickness.copy(), self.step)


def _spline(points: np.ndarray, m: int, axis: int) -> np.ndarray:
    """``m`` samples along ``axis`` of a uniform Catmull-Rom spline through ``points`` (end
    tangents from mirrored phantom points; two points give a straight line)."""
    p = np.moveaxis(points, axis, 0)
    n = len(p)
    padded = np.concatenate([2 * p[:1] - p[1:2], p, 2 * p[-1:] - p[-2:-1]])
    u = np.linspace(0.0, n - 1, m)
    seg = np.minimum(u.astype(int), n - 2)
    t = (u - seg).reshape((-1,) + (1,) * (p.ndim - 1))
    p0, p1, p2, p3 = padded[seg], padded[seg + 1], padded[seg + 2], padded[seg + 3]
    out = 0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (3 * p1 - p0 - 3 * p2 + p3) * t**3)
    return np.moveaxis(out, 0, axis)


@dataclass
class Cup(Primitive):
    """A spherical cup (a socket such as the acetabulum): the wall of a sphere of mid-wall radius
    ``radius`` round ``c``, kept within ``cover`` radians of the pole opposite ``axis`` (the
    direction the cup opens towards); its rim is rounded."""

    c: np.ndarray
    axis: np.ndarray
    radius: float
    thickness: float
    cover: float

    def __post_init__(self):
        self.axis = self.axis / np.linalg.norm(self.axis)
        reach = self.radius + self.thickness / 2
        self.lo, self.hi = self.c - reach, self.c + reach

    def distance(self, p: np.ndarray) -> np.ndarray:
        q = p - self.c
        h = -(q @ self.axis)                                    # along the pole (into the cup's bottom)
        rho = np.linalg.norm(q + h[:, None] * self.axis, axis=1)  # away from the axis
        on_wall = np.arctan2(rho, h) <= self.cover
        to_wall = np.abs(np.hypot(rho, h) - self.radius)
        rim_rho, rim_h = self.radius * np.sin(self.cover), self.radius * np.cos(self.cover)
        to_rim = np.hypot(rho - rim_rho, h - rim_h)
        return np.where(on_wall, to_wall, to_rim) - self.thickness / 2

    def mirrored(self) -> "Cup":
        m = np.array([-1.0, 1.0, 1.0])
        return Cup(self.c * m, self.axis * m, self.radius, self.thickness, self.cover)


@dataclass
class Carved(Primitive):
    """A smooth union of shapes with cavities cut out of it (an opening such as the bony orbit or
    the nasal aperture, a shallow fossa): ``max(union, -cavities)`` with a smooth band of
    ``blend`` metres. One primitive to its users, so a cavity cuts only this group's shapes and
    every user that takes the nearest of many primitives still sees one signed distance."""

    shapes: list[Primitive]
    cavities: list[Primitive]
    blend: float

    def __post_init__(self):
        self.lo = np.min([s.lo for s in self.shapes], axis=0)
        self.hi = np.max([s.hi for s in self.shapes], axis=0)

    def distance(self, p: np.ndarray) -> np.ndarray:
        solid = np.full(len(p), FAR)
        for shape in self.shapes:
            solid = smin(solid, shape.distance(p), self.blend)
        if not self.cavities:
            return solid
        hole = np.min([c.distance(p) for c in self.cavities], axis=0)
        return -smin(-solid, hole, self.blend)  # smooth maximum of solid and -hole

    def mirrored(self) -> "Carved":
        return Carved([s.mirrored() for s in self.shapes], [c.mirrored() for c in self.cavities], self.blend)


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


def _sheet(entry: Entry, sk: Skeleton, step: float) -> Sheet:
    """``sheet: [[point, ...], ...]`` (rows of equally many points) with ``thickness``: one
    number, one per row, or one per point ([[...], ...]); millimetres."""
    rows = entry.get("sheet")
    def is_row(r: object) -> bool:  # a list of two or more points, not one [x, y, z] point
        return isinstance(r, list) and len(r) >= 2 and not all(isinstance(v, (int, float)) for v in r)

    if not (isinstance(rows, list) and len(rows) >= 2 and all(is_row(r) for r in rows)
            and len({len(r) for r in rows}) == 1):
        raise entry.fail("sheet", "expected at least two rows of equally many points (two or more each)")
    grid = np.array([[sk.resolve(e, f"{entry.where}: {entry.name}") for e in row] for row in rows])
    raw = entry.get("thickness")
    try:
        t = np.array(raw, dtype=float)
    except (TypeError, ValueError):
        raise entry.fail("thickness", f"expected a number, one per row or one per point, got {raw!r}") from None
    shape = grid.shape[:2]
    if t.ndim == 1 and len(t) == shape[0]:
        t = np.repeat(t[:, None], shape[1], axis=1)
    if t.shape not in ((), shape) or np.any(t <= 0):
        raise entry.fail("thickness", "expected positive millimetres: one number, "
                                      f"{shape[0]} (one per row) or {shape[0]}x{shape[1]}")
    return Sheet(grid, np.broadcast_to(t * sk.mm(1.0), shape).copy(), step)


def _cup(entry: Entry, sk: Skeleton) -> Cup:
    """``cup: point`` with ``axis`` (the direction it opens towards), ``r`` (mid-wall radius,
    mm), ``thickness`` (mm) and ``cover_deg`` (the wall's reach from the pole, 10-170)."""
    axis = np.array(entry.numbers("axis", 3))
    if np.linalg.norm(axis) < 1e-9:
        raise entry.fail("axis", "expected a non-zero direction")
    cover = entry.number("cover_deg")
    if not 10.0 <= cover <= 170.0:
        raise entry.fail("cover_deg", f"expected 10 to 170 degrees, got {cover}")
    return Cup(sk.resolve(entry.get("cup"), f"{entry.where}: {entry.name}"), axis, sk.mm(entry.number("r")),
               sk.mm(entry.number("thickness")), float(np.radians(cover)))


def _group(entry: Entry, sk: Skeleton, step: float) -> Carved:
    """``group: [shape, ...]`` with optional ``minus: [shape, ...]`` (cavities cut out of the
    group only), ``blend_mm`` (the smooth band of both, default 4) and ``mirror: true`` (mirrored
    copies of the off-midline shapes and cavities inside the group: a cavity of one side must not
    be filled again by the other side's copy of a midline shape)."""
    def shapes_of(key: str) -> list[Primitive]:
        if key == "minus" and entry.get(key, []) == []:  # no cavities
            return []
        return primitives_of(entry, sk, step, key)

    blend = entry.number("blend_mm", 4.0)
    if blend < 0:
        raise entry.fail("blend_mm", f"expected zero or more millimetres, got {blend}")
    return Carved(shapes_of("group"), shapes_of("minus"), sk.mm(blend))


def primitive(raw: dict, where: str, name: str, sk: Skeleton, step: float) -> list[Primitive]:
    """Build the primitive(s) of one record: capsule, tube, sphere, ellipsoid, plate, sheet, cup
    or group (a carved union of other records)."""
    entry = Entry(where, name, raw)
    kinds = [k for k in ("capsule", "tube", "sphere", "ellipsoid", "plate", "sheet", "cup", "group") if k in raw]
    if len(kinds) != 1:
        raise entry.fail("shape", "each primitive needs exactly one of capsule, tube, sphere, ellipsoid, plate, "
                                  "sheet, cup, group")
    kind = kinds[0]
    if kind == "group":
        return [_group(entry, sk, step)]
    if kind == "sheet":
        return [_sheet(entry, sk, step)]
    if kind == "cup":
        return [_cup(entry, sk)]
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
