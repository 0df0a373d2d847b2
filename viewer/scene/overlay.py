"""The referral overlay and the pain drawing, painted into the skin's per-vertex colours.

Colours are written into the same ``uint8`` array that the skin actor renders (no geometry
re-upload): only the array is marked modified, VTK re-sends the colour buffer.
"""

from __future__ import annotations

import numpy as np
import pyvista as pv

from viewer.scene import theme


# The drawing is a tint, so a referral zone under it stays readable (overlap = a match).
PAIN_ALPHA = 0.7


def stripe_mask(points: np.ndarray, period_m: float = theme.STRIPE_PERIOD_M) -> np.ndarray:
    """A soft diagonal stripe pattern in [0, 1] per vertex (the spillover hatch)."""
    phase = (points[:, 0] + points[:, 2] + 0.5 * points[:, 1]) / period_m
    return (0.5 + 0.5 * np.cos(2.0 * np.pi * phase)).astype(np.float32)


def mean_edge_length(poly: pv.PolyData, sample: int = 5000) -> float:
    """Mean length of the first edge of (up to) ``sample`` evenly spread triangles."""
    faces = np.asarray(poly.faces).reshape(-1, 4)[:, 1:]
    if len(faces) == 0:
        return 0.0
    faces = faces[:: max(1, len(faces) // sample)]
    points = np.asarray(poly.points)
    return float(np.linalg.norm(points[faces[:, 0]] - points[faces[:, 1]], axis=1).mean())


class SkinOverlay:
    """Blend the zones and the pain drawing over the skin tone, in place.

    Parameters
    ----------
    poly
        The skin actor's dataset; it must hold a ``uint8`` (n, 3) point array ``rgb``.
    """

    def __init__(self, poly: pv.PolyData) -> None:
        self.poly = poly
        self.colours: np.ndarray = poly.point_data["rgb"]
        n = poly.n_points
        self._base = np.tile(theme.rgb(theme.SKIN).astype(np.float32), (n, 1))
        # Stripes need about four vertices per period; on a coarser skin they would alias into
        # blotches, so there the spillover zone is the second tone alone.
        edge = mean_edge_length(poly)
        stripes = (stripe_mask(np.asarray(poly.points))[:, None] if edge * 4.0 <= theme.STRIPE_PERIOD_M
                   else np.zeros((n, 1), np.float32))
        self.striped = bool(stripes.any())
        spill, light = theme.rgb(theme.SPILLOVER), theme.rgb(theme.SPILLOVER_STRIPE)
        self._spill_colour = (spill * (1 - stripes) + light * stripes).astype(np.float32)
        self._essential_colour = theme.rgb(theme.ESSENTIAL).astype(np.float32)
        self._pain_colour = theme.rgb(theme.PAIN).astype(np.float32)
        self.essential = np.zeros(n, np.float32)
        self.spillover = np.zeros(n, np.float32)
        self.pain = np.zeros(n, np.float32)

    def set_zones(self, essential: np.ndarray | None, spillover: np.ndarray | None) -> None:
        """Show a referral pattern (``None`` clears it)."""
        n = self.poly.n_points
        self.essential = np.zeros(n, np.float32) if essential is None else np.asarray(essential, np.float32)
        self.spillover = np.zeros(n, np.float32) if spillover is None else np.asarray(spillover, np.float32)
        self._write()

    def set_pain(self, painted: np.ndarray | None) -> None:
        """Show the user's pain drawing (``None`` clears it)."""
        n = self.poly.n_points
        self.pain = np.zeros(n, np.float32) if painted is None else np.asarray(painted, np.float32)
        self._write()

    def _write(self) -> None:
        colour = self._base.copy()
        spill = np.clip(self.spillover, 0, 1)[:, None]
        colour += (self._spill_colour - colour) * spill
        ess = np.clip(self.essential, 0, 1)[:, None]
        colour += (self._essential_colour - colour) * ess
        # The drawing stays visible under a pattern: a translucent tint, not an overwrite.
        pain = PAIN_ALPHA * np.clip(self.pain, 0, 1)[:, None]
        colour += (self._pain_colour - colour) * pain
        self.colours[:] = np.clip(colour * 255.0 + 0.5, 0, 255).astype(np.uint8)
        self.poly.GetPointData().GetArray("rgb").Modified()
