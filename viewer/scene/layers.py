"""Which parts are shown, and how: skin mode, muscle layers, bones, isolation, highlight."""

from __future__ import annotations

from viewer.geometry.meshes import PartInfo
from viewer.scene import theme
from viewer.scene.parts import PartActor, set_highlight
from viewer.state import AppState


def part_visible(info: PartInfo, state: AppState) -> bool:
    """The layer rule for one part (pure, so it is tested without rendering).

    Under an opaque skin nothing else is drawn: every muscle and bone lies inside it (a build
    gate), so drawing them only costs time - on software GL the skin alone renders in about a
    third of the time of the whole body [measured].
    """
    if info.kind == "skin":
        return state.skin != "hidden"
    if state.skin == "opaque":
        return False
    if info.kind == "bone":
        return "bone" in state.visible_layers
    if state.isolated_muscle is not None:
        return info.muscle == state.isolated_muscle
    return info.layer in state.visible_layers


def apply_layers(parts: dict[str, PartActor], state: AppState, *, paint_mode: bool) -> None:
    """Set visibility, skin opacity and pickability of every part actor."""
    for part in parts.values():
        part.actor.visibility = part_visible(part.info, state)
        if part.info.kind == "skin":
            part.actor.prop.opacity = theme.SKIN_OPACITY[state.skin]
            # A see-through skin must not catch clicks meant for the muscles under it,
            # except while painting pain on it.
            part.actor.SetPickable(state.skin == "opaque" or paint_mode)


def apply_muscle_highlight(parts: dict[str, PartActor], muscle_id: str | None) -> None:
    """Colour the parts of ``muscle_id`` as selected and the others as usual.

    Only parts whose state changes are touched, through VTK directly: setting 160 colours
    through pyvista's property parser took 16 ms of every click. A toned muscle swaps to the
    lighter shared lookup table (its striation and tendon stay visible), in place.
    """
    for part in parts.values():
        if part.info.kind != "muscle":
            continue
        selected = muscle_id is not None and part.info.muscle == muscle_id
        if selected != part.highlighted:
            set_highlight(part, selected)
