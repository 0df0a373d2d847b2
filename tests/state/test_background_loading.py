"""Start-up work done in worker threads gives the same results as done in line."""

from __future__ import annotations

import numpy as np

from viewer.controller.body import Body
from viewer.geometry.meshes import MeshLibrary


def test_preloading_reads_every_part_once_and_loads_agree(synthetic_assets_dir):
    library = MeshLibrary(synthetic_assets_dir, 1)
    thread = library.preload_in_background()
    first = {info.id: library.load(info.id) for info in library.parts}  # races the worker
    thread.join(timeout=60)
    assert not thread.is_alive()
    for info in library.parts:
        assert library.load(info.id) is first[info.id]  # cached once, never read twice
    inline = MeshLibrary(synthetic_assets_dir, 1)
    for info in library.parts:
        assert np.array_equal(inline.load(info.id).points, first[info.id].points)


def test_markers_placed_in_background_equal_those_placed_in_line(catalog_min, synthetic_assets_dir):
    background = Body(catalog_min, MeshLibrary(synthetic_assets_dir, 1))
    background.place_markers_in_background()
    background.place_markers_in_background()  # a second call starts nothing new
    inline = Body(catalog_min, MeshLibrary(synthetic_assets_dir, 1))
    assert background.markers.keys() == inline.markers.keys() and inline.markers
    for key, place in inline.markers.items():
        other = background.markers[key]
        assert np.allclose(other.point, place.point) and other.skin_vertex == place.skin_vertex
        assert other.part == place.part
    assert background.problems == inline.problems
