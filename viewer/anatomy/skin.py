"""The skin: a smooth offset of the union of bones, muscles and soft-tissue fillers.

Occupancy of everything beneath the skin -> signed distance (EDT) -> Gaussian blend -> marching
cubes at the fat thickness of ``skin.yaml`` -> topology-preserving decimation per level of
detail -> Taubin smoothing -> region atlas.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.ndimage import binary_fill_holes, gaussian_filter

from viewer.anatomy import meshutil
from viewer.anatomy.fields import Field, mark_points, mark_primitives, signed_distance
from viewer.anatomy.parts import Part
from viewer.anatomy.sdf import Grid, Primitive, primitives_of
from viewer.anatomy.spec import AnatomyData

Labeller = Callable[..., tuple[np.ndarray, np.ndarray]]


def filler_primitives(data: AnatomyData, built_anatomy: set[str], step: float,
                      underlayer_only: bool) -> list[Primitive]:
    """Soft-tissue fillers in use (a filler steps aside once the muscle it stands for is built)."""
    prims: list[Primitive] = []
    for entry in data.fillers:
        replaced = entry.get("replaced_by", None)
        if replaced is not None and str(replaced) in built_anatomy:
            continue
        if underlayer_only and not entry.get("underlayer", False):
            continue
        prims.extend(primitives_of(entry, data.skeleton, step))
    return prims


def skin_field(grid: Grid, solid_prims: list[Primitive], muscle_points: list[np.ndarray],
               sigma_vox: float) -> np.ndarray:
    occ = np.zeros(grid.shape, dtype=bool)
    mark_primitives(occ, grid, solid_prims)
    for pts in muscle_points:
        mark_points(occ, grid, pts)
    dist = signed_distance(occ, grid.spacing)
    del occ
    # The blend may round off convex bumps but never cut into what it covers.
    return np.minimum(gaussian_filter(dist, sigma=sigma_vox, mode="nearest"), dist)


def build_skin(data: AnatomyData, grid: Grid, solid_prims: list[Primitive], muscle_points: list[np.ndarray],
               budgets: tuple[int, int], labeller: Labeller | None, log=print) -> tuple[Part, Field]:
    """The skin part and its field (zero on the skin, negative inside) for the gates."""
    skin = data.skin
    field = skin_field(grid, solid_prims, muscle_points, skin.number("blur_voxels"))
    fat = data.skeleton.mm(skin.number("fat_mm"))
    # Pockets enclosed by tissue are inside the body, not skin: fill them.
    inside = field <= fat
    cavity = binary_fill_holes(inside) & ~inside
    field[cavity] = -grid.spacing
    del inside, cavity
    # Where two surfaces just touch (arm against trunk) marching cubes can pinch an edge; a
    # slightly shifted level separates or merges them cleanly.
    for shift in (0.0, 0.13, -0.11, 0.27, -0.23):
        pts, faces = meshutil.iso_surface(field, grid, level=fat + shift * grid.spacing, keep_largest=True)
        if meshutil.is_closed_manifold(pts, faces):
            break
    field -= fat
    log(f"  skin: raw {len(faces)} triangles")
    landmarks = _landmark_arrays(data)
    lods = {}
    for lod, target in enumerate(budgets):
        pts, faces = meshutil.decimate(pts, faces, target)  # LOD1 continues from LOD0
        p, f = pts, faces
        p = meshutil.taubin(p, f, int(skin.number("taubin_iterations")))
        normals = meshutil.vertex_normals(p, f)
        region, side = _label(labeller, p, normals, f, landmarks, data.region_ids)
        lods[lod] = {"points": p, "faces": f.astype(np.int32), "normals": normals,
                     "region": region, "side": side}
    return Part("skin", "skin", "skin", "midline", "skin", "Skin", lods=lods), Field(grid, field)


def _landmark_arrays(data: AnatomyData) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=np.float64) for k, v in data.skeleton.manifest_landmarks().items()}


def _label(labeller: Labeller | None, points, normals, faces, landmarks, region_ids):
    side = np.where(points[:, 0] >= 0, 1, -1).astype(np.int8)
    if labeller is None:
        return np.zeros(len(points), dtype=np.uint16), side
    region, lab_side = labeller(points, normals, faces, landmarks, region_ids)
    return np.asarray(region, dtype=np.uint16), np.asarray(lab_side, dtype=np.int8)
