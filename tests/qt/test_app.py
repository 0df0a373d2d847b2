"""``viewer.app.run``: starts, shows the window, returns the exit code; bad input is one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from viewer import app as viewer_app

ROOT = Path(__file__).resolve().parents[2]


def test_software_gl_detection():
    assert viewer_app.is_software_gl("llvmpipe (LLVM 15.0.6, 256 bits)")
    assert viewer_app.is_software_gl("")
    assert not viewer_app.is_software_gl("NVIDIA GeForce RTX 3060/PCIe/SSE2")


STARTER = """
import os, sys
os.environ["QT_API"] = "pyside6"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from viewer import app as viewer_app
qt = QApplication([])

def close_all():
    titles = [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]
    print("visible:", "|".join(titles))
    for w in QApplication.topLevelWidgets():
        w.close()
    qt.quit()

QTimer.singleShot(300, close_all)
sys.exit(viewer_app.run([]))
"""


@pytest.mark.display
def test_run_starts_the_window_and_exits_cleanly(require_display, data_min_dir, synthetic_assets_dir):
    # In a child process: after QApplication.exec() returns, Qt refuses to start animations,
    # which would break every later test sharing pytest-qt's application.
    env = dict(os.environ, TRIGGER_ATLAS_DATA=str(data_min_dir), TRIGGER_ATLAS_ASSETS=str(synthetic_assets_dir))
    done = subprocess.run([sys.executable, "-c", STARTER], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "visible: Trigger Point Atlas" in done.stdout


def test_run_reports_missing_assets_in_one_line(qapp, monkeypatch, tmp_path, data_min_dir, capsys):
    monkeypatch.setenv("TRIGGER_ATLAS_DATA", str(data_min_dir))
    monkeypatch.setenv("TRIGGER_ATLAS_ASSETS", str(tmp_path / "nowhere"))
    assert viewer_app.run([]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "manifest.json" in err and "build-assets" in err
