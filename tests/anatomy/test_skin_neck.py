"""The neck-girth plane sits where ANSUR II measures the neck: just below the laryngeal
prominence, perpendicular to the neck, clear of the corner under the chin."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from viewer.anatomy import measure
from viewer.anatomy.spec import load_landmarks

LANDMARKS = Path(__file__).resolve().parents[2] / "data" / "anatomy" / "landmarks.yaml"


def _front_height(y: float) -> float:
    """Height (fraction of H) where the neck plane crosses the midline at depth y (fraction of H)."""
    zf, _, _, _, tilt, _ = measure.GIRTHS["neck"]
    return zf - np.tan(np.radians(tilt)) * y


@pytest.fixture(scope="module")
def lms():
    return load_landmarks(LANDMARKS, "data/anatomy/landmarks.yaml")[0]


def test_the_neck_plane_crosses_the_front_below_the_chin_and_above_the_jugular_notch(lms):
    menton, notch = lms["menton"].xyz, lms["jugular_notch"].xyz
    front = _front_height(0.049)   # the skin over the larynx lies about 0.049 H before the axis
    # the laryngeal prominence is 3-4 cm (about 0.02 H) below the menton and 5-6 cm above the notch
    assert menton[2] - front >= 0.017, "the plane cuts the corner under the chin"
    assert front - notch[2] >= 0.025, "the plane passes over the trachea, below the larynx"


def test_the_neck_plane_rises_backwards_and_keeps_the_band():
    zf, xf, mean, sd, tilt, above = measure.GIRTHS["neck"]
    assert xf == 0.0 and 15.0 <= tilt <= 30.0   # the neck leans forward: the front of the plane is lower
    assert (mean, sd, above) == (397.6, 25.8, 1.0)   # ANSUR II men, mean + 1 SD at most
    assert _front_height(-0.033) > zf > _front_height(0.049)


def test_a_tilted_plane_measures_a_tilted_neck_across():
    import trimesh

    tilt = 25.0
    a = np.radians(tilt)
    tube = trimesh.creation.cylinder(radius=0.06, height=0.6, sections=256)
    rot = trimesh.transformations.rotation_matrix(-a, [1, 0, 0])   # top tilted forward (+y)
    tube.apply_transform(rot)
    pts, faces = np.asarray(tube.vertices), np.asarray(tube.faces)
    across = measure.girth(pts, faces, 0.0, np.zeros(2), tilt)
    level = measure.girth(pts, faces, 0.0, np.zeros(2), 0.0)
    assert across == pytest.approx(2 * np.pi * 0.06, rel=2e-3)
    assert level > across * 1.05   # a level tape round a leaning neck reads long
