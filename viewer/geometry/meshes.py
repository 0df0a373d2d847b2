"""Read ``assets/meshes`` (see ``docs/assets.md``) into numpy arrays, without VTK.

The manifest is read once; a part's arrays are loaded when first asked for and cached.
Loading is thread-safe, so the app can load the parts in a worker thread while it builds its
window (:meth:`MeshLibrary.preload_in_background`).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MANIFEST = "manifest.json"
FORMAT = 1


class AssetError(Exception):
    """A missing or corrupt asset file; the message names the file and what is wrong."""


@dataclass(frozen=True)
class PartInfo:
    id: str
    kind: str
    side: str
    layer: str
    label: str
    file: str
    points: int
    faces: int
    sha256: str
    muscle: str = ""
    anatomy: str = ""


@dataclass(frozen=True)
class MeshData:
    """One part: vertices, triangles, normals and named per-vertex (or grid) arrays."""

    points: np.ndarray
    faces: np.ndarray
    normals: np.ndarray
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_points(self) -> int:
        return int(self.points.shape[0])

    @property
    def n_faces(self) -> int:
        return int(self.faces.shape[0])


def geometry_hash(points: np.ndarray, faces: np.ndarray) -> str:
    """SHA-256 of coordinates rounded to 10 micrometres and the face indices."""
    digest = hashlib.sha256()
    digest.update(np.round(np.asarray(points, dtype=np.float64) * 1e5).astype(np.int64).tobytes())
    digest.update(np.ascontiguousarray(faces, dtype=np.int32).tobytes())
    return digest.hexdigest()


def _part(raw: dict, where: str) -> PartInfo:
    try:
        return PartInfo(
            id=str(raw["id"]), kind=str(raw["kind"]), side=str(raw["side"]), layer=str(raw["layer"]),
            label=str(raw["label"]), file=str(raw["file"]), points=int(raw["points"]),
            faces=int(raw["faces"]), sha256=str(raw["sha256"]), muscle=str(raw.get("muscle", "")),
            anatomy=str(raw.get("anatomy", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise AssetError(f"{where}: part entry {raw.get('id', '?') if isinstance(raw, dict) else '?'}: "
                         f"missing or invalid field {exc}") from None


class MeshLibrary:
    """The built meshes of one level of detail.

    Parameters
    ----------
    assets_dir
        The ``assets/meshes`` folder.
    lod
        0 (GPU) or 1 (software GL); ``None`` picks 1 when it exists.
    """

    def __init__(self, assets_dir: Path | str, lod: int | None = None):
        self.assets_dir = Path(assets_dir)
        path = self.assets_dir / MANIFEST
        shown = str(path)
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AssetError(f"{shown}: not found - run 'python -m viewer build-assets'") from None
        except (OSError, ValueError) as exc:
            raise AssetError(f"{shown}: cannot be read as JSON ({exc})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise AssetError(f"{shown}: field 'format': expected {FORMAT}")
        lods = manifest.get("lods") or {}
        available = sorted(int(k) for k in lods)
        if not available:
            raise AssetError(f"{shown}: field 'lods': no level of detail listed")
        if lod is None:
            lod = 1 if 1 in available else available[0]
        if lod not in available:
            raise AssetError(f"{shown}: level of detail {lod} not built (have {available})")
        self.lod = lod
        self.available_lods = tuple(available)
        self.stature_m = float(manifest.get("stature_m", 1.755))
        self.regions: tuple[str, ...] = tuple(manifest.get("regions", ()))
        self.landmarks: dict[str, np.ndarray] = {
            k: np.asarray(v, dtype=np.float64) for k, v in (manifest.get("landmarks") or {}).items()
        }
        where = f"{shown}: lods.{lod}"
        self.parts: tuple[PartInfo, ...] = tuple(_part(p, where) for p in lods[str(lod)].get("parts", []))
        self._by_id = {p.id: p for p in self.parts}
        self._cache: dict[str, MeshData] = {}
        self._load_lock = threading.Lock()
        self.manifest = manifest

    def part(self, part_id: str) -> PartInfo:
        return self._by_id[part_id]

    def has_part(self, part_id: str) -> bool:
        return part_id in self._by_id

    def parts_of_kind(self, kind: str) -> tuple[PartInfo, ...]:
        return tuple(p for p in self.parts if p.kind == kind)

    def parts_of_muscle(self, muscle_id: str) -> tuple[PartInfo, ...]:
        return tuple(p for p in self.parts if p.muscle == muscle_id)

    def skin_part(self) -> PartInfo:
        skins = self.parts_of_kind("skin")
        if not skins:
            raise AssetError(f"{self.assets_dir / MANIFEST}: no skin part in lod {self.lod}")
        return skins[0]

    def load(self, part_id: str) -> MeshData:
        """Load (once) and return the arrays of a part; raise :class:`AssetError` if corrupt."""
        mesh = self._cache.get(part_id)
        if mesh is not None:
            return mesh
        with self._load_lock:  # one reader at a time: a part is never read twice
            mesh = self._cache.get(part_id)
            if mesh is None:
                mesh = self._read(part_id)
                self._cache[part_id] = mesh
            return mesh

    def preload_in_background(self) -> threading.Thread:
        """Load every part in a daemon thread (decompression releases the GIL, so this overlaps
        with start-up work on the main thread). A part that fails to load is left out: the
        caller that asks for it gets the :class:`AssetError`."""
        def run() -> None:
            for info in self.parts:
                try:
                    self.load(info.id)
                except AssetError:
                    continue

        thread = threading.Thread(target=run, name="mesh-preload", daemon=True)
        thread.start()
        return thread

    def _read(self, part_id: str) -> MeshData:
        info = self._by_id[part_id]
        path = self.assets_dir / info.file
        try:
            with np.load(path, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except FileNotFoundError:
            raise AssetError(f"{path}: missing (listed for part '{part_id}' in the manifest)") from None
        except (OSError, ValueError) as exc:
            raise AssetError(f"{path}: cannot be read ({exc})") from None
        for key in ("points", "faces", "normals"):
            if key not in arrays:
                raise AssetError(f"{path}: array '{key}' is missing")
        points, faces, normals = arrays.pop("points"), arrays.pop("faces"), arrays.pop("normals")
        if points.ndim != 2 or points.shape[1] != 3 or faces.ndim != 2 or faces.shape[1] != 3:
            raise AssetError(f"{path}: 'points' and 'faces' must have shape (n, 3)")
        if faces.size and (faces.min() < 0 or faces.max() >= len(points)):
            raise AssetError(f"{path}: 'faces' index a vertex that does not exist")
        return MeshData(points, faces, normals, arrays)

    def verify(self) -> list[str]:
        """Check every part's file against the manifest; return one message per problem."""
        problems = []
        for info in self.parts:
            try:
                mesh = self.load(info.id)
            except AssetError as exc:
                problems.append(str(exc))
                continue
            path = self.assets_dir / info.file
            if (mesh.n_points, mesh.n_faces) != (info.points, info.faces):
                problems.append(f"{path}: has {mesh.n_points} points / {mesh.n_faces} faces, "
                                f"manifest says {info.points} / {info.faces}")
            elif geometry_hash(mesh.points, mesh.faces) != info.sha256:
                problems.append(f"{path}: geometry hash differs from the manifest (rebuild the assets)")
        return problems
