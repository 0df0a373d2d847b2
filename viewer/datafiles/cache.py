"""A start-up cache of the validated catalog.

Reading and validating every YAML file costs about 0.35 s of every start on a modest laptop.
The validated :class:`~viewer.domain.model.Catalog` is kept as a pickle in the user's cache
folder, keyed by every data file's path, size and modification time (and by this module's
format version and the app version): any edit of a data file makes a new key, so the files are
validated again and problems are reported exactly as without the cache. A cache that cannot
be read or written is ignored; it never stops the app. ``python -m viewer check`` always
validates the files themselves.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from viewer.domain.model import Catalog

FORMAT = 1
_KEEP = 3  # cache files kept per folder (one per data folder or version in use)


def cache_dir() -> Path:
    """``TRIGGER_ATLAS_CACHE``, else the platform's user cache folder."""
    explicit = os.environ.get("TRIGGER_ATLAS_CACHE")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "trigger-atlas"


def catalog_key(data_dir: Path) -> str:
    """Digest of every data file's path, size and modification time."""
    import viewer

    digest = hashlib.sha256(f"{FORMAT}|{viewer.__version__}|{data_dir.resolve()}".encode())
    for path in sorted(p for p in data_dir.rglob("*.yaml") if p.is_file()):
        st = path.stat()
        digest.update(f"|{path.relative_to(data_dir).as_posix()}|{st.st_size}|{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def cache_path(data_dir: Path | str, folder: Path | None = None) -> Path:
    """Where the catalog of ``data_dir`` is (or would be) cached."""
    return (folder or cache_dir()) / f"catalog-{catalog_key(Path(data_dir))}.pickle"


def is_cached(data_dir: Path | str, folder: Path | None = None) -> bool:
    """True when a cache file exists for ``data_dir`` as it is now (it may still be unreadable)."""
    data_dir = Path(data_dir)
    return data_dir.is_dir() and cache_path(data_dir, folder).is_file()


def cached_catalog(data_dir: Path | str, folder: Path | None = None) -> Catalog:
    """The catalog of ``data_dir``, from the cache when the files are unchanged.

    The validators (yaml + pydantic) are imported only on a miss. Raises
    :class:`~viewer.datafiles.errors.DataError` like :func:`load_catalog`.
    """
    data_dir = Path(data_dir)
    path = cache_path(data_dir, folder) if data_dir.is_dir() else None
    catalog = _read(path) if path is not None else None
    if catalog is not None:
        return catalog
    from viewer.datafiles.load import load_catalog  # yaml + pydantic: only when validating

    catalog = load_catalog(data_dir)  # reports a missing folder or a broken file
    _write(path, catalog)
    return catalog


def _read(path: Path) -> Catalog | None:
    try:
        fh = path.open("rb")
    except OSError:  # not cached yet, or no usable cache folder
        return None
    try:
        with fh:
            catalog = pickle.load(fh)
    except Exception:  # noqa: BLE001 - a damaged or outdated cache file is just thrown away
        discard(path)
        return None
    return catalog if isinstance(catalog, Catalog) else None


def _write(path: Path, catalog: Catalog) -> None:
    write_atomically(path, lambda fh: pickle.dump(catalog, fh, protocol=pickle.HIGHEST_PROTOCOL))


def discard(path: Path) -> None:
    """Remove a damaged cache file (if it can be removed)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def write_atomically(path: Path, write, keep: int = _KEEP) -> None:
    """Write a cache file through ``write(binary_file)``: readers see the old file or the whole
    new one, never half of it. Then keep only the ``keep`` newest files of the same kind (the
    name up to its first '-'). A file-system problem (read-only home, full disk) is ignored:
    the app then starts without this cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        kind = path.name.split("-", 1)[0]
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{kind}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
        files = sorted(path.parent.glob(f"{kind}-*{path.suffix}"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in files[keep:]:
            old.unlink(missing_ok=True)
    except OSError:
        return
