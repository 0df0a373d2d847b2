"""The layers hold: Qt-free layers load no Qt, VTK or pyvista, and import-linter agrees."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT_FREE = ["viewer.domain.model", "viewer.domain.painfinder", "viewer.domain.search",
           "viewer.domain.listing", "viewer.datafiles", "viewer.geometry.meshes", "viewer.locations",
           "viewer.cli"]
QT_FREE += ["viewer.geometry.referral", "viewer.geometry.brush", "viewer.geometry.frame",
            "viewer.geometry.surface", "viewer.state", "viewer.controller", "viewer.controller.body",
            "viewer.export.png", "viewer.qt.explain"]
HEAVY = ("PySide6", "pyvista", "pyvistaqt", "vtk", "vtkmodules")


def _loaded_heavy(modules: list[str]) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"heavy = sorted(k for k in sys.modules if k.split('.')[0] in {HEAVY!r})\n"
        "print(json.dumps(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_qt_free_layers_load_no_qt_vtk_or_pyvista():
    assert _loaded_heavy(QT_FREE) == []


def test_domain_is_stdlib_only():
    code = ("import sys, json, viewer.domain.model, viewer.domain.painfinder, viewer.domain.search\n"
            "print(json.dumps(sorted(k for k in sys.modules if k.split('.')[0] in "
            "('numpy','yaml','pydantic','psygnal','trimesh','scipy'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_import_contracts_hold():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(lint).exists():
        pytest.fail("lint-imports is not installed (install the test extras)")
    out = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
