"""A finer skin field over the head, blended into the body's field for the final surface.

The body's skin field lives on a 3 mm grid: the palpebral fissure, the mouth line, the alar
creases and the mentolabial sulcus are 2-5 mm features that it cannot hold. ``skin.yaml:
detail`` names a finer spacing and the part of the body where it applies (above a plane some
way below the chin, inside a half-width about the midline); the same skin field is computed
there on the finer grid and ``DetailField`` blends it into the body's field with a smoothstep
over the given margins. The mesh still comes from the body's field (marching cubes,
decimation); its vertices are then projected onto the blended field by the isotropic
remeshing, so the face takes the finer shape while the rest of the body is unchanged. The
gates keep checking the body's field, which has the same lower bound on the fat (the finer
one never comes closer to a muscle than the thinnest fat either).

The creases of ``skin.yaml: carves`` (the mouth line, the lid openings; ``skincarve``) are
not cut into the finer grid but evaluated exactly wherever the blended field is sampled: 1-2 mm
wide, on the grid they would alias into jagged lines.

``extra_anchors`` maps the largest extra depth of the skin over the tissue, which the lids and
the mouth line keep small so the skin follows their creases instead of bridging them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.ndimage import binary_fill_holes

from viewer.anatomy.fields import Field
from viewer.anatomy.sdf import Grid
from viewer.anatomy.skincarve import point_carver
from viewer.anatomy.skinshape import fat_anchors
from viewer.anatomy.spec import AnatomyData, Entry
from viewer.geometry.surface import smoothstep

FieldMaker = Callable[[Grid], np.ndarray]


@dataclass
class DetailField(Field):
    """``coarse`` outside, the finer ``values`` on ``grid`` inside, blended by ``weight``
    (points -> 0..1). Sampled like a ``Field``; the gradient steps by the finer spacing."""

    coarse: Field | None = None
    weight: Callable[[np.ndarray], np.ndarray] | None = None
    cut: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None  # exact creases (skincarve)

    def sample(self, points: np.ndarray) -> np.ndarray:
        points = np.asarray(points, dtype=np.float64)
        out = self.coarse.sample(points)
        w = self.weight(points)
        inner = w > 0
        if np.any(inner):
            fine = Field.sample(self, points[inner])
            if self.cut is not None:
                fine = self.cut(points[inner], fine)
            out[inner] += w[inner] * (fine - out[inner])
        return out

    def gradient(self, points: np.ndarray, step: float | None = None) -> np.ndarray:
        """Central differences a third of the finer spacing apart: the creases are 1-2 mm wide."""
        return super().gradient(points, self.grid.spacing / 3 if step is None else step)


def detail_config(data: AnatomyData) -> Entry | None:
    raw = data.skin.get("detail", None)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise data.skin.fail("detail", "expected a mapping {spacing_mm, above, margin_mm, half_width_mm, "
                                      "side_margin_mm, depth_mm}")
    return Entry(data.skin.where, "detail", raw)


def detail_field(data: AnatomyData, coarse: Field, make: FieldMaker, log=print) -> Field:
    """The blended field of ``skin.yaml: detail`` (or ``coarse`` itself when absent).
    ``make(grid)`` computes the skin field (negative inside) on a grid."""
    cfg = detail_config(data)
    if cfg is None:
        return coarse
    mm = data.skeleton.mm
    spacing = mm(cfg.number("spacing_mm"))
    if not 0 < spacing < coarse.grid.spacing:
        raise cfg.fail("spacing_mm", "expected a spacing finer than the skin grid's")
    margin = mm(cfg.number("margin_mm"))
    half = mm(cfg.number("half_width_mm"))
    side = mm(cfg.number("side_margin_mm"))
    anchor = data.skeleton.resolve(cfg.get("above"), f"{cfg.where} detail.above")
    z_full = float(anchor[2])
    behind, before = (mm(v) for v in cfg.numbers("depth_mm", 2))
    z0 = z_full - margin
    g = coarse.grid
    top = g.origin[2] + g.spacing * (g.shape[2] - 1)
    y_lo = max(g.origin[1], anchor[1] - behind)
    y_hi = min(g.origin[1] + g.spacing * (g.shape[1] - 1), anchor[1] + before)
    pad = 4 * spacing
    # the box reaches well below the blend: the closing of the neck is cut at the box's floor
    below = mm(cfg.number("floor_mm", 40.0))
    lo = np.array([-(half + side) - pad, y_lo, z0 - below])
    n = np.ceil((np.array([half + side + pad, y_hi, top]) - lo) / spacing).astype(int) + 1
    n[0] = 2 * int(np.ceil((half + side + pad) / spacing)) + 1  # symmetric about x = 0
    lo[0] = -(n[0] // 2) * spacing
    grid = Grid(lo, spacing, (int(n[0]), int(n[1]), int(n[2])))
    values = make(grid)
    inside = values <= 0
    values[binary_fill_holes(inside) & ~inside] = -spacing  # pockets inside the body
    del inside
    log(f"  skin: detail field {grid.shape} at {spacing * 1000:.1f} mm")

    def weight(points: np.ndarray) -> np.ndarray:
        up = smoothstep(0.0, 1.0, (points[:, 2] - z0) / max(margin, 1e-9))
        across = smoothstep(0.0, 1.0, (half + side - np.abs(points[:, 0])) / max(side, 1e-9))
        return up * across

    return DetailField(grid, values, coarse=coarse, weight=weight, cut=point_carver(data, spacing / 2))


def extra_anchors(data: AnatomyData) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """(default, points, radii, values) of the largest extra depth (m) of the skin over the
    tissue: ``max_extra_mm``, except near fat anchors that give their own ``extra_mm`` (the
    eyelids and the mouth line, where the skin must not bridge the crease). Same weights as
    the fat map; anchors without ``extra_mm`` pull towards the default."""
    mm = data.skeleton.mm
    default = mm(data.skin.number("max_extra_mm", 0.0))
    _, centres, radii, _ = fat_anchors(data)
    raw = data.skin.get("fat", None)
    anchors = raw.get("anchors", []) if isinstance(raw, dict) else []
    values: list[float] = []
    for k, raw_anchor in enumerate(anchors):
        a = Entry(data.skin.where, f"fat.anchors[{k}]", raw_anchor)
        p = data.skeleton.resolve(a.get("at"), f"{a.where} fat.anchors[{k}]")
        value = mm(a.number("extra_mm")) if a.get("extra_mm", None) is not None else default
        values.extend([value] * (1 if abs(p[0]) < 1e-6 else 2))
    return default, centres, radii, np.asarray(values)
