"""Muscles drawn through the shared tone lookup tables; flat colour without a tone array."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from viewer.anatomy import review  # noqa: E402
from viewer.geometry.meshes import TONE, MeshLibrary, geometry_hash, pack_tone, tone_palette  # noqa: E402
from viewer.scene import theme  # noqa: E402
from viewer.scene.layers import apply_muscle_highlight  # noqa: E402
from viewer.scene.parts import add_parts, fibre_texture, muscle_tables, to_polydata  # noqa: E402


def _toned(src: Path, dst: Path) -> Path:
    """A copy of the synthetic assets whose muscles carry a tone: tendon where s > 0.8,
    bands alternating with t."""
    shutil.copytree(src, dst)
    manifest = json.loads((dst / "manifest.json").read_text())
    for part in manifest["lods"]["1"]["parts"]:
        if part["kind"] == "muscle":
            path = dst / part["file"]
            with np.load(path) as npz:
                arrays = {k: npz[k] for k in npz.files}
            arrays[TONE] = pack_tone(arrays["s"] > 0.8, (arrays["t"] * 6).astype(int) % 2)
            np.savez(path, **arrays)
            part["sha256"] = geometry_hash(arrays["points"], arrays["faces"], arrays[TONE])
    (dst / "manifest.json").write_text(json.dumps(manifest))
    return dst


@pytest.fixture
def toned_parts(synthetic_assets_dir, tmp_path):
    plotter = pv.Plotter(off_screen=True, window_size=(200, 300))
    parts = add_parts(plotter, MeshLibrary(_toned(synthetic_assets_dir, tmp_path / "meshes"), 1), theme.TESTING)
    yield plotter, parts
    plotter.close()


def _muscles(parts):
    return [p for p in parts.values() if p.info.kind == "muscle"]


def test_toned_muscles_share_one_table_and_map_their_tone(toned_parts):
    _, parts = toned_parts
    usual, _ = muscle_tables()
    for part in _muscles(parts):
        mapper = part.actor.GetMapper()
        assert mapper.GetScalarVisibility() and mapper.GetLookupTable() is usual
        assert mapper.GetArrayName() == TONE and mapper.GetColorModeAsString() == "MapScalars"
    for kind in ("skin", "bone"):
        other = next(p for p in parts.values() if p.info.kind == kind)
        assert other.actor.GetMapper().GetLookupTable() is not usual


def _colour(table, k: int) -> np.ndarray:
    out = [0.0, 0.0, 0.0]
    table.GetColor(float(k), out)
    return np.array(out)


def test_toned_muscles_carry_the_shared_fibre_texture_across_their_fibres(toned_parts):
    _, parts = toned_parts
    for part in _muscles(parts):
        assert part.actor.GetTexture() is fibre_texture()
        uv = np.asarray(part.poly.active_texture_coordinates)
        t, s = np.asarray(part.poly.point_data[TONE]), None
        assert uv.shape == (part.poly.n_points, 2) and t is not None
        # u runs across the fibres: about one groove period per FIBRE_PERIOD_M of the 6 cm width
        assert uv[:, 0].min() == 0.0 and uv[:, 0].max() == pytest.approx(round(0.06 / theme.FIBRE_PERIOD_M), rel=0.1)
        assert 0.0 <= uv[:, 1].min() and uv[:, 1].max() <= 1.0
    assert all(p.actor.GetTexture() is None for p in parts.values() if p.info.kind != "muscle")


def test_table_entry_k_is_the_palette_colour_of_tone_k():
    usual, selected = muscle_tables()
    palette = tone_palette(theme.rgb(theme.MUSCLE), theme.rgb(theme.MUSCLE_TENDON), theme.MUSCLE_STRIATION,
                           theme.TENDON_STRIATION)
    for k in (0, 15, 16, 128, 240, 255):
        assert np.allclose(_colour(usual, k), palette[k], atol=0.6 / 255)  # stored as bytes
    # the tendon is pale cream, the belly red; the selected table is lighter throughout
    tendon, belly = _colour(usual, 255), _colour(usual, 15)
    assert tendon.min() > 0.75 and belly[0] > 1.5 * belly[1]
    assert all(_colour(selected, k).mean() > _colour(usual, k).mean() + 0.05 for k in range(256))


def test_highlight_swaps_the_table_in_place_and_back(toned_parts):
    _, parts = toned_parts
    usual, selected = muscle_tables()
    beta = [p for p in _muscles(parts) if p.info.muscle == "beta"]
    polys = {p.info.id: p.poly for p in beta}
    apply_muscle_highlight(parts, "beta")
    for part in _muscles(parts):
        want = selected if part.info.muscle == "beta" else usual
        assert part.actor.GetMapper().GetLookupTable() is want
    assert all(p.poly is polys[p.info.id] and p.actor.GetMapper().GetInput() is p.poly for p in beta)
    assert all(p.actor.GetTexture() is fibre_texture() for p in beta), "the fibre pattern stays when selected"
    apply_muscle_highlight(parts, None)
    assert all(p.actor.GetMapper().GetLookupTable() is usual and not p.highlighted for p in _muscles(parts))


def test_rendered_muscle_shows_both_belly_and_tendon(toned_parts):
    plotter, parts = toned_parts
    for part in parts.values():
        part.actor.visibility = part.info.kind == "muscle" and part.info.id == "beta_r"
    plotter.view_vector((0.5, 0.85, 0.4))
    plotter.reset_camera()
    image = plotter.screenshot(return_img=True).reshape(-1, 3).astype(float)
    shown = image[np.abs(image - plotter.background_color.int_rgb).sum(axis=1) > 30]
    redness = shown[:, 0] - shown[:, 2]
    assert len(shown) > 200
    assert np.mean((redness > 30) & (shown[:, 0] > 1.6 * shown[:, 2])) > 0.2, "the belly should be red"
    assert np.mean((redness < 45) & (shown.mean(axis=1) > 110)) > 0.03, "the tendon end should be pale"


def test_untoned_muscles_draw_flat_and_highlight_by_colour(synthetic_library):
    plotter = pv.Plotter(off_screen=True, window_size=(100, 100))
    parts = add_parts(plotter, synthetic_library, theme.TESTING)
    muscle = _muscles(parts)[0]
    assert TONE not in to_polydata(synthetic_library.load(muscle.info.id)).point_data
    assert not muscle.actor.GetMapper().GetScalarVisibility() and muscle.actor.GetTexture() is None
    apply_muscle_highlight(parts, muscle.info.muscle)
    assert np.allclose(muscle.actor.prop.color.float_rgb, theme.rgb(theme.MUSCLE_SELECTED), atol=0.01)
    apply_muscle_highlight(parts, None)
    assert np.allclose(muscle.actor.prop.color.float_rgb, theme.rgb(theme.MUSCLE), atol=0.01)
    plotter.close()


def test_review_renders_use_the_app_tendon_colour_and_band_depths():
    assert np.allclose(review.TENDON_RGB, theme.rgb(theme.MUSCLE_TENDON))
    assert (review.STRIATION, review.TENDON_STRIATION) == (theme.MUSCLE_STRIATION, theme.TENDON_STRIATION)
    assert (review.FIBRE_PERIOD_M, review.FIBRE_GROOVE) == (theme.FIBRE_PERIOD_M, theme.FIBRE_GROOVE)
