"""Muscle frame placement and nearest-point queries."""

from __future__ import annotations

import numpy as np
import pytest

from viewer.geometry.frame import FrameError, nearest_surface_point, nearest_vertex, place
from viewer.geometry.meshes import MeshData


def _muscle(S: int = 3, T: int = 4) -> MeshData:
    """A frame whose mid-surface is the plane x = s, y = 2 t (metres), normal +z, and whose
    thickness grows with s so interpolation of thickness is tested too."""
    s, t = np.meshgrid(np.linspace(0, 1, S), np.linspace(0, 1, T), indexing="ij")
    mid = np.stack([s, 2 * t, np.zeros_like(s)], axis=-1)
    normal = np.broadcast_to([0.0, 0.0, 1.0], mid.shape).copy()
    thickness = 0.01 + 0.02 * s
    arrays = {"frame_mid": mid.astype(np.float32), "frame_normal": normal.astype(np.float32),
              "frame_thickness": thickness.astype(np.float32)}
    return MeshData(np.zeros((3, 3), np.float32), np.array([[0, 1, 2]], np.int32),
                    np.zeros((3, 3), np.float32), arrays)


def test_place_at_grid_nodes_and_depths():
    m = _muscle()
    # node (s=0.5, t=1/3): mid (0.5, 2/3, 0), thickness 0.02
    assert np.allclose(place(m, 0.5, 1 / 3, 0.5), [0.5, 2 / 3, 0.0], atol=1e-6)
    assert np.allclose(place(m, 0.5, 1 / 3, 0.0), [0.5, 2 / 3, 0.01], atol=1e-6)
    assert np.allclose(place(m, 0.5, 1 / 3, 1.0), [0.5, 2 / 3, -0.01], atol=1e-6)


def test_place_between_nodes_is_bilinear():
    m = _muscle()
    # s = 0.25 is halfway between nodes 0 and 0.5; t = 0.5 halfway between 1/3 and 2/3
    p = place(m, 0.25, 0.5, 0.0)
    assert np.allclose(p, [0.25, 1.0, (0.01 + 0.02 * 0.25) / 2], atol=1e-6)
    p = place(m, 0.8, 0.9, 0.25)
    assert np.allclose(p, [0.8, 1.8, 0.25 * (0.01 + 0.02 * 0.8)], atol=1e-6)


def test_place_clamps_to_the_frame():
    m = _muscle()
    assert np.allclose(place(m, 1.5, -0.2, 0.5), [1.0, 0.0, 0.0], atol=1e-6)


def test_place_without_a_frame_names_the_missing_array(geo):
    plane = geo.slit_plane(9, 4, 2)
    with pytest.raises(FrameError, match="frame_mid"):
        place(plane, 0.5, 0.5, 0.5)


def test_nearest_vertex_and_surface_point(geo):
    plane = geo.slit_plane(9, 4, 2)
    assert nearest_vertex(plane, [0.0041, 0.0079, 0.05]) == 1 * 9 + 2
    point, vertex = nearest_surface_point(plane, [0.0052, 0.0049, 0.03])
    assert np.allclose(point, [0.0052, 0.0049, 0.0])
    assert vertex == 1 * 9 + 1      # vertex (0.004, 0.004) is closest to that surface point
    # outside the square: the closest point is on its edge
    point, _ = nearest_surface_point(plane, [-0.01, 0.01, 0.0])
    assert np.allclose(point, [0.0, 0.01, 0.0])
