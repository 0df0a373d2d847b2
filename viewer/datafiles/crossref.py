"""Cross-reference checks that a schema cannot express: ids exist, are unique, agree."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from viewer.datafiles.errors import Problem
from viewer.datafiles.schema import ArticleFile, MuscleFile, RegionsFile, SourcesFile, ZoneModel


def _hint(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _duplicates(ids: list[str]) -> set[str]:
    seen: set[str] = set()
    return {i for i in ids if i in seen or seen.add(i)}  # type: ignore[func-returns-value]


class _Checker:
    def __init__(self, region_ids: set[str] | None, source_ids: set[str] | None,
                 landmarks: frozenset[str] | None):
        # None: that file did not load, its own problems are reported; skip checks against it
        self.region_ids = region_ids
        self.source_ids = source_ids
        self.landmarks = landmarks
        self.problems: list[Problem] = []

    def add(self, file: str, entry: str, field: str, message: str) -> None:
        self.problems.append(Problem(file, entry, field, message))

    def citations(self, file: str, entry: str, field: str, cites) -> None:  # noqa: ANN001
        if self.source_ids is None:
            return
        for i, cite in enumerate(cites):
            if cite.source not in self.source_ids:
                self.add(file, entry, f"{field}[{i}].source",
                         f"unknown source '{cite.source}'{_hint(cite.source, self.source_ids)}")

    def zone(self, file: str, entry: str, field: str, zone: ZoneModel) -> None:
        for i, region in enumerate(zone.regions):
            if self.region_ids is not None and region not in self.region_ids:
                self.add(file, entry, f"{field}.regions[{i}]",
                         f"unknown region id '{region}'{_hint(region, self.region_ids)}")
        if _duplicates(list(zone.regions)):
            self.add(file, entry, f"{field}.regions", "a region is listed twice")
        for i, shape in enumerate(zone.shapes):
            where = f"{field}.shapes[{i}]"
            if shape.kind == "band" and len(shape.anchors) < 2:
                self.add(file, entry, f"{where}.anchors", "a band needs at least two anchors")
            if shape.kind == "ellipse" and (not shape.toward or shape.minor_mm <= 0):
                self.add(file, entry, where, "an ellipse needs 'toward' and 'minor_mm' > 0")
            if self.landmarks is None:
                continue
            names = list(shape.anchors) + ([shape.toward] if shape.toward else [])
            for name in names:
                if name not in self.landmarks:
                    self.add(file, entry, where,
                             f"unknown landmark '{name}'{_hint(name, self.landmarks)}")


def cross_check(
    regions: RegionsFile | None,
    sources: SourcesFile | None,
    muscles: list[tuple[str, MuscleFile]],
    articles: list[tuple[str, ArticleFile]],
    landmarks: frozenset[str] | None,
) -> list[Problem]:
    """Return every cross-reference problem (empty when all ids agree)."""
    region_ids = {r.id for r in regions.regions} if regions else None
    source_ids = {s.id for s in sources.sources} if sources else None
    check = _Checker(region_ids, source_ids, landmarks)
    if regions:
        for dup in sorted(_duplicates([r.id for r in regions.regions])):
            check.add("data/regions.yaml", dup, "id", "region id is defined twice")
    if sources:
        for dup in sorted(_duplicates([s.id for s in sources.sources])):
            check.add("data/sources.yaml", dup, "id", "source id is defined twice")

    muscle_ids = {doc.muscle.id for _, doc in muscles}
    tp_ids: dict[str, str] = {}
    for file, doc in muscles:
        m = doc.muscle
        stem = file.rsplit("/", 1)[-1].removesuffix(".yaml")
        if stem != m.id:
            check.add(file, m.id, "muscle.id", f"must match the file name '{stem}'")
        check.citations(file, m.id, "muscle.sources", m.sources)
        for i, other in enumerate(m.related_muscles):
            if other not in muscle_ids:
                check.add(file, m.id, f"muscle.related_muscles[{i}]",
                          f"unknown muscle '{other}'{_hint(other, muscle_ids)}")
        parts = set(m.parts) or {m.id}
        for tp in doc.trigger_points:
            if tp.id in tp_ids:
                check.add(file, tp.id, "id", f"trigger point id already used in {tp_ids[tp.id]}")
            tp_ids[tp.id] = file
            if tp.location.part and tp.location.part not in parts:
                check.add(file, tp.id, "location.part",
                          f"'{tp.location.part}' is not a part of {m.id} ({', '.join(sorted(parts))})")
            check.zone(file, tp.id, "referral.essential", tp.referral.essential)
            check.zone(file, tp.id, "referral.spillover", tp.referral.spillover)
            if not tp.referral.essential.regions:
                check.add(file, tp.id, "referral.essential.regions", "the essential zone needs at least one region")
            both = set(tp.referral.essential.regions) & set(tp.referral.spillover.regions)
            if both:
                check.add(file, tp.id, "referral.spillover.regions",
                          f"region(s) {', '.join(sorted(both))} already in the essential zone")
            check.citations(file, tp.id, "sources", tp.sources)
    all_ids = set(tp_ids) | muscle_ids
    for file, doc in muscles:
        for tp in doc.trigger_points:
            for i, other in enumerate(tp.related):
                if other not in all_ids:
                    check.add(file, tp.id, f"related[{i}]",
                              f"unknown trigger point or muscle '{other}'{_hint(other, all_ids)}")
    for file, art in articles:
        check.citations(file, art.id, "sources", art.sources)
    return check.problems
