"""Landmarks in metres, the A-pose, and the point expressions of the anatomy data files.

Everything is built for the subject's right side (x > 0) and mirrored. A point expression is
one of:

* ``"name"`` - a landmark of ``landmarks.yaml``;
* ``[x, y, z]`` - fractions of stature in the unposed frame;
* ``{at: EXPR, off: [dx, dy, dz]}`` - a point plus an offset in millimetres (default adult;
  scaled with stature, and turned with the arm when the point is on the arm);
* ``{lerp: [EXPR, EXPR], f: 0.3, off: [...]}`` - a point on the segment between two points.

Landmarks on the arm bones (humerus, radius, ulna, hand) are given in anatomical position; the
build abducts the whole arm about the glenohumeral centre by the angle of ``build.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from viewer.anatomy.errors import AnatomyDataError

ARM_BONES = frozenset({"humerus", "radius", "ulna", "hand"})
DEFAULT_STATURE = 1.755


@dataclass(frozen=True)
class Landmark:
    name: str
    xyz: np.ndarray  # fractions of stature, unposed
    bone: str

    @property
    def midline(self) -> bool:
        return abs(float(self.xyz[0])) < 1e-9


def abduction_matrix(degrees: float) -> np.ndarray:
    """Rotation that swings the right arm away from the body (about +Y, hand towards +X)."""
    a = np.radians(degrees)
    c, s = np.cos(a), np.sin(a)
    # A point below the pivot (0, 0, -1) must move to +x: x' = -z sin a.
    return np.array([[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]])


class Skeleton:
    """Posed landmark positions (metres) and the point-expression resolver."""

    def __init__(self, landmarks: dict[str, Landmark], stature: float, abduction_deg: float,
                 source: str = "landmarks.yaml"):
        self.landmarks = landmarks
        self.stature = stature
        self.scale_mm = stature / DEFAULT_STATURE / 1000.0
        self.source = source
        if "glenohumeral_centre" not in landmarks:
            raise AnatomyDataError(source, "glenohumeral_centre", "xyz", "landmark is required (pose pivot)")
        self.pivot = landmarks["glenohumeral_centre"].xyz * stature
        self.arm_rotation = abduction_matrix(abduction_deg)

    def on_arm(self, name: str) -> bool:
        return self.landmarks[name].bone in ARM_BONES

    def landmark(self, name: str, where: str = "?") -> np.ndarray:
        """Posed right-side position of a landmark in metres."""
        lm = self.landmarks.get(name)
        if lm is None:
            raise AnatomyDataError(where, name, "landmark", f"unknown landmark '{name}' (not in {self.source})")
        p = lm.xyz * self.stature
        if lm.bone in ARM_BONES:
            p = self.pivot + self.arm_rotation @ (p - self.pivot)
        return p

    def resolve(self, expr: Any, where: str) -> np.ndarray:
        """Posed point of an expression (see module docstring)."""
        return self._resolve(expr, where)[0]

    def _resolve(self, expr: Any, where: str) -> tuple[np.ndarray, bool]:
        if isinstance(expr, str):
            return self.landmark(expr, where), self.landmarks[expr].bone in ARM_BONES
        if isinstance(expr, (list, tuple)) and len(expr) == 3 and all(isinstance(v, (int, float)) for v in expr):
            return np.asarray(expr, dtype=np.float64) * self.stature, False
        if isinstance(expr, dict):
            unknown = set(expr) - {"at", "lerp", "f", "off"}
            if unknown:
                raise AnatomyDataError(where, str(expr), str(sorted(map(str, unknown))[0]),
                                       "unknown key (a point takes at, lerp, f, off)")
            if "at" in expr:
                base, posed = self._resolve(expr["at"], where)
            elif "lerp" in expr:
                pair = expr["lerp"]
                if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                    raise AnatomyDataError(where, str(expr), "lerp", "needs exactly two points")
                (a, pa), (b, pb) = self._resolve(pair[0], where), self._resolve(pair[1], where)
                f = float(expr.get("f", 0.5))
                base, posed = a + f * (b - a), pa and pb
            else:
                raise AnatomyDataError(where, str(expr), "point", "a point needs 'at' or 'lerp'")
            off = expr.get("off")
            if off is not None:
                if not (isinstance(off, (list, tuple)) and len(off) == 3):
                    raise AnatomyDataError(where, str(expr), "off", "must be [dx, dy, dz] in mm")
                vec = np.asarray(off, dtype=np.float64) * self.scale_mm
                base = base + (self.arm_rotation @ vec if posed else vec)
            return base, posed
        raise AnatomyDataError(where, str(expr), "point", "expected a landmark name, [x, y, z] or a mapping")

    def mm(self, value: float) -> float:
        """Millimetres at the default stature -> metres at this stature."""
        return float(value) * self.scale_mm

    def manifest_landmarks(self) -> dict[str, list[float]]:
        """Posed landmarks, bilateral ones with ``_r``/``_l`` suffixes, rounded to 0.1 mm."""
        out: dict[str, list[float]] = {}
        for name in sorted(self.landmarks):
            p = self.landmark(name)
            if self.landmarks[name].midline:
                out[name] = [round(float(v), 4) for v in (0.0, p[1], p[2])]
            else:
                out[name + "_r"] = [round(float(v), 4) for v in p]
                out[name + "_l"] = [round(float(v), 4) for v in (-p[0], p[1], p[2])]
        return out
