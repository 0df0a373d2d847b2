"""Anthropometric and anatomical checks on the built model (research note, section 4).

Bands: ANSUR II men (research note 2.2), landmark heights |dz| <= 0.010 H, breadths within
mean +/- 1.5 SD, girths within [mean - 2 SD, mean + 0.5 SD] (an ecorche figure is leaner than
the army sample; neck: mean + 1 SD, see GIRTHS). Girths are tape girths: the convex hull of
the section, as a tape bridges the clefts between muscles.
"""

from __future__ import annotations

import numpy as np

from viewer.anatomy import meshutil

# landmark -> ANSUR II mean height / stature
LANDMARK_HEIGHTS = {
    "tragion": 0.925, "c7_spinous": 0.864, "acromion_tip": 0.820, "jugular_notch": 0.819,
    "iliac_crest_summit": 0.604, "greater_trochanter": 0.513, "medial_tibial_plateau": 0.2665,
    "lateral_malleolus": 0.0415,
}
# name -> (height / H, reference x / H of the limb or trunk, mean mm, SD mm, plane tilt deg,
# SDs allowed above the mean). The neck gets 1 SD above: the skin keeps a thin fat layer over
# the neck muscles, which are not leaner than the army sample's.
# Neck: ANSUR II neck circumference is taken with the tape just below the laryngeal prominence
# and perpendicular to the long axis of the neck (Hotzman et al. 2011, Measurer's Handbook:
# US Army and Marine Corps Anthropometric Surveys 2010-2011, NATICK/TR-11/017; research note
# 2.2). The prominence lies about 3.5 cm below the menton (0.870 H; thyromental distance
# 5.5-6.5 cm with the head neutral, the notch 4-5 cm behind the chin) and 5-6 cm above the
# jugular notch (0.819 H), in front of C4-C5. The plane crosses the midline of the front of the
# neck (skin at y ~ 0.049 H) at 0.850 H, below the submental region (until round 8 it met the
# front at 0.868 H, through the corner under the chin), and rises 28 deg backwards, the tilt
# that gives the model's smallest section there (perpendicular to its neck: 24 deg reads 15 mm
# and 30 deg 5 mm longer), to 0.894 H at the back of the neck. The thigh is cut just below the
# crotch (at the gluteal furrow itself the thighs of the figure touch).
GIRTHS = {
    "neck": (0.876, 0.0, 397.6, 25.8, 28.0, 1.0),
    "chest": (0.735, 0.0, 1058.7, 87.4, 0.0, 0.5),
    "waist": (0.601, 0.0, 940.6, 111.7, 0.0, 0.5),
    "buttock": (0.520, 0.0, 1019.5, 76.7, 0.0, 0.5),
    "thigh": (0.430, 0.050, 625.1, 58.4, 0.0, 0.5),
    "calf": (0.200, 0.045, 392.3, 29.7, 0.0, 0.5),
}
BREADTHS = {  # name -> (mean / H, SD / H)
    "biacromial": (0.237, 0.011), "hip": (0.197, 0.014), "chest_depth": (0.145, 0.015),
}


def _slice_loops(points: np.ndarray, faces: np.ndarray, z: float, tilt_deg: float = 0.0) -> list[np.ndarray]:
    """Closed loops of the mesh cut by the plane through (0, 0, z), tilted forward by tilt_deg
    (front lower, as for a neck girth taken perpendicular to the neck); 3-D points."""
    import trimesh

    a = np.radians(tilt_deg)
    normal = [0.0, np.sin(a), np.cos(a)]
    mesh = trimesh.Trimesh(points, faces, process=False)
    section = mesh.section(plane_origin=[0, 0, z], plane_normal=normal)
    if section is None:
        return []
    return [np.asarray(d) for d in section.discrete if len(d) > 2]


def _inside(loop: np.ndarray, p: np.ndarray) -> bool:
    x, y = loop[:, 0], loop[:, 1]
    x2, y2 = np.roll(x, -1), np.roll(y, -1)
    crosses = ((y > p[1]) != (y2 > p[1])) & (p[0] < (x2 - x) * (p[1] - y) / np.where(y2 != y, y2 - y, 1e-12) + x)
    return bool(np.count_nonzero(crosses) % 2)


def girth(points: np.ndarray, faces: np.ndarray, z: float, ref: np.ndarray, tilt_deg: float = 0.0) -> float | None:
    """Tape-measure girth (m): the convex-hull perimeter of the largest section loop around
    ``ref`` (x, y), since a tape bridges the clefts between muscles; None if no loop."""
    from scipy.spatial import ConvexHull

    a = np.radians(tilt_deg)
    basis = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(a), -np.sin(a)]])  # in-plane axes
    best = None
    for loop in _slice_loops(points, faces, z, tilt_deg):
        if _inside(loop[:, :2], ref):
            flat = loop @ basis.T
            hull = flat[ConvexHull(flat).vertices]
            length = float(np.linalg.norm(np.diff(np.vstack([hull, hull[:1]]), axis=0), axis=1).sum())
            best = length if best is None else max(best, length)
    return best


def proportions(skin_points: np.ndarray, skin_faces: np.ndarray, landmarks: dict[str, list[float]],
                stature: float) -> tuple[dict[str, str], list[str]]:
    """Measures and failures for stature, landmark heights, breadths and girths."""
    H = stature
    measures, failures = {}, []
    top = float(skin_points[:, 2].max())
    measures["stature"] = f"{top:.4f} m (target {H:.3f} +/- 0.005)"
    if abs(top - H) > 0.005:
        failures.append(f"stature: skin top at {top:.4f} m, expected {H:.3f} +/- 0.005 m")
    for name, ratio in LANDMARK_HEIGHTS.items():
        key = name if name in landmarks else name + "_r"
        if key not in landmarks:
            failures.append(f"landmark height: '{name}' missing")
            continue
        dz = landmarks[key][2] / H - ratio
        if abs(dz) > 0.010:
            failures.append(f"landmark height {name}: {landmarks[key][2] / H:.3f} H vs ANSUR {ratio:.3f} H")
    biac = (landmarks["acromion_tip_r"][0] - landmarks["acromion_tip_l"][0]) / H
    trunk = np.abs(skin_points[:, 0]) < 0.16
    near = lambda zf: np.abs(skin_points[:, 2] - zf * H) < 0.004  # noqa: E731
    hip = float(np.ptp(skin_points[near(0.513) & (np.abs(skin_points[:, 0]) < 0.22), 0])) / H
    chest_sel = near(0.735) & trunk
    depth = float(np.ptp(skin_points[chest_sel, 1])) / H if np.any(chest_sel) else 0.0
    for name, value in (("biacromial", biac), ("hip", hip), ("chest_depth", depth)):
        mean, sd = BREADTHS[name]
        measures[f"breadth {name}"] = f"{value:.3f} H (ANSUR {mean:.3f} +/- {1.5 * sd:.3f})"
        if abs(value - mean) > 1.5 * sd:
            failures.append(f"breadth {name}: {value:.3f} H outside ANSUR {mean:.3f} +/- {1.5 * sd:.3f} H")
    for name, (zf, xf, mean, sd, tilt, above) in GIRTHS.items():
        g = girth(skin_points, skin_faces, zf * H, np.array([xf * H, 0.0]), tilt)
        lo, hi = (mean - 2 * sd) / 1000 * H / 1.755, (mean + above * sd) / 1000 * H / 1.755
        if g is None:
            failures.append(f"girth {name}: no section around the reference point at {zf:.3f} H")
            continue
        measures[f"girth {name}"] = f"{g * 1000:.0f} mm (band {lo * 1000:.0f}-{hi * 1000:.0f})"
        if not lo <= g <= hi:
            failures.append(f"girth {name}: {g * 1000:.0f} mm outside {lo * 1000:.0f}-{hi * 1000:.0f} mm")
    return measures, failures


RANKINGS = [
    ("gluteus maximus > gluteus medius", ["gluteus_maximus"], ["gluteus_medius"]),
    ("gluteus medius > gluteus minimus", ["gluteus_medius"], ["gluteus_minimus_anterior", "gluteus_minimus_posterior"]),
    ("gluteus minimus > piriformis", ["gluteus_minimus_anterior", "gluteus_minimus_posterior"], ["piriformis"]),
    ("quadriceps > hamstrings", ["rectus_femoris", "vastus_lateralis", "vastus_medialis", "vastus_intermedius"],
     ["biceps_femoris_long_head", "biceps_femoris_short_head", "semitendinosus", "semimembranosus"]),
    ("soleus > gastrocnemius medial head", ["soleus"], ["gastrocnemius_medial_head"]),
    ("gastrocnemius medial > lateral head", ["gastrocnemius_medial_head"], ["gastrocnemius_lateral_head"]),
]
DELTOID = ["deltoid_anterior", "deltoid_middle", "deltoid_posterior"]
UPPER_LIMB_GROUPS = {
    "biceps brachii": ["biceps_long_head", "biceps_short_head"],
    "triceps brachii": ["triceps_long_head", "triceps_lateral_head", "triceps_medial_head"],
    "brachialis": ["brachialis"], "brachioradialis": ["brachioradialis"], "supraspinatus": ["supraspinatus"],
    "infraspinatus": ["infraspinatus"], "subscapularis": ["subscapularis"], "teres major": ["teres_major"],
    "extensor digitorum": ["extensor_digitorum"], "flexor carpi radialis": ["flexor_carpi_radialis"],
}


def volume_ranking(volumes: dict[str, float]) -> tuple[dict[str, str], list[str]]:
    """Plausible ordering of muscle volumes (research note 2.7, Holzbaur et al. 2007)."""
    def total(names: list[str]) -> float | None:
        if not all(n in volumes for n in names):
            return None
        return sum(volumes[n] for n in names)

    measures, failures = {}, []
    for label, big, small in RANKINGS:
        a, b = total(big), total(small)
        if a is None or b is None:
            failures.append(f"volume ranking '{label}': a muscle is missing")
            continue
        measures[f"volume {label}"] = f"{a * 1e6:.0f} vs {b * 1e6:.0f} cm3"
        if not a > b:
            failures.append(f"volume ranking '{label}' violated: {a * 1e6:.0f} <= {b * 1e6:.0f} cm3")
    d = total(DELTOID)
    for label, names in UPPER_LIMB_GROUPS.items():
        v = total(names)
        if d is None or v is None:
            failures.append(f"volume ranking 'deltoid > {label}': a muscle is missing")
        elif not d > v:
            failures.append(f"volume ranking 'deltoid > {label}' violated: {d * 1e6:.0f} <= {v * 1e6:.0f} cm3")
    if d is not None:
        measures["volume deltoid"] = f"{d * 1e6:.0f} cm3"
    return measures, failures


def part_volume(points: np.ndarray, faces: np.ndarray) -> float:
    return meshutil.signed_volume(points, faces)
