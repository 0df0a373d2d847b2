"""The data layer: ``data/`` YAML files -> a validated, frozen :class:`~viewer.domain.model.Catalog`."""

from viewer.datafiles.errors import DataError, Problem
from viewer.datafiles.load import load_catalog

__all__ = ["DataError", "Problem", "load_catalog"]
