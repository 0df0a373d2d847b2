"""Pydantic models of the data files. They check shape and types; :mod:`.crossref` checks ids."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CitationModel(Strict):
    source: str = Field(pattern=ID_PATTERN)
    detail: str = ""


class RegionModel(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=2)
    description: str = Field(min_length=5)
    group: str = Field(pattern=ID_PATTERN)
    midline: bool = False
    synonyms: list[str] = []


class RegionsFile(Strict):
    version: Literal[1]
    regions: list[RegionModel] = Field(min_length=1)


class SourceModel(Strict):
    id: str = Field(pattern=ID_PATTERN)
    citation: str = Field(min_length=10)
    kind: Literal["book", "article", "review", "reference", "guideline", "website"] = "book"


class SourcesFile(Strict):
    version: Literal[1]
    sources: list[SourceModel] = Field(min_length=1)


class ShapeModel(Strict):
    kind: Literal["disk", "ellipse", "band"]
    anchors: list[str] = Field(min_length=1)
    radius_mm: float = Field(gt=0, le=400)
    minor_mm: float = Field(default=0.0, ge=0, le=400)
    toward: str = ""
    offset_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)


class ZoneModel(Strict):
    regions: list[str] = Field(default=[], description="region ids, side-neutral")
    shapes: list[ShapeModel] = []


class ReferralModel(Strict):
    essential: ZoneModel
    spillover: ZoneModel
    note: str = ""


class LocationModel(Strict):
    s: float = Field(ge=0.0, le=1.0)
    t: float = Field(ge=0.0, le=1.0)
    depth: float = Field(ge=0.0, le=1.0)
    part: str = Field(default="", pattern=r"^([a-z][a-z0-9_]*)?$")
    description: str = Field(min_length=10)


class HazardModel(Strict):
    kind: Literal["lung_pleura", "nerve", "vessel", "viscera", "other"]
    structure: str = Field(min_length=3)
    warning: str = Field(min_length=15)


class NeedlingModel(Strict):
    patient_position: str = Field(min_length=5)
    palpation: str = Field(min_length=5)
    technique: str = Field(min_length=10)
    structures_at_risk: list[str] = []
    notes: str = ""


class TriggerPointModel(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=3)
    location: LocationModel
    referral: ReferralModel
    symptoms: list[str] = Field(min_length=1)
    aggravating: list[str] = []
    limited_movements: list[str] = []
    needling: NeedlingModel
    hazards: list[HazardModel] = []
    patient_text: str = Field(min_length=40)
    self_care: list[str] = []
    sources: list[CitationModel] = Field(min_length=1)
    confidence: Literal["low", "medium", "high"]
    confidence_note: str = ""
    related: list[str] = []


class MuscleModel(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=3)
    latin: str = Field(min_length=3)
    aliases: list[str] = []
    fma_id: str = ""
    group: str = Field(pattern=ID_PATTERN)
    layer: Literal["superficial", "intermediate", "deep"]
    origin: str = Field(min_length=5)
    insertion: str = Field(min_length=5)
    action: str = Field(min_length=5)
    innervation: str = Field(min_length=3)
    description: str = ""
    parts: list[str] = []
    related_muscles: list[str] = []
    sources: list[CitationModel] = []


class MuscleFile(Strict):
    version: Literal[1]
    muscle: MuscleModel
    trigger_points: list[TriggerPointModel] = []


class SectionModel(Strict):
    heading: str = Field(min_length=2)
    text: str = Field(min_length=10)


class ArticleFile(Strict):
    version: Literal[1]
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=3)
    sections: list[SectionModel] = Field(min_length=1)
    sources: list[CitationModel] = []
