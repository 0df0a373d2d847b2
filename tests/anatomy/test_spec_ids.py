"""Muscle ids of the anatomy data are contracts: a part names a listed spec id or the data is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from viewer.anatomy import spec

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def data_copy(tmp_path) -> Path:
    shutil.copytree(DATA / "anatomy", tmp_path / "anatomy")
    shutil.copy(DATA / "regions.yaml", tmp_path / "regions.yaml")
    return tmp_path


def _add_part(data_dir: Path, muscle: str) -> None:
    path = data_dir / "anatomy" / "muscles" / "lower_limb.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    extra = dict(raw["parts"][0], anatomy="test_part", muscle=muscle)
    raw["parts"].append(extra)
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")


def test_every_part_names_a_listed_muscle_id():
    data = spec.load(DATA)
    build = data.build.raw
    known = set(build["core_muscles"]) | set(build["atlas_muscles"])
    assert {str(e.get("muscle")) for e in data.muscles} <= known
    assert not set(build["core_muscles"]) & set(build["atlas_muscles"])


def test_an_atlas_muscle_id_is_accepted(data_copy):
    _add_part(data_copy, "sartorius")
    assert any(e.name == "test_part" for e in spec.load(data_copy).muscles)


def test_an_unknown_muscle_id_is_refused_with_file_part_and_field(data_copy):
    _add_part(data_copy, "musculus_imaginarius")
    with pytest.raises(spec.AnatomyDataError) as err:
        spec.load(data_copy)
    message = str(err.value)
    assert "data/anatomy/muscles/lower_limb.yaml" in message and "test_part" in message
    assert "muscle" in message and "musculus_imaginarius" in message
