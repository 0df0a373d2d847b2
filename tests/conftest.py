"""Shared fixtures: the tiny data set, a synthetic mesh asset set, and the app's model objects.

Qt and VTK are imported only by the tests that need them (see tests/scene and tests/qt).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_API", "pyside6")  # pyvistaqt's qtpy must use the same binding as pytest-qt


@pytest.fixture(scope="session", autouse=True)
def _private_catalog_cache(tmp_path_factory):
    """The app's catalog cache goes to a folder of this test run, not the user's cache."""
    os.environ["TRIGGER_ATLAS_CACHE"] = str(tmp_path_factory.mktemp("catalog-cache"))

FIXTURES = Path(__file__).parent / "fixtures"


def _load_module(path: Path):
    """Import a helper module of the test tree by path (the test folders are not packages)."""
    spec = importlib.util.spec_from_file_location(f"_tests_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def data_min_dir() -> Path:
    return FIXTURES / "data_min"


@pytest.fixture(scope="session")
def catalog_min(data_min_dir):
    from viewer.datafiles import load_catalog

    return load_catalog(data_min_dir)


@pytest.fixture(scope="session")
def synthetic_assets_dir(tmp_path_factory) -> Path:
    return _load_module(Path(__file__).parent / "synthetic_assets.py").write_assets(tmp_path_factory.mktemp("assets") / "meshes")


@pytest.fixture(scope="session")
def synthetic_library(synthetic_assets_dir):
    from viewer.geometry.meshes import MeshLibrary

    return MeshLibrary(synthetic_assets_dir, 1)


@pytest.fixture
def body(catalog_min, synthetic_library):
    """A fresh Body (its drawing is per test) over the shared, read-only library."""
    from viewer.controller.body import Body

    return Body(catalog_min, synthetic_library)


@pytest.fixture(autouse=True)
def _no_gc_inside_qt_and_vtk(request):
    """Collect garbage between GUI/VTK tests, never while Qt dispatches events to them.

    CPython's cyclic GC can free a widget or VTK object in the middle of Qt's event
    processing and crash the process (see the project's tech-pitfalls notes, P2.6); the
    suite collects explicitly in teardown instead.
    """
    import gc

    folder = Path(str(request.node.fspath)).parent.name
    if folder not in ("qt", "scene", "bench"):
        yield
        return
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()
