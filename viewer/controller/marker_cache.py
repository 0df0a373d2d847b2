"""A start-up cache of the trigger-point marker places.

Placing the 266 markers (a frame lookup and two nearest-surface searches each) costs about
0.27 s of CPU at every start [measured, LOD1, 2-core laptop], on the core the mesh loading
also needs. The result only depends on the meshes of one level of detail and on the
trigger points' locations, so it is kept in the user's cache folder (next to the catalog
cache), keyed by the SHA-256 of every part in the manifest, each trigger point's location and
the marker lifts. Any rebuilt asset or edited location makes a new key. A file that cannot be
read is thrown away and the markers are placed again; a folder that cannot be written is
ignored: the cache never stops the app.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from viewer.datafiles.cache import cache_dir, discard, write_atomically
from viewer.domain.model import Catalog
from viewer.geometry.meshes import MeshLibrary
from viewer.state import Selection

FORMAT = 2  # 2: the parts covering each marker
_KEEP = 3  # cache files kept (one per asset build / level of detail in use)
_VECTORS = ("point", "normal", "muscle_point", "on_muscle", "muscle_normal")


def marker_key(catalog: Catalog, library: MeshLibrary, lifts: tuple[float, ...]) -> str:
    """Digest of everything a marker place depends on."""
    digest = hashlib.sha256(f"{FORMAT}|{library.lod}|{lifts}".encode())
    for info in library.parts:
        digest.update(f"|{info.id}:{info.sha256}".encode())
    for tp in catalog.trigger_points:
        loc = tp.location
        digest.update(f"|{tp.id}:{loc.part}:{loc.s!r}:{loc.t!r}:{loc.depth!r}".encode())
    return digest.hexdigest()[:32]


def cache_path(key: str, folder: Path | None = None) -> Path:
    return (folder or cache_dir()) / f"markers-{key}.npz"


def read_places(path: Path, make) -> dict | None:
    """The cached places (built with ``make(point, normal, vertex, muscle_point, part, on_muscle,
    muscle_normal, covers)``), or None when there is no usable file."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        n = len(arrays["tp"])
        if any(arrays[k].shape != (n, 3) for k in _VECTORS) or arrays["vertex"].shape != (n,):
            raise ValueError("inconsistent shapes")
        covers = _read_covers(arrays, n)
        out = {}
        for i in range(n):
            on_muscle, muscle_normal = arrays["on_muscle"][i], arrays["muscle_normal"][i]
            missing = bool(np.isnan(on_muscle).any() or np.isnan(muscle_normal).any())
            out[Selection(str(arrays["tp"][i]), str(arrays["side"][i]))] = make(
                arrays["point"][i], arrays["normal"][i], int(arrays["vertex"][i]), arrays["muscle_point"][i],
                str(arrays["part"][i]), None if missing else on_muscle, None if missing else muscle_normal,
                covers[i])
        return out
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or outdated cache file is just thrown away
        discard(path)
        return None


def _read_covers(arrays: dict, n: int) -> list[tuple]:
    """Per row, its covers (part, point, normal), from the flat cover_* arrays."""
    owner, parts = arrays["cover_owner"], arrays["cover_part"]
    points, normals = arrays["cover_point"], arrays["cover_normal"]
    k = len(owner)
    if parts.shape != (k,) or points.shape != (k, 3) or normals.shape != (k, 3) or (k and not (0 <= owner.min() <= owner.max() < n)):
        raise ValueError("inconsistent covers")
    out: list[list] = [[] for _ in range(n)]
    for j in range(k):
        out[int(owner[j])].append((str(parts[j]), points[j], normals[j]))
    return [tuple(c) for c in out]


def write_places(path: Path, places: dict) -> None:
    """Store ``places`` (Selection -> MarkerPlace); never raises for a file-system problem."""
    nan3 = np.full(3, np.nan)
    keys = list(places)
    rows = [places[k] for k in keys]
    arrays = {
        "tp": np.array([k.tp for k in keys], dtype=str), "side": np.array([k.side for k in keys], dtype=str),
        "part": np.array([r.part for r in rows], dtype=str),
        "vertex": np.array([r.skin_vertex for r in rows], dtype=np.int64),
    }
    for name in _VECTORS:
        values = [getattr(r, name) for r in rows]
        arrays[name] = np.array([nan3 if v is None else np.asarray(v, float) for v in values],
                                dtype=np.float64).reshape(len(rows), 3)
    covers = [(i, c) for i, r in enumerate(rows) for c in r.covers]  # outermost first, kept in order
    arrays["cover_owner"] = np.array([i for i, _ in covers], dtype=np.int64)
    arrays["cover_part"] = np.array([c[0] for _, c in covers], dtype=str)
    arrays["cover_point"] = np.array([c[1] for _, c in covers], dtype=np.float64).reshape(-1, 3)
    arrays["cover_normal"] = np.array([c[2] for _, c in covers], dtype=np.float64).reshape(-1, 3)
    write_atomically(path, lambda fh: np.savez(fh, **arrays), keep=_KEEP)
