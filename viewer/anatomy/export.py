"""Write ``assets/meshes`` exactly as ``docs/assets.md`` describes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from viewer.anatomy.parts import Part
from viewer.geometry.meshes import FORMAT, MANIFEST, geometry_hash

BUILDER = "viewer.anatomy 0.1"
DTYPES = {
    "points": np.float32, "faces": np.int32, "normals": np.float32, "region": np.uint16, "side": np.int8,
    "s": np.float32, "t": np.float32, "fibre": np.float32, "frame_mid": np.float32,
    "frame_normal": np.float32, "frame_thickness": np.float32, "tone": np.uint8,
}


def _stored(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    out = {}
    for key, value in arrays.items():
        if key not in DTYPES:
            raise KeyError(f"array '{key}' is not part of the asset contract")
        out[key] = np.ascontiguousarray(value, dtype=DTYPES[key])
    return out


def write_assets(out_dir: Path, parts: list[Part], stature: float, regions: tuple[str, ...],
                 landmarks: dict[str, list[float]]) -> dict:
    """Write every part of every level of detail and the manifest; return the manifest."""
    out_dir = Path(out_dir)
    lods_out: dict[str, dict] = {}
    lod_ids = sorted({lod for p in parts for lod in p.lods})
    for lod in lod_ids:
        folder = out_dir / f"lod{lod}"
        folder.mkdir(parents=True, exist_ok=True)
        entries, total, written = [], 0, set()
        for part in parts:
            arrays = _stored(part.lods[lod])
            rel = f"lod{lod}/{part.id}.npz"
            np.savez_compressed(out_dir / rel, **arrays)
            written.add(f"{part.id}.npz")
            entry = part.manifest_fields()
            entry.update({"file": rel, "points": int(len(arrays["points"])), "faces": int(len(arrays["faces"])),
                          "sha256": geometry_hash(arrays["points"], arrays["faces"], arrays.get("tone"))})
            entries.append(entry)
            total += int(len(arrays["faces"]))
        for stale in folder.glob("*.npz"):
            if stale.name not in written:
                stale.unlink()
        lods_out[str(lod)] = {"triangles": total, "parts": entries}
    manifest = {"format": FORMAT, "builder": BUILDER, "stature_m": round(float(stature), 4),
                "regions": list(regions), "landmarks": landmarks, "lods": lods_out}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest
