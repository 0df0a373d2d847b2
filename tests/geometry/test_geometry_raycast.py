"""Segment - mesh crossings (what lies over a trigger point)."""

from __future__ import annotations

import numpy as np
import trimesh

from viewer.geometry.meshes import MeshData
from viewer.geometry.raycast import face_normals, first_hits, mesh_bounds, segments_touch_box


def _box(centre=(0.0, 0.0, 0.0), size=1.0) -> MeshData:
    mesh = trimesh.creation.box(extents=(size, size, size))
    mesh.apply_translation(centre)
    return MeshData(np.asarray(mesh.vertices, np.float32), np.asarray(mesh.faces, np.int32),
                    np.asarray(mesh.vertex_normals, np.float32))


def test_the_first_crossing_from_the_start_is_found_with_its_outward_face():
    box = _box()
    starts = np.array([[0.1, 0.2, 2.0], [0.1, 0.2, -2.0], [-3.0, 0.1, 0.1], [0.1, 0.1, 0.1]])
    ends = np.array([[0.1, 0.2, -2.0], [0.1, 0.2, 0.0], [3.0, 0.1, 0.1], [0.1, 0.1, 2.0]])
    frac, faces = first_hits(box, starts, ends)
    # enters the top face at z = 0.5, the bottom at z = -0.5, the side x = -0.5; the last
    # starts inside and leaves through the top
    assert np.allclose(frac, [1.5 / 4, 1.5 / 2, 2.5 / 6, 0.4 / 1.9])
    assert np.allclose(face_normals(box, faces), [[0, 0, 1], [0, 0, -1], [-1, 0, 0], [0, 0, 1]])


def test_segments_that_stop_short_or_pass_by_do_not_hit():
    box = _box()
    starts = np.array([[0.0, 0.0, 2.0], [2.0, 2.0, 2.0]])
    ends = np.array([[0.0, 0.0, 0.7], [2.0, 2.0, -2.0]])
    frac, faces = first_hits(box, starts, ends)
    assert np.isnan(frac).all() and (faces == -1).all()


def test_box_prefilter():
    box = _box(centre=(1.0, 0.0, 0.0))
    assert np.allclose(mesh_bounds(box), [[0.5, -0.5, -0.5], [1.5, 0.5, 0.5]])
    starts = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    ends = np.array([[0.6, 0.0, 0.0], [0.4, 0.0, 0.0]])
    assert segments_touch_box(starts, ends, mesh_bounds(box)).tolist() == [True, False]
