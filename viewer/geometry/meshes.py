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
# The muscle ``tone`` array (docs/assets.md): one uint8 per vertex packing two 4-bit levels,
# ``tone = TONE_LEVELS * tendon + stripe``: ``tendon`` 0 (fleshy belly) .. 15 (tendon or
# aponeurosis), ``stripe`` 0 (dark band between fibre bundles) .. 15 (light band). The viewer
# colours it through one shared 256-entry lookup table (:func:`tone_palette`).
TONE = "tone"
TONE_LEVELS = 16
TONE_MAX = TONE_LEVELS - 1


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


def geometry_hash(points: np.ndarray, faces: np.ndarray, tone: np.ndarray | None = None) -> str:
    """SHA-256 of coordinates rounded to 10 micrometres, the face indices and, when the part
    has one, its ``tone`` array (so a changed shading is a changed asset; parts without it hash
    exactly as before the array existed)."""
    digest = hashlib.sha256()
    digest.update(np.round(np.asarray(points, dtype=np.float64) * 1e5).astype(np.int64).tobytes())
    digest.update(np.ascontiguousarray(faces, dtype=np.int32).tobytes())
    if tone is not None:
        digest.update(np.ascontiguousarray(tone, dtype=np.uint8).tobytes())
    return digest.hexdigest()


def pack_tone(tendon: np.ndarray, stripe: np.ndarray) -> np.ndarray:
    """Two fractions in [0, 1] (tendon share, stripe lightness) -> the uint8 ``tone``."""
    hi = np.rint(np.clip(np.asarray(tendon, dtype=float), 0.0, 1.0) * TONE_MAX).astype(np.uint8)
    lo = np.rint(np.clip(np.asarray(stripe, dtype=float), 0.0, 1.0) * TONE_MAX).astype(np.uint8)
    return (hi * TONE_LEVELS + lo).astype(np.uint8)


def unpack_tone(tone: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The uint8 ``tone`` -> (tendon share, stripe lightness), both in [0, 1]."""
    tone = np.asarray(tone, dtype=np.uint8)
    return (tone // TONE_LEVELS) / TONE_MAX, (tone % TONE_LEVELS) / TONE_MAX


def fibre_uv(t: np.ndarray, s: np.ndarray, frame_mid: np.ndarray, period: float) -> np.ndarray:
    """(n, 2) float32 texture coordinates of a muscle's fibre grooves: u counts groove periods
    (``period`` metres) across the fibres from the stored t and the part's mean width (from its
    frame), v runs along them (s). Shared by the viewer and the review renders."""
    step = frame_mid[:, 1:] - frame_mid[:, :-1]
    width = float(np.sqrt((step * step).sum(axis=2)).sum(axis=1).mean())
    periods = max(2.0, round(width / period))
    uv = np.empty((len(t), 2), dtype=np.float32)
    uv[:, 0] = t
    uv[:, 0] *= periods
    uv[:, 1] = s
    return uv


def groove_profile(depth: float, texels: int = 16) -> np.ndarray:
    """One period of the fibre-groove texture, uint8 grey levels: a smooth (raised cosine
    squared) groove ``depth`` deep, so that where a period shrinks to a couple of pixels it
    fades into a faint texture instead of a hard moire."""
    x = (np.arange(texels) + 0.5) / texels
    shade = 1.0 - depth * (0.5 + 0.5 * np.cos(2 * np.pi * x)) ** 2
    return np.round(255 * shade).astype(np.uint8)


def groove_image(shade: float) -> np.ndarray:
    """The fibre-groove texture image (1, texels, 3): grey down to ``shade`` at the groove's
    deepest (the app and the build's review renders share it)."""
    return np.repeat(groove_profile(1.0 - shade)[None, :, None], 3, axis=2)


def tone_palette(belly: np.ndarray, tendon: np.ndarray, striation: float, tendon_striation: float) -> np.ndarray:
    """(256, 3) float RGB for every ``tone``: the belly colour darkened by up to ``striation``
    in the dark bands, blended towards the tendon colour (whose bands are ``tendon_striation``
    deep: a tendon's collagen bundles are parallel too, but barely show)."""
    share, stripe = unpack_tone(np.arange(TONE_LEVELS * TONE_LEVELS))
    dark = (1.0 - stripe)[:, None]
    flesh = np.asarray(belly, dtype=float)[None] * (1.0 - striation * dark)
    sinew = np.asarray(tendon, dtype=float)[None] * (1.0 - tendon_striation * dark)
    return np.clip(flesh * (1.0 - share[:, None]) + sinew * share[:, None], 0.0, 1.0)


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
        tone = arrays.get(TONE)
        if tone is not None and (tone.dtype != np.uint8 or tone.shape != (len(points),)):
            raise AssetError(f"{path}: array '{TONE}' must be uint8 with one value per point "
                             f"(got {tone.dtype} {tone.shape})")
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
            elif geometry_hash(mesh.points, mesh.faces, mesh.arrays.get(TONE)) != info.sha256:
                problems.append(f"{path}: geometry hash differs from the manifest (rebuild the assets)")
        return problems
