"""Colours and render options of the 3D scene, in one place.

The referral palette follows Okabe & Ito (2008), "Color Universal Design", which stays
distinct under the common colour-vision deficiencies: the essential zone is vermillion, the
spillover zone sky blue with light stripes, so the two differ in hue, lightness and texture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def rgb(hex_colour: str) -> np.ndarray:
    """``"#RRGGBB"`` -> float RGB in [0, 1]."""
    h = hex_colour.lstrip("#")
    return np.array([int(h[i:i + 2], 16) / 255.0 for i in (0, 2, 4)])


ESSENTIAL = "#D55E00"  # Okabe-Ito vermillion
SPILLOVER = "#56B4E9"  # Okabe-Ito sky blue
SPILLOVER_STRIPE = "#B9E0F6"  # lighter sky blue for the stripes
PAIN = "#CC79A7"  # Okabe-Ito reddish purple: the user's own pain drawing
LEGEND_NOTE = "#6E6E6E"  # a grey swatch for a note in the legend
SKIN = "#E8C4A8"
MUSCLE = "#B5574B"
MUSCLE_SELECTED = "#E8A593"  # a much lighter muscle tone: the yellow X stays visible on it
# Muscles with a per-vertex ``tone`` (docs/assets.md) are drawn through a lookup table from
# tone to colour: the belly in MUSCLE with dark bands along the fibres (striation: the share of
# the colour lost in a dark band), tendon and aponeurosis in a pale, slightly silvery cream.
# The selected muscle swaps to a second, lighter table that keeps the same pattern.
MUSCLE_TENDON = "#DCD8C7"  # greyer than BONE, so a tendon reads apart from the bone it runs on
# The selected muscle's table: lighter than MUSCLE_SELECTED (the flat colour of untoned parts)
# because the fibre grooves and bands darken it on average.
MUSCLE_SELECTED_BELLY = "#F7CFC0"
MUSCLE_SELECTED_TENDON = "#FBF6EC"
MUSCLE_STRIATION = 0.24
TENDON_STRIATION = 0.06
# The selected muscle's bands are shallower: it must stand out as a light shape at a glance.
SELECTED_STRIATION = 0.1
# Fine fibre grooves on toned muscles: a shared texture repeated across the fibres, one groove
# per FIBRE_PERIOD_M, multiplying the colour by FIBRE_GROOVE at its deepest. The per-vertex
# bands alone are only as fine as the mesh (3 per muscle at LOD1); the period is about two
# pixels of the whole-body view at 1280x800, so the grooves stay a faint texture there
# instead of aliasing, and read as fibres when zoomed.
FIBRE_PERIOD_M = 0.0045
FIBRE_GROOVE = 0.74
BONE = "#EDE6D3"
MARKER = "#1A1A1A"
MARKER_SELECTED = "#F0E442"  # Okabe-Ito yellow, outlined by its dark rim
MARKER_CANDIDATE = "#009E73"  # Okabe-Ito bluish green
BACKGROUND = "#F3F4F6"
BACKGROUND_TOP = "#D9DEE5"

SKIN_OPACITY = {"opaque": 1.0, "translucent": 0.35, "hidden": 0.0}
# Stripe period of the spillover hatch along the body diagonal, in metres.
STRIPE_PERIOD_M = 0.018


@dataclass(frozen=True)
class RenderOptions:
    """Per-run render options: anti-aliasing is off on software GL (3-4x slower there)."""

    multi_samples: int = 0
    smooth_shading: bool = True
    fxaa: bool = False


TESTING = RenderOptions(multi_samples=0, smooth_shading=False, fxaa=False)
