"""The measurements taken inside the running app (see :mod:`viewer.bench.probe_app`).

Each function drives the real window the way a user would (camera moves, mouse clicks,
brush dabs, searches) and returns plain numbers. Frames are waited for, never slept for.
"""

from __future__ import annotations

import time

from viewer.bench.common import median, percentile
from viewer.bench.probe_bare import front_orbit_start
from viewer.bench.qtwait import FrameClock, Waiter

# Typical search input, including a typo and a symptom, as a clinician types it.
QUERIES = ("trapezius", "trapezuis", "headache", "shoulder pain", "jaw", "sciatica", "infraspinatus", "calf")
MARKER_MARGIN_PX = 24
VIEWS = ("front", "back", "left", "right")


def background_work(waiter: Waiter, before: set, timeout_s: float = 180.0) -> dict:
    """Wait for the Python threads the app started (e.g. warming up the skin fields) to end.

    Frames and clicks are then measured in the steady state, the same way every run; how
    long the app kept working after its first frame is reported as ``background_s``.
    """
    import threading

    t0 = time.perf_counter()
    # Thread objects, not idents: an ident is reused once its thread ended (e.g. our watchdog's).
    started = [t for t in threading.enumerate() if t not in before and t is not threading.current_thread()]
    done = waiter.until(lambda: not any(t.is_alive() for t in started), timeout_s)
    return {"background_threads": [t.name for t in started],
            "background_s": time.perf_counter() - t0 if started else 0.0, "background_finished": done}


def settle(window, waiter: Waiter, timeout_s: float = 5.0) -> None:
    """Let a camera animation finish and the last requested paint happen."""
    waiter.until(lambda: not window.animator.running, timeout_s)
    waiter.until(lambda: False, 0.3)  # drain queued paints and timers


def orbit(window, clock: FrameClock, waiter: Waiter, frames: int) -> dict:
    """Turn the camera in ``frames`` azimuth steps, one requested paint per step.

    A step is timed from the camera change to the swapped frame, GL finished. The same
    steps are then rendered by VTK alone (``render_only_ms``: the app's scene without Qt's
    paint and window composition), which tells where a slow frame loses its time.
    """
    plotter = window.plotter
    settle(window, waiter)
    front_orbit_start(plotter.renderer)
    plotter.interactor.update()
    waiter.frame(clock)
    times: list[float] = []
    renders0, camera = clock.renders, plotter.camera
    for _ in range(frames):
        t0 = time.perf_counter()
        camera.Azimuth(360.0 / frames)
        plotter.renderer.ResetCameraClippingRange()
        plotter.interactor.update()
        if not waiter.frame(clock):
            raise RuntimeError("orbit: no frame within 10 s of a camera move")
        plotter.ren_win.WaitForCompletion()
        times.append((time.perf_counter() - t0) * 1000.0)
    renders = clock.renders - renders0
    alone: list[float] = []
    for _ in range(frames):
        t0 = time.perf_counter()
        camera.Azimuth(360.0 / frames)
        plotter.renderer.ResetCameraClippingRange()
        plotter.ren_win.Render()
        plotter.ren_win.WaitForCompletion()
        alone.append((time.perf_counter() - t0) * 1000.0)
    settle(window, waiter)  # the paint that VTK's frame events scheduled
    return {"frame_ms": median(times), "frame_ms_p90": percentile(times, 90), "frames": len(times),
            "renders_per_frame": renders / max(1, frames), "render_only_ms": median(alone),
            "frame_samples_ms": times}


def see_through_orbit(window, clock: FrameClock, waiter: Waiter, frames: int) -> dict:
    """:func:`orbit` with the see-through skin, where every muscle and bone is drawn too.

    The default view draws the opaque skin alone (what lies under it is not drawn), so this
    is the app's heaviest common view and the like-for-like comparison with the bare probe,
    which draws every mesh.
    """
    controller = window.controller
    before = controller.state.skin
    controller.set_skin("translucent")
    try:
        measured = orbit(window, clock, waiter, frames)
    finally:
        controller.set_skin(before)
        settle(window, waiter)
    return {"see_through_frame_ms": measured["frame_ms"], "see_through_frame_ms_p90": measured["frame_ms_p90"]}


def drag_orbit(window, clock: FrameClock, waiter: Waiter, frames: int, step_px: int = 4) -> dict:
    """Turn the body with a real left-button drag: one mouse move per frame, as a user does.

    Unlike :func:`orbit` this goes through the interactor style, so it shows what a drag
    really costs (e.g. a style that renders synchronously on every move, then the paint again).
    """
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    widget = window.plotter
    _show(window, waiter, clock)
    x, y = widget.width() // 2 - frames * step_px // 2, widget.height() // 2
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(widget, left, none, QPoint(x, y))
    times: list[float] = []
    renders0 = clock.renders
    for i in range(1, frames + 1):
        t0 = time.perf_counter()
        QTest.mouseMove(widget, QPoint(x + i * step_px, y))
        if not waiter.frame(clock):
            raise RuntimeError("drag: no frame within 10 s of a mouse move")
        widget.ren_win.WaitForCompletion()
        times.append((time.perf_counter() - t0) * 1000.0)
    renders = clock.renders - renders0
    QTest.mouseRelease(widget, left, none, QPoint(x + frames * step_px, y))
    settle(window, waiter)
    return {"drag_frame_ms": median(times), "drag_frame_ms_p90": percentile(times, 90),
            "drag_renders_per_frame": renders / max(1, frames)}


def _show(window, waiter: Waiter, clock: FrameClock, view: str = "front") -> None:
    """No selection, a standard view, everything painted."""
    settle(window, waiter)
    window.controller.clear_selection()
    window.scene.set_camera(window.scene.preset_pose(view))
    waiter.frame(clock)
    settle(window, waiter)


def clickable_markers(window, wanted: int) -> list[tuple[object, float, float]]:
    """Up to ``wanted`` markers visible from the current camera: (key, x, y) display pixels.

    A marker counts only if the app's own picker finds it at its projected centre, so the
    synthetic click hits exactly what a user's click would.
    """
    from viewer.scene.picking import display_position

    scene = window.scene
    keys, points = scene.markers.visible_points()
    if not keys:
        return []
    xy, _ = display_position(scene.plotter.renderer, points)
    w, h = scene.plotter.ren_win.GetSize()
    found = []
    for key, (x, y) in zip(keys, xy):
        if not (MARKER_MARGIN_PX <= x <= w - MARKER_MARGIN_PX and MARKER_MARGIN_PX <= y <= h - MARKER_MARGIN_PX):
            continue
        if scene.picker.pick_at(float(x), float(y)).marker == key:
            found.append((key, float(x), float(y)))
    step = max(1, len(found) // max(1, wanted))
    return found[::step][:wanted]


def _click(widget, x: float, y: float) -> None:
    """A real press and release at display pixel (x, y), through Qt's event delivery."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    dpr = widget.devicePixelRatioF()
    pos = QPoint(round(x / dpr), round(widget.height() - 1 - y / dpr))
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def click_targets(window, clock: FrameClock, waiter: Waiter, wanted: int) -> list[tuple[str, object, float, float]]:
    """(view, marker, x, y) for up to ``wanted`` markers, each from a standard view showing it."""
    found: list[tuple[str, object, float, float]] = []
    for view in VIEWS:
        _show(window, waiter, clock, view)
        seen = {t[1] for t in found}
        found += [(view, key, x, y) for key, x, y in clickable_markers(window, wanted) if key not in seen]
        if len(found) >= wanted:
            break
    return found[:wanted]


def select_to_overlay(window, clock: FrameClock, waiter: Waiter, clicks: int) -> dict:
    """Click markers; time each click to the frame that shows its referral zone."""
    targets = click_targets(window, clock, waiter, clicks)
    if not targets:
        raise RuntimeError("select: no trigger-point marker is visible and pickable from any standard view")
    totals, handled, missed = [], [], 0
    for view, key, x, y in targets:
        _show(window, waiter, clock, view)
        swaps0 = clock.swaps
        t0 = time.perf_counter()
        _click(window.plotter, x, y)
        t_handled = time.perf_counter()
        state, overlay = window.controller.state, window.scene.overlay
        if state.selection != key or clock.swaps != swaps0:
            missed += 1
            continue
        if not waiter.frame(clock):
            raise RuntimeError(f"select: no frame within 10 s of clicking {key.tp}")
        window.plotter.ren_win.WaitForCompletion()
        t_frame = time.perf_counter()
        if not (overlay.essential.any() or overlay.spillover.any()):
            raise RuntimeError(f"select: the overlay of {key.tp} ({key.side}) is empty on the skin")
        totals.append((t_frame - t0) * 1000.0)
        handled.append((t_handled - t0) * 1000.0)
    if not totals:
        raise RuntimeError(f"select: none of {len(targets)} synthetic clicks selected its marker")
    settle(window, waiter)
    return {"select_to_overlay_ms": median(totals), "select_to_overlay_first_ms": totals[0],
            "select_to_overlay_max_ms": max(totals), "select_handler_ms": median(handled),
            "clicks": len(totals), "clicks_missed": missed}


def _timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def pain_drawings(catalog, count: int = 10) -> list[dict]:
    """Typical drawings: the essential zone of ``count`` trigger points spread over the catalog,
    painted on the right side, with their spillover regions half covered."""
    tps = catalog.trigger_points
    step = max(1, len(tps) // count)
    drawings = []
    for tp in tps[::step][:count]:
        drawing = {(r, "right"): 0.5 for r in tp.referral.spillover.regions}
        drawing.update({(r, "right"): 1.0 for r in tp.referral.essential.regions})
        drawings.append(drawing)
    return drawings


def lookup_and_search(window, repeats: int = 10) -> dict:
    """The pain finder over every trigger point, one search query, one brush dab.

    ``lookup_ms``: one :func:`rank` call (every trigger point scored) for a typical drawing,
    median over :func:`pain_drawings`; ``lookup_worst_ms``: every region painted on both
    sides. ``search_ms``: one query, median over typical queries. ``paint_to_candidates_ms``:
    one brush dab in the app, from the skin vertex to the ranked candidates and the overlay.
    """
    from viewer.domain.painfinder import rank

    controller = window.controller
    catalog = controller.catalog
    everything = {(r.id, side): 1.0 for r in catalog.regions for side in ("left", "right")}
    rank(catalog, everything)  # first call outside the timing: lazy imports, caches
    lookup: list[float] = []
    for drawing in pain_drawings(catalog):
        lookup += _timed(lambda d=drawing: rank(catalog, d, top=15), repeats)
    worst = _timed(lambda: rank(catalog, everything, top=15), repeats)
    search: list[float] = []
    for query in QUERIES:
        controller.search(query)
        search += _timed(lambda q=query: controller.search(q), 3)
    markers = controller.body.markers
    # A dab where a trigger point lies under the skin, so that there are candidates to rank.
    vertex = next(iter(markers.values())).skin_vertex if markers else 0
    paint = _timed(lambda: controller.paint_pain(vertex), 5)
    controller.clear_pain()
    return {"lookup_ms": median(lookup), "lookup_worst_ms": median(worst), "search_ms": median(search),
            "search_max_ms": max(search), "lookup_trigger_points": len(catalog.trigger_points),
            "paint_to_candidates_ms": median(paint), "paint_first_ms": paint[0]}


def idle_cpu(window, clock: FrameClock, waiter: Waiter, seconds: float) -> dict:
    """CPU used by the whole process (all threads) while the window sits there untouched."""
    _show(window, waiter, clock)
    renders0, swaps0 = clock.renders, clock.swaps
    cpu0, wall0 = time.process_time(), time.perf_counter()
    waiter.idle(seconds)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {"idle_cpu_percent": 100.0 * cpu / wall, "idle_seconds": wall,
            "idle_renders": clock.renders - renders0, "idle_frames": clock.swaps - swaps0}
