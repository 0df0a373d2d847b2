"""``load_catalog(data_dir)``: validate every file, cross-check every id, build the Catalog.

Every problem in every file is collected and reported at once (one line each, naming the
file, the entry and the field); nothing is half-loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from viewer.datafiles import convert
from viewer.datafiles.crossref import cross_check
from viewer.datafiles.errors import DataError, Problem
from viewer.datafiles.schema import ArticleFile, MuscleFile, RegionsFile, SourcesFile
from viewer.datafiles.yamlio import read_yaml
from viewer.domain.model import Catalog

LIST_KEYS = {"regions": "regions", "sources": "sources", "trigger_points": "trigger_points"}


def _entry_and_field(raw: Any, loc: tuple) -> tuple[str, str]:
    """Name the entry (an id where the raw data has one) and the dotted field path."""
    entry = ""
    rest = list(loc)
    if len(rest) >= 2 and rest[0] in LIST_KEYS and isinstance(rest[1], int):
        index = rest[1]
        items = raw.get(rest[0]) if isinstance(raw, dict) else None
        item = items[index] if isinstance(items, list) and index < len(items) else None
        ident = item.get("id") if isinstance(item, dict) else None
        entry = str(ident) if ident else f"{rest[0]}[{index}]"
        rest = rest[2:]
    elif rest and rest[0] == "muscle":
        muscle = raw.get("muscle") if isinstance(raw, dict) else None
        ident = muscle.get("id") if isinstance(muscle, dict) else None
        entry = str(ident) if ident else "muscle"
    field = ""
    for part in rest:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    return entry, field


def validate_file(path: Path, model: type[BaseModel], shown_as: str) -> tuple[Any, list[Problem]]:
    """Parse and validate one file against its model."""
    raw, problems = read_yaml(path, shown_as)
    if raw is None:
        return None, problems
    try:
        return model.model_validate(raw), []
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            entry, field = _entry_and_field(raw, tuple(err["loc"]))
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "unknown field (check the spelling)"
            elif "input" in err and err["type"] not in ("missing",) and not isinstance(err["input"], (dict, list)):
                message += f" (got {err['input']!r})"
            out.append(Problem(shown_as, entry, field, message))
        return None, out


def _shown(path: Path, data_dir: Path) -> str:
    try:
        return str(Path(data_dir.name) / path.relative_to(data_dir))
    except ValueError:
        return str(path)


def load_landmark_names(data_dir: Path) -> frozenset[str] | None:
    """Names of the anatomical landmarks zone shapes may anchor to (None if no file)."""
    path = data_dir / "anatomy" / "landmarks.yaml"
    if not path.exists():
        return None
    raw, problems = read_yaml(path, _shown(path, data_dir))
    if raw is None or not isinstance(raw.get("landmarks"), dict):
        return None
    return frozenset(raw["landmarks"])


def load_catalog(data_dir: Path | str) -> Catalog:
    """Load and validate ``data_dir``; raise :class:`DataError` listing every problem."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if not data_dir.is_dir():
        raise DataError([Problem(str(data_dir), "", "", "data folder not found")])

    def one(name: str, model: type[BaseModel]) -> Any:
        path = data_dir / name
        if not path.exists():
            problems.append(Problem(_shown(path, data_dir), "", "", "file is missing"))
            return None
        doc, found = validate_file(path, model, _shown(path, data_dir))
        problems.extend(found)
        return doc

    regions = one("regions.yaml", RegionsFile)
    sources = one("sources.yaml", SourcesFile)
    for path in sorted((data_dir / "sources").glob("*.yaml")):
        extra, found = validate_file(path, SourcesFile, _shown(path, data_dir))
        problems.extend(found)
        if extra is not None and sources is not None:
            sources = SourcesFile(version=1, sources=[*sources.sources, *extra.sources])
    muscles: list[tuple[str, MuscleFile]] = []
    for path in sorted((data_dir / "muscles").glob("*.yaml")):
        doc, found = validate_file(path, MuscleFile, _shown(path, data_dir))
        problems.extend(found)
        if doc is not None:
            muscles.append((_shown(path, data_dir), doc))
    articles: list[tuple[str, ArticleFile]] = []
    for path in sorted((data_dir / "articles").glob("*.yaml")):
        doc, found = validate_file(path, ArticleFile, _shown(path, data_dir))
        problems.extend(found)
        if doc is not None:
            articles.append((_shown(path, data_dir), doc))
    if not muscles and not problems:
        problems.append(Problem(_shown(data_dir / "muscles", data_dir), "", "", "no muscle files found"))

    problems.extend(
        cross_check(regions, sources, muscles, articles, load_landmark_names(data_dir))
    )
    if problems:
        raise DataError(problems)
    return convert.to_catalog(regions, sources, [m for _, m in muscles], [a for _, a in articles])
