"""Frozen domain objects: regions, muscles, trigger points, referral zones, needling cards.

Everything here is validated before it is built (see :mod:`viewer.datafiles`), so the
objects trust their fields. Ids are strings; region and muscle ids are the contracts of
``shared/spec``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Side(str, Enum):
    """A body side, always the patient's own."""

    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> "Side":
        return Side.LEFT if self is Side.RIGHT else Side.RIGHT


class Layer(str, Enum):
    SUPERFICIAL = "superficial"
    INTERMEDIATE = "intermediate"
    DEEP = "deep"


class Confidence(str, Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class HazardKind(str, Enum):
    """Machine-readable hazard flags of a needling card."""

    LUNG_PLEURA = "lung_pleura"
    NERVE = "nerve"
    VESSEL = "vessel"
    VISCERA = "viscera"
    OTHER = "other"


@dataclass(frozen=True)
class Region:
    """A skin region of the atlas (id from ``shared/spec/body-regions.yaml``)."""

    id: str
    name: str
    description: str
    group: str
    midline: bool = False
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """A bibliographic source that trigger points cite by id."""

    id: str
    citation: str
    kind: str = "book"


@dataclass(frozen=True)
class Citation:
    source: str
    detail: str = ""


@dataclass(frozen=True)
class ZoneShape:
    """A landmark-anchored shape that refines a referral zone on the skin.

    ``kind`` is ``disk`` (``radius_mm``), ``ellipse`` (``radius_mm`` along ``toward`` and
    ``minor_mm`` across it) or ``band`` (a strip of half-width ``radius_mm`` through the
    ``anchors`` in order). Anchors are landmark names; ``offset_mm`` shifts the first anchor
    in the body frame (+x right, +y anterior, +z up) of the right side.
    """

    kind: str
    anchors: tuple[str, ...]
    radius_mm: float
    minor_mm: float = 0.0
    toward: str = ""
    offset_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Zone:
    """One tier of a referral pattern: region ids plus optional finer shapes."""

    regions: tuple[str, ...]
    shapes: tuple[ZoneShape, ...] = ()


@dataclass(frozen=True)
class ReferralZone:
    """The referred-pain pattern of a trigger point, authored for the right side."""

    essential: Zone
    spillover: Zone
    note: str = ""

    @property
    def all_regions(self) -> tuple[str, ...]:
        seen = dict.fromkeys(self.essential.regions)
        seen.update(dict.fromkeys(self.spillover.regions))
        return tuple(seen)


@dataclass(frozen=True)
class Hazard:
    kind: HazardKind
    structure: str
    warning: str


@dataclass(frozen=True)
class NeedlingCard:
    patient_position: str
    palpation: str
    technique: str
    structures_at_risk: tuple[str, ...]
    notes: str = ""


@dataclass(frozen=True)
class FramePoint:
    """A place in a muscle's parametric frame: s origin->insertion, t across, depth in."""

    s: float
    t: float
    depth: float
    part: str


@dataclass(frozen=True)
class TriggerPoint:
    id: str
    muscle: str
    name: str
    location: FramePoint
    location_text: str
    referral: ReferralZone
    symptoms: tuple[str, ...]
    aggravating: tuple[str, ...]
    limited_movements: tuple[str, ...]
    needling: NeedlingCard
    hazards: tuple[Hazard, ...]
    patient_text: str
    self_care: tuple[str, ...]
    sources: tuple[Citation, ...]
    confidence: Confidence
    confidence_note: str = ""
    related: tuple[str, ...] = ()

    @property
    def hazard_kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.kind.value for h in self.hazards))


@dataclass(frozen=True)
class Muscle:
    id: str
    name: str
    latin: str
    aliases: tuple[str, ...]
    fma_id: str
    group: str
    layer: Layer
    origin: str
    insertion: str
    action: str
    innervation: str
    description: str
    parts: tuple[str, ...]
    related_muscles: tuple[str, ...] = ()
    sources: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Article:
    """General content: what dry needling is, the evidence, contraindications, disclaimer."""

    id: str
    title: str
    sections: tuple[tuple[str, str], ...]
    sources: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Catalog:
    """Everything the data layer validated, indexed for lookup."""

    regions: tuple[Region, ...]
    muscles: tuple[Muscle, ...]
    trigger_points: tuple[TriggerPoint, ...]
    sources: tuple[Source, ...]
    articles: tuple[Article, ...] = ()
    _by_id: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, dict] = {
            "region": {r.id: r for r in self.regions},
            "muscle": {m.id: m for m in self.muscles},
            "tp": {t.id: t for t in self.trigger_points},
            "source": {s.id: s for s in self.sources},
            "article": {a.id: a for a in self.articles},
        }
        by_muscle: dict[str, list[TriggerPoint]] = {m.id: [] for m in self.muscles}
        for tp in self.trigger_points:
            by_muscle.setdefault(tp.muscle, []).append(tp)
        index["tps_of_muscle"] = {k: tuple(v) for k, v in by_muscle.items()}
        self._by_id.update(index)

    def region(self, region_id: str) -> Region:
        return self._by_id["region"][region_id]

    def muscle(self, muscle_id: str) -> Muscle:
        return self._by_id["muscle"][muscle_id]

    def trigger_point(self, tp_id: str) -> TriggerPoint:
        return self._by_id["tp"][tp_id]

    def source(self, source_id: str) -> Source:
        return self._by_id["source"][source_id]

    def article(self, article_id: str) -> Article:
        return self._by_id["article"][article_id]

    def has_region(self, region_id: str) -> bool:
        return region_id in self._by_id["region"]

    def has_muscle(self, muscle_id: str) -> bool:
        return muscle_id in self._by_id["muscle"]

    def has_trigger_point(self, tp_id: str) -> bool:
        return tp_id in self._by_id["tp"]

    def trigger_points_of(self, muscle_id: str) -> tuple[TriggerPoint, ...]:
        return self._by_id["tps_of_muscle"].get(muscle_id, ())
