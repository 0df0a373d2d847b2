"""The skin: a smooth offset of the union of bones, muscles and soft-tissue fillers.

Occupancy of everything beneath the skin (the face fillers of ``skin.yaml: smooth_groups``
united with a smooth minimum, so the face is one sculpted surface) -> closing per body segment
(``skinshape``; radius and blur blend smoothly across the seams) -> signed distance (EDT) -> Gaussian blend (smaller on the
face) -> marching cubes at the regional fat depth of ``skin.yaml``
(see ``skin_field``; the creases of ``skin.yaml: carves`` cut in last, ``skincarve``) -> topology-preserving decimation per level of detail -> isotropic
remeshing on the level set (``remesh``; over the head the level set of a finer field blended
in, ``skindetail``; face and ears meshed finer, ``remesh.zones``) -> Taubin smoothing -> region
atlas.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy import ndimage
from scipy.ndimage import binary_fill_holes

from viewer.anatomy import meshutil, remesh
from viewer.anatomy.fields import Field, mark_points, mark_primitives, signed_distance
from viewer.anatomy.parts import Part
from viewer.anatomy.sdf import Grid, Primitive, evaluate, primitives_of
from viewer.anatomy.skincarve import apply_carves
from viewer.anatomy.skindetail import detail_config, detail_field, extra_anchors
from viewer.anatomy.skinshape import blur_smooth, close_smooth, fat_slabs, segment_map
from viewer.anatomy.spec import AnatomyData, Entry
from viewer.geometry.surface import smoothstep

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
               muscle_points: list[np.ndarray], blur_scale: float = 1.0,
               blur_override: dict[str, float] | None = None, carve: bool = True) -> np.ndarray:
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
    mark_smooth_groups(data, grid, occ)
    seg = segment_map(data, grid, occ, skin.number("blur_voxels"), blur_scale, blur_override)
    occ = close_smooth(occ, seg, grid.spacing)
    seg.reach.clear()  # only the blur field is needed from here on (peak memory)
    band = skin.number("distance_band_voxels", 0.0) * grid.spacing
    dist = banded_signed_distance(occ, grid.spacing, band) if band > 0 else signed_distance(occ, grid.spacing)
    del occ
    blend = blur_smooth(dist, seg)
    del seg
    min_fat = np.float32(mm(skin.number("min_fat_mm", 1.8)))
    min_fraction = np.float32(skin.number("min_fat_fraction", 0.0))
    soft = np.float32(mm(skin.number("clamp_softness_mm", 0.0)))
    extras = fat_slabs(data, grid, anchors=extra_anchors(data))
    for (rows, fat), (_, extra) in zip(fat_slabs(data, grid), extras):
        d = dist[rows]
        thinnest = np.minimum(np.maximum(min_fat, min_fraction * fat), fat)
        blend[rows] = soft_clip(blend[rows] - fat, d - fat - extra, d - thinnest, soft)
    if carve:  # the mouth line and the lid openings (skin.yaml: carves)
        apply_carves(data, grid, blend)
    return blend


def smooth_groups(data: AnatomyData, step: float) -> list[tuple[list[Primitive], float]]:
    """(primitives, blend in m) of ``skin.yaml: smooth_groups``: fillers (each side once) and
    bones united with a polynomial smooth minimum instead of the hard union, so their shapes
    flow into one another over about ``blend_mm`` (the face as one sculpted surface, not a
    heap of ellipsoids)."""
    raw = data.skin.get("smooth_groups", None)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(g, dict) for g in raw):
        raise data.skin.fail("smooth_groups", "expected a list of {fillers, bones, blend_mm}")
    fillers = {str(e.name): e for e in data.fillers}
    bones = {str(e.name): e for e in data.bones}
    groups = []
    for k, raw_group in enumerate(raw):
        g = Entry(data.skin.where, f"smooth_groups[{k}]", raw_group)
        prims: list[Primitive] = []
        for key, known in (("fillers", fillers), ("bones", bones)):
            names = g.get(key, [])
            if not isinstance(names, list):
                raise g.fail(key, "expected a list of ids")
            for name in names:
                if str(name) not in known:
                    raise g.fail(key, f"unknown id '{name}'")
                entry = known[str(name)]
                own = primitives_of(entry, data.skeleton, step)
                if key == "bones" and entry.get("side", "bilateral") != "midline":
                    own = own + [p.mirrored() for p in own]
                prims.extend(own)
        blend = data.skeleton.mm(g.number("blend_mm"))
        if blend <= 0 or not prims:
            raise g.fail("blend_mm", "expected a positive blend and at least one filler or bone")
        groups.append((prims, blend))
    return groups


def mark_smooth_groups(data: AnatomyData, grid: Grid, occ: np.ndarray) -> None:
    """Add the smooth union of every ``smooth_groups`` entry to the occupancy (a superset of
    the hard union: the creases between the shapes fill in)."""
    for prims, blend in smooth_groups(data, grid.spacing / 2):
        lo = np.min([p.lo for p in prims], axis=0) - blend
        hi = np.max([p.hi for p in prims], axis=0) + blend
        box = grid.index_box(lo, hi)
        if box is None:
            continue
        sub = Grid(grid.origin + grid.spacing * np.array([s.start for s in box]), grid.spacing,
                   tuple(s.stop - s.start for s in box))
        occ[box] |= evaluate(prims, sub, blend) <= 0


def soft_clip(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, k: np.float32) -> np.ndarray:
    """``clip(x, lo, hi)`` with the corners rounded over about ``k`` (polynomial smooth
    max/min): where the skin switches from the blend to a bound (over a muscle bump) it bends
    instead of creasing. Never above ``hi`` (the skin keeps at least the thinnest fat)."""
    if k <= 0:
        return np.clip(x, lo, hi)
    x = -_smooth_min(-x, -lo, k)
    return _smooth_min(x, hi, k)


def _smooth_min(a: np.ndarray, b: np.ndarray, k: np.float32) -> np.ndarray:
    h = np.maximum(k - np.abs(a - b), 0) / k
    return np.minimum(a, b) - h * h * (k / 4)


def banded_signed_distance(occ: np.ndarray, spacing: float, band: float, rows: int = 160) -> np.ndarray:
    """Signed distance (float32, negative inside) clamped to +-``band``, computed a slab of z
    rows at a time: a voxel's nearest boundary within ``band`` lies within the slab and a
    margin of ``band`` around it, so the clamped values are exact while the distance
    transforms (float64 distances and int32 feature indices, 20 bytes a voxel) only ever
    hold one slab - the whole-grid transform was the peak memory of the build."""
    nz = occ.shape[2]
    margin = int(np.ceil(band / spacing)) + 1
    out = np.empty(occ.shape, dtype=np.float32)
    half = np.float32(0.5 * spacing)
    for start in range(0, nz, rows):
        stop = min(start + rows, nz)
        lo, hi = max(start - margin, 0), min(stop + margin, nz)
        sub = occ[:, :, lo:hi]
        keep = slice(start - lo, stop - lo)
        for inside in (False, True):
            mask = sub if inside else ~sub
            if mask.all():  # no boundary near this slab: at least the band away
                d = np.full(mask[:, :, keep].shape, band, dtype=np.float32)
            else:
                d = ndimage.distance_transform_edt(mask, sampling=spacing)[:, :, keep].astype(np.float32)
            np.minimum(d, np.float32(band), out=d)
            region = sub[:, :, keep] if inside else ~sub[:, :, keep]
            # the surface lies half a voxel between an occupied and a free voxel centre
            out[:, :, start:stop][region] = (half - d[region]) if inside else (d[region] - half)
            del d, mask, region
    return out


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
    surface = detail_field(data, Field(grid, field), _detail_maker(data, grid, solid_prims, muscle_points), log)
    lods = {}
    for lod, target in enumerate(budgets):
        pts, faces = meshutil.decimate(pts, faces, target)  # LOD1 continues from LOD0
        pts, faces = _isotropic(data, pts, faces, target, lod, surface, log)
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


def _detail_maker(data: AnatomyData, grid: Grid, solid_prims: list[Primitive], muscle_points: list[np.ndarray]):
    """grid -> the skin field on a finer grid: the same blur in mm, except the segments that
    ``skin.yaml: detail.blur_voxels`` names (in voxels of the finer grid)."""
    cfg = detail_config(data)
    raw = cfg.get("blur_voxels", {}) if cfg is not None else {}
    if not isinstance(raw, dict) or not all(isinstance(v, (int, float)) for v in raw.values()):
        raise data.skin.fail("detail.blur_voxels", "expected a mapping {segment id: voxels}")
    override = {str(k): float(v) for k, v in raw.items()}

    def make(fine: Grid) -> np.ndarray:
        # the carves are cut in exactly where the finer field is sampled (skindetail)
        return skin_field(data, fine, solid_prims, muscle_points, grid.spacing / fine.spacing, override, carve=False)

    return make


def _isotropic(data: AnatomyData, pts: np.ndarray, faces: np.ndarray, target: int, lod: int,
               surface: Field, log) -> tuple[np.ndarray, np.ndarray]:
    """Remesh a decimated level to near-equilateral triangles (``skin.yaml: remesh``): one size
    on flat skin, finer where it bends. The decimation leaves long slivers on flat areas
    (chest, back), where painted zones would be coarse and the shading faceted. Vertices are
    kept on the skin's level set; the edge length is fitted so the level stays within
    ``target`` triangles."""
    raw = data.skin.get("remesh", None)
    if raw is None:
        return pts, faces
    if not isinstance(raw, dict):
        raise data.skin.fail("remesh", "expected a mapping {iterations, fill, edge_per_radius, finest, curvature_voxels}")
    cfg = Entry(data.skin.where, "remesh", raw)
    iterations = int(cfg.number("iterations"))
    fills = cfg.numbers("fill", None, [0.95])  # one share for every level, or one per level
    fill = fills[min(lod, len(fills) - 1)]
    finest = cfg.number("finest", 1.0)
    if iterations <= 0:
        return pts, faces
    per_radius = cfg.number("edge_per_radius", 0.0)
    sizing = bend_limit(surface, per_radius, cfg.number("curvature_voxels", 2.0)) if per_radius > 0 else None

    def project(points: np.ndarray) -> np.ndarray:
        for _ in range(2):  # Newton steps onto the zero level (the field is nearly a distance)
            points = points - surface.sample(points)[:, None] * surface.gradient(points)
        return points

    weight = remesh_weight(data, lod)
    length = remesh.length_for(pts, faces, int(fill * target), sizing, finest, weight)
    try:
        p, f = remesh.isotropic(pts, faces, length, project, iterations, sizing, finest, weight)
        for _ in range(3):  # the count lands within a few % of the fit: shrink if over budget
            if len(f) <= target:
                break
            length *= float(np.sqrt(len(f) / (fill * target)))
            p, f = remesh.isotropic(p, f, length, project, 2, sizing, finest, weight)
    except ValueError as exc:  # not closed and manifold: keep the decimated level
        log(f"  skin: remeshing skipped ({exc})")
        return pts, faces
    f = meshutil.orient_outward(p, f.astype(np.int64))
    if len(f) > target or not meshutil.is_closed_manifold(p, f):
        log("  skin: remeshed level over budget or not manifold; decimated level kept")
        return pts, faces
    log(f"  skin: {len(f)} triangles, edges about {length * 1000:.1f} mm")
    return p, f


def remesh_weight(data: AnatomyData, lod: int) -> remesh.Sizing | None:
    """Points -> edge-length factor of ``skin.yaml: remesh.zones`` at level ``lod``: each zone
    ({at, r_mm, fade_mm, scale: one factor or one per level}) scales the edges by ``scale``
    within r_mm of its point, fading to 1 over fade_mm; zones off the midline are mirrored.
    The face and ears take more of the level's budget, the flat back and thighs less."""
    raw = data.skin.get("remesh", None)
    zones = raw.get("zones", None) if isinstance(raw, dict) else None
    if not zones:
        return None
    if not isinstance(zones, list) or not all(isinstance(z, dict) for z in zones):
        raise data.skin.fail("remesh.zones", "expected a list of {at, r_mm, fade_mm, scale}")
    mm = data.skeleton.mm
    zone_list: list[tuple[np.ndarray, float, float, float]] = []
    for k, raw_zone in enumerate(zones):
        z = Entry(data.skin.where, f"remesh.zones[{k}]", raw_zone)
        scales = z.numbers("scale")
        scale = scales[min(lod, len(scales) - 1)]
        if not 0.05 <= scale <= 1.0:
            raise z.fail("scale", f"expected factors in [0.05, 1], got {scale}")
        p = data.skeleton.resolve(z.get("at"), f"{z.where} at")
        for q in ([p] if abs(p[0]) < 1e-6 else [p, p * np.array([-1.0, 1.0, 1.0])]):
            zone_list.append((q, mm(z.number("r_mm")), mm(z.number("fade_mm", 30.0)), scale))

    def weight(points: np.ndarray) -> np.ndarray:
        out = np.ones(len(points))
        for centre, r, fade, scale in zone_list:
            d = np.linalg.norm(points - centre, axis=1)
            inside = 1.0 - smoothstep(0.0, 1.0, (d - r) / max(fade, 1e-9))  # 1 within r, 0 past r + fade
            np.minimum(out, 1.0 - (1.0 - scale) * inside, out=out)
        return out

    return weight


def bend_limit(surface: Field, per_radius: float, voxels: float = 2.0) -> remesh.Sizing:
    """Points -> the longest edge wanted there: ``per_radius`` x the radius of curvature,
    1 / |Laplacian of the field| (the field is nearly a distance, whose Laplacian on the
    surface is the sum of the principal curvatures), sampled ``voxels`` apart so the voxel
    steps of the field do not show."""
    # on the body's grid even where a finer one blends in: the bends are read alike everywhere
    h = voxels * getattr(surface, "coarse", surface).grid.spacing

    def limit(points: np.ndarray) -> np.ndarray:
        lap = -6.0 * surface.sample(points)
        for k in range(3):
            step = np.zeros(3)
            step[k] = h
            lap += surface.sample(points + step) + surface.sample(points - step)
        return per_radius * h * h / np.maximum(np.abs(lap), 1e-9)

    return limit


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
