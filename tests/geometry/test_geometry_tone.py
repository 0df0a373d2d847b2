"""The muscle ``tone`` array of the asset contract: packing, palette, hash and loading."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from viewer.geometry.meshes import (TONE, AssetError, MeshLibrary, fibre_uv, geometry_hash, groove_profile,
                                    pack_tone, tone_palette, unpack_tone)


def test_pack_and_unpack_round_trip_on_the_16_levels():
    levels = np.arange(16) / 15
    tendon, stripe = np.meshgrid(levels, levels, indexing="ij")
    tone = pack_tone(tendon.ravel(), stripe.ravel())
    assert tone.dtype == np.uint8 and sorted(tone.tolist()) == list(range(256))
    back_tendon, back_stripe = unpack_tone(tone)
    assert np.allclose(back_tendon, tendon.ravel()) and np.allclose(back_stripe, stripe.ravel())


def test_pack_clips_out_of_range_fractions():
    assert pack_tone(np.array([-1.0, 2.0]), np.array([5.0, -3.0])).tolist() == [15, 240]


def test_palette_runs_from_striated_belly_to_tendon():
    belly, tendon = np.array([0.7, 0.3, 0.3]), np.array([0.9, 0.88, 0.8])
    table = tone_palette(belly, tendon, 0.25, 0.05)
    assert table.shape == (256, 3)
    light_belly, dark_belly = table[pack_tone(0.0, 1.0)], table[pack_tone(0.0, 0.0)]
    assert np.allclose(light_belly, belly) and np.allclose(dark_belly, belly * 0.75)
    assert np.allclose(table[pack_tone(1.0, 1.0)], tendon)
    assert np.allclose(table[pack_tone(1.0, 0.0)], tendon * 0.95)


def test_hash_covers_tone_and_keeps_the_old_hash_without_it():
    points = np.random.default_rng(1).random((10, 3))
    faces = np.array([[0, 1, 2], [2, 3, 4]])
    tone = np.zeros(10, np.uint8)
    plain = geometry_hash(points, faces)
    assert geometry_hash(points, faces, None) == plain
    assert geometry_hash(points, faces, tone) != plain
    tone2 = tone.copy()
    tone2[3] = 7
    assert geometry_hash(points, faces, tone2) != geometry_hash(points, faces, tone)


def _toned_copy(src: Path, dst: Path, tone_of=lambda n: (np.arange(n) % 256).astype(np.uint8)) -> Path:
    """A copy of an asset folder whose muscle parts carry a ``tone`` (manifest hashes updated)."""
    shutil.copytree(src, dst)
    manifest = json.loads((dst / "manifest.json").read_text())
    for part in manifest["lods"]["1"]["parts"]:
        if part["kind"] != "muscle":
            continue
        path = dst / part["file"]
        with np.load(path) as npz:
            arrays = {k: npz[k] for k in npz.files}
        arrays[TONE] = tone_of(len(arrays["points"]))
        np.savez(path, **arrays)
        part["sha256"] = geometry_hash(arrays["points"], arrays["faces"], arrays[TONE])
    (dst / "manifest.json").write_text(json.dumps(manifest))
    return dst


def test_assets_without_tone_still_load_and_verify(synthetic_assets_dir):
    lib = MeshLibrary(synthetic_assets_dir, 1)
    muscle = lib.parts_of_kind("muscle")[0]
    assert TONE not in lib.load(muscle.id).arrays
    assert lib.verify() == []


def test_toned_assets_load_and_verify(synthetic_assets_dir, tmp_path):
    lib = MeshLibrary(_toned_copy(synthetic_assets_dir, tmp_path / "meshes"), 1)
    for info in lib.parts_of_kind("muscle"):
        tone = lib.load(info.id).arrays[TONE]
        assert tone.dtype == np.uint8 and tone.shape == (info.points,)
    assert lib.verify() == []


def test_a_changed_tone_fails_verification(synthetic_assets_dir, tmp_path):
    folder = _toned_copy(synthetic_assets_dir, tmp_path / "meshes")
    info = MeshLibrary(folder, 1).parts_of_kind("muscle")[0]
    with np.load(folder / info.file) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays[TONE] = arrays[TONE] ^ np.uint8(1)
    np.savez(folder / info.file, **arrays)
    problems = MeshLibrary(folder, 1).verify()
    assert len(problems) == 1 and info.file in problems[0] and "hash" in problems[0]


def test_a_tone_of_the_wrong_type_is_a_clear_error(synthetic_assets_dir, tmp_path):
    folder = _toned_copy(synthetic_assets_dir, tmp_path / "meshes", lambda n: np.zeros(n, np.float32))
    lib = MeshLibrary(folder, 1)
    info = lib.parts_of_kind("muscle")[0]
    with pytest.raises(AssetError, match=r"array 'tone' must be uint8 with one value per point") as err:
        lib.load(info.id)
    assert info.file.split("/")[-1] in str(err.value) and "\n" not in str(err.value)


def test_groove_profile_is_one_smooth_groove_of_the_given_depth():
    grey = groove_profile(0.26).astype(int)
    assert grey.dtype == np.int64 and len(grey) == 16
    assert grey.max() >= 254 and abs(grey.min() - round(255 * 0.74)) <= 1
    assert np.all(np.abs(np.diff(grey)) < 40), "no hard edge: a hard groove aliases into moire"


def test_fibre_uv_counts_groove_periods_across_the_width():
    s, t = np.meshgrid(np.linspace(0, 1, 5), np.linspace(0, 1, 4), indexing="ij")
    mid = np.zeros((5, 4, 3))
    mid[..., 0] = t * 0.045  # 45 mm wide
    uv = fibre_uv(t.ravel(), s.ravel(), mid, 0.0045)
    assert uv.dtype == np.float32 and uv.shape == (20, 2)
    assert uv[:, 0].max() == pytest.approx(10.0) and np.allclose(uv[:, 1], s.ravel())
    assert fibre_uv(t.ravel(), s.ravel(), mid * 0.01, 0.0045)[:, 0].max() == pytest.approx(2.0), "at least 2"
