"""The pain finder: from where it hurts to the trigger points that refer there, ranked.

A pain drawing is a mapping ``(region_id, side) -> painted amount`` (area, or 1.0 per ticked
region); ``side`` is ``"left"``, ``"right"`` or ``None`` when the side is not known. Every
trigger point is scored on each side as

* **coverage**: the share of the whole drawing that its zones cover, the essential zone
  counting fully and the spillover zone at :data:`SPILLOVER_WEIGHT`; and
* **specificity**: the share of its own pattern that the drawing fills.

``score = 100 * (COVERAGE_WEIGHT * coverage + (1 - COVERAGE_WEIGHT) * specificity)``, so
covering the drawing matters more than merely touching it, and a pattern that explains the
whole drawing beats one that explains a corner of it. Referral is ipsilateral: paint on the
right matches right-side trigger points; midline regions match both sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from viewer.domain.model import Catalog, TriggerPoint

SPILLOVER_WEIGHT = 0.5
COVERAGE_WEIGHT = 0.75
_CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}

Painted = Mapping[tuple[str, "str | None"], float]


@dataclass(frozen=True)
class Candidate:
    """One ranked answer of the pain finder, with the reason for its place."""

    trigger_point: str
    muscle: str
    side: str | None
    score: float
    coverage: float
    specificity: float
    essential_hits: tuple[str, ...]
    spillover_hits: tuple[str, ...]
    reason: str


class PainDrawingError(ValueError):
    """An unusable drawing (unknown region, bad side, negative amount)."""


def _validate(catalog: Catalog, painted: Painted) -> dict[tuple[str, str | None], float]:
    clean: dict[tuple[str, str | None], float] = {}
    for key, amount in painted.items():
        region, side = key
        if not catalog.has_region(region):
            raise PainDrawingError(f"unknown region '{region}'")
        if side not in ("left", "right", None):
            raise PainDrawingError(f"side must be 'left', 'right' or unknown, not {side!r}")
        if amount < 0:
            raise PainDrawingError(f"painted amount of '{region}' is negative")
        if amount > 0:
            clean[key] = clean.get(key, 0.0) + float(amount)
    return clean


def _matches_side(catalog: Catalog, region: str, painted_side: str | None, tp_side: str | None) -> bool:
    if painted_side is None or tp_side is None:
        return True
    return painted_side == tp_side or catalog.region(region).midline


def _score_one(catalog: Catalog, tp: TriggerPoint, side: str | None, drawing: dict, total: float):
    essential = set(tp.referral.essential.regions)
    spillover = set(tp.referral.spillover.regions)
    covered = 0.0
    ess_hits: dict[str, float] = {}
    spill_hits: dict[str, float] = {}
    for (region, painted_side), amount in drawing.items():
        if not _matches_side(catalog, region, painted_side, side):
            continue
        if region in essential:
            covered += amount
            ess_hits[region] = ess_hits.get(region, 0.0) + amount
        elif region in spillover:
            covered += SPILLOVER_WEIGHT * amount
            spill_hits[region] = spill_hits.get(region, 0.0) + amount
    if not ess_hits and not spill_hits:
        return None
    pattern = len(essential) + SPILLOVER_WEIGHT * len(spillover)
    filled = len(ess_hits) + SPILLOVER_WEIGHT * len(spill_hits)
    coverage = covered / total
    specificity = filled / pattern if pattern else 0.0
    score = 100.0 * (COVERAGE_WEIGHT * coverage + (1.0 - COVERAGE_WEIGHT) * specificity)
    return score, coverage, specificity, ess_hits, spill_hits


def _reason(catalog: Catalog, ess: dict[str, float], spill: dict[str, float], total: float) -> str:
    def part(label: str, hits: dict[str, float]) -> str:
        names = ", ".join(catalog.region(r).name.lower() for r in sorted(hits))
        share = 100.0 * sum(hits.values()) / total
        shown = "<1" if share < 0.5 else f"{share:.0f}"
        return f"{label} zone covers {names} ({shown} % of the drawing)"

    parts = [part("essential", ess)] if ess else []
    if spill:
        parts.append(part("spillover", spill))
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def rank(
    catalog: Catalog,
    painted: Painted,
    *,
    side: str | None = None,
    top: int | None = None,
) -> list[Candidate]:
    """Rank the trigger points whose referral zones cover the drawing.

    Parameters
    ----------
    catalog
        The validated content.
    painted
        ``(region_id, side) -> amount``; ``side`` may be ``None`` (unknown side).
    side
        Force every painted area onto this side (the command line's ``--side``).
    top
        Keep only the first ``top`` candidates.
    """
    drawing = _validate(catalog, painted)
    if side is not None:
        if side not in ("left", "right"):
            raise PainDrawingError(f"side must be 'left' or 'right', not {side!r}")
        forced: dict[tuple[str, str | None], float] = {}
        for (region, _), amount in drawing.items():
            forced[(region, side)] = forced.get((region, side), 0.0) + amount
        drawing = forced
    total = sum(drawing.values())
    if total <= 0:
        return []
    sides: list[str | None] = sorted({s for (_, s) in drawing if s is not None}) or [None]
    found: list[Candidate] = []
    for tp in catalog.trigger_points:
        for tp_side in sides:
            scored = _score_one(catalog, tp, tp_side, drawing, total)
            if scored is None:
                continue
            score, coverage, specificity, ess, spill = scored
            found.append(Candidate(
                trigger_point=tp.id, muscle=tp.muscle, side=tp_side, score=round(score, 2),
                coverage=round(coverage, 4), specificity=round(specificity, 4),
                essential_hits=tuple(sorted(ess)), spillover_hits=tuple(sorted(spill)),
                reason=_reason(catalog, ess, spill, total),
            ))
    conf = {tp.id: _CONFIDENCE_ORDER[tp.confidence.value] for tp in catalog.trigger_points}
    found.sort(key=lambda c: (-c.score, -len(c.essential_hits), conf[c.trigger_point], c.trigger_point, c.side or ""))
    return found[:top] if top else found


def ranked_muscles(candidates: Iterable[Candidate]) -> list[str]:
    """The distinct muscles of ranked candidates, in order of their best trigger point."""
    return list(dict.fromkeys(c.muscle for c in candidates))


def drawing_from_regions(regions: Iterable[str], side: str | None = None) -> dict[tuple[str, str | None], float]:
    """A drawing that ticks whole regions (one unit each), as the region list does."""
    return {(r, side): 1.0 for r in regions}
