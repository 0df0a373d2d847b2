"""The per-vertex ``tone`` of muscle parts: fibre striation and tendon (data/anatomy/shading.yaml).

``tone`` packs two levels into one uint8 (``viewer.geometry.meshes.pack_tone``): how far a vertex
is from fleshy belly to tendon, and whether it lies on a light or a dark band along the fibres.
The viewer and the review renders turn it into colour through one shared lookup table, so no
colour is computed per vertex at start-up and both show the same pattern.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.interpolate import PchipInterpolator, RegularGridInterpolator

from viewer.anatomy.parts import Part
from viewer.anatomy.spec import Entry, _read
from viewer.geometry.meshes import TONE, pack_tone
from viewer.geometry.surface import smoothstep

SHOWN = "data/anatomy/shading.yaml"


@dataclass(frozen=True)
class PartRule:
    """Per-part overrides (``parts:`` in shading.yaml)."""

    tendon: float | None = None
    fleshy: bool = False
    tendon_s: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Shading:
    period: float             # metres per light + dark band pair
    min_bands: int
    belly_ratio: float
    tendon_ratio: float
    max_tendon: float         # metres
    use_aponeurosis: bool = True
    parts: dict[str, PartRule] = field(default_factory=dict)


def _rule(name: str, raw: object) -> PartRule:
    e = Entry(SHOWN, f"parts.{name}", raw if isinstance(raw, dict) else {})
    if not isinstance(raw, dict):
        raise e.fail("-", "expected a mapping {tendon | fleshy | tendon_s}")
    unknown = set(raw) - {"tendon", "fleshy", "tendon_s"}
    if unknown:
        raise e.fail(sorted(unknown)[0], "unknown key (expected tendon, fleshy or tendon_s)")
    tendon = e.number("tendon") if "tendon" in raw else None
    if tendon is not None and not 0.0 <= tendon <= 1.0:
        raise e.fail("tendon", f"expected 0 to 1, got {tendon:g}")
    fleshy = e.get("fleshy", False)
    if not isinstance(fleshy, bool):
        raise e.fail("fleshy", f"expected true or false, got {fleshy!r}")
    ranges = e.get("tendon_s", [])

    def valid(r: object) -> bool:
        return (isinstance(r, list) and len(r) == 2 and all(isinstance(v, (int, float)) for v in r)
                and 0 <= r[0] < r[1] <= 1)

    if not isinstance(ranges, list) or not all(valid(r) for r in ranges):
        raise e.fail("tendon_s", f"expected a list of [a, b] with 0 <= a < b <= 1, got {ranges!r}")
    return PartRule(tendon, fleshy, tuple((float(a), float(b)) for a, b in ranges))


def load_shading(anatomy_dir: Path, part_names: set[str] | None = None) -> Shading:
    """Read ``shading.yaml``; a part override must name an existing part (if names are given)."""
    raw = _read(Path(anatomy_dir) / "shading.yaml", SHOWN)
    raw = raw if isinstance(raw, dict) else {}
    st = Entry(SHOWN, "striation", raw.get("striation") or {})
    td = Entry(SHOWN, "tendon", raw.get("tendon") or {})
    period, bands = st.number("period_mm"), st.number("min_bands")
    if period <= 0:
        raise st.fail("period_mm", "must be > 0")
    if bands != int(bands) or bands < 1:
        raise st.fail("min_bands", f"expected a whole number >= 1, got {bands:g}")
    belly, tendon, thick = td.number("belly_ratio"), td.number("tendon_ratio"), td.number("max_tendon_mm")
    if not 0 <= tendon < belly <= 1:
        raise td.fail("tendon_ratio", f"need 0 <= tendon_ratio < belly_ratio <= 1, got {tendon:g} and {belly:g}")
    use_apo = td.get("use_aponeurosis", True)
    if not isinstance(use_apo, bool):
        raise td.fail("use_aponeurosis", f"expected true or false, got {use_apo!r}")
    parts_raw = raw.get("parts") or {}
    if not isinstance(parts_raw, dict):
        raise Entry(SHOWN, "parts", {}).fail("parts", "expected a mapping of part names")
    rules = {}
    for name, rec in parts_raw.items():
        if part_names is not None and name not in part_names:
            raise Entry(SHOWN, f"parts.{name}", {}).fail("-", "no muscle part of this name in data/anatomy/muscles")
        rules[str(name)] = _rule(str(name), rec)
    return Shading(period * 1e-3, int(bands), belly, tendon, thick * 1e-3, use_apo, rules)


def _grid_sample(values: np.ndarray, s: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Bilinear sample of a regular (s, t) grid over [0, 1]^2 at the vertices."""
    gs, gt = np.linspace(0, 1, values.shape[0]), np.linspace(0, 1, values.shape[1])
    f = RegularGridInterpolator((gs, gt), values, method="linear", bounds_error=False, fill_value=None)
    return f(np.stack([np.clip(s, 0, 1), np.clip(t, 0, 1)], axis=1))


def _aponeurosis_share(entry: Entry, s: np.ndarray, t: np.ndarray) -> np.ndarray:
    """1 beyond the loft's aponeurosis line s(t) (same line and ramp as the thinning), else 0."""
    raw = entry.get("aponeurosis", None)
    if not isinstance(raw, dict):
        return np.zeros_like(s)
    sub = Entry(entry.where, entry.name, {f"aponeurosis.{k}": v for k, v in raw.items()})
    knots, ends = sub.numbers("aponeurosis.t"), sub.numbers("aponeurosis.s")
    ramp = sub.number("aponeurosis.ramp", 0.06)
    s_end = PchipInterpolator(np.asarray(knots), np.asarray(ends), extrapolate=True)(t)
    return smoothstep(0.0, 1.0, (s - s_end) / ramp + 0.5)


def tendon_share(arrays: dict[str, np.ndarray], entry: Entry, shading: Shading) -> np.ndarray:
    """Per vertex 0 (fleshy) .. 1 (tendon), from the thickness profile along each fibre."""
    s, t = np.asarray(arrays["s"], dtype=float), np.asarray(arrays["t"], dtype=float)
    rule = shading.parts.get(entry.name, PartRule())
    if rule.tendon is not None:
        return np.full_like(s, rule.tendon)
    if rule.fleshy:
        return np.zeros_like(s)
    thick = np.asarray(arrays["frame_thickness"], dtype=float)
    ratio = thick / np.maximum(thick.max(axis=0, keepdims=True), 1e-9)  # per fibre (column of t)
    mid = np.asarray(arrays["frame_mid"], dtype=float)
    width = np.linalg.norm(np.diff(mid, axis=1), axis=2).sum(axis=1)  # across the part, per station s
    ratio = ratio * (width / max(float(width.max()), 1e-9))[:, None]  # share of the belly's section
    ratio_v, thick_v = _grid_sample(ratio, s, t), _grid_sample(thick, s, t)
    share = smoothstep(0.0, 1.0, (shading.belly_ratio - ratio_v) / (shading.belly_ratio - shading.tendon_ratio))
    share = np.where(thick_v <= shading.max_tendon, share, 0.0)
    if shading.use_aponeurosis:
        share = np.maximum(share, _aponeurosis_share(entry, s, t))
    for a, b in rule.tendon_s:
        share = np.where((s >= a) & (s <= b), 1.0, share)
    return share


def band_count(width: float, intervals: int, shading: Shading) -> int:
    """Band pairs across a part ``width`` metres wide whose mesh has ``intervals`` vertex
    intervals across t: as close to ``width / period`` as whole intervals per band allow."""
    fits = [intervals // p for p in range(2, intervals + 1) if intervals % p == 0]  # descending
    if not fits:
        return 1
    wanted = max(width / shading.period, float(shading.min_bands))
    return next((n for n in fits if n <= wanted), fits[-1])


def stripe_light(arrays: dict[str, np.ndarray], shading: Shading) -> np.ndarray:
    """Per vertex 0 (dark band) .. 1 (light band) along the fibres, from the stored t.

    The mesh samples t at equal steps of ``u = arccos(1 - 2 t) / pi`` (denser at the rounded
    edges); the bands are laid out in u so each vertex column falls on a band's light or dark
    crest instead of aliasing between them.
    """
    t = np.clip(np.asarray(arrays["t"], dtype=float), 0.0, 1.0)
    u = np.arccos(1.0 - 2.0 * t) / np.pi
    intervals = max(1, len(np.unique(np.round(t, 6))) - 1)
    mid = np.asarray(arrays["frame_mid"], dtype=float)
    width = float(np.linalg.norm(np.diff(mid, axis=1), axis=2).sum(axis=1).mean())
    bands = band_count(width, intervals, shading)
    return 0.5 + 0.5 * np.cos(2 * np.pi * u * bands)


def part_tone(arrays: dict[str, np.ndarray], entry: Entry, shading: Shading) -> np.ndarray:
    return pack_tone(tendon_share(arrays, entry, shading), stripe_light(arrays, shading))


def add_tone(part: Part, entry: Entry, shading: Shading) -> None:
    """Store ``tone`` in every level of detail of a (right) muscle part, before it is mirrored."""
    for arrays in part.lods.values():
        arrays[TONE] = part_tone(arrays, entry, shading)
