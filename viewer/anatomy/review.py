"""Review screenshots of the built model (off-screen pyvista) for an anatomy teacher's check.

Whole-body views of four layers (skin, superficial, deep, skeleton), close-ups of the
superficial layer by body area, and an ecorche view (translucent skin over the muscles, as the
app shows it). Muscles are coloured from their per-vertex ``tone`` (striation along the fibres,
pale tendon; viewer/anatomy/shading.py) through the same palette function the app uses, so the
review and the app show the same pattern; neighbouring muscles differ slightly in hue so their
borders read. Each picture is captioned with what it shows.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from viewer.anatomy.parts import Part
from viewer.geometry.meshes import TONE, fibre_uv, groove_image, tone_palette

SIZE = (1000, 1250)
LAYERS = {
    "skin": ("skin", "bone", "superficial", "intermediate", "deep"),
    "superficial": ("bone", "superficial", "intermediate", "deep"),
    "deep": ("bone", "intermediate", "deep"),
    "skeleton": ("bone",),
    "ecorche": ("skin", "bone", "superficial", "intermediate", "deep"),
}
MUSCLE_RGB = {"superficial": (0.74, 0.22, 0.2), "intermediate": (0.66, 0.2, 0.22), "deep": (0.58, 0.2, 0.26)}
SKIN_RGB, BONE_RGB = (0.93, 0.78, 0.68), (0.93, 0.9, 0.82)
# Tendon colour and band depths of the app (viewer/scene/theme.py MUSCLE_TENDON, MUSCLE_STRIATION,
# TENDON_STRIATION; the build may not import the scene, a test keeps the two equal).
TENDON_RGB = (0xDC / 255, 0xD8 / 255, 0xC7 / 255)
STRIATION, TENDON_STRIATION = 0.24, 0.06
FIBRE_PERIOD_M, FIBRE_GROOVE = 0.0045, 0.74  # the app's fibre-groove texture (theme.py)
ECORCHE_SKIN_OPACITY = 0.4  # drawn after the opaque parts; no depth peeling (off-screen Mesa drops it)


@dataclass(frozen=True)
class View:
    name: str
    caption: str
    focus: tuple[float, float, float]      # fractions of stature (x: subject's right)
    direction: tuple[float, float, float]  # from the focus towards the camera
    span: float                            # visible height, fraction of stature


WHOLE = (
    View("front", "front", (0.0, 0.0, 0.51), (0, 1, 0), 1.12),
    View("back", "back", (0.0, 0.0, 0.51), (0, -1, 0), 1.12),
    View("side", "right side", (0.0, 0.0, 0.51), (1, 0, 0), 1.12),
    View("three_quarter", "right front three-quarter", (0.0, 0.0, 0.51), (0.8, 0.9, 0.1), 1.12),
)
CLOSE_UPS = (
    View("torso_back", "torso, back", (0.0, -0.03, 0.72), (0, -1, 0.08), 0.42),
    View("torso_front", "torso, front", (0.0, 0.05, 0.72), (0, 1, 0.08), 0.42),
    View("shoulder_three_quarter", "right shoulder and arm, three-quarter", (0.12, 0.03, 0.78), (0.75, 0.55, 0.2), 0.25),
    View("hip_thigh_back", "right hip and thigh, back", (0.06, -0.02, 0.45), (0.25, -1, 0.05), 0.36),
    View("leg_front", "right lower limb, front", (0.08, 0.02, 0.28), (0.25, 1, 0.05), 0.56),
    View("head_neck_three_quarter", "head and neck, right three-quarter", (0.015, 0.02, 0.895), (0.8, 0.75, 0.1), 0.24),
)
# (layer, level of detail, views): whole-body views at LOD1 (what the app shows first, and
# twice as fast to render), close-ups at LOD0 so their shapes are judged at full resolution.
SHOTS = (
    ("skin", 1, WHOLE), ("superficial", 1, WHOLE), ("superficial", 0, CLOSE_UPS), ("deep", 1, WHOLE),
    ("skeleton", 1, WHOLE), ("ecorche", 1, (WHOLE[0], WHOLE[3])),
)
VIEW_ANGLE = 24.0


def _base_colour(part: Part) -> np.ndarray:
    """Layer colour, varied a little per muscle (stable: from the name) so borders read."""
    base = np.array(MUSCLE_RGB.get(part.layer, (0.7, 0.2, 0.2)))
    h = zlib.crc32(part.anatomy.encode("utf-8"))
    jitter = np.array([(h & 0xFF) / 255.0, ((h >> 8) & 0xFF) / 255.0, ((h >> 16) & 0xFF) / 255.0]) - 0.5
    return np.clip(base + jitter * np.array([0.16, 0.1, 0.08]), 0, 1)


def _striped(part: Part, arrays: dict[str, np.ndarray]) -> np.ndarray:
    """Per-vertex colour: from the stored ``tone`` through the app's palette (with this part's
    hue); a part built without it gets stripes of constant t about 6 mm wide."""
    base = _base_colour(part)
    if TONE in arrays:
        return tone_palette(base, np.asarray(TENDON_RGB), STRIATION, TENDON_STRIATION)[arrays[TONE]]
    t = arrays["t"]
    width = float(np.linalg.norm(arrays["frame_mid"][:, -1] - arrays["frame_mid"][:, 0], axis=-1).mean())
    stripes = max(3.0, width / 0.006)
    shade = 0.8 + 0.2 * np.cos(2 * np.pi * t * stripes)
    return np.clip(base[None] * shade[:, None], 0, 1)


def _merged(items: list[tuple[dict[str, np.ndarray], np.ndarray]]):
    """One polydata of many meshes with per-vertex RGB (one actor renders much faster than 200)
    and, when every item is a toned muscle, the app's fibre-groove texture coordinates."""
    import pyvista as pv

    points, faces, colours, uv, offset = [], [], [], [], 0
    for arrays, rgb in items:
        points.append(np.asarray(arrays["points"], dtype=np.float64))
        faces.append(np.hstack([np.full((len(arrays["faces"]), 1), 3), arrays["faces"] + offset]))
        colours.append(np.broadcast_to(rgb, (len(points[-1]), 3)))
        if TONE in arrays:
            uv.append(fibre_uv(arrays["t"], arrays["s"], arrays["frame_mid"], FIBRE_PERIOD_M))
        offset += len(points[-1])
    mesh = pv.PolyData(np.concatenate(points), np.concatenate(faces).ravel())
    mesh.point_data["rgb"] = (np.concatenate(colours) * 255).astype(np.uint8)
    if uv and len(uv) == len(items):
        mesh.active_texture_coordinates = np.concatenate(uv)
    return mesh


def _fibre_texture():
    import pyvista as pv

    texture = pv.Texture(groove_image(FIBRE_GROOVE))
    # Not mipmapped, as in the app (viewer/scene/parts.py): on llvmpipe one nearly edge-on
    # triangle of a hidden muscle made a mipmapped frame take 12.6 s instead of 0.26 s (measured
    # on tibialis posterior at the skin front view), a minute per build across the review shots.
    texture.repeat, texture.interpolate, texture.mipmap = True, True, False
    return texture


def _plotter(parts: list[Part], layer: str, lod: int, size: tuple[int, int]):
    """A plotter with the layer's parts merged into one actor per kind (skin, bone, muscle)."""
    import pyvista as pv

    plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting="three lights")
    plotter.set_background("white")
    shown = LAYERS[layer]
    groups: dict[str, list] = {"skin": [], "bone": [], "muscle": []}
    for part in parts:
        arrays = part.lods.get(lod) or next(iter(part.lods.values()), None)
        if part.layer not in shown or arrays is None:
            continue
        if part.kind == "muscle":
            groups["muscle"].append((arrays, _striped(part, arrays)))
        else:
            groups[part.kind].append((arrays, np.array(SKIN_RGB if part.kind == "skin" else BONE_RGB)))
    look = {"skin": {"specular": 0.15}, "bone": {"specular": 0.2, "specular_power": 20},
            "muscle": {"specular": 0.25, "specular_power": 18}}
    for kind, items in groups.items():
        if items:
            opacity = ECORCHE_SKIN_OPACITY if kind == "skin" and layer == "ecorche" else 1.0
            mesh = _merged(items)
            texture = _fibre_texture() if mesh.active_texture_coordinates is not None else None
            plotter.add_mesh(mesh, scalars="rgb", rgb=True, smooth_shading=True, opacity=opacity,
                             texture=texture, **look[kind])
    return plotter


def _aim(plotter, view: View, stature: float) -> None:
    d = np.asarray(view.direction, dtype=float)
    d /= np.linalg.norm(d)
    focus = np.asarray(view.focus) * stature
    distance = view.span * stature / 2 / np.tan(np.radians(VIEW_ANGLE / 2))
    plotter.camera_position = [tuple(focus + distance * d), tuple(focus), (0, 0, 1)]
    plotter.camera.view_angle = VIEW_ANGLE
    plotter.camera.clipping_range = (max(distance - 1.5, 0.05), distance + 1.5)


def write_review(assets: Path, parts: list[Part], out: Path, log: Callable[[str], None] = print,
                 size: tuple[int, int] = SIZE) -> list[Path]:
    """Shoot every layer's views into ``out`` (PNG); returns the paths written. A part without
    the level of detail a shot asks for is drawn at the level it has."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    stature = max(float(np.asarray(a["points"])[:, 2].max()) for p in parts for a in p.lods.values())
    written = []
    for layer, lod, views in SHOTS:
        plotter = _plotter(parts, layer, lod, size)  # one plotter per layer: meshes set up once
        caption = plotter.add_text("", position="upper_left", font_size=11, color="black")
        for view in views:
            caption.set_text("upper_left", f"{layer} layer - {view.caption}" if layer != "ecorche"
                             else f"ecorche (skin translucent over the muscles) - {view.caption}")
            _aim(plotter, view, stature)
            plotter.render()
            path = out / f"{layer}_{view.name}.png"
            plotter.screenshot(str(path))
            written.append(path)
        plotter.close()
    log(f"  review: {len(written)} screenshots in {out} ({time.perf_counter() - started:.1f} s)")
    return written


def parts_from_assets(assets: Path, lods: tuple[int, ...] = (0, 1)) -> list[Part]:
    """Read built parts back, every level of detail asked for (to re-shoot without rebuilding)."""
    import json

    manifest = json.loads((Path(assets) / "manifest.json").read_text(encoding="utf-8"))
    parts: dict[str, Part] = {}
    for lod in lods:
        for raw in manifest["lods"][str(lod)]["parts"]:
            with np.load(Path(assets) / raw["file"]) as npz:
                arrays = {k: npz[k] for k in npz.files}
            part = parts.setdefault(raw["id"], Part(raw["id"], raw["kind"], raw.get("anatomy", ""), raw["side"],
                                                    raw["layer"], raw["label"], raw.get("muscle", "")))
            part.lods[lod] = arrays
    return list(parts.values())
