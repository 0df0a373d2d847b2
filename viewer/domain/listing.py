"""Plain rows (JSON-ready dicts) describing the catalog, for ``python -m viewer list``."""

from __future__ import annotations

from viewer.domain.model import Catalog


def muscle_rows(catalog: Catalog) -> list[dict]:
    return [{"id": m.id, "name": m.name, "latin": m.latin, "aliases": list(m.aliases),
             "group": m.group, "layer": m.layer.value, "parts": list(m.parts),
             "trigger_points": [t.id for t in catalog.trigger_points_of(m.id)]}
            for m in catalog.muscles]


def trigger_point_rows(catalog: Catalog) -> list[dict]:
    return [{"id": t.id, "name": t.name, "muscle": t.muscle,
             "essential_regions": list(t.referral.essential.regions),
             "spillover_regions": list(t.referral.spillover.regions),
             "hazards": list(t.hazard_kinds),
             "hazard_details": [{"kind": h.kind.value, "structure": h.structure} for h in t.hazards],
             "confidence": t.confidence.value}
            for t in catalog.trigger_points]


def region_rows(catalog: Catalog) -> list[dict]:
    return [{"id": r.id, "name": r.name, "group": r.group, "midline": r.midline,
             "description": r.description} for r in catalog.regions]


_LISTS = {"muscles": muscle_rows, "trigger-points": trigger_point_rows, "regions": region_rows}


def listing(catalog: Catalog, what: str) -> list[dict]:
    """Rows for ``what`` in ``{'muscles', 'trigger-points', 'regions'}``."""
    return _LISTS[what](catalog)
