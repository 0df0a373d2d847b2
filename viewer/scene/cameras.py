"""Named camera presets and the framing of a selection (pure math plus one setter).

The body frame is RAS: +X the subject's right, +Y anterior, +Z up. "front" looks at the
face (camera on +Y), "left" looks at the subject's left side (camera on -X).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DIRECTIONS = {
    "front": np.array([0.0, 1.0, 0.0]),
    "back": np.array([0.0, -1.0, 0.0]),
    "left": np.array([-1.0, 0.0, 0.0]),
    "right": np.array([1.0, 0.0, 0.0]),
}
VIEW_ANGLE_DEG = 30.0


@dataclass(frozen=True)
class CameraPose:
    position: tuple[float, float, float]
    focal_point: tuple[float, float, float]
    up: tuple[float, float, float] = (0.0, 0.0, 1.0)

    def lerp(self, other: "CameraPose", t: float) -> "CameraPose":
        """Interpolate (focal point linearly, the eye on a path that keeps its distance)."""
        f0, f1 = np.asarray(self.focal_point), np.asarray(other.focal_point)
        d0 = np.asarray(self.position) - f0
        d1 = np.asarray(other.position) - f1
        r0, r1 = np.linalg.norm(d0), np.linalg.norm(d1)
        u0, u1 = d0 / r0, d1 / r1
        direction = u0 * (1 - t) + u1 * t
        norm = np.linalg.norm(direction)
        direction = direction / norm if norm > 1e-6 else u1
        focal = f0 + (f1 - f0) * t
        position = focal + direction * (r0 + (r1 - r0) * t)
        up = np.asarray(self.up) * (1 - t) + np.asarray(other.up) * t
        return CameraPose(tuple(position), tuple(focal), tuple(up / np.linalg.norm(up)))


def fit_distance(radius: float, view_angle_deg: float = VIEW_ANGLE_DEG, aspect: float = 1.0) -> float:
    """Camera distance at which a sphere of ``radius`` fills the view (with a margin)."""
    half = np.radians(view_angle_deg) / 2.0
    if aspect < 1.0:  # portrait viewport: the horizontal angle is the tighter one
        half = np.arctan(np.tan(half) * aspect)
    return float(radius / np.sin(half) * 1.05)


def preset(name: str, bounds: tuple[float, ...], aspect: float = 1.0) -> CameraPose:
    """A standard view of the whole body."""
    lo = np.array(bounds[0::2])
    hi = np.array(bounds[1::2])
    centre = (lo + hi) / 2.0
    # Fit the height (the body is tall and narrow), not the bounding sphere.
    radius = max((hi[2] - lo[2]) / 2.0, np.linalg.norm(hi[:2] - lo[:2]) / 2.0)
    distance = fit_distance(radius, aspect=aspect) * 0.98
    position = centre + DIRECTIONS[name] * distance
    return CameraPose(tuple(position), tuple(centre))


def frame_points(points: np.ndarray, normal: np.ndarray, aspect: float = 1.0,
                 min_radius: float = 0.15, margin: float = 1.25) -> CameraPose:
    """Look at ``points`` (trigger point and its zone) from the side ``normal`` points to."""
    pts = np.asarray(points, float).reshape(-1, 3)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre = (lo + hi) / 2.0
    radius = max(float(np.linalg.norm(hi - lo)) / 2.0, min_radius)
    direction = np.asarray(normal, float).copy()
    direction[2] = np.clip(direction[2], -0.35, 0.35)  # keep the view roughly level
    norm = np.linalg.norm(direction)
    direction = direction / norm if norm > 1e-6 else DIRECTIONS["front"]
    # A margin keeps some body around the zone, so the viewer knows where they are.
    return CameraPose(tuple(centre + direction * fit_distance(radius, aspect=aspect) * margin), tuple(centre))


def apply(camera, pose: CameraPose) -> None:
    """Set a VTK/pyvista camera to ``pose`` (view angle fixed)."""
    camera.SetViewAngle(VIEW_ANGLE_DEG)
    camera.SetFocalPoint(*pose.focal_point)
    camera.SetPosition(*pose.position)
    camera.SetViewUp(*pose.up)
    camera.OrthogonalizeViewUp()


def current(camera) -> CameraPose:
    return CameraPose(tuple(camera.GetPosition()), tuple(camera.GetFocalPoint()), tuple(camera.GetViewUp()))
