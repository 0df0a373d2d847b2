"""The scene on the real data and meshes, when they have been built (skipped otherwise)."""

from __future__ import annotations

import numpy as np
import pytest

from viewer import locations

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real():
    if not (locations.assets_dir() / "manifest.json").exists():
        pytest.skip("real meshes not built (python -m viewer build-assets)")
    from viewer.datafiles import load_catalog
    from viewer.geometry.meshes import MeshLibrary

    return load_catalog(locations.data_dir()), MeshLibrary(locations.assets_dir(), 1)


def test_upper_trapezius_tp1_paints_its_zone_on_the_real_body(real):
    from viewer.scene.offscreen import render_image

    catalog, library = real
    image = render_image(catalog, library, view="right", select="upper_trapezius_tp1", size=(320, 400))
    rgb = image.astype(int)
    essential = (rgb[..., 0] - rgb[..., 1] > 80) & (rgb[..., 0] - rgb[..., 2] > 100)
    spillover = (rgb[..., 2] - rgb[..., 0] > 60)
    assert essential.sum() > 30 and spillover.sum() > 10
