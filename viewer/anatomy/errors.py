"""Errors of the asset build: bad anatomy data, and failed quality gates."""

from __future__ import annotations


class AnatomyDataError(ValueError):
    """A data file under ``data/anatomy`` is wrong; the message names file, entry and field."""

    def __init__(self, where: str, entry: str, field: str, problem: str):
        self.where, self.entry, self.field, self.problem = where, entry, field, problem
        super().__init__(f"{where}: entry '{entry}': field '{field}': {problem}")

    def __reduce__(self):
        # Raised in the bone worker process: pickled back with all four arguments (the default
        # re-creates it from the message alone, fails to unpickle and leaves the build waiting).
        return (type(self), (self.where, self.entry, self.field, self.problem))


class BuildError(RuntimeError):
    """A quality gate failed; the message is the multi-line gate report."""
