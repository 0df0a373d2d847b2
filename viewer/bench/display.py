"""A display for the GUI probes: the one we run under, or a private Xvfb started for the bench.

On Linux without ``DISPLAY`` (or ``WAYLAND_DISPLAY``) the bench starts its own Xvfb, lets the
X server choose a free display number (``-displayfd``) and stops it afterwards, so that it
never collides with another Xvfb on the machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from typing import Iterator

XVFB_TIMEOUT_S = 20.0


class NoDisplayError(RuntimeError):
    """Neither a display nor Xvfb is available; the message says what to install."""


def has_display() -> bool:
    if sys.platform != "linux":
        return True  # Windows and macOS always have a window system
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _start_xvfb(size: tuple[int, int]) -> tuple[subprocess.Popen, str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise NoDisplayError("no display (DISPLAY is not set) and Xvfb is not installed; "
                             "install it (apt-get install xvfb) or run on a desktop")
    # The screen must hold the whole window: the panels beside the 3D view take ~670 px.
    w, h = max(2560, size[0] + 1280), max(1600, size[1] + 800)
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", f"{w}x{h}x24", "-nolisten", "tcp", "-br"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    number = _read_display_number(read_fd, proc)
    return proc, f":{number}"


def _read_display_number(read_fd: int, proc: subprocess.Popen) -> str:
    """Xvfb writes the display number and a newline to the pipe once it accepts clients."""
    import selectors

    text = b""
    with selectors.DefaultSelector() as sel, os.fdopen(read_fd, "rb", buffering=0) as pipe:
        sel.register(pipe, selectors.EVENT_READ)
        while not text.endswith(b"\n"):
            if not sel.select(timeout=XVFB_TIMEOUT_S):
                proc.kill()
                raise NoDisplayError(f"Xvfb did not start within {XVFB_TIMEOUT_S:.0f} s")
            chunk = pipe.read(64)
            if not chunk:
                raise NoDisplayError(f"Xvfb exited during start-up (code {proc.wait()})")
            text += chunk
    return text.decode().strip()


@contextmanager
def display_env(size: tuple[int, int]) -> Iterator[tuple[dict[str, str], str]]:
    """Yield (environment for the probes, description of the display)."""
    env = dict(os.environ)
    env.setdefault("QT_API", "pyside6")
    if has_display():
        yield env, env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or "native"
        return
    proc, name = _start_xvfb(size)
    env["DISPLAY"] = name
    env.pop("QT_QPA_PLATFORM", None)  # the 3D widget needs xcb, never 'offscreen'
    try:
        yield env, f"Xvfb {name} (started by the bench)"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
