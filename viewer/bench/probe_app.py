"""App probe: the real start-up path, then frame time, selection, search and idle CPU.

``python -m viewer.bench.probe_app --spawned T --size 1280x800 [--lod N] [--frames 60]
[--clicks 5] [--idle-s 3] [--startup-only] [--data DIR] [--assets DIR]`` prints one
``BENCH {json}`` line.

The app starts exactly as ``python -m viewer`` does, through ``viewer.app.run``: the probe only
wraps ``viewer.app.create_main_window`` to get hold of the window, size its 3D
view and count its frames. ``time_to_interactive_s`` runs from ``T`` (the parent's clock just
before it started this process) to the first swapped frame with every mesh part in the scene.
The measurements then run inside the app's own event loop, and the window is closed.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import traceback

from viewer.bench.common import emit, now, parse_size

START = now()  # this module is imported right after the interpreter started
FIRST_FRAME_TIMEOUT_S = 120


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m viewer.bench.probe_app")
    p.add_argument("--spawned", type=float, required=True)
    p.add_argument("--size", type=parse_size, required=True)
    p.add_argument("--lod", type=int, choices=(0, 1))
    p.add_argument("--frames", type=int, default=60)
    p.add_argument("--clicks", type=int, default=5)
    p.add_argument("--idle-s", type=float, default=3.0)
    p.add_argument("--startup-only", action="store_true")
    p.add_argument("--startup-frames", type=int, default=0,
                   help="with --startup-only: also orbit this many frames (frame samples)")
    p.add_argument("--data")
    p.add_argument("--assets")
    return p.parse_args(argv)


def fit_view(window, size: tuple[int, int]) -> None:
    """Resize the window (before it is shown) so that its 3D view is exactly ``size``."""
    w, h = size
    for _ in range(3):  # dock widths can change once with the window size
        window.layout().activate()
        view = window.centralWidget().size()
        if (view.width(), view.height()) == (w, h):
            return
        window.resize(window.width() + w - view.width(), window.height() + h - view.height())


class AppProbe:
    """Holds the window once the app has built it, and runs the measurements."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.result: dict = {"probe_started_s": START - args.spawned}
        self.window = None
        self.clock = None
        self.waiter = None
        self.error: str | None = None
        self.threads_before = set(threading.enumerate())
        self.watchdog: threading.Timer | None = None

    def install(self) -> None:
        import viewer.app

        original = viewer.app.create_main_window

        def create_main_window(catalog, library, **kwargs):
            t0 = now()
            window = original(catalog, library, **kwargs)
            self.result.update(create_window_s=now() - t0, before_window_s=t0 - self.args.spawned,
                               lod=library.lod, software_gl=bool(kwargs.get("software_gl", True)))
            self._attach(window)
            return window

        viewer.app.create_main_window = create_main_window

    def _attach(self, window) -> None:
        from PySide6.QtCore import QTimer

        from viewer.bench.qtwait import FrameClock, Waiter

        self.window = window
        if self.watchdog is not None:
            self.watchdog.cancel()
        fit_view(window, self.args.size)
        self.clock = FrameClock(window.plotter, window.plotter.ren_win)
        self.clock.on_swap = self._on_swap
        self.waiter = Waiter()
        QTimer.singleShot(FIRST_FRAME_TIMEOUT_S * 1000, self._no_first_frame)

    def _all_parts_in_scene(self) -> bool:
        renderer = self.window.plotter.renderer
        return all(renderer.HasViewProp(p.actor) for p in self.window.scene.parts.values())

    def _on_swap(self) -> None:
        from PySide6.QtCore import QTimer

        if not self._all_parts_in_scene():
            return
        self.clock.on_swap = None
        plotter = self.window.plotter
        self.result.update(time_to_interactive_s=self.clock.last_swap - self.args.spawned,
                           first_frame_size=list(plotter.ren_win.GetSize()),
                           startup_renders=self.clock.renders, startup_frames=self.clock.swaps)
        QTimer.singleShot(0, self._measure)

    def _no_first_frame(self) -> None:
        if "time_to_interactive_s" not in self.result:
            self.error = f"no frame with every mesh within {FIRST_FRAME_TIMEOUT_S} s of start"
            self._finish()

    def _measure(self) -> None:
        from viewer.bench import app_measures as m

        try:
            self._check_size()
            self._describe()
            if self.args.startup_only and self.args.startup_frames > 0:
                # as in the full probe: orbit once the start-up's background work is done
                m.background_work(self.waiter, self.threads_before)
                self.result.update(m.orbit(self.window, self.clock, self.waiter, self.args.startup_frames))
            if not self.args.startup_only:
                w, clock, waiter = self.window, self.clock, self.waiter
                self.result.update(m.background_work(waiter, self.threads_before))
                self.result.update(m.orbit(w, clock, waiter, self.args.frames))
                self.result.update(m.see_through_orbit(w, clock, waiter, self.args.frames))
                self.result.update(m.drag_orbit(w, clock, waiter, self.args.frames))
                self.result.update(m.select_to_overlay(w, clock, waiter, self.args.clicks))
                self.result.update(m.lookup_and_search(w))
                self.result.update(m.idle_cpu(w, clock, waiter, self.args.idle_s))
        except Exception:  # noqa: BLE001 - reported to the parent in the result line
            self.error = traceback.format_exc(limit=4)
        self._finish()

    def _check_size(self) -> None:
        """Some window managers resize on show: fit the 3D view again, now that it is shown."""
        want = tuple(self.args.size)
        if tuple(self.window.plotter.ren_win.GetSize()) == want:
            return
        fit_view(self.window, want)
        self.waiter.frame(self.clock)
        got = tuple(self.window.plotter.ren_win.GetSize())
        if got != want:
            raise RuntimeError(f"the 3D view is {got[0]}x{got[1]}, not the requested {want[0]}x{want[1]} "
                               "(is the screen large enough?)")

    def _describe(self) -> None:
        from viewer.bench.common import gl_renderer_of, machine_facts

        plotter, scene = self.window.plotter, self.window.scene
        library = scene.body.library
        self.result.update(renderer=gl_renderer_of(plotter.ren_win), machine=machine_facts(),
                           size=list(plotter.ren_win.GetSize()), parts=len(scene.parts),
                           triangles=int(sum(p.faces for p in library.parts)),
                           markers=len(scene.markers.keys), actors=plotter.renderer.GetActors().GetNumberOfItems(),
                           multi_samples=plotter.ren_win.GetMultiSamples())

    def _finish(self) -> None:
        from PySide6.QtWidgets import QApplication

        from viewer.bench.common import peak_rss_mb

        self.result["peak_rss_mb"] = peak_rss_mb()
        if self.window is not None:
            self.window.close()
        QApplication.instance().quit()


def _never_built(probe: AppProbe) -> None:
    """If the app never called create_main_window (its start-up changed), fail loudly."""
    if probe.window is None:
        emit({**probe.result, "error": f"viewer.app.run built no window within {FIRST_FRAME_TIMEOUT_S} s "
                                       "(does it still call viewer.app.create_main_window?)"})
        os._exit(1)  # the Qt event loop belongs to the main thread; nothing else can stop it from here


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    # The app reads its folders from these (as a user would set them); the CLI flags
    # --data/--assets are not used by the GUI start-up path.
    if args.data:
        os.environ["TRIGGER_ATLAS_DATA"] = args.data
    if args.assets:
        os.environ["TRIGGER_ATLAS_ASSETS"] = args.assets
    probe = AppProbe(args)
    probe.install()
    probe.watchdog = threading.Timer(FIRST_FRAME_TIMEOUT_S, _never_built, args=(probe,))
    probe.watchdog.daemon = True
    probe.watchdog.start()
    probe.threads_before.add(probe.watchdog)  # ours, not the app's background work
    import viewer.app

    code = viewer.app.run([], lod=args.lod)
    if probe.window is None and probe.error is None:
        probe.error = f"the app exited with code {code} before its window was built"
    if probe.error:
        probe.result["error"] = probe.error
    emit(probe.result)
    return 0 if probe.error is None else 1


if __name__ == "__main__":
    sys.exit(main())
