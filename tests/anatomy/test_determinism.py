"""Two coarse builds give identical geometry hashes; a full rebuild matches the committed assets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from viewer.anatomy.build import build_assets

ROOT = Path(__file__).resolve().parents[2]


def _hashes(folder: Path) -> dict[str, dict[str, str]]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {lod: {p["id"]: p["sha256"] for p in v["parts"]} for lod, v in manifest["lods"].items()}


def test_coarse_build_is_deterministic(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    build_assets(ROOT / "data", a, coarse=True, screenshots=False, log=lambda _: None, check=False)
    build_assets(ROOT / "data", b, coarse=True, screenshots=False, log=lambda _: None, check=False)
    ha, hb = _hashes(a), _hashes(b)
    assert ha == hb
    assert len(ha["0"]) > 100  # skin, bones and both sides of every muscle part


@pytest.mark.slow
def test_committed_assets_are_what_the_build_writes(tmp_path: Path):
    committed = ROOT / "assets" / "meshes"
    if not (committed / "manifest.json").exists():
        pytest.skip("assets not built")
    build_assets(ROOT / "data", tmp_path, screenshots=False, log=lambda _: None)
    assert _hashes(tmp_path) == _hashes(committed)


def test_bones_built_aside_equal_bones_built_here(monkeypatch):
    """The second process gives the same meshes as this one, and a failing second process
    falls back to building here (build._BonesAside)."""
    import multiprocessing

    from viewer.anatomy import build, spec
    from viewer.anatomy.bones import bone_shapes, build_bones

    shapes = [s for s in bone_shapes(spec.load(ROOT / "data"), 0.0015) if s.anatomy == "patella"]
    assert shapes
    here = build_bones(shapes, 0.0015, 2)
    aside = build._BonesAside(shapes, 0.0015, 2).result()

    def no_process(*_a, **_k):
        raise OSError("no second process here")

    monkeypatch.setattr(multiprocessing, "get_context", no_process)
    fallback = build._BonesAside(shapes, 0.0015, 2)
    assert fallback.pool is None
    for other in (aside, fallback.result()):
        assert [p.id for p in other] == [p.id for p in here]
        for a, b in zip(other, here):
            for lod in b.lods:
                assert np.array_equal(a.lods[lod]["points"], b.lods[lod]["points"])
                assert np.array_equal(a.lods[lod]["faces"], b.lods[lod]["faces"])
