"""The start-up cache of the validated catalog: same catalog, re-validated on any edit."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import viewer.datafiles.load as load_module
from viewer.datafiles import DataError, load_catalog
from viewer.datafiles.cache import cache_dir, cached_catalog


@pytest.fixture
def data(tmp_path, data_min_dir) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_min_dir, target)
    return target


def _count_loads(monkeypatch) -> list[Path]:
    calls: list[Path] = []
    real = load_module.load_catalog

    def counting(data_dir):
        calls.append(Path(data_dir))
        return real(data_dir)

    monkeypatch.setattr(load_module, "load_catalog", counting)
    return calls


def test_second_start_uses_the_cache(data, tmp_path, monkeypatch):
    calls = _count_loads(monkeypatch)
    first = cached_catalog(data, tmp_path / "cache")
    second = cached_catalog(data, tmp_path / "cache")
    assert first == second == load_catalog(data)
    assert len(calls) == 1


def test_an_edited_file_is_validated_again(data, tmp_path, monkeypatch):
    calls = _count_loads(monkeypatch)
    cached_catalog(data, tmp_path / "cache")
    muscle = next((data / "muscles").glob("*.yaml"))
    muscle.write_text(muscle.read_text(encoding="utf-8").replace("version: 1", "version: one", 1), encoding="utf-8")
    with pytest.raises(DataError) as info:
        cached_catalog(data, tmp_path / "cache")
    assert muscle.name in str(info.value)
    assert len(calls) == 2


def test_a_damaged_cache_file_is_replaced(data, tmp_path, monkeypatch):
    calls = _count_loads(monkeypatch)
    folder = tmp_path / "cache"
    expected = cached_catalog(data, folder)
    (cached,) = folder.glob("catalog-*.pickle")
    cached.write_bytes(b"not a pickle")
    assert cached_catalog(data, folder) == expected
    assert len(calls) == 2
    assert cached.read_bytes() != b"not a pickle"


def test_an_unwritable_cache_folder_does_not_stop_the_app(data, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cached_catalog(data, blocker / "cache") == load_catalog(data)


def test_the_cache_folder_can_be_chosen(monkeypatch, tmp_path):
    monkeypatch.setenv("TRIGGER_ATLAS_CACHE", str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.delenv("TRIGGER_ATLAS_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if os.name == "posix" and not str(cache_dir()).startswith(str(Path.home() / "Library")):
        assert cache_dir() == tmp_path / "xdg" / "trigger-atlas"


_START_UP = """
import sys
from viewer import app
from viewer.datafiles.cache import cached_catalog, is_cached
data = sys.argv[1]
hit = is_cached(data)
app._import_before_qt(validating=not hit)
validators_before_qt = "pydantic" in sys.modules
import PySide6.QtCore
cached_catalog(data)
print(hit, validators_before_qt, "pydantic" in sys.modules)
"""


def _start_up_imports(data: Path, cache: Path) -> tuple[bool, bool, bool]:
    """Run the app's start-up import sequence in a fresh process; report (hit, before, after)."""
    import subprocess
    import sys

    env = {**os.environ, "TRIGGER_ATLAS_CACHE": str(cache)}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")])
    proc = subprocess.run([sys.executable, "-c", _START_UP, str(data)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    hit, before, after = proc.stdout.split()
    return hit == "True", before == "True", after == "True"


def test_validators_are_imported_before_qt_on_a_miss_and_not_at_all_on_a_hit(data, tmp_path):
    """PySide6's import hook must never see pydantic being imported (a start failed so in CI)."""
    cache = tmp_path / "cache"
    assert _start_up_imports(data, cache) == (False, True, True)  # miss: validated, pydantic first
    assert _start_up_imports(data, cache) == (True, False, False)  # hit: no validators at all
