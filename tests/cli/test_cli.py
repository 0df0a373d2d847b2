"""The command line: sub-commands, JSON output, exit codes and messages (no tracebacks)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "data_min"


def run(*args: str, data: Path = FIXTURE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viewer", "--data", str(data), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_list_json_fields():
    out = run("list", "trigger-points", "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["id"]: r for r in json.loads(out.stdout)}
    assert rows["alpha_tp2"]["muscle"] == "alpha"
    assert rows["alpha_tp2"]["essential_regions"] == ["posterolateral_neck"]
    assert rows["alpha_tp2"]["spillover_regions"] == ["mastoid_postauricular", "temple"]
    assert rows["alpha_tp2"]["hazards"] == ["lung_pleura"]
    muscles = json.loads(run("list", "muscles", "--json").stdout)
    assert [m["id"] for m in muscles] == ["alpha", "beta"]
    regions = run("list", "regions")
    assert regions.returncode == 0 and "temple - Temple" in regions.stdout


def test_lookup_json_is_ranked_with_reasons():
    out = run("lookup", "temple", "orbit", "--side", "left", "--top", "2", "--json")
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    assert [i["trigger_point"] for i in items] == ["alpha_tp1", "alpha_tp2"]
    first = items[0]
    assert first["muscle"] == "alpha" and first["side"] == "left"
    assert first["essential_regions_hit"] == ["orbit", "temple"] and first["spillover_regions_hit"] == []
    assert first["score"] > items[1]["score"] > 0
    text = run("lookup", "chest_anterior")
    assert "Beta TrP1" in text.stdout and "Essential zone covers" in text.stdout


@pytest.mark.parametrize("args,needle", [
    (("lookup", "templ"), "unknown region id 'templ' (did you mean 'temple'?)"),
    (("lookup", "temple", "--top", "0"), "--top must be at least 1"),
    (("lookup", "temple", "--side", "up"), "invalid choice: 'up'"),
    (("render", "--select", "alpha_tp9", "--out", "x.png"), "unknown trigger point id 'alpha_tp9'"),
    (("render", "--select", "alpha_tp1", "--out", "x.jpg"), "--out must name a .png file"),
    (("render", "--size", "big", "--out", "x.png"), "size must look like 1280x800"),
    (("list", "bones"), "invalid choice: 'bones'"),
    (("frobnicate",), "invalid choice: 'frobnicate'"),
])
def test_bad_arguments_exit_2_with_a_clear_message(args, needle):
    out = run(*args)
    assert out.returncode == 2
    assert needle in out.stderr
    assert "Traceback" not in out.stderr


def test_broken_data_exits_1_naming_file_entry_field(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    path = data / "muscles" / "beta.yaml"
    path.write_text(path.read_text().replace("confidence: low", "confidence: sure"))
    for args in (("list", "muscles"), ("check",)):
        out = run(*args, data=data)
        assert out.returncode == 1
        assert "data/muscles/beta.yaml: entry 'beta_tp1': field 'confidence'" in out.stderr
        assert "Traceback" not in out.stderr


def test_check_reports_missing_assets(tmp_path: Path):
    out = subprocess.run([sys.executable, "-m", "viewer", "--data", str(FIXTURE), "--assets",
                          str(tmp_path / "none"), "check"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 1
    assert "manifest.json: not found" in out.stderr and "Traceback" not in out.stderr


def test_version():
    out = run("--version")
    assert out.returncode == 0 and "Trigger Point Atlas" in out.stdout
