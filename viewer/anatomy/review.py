"""Review screenshots of the built model (off-screen pyvista): 4 views x 4 layers.

Muscles are drawn with stripes along their fibres (a shading of t), the way the app shows them,
so a reviewer can judge fibre direction as well as shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from viewer.anatomy.parts import Part

VIEWS = {"front": (0, 1, 0), "back": (0, -1, 0), "side": (1, 0, 0), "three_quarter": (0.8, 0.9, 0.1)}
LAYERS = {
    "skin": ("skin", "bone", "superficial", "intermediate", "deep"),
    "superficial": ("bone", "superficial", "intermediate", "deep"),
    "deep": ("bone", "intermediate", "deep"),
    "skeleton": ("bone",),
}
MUSCLE_RGB = {"superficial": (0.74, 0.22, 0.2), "intermediate": (0.66, 0.2, 0.22), "deep": (0.58, 0.2, 0.26)}


def _polydata(arrays: dict[str, np.ndarray]):
    import pyvista as pv

    faces = np.hstack([np.full((len(arrays["faces"]), 1), 3), arrays["faces"]]).ravel()
    return pv.PolyData(np.asarray(arrays["points"], dtype=np.float64), faces)


def _striped(part: Part, arrays: dict[str, np.ndarray]) -> np.ndarray:
    base = np.array(MUSCLE_RGB.get(part.layer, (0.7, 0.2, 0.2)))
    t = arrays["t"]
    width = float(np.linalg.norm(arrays["frame_mid"][:, -1] - arrays["frame_mid"][:, 0], axis=-1).mean())
    stripes = max(3.0, width / 0.006)
    shade = 0.82 + 0.18 * np.cos(2 * np.pi * t * stripes)
    return np.clip(base[None] * shade[:, None], 0, 1)


def write_review(assets: Path, parts: list[Part], out: Path, log: Callable[[str], None] = print,
                 lod: int = 1, size: tuple[int, int] = (640, 800)) -> list[Path]:
    import pyvista as pv

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for layer_name, shown in LAYERS.items():
        plotter = pv.Plotter(off_screen=True, window_size=list(size))
        plotter.set_background("white")
        for part in parts:
            if part.layer not in shown or lod not in part.lods:
                continue
            arrays = part.lods[lod]
            mesh = _polydata(arrays)
            if part.kind == "skin":
                plotter.add_mesh(mesh, color=(0.93, 0.78, 0.68), opacity=1.0, smooth_shading=True)
            elif part.kind == "bone":
                plotter.add_mesh(mesh, color=(0.92, 0.9, 0.82), smooth_shading=True)
            else:
                mesh.point_data["rgb"] = (_striped(part, arrays) * 255).astype(np.uint8)
                plotter.add_mesh(mesh, scalars="rgb", rgb=True, smooth_shading=True)
        for view, direction in VIEWS.items():
            d = np.asarray(direction, dtype=float)
            d /= np.linalg.norm(d)
            focus = np.array([0.0, 0.0, 0.9])
            plotter.camera_position = [tuple(focus + 4.5 * d), tuple(focus), (0, 0, 1)]
            plotter.camera.view_angle = 26
            plotter.render()
            path = out / f"{layer_name}_{view}.png"
            plotter.screenshot(str(path))
            written.append(path)
        plotter.close()
    log(f"  review: {len(written)} screenshots in {out}")
    return written


def parts_from_assets(assets: Path, lod: int = 1) -> list[Part]:
    """Read built parts back (to re-shoot the review without rebuilding)."""
    import json

    manifest = json.loads((Path(assets) / "manifest.json").read_text(encoding="utf-8"))
    parts = []
    for raw in manifest["lods"][str(lod)]["parts"]:
        with np.load(Path(assets) / raw["file"]) as npz:
            arrays = {k: npz[k] for k in npz.files}
        parts.append(Part(raw["id"], raw["kind"], raw.get("anatomy", ""), raw["side"], raw["layer"],
                          raw["label"], raw.get("muscle", ""), {lod: arrays}))
    return parts
