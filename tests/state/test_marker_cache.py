"""The marker-place cache: a hit gives exactly the places a fresh placement gives, and any
change of what they depend on, a damaged file or an unusable folder falls back to placing."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from viewer.controller import marker_cache
from viewer.controller.body import Body
from viewer.geometry.meshes import MeshLibrary


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRIGGER_ATLAS_CACHE", str(folder))
    return folder


def _no_placing(self):
    raise AssertionError("placed again although the cache had the markers")


def _assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys() and a
    for key, place in a.items():
        other = b[key]
        assert other.skin_vertex == place.skin_vertex and other.part == place.part
        for name in ("point", "normal", "muscle_point"):
            assert np.array_equal(getattr(other, name), getattr(place, name))
        for name in ("on_muscle", "muscle_normal"):
            mine, theirs = getattr(place, name), getattr(other, name)
            assert (mine is None) == (theirs is None)
            if mine is not None:
                assert np.array_equal(mine, theirs)
        assert [c[0] for c in other.covers] == [c[0] for c in place.covers]
        for mine, theirs in zip(place.covers, other.covers):
            assert np.array_equal(mine[1], theirs[1]) and np.array_equal(mine[2], theirs[2])


def test_a_second_start_reads_the_places_instead_of_placing(cache_folder, catalog_min, synthetic_assets_dir, monkeypatch):
    first = Body(catalog_min, MeshLibrary(synthetic_assets_dir, 1)).markers
    assert len(list(cache_folder.glob("markers-*.npz"))) == 1
    monkeypatch.setattr(Body, "_place_markers", _no_placing)
    again = Body(catalog_min, MeshLibrary(synthetic_assets_dir, 1))
    again.place_markers_in_background()  # a hit starts no thread
    assert again._placing is None
    _assert_same(first, again.markers)


def test_a_miss_hashes_the_meshes_and_trigger_points_once(cache_folder, catalog_min, synthetic_assets_dir, monkeypatch):
    calls = []
    real = marker_cache.marker_key
    monkeypatch.setattr(marker_cache, "marker_key", lambda *a: calls.append(a) or real(*a))
    body = Body(catalog_min, MeshLibrary(synthetic_assets_dir, 1))
    body.place_markers_in_background()  # the lookup misses, the worker places and writes
    assert body.markers and len(list(cache_folder.glob("markers-*.npz"))) == 1
    assert len(calls) == 1


def marker_key_of(catalog, library) -> str:
    return marker_cache.marker_key(catalog, library, (0.004, 0.003))


def test_the_key_follows_locations_meshes_and_lifts(catalog_min, synthetic_assets_dir):
    library = MeshLibrary(synthetic_assets_dir, 1)
    key = marker_cache.marker_key(catalog_min, library, (0.004, 0.003))
    tp = catalog_min.trigger_points[0]
    moved = dataclasses.replace(tp, location=dataclasses.replace(tp.location, s=tp.location.s + 0.01))
    edited = dataclasses.replace(catalog_min, trigger_points=(moved, *catalog_min.trigger_points[1:]))
    assert marker_key_of(edited, library) != key
    assert marker_cache.marker_key(catalog_min, library, (0.005, 0.003)) != key
    rebuilt = MeshLibrary(synthetic_assets_dir, 1)
    rebuilt.parts = (dataclasses.replace(rebuilt.parts[0], sha256="0" * 64), *rebuilt.parts[1:])
    assert marker_cache.marker_key(catalog_min, rebuilt, (0.004, 0.003)) != key
    assert marker_key_of(catalog_min, MeshLibrary(synthetic_assets_dir, 1)) == key



def test_a_damaged_file_is_replaced_by_a_fresh_placement(cache_folder, catalog_min, synthetic_assets_dir):
    fresh = Body(catalog_min, MeshLibrary(synthetic_assets_dir, 1)).markers
    (path,) = cache_folder.glob("markers-*.npz")
    path.write_bytes(b"not an npz file")
    again = Body(catalog_min, MeshLibrary(synthetic_assets_dir, 1)).markers
    _assert_same(fresh, again)
    assert marker_cache.read_places(path, lambda *a: a) is not None  # rewritten, readable


def test_an_unusable_cache_folder_never_stops_the_start(tmp_path, monkeypatch, catalog_min, synthetic_assets_dir):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TRIGGER_ATLAS_CACHE", str(blocker / "cache"))
    body = Body(catalog_min, MeshLibrary(synthetic_assets_dir, 1))
    body.place_markers_in_background()
    assert body.markers


def test_a_placement_with_problems_is_not_cached(cache_folder, catalog_min, synthetic_assets_dir, monkeypatch):
    original = Body._place_markers

    def with_a_problem(self):
        placed = original(self)
        self.problems.append("a part built without its frame")
        return placed

    monkeypatch.setattr(Body, "_place_markers", with_a_problem)
    assert Body(catalog_min, MeshLibrary(synthetic_assets_dir, 1)).markers
    assert not list(cache_folder.glob("markers-*.npz"))
