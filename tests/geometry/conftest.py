"""Small synthetic skins and trigger points for the geometry tests (no assets, no display).

Tests reach the builders through the ``geo`` fixture (pytest imports test modules in importlib
mode, so a helper module beside them is not importable by name)."""

from __future__ import annotations

import types

import numpy as np
import pytest
import trimesh

from viewer.domain.model import (Citation, Confidence, FramePoint, NeedlingCard, ReferralZone,
                                 TriggerPoint, Zone, ZoneShape)
from viewer.geometry.meshes import MeshData

SPHERE_R = 0.1
SPHERE_REGIONS = ("cap", "strip", "upper", "lower")
PLANE_REGIONS = ("west", "east")
PLANE_STEP = 0.004


def _mesh(points: np.ndarray, faces: np.ndarray, normals: np.ndarray, **arrays: np.ndarray) -> MeshData:
    return MeshData(points.astype(np.float32), faces.astype(np.int32), normals.astype(np.float32), arrays)


def sphere_skin(subdivisions: int = 4) -> MeshData:
    """A head-sized sphere: 'cap' (top) and 'strip' (|x| < 2 cm) straddle the midline;
    'upper' and 'lower' are bilateral (split by the strip), above and below the equator."""
    sphere = trimesh.creation.icosphere(subdivisions=subdivisions, radius=SPHERE_R)
    p = np.asarray(sphere.vertices)
    region = np.where(p[:, 2] > 0.06, 0, np.where(np.abs(p[:, 0]) < 0.02, 1, np.where(p[:, 2] >= 0, 2, 3)))
    side = np.where(p[:, 0] >= 0, 1, -1)
    return _mesh(p, np.asarray(sphere.faces), p / SPHERE_R,
                 region=region.astype(np.uint16), side=side.astype(np.int8))


def sphere_landmarks() -> dict[str, np.ndarray]:
    """Landmarks 1 cm under the sphere's surface, bilateral ones mirrored as the build does."""
    right = {"east": (1.0, 0.0, 0.0), "front": (0.6, 0.8, 0.0), "low": (0.7, 0.0, -0.7),
             "up": (0.7, 0.0, 0.7), "back": (0.6, -0.8, 0.0)}
    out = {"pole": np.array([0.0, 0.0, 0.09])}
    for name, direction in right.items():
        v = 0.09 * np.asarray(direction) / np.linalg.norm(direction)
        out[name + "_r"] = v
        out[name + "_l"] = v * np.array([-1.0, 1.0, 1.0])
    return out


def great_circle(mesh: MeshData, point: np.ndarray) -> np.ndarray:
    """Exact distance along the sphere from the skin point over ``point``."""
    p = np.asarray(mesh.points, dtype=np.float64)
    u = np.asarray(point, dtype=np.float64) / np.linalg.norm(point)
    return SPHERE_R * np.arccos(np.clip(p @ u / SPHERE_R, -1.0, 1.0))


def slit_plane(n: int = 61, slit_column: int = 30, open_rows: int = 8) -> MeshData:
    """A flat square (z = 0) cut by a slit between columns ``slit_column`` and +1, closed only
    in the top ``open_rows`` rows: the two halves are 4 mm apart but far apart along the skin."""
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    points = np.c_[i.ravel() * PLANE_STEP, j.ravel() * PLANE_STEP, np.zeros(n * n)]
    idx = np.arange(n * n).reshape(n, n)
    faces = []
    for ci in range(n - 1):
        for cj in range(n - 1):
            if ci == slit_column and cj < n - 1 - open_rows:
                continue
            a, b, c, d = idx[ci, cj], idx[ci + 1, cj], idx[ci + 1, cj + 1], idx[ci, cj + 1]
            # alternate the diagonal so the edge graph has no preferred direction
            faces += [(a, b, c), (a, c, d)] if (ci + cj) % 2 == 0 else [(a, b, d), (b, c, d)]
    region = (i.ravel() > slit_column).astype(np.uint16)
    normals = np.tile([0.0, 0.0, 1.0], (n * n, 1))
    return _mesh(points, np.asarray(faces), normals, region=region, side=np.ones(n * n, dtype=np.int8))


def make_tp(tp_id: str, essential: Zone, spillover: Zone | None = None) -> TriggerPoint:
    """A trigger point with only the fields the geometry reads filled meaningfully."""
    card = NeedlingCard(patient_position="prone", palpation="flat", technique="perpendicular",
                        structures_at_risk=())
    return TriggerPoint(
        id=tp_id, muscle="m", name=tp_id, location=FramePoint(0.5, 0.5, 0.5, "m"), location_text="",
        referral=ReferralZone(essential=essential, spillover=spillover or Zone(regions=())),
        symptoms=(), aggravating=(), limited_movements=(), needling=card, hazards=(),
        patient_text="", self_care=(), sources=(Citation("s"),), confidence=Confidence.HIGH)


def disk(anchor: str, radius_mm: float, offset: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> ZoneShape:
    return ZoneShape(kind="disk", anchors=(anchor,), radius_mm=radius_mm, offset_mm=offset)


@pytest.fixture(scope="session")
def geo() -> types.SimpleNamespace:
    """The builders and constants above, for tests to call."""
    return types.SimpleNamespace(
        SPHERE_R=SPHERE_R, SPHERE_REGIONS=SPHERE_REGIONS, PLANE_REGIONS=PLANE_REGIONS,
        PLANE_STEP=PLANE_STEP, sphere_skin=sphere_skin, sphere_landmarks=sphere_landmarks,
        great_circle=great_circle, slit_plane=slit_plane, make_tp=make_tp, disk=disk)


@pytest.fixture(scope="module")
def sphere() -> MeshData:
    return sphere_skin()


@pytest.fixture(scope="module")
def plane() -> MeshData:
    return slit_plane()
