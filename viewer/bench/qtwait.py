"""Waiting inside a running Qt application without sleeping: for a frame, a condition, a time.

Frames are counted on the 3D view's ``QOpenGLWidget.frameSwapped`` signal (emitted when the
composed window has been handed to the window system), so "the frame that shows X" is the
first swap after X was put into the scene.
"""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication


class FrameClock:
    """Counts swapped frames of a widget and VTK renders of its render window."""

    def __init__(self, widget, render_window) -> None:
        self.swaps = 0
        self.renders = 0
        self.last_swap = 0.0  # time.time() of the latest swap
        widget.frameSwapped.connect(self._on_swap)
        self._tag = render_window.AddObserver("EndEvent", self._on_render)
        self._render_window = render_window
        self.on_swap: Callable[[], None] | None = None

    def _on_swap(self) -> None:
        self.swaps += 1
        self.last_swap = time.time()
        if self.on_swap is not None:
            self.on_swap()

    def _on_render(self, *_: object) -> None:
        self.renders += 1

    def detach(self) -> None:
        self._render_window.RemoveObserver(self._tag)


class Waiter:
    """Runs the event loop until a condition holds, with a timeout (never busy-spins)."""

    def __init__(self) -> None:
        self.app = QApplication.instance()
        # A heartbeat so that WaitForMoreEvents returns to check the condition and the deadline.
        self._heartbeat = QTimer()
        self._heartbeat.setInterval(50)

    def until(self, done: Callable[[], bool], timeout_s: float) -> bool:
        deadline = time.perf_counter() + timeout_s
        self._heartbeat.start()
        try:
            while not done():
                if time.perf_counter() > deadline:
                    return False
                self.app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            return True
        finally:
            self._heartbeat.stop()

    def frame(self, clock: FrameClock, timeout_s: float = 10.0) -> bool:
        """Until the next swapped frame."""
        target = clock.swaps + 1
        return self.until(lambda: clock.swaps >= target, timeout_s)

    @staticmethod
    def idle(seconds: float) -> None:
        """Run the plain event loop for ``seconds`` (no heartbeat: nothing of ours wakes it)."""
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()
