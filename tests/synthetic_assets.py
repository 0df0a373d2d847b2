"""A tiny synthetic mesh asset set in the documented format (docs/assets.md), for app tests.

A 1.75 m "body" (an elongated sphere) whose skin regions are those of
``tests/fixtures/data_min``, muscles ``alpha`` (on the upper back, right and left) and ``beta``
(on the chest), and one midline bone. About 2.6 k skin vertices, so scenes render in a few ms.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import trimesh

from viewer.geometry.meshes import geometry_hash

REGIONS = ("temple", "orbit", "posterolateral_neck", "mastoid_postauricular", "occiput", "sternum",
           "chest_anterior", "anterior_shoulder")
CENTRE = np.array([0.0, 0.0, 0.9])
RADII = np.array([0.2, 0.13, 0.85])


def _body() -> trimesh.Trimesh:
    sphere = trimesh.creation.icosphere(subdivisions=4, radius=1.0)
    points = np.asarray(sphere.vertices) * RADII + CENTRE
    return trimesh.Trimesh(points, np.asarray(sphere.faces), process=False)


def _region_of(p: np.ndarray) -> np.ndarray:
    x, y, z = p[:, 0], p[:, 1], p[:, 2]
    ax = np.abs(x)
    region = np.full(len(p), REGIONS.index("anterior_shoulder"))
    region[(z < 1.35) & (y >= 0)] = REGIONS.index("chest_anterior")
    region[(z < 1.35) & (y >= 0) & (ax < 0.05)] = REGIONS.index("sternum")
    region[(z >= 1.35)] = REGIONS.index("posterolateral_neck")
    region[(z >= 1.5) & (y < 0)] = REGIONS.index("mastoid_postauricular")
    region[(z >= 1.5) & (y >= 0)] = REGIONS.index("orbit")
    region[(z >= 1.62) & (y >= 0)] = REGIONS.index("temple")
    region[(z >= 1.62) & (y < 0)] = REGIONS.index("occiput")
    return region.astype(np.uint16)


def _skin_arrays(mesh: trimesh.Trimesh) -> dict[str, np.ndarray]:
    p = np.asarray(mesh.vertices)
    return {"region": _region_of(p), "side": np.where(p[:, 0] >= 0, 1, -1).astype(np.int8)}


def _surface_point(direction: np.ndarray) -> np.ndarray:
    """Point on the body ellipsoid in ``direction`` from its centre."""
    d = np.asarray(direction, float)
    return CENTRE + d / np.sqrt(np.sum((d / RADII) ** 2))


def _muscle(centre_dir: np.ndarray, mirror: bool) -> tuple[trimesh.Trimesh, dict[str, np.ndarray]]:
    """A small flat ellipsoid 1.5 cm under the skin, with a 5 x 4 parametric frame."""
    d = np.asarray(centre_dir, float) * (np.array([-1.0, 1.0, 1.0]) if mirror else 1.0)
    surface = _surface_point(d)
    normal = (surface - CENTRE) / RADII ** 2
    normal /= np.linalg.norm(normal)
    centre = surface - normal * 0.015
    blob = trimesh.creation.icosphere(subdivisions=2, radius=1.0)
    up = np.array([0.0, 0.0, 1.0])
    across = np.cross(normal, up)
    across /= np.linalg.norm(across)
    along = np.cross(across, normal)
    basis = np.c_[across * 0.05, along * 0.07, normal * 0.008]
    points = np.asarray(blob.vertices) @ basis.T + centre
    faces = np.asarray(blob.faces)
    if mirror:
        faces = faces[:, ::-1]
    mesh = trimesh.Trimesh(points, faces, process=False)
    s_grid, t_grid = np.linspace(0, 1, 5), np.linspace(0, 1, 4)
    mid = centre + (s_grid[:, None, None] - 0.5) * 0.1 * along + (t_grid[None, :, None] - 0.5) * 0.06 * across
    arrays = {
        "s": np.clip((points - centre) @ along / 0.1 + 0.5, 0, 1).astype(np.float32),
        "t": np.clip((points - centre) @ across / 0.06 + 0.5, 0, 1).astype(np.float32),
        "fibre": np.tile(along, (len(points), 1)).astype(np.float32),
        "frame_mid": mid.astype(np.float32),
        "frame_normal": np.broadcast_to(normal, mid.shape).astype(np.float32),
        "frame_thickness": np.full(mid.shape[:2], 0.012, np.float32),
    }
    return mesh, arrays


def _landmarks() -> dict[str, list[float]]:
    right = {"temporal_fossa": (0.9, 0.5, 0.9), "mastoid_tip": (0.8, -0.5, 0.85), "orbit_centre": (0.4, 0.9, 0.87)}
    out = {"jugular_notch": list(_surface_point(np.array([0.0, 1.0, 0.45])) - [0, 0.01, 0])}
    for name, direction in right.items():
        p = _surface_point(np.array(direction)) * np.array([1, 1, 1]) - CENTRE
        p = CENTRE + p * 0.97
        out[name + "_r"] = [float(v) for v in p]
        out[name + "_l"] = [float(-p[0]), float(p[1]), float(p[2])]
    return out


def _write(folder: Path, name: str, mesh: trimesh.Trimesh, arrays: dict) -> dict:
    points = np.asarray(mesh.vertices, np.float32)
    faces = np.asarray(mesh.faces, np.int32)
    normals = np.asarray(mesh.vertex_normals, np.float32)
    np.savez(folder / f"{name}.npz", points=points, faces=faces, normals=normals, **arrays)
    return {"points": len(points), "faces": len(faces), "sha256": geometry_hash(points, faces)}


def write_assets(root: Path) -> Path:
    """Write the set under ``root`` (the ``assets/meshes`` folder); return ``root``."""
    lod = root / "lod1"
    lod.mkdir(parents=True, exist_ok=True)
    parts = []
    skin = _body()
    parts.append({"id": "skin", "kind": "skin", "anatomy": "skin", "side": "midline", "layer": "skin",
                  "label": "Skin", "file": "lod1/skin.npz", **_write(lod, "skin", skin, _skin_arrays(skin))})
    where = {"alpha": (0.55, -0.8, 0.62), "beta": (0.5, 0.85, 0.4)}
    for muscle, direction in where.items():
        for side, suffix, mirror in (("right", "r", False), ("left", "l", True)):
            mesh, arrays = _muscle(np.array(direction), mirror)
            pid = f"{muscle}_{suffix}"
            parts.append({"id": pid, "kind": "muscle", "muscle": muscle, "anatomy": muscle, "side": side,
                          "layer": "superficial", "label": f"{muscle.title()} muscle ({side})",
                          "file": f"lod1/{pid}.npz", **_write(lod, pid, mesh, arrays)})
    spine = trimesh.creation.cylinder(radius=0.02, height=0.6)
    spine.apply_translation([0, -0.06, 1.1])
    parts.append({"id": "spine", "kind": "bone", "anatomy": "spine", "side": "midline", "layer": "bone",
                  "label": "Spine", "file": "lod1/spine.npz", **_write(lod, "spine", spine, {})})
    manifest = {"format": 1, "builder": "tests.synthetic_assets", "stature_m": 1.75, "regions": list(REGIONS),
                "landmarks": _landmarks(), "lods": {"1": {"triangles": sum(p["faces"] for p in parts),
                                                          "parts": parts}}}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return root
