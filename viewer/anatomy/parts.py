"""The built parts (one mesh per level of detail) before they are written to disk."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from viewer.anatomy.meshutil import mirror

SIDE_NAMES = {"r": "right", "l": "left", "m": "midline"}


@dataclass
class Part:
    id: str
    kind: str            # skin | muscle | bone
    anatomy: str         # side-neutral name
    side: str            # right | left | midline
    layer: str           # skin | superficial | intermediate | deep | bone
    label: str
    muscle: str = ""
    lods: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)

    def manifest_fields(self) -> dict:
        out = {"id": self.id, "kind": self.kind}
        if self.kind == "muscle":
            out["muscle"] = self.muscle
        out.update({"anatomy": self.anatomy, "side": self.side, "layer": self.layer, "label": self.label})
        return out


def side_label(label: str, side: str) -> str:
    return label if side == "midline" else f"{label} ({side})"


def mirror_arrays(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Mirror every geometric array of a right part to the left (x -> -x, winding flipped)."""
    flip = np.array([-1.0, 1.0, 1.0])
    out = dict(arrays)
    out["points"], out["faces"] = mirror(arrays["points"], arrays["faces"])
    for key in ("normals", "fibre", "frame_mid", "frame_normal"):
        if key in arrays:
            out[key] = arrays[key] * flip
    return out


def bilateral(right: Part) -> tuple[Part, Part]:
    """The right part as built and its mirrored left twin."""
    left = Part(
        id=right.anatomy + "_l", kind=right.kind, anatomy=right.anatomy, side="left", layer=right.layer,
        label=side_label(_base_label(right.label), "left"), muscle=right.muscle,
        lods={lod: mirror_arrays(a) for lod, a in right.lods.items()},
    )
    return right, left


def _base_label(label: str) -> str:
    return label[: -len(" (right)")] if label.endswith(" (right)") else label
