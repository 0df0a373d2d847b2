"""The skin: a smooth offset of the union of bones, muscles and soft-tissue fillers.

Occupancy of everything beneath the skin -> closing per body segment (``skinshape``; radius and
blur blend smoothly across the seams) -> signed distance (EDT) -> Gaussian blend (smaller on the
face) -> marching cubes at the regional fat depth of ``skin.yaml``
(see ``skin_field``) -> topology-preserving decimation per level of detail -> Taubin
smoothing -> region atlas.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.ndimage import binary_fill_holes

from viewer.anatomy import meshutil
from viewer.anatomy.fields import Field, mark_points, mark_primitives, signed_distance
from viewer.anatomy.parts import Part
from viewer.anatomy.sdf import Grid, Primitive, primitives_of
from viewer.anatomy.skinshape import blur_smooth, close_smooth, fat_slabs, segment_map
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


def skin_field(data: AnatomyData, grid: Grid, solid_prims: list[Primitive],
               muscle_points: list[np.ndarray]) -> np.ndarray:
    """Signed distance (m) of the skin: negative inside, zero on the skin.

    Tissue occupancy -> closing per body segment (radius and blur vary smoothly across the
    seams, ``skinshape.segment_map``) -> signed distance D -> Gaussian blend B ->
    the level set of B - fat(x), held between D - fat(x) - max_extra (never standing further
    off the tissue, so limbs do not web to the trunk) and D - thinnest fat (never closer).
    """
    skin = data.skin
    mm = data.skeleton.mm
    occ = np.zeros(grid.shape, dtype=bool)
    mark_primitives(occ, grid, solid_prims)
    for pts in muscle_points:
        mark_points(occ, grid, pts)
    seg = segment_map(data, grid, occ, skin.number("blur_voxels"))
    occ = close_smooth(occ, seg, grid.spacing)
    seg.reach.clear()  # only the blur field is needed from here on (peak memory)
    dist = signed_distance(occ, grid.spacing)
    del occ
    blend = blur_smooth(dist, seg)
    del seg
    min_fat = np.float32(mm(skin.number("min_fat_mm", 1.8)))
    min_fraction = np.float32(skin.number("min_fat_fraction", 0.0))
    extra = np.float32(mm(skin.number("max_extra_mm", 0.0)))
    for rows, fat in fat_slabs(data, grid):
        d = dist[rows]
        thinnest = np.minimum(np.maximum(min_fat, min_fraction * fat), fat)
        blend[rows] = np.clip(blend[rows] - fat, d - fat - extra, d - thinnest)
    return blend


def build_skin(data: AnatomyData, grid: Grid, solid_prims: list[Primitive], muscle_points: list[np.ndarray],
               budgets: tuple[int, int], labeller: Labeller | None, log=print) -> tuple[Part, Field]:
    """The skin part and its field (zero on the skin, negative inside) for the gates."""
    field = skin_field(data, grid, solid_prims, muscle_points)
    # Pockets enclosed by tissue are inside the body, not skin: fill them.
    inside = field <= 0
    cavity = binary_fill_holes(inside) & ~inside
    field[cavity] = -grid.spacing
    del inside, cavity
    # Where two surfaces just touch (arm against trunk) marching cubes can pinch an edge; a
    # slightly shifted level separates or merges them cleanly.
    for shift in (0.0, 0.13, -0.11, 0.27, -0.23):
        pts, faces = meshutil.iso_surface(field, grid, level=shift * grid.spacing, keep_largest=True)
        if meshutil.is_closed_manifold(pts, faces):
            break
    log(f"  skin: raw {len(faces)} triangles")
    landmarks = _landmark_arrays(data)
    lods = {}
    for lod, target in enumerate(budgets):
        pts, faces = meshutil.decimate(pts, faces, target)  # LOD1 continues from LOD0
        p, f = pts, faces
        p = meshutil.taubin(p, f, int(data.skin.number("taubin_iterations")))
        normals = meshutil.vertex_normals(p, f)
        # A lighter level carries over the labels of the finest one (its long triangles on flat
        # areas would cut narrow regions such as the sternum into islands), then is cleaned up.
        finest = lods.get(0) if lod > 0 else None
        region, side = label_vertices(labeller, p, normals, f, landmarks, data.region_ids, finest)
        lods[lod] = {"points": p, "faces": f.astype(np.int32), "normals": normals,
                     "region": region, "side": side}
    return Part("skin", "skin", "skin", "midline", "skin", "Skin", lods=lods), Field(grid, field)


def _landmark_arrays(data: AnatomyData) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=np.float64) for k, v in data.skeleton.manifest_landmarks().items()}


def label_vertices(labeller: Labeller | None, points, normals, faces, landmarks, region_ids, finest=None):
    side = np.where(points[:, 0] >= 0, 1, -1).astype(np.int8)
    if labeller is None:
        return np.zeros(len(points), dtype=np.uint16), side
    if finest is None:
        region, lab_side = labeller(points, normals, faces, landmarks, region_ids)
    else:
        from scipy.spatial import cKDTree

        _, nearest = cKDTree(finest["points"]).query(points)
        region, lab_side = labeller(points, normals, faces, landmarks, region_ids,
                                    initial=finest["region"][nearest].astype(np.int64))
    return np.asarray(region, dtype=np.uint16), np.asarray(lab_side, dtype=np.int8)
