"""The data layer: ``data/`` YAML files -> a validated, frozen :class:`~viewer.domain.model.Catalog`.

``load_catalog`` (yaml + pydantic) is imported on first use: a start that finds the catalog in
the cache (:mod:`viewer.datafiles.cache`) never needs the validators.
"""

from viewer.datafiles.errors import DataError, Problem

__all__ = ["DataError", "Problem", "load_catalog"]


def __getattr__(name: str):
    if name == "load_catalog":
        from viewer.datafiles.load import load_catalog

        return load_catalog
    raise AttributeError(f"module 'viewer.datafiles' has no attribute {name!r}")
