"""The per-vertex muscle ``tone`` (viewer/anatomy/shading.py, data/anatomy/shading.yaml)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from viewer.anatomy import spec
from viewer.anatomy.errors import AnatomyDataError
from viewer.anatomy.loft import design_sheet, frame_arrays, sheet_mesh
from viewer.anatomy.parts import Part, bilateral
from viewer.anatomy.shading import add_tone, band_count, load_shading, stripe_light, tendon_share
from viewer.geometry.meshes import TONE, unpack_tone

DATA = Path(__file__).resolve().parents[2] / "data"
LOD1, FRAME = (15, 7), (21, 11)  # the full build's app-level mesh and frame (build.yaml)


@pytest.fixture(scope="module")
def data() -> spec.AnatomyData:
    return spec.load(DATA)


@pytest.fixture(scope="module")
def shading(data):
    return load_shading(data.root, {e.name for e in data.muscles})


def _arrays(data, name: str, mesh=LOD1) -> tuple[spec.Entry, dict]:
    """The undraped mesh of a real part (draping moves the surface, not s, t or thickness)."""
    entry = next(e for e in data.muscles if e.name == name)
    sheet = design_sheet(entry, data.skeleton)
    arrays = sheet_mesh(sheet, *mesh)
    arrays.update(frame_arrays(sheet, *FRAME))
    return entry, arrays


@pytest.mark.parametrize("name", ["flexor_carpi_radialis", "tibialis_anterior", "extensor_carpi_radialis_longus"])
def test_long_tendon_muscles_end_in_tendon_and_their_belly_is_flesh(data, shading, name):
    entry, arrays = _arrays(data, name)
    share, s = tendon_share(arrays, entry, shading), arrays["s"]
    assert share[s >= 0.95].min() > 0.9, "the distal tendon"
    assert share[(s > 0.2) & (s < 0.4)].max() < 0.05, "the belly"


@pytest.mark.parametrize("name", ["rhomboid_major", "middle_trapezius", "masseter"])
def test_fleshy_muscles_have_no_tendon(data, shading, name):
    entry, arrays = _arrays(data, name)
    assert tendon_share(arrays, entry, shading).max() < 0.1


def test_the_aponeurosis_key_marks_the_tendinous_sheet(data, shading):
    entry, arrays = _arrays(data, "external_oblique")
    share, s, t = tendon_share(arrays, entry, shading), arrays["s"], arrays["t"]
    assert "aponeurosis" in entry.raw
    # upper strands end in aponeurosis (s beyond ~0.62-0.72), the lowest run fleshy to the iliac crest
    assert share[(s > 0.85) & (t < 0.3)].min() > 0.9
    assert share[(s < 0.4) | (t > 0.7)].max() < 0.1
    whole = next(e for e in data.muscles if e.name == "external_oblique_aponeurosis")
    assert np.all(tendon_share(arrays, whole, shading) == 1.0), "a part that is an aponeurosis (shading.yaml)"


def test_bands_alternate_on_the_vertex_columns(data, shading):
    _, arrays = _arrays(data, "tibialis_anterior")
    light = stripe_light(arrays, shading)
    assert 0.0 <= light.min() and light.max() <= 1.0
    ts = np.unique(np.round(arrays["t"], 6))
    columns = [light[np.isclose(arrays["t"], t, atol=1e-6)].mean() for t in ts]
    assert np.allclose(columns, [1, 0, 1, 0, 1, 0, 1], atol=1e-6)


def test_band_count_fits_whole_vertex_intervals(shading):
    assert band_count(0.30, 12, shading) == 6  # wide: as many as the mesh resolves
    assert band_count(0.012, 12, shading) == 2  # narrow: the minimum
    assert band_count(0.025, 12, shading) == 4  # 25 mm / 6 mm: 4 band pairs of 3 intervals
    assert band_count(0.1, 6, shading) == 3


def test_tone_is_stored_in_every_lod_in_range_and_mirrored(data, shading):
    entry, lod1 = _arrays(data, "flexor_carpi_radialis")
    _, lod0 = _arrays(data, "flexor_carpi_radialis", (33, 13))
    part = Part("flexor_carpi_radialis_r", "muscle", entry.name, "right", "superficial", "FCR", "x",
                {0: lod0, 1: lod1})
    add_tone(part, entry, shading)
    right, left = bilateral(part)
    for lod, arrays in right.lods.items():
        tone = arrays[TONE]
        assert tone.dtype == np.uint8 and tone.shape == (len(arrays["points"]),)
        tendon, stripe = unpack_tone(tone)
        assert tendon.max() == 1.0 and tendon.min() == 0.0 and stripe.min() < 0.3 and stripe.max() == 1.0
        assert np.array_equal(left.lods[lod][TONE], tone)


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "shading.yaml").write_text(text, encoding="utf-8")
    return tmp_path


GOOD = """striation: {period_mm: 6, min_bands: 2}
tendon: {belly_ratio: 0.45, tendon_ratio: 0.28, max_tendon_mm: 6}
"""


@pytest.mark.parametrize("text, field", [
    (GOOD.replace("period_mm: 6", "period_mm: -1"), "period_mm"),
    (GOOD.replace("tendon_ratio: 0.28", "tendon_ratio: 0.5"), "tendon_ratio"),
    (GOOD.replace("belly_ratio: 0.45, ", ""), "belly_ratio"),
    (GOOD + "parts: {soleus: {tendon: 2}}\n", "tendon"),
    (GOOD + "parts: {soleus: {tendon_s: [[0.9, 0.2]]}}\n", "tendon_s"),
    (GOOD + "parts: {soleus: {color: red}}\n", "color"),
    (GOOD + "parts: {no_such_part: {fleshy: true}}\n", "no_such_part"),
])
def test_bad_shading_data_names_file_entry_and_field(tmp_path, text, field):
    with pytest.raises(AnatomyDataError) as err:
        load_shading(_write(tmp_path, text), {"soleus"})
    message = str(err.value)
    assert "data/anatomy/shading.yaml" in message and field in message and "\n" not in message


def test_overrides_apply(tmp_path, data):
    sh = load_shading(_write(tmp_path, GOOD + "parts: {flexor_carpi_radialis: {fleshy: true},"
                                              " tibialis_anterior: {tendon_s: [[0, 0.1]]}}\n"))
    entry, arrays = _arrays(data, "flexor_carpi_radialis")
    assert tendon_share(arrays, entry, sh).max() == 0.0
    entry, arrays = _arrays(data, "tibialis_anterior")
    assert tendon_share(arrays, entry, sh)[arrays["s"] <= 0.1].min() == 1.0


def test_rectus_abdominis_shows_its_three_tendinous_intersections_in_the_built_meshes():
    """Pale transverse bands (shading.yaml tendon_s) at mesh stations of both levels of detail."""
    from viewer.geometry.meshes import MeshLibrary

    assets = DATA.parent / "assets" / "meshes"
    if not (assets / "manifest.json").exists():
        pytest.skip("assets not built")
    for lod in (0, 1):
        mesh = MeshLibrary(assets, lod).load("rectus_abdominis_r")
        tendon, _ = unpack_tone(mesh.arrays[TONE])
        s = np.round(mesh.arrays["s"], 4)
        pale = sorted({float(v) for v in s[tendon >= 0.99]})
        assert len(pale) == 3 and 0.45 < pale[0] and pale[-1] < 0.95, (lod, pale)
        between = (s > pale[0]) & (s < pale[1])
        assert between.any() and tendon[between].max() < 0.5, "fleshy bellies between the bands"
