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
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
        return None
    return catalog if isinstance(catalog, Catalog) else None


def _write(path: Path, catalog: Catalog) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".catalog-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(catalog, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        _prune(path.parent)
    except OSError:
        return  # read-only home, full disk: start without a cache


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("catalog-*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[_KEEP:]:
        old.unlink(missing_ok=True)
