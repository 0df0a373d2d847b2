"""The data layer: valid data loads into frozen objects; broken data gives precise lines."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from viewer.datafiles import DataError, load_catalog
from viewer.domain.model import HazardKind, Side

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "data_min"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(FIXTURE, dest)
    return dest


def _problems(data_dir: Path) -> list[str]:
    with pytest.raises(DataError) as info:
        load_catalog(data_dir)
    return [str(p) for p in info.value.problems]


def test_fixture_loads_into_frozen_objects(data: Path):
    catalog = load_catalog(data)
    tp = catalog.trigger_point("alpha_tp2")
    assert tp.muscle == "alpha"
    assert tp.hazards[0].kind is HazardKind.LUNG_PLEURA
    assert tp.location.part == "alpha"
    assert catalog.trigger_points_of("alpha")[0].id == "alpha_tp1"
    with pytest.raises(dataclasses.FrozenInstanceError):
        tp.name = "changed"  # type: ignore[misc]
    assert Side.LEFT.other is Side.RIGHT


def test_unknown_region_names_file_entry_field_and_hint(data: Path):
    path = data / "muscles" / "alpha.yaml"
    path.write_text(path.read_text().replace("[temple, orbit]", "[templ, orbit]"))
    (line,) = _problems(data)
    assert line.startswith("data/muscles/alpha.yaml: entry 'alpha_tp1': field 'referral.essential.regions[0]'")
    assert "unknown region id 'templ'" in line and "did you mean 'temple'" in line


def test_all_problems_are_reported_at_once(data: Path):
    alpha = data / "muscles" / "alpha.yaml"
    text = alpha.read_text().replace("confidence: high", "confidence: certain")
    text = text.replace("[{source: book1}]", "[{source: nobook}]", 1)
    alpha.write_text(text)
    beta = data / "muscles" / "beta.yaml"
    beta.write_text(beta.read_text().replace("  innervation: A nerve\n", "  innervation: A nerve\n  colour: red\n"))
    lines = _problems(data)
    joined = "\n".join(lines)
    assert "data/muscles/alpha.yaml: entry 'alpha_tp1': field 'confidence'" in joined
    assert "data/muscles/beta.yaml: entry 'beta': field 'muscle.colour': unknown field" in joined
    assert len(lines) >= 2


def test_cross_references_are_checked(data: Path):
    alpha = data / "muscles" / "alpha.yaml"
    text = alpha.read_text().replace("anchors: [temporal_fossa]", "anchors: [temporal_fosa]", 1)
    text = text.replace("name: Alpha TrP2", "name: Alpha TrP2\n    related: [gamma_tp9]")
    alpha.write_text(text)
    joined = "\n".join(_problems(data))
    assert "unknown landmark 'temporal_fosa'" in joined and "did you mean 'temporal_fossa'" in joined
    assert "entry 'alpha_tp2': field 'related[0]': unknown trigger point or muscle 'gamma_tp9'" in joined


def test_duplicate_ids_and_wrong_file_name(data: Path):
    beta = data / "muscles" / "beta.yaml"
    beta.write_text(beta.read_text().replace("id: beta_tp1", "id: alpha_tp1"))
    shutil.copy(beta, data / "muscles" / "gamma.yaml")
    joined = "\n".join(_problems(data))
    assert "trigger point id already used" in joined
    assert "data/muscles/gamma.yaml: entry 'beta': field 'muscle.id': must match the file name 'gamma'" in joined


def test_yaml_syntax_error_gives_line_not_traceback(data: Path):
    (data / "sources.yaml").write_text("version: 1\nsources:\n  - {id: book1, citation: [unclosed\n")
    (line,) = _problems(data)
    assert line.startswith("data/sources.yaml: YAML syntax error: line ")


def test_duplicate_yaml_key_is_an_error(data: Path):
    (data / "sources.yaml").write_text("version: 1\nversion: 1\nsources: []\n")
    assert "duplicate key 'version'" in "\n".join(_problems(data))


def test_missing_files_and_folder(tmp_path: Path):
    assert "data folder not found" in "\n".join(_problems(tmp_path / "nope"))
    (tmp_path / "d").mkdir()
    joined = "\n".join(_problems(tmp_path / "d"))
    assert "regions.yaml: file is missing" in joined and "sources.yaml: file is missing" in joined


def test_region_in_both_tiers_is_rejected(data: Path):
    alpha = data / "muscles" / "alpha.yaml"
    alpha.write_text(alpha.read_text().replace("spillover: {regions: [occiput]}", "spillover: {regions: [orbit]}"))
    assert "already in the essential zone" in "\n".join(_problems(data))
