"""Load and check ``data/anatomy/regions_rules.yaml`` (the declarative region atlas).

Bad input raises :class:`viewer.datafiles.errors.DataError` whose lines name the file, the
entry and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from viewer.datafiles.errors import DataError, Problem

CONDITIONS = frozenset({"x", "y", "z", "above", "below", "above_yz", "below_yz", "front_of",
                        "behind", "lateral_of", "medial_of", "chain", "near", "facing"})
_CHAIN_KEYS = frozenset({"name", "u", "radius", "sector", "outward"})


@dataclass(frozen=True)
class Chain:
    """A bone axis: start and end points and the direction called 'front' (sector 0)."""

    start: Any
    end: Any
    front: Any


@dataclass(frozen=True)
class Segment:
    name: str
    when: dict


@dataclass(frozen=True)
class Rule:
    """Label the free vertices that meet every condition: with one region, or split them
    between several regions by the nearest anchor line (fingers, toes)."""

    region: str | None
    split: dict | None
    segments: tuple[str, ...]
    when: dict


@dataclass(frozen=True)
class Rules:
    source: str
    points: dict
    chains: dict
    segments: tuple[Segment, ...]
    rules: tuple[Rule, ...]
    anchors: dict
    reseed_radius: float

    def regions_used(self) -> set[str]:
        used = set(self.anchors)
        for r in self.rules:
            used |= {r.region} if r.region else set(r.split)
        return used


def load_rules(path: Path | str) -> Rules:
    """Parse and check the rules file; every problem is reported, not just the first."""
    path = Path(path)
    shown = path.name
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (safe)
    except (OSError, yaml.YAMLError) as exc:
        raise DataError([Problem(shown, "", "", f"cannot read: {exc}".splitlines()[0])]) from None
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise DataError([Problem(shown, "", "", "expected a mapping at the top level")])
    chains = {}
    for name, c in (raw.get("chains") or {}).items():
        if not isinstance(c, dict) or not {"from", "to", "front"} <= set(c):
            problems.append(Problem(shown, f"chains.{name}", "from/to/front",
                                    "all three are required"))
            continue
        chains[name] = Chain(c["from"], c["to"], c["front"])
    segments = []
    for i, s in enumerate(raw.get("segments") or []):
        entry = f"segments[{i}]"
        if not isinstance(s, dict) or "name" not in s:
            problems.append(Problem(shown, entry, "name", "required"))
            continue
        segments.append(Segment(s["name"], _when(s, shown, entry, chains, problems, {"name"})))
    names = {s.name for s in segments} | {"trunk"}
    rules = []
    for i, r in enumerate(raw.get("rules") or []):
        rules.append(_rule(r, shown, f"rules[{i}]", chains, names, problems))
    anchors = raw.get("anchors") or {}
    if not isinstance(anchors, dict):
        problems.append(Problem(shown, "anchors", "", "expected a mapping region -> point"))
        anchors = {}
    radius = raw.get("reseed_radius", 0.01)
    if not isinstance(radius, (int, float)) or radius <= 0:
        problems.append(Problem(shown, "reseed_radius", "", "expected a positive number"))
    if problems:
        raise DataError(problems)
    return Rules(shown, dict(raw.get("points") or {}), chains, tuple(segments), tuple(rules),
                 dict(anchors), float(radius))


def _rule(r: Any, shown: str, entry: str, chains: dict, segment_names: set,
          problems: list[Problem]) -> Rule:
    if not isinstance(r, dict):
        problems.append(Problem(shown, entry, "", "expected a mapping"))
        return Rule(None, {}, (), {})
    entry = f"{entry} ({r.get('region', 'split')})"
    region, split = r.get("region"), r.get("split")
    if (region is None) == (split is None):
        problems.append(Problem(shown, entry, "region/split", "give exactly one of them"))
    if split is not None and not (isinstance(split, dict) and split):
        problems.append(Problem(shown, entry, "split", "expected a mapping region -> line"))
        split = {}
    seg = r.get("segment") or []
    seg = (seg,) if isinstance(seg, str) else tuple(seg)
    for s in seg:
        if s not in segment_names:
            problems.append(Problem(shown, entry, "segment", f"unknown segment '{s}'"))
    when = _when(r, shown, entry, chains, problems, {"region", "split", "segment"})
    return Rule(region, split, seg, when)


def _when(raw: dict, shown: str, entry: str, chains: dict, problems: list[Problem],
          own: set[str]) -> dict:
    when = {}
    for key, arg in raw.items():
        if key in own:
            continue
        if key not in CONDITIONS:
            problems.append(Problem(shown, entry, key, f"unknown condition; use one of "
                                    f"{sorted(CONDITIONS)}"))
            continue
        if key == "chain":
            bad = set(arg) - _CHAIN_KEYS if isinstance(arg, dict) else {"?"}
            if bad or arg.get("name") not in chains:
                problems.append(Problem(shown, entry, "chain",
                                        f"needs a known chain name and only {sorted(_CHAIN_KEYS)}"))
                continue
        if key == "near" and not (isinstance(arg, dict) and "r" in arg
                                  and ("point" in arg or "line" in arg)):
            problems.append(Problem(shown, entry, "near", "needs r and a point or a line"))
            continue
        if key in ("x", "y", "z") and not (isinstance(arg, list) and len(arg) == 2):
            problems.append(Problem(shown, entry, key, "expected [low, high] (null = open)"))
            continue
        when[key] = arg
    return when
