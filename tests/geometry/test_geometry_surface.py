"""Surface distances, vertex areas and the per-mesh cache."""

from __future__ import annotations

import numpy as np

from viewer.geometry.surface import SurfaceGraph, cached_per_mesh, smoothstep, soft_disk


def test_distances_on_a_plane_are_straight_line_distances(plane):
    graph = SurfaceGraph.of(plane)
    source = int(np.argmin(np.linalg.norm(plane.points - [0.06, 0.2, 0.0], axis=1)))
    d = graph.distances(np.array([source]), 0.05)
    # only the west half: the slit at x = 0.12 is out of reach
    straight = np.linalg.norm(graph.points - graph.points[source], axis=1)
    near = straight < 0.05
    assert np.all(np.isfinite(d[near]))
    assert np.max(np.abs(d[near] - straight[near])) < 0.02 * 0.05
    # the raw edge graph would be up to 8 % long here; make sure refinement did something
    assert np.all(d[~near][np.isfinite(d[~near])] >= 0.05 - 1e-9)


def test_distances_on_a_sphere_follow_great_circles(sphere, geo):
    graph = SurfaceGraph.of(sphere)
    d = graph.distances(np.array([0]), 0.08)
    exact = geo.great_circle(sphere, sphere.points[0])
    inside = exact < 0.08
    assert np.all(np.isfinite(d[inside]))
    assert np.max(np.abs(d[inside] - exact[inside])) < 0.01 * 0.08


def test_distance_goes_around_a_slit_not_across_it(plane, geo):
    graph = SurfaceGraph.of(plane)
    west = int(np.argmin(np.linalg.norm(plane.points - [0.12, 0.02, 0.0], axis=1)))
    east = int(np.argmin(np.linalg.norm(plane.points - [0.124, 0.02, 0.0], axis=1)))
    assert np.isclose(np.linalg.norm(graph.points[west] - graph.points[east]), geo.PLANE_STEP)
    assert np.isinf(graph.distances(np.array([west]), 0.1)[east])
    around = graph.distances(np.array([west]), 1.0)[east]
    assert around > 2 * (0.208 - 0.02)      # up the slit to its open end and back down


def test_vertex_areas_sum_to_the_surface_area(geo):
    sphere = geo.sphere_skin(3)
    total = SurfaceGraph.of(sphere).vertex_areas.sum()
    assert abs(total - 4 * np.pi * geo.SPHERE_R**2) / (4 * np.pi * geo.SPHERE_R**2) < 0.01
    plane = geo.slit_plane()
    assert np.isclose(SurfaceGraph.of(plane).vertex_areas.sum(), len(plane.faces) * geo.PLANE_STEP**2 / 2)


def test_shortest_path_links_both_ends_through_neighbours(plane, geo):
    graph = SurfaceGraph.of(plane)
    path = graph.path(0, 40, 1.0)
    assert path[0] == 0 and path[-1] == 40
    steps = np.linalg.norm(np.diff(graph.points[path], axis=0), axis=1)
    assert np.all(steps <= geo.PLANE_STEP * np.sqrt(2) + 1e-9)


def test_smoothstep_and_soft_disk():
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    assert np.allclose(smoothstep(0.0, 1.0, x), [0.0, 0.0, 0.5, 1.0, 1.0])
    w = soft_disk(np.array([0.0, 0.9, 1.0, 1.1, np.inf]), 1.0, 0.2)
    assert np.allclose(w, [1.0, 1.0, 0.5, 0.0, 0.0])


def test_cache_is_per_mesh_object(geo):
    a, b = geo.slit_plane(9, 4, 2), geo.slit_plane(9, 4, 2)
    calls = []
    first = cached_per_mesh("test", a, lambda m: calls.append(m) or object())
    assert cached_per_mesh("test", a, lambda m: object()) is first
    assert cached_per_mesh("test", b, lambda m: object()) is not first
    assert len(calls) == 1
