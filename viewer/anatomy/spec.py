"""Read the declarative anatomy files of ``data/anatomy/`` with clear error messages.

Files: ``landmarks.yaml`` (shared), ``build.yaml`` (stature, pose, resolutions),
``bones.yaml``, ``skin.yaml``, ``muscles/*.yaml``. Every geometric number lives in these files;
this module only checks types and names and hands out :class:`Entry` views that report the
file, entry and field of any bad value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from viewer.anatomy.errors import AnatomyDataError
from viewer.anatomy.points import Landmark, Skeleton

_MISSING = object()


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. (YAML 1.1 reads the key 'off' as False.)"""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


@dataclass(frozen=True)
class Entry:
    """One record of a data file; field access raises :class:`AnatomyDataError` on bad input."""

    where: str
    name: str
    raw: dict

    def get(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.raw:
            return self.raw[key]
        if default is _MISSING:
            raise AnatomyDataError(self.where, self.name, key, "missing")
        return default

    def number(self, key: str, default: Any = _MISSING) -> float:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnatomyDataError(self.where, self.name, key, f"expected a number, got {value!r}")
        return float(value)

    def numbers(self, key: str, length: int | None = None, default: Any = _MISSING) -> list[float]:
        value = self.get(key, default)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            raise AnatomyDataError(self.where, self.name, key, f"expected a list of numbers, got {value!r}")
        if length is not None and len(value) != length:
            raise AnatomyDataError(self.where, self.name, key, f"expected {length} numbers, got {len(value)}")
        return [float(v) for v in value]

    def choice(self, key: str, options: tuple[str, ...], default: Any = _MISSING) -> str:
        value = self.get(key, default)
        if value not in options:
            raise AnatomyDataError(self.where, self.name, key, f"expected one of {', '.join(options)}, got {value!r}")
        return str(value)

    def fail(self, key: str, problem: str) -> AnatomyDataError:
        return AnatomyDataError(self.where, self.name, key, problem)


@dataclass
class AnatomyData:
    root: Path
    skeleton: Skeleton
    build: Entry
    bones: list[Entry]
    ribs: Entry | None
    skin: Entry
    fillers: list[Entry]
    muscles: list[Entry] = field(default_factory=list)
    region_ids: tuple[str, ...] = ()


def _read(path: Path, shown: str) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe loader subclass
    except FileNotFoundError:
        raise AnatomyDataError(shown, "-", "-", "file not found") from None
    except yaml.YAMLError as exc:
        raise AnatomyDataError(shown, "-", "-", f"not valid YAML ({str(exc).splitlines()[0]})") from None


def _named_list(raw: Any, key: str, shown: str, name_key: str = "id") -> list[Entry]:
    if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
        raise AnatomyDataError(shown, "-", key, "expected a list")
    out, seen = [], set()
    for i, item in enumerate(raw[key]):
        if not isinstance(item, dict) or not isinstance(item.get(name_key), str):
            raise AnatomyDataError(shown, f"#{i + 1}", name_key, "each entry needs a string name")
        name = item[name_key]
        if name in seen:
            raise AnatomyDataError(shown, name, name_key, "duplicate")
        seen.add(name)
        out.append(Entry(shown, name, item))
    return out


def load_landmarks(path: Path, shown: str) -> tuple[dict[str, Landmark], float]:
    raw = _read(path, shown)
    if not isinstance(raw, dict) or not isinstance(raw.get("landmarks"), dict):
        raise AnatomyDataError(shown, "-", "landmarks", "expected a mapping")
    out = {}
    for name, rec in raw["landmarks"].items():
        entry = Entry(shown, str(name), rec if isinstance(rec, dict) else {})
        xyz = np.asarray(entry.numbers("xyz", 3), dtype=np.float64)
        out[str(name)] = Landmark(str(name), xyz, str(entry.get("bone")))
    return out, float(raw.get("stature_m", 1.755))


def _check_muscle_id(entry: Entry, build: Entry) -> None:
    """A part's ``muscle`` must be a spec id listed in build.yaml (``core_muscles`` or
    ``atlas_muscles``): the ids are contracts shared with the clinical data and the spec."""
    known = {str(m) for key in ("core_muscles", "atlas_muscles") for m in (build.get(key, None) or [])}
    muscle = entry.get("muscle", None)
    if known and str(muscle) not in known:
        raise entry.fail("muscle", f"'{muscle}' is not listed in data/anatomy/build.yaml core_muscles or "
                                   "atlas_muscles (ids of shared/spec/muscles.yaml)")


def load(data_dir: Path) -> AnatomyData:
    """Load and check everything the build reads from ``data_dir`` (the repository's ``data/``)."""
    adir = Path(data_dir) / "anatomy"
    build_raw = _read(adir / "build.yaml", "data/anatomy/build.yaml")
    build = Entry("data/anatomy/build.yaml", "build", build_raw if isinstance(build_raw, dict) else {})
    landmarks, default_stature = load_landmarks(adir / "landmarks.yaml", "data/anatomy/landmarks.yaml")
    stature = build.number("stature_m", default_stature)
    skeleton = Skeleton(landmarks, stature, build.number("abduction_deg"), "data/anatomy/landmarks.yaml")
    bones_raw = _read(adir / "bones.yaml", "data/anatomy/bones.yaml")
    bones = _named_list(bones_raw, "bones", "data/anatomy/bones.yaml")
    ribs = Entry("data/anatomy/bones.yaml", "ribs", bones_raw["ribs"]) if isinstance(bones_raw.get("ribs"), dict) else None
    skin_raw = _read(adir / "skin.yaml", "data/anatomy/skin.yaml")
    skin = Entry("data/anatomy/skin.yaml", "skin", skin_raw if isinstance(skin_raw, dict) else {})
    fillers = _named_list(skin_raw, "fillers", "data/anatomy/skin.yaml")
    muscles: list[Entry] = []
    seen: dict[str, str] = {}
    for path in sorted((adir / "muscles").glob("*.yaml")):
        shown = f"data/anatomy/muscles/{path.name}"
        for entry in _named_list(_read(path, shown), "parts", shown, name_key="anatomy"):
            if entry.name in seen:
                raise entry.fail("anatomy", f"duplicate part (also in {seen[entry.name]})")
            seen[entry.name] = shown
            _check_muscle_id(entry, build)
            muscles.append(entry)
    regions_raw = _read(Path(data_dir) / "regions.yaml", "data/regions.yaml")
    region_ids = tuple(str(r["id"]) for r in (regions_raw or {}).get("regions", []) if isinstance(r, dict) and "id" in r)
    return AnatomyData(adir, skeleton, build, bones, ribs, skin, fillers, muscles, region_ids)
