"""Where the data and the built meshes live (standard library only).

The defaults are the repository's ``data/`` and ``assets/meshes/`` next to the package; the
environment variables ``TRIGGER_ATLAS_DATA`` and ``TRIGGER_ATLAS_ASSETS`` override them.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("TRIGGER_ATLAS_DATA") or ROOT / "data")


def assets_dir() -> Path:
    return Path(os.environ.get("TRIGGER_ATLAS_ASSETS") or ROOT / "assets" / "meshes")
