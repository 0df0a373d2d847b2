"""Small helpers shared by the widgets."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from PySide6.QtCore import QObject


@contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    """Reflect state into widgets without their signals calling the controller back."""
    previous = [o.blockSignals(True) for o in objects]
    try:
        yield
    finally:
        for obj, was in zip(objects, previous):
            obj.blockSignals(was)
