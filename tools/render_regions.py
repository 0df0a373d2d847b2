"""Review renders of the skin region atlas (run by hand; needs pyvista, off-screen GL).

    python tools/render_regions.py [real|synthetic] [OUT] [--labels] [--zoom]

Labels the skin with viewer.anatomy.regions.label_skin and writes front/back/left/right
(800x1000) or close-ups (--zoom) with one categorical colour per region; --labels writes the
region id at a vertex of each patch that faces the camera.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyvista as pv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "anatomy"))
from test_regions import posed_landmarks, real_skin, region_ids, synthetic_skin  # noqa: E402

from viewer.anatomy.regions import label_skin  # noqa: E402

VIEWS = {"front": (0, 1, 0), "back": (0, -1, 0), "right": (1, 0, 0), "left": (-1, 0, 0)}
ZOOMS = {"hand_front": ("metacarpal3_head_r", (0.3, 1, 0)),
         "hand_back": ("metacarpal3_head_r", (0.3, -1, 0)),
         "head_front": ("nasion", (0.25, 1, 0)), "head_side": ("tragion_r", (1, 0.1, 0)),
         "shoulder_back": ("scapular_spine_mid_r", (0.3, -1, 0.4)),
         "shoulder_front": ("coracoid_r", (0.4, 1, 0.3)),
         "pelvis_back": ("psis_r", (0.2, -1, 0.1)), "pelvis_front": ("asis_r", (0.3, 1, 0)),
         "foot_side": ("ankle_centre_r", (1, 0.3, 0.3)),
         "foot_below": ("arch_plantar_r", (0.3, 0.2, -1)),
         "knee_side": ("knee_centre_r", (1, 0.2, 0)), "elbow_side": ("olecranon_r", (1, -0.3, 0))}


DISTINCT = np.array([[230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200],
                     [245, 130, 48], [145, 30, 180], [70, 240, 240], [240, 50, 230],
                     [210, 245, 60], [250, 190, 212], [0, 128, 128], [170, 110, 40],
                     [128, 0, 0], [170, 255, 195], [128, 128, 0], [0, 0, 128]]) / 255.0


def patch_colours(reg: np.ndarray, side: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Greedy colouring of the region-side patches so that touching patches differ."""
    key = reg.astype(np.int64) * 2 + (side > 0)
    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    a, b = key[e[:, 0]], key[e[:, 1]]
    pairs = {(int(x), int(y)) for x, y in zip(a[a != b], b[a != b])}
    neighbours: dict[int, set[int]] = {}
    for x, y in pairs:
        neighbours.setdefault(x, set()).add(y)
        neighbours.setdefault(y, set()).add(x)
    colour: dict[int, int] = {}
    for k in sorted(np.unique(key), key=lambda k: -len(neighbours.get(int(k), ()))):
        used = {colour.get(n) for n in neighbours.get(int(k), ())}
        colour[int(k)] = next(c for c in range(len(DISTINCT) * 4) if c not in used)
    return np.array([DISTINCT[colour[int(k)] % len(DISTINCT)] for k in key])


def label_points(pts, nrm, reg, side, ids, view, focus, reach):
    out_p, out_t = [], []
    for s in (1, -1):
        for i, rid in enumerate(ids):
            rows = np.flatnonzero((reg == i) & (side == s))
            seen = rows[nrm[rows] @ view >= 0.5]
            # label only patches mostly facing the camera, at their facing centre
            if len(seen) < 0.25 * max(len(rows), 1) or len(seen) == 0:
                continue
            j = seen[np.argmin(np.linalg.norm(pts[seen] - pts[seen].mean(0), axis=1))]
            if np.linalg.norm(pts[j] - focus) <= reach:
                out_p.append(pts[j] + nrm[j] * 0.01)
                out_t.append(rid)
    return out_p, out_t


def main(argv: list[str]) -> None:
    kind = argv[1] if len(argv) > 1 and not argv[1].startswith("--") else "real"
    out = Path(argv[2]) if len(argv) > 2 and not argv[2].startswith("--") else Path(__file__).parent
    if kind == "real" and os.environ.get("REGIONS_SKIN"):  # another build's skin + manifest
        data = np.load(os.environ["REGIONS_SKIN"])
        pts, nrm, faces = (np.asarray(data[k], float) for k in ("points", "normals", "faces"))
        faces = faces.astype(np.int64)
        raw = json.loads(Path(os.environ["REGIONS_MANIFEST"]).read_text())["landmarks"]
        lm = {k: np.asarray(v, float) for k, v in raw.items()}
    elif kind == "real":
        pts, nrm, faces, lm = real_skin()
    else:
        lm = posed_landmarks()
        pts, nrm, faces = synthetic_skin(lm)
    ids = region_ids()
    t0 = time.perf_counter()
    reg, side = label_skin(pts, nrm, faces, lm, ids)
    print(f"{len(pts)} vertices labelled in {time.perf_counter() - t0:.2f} s")
    mesh = pv.PolyData(pts, np.hstack([np.full((len(faces), 1), 3), faces]).astype(np.int64))
    # colour per triangle (its first vertex): crisp borders instead of blended vertex colours
    mesh.cell_data["rgb"] = (patch_colours(reg, side, faces)[faces[:, 0]] * 255).astype(np.uint8)
    height = float(lm["vertex"][2])
    if "--zoom" in argv:
        shots = {k: (np.asarray(lm[a]), d, 0.9, (700, 700)) for k, (a, d) in ZOOMS.items()}
    else:
        shots = {k: (np.array([0, 0.02, height / 2]), d, 4.0, (800, 1000)) for k, d in VIEWS.items()}
    out.mkdir(parents=True, exist_ok=True)
    for name, (focus, d, dist, size) in shots.items():
        d = np.asarray(d, float) / np.linalg.norm(d)
        p = pv.Plotter(off_screen=True, window_size=size)
        p.add_mesh(mesh, scalars="rgb", rgb=True, preference="cell")
        if "--labels" in argv:
            lp, lt = label_points(pts, nrm, reg, side, ids, d, focus, dist * 0.25)
            if lp:
                p.add_point_labels(np.array(lp), lt, font_size=9, shape=None, text_color="black",
                                   always_visible=True, show_points=False)
        p.camera.position = tuple(focus + d * dist)
        p.camera.focal_point = tuple(focus)
        p.camera.up = (0, 0, 1)
        p.camera.view_angle = 26
        p.set_background("white")
        p.screenshot(str(out / f"{kind}_{name}.png"))
        p.close()


if __name__ == "__main__":
    main(sys.argv)
