"""Validated file models -> frozen domain objects."""

from __future__ import annotations

from viewer.datafiles.schema import (
    ArticleFile,
    CitationModel,
    MuscleFile,
    RegionsFile,
    SourcesFile,
    TriggerPointModel,
    ZoneModel,
)
from viewer.domain.model import (
    Article,
    Catalog,
    Citation,
    Confidence,
    FramePoint,
    Hazard,
    HazardKind,
    Layer,
    Muscle,
    NeedlingCard,
    ReferralZone,
    Region,
    Source,
    TriggerPoint,
    Zone,
    ZoneShape,
)


def _cites(cites: list[CitationModel]) -> tuple[Citation, ...]:
    return tuple(Citation(c.source, c.detail) for c in cites)


def _zone(z: ZoneModel) -> Zone:
    shapes = tuple(
        ZoneShape(s.kind, tuple(s.anchors), s.radius_mm, s.minor_mm, s.toward, tuple(s.offset_mm))
        for s in z.shapes
    )
    return Zone(tuple(z.regions), shapes)


def _trigger_point(muscle_id: str, default_part: str, tp: TriggerPointModel) -> TriggerPoint:
    loc = tp.location
    return TriggerPoint(
        id=tp.id,
        muscle=muscle_id,
        name=tp.name,
        location=FramePoint(loc.s, loc.t, loc.depth, loc.part or default_part),
        location_text=loc.description,
        referral=ReferralZone(_zone(tp.referral.essential), _zone(tp.referral.spillover), tp.referral.note),
        symptoms=tuple(tp.symptoms),
        aggravating=tuple(tp.aggravating),
        limited_movements=tuple(tp.limited_movements),
        needling=NeedlingCard(
            tp.needling.patient_position,
            tp.needling.palpation,
            tp.needling.technique,
            tuple(tp.needling.structures_at_risk),
            tp.needling.notes,
        ),
        hazards=tuple(Hazard(HazardKind(h.kind), h.structure, h.warning) for h in tp.hazards),
        patient_text=tp.patient_text,
        self_care=tuple(tp.self_care),
        sources=_cites(tp.sources),
        confidence=Confidence(tp.confidence),
        confidence_note=tp.confidence_note,
        related=tuple(tp.related),
    )


def to_catalog(
    regions: RegionsFile, sources: SourcesFile, muscles: list[MuscleFile], articles: list[ArticleFile]
) -> Catalog:
    region_objs = tuple(
        Region(r.id, r.name, r.description, r.group, r.midline, tuple(r.synonyms)) for r in regions.regions
    )
    source_objs = tuple(Source(s.id, s.citation, s.kind) for s in sources.sources)
    muscle_objs = []
    tps = []
    for doc in muscles:
        m = doc.muscle
        parts = tuple(m.parts) or (m.id,)
        muscle_objs.append(
            Muscle(
                id=m.id, name=m.name, latin=m.latin, aliases=tuple(m.aliases), fma_id=m.fma_id,
                group=m.group, layer=Layer(m.layer), origin=m.origin, insertion=m.insertion,
                action=m.action, innervation=m.innervation, description=m.description,
                parts=parts, related_muscles=tuple(m.related_muscles), sources=_cites(m.sources),
            )
        )
        tps.extend(_trigger_point(m.id, parts[0], tp) for tp in doc.trigger_points)
    article_objs = tuple(
        Article(a.id, a.title, tuple((s.heading, s.text) for s in a.sections), _cites(a.sources))
        for a in articles
    )
    return Catalog(region_objs, tuple(muscle_objs), tuple(tps), source_objs, article_objs)
