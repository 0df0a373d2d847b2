"""``AppState``: the single source of truth of the viewer (evented with psygnal, no Qt/VTK).

Only the :class:`~viewer.controller.Controller` writes it; the scene and the Qt panels
subscribe to ``state.events.<field>`` and redraw themselves (napari's model/view split).
Every field holds an immutable value so that psygnal's equality check decides whether an
event fires: setting the same value twice emits nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from psygnal import evented

from viewer.domain.painfinder import Candidate

SKIN_MODES = ("opaque", "translucent", "hidden")
LAYERS = ("superficial", "intermediate", "deep", "bone")
MODES = ("explore", "paint")
VIEWS = ("front", "back", "left", "right")


@dataclass(frozen=True)
class Selection:
    """The selected trigger point on one side of the body."""

    tp: str
    side: str = "right"


@dataclass(frozen=True)
class ViewRequest:
    """A request to move the camera; ``serial`` makes a repeated request a new value.

    ``kind`` is ``preset`` (``name`` in :data:`VIEWS`), ``reset`` or ``frame_selection``.
    """

    kind: str
    name: str = ""
    serial: int = 0


@dataclass(frozen=True)
class MarkerFilter:
    """Which trigger-point markers are shown: all, or those of one muscle / one region."""

    muscle: str | None = None
    region: str | None = None

    @property
    def active(self) -> bool:
        return self.muscle is not None or self.region is not None


@evented
@dataclass
class AppState:
    """Everything the views show. Change it only through the controller."""

    mode: str = "explore"
    selection: Selection | None = None
    selected_muscle: str | None = None
    skin: str = "opaque"
    visible_layers: frozenset[str] = field(default_factory=lambda: frozenset(LAYERS))
    isolated_muscle: str | None = None
    marker_filter: MarkerFilter = field(default_factory=MarkerFilter)
    view_request: ViewRequest | None = None
    brush_radius_m: float = 0.03
    erasing: bool = False
    # Bumped on every brush stroke; the painted weights live in the controller's drawing.
    pain_revision: int = 0
    # The pain finder's ranked answer for the current drawing (empty when nothing is painted).
    candidates: tuple[Candidate, ...] = ()
    status: str = ""
