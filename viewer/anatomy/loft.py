"""Muscles as lofted thick sheets with a parametric frame (s along the fibres, t across, depth).

One construction covers every archetype: a mid-surface M(s, t) between an origin line O(t) and
an insertion line I(t) (a single point is widened to a short line), bent by via points on its
centre strand, with a width profile, a thickness profile h(s) and a rounded edge profile across
t. A fusiform muscle is a narrow sheet with a lens-shaped section; a fan or flat muscle is a wide
one. The sheet is draped over the layers beneath it (pushed out of their signed distance) and
closed into a watertight box-topology mesh. Fibres run along s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import PchipInterpolator, RegularGridInterpolator, make_interp_spline
from scipy.ndimage import gaussian_filter

from viewer.anatomy.fields import Field
from viewer.anatomy.points import Skeleton
from viewer.anatomy.spec import Entry

DESIGN_S, DESIGN_T = 49, 21
END_ZONE = 0.15  # fraction of the length over which draping fades out towards each end


@dataclass
class Sheet:
    """The design grid of a muscle part (right side): mid-surface, superficial normal, thickness."""

    s: np.ndarray          # (S,)
    t: np.ndarray          # (T,)
    mid: np.ndarray        # (S, T, 3)
    normal: np.ndarray     # (S, T, 3), unit, towards the superficial side
    thickness: np.ndarray  # (S, T)

    def fibres(self) -> np.ndarray:
        d = np.gradient(self.mid, self.s, axis=0)
        return d / np.maximum(np.linalg.norm(d, axis=2, keepdims=True), 1e-12)

    def resample(self, s: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Mid, normal, thickness and fibre on another (s, t) grid (bilinear)."""
        ss, tt = np.meshgrid(s, t, indexing="ij")
        q = np.stack([ss.ravel(), tt.ravel()], axis=1)
        shape = (len(s), len(t))

        def interp(values: np.ndarray) -> np.ndarray:
            f = RegularGridInterpolator((self.s, self.t), values, method="linear")
            return f(q).reshape(shape + values.shape[2:])

        mid, normal, thick, fibre = (interp(v) for v in (self.mid, self.normal, self.thickness, self.fibres()))
        normal /= np.maximum(np.linalg.norm(normal, axis=-1, keepdims=True), 1e-12)
        fibre /= np.maximum(np.linalg.norm(fibre, axis=-1, keepdims=True), 1e-12)
        return mid, normal, thick, fibre

    def interior_points(self, step: float, pad: float = 0.0) -> np.ndarray:
        """Dense points filling the solid (for voxel occupancy), about ``step`` apart, reaching
        ``pad`` beyond both faces (so voxelisation never trims the surface)."""
        length = np.linalg.norm(np.diff(self.mid[:, self.mid.shape[1] // 2], axis=0), axis=1).sum()
        width = np.linalg.norm(np.diff(self.mid[self.mid.shape[0] // 2], axis=0), axis=1).sum()
        ns = max(2, int(np.ceil(length / step)) + 1)
        nt = max(2, int(np.ceil(width / step)) + 1)
        nd = max(2, int(np.ceil(float(self.thickness.max()) / step)) + 1)
        mid, normal, thick, _ = self.resample(np.linspace(0, 1, ns), np.linspace(0, 1, nt))
        depth = np.linspace(-0.5, 0.5, nd)
        reach = thick[None, ..., None] * depth[:, None, None, None] + 2 * pad * depth[:, None, None, None]
        pts = mid[None] + normal[None] * reach
        return pts.reshape(-1, 3)


def _profile(entry: Entry, key: str, sk: Skeleton, default: list[float] | None = None):
    raw = entry.get(key, default)
    if raw is None:
        return None
    if isinstance(raw, dict):
        knots, values = entry.numbers(key + ".s", default=raw.get("s")), raw.get("v")
        if not isinstance(values, list) or len(values) != len(knots):
            raise entry.fail(key, "needs lists 's' and 'v' of equal length")
    else:
        values = entry.numbers(key, default=raw)
        knots = list(np.linspace(0, 1, len(values))) if len(values) > 1 else [0.0]
    values = [sk.mm(float(v)) for v in values]
    if len(values) == 1:
        return lambda s: np.full_like(np.asarray(s, dtype=float), values[0])
    return PchipInterpolator(np.asarray(knots, dtype=float), np.asarray(values))


def _curve(points: np.ndarray):
    """Smooth curve through points, parameterised 0..1 by chord length."""
    if len(points) == 1:
        return None
    chord = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))]
    u = chord / chord[-1]
    return make_interp_spline(u, points, k=min(3, len(points) - 1))


def _outward(entry: Entry, sk: Skeleton, pts: np.ndarray) -> np.ndarray:
    """Hint for the superficial side at each point: a fixed vector or away from a point/segment."""
    raw = entry.get("outward")
    where = f"{entry.where}: {entry.name}"
    if isinstance(raw, list) and len(raw) == 3 and all(isinstance(v, (int, float)) for v in raw):
        v = np.asarray(raw, dtype=float)
        return np.broadcast_to(v / np.linalg.norm(v), pts.shape)
    if isinstance(raw, dict) and "away_from" in raw:
        ref = raw["away_from"]
        if isinstance(ref, list) and len(ref) == 2 and not all(isinstance(v, (int, float)) for v in ref):
            a, b = sk.resolve(ref[0], where), sk.resolve(ref[1], where)
            ab = b - a
            u = np.clip((pts - a) @ ab / float(ab @ ab), 0, 1)
            v = pts - (a + u[..., None] * ab)
        else:
            v = pts - sk.resolve(ref, where)
        return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)
    raise entry.fail("outward", "expected [x, y, z] or {away_from: point or [point, point]}")


def _ends(entry: Entry, key: str, sk: Skeleton) -> np.ndarray:
    raw = entry.get(key)
    items = raw if isinstance(raw, list) and not (len(raw) == 3 and all(isinstance(v, (int, float)) for v in raw)) else [raw]
    return np.array([sk.resolve(e, f"{entry.where}: {entry.name}: {key}") for e in items])


def _centre(entry: Entry, sk: Skeleton, o_mid: np.ndarray, i_mid: np.ndarray, s: np.ndarray) -> np.ndarray:
    knots, pts = [0.0], [o_mid]
    for k, via in enumerate(entry.get("via", [])):
        if not isinstance(via, dict) or "s" not in via or "at" not in via:
            raise entry.fail(f"via[{k}]", "expected {s: 0..1, at: point}")
        knots.append(float(via["s"]))
        pts.append(sk.resolve(via["at"], f"{entry.where}: {entry.name}: via"))
    knots.append(1.0)
    pts.append(i_mid)
    if np.any(np.diff(knots) <= 0):
        raise entry.fail("via", "the s values must increase strictly between 0 and 1")
    spline = make_interp_spline(np.asarray(knots), np.asarray(pts), k=min(3, len(pts) - 1))
    return spline(s)


def design_sheet(entry: Entry, sk: Skeleton) -> Sheet:
    """The undraped sheet of one muscle part (right side)."""
    s = np.linspace(0.0, 1.0, DESIGN_S)
    t = np.linspace(0.0, 1.0, _design_strands(entry))
    O, I = _ends(entry, "origin", sk), _ends(entry, "insertion", sk)
    oc, ic = _curve(O), _curve(I)
    o_line = oc(t) if oc is not None else None
    i_line = ic(t) if ic is not None else None
    o_mid = o_line[len(t) // 2] if o_line is not None else O[0]
    i_mid = i_line[len(t) // 2] if i_line is not None else I[0]
    centre = _centre(entry, sk, o_mid, i_mid, s)
    tangent = np.gradient(centre, s, axis=0)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    out_c = _outward(entry, sk, centre)
    width = _profile(entry, "width_mm", sk)
    end_w = sk.mm(entry.number("end_width_mm", 12.0))

    def widen(k: int, other: np.ndarray | None, w: float) -> np.ndarray:
        if other is not None:
            d = other[-1] - other[0]
        else:
            d = np.cross(tangent[k], out_c[k])
        d = d - (d @ tangent[k]) * tangent[k]
        d /= max(np.linalg.norm(d), 1e-12)
        return (t - 0.5)[:, None] * w * d

    oa = o_line - o_mid if o_line is not None else widen(0, i_line, float(width(0.0)) if width else end_w)
    ia = i_line - i_mid if i_line is not None else widen(-1, o_line, float(width(1.0)) if width else end_w)
    across = (1 - s)[:, None, None] * oa[None] + s[:, None, None] * ia[None]
    if width is not None:
        span = np.linalg.norm(across[:, -1] - across[:, 0], axis=1)
        across *= (width(s) / np.maximum(span, 1e-9))[:, None, None]
    mid = centre[:, None, :] + across
    h = _profile(entry, "thickness_mm", sk)
    if h is None:
        raise entry.fail("thickness_mm", "missing")
    q = entry.number("edge", 2.0)
    edge = np.maximum(entry.number("edge_min", 0.15), (1 - np.abs(2 * t - 1) ** q)) ** (1 / q)
    edge = edge * _across_factor(entry, "thickness_across", t)
    thickness = _aponeurosis(entry, s, t, h(s)[:, None] * edge[None, :], sk)
    normal = _normals(mid, s, t, _outward(entry, sk, mid))
    dome = _profile(entry, "dome_mm", sk)
    if dome is not None:  # bow the sheet out across the fibres: a convex mass, not a flat plate
        mid = mid + normal * (dome(s)[:, None] * (1 - (2 * t - 1) ** 2)[None, :])[..., None]
        normal = _normals(mid, s, t, normal)
    return Sheet(s, t, mid, normal, thickness)


def _design_strands(entry: Entry) -> int:
    """Strands of the design grid across the fibres: DESIGN_T, times the optional
    ``design_across`` (1-3, default 1) - a zig-zag origin line (the interlocking digitations of
    serratus anterior and the external oblique) needs more than 21 samples to keep its notches."""
    value = entry.number("design_across", 1)
    if value != int(value) or not 1 <= value <= 3:
        raise entry.fail("design_across", f"expected a whole number 1 to 3, got {value:g}")
    return (DESIGN_T - 1) * int(value) + 1


def _across_factor(entry: Entry, key: str, t: np.ndarray) -> np.ndarray:
    """Optional factor across the fibres, ``{t: [...], v: [...]}`` (default 1): e.g. a gluteus
    maximus thin at its upper border and thick at its lower one (``thickness_across``)."""
    raw = entry.get(key, None)
    if raw is None:
        return np.ones_like(t)
    if not isinstance(raw, dict):
        raise entry.fail(key, "expected {t: [...], v: [...]}")
    knots, values = entry.numbers(key + ".t", default=raw.get("t")), entry.numbers(key + ".v", default=raw.get("v"))
    if len(knots) != len(values) or len(knots) < 2 or np.any(np.diff(knots) <= 0) or min(values) < 0:
        raise entry.fail(key, "needs lists 't' (increasing) and 'v' (>= 0) of equal length, at least 2")
    return PchipInterpolator(np.asarray(knots), np.asarray(values), extrapolate=True)(t)


def _aponeurosis(entry: Entry, s: np.ndarray, t: np.ndarray, thickness: np.ndarray, sk: Skeleton) -> np.ndarray:
    """Optional ``aponeurosis: {t: [...], s: [...], mm: 1.2}``: beyond the line s = s(t) where the
    fleshy fibres end, the sheet thins to a tendinous sheet ``mm`` thick (the external oblique's
    fleshy part ends on a line from the 9th costal cartilage to the anterior superior iliac spine,
    not at a fixed fraction of its fibres). ``ramp`` (default 0.06) is the length of the change in s."""
    raw = entry.get("aponeurosis", None)
    if raw is None:
        return thickness
    if not isinstance(raw, dict):
        raise entry.fail("aponeurosis", "expected {t: [...], s: [...], mm: number}")
    sub = Entry(entry.where, entry.name, {f"aponeurosis.{k}": v for k, v in raw.items()})
    knots, ends = sub.numbers("aponeurosis.t"), sub.numbers("aponeurosis.s")
    if len(knots) != len(ends) or len(knots) < 2 or np.any(np.diff(knots) <= 0):
        raise entry.fail("aponeurosis", "needs lists 't' (increasing) and 's' of equal length, at least 2")
    thin = sk.mm(sub.number("aponeurosis.mm"))
    ramp = sub.number("aponeurosis.ramp", 0.06)
    if thin <= 0 or ramp <= 0:
        raise entry.fail("aponeurosis", "'mm' and 'ramp' must be > 0")
    s_end = PchipInterpolator(np.asarray(knots), np.asarray(ends), extrapolate=True)(t)
    u = np.clip((s[:, None] - s_end[None, :]) / ramp + 0.5, 0.0, 1.0)
    f = u * u * (3 - 2 * u)  # smoothstep: no crease where the fleshy part ends
    return thickness * (1 - f) + np.minimum(thickness, thin) * f


def _normals(mid: np.ndarray, s: np.ndarray, t: np.ndarray, hint: np.ndarray,
             sigma: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Unit normals of the mid-surface towards the superficial side, optionally smoothed over the
    grid (``sigma`` in grid cells along s and t) so the two faces, offset along them, stay fair."""
    ds = np.gradient(mid, s, axis=0)
    dt = np.gradient(mid, t, axis=1)
    n = np.cross(ds, dt)
    n /= np.maximum(np.linalg.norm(n, axis=2, keepdims=True), 1e-12)
    if float(np.sum(n * hint)) < 0:
        n = -n
    if max(sigma) > 0:
        n = gaussian_filter(n, sigma=(sigma[0], sigma[1], 0.0), mode="nearest")
        n /= np.maximum(np.linalg.norm(n, axis=2, keepdims=True), 1e-12)
    return n


@dataclass(frozen=True)
class DrapeSettings:
    """How a sheet is laid on the layers beneath (lengths in metres).

    ``smooth`` is the length over which the push of neighbouring grid points is averaged and
    the draped shape relaxed: converted to grid cells per axis, so a long narrow muscle and a
    broad fan are smoothed over the same physical length (anisotropic on the grid).
    """

    clearance: float
    hug: float = 0.0
    smooth: float = 0.015
    relax: float = 0.5       # share of the Laplacian step taken per relaxation sweep
    sweeps: int = 2          # relaxation sweeps of the draped shape per iteration
    iterations: int = 10
    settle: int = 3          # final push-only steps without relaxation (clear what relaxing left in)
    bridge: bool = False     # span hollows along the fibres (see ``_bridge``)
    closing: float = 0.0     # pull in only onto the underlayer closed by this radius (see ``drape``)
    end_zone: float = END_ZONE  # fraction of the length over which draping fades out at each end
    # optional pull-in budget along the fibres, (s knots, metres): replaces ``hug`` (a band that
    # must wrap a condyle near one end but stay on its belly elsewhere)
    hug_along: tuple[tuple[float, ...], tuple[float, ...]] | None = None


def _cells(sheet: Sheet, length: float) -> tuple[float, float]:
    """A physical length in grid cells along s and t (mean cell sizes of the design sheet)."""
    cs = float(np.linalg.norm(np.diff(sheet.mid, axis=0), axis=2).mean())
    ct = float(np.linalg.norm(np.diff(sheet.mid, axis=1), axis=2).mean())
    # Between 1 and 2.5 cells: less leaves folds, more washes out a short muscle's shape.
    return (float(np.clip(length / max(cs, 1e-9), 1.0, 2.5)), float(np.clip(length / max(ct, 1e-9), 1.0, 2.5)))


def _relax(offset: np.ndarray, weight: np.ndarray, rate: float, sweeps: int) -> np.ndarray:
    """Laplacian relaxation of the draping offset (mid-surface minus design) on the grid.

    Relaxing the offset rather than the surface keeps the designed outline, widths and ends
    (a plain Laplacian of the surface would shrink the sheet); ``weight`` is 0 at the ends.
    """
    for _ in range(sweeps):
        pad = np.pad(offset, ((1, 1), (1, 1), (0, 0)), mode="edge")
        lap = (pad[:-2, 1:-1] + pad[2:, 1:-1] + pad[1:-1, :-2] + pad[1:-1, 2:]) / 4.0 - offset
        offset = offset + rate * weight[..., None] * lap
    return offset


def drape(sheet: Sheet, under: Field, settings: DrapeSettings, hug_under: Field | None = None) -> Sheet:
    """Lay the sheet on the layers beneath: its deep face clears them by ``clearance``.

    Parts of the deep face inside the underlayer are pushed out along the normal; with ``hug``
    > 0, parts standing off it by more than the clearance are pulled in (at most ``hug`` metres),
    so a broad sheet spanning straight between its attachments wraps round the trunk. Each step
    averages the needed push over ``smooth`` (anisotropically on the grid), relaxes the offset
    from the design (Laplacian) and recomputes smoothed normals, so the sheet stays fair and the
    faces offset from it by half the thickness do not fold. With ``hug_under`` (the underlayer
    closed by ``settings.closing``), the pull-in stops on that closed envelope: a sheet over the
    ribs rests on them instead of being drawn through the gaps between them into the thorax.
    """
    design = sheet.mid
    mid = design.copy()
    shape = mid.shape[:2]
    sig = _cells(sheet, settings.smooth)
    nsig = (0.5 * sig[0], 0.5 * sig[1])
    normal = _normals(mid, sheet.s, sheet.t, sheet.normal, nsig)
    # Ends stay on their attachment sites (which lie on bone); the belly drapes fully.
    taper = np.clip(np.minimum(sheet.s, 1.0 - sheet.s) / settings.end_zone, 0.0, 1.0)[:, None]
    weight = np.broadcast_to(taper, shape)
    pulled = np.zeros(shape)
    hug = settings.hug if settings.hug_along is None else np.interp(sheet.s, *settings.hug_along)[:, None]
    for _ in range(settings.iterations):
        deep = mid - normal * (sheet.thickness[..., None] / 2)
        d = under.sample(deep.reshape(-1, 3)).reshape(shape)
        move = settings.clearance - d
        if hug_under is not None:  # free of the underlayer: pull only as far as its closed envelope
            reach = settings.clearance - hug_under.sample(deep.reshape(-1, 3)).reshape(shape)
            move = np.where(move > 0, move, np.minimum(reach, 0.0))
        move = np.where(move < 0, np.maximum(move, -(hug - pulled)), move)  # pull-in budget
        move = gaussian_filter(move, sigma=sig, mode="nearest") * taper
        if not np.any(np.abs(move) > 2e-4):
            break
        pulled += np.clip(-move, 0.0, None)
        mid = design + _relax(mid + normal * move[..., None] - design, weight, settings.relax, settings.sweeps)
        normal = _normals(mid, sheet.s, sheet.t, normal, nsig)
    if settings.bridge:
        mid = _bridge(mid, design, normal, taper[:, 0])
        normal = _normals(mid, sheet.s, sheet.t, normal, nsig)
    for _ in range(settings.settle):
        deep = mid - normal * (sheet.thickness[..., None] / 2)
        need = np.clip(settings.clearance - under.sample(deep.reshape(-1, 3)).reshape(shape), 0.0, None)
        move = gaussian_filter(need, sigma=nsig, mode="nearest") * taper
        if not np.any(move > 2e-4):
            break
        mid = mid + normal * move[..., None]
        normal = _normals(mid, sheet.s, sheet.t, normal, nsig)
    return Sheet(sheet.s, sheet.t, mid, normal, sheet.thickness)


def _upper_hull(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The least concave function >= y over x (x increasing), sampled at x."""
    keep: list[int] = []
    for i in range(len(x)):
        while len(keep) >= 2:
            a, b = keep[-2], keep[-1]
            # drop b if it lies on or below the chord from a to i
            if (y[b] - y[a]) * (x[i] - x[a]) <= (y[i] - y[a]) * (x[b] - x[a]):
                keep.pop()
            else:
                break
        keep.append(i)
    return np.interp(x, x[keep], y[keep])


def _bridge(mid: np.ndarray, design: np.ndarray, normal: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Span hollows along the fibres: a muscle under tension runs straight across a crease of
    what lies beneath (the waist between two soft-tissue fillers) instead of dipping into it.
    Along each fibre (column of constant t) of the belly, the draped offset from the design
    (along the normal) is raised to its least concave majorant; the ends stay as draped."""
    belly = np.flatnonzero(weight >= 1.0)
    if len(belly) < 3:
        return mid
    offset = np.sum((mid - design) * normal, axis=2)
    x = belly.astype(float)
    lift = np.zeros_like(offset)
    for j in range(offset.shape[1]):
        lift[belly, j] = _upper_hull(x, offset[belly, j]) - offset[belly, j]
    return mid + normal * lift[..., None]


def sheet_mesh(sheet: Sheet, ns: int, nt: int) -> dict[str, np.ndarray]:
    """Closed mesh of the sheet with per-vertex s, t and fibre (right side)."""
    s = np.linspace(0.0, 1.0, ns)
    t = 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, nt))  # denser at the rounded edges
    mid, normal, thick, fibre = sheet.resample(s, t)
    top = mid + normal * thick[..., None] / 2
    bottom = mid - normal * thick[..., None] / 2
    points = np.concatenate([top.reshape(-1, 3), bottom.reshape(-1, 3)])
    faces = _box_faces(ns, nt)
    ss, tt = np.meshgrid(s, t, indexing="ij")
    return {
        "points": points, "faces": faces,
        "s": np.tile(ss.ravel(), 2), "t": np.tile(tt.ravel(), 2),
        "fibre": np.concatenate([fibre.reshape(-1, 3)] * 2),
    }


def _box_faces(ns: int, nt: int) -> np.ndarray:
    top = np.arange(ns * nt).reshape(ns, nt)
    bottom = top + ns * nt
    ring = np.concatenate([top, bottom[:, ::-1]], axis=1)  # (ns, 2 nt) around each station
    a, b = ring[:-1], np.roll(ring[:-1], -1, axis=1)
    c, d = np.roll(ring[1:], -1, axis=1), ring[1:]
    side = np.concatenate([np.stack([a, b, c], -1).reshape(-1, 3), np.stack([a, c, d], -1).reshape(-1, 3)])
    j = np.arange(nt - 1)
    t0, t1, b0, b1 = top[0, j], top[0, j + 1], bottom[0, j], bottom[0, j + 1]
    cap0 = np.concatenate([np.stack([t1, t0, b0], 1), np.stack([t1, b0, b1], 1)])
    t0, t1, b0, b1 = top[-1, j], top[-1, j + 1], bottom[-1, j], bottom[-1, j + 1]
    cap1 = np.concatenate([np.stack([t0, t1, b1], 1), np.stack([t0, b1, b0], 1)])
    return np.concatenate([side, cap0, cap1]).astype(np.int32)


def frame_arrays(sheet: Sheet, ns: int, nt: int) -> dict[str, np.ndarray]:
    """The placement frame on a regular (s, t) grid (see docs/assets.md)."""
    mid, normal, thick, _ = sheet.resample(np.linspace(0, 1, ns), np.linspace(0, 1, nt))
    return {"frame_mid": mid, "frame_normal": normal, "frame_thickness": thick}
