"""Bare-VTK probe: the same meshes in a plain pyvista window, with no app around them.

``python -m viewer.bench.probe_bare --lod 1 --size 1280x800 --frames 60 --spawned T --assets DIR``
prints ``BENCH {"first_frame_s": ..., "frame_ms": ...}``. ``first_frame_s`` runs from ``T``,
the parent's clock just before it started this process, to the end of the first frame with
every mesh; ``--frames 0`` stops there (start-up samples).

This is the floor the app is compared with: the mesh parts of the asset library at the same
level of detail and window size, MSAA off, one actor per part, no markers, panels or overlays.
"""

from __future__ import annotations

import argparse
import time

from viewer.bench.common import emit, gl_renderer_of, machine_facts, median, now, parse_size, peak_rss_mb, percentile


def _arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m viewer.bench.probe_bare")
    p.add_argument("--lod", type=int, required=True)
    p.add_argument("--size", type=parse_size, required=True)
    p.add_argument("--frames", type=int, default=60)
    p.add_argument("--spawned", type=float, required=True)
    p.add_argument("--assets", required=True)
    return p.parse_args()


def front_orbit_start(renderer) -> None:
    """The camera both probes orbit from: in front of the body (+Y), Z up, body fitted."""
    camera = renderer.GetActiveCamera()
    camera.SetFocalPoint(0.0, 0.0, 0.0)
    camera.SetPosition(0.0, 1.0, 0.0)
    camera.SetViewUp(0.0, 0.0, 1.0)
    renderer.ResetCamera()


def main() -> None:
    a = _arguments()
    import pyvista as pv

    from viewer.geometry.meshes import MeshLibrary

    pv.global_theme.multi_samples = 0
    pv.global_theme.anti_aliasing = None
    library = MeshLibrary(a.assets, a.lod)
    plotter = pv.Plotter(window_size=a.size)
    for info in library.parts:
        mesh = library.load(info.id)
        poly = pv.PolyData.from_regular_faces(mesh.points, mesh.faces)
        poly.point_data["Normals"] = mesh.normals
        poly.point_data.active_normals_name = "Normals"
        plotter.add_mesh(poly, color="tan", smooth_shading=False, render=False, reset_camera=False)
    front_orbit_start(plotter.renderer)
    plotter.show(auto_close=False, interactive_update=True)
    plotter.ren_win.Render()
    plotter.ren_win.WaitForCompletion()
    first_frame_s = now() - a.spawned

    times = []
    camera = plotter.camera
    for _ in range(a.frames):
        t0 = time.perf_counter()
        camera.Azimuth(360.0 / a.frames)
        plotter.renderer.ResetCameraClippingRange()
        plotter.ren_win.Render()
        plotter.ren_win.WaitForCompletion()
        times.append((time.perf_counter() - t0) * 1000.0)
    result = {"first_frame_s": first_frame_s, "frames": len(times), "lod": library.lod,
              "triangles": int(sum(p.faces for p in library.parts)), "parts": len(library.parts),
              "size": list(plotter.ren_win.GetSize()), "peak_rss_mb": peak_rss_mb()}
    if times:
        result.update(frame_ms=median(times), frame_ms_p90=percentile(times, 90), frame_samples_ms=times,
                      renderer=gl_renderer_of(plotter.ren_win), machine=machine_facts())
    plotter.close()
    emit(result)


if __name__ == "__main__":
    main()
